// Word2vec words/s in headless Chromium, through the page's Word vectors panel.
//
//   node tools/w2v_bench.mjs [--seconds S] [--epochs N] -- data=imdb-20k backend=cpu|webgpu ...
//
// Opens the page with the given settings, trains word2vec (gensim's defaults, `--epochs`
// passes, 1 by default) and prints the panel's status line — words trained and words/s from
// the worker's events — when it is done, or after `--seconds` (then stops it: SwiftShader's
// WebGPU is far too slow for a whole pass). Then the nearest words of great, awful, boring.
// Serve a release build first (`KILN_WASM_OPT=0 ./build.sh build` is enough: wasm-opt does not
// change speed).
import { launch, newPage, pageUrl } from './browser.mjs';

const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const opts = dashdash >= 0 ? argv.slice(0, dashdash) : [];
const kv = dashdash >= 0 ? argv.slice(dashdash + 1) : argv;
const opt = (name, fallback) => {
  const i = opts.indexOf(name);
  return i >= 0 ? Number(opts[i + 1]) : fallback;
};
const seconds = opt('--seconds', 600);
const epochs = opt('--epochs', 1);

const server = await pageUrl(opts);
const browser = await launch();
try {
  const { page } = await newPage(browser);
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${server.url}?${kv.join('&')}`);
  await page.waitForFunction(() => !document.querySelector('#w2v-train')?.disabled, null, { timeout: 300_000 });
  await page.fill('#w2v-epochs', String(epochs));
  const t0 = Date.now();
  await page.click('#w2v-train');
  const state = () => page.evaluate(() => document.querySelector('#word2vec').dataset.state);
  while ((await state()) !== 'done' && (await state()) !== 'error' && Date.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 500));
  }
  if ((await state()) === 'training') {
    await page.click('#w2v-stop');
    await page.waitForFunction(() => document.querySelector('#word2vec').dataset.state !== 'training', null, { timeout: 300_000 });
  }
  const status = await page.evaluate(() => document.querySelector('#w2v-status').textContent);
  const error = await page.evaluate(() => (document.querySelector('#w2v-error').hidden ? '' : document.querySelector('#w2v-error').textContent));
  console.log(`${kv.join(' ')}: ${status}${error ? ` — error: ${error}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s wall)`);
  for (const word of ['great', 'awful', 'boring']) {
    await page.evaluate(() => document.querySelector('#w2v-similar-result').replaceChildren());
    await page.fill('#w2v-word', word);
    await page.press('#w2v-word', 'Enter');
    await page.waitForSelector('#w2v-similar-result table, #w2v-similar-result p', { timeout: 60_000 });
    const near = await page.evaluate(() =>
      [...document.querySelectorAll('#w2v-similar-result tr[data-similarity]')].map(
        (tr) => `${tr.querySelector('.word').textContent} ${Number(tr.dataset.similarity).toFixed(3)}`,
      ),
    );
    console.log(`${word}: ${near.join(', ') || '(not in the vocabulary)'}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
