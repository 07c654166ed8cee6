// Speed structure on WebGPU (issue 6): the GPU work of a training step must not
// grow with the sequence length. The page's `probe=1` worker counts the
// `dispatchWorkgroups` calls of every step (www/src/probe.ts); each recurrent layer's
// time loop is one forward and one backward kernel (crate/src/model/rnn_cube.rs).
// And the CPU on every core: the page is cross-origin isolated, CPU runs train in the threaded
// build (www/pkg-mt, www/src/threads.ts), and it learns what the single-threaded build learns.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../../tools/browser.mjs';
import { MIN, assert, assertAccuracy, assertClean, open, sleep, watchTraining } from './helpers.mjs';

const layers = (list) => encodeURIComponent(JSON.stringify(list));
const EMB = { kind: 'embedding', output_dim: 16 };
const OUT = { kind: 'dense', units: 1, activation: 'sigmoid' };
const LSTM = (rs) => ({ kind: 'lstm', units: 24, return_sequences: rs });
const BIGRU = { kind: 'bidirectional', layer: { kind: 'gru', units: 8 } };

/** The dispatches of training steps 2 and 3 of a WebGPU run (step 1 may allocate). */
async function stepDispatches(browser, base, list, maxlen) {
  const query = `data=imdb-1k&model=custom&layers=${layers(list)}&maxlen=${maxlen}&num_words=1000&batch_size=32&epochs=100&patience=&optimizer=sgd&backend=webgpu&probe=1&autostart=1`;
  const steps = [];
  const t = await open(browser, base, query, {
    beforeGoto: ({ page }) =>
      page.on('console', (msg) => {
        const text = msg.text();
        if (!text.startsWith('[kiln] PROBE ')) return;
        const p = JSON.parse(text.slice('[kiln] PROBE '.length));
        if (p.type === 'step') steps.push(p);
      }),
  });
  try {
    const t0 = Date.now();
    while (steps.length < 3) {
      if (Date.now() - t0 > 8 * MIN) throw new Error(`maxlen ${maxlen}: ${steps.length} steps in 8 min`);
      const st = await t.page.evaluate(() => window.kiln?.state ?? null);
      if (st?.status === 'error') throw new Error(`maxlen ${maxlen}: ${st.message}`);
      assert(st?.backend !== 'cpu', `the run should be on WebGPU, not ${st?.backend}`);
      await sleep(300);
    }
    assertClean(t);
    return { d2: steps[1].dispatches, d3: steps[2].dispatches, ms: Math.round(steps[2].ms) };
  } finally {
    await t.context.close();
  }
}

export const speedTests = [
  {
    name: 'threads',
    title: 'CPU threads: the page is cross-origin isolated; a CPU run trains in the threaded build and learns what one thread learns',
    timeout: 15 * MIN,
    async run(browser, base) {
      const built = existsSync(resolve(ROOT, 'www/pkg-mt/kiln.js'));
      // large enough a step for threads (www/src/threads.ts SMALL_STEP): the LSTM's 82 k weights
      // at 200 steps, 32 rows, 530 M multiply-adds forward
      const query = 'data=imdb-1k&model=custom&layers=' +
        layers([{ kind: 'embedding', output_dim: 32 }, { kind: 'lstm', units: 128, return_sequences: true }, { kind: 'conv1d', filters: 8, kernel_size: 3, activation: 'relu' }, { kind: 'global_max_pooling1d' }, OUT]) +
        '&maxlen=200&num_words=1000&batch_size=32&epochs=2&patience=&seed=5&backend=cpu&autostart=1';
      const train = async (extra) => {
        const t = await open(browser, base, query + extra);
        try {
          const run = await watchTraining(t, 10 * MIN);
          assertAccuracy(run.final);
          const line = t.log.find((l) => l.includes('[kiln] backend cpu:')) ?? '';
          const result = JSON.parse(t.log.find((l) => l.includes('[kiln] RESULT '))?.split('[kiln] RESULT ')[1] ?? '{}');
          const isolated = await t.page.evaluate(() => crossOriginIsolated);
          assertClean(t);
          return { history: run.final.history, test: run.final.state.test, line, ms: result.ms_per_step_median, isolated };
        } finally {
          await t.context.close();
        }
      };
      const many = await train('');
      assert(many.isolated, 'www/serve.mjs should make the page cross-origin isolated (COOP/COEP)');
      if (!built) {
        assert(/1 thread: the threaded build could not start/.test(many.line), `without www/pkg-mt the run should say why it has one thread: ${many.line}`);
        return `no threaded build (www/pkg-mt missing: KILN_THREADS=0 or no nightly toolchain); the run said: ${many.line}`;
      }
      const n = Number(/; (\d+) threads/.exec(many.line)?.[1] ?? 0);
      assert(n >= 2, `a CPU run should train on the threaded build's threads: ${many.line}`);
      const one = await train('&threads=1');
      assert(/1 thread: threads=1 in the address/.test(one.line), `threads=1 should keep the run on one thread: ${one.line}`);
      // The recurrent loop's batch slices give the same bits; flex's threaded matmuls and sums
      // may add in another order, so the curves agree to float tolerance, not bit for bit.
      for (const key of ['loss', 'val_loss']) {
        for (let i = 0; i < 2; i++) {
          const [a, b] = [many.history[key][i], one.history[key][i]];
          assert(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${key}[${i}]: ${n} threads ${a} vs 1 thread ${b}`);
        }
      }
      assert(Math.abs(many.test.loss - one.test.loss) <= 1e-4, `test loss: ${many.test.loss} vs ${one.test.loss}`);
      return `${n} threads: ${many.line.split(': ').slice(1).join(': ')}; losses ${many.history.loss.map((x) => x.toFixed(5))} = ${one.history.loss.map((x) => x.toFixed(5))} on 1 thread; ` +
        `ms/step ${many.ms} (${n} threads) vs ${one.ms} (1), not a timed test`;
    },
  },
  {
    name: 'webgpu-dispatches',
    title: 'WebGPU: the dispatches of a recurrent training step do not grow with maxlen (fused time loop)',
    timeout: 30 * MIN,
    async run(browser, base) {
      const one = [EMB, LSTM(false), OUT];
      const two = [EMB, LSTM(true), LSTM(false), OUT];
      const four = [EMB, LSTM(true), LSTM(true), BIGRU, OUT];
      const r = {};
      for (const [name, list] of [['one', one], ['two', two], ['four', four]]) {
        for (const maxlen of [20, 80]) r[`${name}@${maxlen}`] = await stepDispatches(browser, base, list, maxlen);
      }
      for (const name of ['one', 'two', 'four']) {
        const [a, b] = [r[`${name}@20`], r[`${name}@80`]];
        assert(a.d2 === b.d2 && a.d3 === b.d3, `${name}: dispatches per step at maxlen 20 and 80 should be equal: ${JSON.stringify(r)}`);
      }
      // One more LSTM layer: its input projection, time loop and weight gradients, plus SGD's
      // update of its 3 weights (a scalar multiply and a subtraction each).
      const perLayer = r['two@20'].d3 - r['one@20'].d3 - 3 * 2;
      assert(perLayer <= 8, `an LSTM layer's forward, backward and weight gradients should take at most 8 dispatches, not ${perLayer}: ${JSON.stringify(r)}`);
      return `dispatches per step at maxlen 20 and 80: 1 LSTM ${r['one@20'].d3}, 2 LSTMs ${r['two@20'].d3}, LSTM+LSTM+BiGRU ${r['four@20'].d3}; ` +
        `${perLayer} per LSTM layer without its SGD updates; ms/step at maxlen 80: ${r['one@80'].ms}, ${r['two@80'].ms}, ${r['four@80'].ms}`;
    },
  },
];
