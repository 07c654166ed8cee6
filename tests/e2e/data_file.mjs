// Browser end-to-end tests: see run.mjs for how they run, helpers.mjs for the helpers.
// Each test: { name, title, timeout, run(browser, baseUrl) }.
// import { open, until, assert, assertClean, screenshot, MIN } from './helpers.mjs';

export const dataFileTests = [];
