// Browser end-to-end tests of the evaluation side: metrics, confusion matrix,
// threshold slider, typed sentences, misclassified reviews, ModelCheckpoint's
// restore and the comparison table. See run.mjs for how they run.
import { resolve } from 'node:path';
import { ROOT } from '../../tools/browser.mjs';
import { MIN, OUT, assert, chartInk, histogramInk, screenshot, sleep, until, watchTraining, withPage } from './helpers.mjs';

export const KO = 'data=ko-sample&model=m4_pooled&tokens=char&normalize=korean&maxlen=60&num_words=3000&batch_size=16&backend=cpu';

/** The evaluation panel as numbers: metrics by key, confusion counts, mistakes. */
export function readEvaluation(page) {
  return page.evaluate(() => {
    const root = document.querySelector('#evaluation');
    const metrics = {};
    for (const tr of root.querySelectorAll('#eval-metrics tr[data-metric]')) metrics[tr.dataset.metric] = Number(tr.querySelector('td').textContent);
    const confusion = [...root.querySelectorAll('#confusion tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.dataset.count)));
    const classes = [...root.querySelectorAll('#confusion th.predicted')].map((th) => th.textContent);
    const mistakes = [...root.querySelectorAll('#mistakes-list li')].map((li) => ({
      confidence: Number(li.querySelector('.confidence').textContent.replace(/[^\d.]/g, '')),
      text: li.querySelector('.text').textContent,
    }));
    return {
      run: root.dataset.run,
      threshold: root.dataset.threshold,
      status: root.querySelector('#eval-status')?.textContent ?? '',
      metrics,
      confusion,
      classes,
      mistakes,
      moreVisible: !root.querySelector('#mistakes-more').hidden,
    };
  });
}

/** Moves the slider like a fast drag (every value fires `input`), then waits for that threshold's numbers. */
export async function dragThreshold(t, values) {
  await t.page.evaluate((vs) => {
    const s = document.querySelector('#threshold');
    for (const v of vs) {
      s.value = String(v);
      s.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }, values);
  const want = values.at(-1).toFixed(2);
  const t0 = Date.now();
  for (;;) {
    const e = await readEvaluation(t.page);
    if (e.threshold === want && e.status === '') return e;
    assert(Date.now() - t0 < 60_000, `the evaluation did not reach threshold ${want}: ${JSON.stringify(e)}`);
    await sleep(100);
  }
}

/** Types a sentence, presses Predict, and reads the bars, the label and the tokens. */
export async function predict(t, text) {
  await t.page.fill('#try-text', text);
  await t.page.click('#try-button');
  await t.page.waitForSelector('#try-result .prob-bar, #try-result .field-errors', { timeout: 60_000 });
  return t.page.evaluate(() => ({
    probabilities: [...document.querySelectorAll('#try-result .prob-bar')].map((b) => Number(b.dataset.probability)),
    label: document.querySelector('#try-label strong')?.textContent ?? null,
    tokens: [...document.querySelectorAll('#try-tokens .token')].map((s) => ({ text: s.textContent, known: !s.classList.contains('unknown') })),
    error: document.querySelector('#try-result .field-errors')?.textContent ?? null,
  }));
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const offDiagonal = (m) => sum(m.flatMap((row, i) => row.filter((_, j) => i !== j)));
const predictedPositive = (m) => sum(m.map((row) => row[1] ?? 0));

/** Waits for the settings, gives the file input `file`, loads it; the data view's row line and test rows. */
async function loadFile(t, file) {
  await t.page.waitForSelector('#config fieldset:not([disabled]) select[name="data"]', { timeout: 2 * MIN });
  await t.page.locator('#file-input').setInputFiles(file);
  await t.page.waitForSelector('#file-load', { timeout: 2 * MIN });
  await t.page.click('#file-load');
  await t.page.waitForSelector('#data-view[data-state="ready"] #length-histogram', { timeout: 2 * MIN });
  const rows = await t.page.locator('#data-rows').innerText();
  const testRows = Number(/([\d,]+) test rows/.exec(rows)?.[1].replace(/,/g, ''));
  assert(testRows > 0, `the data view should count test rows: ${rows}`);
  return { rows, testRows };
}

async function trainAgain(t, epochs) {
  await t.page.fill('[name=epochs]', String(epochs));
  await t.page.click('#train');
  await until(t, (s) => s.state.status !== 'done', 'the second run to start', 60_000);
  return watchTraining(t, 10 * MIN);
}

export const evaluationTests = [
  {
    name: 'evaluation',
    title: 'evaluation: metrics, confusion matrix, threshold slider, a Korean sentence, mistakes, checkpoint restore, comparison',
    timeout: 25 * MIN,
    run: (browser, base) => withPage(browser, base, `${KO}&epochs=15&lr=0.01&checkpoint=val_accuracy&reduce_lr_patience=4&reduce_lr_factor=0.5&autostart=1`, async (t) => {
      const first = await watchTraining(t, 10 * MIN);
      await t.page.waitForSelector('#eval-metrics tr[data-metric="f2"]', { timeout: 60_000 });
      const fit = await t.page.locator('#fit-note').innerText();
      const testSize = Number(/test on ([\d,]+)/.exec(fit)?.[1].replace(/,/g, ''));
      const at5 = await dragThreshold(t, [0.5]);
      const keys = Object.keys(at5.metrics);
      assert(keys.join() === 'accuracy,precision,recall,specificity,f1,f2,auc,average_precision', `metric rows: ${keys}`);
      assert(Object.values(at5.metrics).every((v) => v >= 0 && v <= 1), `metrics in [0, 1]: ${JSON.stringify(at5.metrics)}`);
      const acc = first.final.state.test.accuracy;
      assert(Math.abs(at5.metrics.accuracy - acc) < 1e-4, `the table's accuracy ${at5.metrics.accuracy} should be the test accuracy ${acc}`);
      assert(at5.confusion.length === 2 && at5.confusion.every((r) => r.length === 2), `a 2×2 confusion matrix: ${JSON.stringify(at5.confusion)}`);
      assert(sum(at5.confusion.flat()) === testSize, `confusion counts ${JSON.stringify(at5.confusion)} should sum to the test size ${testSize} (${fit})`);
      const result = await t.page.evaluate(() => window.kiln.result);
      assert(result.run === 1 && Number.isFinite(result.f1) && Number.isFinite(result.auc) && result.params > 0 && result.seconds > 0, `window.kiln.result: ${JSON.stringify(result)}`);

      // a fast drag ends at its last value; the numbers follow the threshold
      const low = await dragThreshold(t, [0.4, 0.3, 0.2, 0.1, 0.05]);
      const high = await dragThreshold(t, [0.6, 0.7, 0.8, 0.9, 0.95]);
      const pos = [low, at5, high].map((e) => predictedPositive(e.confusion));
      assert(pos[0] >= pos[1] && pos[1] >= pos[2] && pos[0] > pos[2], `predicted positives should fall as the threshold rises: ${pos}`);
      assert(JSON.stringify(low.metrics) !== JSON.stringify(high.metrics), 'the metrics should change with the threshold');
      assert([low, high].every((e) => sum(e.confusion.flat()) === testSize), 'every threshold keeps the test size');
      const ink = await chartInk(t.page); // the training charts
      const curveInk = await t.page.evaluate(() => [...document.querySelectorAll('#eval-curves canvas')].length);
      assert(ink.length > 0 && curveInk === 2, `ROC and PR canvases: ${curveInk}`);

      // misclassified reviews follow the slider, most confident first
      const back = await dragThreshold(t, [0.5]);
      const wrong = offDiagonal(back.confusion);
      assert(back.mistakes.length === Math.min(20, wrong), `${back.mistakes.length} mistakes listed, ${wrong} off the diagonal`);
      const conf = back.mistakes.map((m) => m.confidence);
      assert(conf.every((c, i) => i === 0 || c <= conf[i - 1]), `most confident first: ${conf}`);
      if (wrong > 20) {
        await t.page.click('#mistakes-more');
        const t0 = Date.now();
        while ((await readEvaluation(t.page)).mistakes.length <= 20) {
          assert(Date.now() - t0 < 30_000, '"more" should list more mistakes');
          await sleep(100);
        }
      }

      // a typed Korean sentence
      const p = await predict(t, '정말 재미있고 감동적인 영화였어요 배우들 연기 최고');
      assert(!p.error, `predict failed: ${p.error}`);
      assert(p.probabilities.length === 2 && Math.abs(sum(p.probabilities) - 1) < 1e-4, `two probabilities summing to 1: ${p.probabilities}`);
      assert(at5.classes.includes(p.label), `label ${p.label} should be one of ${at5.classes}`);
      assert(p.tokens.length > 0 && p.tokens.some((x) => /[가-힣]/.test(x.text)), `Korean tokens shown: ${JSON.stringify(p.tokens)}`);
      // text is never HTML
      const xss = await predict(t, '<img src=x onerror="window.__xss=1"> 최악의 영화');
      const injected = await t.page.evaluate(() => window.__xss === 1 || document.querySelector('#evaluation img') !== null);
      assert(!injected && !xss.error, `typed HTML must stay text (error ${xss.error})`);

      // ModelCheckpoint: restore the best weights; notes in the log
      const log = await t.page.locator('#log').innerText();
      assert(/val_accuracy (improved|did not improve)/.test(log), `ModelCheckpoint's notes in the log:\n${log}`);
      assert(/val_accuracy: [\d.]+ - learning_rate: \S+/.test(log), `ReduceLROnPlateau's learning_rate on the epoch lines:\n${log}`);
      const restore = t.page.locator('#restore-checkpoint');
      assert(await restore.isVisible(), 'the restore button should show for a run with ModelCheckpoint');
      const label = await restore.innerText();
      assert(/Restore best weights \(epoch \d+\)/.test(label), `restore label: ${label}`);
      await restore.click();
      await t.page.waitForFunction(() => /restored/.test(document.querySelector('#restore-checkpoint').textContent), null, { timeout: 60_000 });
      const restored = await dragThreshold(t, [0.5]);
      assert(sum(restored.confusion.flat()) === testSize, 'the restored weights are evaluated on the test set');
      await t.page.locator('section.eval').screenshot({ path: resolve(OUT, 'e2e-evaluation-panel.png') });

      // a second run adds a comparison row and a series
      await trainAgain(t, 2);
      await t.page.waitForFunction(() => document.querySelectorAll('#comparison-table tbody tr').length === 2, null, { timeout: 30_000 });
      const rows = await t.page.evaluate(() =>
        [...document.querySelectorAll('#comparison-table tbody tr')].map((tr) => Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map((td) => [td.dataset.key, td.textContent]))),
      );
      assert(rows[0].epochs === '15' && rows[1].epochs === '2' && rows.every((r) => r.model === 'm4_pooled' && r.backend === 'CPU'), `rows: ${JSON.stringify(rows)}`);
      assert(rows.every((r) => /^0\.\d{4}$/.test(r.test_accuracy) && /^\d[\d,]*$/.test(r.params)), `cells: ${JSON.stringify(rows)}`);
      const second = await readEvaluation(t.page);
      assert(second.run === '2', `the panel shows the latest run: ${second.run}`);
      await t.page.locator('#comparison-table tbody tr[data-run="1"] button').click();
      await t.page.waitForFunction(() => document.querySelector('#evaluation').dataset.run === '1', null, { timeout: 10_000 });
      await dragThreshold(t, [0.5]);
      await t.page.locator('section.compare').screenshot({ path: resolve(OUT, 'e2e-comparison.png') });
      const shot = await screenshot(t, 'e2e-evaluation.png');
      return `test ${testSize}; acc ${at5.metrics.accuracy} f1 ${at5.metrics.f1} auc ${at5.metrics.auc}; positives at .05/.5/.95: ${pos}; ${wrong} wrong; "${p.label}" ${p.probabilities.map((x) => x.toFixed(3))}; ${shot.file}`;
    }, { ready: false }),
  },
  {
    name: 'evaluation_upload',
    title: "the issue's scenario: upload a Korean TSV, see the histogram and maxlen suggestion, train, see the confusion matrix and a typed sentence's prediction",
    timeout: 15 * MIN,
    run: (browser, base) => withPage(browser, base, 'model=m4_pooled&tokens=char&normalize=korean&epochs=15&lr=0.01&batch_size=16&backend=cpu', async (t) => {
      const { rows, testRows } = await loadFile(t, resolve(ROOT, 'data/ko-sample.tsv'));
      const ink = await histogramInk(t.page);
      assert(ink > 500, `the length histogram should be drawn (${ink} pixels)`);
      const offer = await t.page.locator('#use-maxlen').innerText();
      const maxlen = Number(/Use maxlen (\d+)/.exec(offer)?.[1]);
      assert(maxlen > 0, `a maxlen suggestion: ${offer}`);
      await t.page.click('#use-maxlen');
      assert((await t.page.locator('input[name="maxlen"]').inputValue()) === String(maxlen), `maxlen should read ${maxlen}`);

      await t.page.click('#train');
      const seen = await watchTraining(t, 10 * MIN);
      assert(seen.final.state.test && seen.final.history.loss.length === 15, `15 epochs trained: ${JSON.stringify(seen.final.history.loss)}`);
      await t.page.waitForSelector('#confusion td[data-count]', { timeout: 60_000 });
      const e = await dragThreshold(t, [0.5]);
      assert(e.confusion.length === 2 && e.confusion.every((r) => r.length === 2), `2×2: ${JSON.stringify(e.confusion)}`);
      assert(sum(e.confusion.flat()) === testRows, `confusion ${JSON.stringify(e.confusion)} should count the ${testRows} test rows`);
      assert(JSON.stringify(e.classes) === '["0","1"]', `NSMC's labels as class names: ${e.classes}`);
      const p = await predict(t, '배우들 연기가 훌륭하고 정말 재미있는 영화');
      assert(!p.error && p.probabilities.length === 2 && Math.abs(sum(p.probabilities) - 1) < 1e-4, `prediction: ${JSON.stringify(p)}`);
      await t.page.locator('section.eval').screenshot({ path: resolve(OUT, 'e2e-evaluation-upload.png') });
      return `${rows}; ${offer}; acc ${e.metrics.accuracy} auc ${e.metrics.auc}; confusion ${JSON.stringify(e.confusion)}; "${p.label}" ${p.probabilities.map((x) => x.toFixed(3))}`;
    }),
  },
  {
    name: 'evaluation_multiclass',
    title: 'three classes from a CSV: a 3×3 confusion matrix with the class names, macro metrics, no threshold, three probabilities; markup in reviews stays text',
    timeout: 10 * MIN,
    run: (browser, base) => withPage(browser, base, 'model=m4_pooled&maxlen=12&epochs=12&lr=0.01&batch_size=16&backend=cpu', async (t) => {
      const { rows, testRows } = await loadFile(t, { name: 'genres.csv', mimeType: 'text/csv', buffer: Buffer.from(genresCsv()) });
      await t.page.click('#use-multiclass');
      await t.page.click('#train');
      await watchTraining(t, 8 * MIN);
      await t.page.waitForSelector('#confusion td[data-count]', { timeout: 60_000 });
      await t.page.waitForFunction(() => document.querySelector('#eval-status')?.textContent === '' && document.querySelector('#mistakes-list, #mistakes p'), null, { timeout: 60_000 }).catch(async (e) => {
        const status = await t.page.locator('#eval-status').innerText().catch(() => '?');
        const state = await t.page.evaluate(() => JSON.stringify({ status: window.kiln?.status, message: window.kiln?.message })).catch(() => '?');
        throw new Error(`the evaluation did not settle: eval-status "${status}", state ${state}: ${e.message}`);
      });
      const e = await readEvaluation(t.page);
      assert(e.confusion.length === 3 && e.confusion.every((r) => r.length === 3), `3×3: ${JSON.stringify(e.confusion)}`);
      assert(sum(e.confusion.flat()) === testRows, `confusion ${JSON.stringify(e.confusion)} should count the ${testRows} test rows (${rows})`);
      assert(JSON.stringify([...e.classes].sort()) === '["comedy","drama","horror"]', `class names: ${e.classes}`);
      assert(!(await t.page.locator('#threshold').isVisible()), 'the threshold applies to two classes only');
      const caption = await t.page.locator('#eval-metrics caption').innerText();
      assert(/macro/.test(caption), `multi-class metrics are macro averages: ${caption}`);
      assert(e.mistakes.length === Math.min(20, offDiagonal(e.confusion)), `${e.mistakes.length} mistakes for ${JSON.stringify(e.confusion)}`);
      const p = await predict(t, 'a scary ghost in the dark house');
      assert(!p.error && p.probabilities.length === 3 && Math.abs(sum(p.probabilities) - 1) < 1e-4, `three probabilities: ${JSON.stringify(p)}`);
      const injected = await t.page.evaluate(() => window.__xss === 1 || document.querySelector('#evaluation img, #evaluation script, #data-view img, #data-view script') !== null);
      assert(!injected, 'review markup must never become elements');
      await t.page.locator('section.eval').screenshot({ path: resolve(OUT, 'e2e-evaluation-multiclass.png') });
      return `${rows}; acc ${e.metrics.accuracy} macro F1 ${e.metrics.f1} AUC ${e.metrics.auc}; confusion ${JSON.stringify(e.confusion)}; "${p.label}"`;
    }),
  },
];

/** 180 short reviews of three genres, each with its own words (a few with markup in them). */
function genresCsv() {
  const words = {
    comedy: ['funny', 'laugh', 'hilarious', 'jokes', 'silly', 'witty', 'comic', 'gags'],
    horror: ['scary', 'ghost', 'blood', 'dark', 'fear', 'scream', 'haunted', 'monster'],
    drama: ['tears', 'family', 'moving', 'loss', 'love', 'grief', 'story', 'touching'],
  };
  const shared = ['the', 'film', 'movie', 'was', 'a', 'very', 'and', 'really'];
  const lines = ['text,label'];
  let seed = 7;
  const rand = (n) => ((seed = (seed * 48271) % 2147483647), seed % n);
  for (let i = 0; i < 180; i++) {
    const label = Object.keys(words)[i % 3];
    const pick = Array.from({ length: 6 }, (_, j) => (j % 2 ? words[label][rand(8)] : shared[rand(8)]));
    if (i % 37 === 0) pick.push('<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>');
    lines.push(`"${pick.join(' ').replace(/"/g, '""')}",${label}`);
  }
  return `${lines.join('\n')}\n`;
}
