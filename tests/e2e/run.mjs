// Browser end-to-end tests for the Kiln page, in headless Chromium.
//
//   KILN_URL=http://127.0.0.1:PORT/ node tests/e2e/run.mjs [--url URL] [--only NAME[,NAME...]]
//
// Without a URL it starts `node www/serve.mjs` itself (the page must be built:
// `./build.sh build --dev`). `./build.sh test` runs it against the dev wasm.
// Screenshots go to $OUT (default out/). Prints one line per test and
// "N passed, N failed"; exits 1 if any failed. The tests of users' files, of
// evaluation and of the baselines live in data_file.mjs, evaluation.mjs and baselines.mjs;
// the CSP and markup-as-text tests in security.mjs; bad inputs after a run and ten runs in a
// row in reliability.mjs; training faults in faults.mjs.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launch, pageUrl } from '../../tools/browser.mjs';
import { baselineTests } from './baselines.mjs';
import { dataFileTests } from './data_file.mjs';
import { embedTests } from './embed.mjs';
import { downloadTests } from './downloads.mjs';
import { evaluationTests } from './evaluation.mjs';
import { exportTests } from './export.mjs';
import { savedRunTests } from './saved_runs.mjs';
import { reliabilityTests } from './reliability.mjs';
import { faultTests } from './faults.mjs';
import { securityTests } from './security.mjs';
import { word2vecTests } from './word2vec.mjs';
import { i18nTests } from './i18n.mjs';
import { speedTests } from './speed.mjs';
import {
  MIN,
  OUT,
  diag,
  sleep,
  open,
  snapshot,
  until,
  status,
  assert,
  assertAccuracy,
  assertClean,
  chartInk,
  screenshot,
  watchTraining,
  totalParams,
  codeMessage,
  captureWorker,
  SEED_002
} from './helpers.mjs';

const argv = process.argv.slice(2);
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? argv[onlyIdx + 1] : null;

// -------------------------------------------------------------------- tests --

const TINY = 'data=imdb-1k&model=pooled';

const tests = [
  {
    name: 'cpu',
    title: 'CPU training: progress, events, history, test accuracy, charts',
    timeout: 15 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, `${TINY}&epochs=1&batch_size=64&backend=cpu&autostart=1`);
      try {
        const seen = await watchTraining(t, 15 * MIN);
        const s = seen.final;
        assert(seen.events.length >= 2 && seen.events.at(-1) > seen.events[0], `window.kiln.events should grow while training, saw ${JSON.stringify(seen.events)}`);
        assert(seen.progress.filter(Boolean).length >= 2, `#progress should change while training, saw ${JSON.stringify(seen.progress)}`);
        assert(s.state.backend === 'cpu', `state.backend should be cpu, got ${s.state.backend}`);
        assertAccuracy(s);
        assert(s.history.loss.length === 1, `history.loss should have 1 entry, got ${JSON.stringify(s.history.loss)}`);
        await sleep(500); // let the charts paint the final point
        const ink = await chartInk(t.page);
        assert(ink.length > 0, 'no canvases in #charts');
        assert(ink.some((n) => n > 50), `charts look empty (non-background pixels per canvas: ${ink})`);
        const shot = await screenshot(t, 'e2e-cpu.png');
        assertClean(t);
        return `acc=${s.state.test.accuracy.toFixed(3)} loss=${s.history.loss[0].toFixed(4)} events=${seen.events.at(-1)} chart ink=${ink} ${shot.file}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'webgpu',
    title: 'WebGPU training (SwiftShader)',
    timeout: 30 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, `${TINY}&epochs=1&maxlen=64&batch_size=128&backend=webgpu&autostart=1`);
      try {
        const seen = await watchTraining(t, 30 * MIN);
        const s = seen.final;
        assert(s.state.backend === 'webgpu', `state.backend should be webgpu, got ${s.state.backend}`);
        assertAccuracy(s);
        assert(s.history.loss.length === 1, `history.loss should have 1 entry, got ${JSON.stringify(s.history.loss)}`);
        await screenshot(t, 'e2e-webgpu.png');
        assertClean(t);
        return `acc=${s.state.test.accuracy.toFixed(3)} loss=${s.history.loss[0].toFixed(4)} events=${s.events}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'pause',
    title: 'pause, resume, stop',
    timeout: 15 * MIN,
    async run(browser, base) {
      // stopped by the test: TINY's step is small enough for one thread, an epoch takes ms
      const t = await open(browser, base, `${TINY}&epochs=1000&batch_size=32&backend=cpu&autostart=1`);
      try {
        await until(t, (s) => status(s) === 'training' && s.events > 0, 'training to start', 10 * MIN);
        await t.page.click('#pause');
        await until(t, (s) => status(s) === 'paused', 'state paused', 2 * MIN);
        assert(/resume/i.test(await t.page.locator('#pause').innerText()), '#pause should read Resume while paused');
        await sleep(1000); // a step already under way may still report
        const e1 = (await snapshot(t.page)).events;
        await sleep(3000);
        const e2 = (await snapshot(t.page)).events;
        assert(e1 === e2, `events should not grow while paused (${e1} -> ${e2})`);
        assert(status(await snapshot(t.page)) === 'paused', 'should still be paused');
        await t.page.click('#pause');
        await until(t, (s) => status(s) === 'training' && s.events > e2, 'training to resume', 5 * MIN);
        assert(/pause/i.test(await t.page.locator('#pause').innerText()), '#pause should read Pause after resuming');
        await t.page.click('#stop');
        const s = await until(t, (x) => status(x) === 'done', 'state done after stop', 10 * MIN);
        assertAccuracy(s);
        assert(s.history.loss.length < 1000, `stop should end training early, history has ${s.history.loss.length} epochs`);
        assertClean(t);
        return `paused at ${e1} events, stopped after ${s.history.loss.length} epoch(s), acc=${s.state.test.accuracy.toFixed(3)}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'bad-input',
    title: 'bad input (batch_size=0) is an error, then a valid run works',
    timeout: 15 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, `${TINY}&epochs=1&backend=cpu&batch_size=0&autostart=1`);
      try {
        const s = await until(t, (x) => status(x) === 'error', 'state error', 2 * MIN);
        assert(typeof s.state.message === 'string' && s.state.message.length > 0, 'state.message should explain the error');
        const text = await t.page.locator('body').innerText();
        const visible = text.includes(s.state.message) || /batch/i.test(await t.page.locator('#status').innerText().catch(() => ''));
        assert(visible, `the error message should be visible on the page: ${s.state.message}`);
        assert(!t.pageErrors.length, `page errors: ${t.pageErrors.join('\n')}`);
        assert(!t.crashed, 'page crashed');
        // fix the input in the form and train again
        const field = t.page.locator('[name="batch_size"], #batch_size').first();
        assert((await field.count()) > 0, 'no batch_size field ([name=batch_size] or #batch_size) in the form');
        await field.fill('32');
        await t.page.click('#train');
        const seen = await watchTraining(t, 10 * MIN);
        assertAccuracy(seen.final);
        assert(!t.pageErrors.length, `page errors: ${t.pageErrors.join('\n')}`);
        return `error shown: "${s.state.message}"; rerun acc=${seen.final.state.test.accuracy.toFixed(3)}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'bad-url-autostart',
    title: 'autostart with an unknown setting value in the address: state error naming it, no run',
    timeout: 3 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, 'data=imdb&model=m4_pooled&backend=cpu&autostart=1');
      try {
        const s = await until(t, (x) => status(x) === 'error', 'state error', 2 * MIN);
        assert(/data/.test(s.state.message) && /imdb/.test(s.state.message), `the message should name data=imdb: ${s.state.message}`);
        assert(!t.pageErrors.length, `page errors: ${t.pageErrors.join('\n')}`);
        return `error: "${s.state.message}"`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'layers',
    title: 'layer editor: edit, add, move, remove; the live summary follows',
    timeout: 5 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, 'data=imdb-1k&model=m1_lstm');
      try {
        const card = (i) => t.page.locator('#layer-editor li.layer').nth(i);
        const first = await totalParams(t, 213301, 2 * MIN);
        await card(1).locator('input[name="units"]').fill('50');
        // LSTM(50) on 32 inputs: 4 * (50 * (32 + 50) + 50) = 16,600; Dense(1) on 50: 51
        await totalParams(t, 160000 + 16600 + 51);
        assert(await t.page.locator('select[name="model"]').inputValue() === 'custom', 'an edited model should read custom');
        await t.page.selectOption('#add-layer-kind', 'dropout');
        await t.page.click('#add-layer');
        assert(await t.page.locator('#layer-editor li.layer').count() === 4, 'Add layer should append a 4th layer');
        await card(3).getByRole('button', { name: /Move up/ }).click();
        assert(await card(2).getAttribute('data-kind') === 'dropout', 'Move up should put the dropout third');
        const moved = await totalParams(t, 176651);
        assert(/dropout \(Dropout\)/.test(moved.text), `the summary should list the dropout: ${moved.text}`);
        await card(2).locator('select.kind').selectOption('dense');
        await totalParams(t, 160000 + 16600 + 816 + 17);
        await card(0).getByRole('button', { name: /Remove/ }).click();
        const bad = await totalParams(t, 'error');
        assert(/layer 1 \(LSTM\)/.test(bad.text), `the build error should name the layer: ${bad.text}`);
        await card(0).locator('input[name="units"]').fill('');
        const field = await totalParams(t, 'error');
        assert(/units/.test(field.text), `an empty field should be reported: ${field.text}`);
        assert(/layers=/.test(t.page.url()), `the URL should hold the custom layers: ${t.page.url()}`);
        assertClean(t);
        return `213,301 → 176,651 → 177,433; build error: ${bad.text.split('\n').slice(0, 2).join(' ')}`.replace(/\s+/g, ' ') + ` (first ${first.total})`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'code',
    title: 'Keras code box: build from code, error line, show as code',
    timeout: 5 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, 'data=imdb-1k&model=m4_pooled');
      try {
        await totalParams(t, 160289, 2 * MIN);
        await t.page.fill('#keras-code', SEED_002);
        await t.page.click('#build-from-code');
        const ok = await codeMessage(t);
        assert(ok.state === 'ok', `Build from code failed: ${ok.text}`);
        await totalParams(t, 213301);
        assert(await t.page.locator('#layer-editor li.layer').count() === 3, 'the editor should show 3 layers');
        const hide = () => t.page.evaluate(() => (document.querySelector('#code-message').hidden = true));
        await hide();
        await t.page.click('#show-code');
        const shown = await codeMessage(t);
        const code = await t.page.inputValue('#keras-code');
        assert(shown.state === 'ok', `Show as Keras code failed: ${shown.text}`);
        assert(/\bimport keras|from keras/.test(code) && /LSTM\(100/.test(code) && /Embedding\(/.test(code), `Show as Keras code should print Python: ${code}`);
        await t.page.fill('#keras-code', SEED_002.replace('model.add(LSTM(100))', 'model.add(LSTM(100, activation=))'));
        await hide();
        await t.page.click('#build-from-code');
        const bad = await codeMessage(t);
        assert(bad.state === 'error' && /line 3\b/.test(bad.text), `a bad line 3 should be reported with its line: ${JSON.stringify(bad)}`);
        assertClean(t);
        return `213,301 params from seed 002's code; error: ${bad.text.split('\n')[0]}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'diverged',
    title: 'a "training diverged" error is shown with its hint; the charts keep the run so far',
    timeout: 10 * MIN,
    async run(browser, base) {
      // Real divergence is hard to provoke on demand (the loss is computed stably from logits),
      // so the worker's error message is injected once training has drawn a few steps.
      const t = await open(browser, base, `${TINY}&epochs=1000&batch_size=32&backend=cpu&autostart=1`, { initScript: captureWorker }); // paused by the test
      try {
        await until(t, (s) => status(s) === 'training' && s.events > 3, 'a few steps', 10 * MIN);
        await t.page.click('#pause');
        await until(t, (s) => status(s) === 'paused', 'state paused', 2 * MIN);
        const message = 'training diverged: loss is NaN at epoch 1, step 4. The weights from the step before are kept. Try clipnorm=1.0.';
        await t.page.evaluate((m) => window.__kilnWorker.dispatchEvent(new MessageEvent('message', { data: { type: 'error', message: m } })), message);
        const s = await until(t, (x) => status(x) === 'error', 'state error', 30_000);
        const box = t.page.locator('#errors.diverged');
        assert(await box.isVisible(), '#errors.diverged should be visible');
        const text = await box.innerText();
        assert(text.includes(message) && /charts keep the run/.test(text), `the message and the hint should show: ${text}`);
        const ink = await chartInk(t.page);
        assert(ink.some((n) => n > 50), `the charts should keep the run so far (ink ${ink})`);
        await screenshot(t, 'e2e-diverged.png');
        await t.page.click('#stop').catch(() => {});
        return `state ${s.state.status}; hint shown; chart ink ${ink}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'responsive',
    title: 'main thread stays responsive while training',
    timeout: 15 * MIN,
    async run(browser, base) {
      const initScript = () => {
        window.__longtasks = [];
        try {
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration });
          }).observe({ type: 'longtask', buffered: true });
        } catch {
          // longtask not supported: round-trips still measured
        }
      };
      // stopped after the measurement: TINY's step is small enough for one thread, ~1 ms
      const t = await open(browser, base, `${TINY}&epochs=1000&batch_size=32&backend=cpu&autostart=1`, { initScript });
      try {
        await until(t, (s) => status(s) === 'training' && s.events > 0, 'training to start', 10 * MIN);
        const since = await t.page.evaluate(() => performance.now());
        const rtts = [];
        for (let i = 0; i < 40; i++) {
          const a = performance.now();
          await t.page.evaluate(() => window.kiln.events);
          rtts.push(performance.now() - a);
          await sleep(100);
        }
        const long = await t.page.evaluate((s0) => window.__longtasks.filter((e) => e.start >= s0).map((e) => Math.round(e.ms)), since);
        const still = status(await snapshot(t.page));
        await t.page.click('#stop');
        await until(t, (x) => status(x) === 'done', 'state done after stop', 10 * MIN);
        rtts.sort((a, b) => a - b);
        const p50 = rtts[Math.floor(rtts.length * 0.5)];
        const p95 = rtts[Math.floor(rtts.length * 0.95)];
        const worstLong = long.length ? Math.max(...long) : 0;
        const summary = `round-trip p50=${p50.toFixed(0)}ms p95=${p95.toFixed(0)}ms max=${rtts.at(-1).toFixed(0)}ms; long tasks while training: ${long.length} (worst ${worstLong}ms)`;
        assert(still === 'training', `training ended during the measurement (${still}); use a longer run`);
        assert(p95 < 200, `main thread unresponsive: ${summary}`);
        assert(worstLong < 1000, `long task over 1s on the main thread: ${summary}`);
        assertClean(t);
        return summary;
      } finally {
        await t.context.close();
      }
    },
  },
  ...dataFileTests,
  ...evaluationTests,
  ...baselineTests,
  ...word2vecTests,
  ...i18nTests,
  ...speedTests,
  ...savedRunTests,
  ...faultTests,
  ...exportTests,
  ...embedTests,
  ...downloadTests,
  ...securityTests,
  ...reliabilityTests,
];

// ------------------------------------------------------------------- runner --

const server = await pageUrl(argv);
const browser = await launch();
console.log(`e2e: ${server.url} with ${process.env.KILN_CHROMIUM || '/usr/bin/chromium'} ${browser.version()}`);
let passed = 0;
let failed = 0;
const report = [];
for (const [i, test] of tests.entries()) {
  if (only && !only.split(',').includes(test.name)) continue;
  const t0 = Date.now();
  diag.current = null;
  let timer;
  try {
    const detail = await Promise.race([
      test.run(browser, server.url),
      new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`test timed out after ${test.timeout / 1000}s`)), test.timeout))),
    ]);
    passed++;
    const line = `ok ${i + 1} - ${test.name}: ${test.title} (${((Date.now() - t0) / 1000).toFixed(1)}s)${detail ? ` — ${detail}` : ''}`;
    console.log(line);
    report.push(line);
  } catch (err) {
    failed++;
    const line = `not ok ${i + 1} - ${test.name}: ${test.title} (${((Date.now() - t0) / 1000).toFixed(1)}s)`;
    console.log(`${line}\n  ${String(err?.stack || err).replace(/\n/g, '\n  ')}`);
    if (diag.current?.log.length) console.log(`  last console lines:\n    ${diag.current.log.slice(-25).join('\n    ')}`);
    await diag.current?.context.close().catch(() => {});
    report.push(`${line}: ${err?.message ?? err}`);
  } finally {
    clearTimeout(timer);
  }
}
await browser.close().catch(() => {});
await server.stop();
writeFileSync(resolve(OUT, 'e2e-report.txt'), `${report.join('\n')}\n${passed} passed, ${failed} failed\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
