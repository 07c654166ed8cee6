// Browser end-to-end tests of training faults (issue 8): a real NaN loss keeps the last good
// weights (evaluated, exported, saved); a real GPU out-of-memory on SwiftShader gives a clear
// message and the page trains again; a destroyed GPUDevice carries the run on on the CPU from its
// last autosave; a terminated worker is restarted and the run resumes from its last autosave.
// The main thread stays responsive through each recovery (no long task over 1 s). See run.mjs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MIN, OUT, assert, assertClean, open, screenshot, snapshot, until } from './helpers.mjs';

const layers = (l) => encodeURIComponent(JSON.stringify(l));
/** A relu SimpleRNN on plain SGD at lr 3: finite for two epochs, loss 5e21 in the third, NaN at epoch 4, step 1. */
const NAN = `data=imdb-1k&num_words=1000&maxlen=100&batch_size=64&epochs=4&optimizer=sgd&lr=3&backend=cpu&layers=${layers([
  { kind: 'embedding', output_dim: 32 },
  { kind: 'simple_rnn', units: 32, activation: 'relu' },
  { kind: 'dense', units: 1, activation: 'sigmoid' },
])}`;
/** Embedding(1000, 64) over 640 reviews × 10,000 tokens: one 2.0 GB activation buffer. */
const OOM = `data=imdb-1k&num_words=1000&maxlen=10000&batch_size=800&validation_split=0.2&epochs=1&backend=webgpu&layers=${layers([
  { kind: 'embedding', output_dim: 64 },
  { kind: 'global_average_pooling1d' },
  { kind: 'dense', units: 1, activation: 'sigmoid' },
])}`;
const TINY = 'data=imdb-1k&model=pooled&num_words=1000&maxlen=64';
/** worker_crash's epochs. */
const EPOCHS = 40;

/** Records long main-thread tasks (window.__longtasks) and keeps the page's workers (window.__kilnWorkers). */
function initScript() {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask entries in this browser: the check below sees none
  }
  const Base = window.Worker;
  window.__kilnWorkers = [];
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      window.__kilnWorkers.push(this);
    }
  };
}

/** The longest main-thread task since `since` (performance.now()), in ms. */
const longestTask = (t, since) =>
  t.page.evaluate((s0) => Math.max(0, ...window.__longtasks.filter((e) => e.start >= s0).map((e) => Math.round(e.ms))), since);

const ready = (t) => t.page.waitForSelector('#config fieldset:not([disabled]) select[name="data"]', { timeout: 2 * MIN });
const notice = (t) => t.page.locator('#notice').innerText();

export const faultTests = [
  {
    name: 'nan_kept',
    title: 'a real NaN loss names the epoch and step, keeps the last finite epoch\'s weights: evaluated, exported, saved as finished',
    timeout: 10 * MIN,
    run: async (browser, base) => {
      const t = await open(browser, base, `${NAN}&autostart=1`, { initScript });
      try {
        const s = await until(t, (x) => x.state.status === 'done', 'the diverged run to be evaluated', 8 * MIN);
        const box = await t.page.locator('#errors.diverged').innerText();
        const at = /loss is NaN at epoch (\d+), step (\d+)/.exec(box);
        assert(at, `the banner should name the epoch and step: ${box}`);
        assert(/last good weights/.test(box) && /relu/.test(box), `the banner should say what is kept and give the hint: ${box}`);
        const restored = /weights of epoch (\d+), the last with a finite loss/.exec(s.state.message);
        assert(restored, `the status should say which weights were kept: ${s.state.message}`);
        const epoch = Number(restored[1]);
        assert(Number.isFinite(s.history.val_loss[epoch - 1]), `epoch ${epoch} had a finite val_loss: ${JSON.stringify(s.history.val_loss)}`);
        assert(Number.isFinite(s.state.test.loss) && Math.abs(s.state.test.loss - s.history.val_loss[epoch - 1]) < 1e-6,
          `the test set (the validation set here) is evaluated with epoch ${epoch}'s weights: ${s.state.test.loss} vs ${JSON.stringify(s.history.val_loss)}`);
        // The kept weights export and are saved as a finished run.
        await t.page.waitForSelector('#export-keras:not([disabled])', { timeout: MIN });
        const [download] = await Promise.all([t.page.waitForEvent('download', { timeout: 2 * MIN }), t.page.click('#export-keras')]);
        const file = resolve(OUT, download.suggestedFilename());
        await download.saveAs(file);
        assert(readFileSync(file).length > 1000, 'the Keras export should be a zip of the kept weights');
        await t.page.waitForFunction(() => [...document.querySelectorAll('#saved-runs-table tr[data-key] td')].some((td) => td.textContent === 'finished'), null, { timeout: MIN });
        await screenshot(t, 'faults-nan.png');
        return `NaN at epoch ${at[1]}, step ${at[2]}; kept epoch ${epoch} (test_loss ${s.state.test.loss.toFixed(4)}, accuracy ${s.state.test.accuracy}); exported ${download.suggestedFilename()}; saved as finished`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'gpu_oom',
    title: 'a real GPU out-of-memory (a 2 GB buffer on SwiftShader) says to lower batch_size or maxlen; the page trains again',
    timeout: 10 * MIN,
    run: async (browser, base) => {
      const t = await open(browser, base, `${OOM}&autostart=1`, { initScript });
      try {
        const t0 = Date.now();
        const s = await until(t, (x) => x.state.status === 'error', 'the out-of-memory error', 5 * MIN);
        const seconds = (Date.now() - t0) / 1000;
        assert(/^the GPU ran out of memory \(one buffer of 2\.0 GB did not fit\): try a smaller batch_size or maxlen \(now 800 and 10000\)/.test(s.state.message), `the message should be clear: ${s.state.message}`);
        const shown = await t.page.locator('#errors').innerText();
        assert(shown.includes('try a smaller batch_size or maxlen'), `the error box should show it: ${shown}`);
        // Smaller settings train at once in the same page.
        await t.page.fill('input[name="maxlen"]', '64');
        await t.page.fill('input[name="batch_size"]', '128');
        await t.page.selectOption('select[name="backend"]', 'cpu');
        await t.page.click('#train');
        const again = await until(t, (x) => x.state.status === 'done', 'the smaller run', 5 * MIN);
        t.consoleErrors.length = 0; // the OOM's own [kiln] ERROR line
        assertClean(t);
        return `error after ${seconds.toFixed(1)} s: "${s.state.message.slice(0, 120)}…"; then maxlen 64 trained to ${again.state.test.accuracy}`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'gpu_lost',
    title: 'device.destroy() mid-run: the run carries on on the CPU from its last autosave, with a notice',
    timeout: 15 * MIN,
    run: async (browser, base) => {
      let worker = null;
      const t = await open(browser, base, `${TINY}&batch_size=128&epochs=3&backend=webgpu`, {
        initScript,
        beforeGoto: ({ page }) => page.on('worker', (w) => { if (!w.url().startsWith('blob:')) worker = w; }),
      });
      try {
        await ready(t);
        // Keep every GPUDevice the worker creates (on top of the worker's own watch).
        await worker.evaluate(() => {
          self.__devices = [];
          const gpu = navigator.gpu;
          const requestAdapter = gpu.requestAdapter.bind(gpu);
          gpu.requestAdapter = async (...a) => {
            const adapter = await requestAdapter(...a);
            if (adapter) {
              const requestDevice = adapter.requestDevice.bind(adapter);
              adapter.requestDevice = async (...b) => {
                const d = await requestDevice(...b);
                self.__devices.push(d);
                return d;
              };
            }
            return adapter;
          };
        });
        await t.page.click('#train');
        await until(t, (x) => x.history.loss.length >= 1 && x.events > x.history.loss.length * 8 + 2, 'a step of epoch 2 on WebGPU', 10 * MIN);
        const before = (await snapshot(t.page)).history;
        assert((await snapshot(t.page)).state.backend === 'webgpu', 'the run should start on WebGPU');
        const since = await t.page.evaluate(() => performance.now());
        const destroyed = await worker.evaluate(() => {
          self.__devices.forEach((d) => d.destroy());
          return self.__devices.length;
        });
        assert(destroyed === 1, `one device should have been destroyed, got ${destroyed}`);
        await t.page.waitForSelector('#notice:not([hidden])', { timeout: 2 * MIN });
        const text = await notice(t);
        assert(/The WebGPU device was lost \(destroyed.*\)\. Training carries on on the CPU from the last save \(epoch \d, step 0\)/.test(text), `notice: ${text}`);
        const s = await until(t, (x) => x.state.status === 'done', 'the run to finish on the CPU', 10 * MIN);
        assert(s.state.backend === 'cpu', `the run should end on the CPU, got ${s.state.backend}`);
        assert(s.history.loss.length === 3, `three epochs in all: ${JSON.stringify(s.history.loss)}`);
        for (let i = 0; i < before.loss.length; i++) assert(s.history.loss[i] === before.loss[i], `epoch ${i + 1} trained on WebGPU is kept`);
        assert(await t.page.locator('#notice').isVisible(), 'the notice stays after the run');
        const longest = await longestTask(t, since);
        assert(longest < 1000, `the main thread blocked ${longest} ms during the recovery`);
        await screenshot(t, 'faults-gpu-lost.png');
        t.consoleErrors.length = 0; // wgpu's own "device was lost" log lines
        assertClean(t);
        return `${text}; ${before.loss.length} epoch(s) on WebGPU kept, finished on the CPU at ${s.state.test.accuracy}; longest main-thread task ${longest} ms`;
      } finally {
        await t.context.close();
      }
    },
  },
  {
    name: 'worker_crash',
    title: 'worker.terminate() mid-run: a new worker resumes the run from its last autosave, with a notice; nothing trained is lost',
    timeout: 15 * MIN,
    run: async (browser, base) => {
      // 40 short epochs: on the threaded CPU an epoch of TINY takes tens of ms, and with 6 the
      // run was once past epoch 5 by the time the terminate came after the poll that saw epoch 3
      const t = await open(browser, base, `${TINY}&batch_size=32&epochs=${EPOCHS}&backend=cpu&autostart=1`, { initScript });
      try {
        await until(t, (x) => x.history.loss.length >= 2 && x.events > x.history.loss.length * 26 + 3, 'a few steps of epoch 3', 10 * MIN);
        const before = (await snapshot(t.page)).history;
        const since = await t.page.evaluate(() => performance.now());
        await t.page.evaluate(() => window.__kilnWorkers.at(-1).terminate());
        await t.page.waitForSelector('#notice:not([hidden])', { timeout: 2 * MIN });
        const text = await notice(t);
        const at = /The training worker crashed \(.+\) and was restarted\. Training carries on from the last save \(epoch (\d+), step 0\)/.exec(text);
        assert(at && Number(at[1]) > before.loss.length, `notice (after ${before.loss.length} epochs): ${text}`);
        const workers = await t.page.evaluate(() => window.__kilnWorkers.length);
        assert(workers === 2, `a second worker should have been started, got ${workers}`);
        const s = await until(t, (x) => x.state.status === 'done', 'the resumed run', 10 * MIN);
        assert(s.history.loss.length === EPOCHS, `${EPOCHS} epochs in all: ${JSON.stringify(s.history.loss)}`);
        for (let i = 0; i < before.loss.length; i++) {
          assert(s.history.loss[i] === before.loss[i] && s.history.val_accuracy[i] === before.val_accuracy[i], `epoch ${i + 1} is kept as trained`);
        }
        const log = await t.page.locator('#log').innerText();
        assert(/Resumed at epoch \d+, step 0/.test(log), `the log should say where it resumed: ${log.slice(0, 200)}`);
        const longest = await longestTask(t, since);
        assert(longest < 1000, `the main thread blocked ${longest} ms during the recovery`);
        // The new worker answers the page: the evaluation of the resumed run works.
        await t.page.waitForSelector('#export-keras:not([disabled])', { timeout: MIN });
        await screenshot(t, 'faults-worker-crash.png');
        assertClean(t);
        return `${text}; ${before.loss.length} epochs kept, test accuracy ${s.state.test.accuracy}; longest main-thread task ${longest} ms`;
      } finally {
        await t.context.close();
      }
    },
  },
];
