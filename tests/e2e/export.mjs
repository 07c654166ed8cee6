// Browser end-to-end test of the Export buttons: train a small CNN + LSTM in the page, click
// Export TF.js and load the downloaded model.json with TensorFlow.js (tools/tfjs_export_check.mjs):
// its predictions equal Kiln's within 1e-4; Export Keras gives the zip model.py needs; Export
// tokenizer gives Keras' tokenizer.to_json(); a GRU run's Export TF.js says why it cannot.
// See run.mjs for how it runs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkExport } from '../../tools/tfjs_export_check.mjs';
import { unzip } from '../../tools/unzip.mjs';
import { MIN, OUT, assert, assertClean, open, screenshot, until } from './helpers.mjs';

const CNN_LSTM = 'data=imdb-1k&model=s003_cnn_lstm&maxlen=40&num_words=1000&batch_size=64&epochs=1&backend=cpu&autostart=1';
const GRU_LAYERS = JSON.stringify([
  { kind: 'embedding', output_dim: 8 },
  { kind: 'gru', units: 4 },
  { kind: 'dense', units: 1, activation: 'sigmoid' },
]);
const GRU = `data=ko-sample&model=custom&layers=${encodeURIComponent(GRU_LAYERS)}&tokens=char&normalize=korean&maxlen=30&num_words=500&batch_size=32&epochs=1&backend=cpu&autostart=1`;

const WEBGPU = 'data=imdb-1k&model=pooled&maxlen=64&num_words=1000&batch_size=128&epochs=1&backend=webgpu&autostart=1';

const done = (t, what) => until(t, (s) => s.state.status === 'done', what, 8 * MIN);

/** Click an Export button and save its download under OUT; returns the file's bytes. */
async function exported(t, id) {
  await t.page.waitForSelector(`#${id}:not([disabled])`, { timeout: MIN });
  const [download] = await Promise.all([
    t.page.waitForEvent('download', { timeout: 2 * MIN }).catch(async (e) => {
      throw new Error(`no download from #${id}: ${await t.page.locator('#export-status').innerText()} ${e}`);
    }),
    t.page.click(`#${id}`),
  ]);
  const file = resolve(OUT, download.suggestedFilename());
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: readFileSync(file) };
}

export const exportTests = [
  {
    name: 'export',
    title: 'Export TF.js loads in TensorFlow.js with Kiln\'s predictions (1e-4); Export Keras and tokenizer give their files; a GRU is refused for TF.js',
    timeout: 15 * MIN,
    run: async (browser, base) => {
      const t = await open(browser, base, CNN_LSTM);
      let summary;
      try {
        await done(t, 'the CNN + LSTM run');
        const tfjs = await exported(t, 'export-tfjs');
        assert(tfjs.name === 'kiln-s003_cnn_lstm-tfjs.zip', `TF.js file name: ${tfjs.name}`);
        const tfFiles = unzip(tfjs.bytes);
        assert(tfFiles.has('model.json') && tfFiles.has('group1-shard1of1.bin'), `TF.js zip: ${[...tfFiles.keys()]}`);
        const check = await checkExport(tfFiles);
        assert(check.samples > 0 && check.maxAbsDiff < 1e-4, `TF.js should predict as Kiln: ${JSON.stringify(check)}`);

        const keras = await exported(t, 'export-keras');
        const files = unzip(keras.bytes);
        const names = [...files.keys()].sort().join(',');
        assert(names === 'expected.json,model.py,tokenizer.json,weights.npz', `Keras zip files: ${names}`);
        const py = files.get('model.py').toString('utf8');
        assert(/layers\.LSTM\(70\)/.test(py) && /layers\.Conv1D\(64, 5/.test(py) && /set_weights/.test(py), `model.py: ${py.slice(0, 400)}`);
        const npz = unzip(files.get('weights.npz'));
        assert(npz.has('lstm.kernel.npy') && npz.has('embedding.embeddings.npy'), `weights.npz: ${[...npz.keys()]}`);
        const same = files.get('expected.json').equals(tfFiles.get('expected.json'));
        assert(same, 'both exports should carry the same expected.json');

        const tok = await exported(t, 'export-tokenizer');
        const json = JSON.parse(tok.bytes.toString('utf8'));
        const wordIndex = JSON.parse(json.config.word_index);
        assert(json.class_name === 'Tokenizer' && json.config.document_count > 0 && wordIndex.the >= 1, `tokenizer.json: ${tok.bytes.toString('utf8').slice(0, 300)}`);
        await t.page.locator('#export').scrollIntoViewIfNeeded();
        const shot = await screenshot(t, 'e2e-export.png');
        await t.page.locator('#export').screenshot({ path: resolve(OUT, 'e2e-export-buttons.png') });
        assertClean(t);
        summary = `${shot.file}: ` + `TF.js max |Δprob| ${check.maxAbsDiff.toExponential(2)} on ${check.samples} reviews; Keras zip ${(keras.bytes.length / 1024).toFixed(0)} KiB; ${Object.keys(wordIndex).length} words`;
      } finally {
        await t.context.close();
      }

      const g = await open(browser, base, GRU);
      try {
        await done(g, 'the GRU run');
        await g.page.waitForSelector('#export-tfjs:not([disabled])', { timeout: MIN });
        await g.page.click('#export-tfjs');
        await g.page.waitForSelector('#export-status[data-error="tfjs"]', { timeout: MIN });
        const message = await g.page.locator('#export-status').innerText();
        assert(/GRU/.test(message) && /reset_after/.test(message), `the refusal should say why: ${message}`);
        const keras = await exported(g, 'export-keras');
        assert(unzip(keras.bytes).has('weights.npz'), 'a GRU still exports to Keras');
        assertClean(g);
        return `${summary}; GRU: "${message.slice(0, 90)}…"`;
      } finally {
        await g.context.close();
      }
    },
  },
  {
    name: 'export_webgpu',
    title: 'on WebGPU (SwiftShader): the run autosaves as finished and its TF.js export predicts as Kiln (weights read back asynchronously)',
    timeout: 20 * MIN,
    run: async (browser, base) => {
      const t = await open(browser, base, WEBGPU);
      try {
        await until(t, (s) => s.state.status === 'done', 'the WebGPU run', 15 * MIN);
        const backend = await t.page.evaluate(() => window.kiln.state.backend);
        assert(backend === 'webgpu', `backend should be webgpu, got ${backend}`);
        const tfjs = await exported(t, 'export-tfjs');
        const check = await checkExport(unzip(tfjs.bytes));
        assert(check.samples > 0 && check.maxAbsDiff < 1e-4, `TF.js should predict as Kiln on WebGPU: ${JSON.stringify(check)}`);
        await t.page.waitForFunction(() => [...document.querySelectorAll('#saved-runs-table tr[data-key]')]
          .some((tr) => /finished/i.test(tr.textContent ?? '')), null, { timeout: MIN });
        assertClean(t);
        return `TF.js max |Δprob| ${check.maxAbsDiff.toExponential(2)} on ${check.samples} reviews; saved as finished`;
      } finally {
        await t.context.close();
      }
    },
  },
];
