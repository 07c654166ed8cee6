// Fit time of seed 000's baselines in headless Chromium, through the page's Baselines form.
//
//   node tools/baseline_bench.mjs -- data=imdb-20k num_words=10000 ...
//
// Opens the page with the given settings, presses Add TF-IDF baselines (TF-IDF 1–2-grams,
// LogisticRegression then LinearSVC) and prints the status line with each fit's wall time as
// the page measured it, and the rows' accuracy. Serve a release build first.
import { launch, newPage, pageUrl } from './browser.mjs';

const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const opts = dashdash >= 0 ? argv.slice(0, dashdash) : [];
const kv = dashdash >= 0 ? argv.slice(dashdash + 1) : argv;

const server = await pageUrl(opts);
const browser = await launch();
try {
  const { page } = await newPage(browser);
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${server.url}?${kv.join('&')}`);
  await page.waitForFunction(() => !document.querySelector('#add-baselines')?.disabled, null, { timeout: 300_000 });
  const t0 = Date.now();
  await page.click('#add-baselines');
  await page.waitForFunction(() => /^Fitted .*\.$|failed/.test(document.querySelector('#baseline-status')?.textContent ?? ''), null, {
    timeout: 1_200_000,
  });
  const status = await page.evaluate(() => document.querySelector('#baseline-status').textContent);
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('#comparison-table tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td[data-key]')].map((td) => td.textContent).join(' | '),
    ),
  );
  console.log(`${kv.join(' ')}: ${status} (${((Date.now() - t0) / 1000).toFixed(1)} s from the click, data loading included)`);
  rows.forEach((r) => console.log(r));
} finally {
  await browser.close();
  await server.stop();
}
