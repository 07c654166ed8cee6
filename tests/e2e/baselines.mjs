// Browser end-to-end test of seed 000's baselines: the form beside the
// comparison table fits TF-IDF + LogisticRegression and LinearSVC in the
// worker; their rows open the evaluation panel like a finished run's. See
// run.mjs for how it runs.
import { resolve } from 'node:path';
import { KO, dragThreshold, predict, readEvaluation } from './evaluation.mjs';
import { MIN, OUT, assert, screenshot, sleep, withPage } from './helpers.mjs';

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const offDiagonal = (m) => sum(m.flatMap((row, i) => row.filter((_, j) => i !== j)));

/** The comparison table's rows: run id, kind and cells by column key. */
function tableRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#comparison-table tbody tr')].map((tr) => ({
      ...Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map((td) => [td.dataset.key, td.textContent])),
      run: tr.dataset.run, // after the cells: the "run" column reads "#1"
      kind: tr.dataset.kind,
    })),
  );
}

/** Sets the form's fields, presses the button, waits for the status line to settle (not "Fitting…"). */
async function addBaselines(t, fields, timeoutMs = 3 * MIN) {
  for (const [name, value] of Object.entries(fields)) {
    const input = t.page.locator(`#baselines-form [name="${name}"]`);
    if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await t.page.click('#add-baselines');
  const t0 = Date.now();
  for (;;) {
    const s = await t.page.evaluate(() => {
      const p = document.querySelector('#baseline-status');
      return { text: p.textContent, error: p.dataset.state === 'error', disabled: document.querySelector('#add-baselines').disabled };
    });
    if (s.text && !/^Fitting/.test(s.text) && !s.disabled) return s;
    if (t.pageErrors.length) throw new Error(`page error: ${t.pageErrors[0]}`);
    assert(Date.now() - t0 < timeoutMs, `the baselines did not finish: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

export const baselineTests = [
  {
    name: 'baselines',
    title: "seed 000's TF-IDF baselines: bad settings are refused, two rows, each row's evaluation, a typed sentence",
    timeout: 10 * MIN,
    run: (browser, base) => withPage(browser, base, `${KO}&epochs=1`, async (t) => {
      await t.page.waitForSelector('#data-view[data-state="ready"] #data-rows', { timeout: 2 * MIN });
      const dataRows = await t.page.locator('#data-rows').innerText();
      const testRows = Number(/([\d,]+) test rows/.exec(dataRows)?.[1].replace(/,/g, ''));
      assert(testRows > 0, `the data view should count test rows: ${dataRows}`);

      // bad settings: a readable message, no row
      const badC = await addBaselines(t, { c: '0' });
      assert(badC.error && /C: "0" is not a positive number/.test(badC.text), `C = 0 should be refused: ${JSON.stringify(badC)}`);
      const badMax = await addBaselines(t, { c: '1', max_features: '0' });
      assert(badMax.error && /max features: "0"/.test(badMax.text) && !/C:/.test(badMax.text), `max features 0 should be refused: ${JSON.stringify(badMax)}`);
      assert((await tableRows(t.page)).length === 0, 'a refused baseline adds no row');

      // LogisticRegression then LinearSVC
      const ok = await addBaselines(t, { max_features: '', features: 'tfidf', ngrams: '2' });
      assert(!ok.error && /^Fitted TF-IDF 1–2-grams \+ LogisticRegression in [\d.]+ s; TF-IDF 1–2-grams \+ LinearSVC in [\d.]+ s\.$/.test(ok.text), `status: ${ok.text}`);
      const rows = await tableRows(t.page);
      assert(rows.length === 2 && rows.every((r) => r.kind === 'baseline'), `two baseline rows: ${JSON.stringify(rows)}`);
      assert(/LogisticRegression$/.test(rows[0].model) && /LinearSVC$/.test(rows[1].model), `models: ${rows.map((r) => r.model)}`);
      for (const r of rows) {
        const acc = Number(r.test_accuracy);
        assert(acc > 0 && acc < 1 && /^\d\.\d{4}$/.test(r.f1) && /^\d\.\d{4}$/.test(r.auc), `accuracy, F1, AUC: ${JSON.stringify(r)}`);
        assert(r.epochs === '–' && r.backend === 'CPU' && /^\d[\d,]*$/.test(r.params) && r.data === 'ko-sample', `cells: ${JSON.stringify(r)}`);
      }
      assert(rows[1].run === String(Number(rows[0].run) + 1), `consecutive run ids: ${rows.map((r) => r.run)}`);
      const shown = await readEvaluation(t.page);
      assert(shown.run === rows[1].run, `the panel shows the last baseline fitted: ${shown.run}`);

      // the LogisticRegression row's evaluation, through the existing calls
      const logreg = rows[0];
      await t.page.locator(`#comparison-table tbody tr[data-run="${logreg.run}"] button`).click();
      await t.page.waitForFunction((run) => document.querySelector('#evaluation').dataset.run === run, logreg.run, { timeout: 10_000 });
      const at5 = await dragThreshold(t, [0.5]);
      assert(at5.confusion.length === 2 && at5.confusion.every((r) => r.length === 2), `a 2×2 confusion matrix: ${JSON.stringify(at5.confusion)}`);
      assert(sum(at5.confusion.flat()) === testRows, `confusion ${JSON.stringify(at5.confusion)} should sum to the ${testRows} test rows`);
      assert(at5.metrics.accuracy.toFixed(4) === logreg.test_accuracy, `the panel's accuracy ${at5.metrics.accuracy} is the row's ${logreg.test_accuracy}`);
      const wrong = offDiagonal(at5.confusion);
      assert(at5.mistakes.length === Math.min(20, wrong), `${at5.mistakes.length} mistakes listed, ${wrong} off the diagonal`);
      const low = await dragThreshold(t, [0.2]);
      assert(sum(low.confusion.flat()) === testRows && sum(low.confusion.map((r) => r[1])) >= sum(at5.confusion.map((r) => r[1])), `threshold 0.2: ${JSON.stringify(low.confusion)}`);
      await dragThreshold(t, [0.5]);
      assert(!(await t.page.locator('#restore-checkpoint').isVisible()), 'a baseline has no checkpoint to restore');
      const title = await t.page.locator('#eval-run').innerText();
      assert(title.startsWith(`Baseline #${logreg.run}: ${logreg.model} on ko-sample`) && title.includes(`${testRows} test texts`), `title: ${title}`);
      const ngrams = await t.page.evaluate(() =>
        [...document.querySelectorAll('#baseline-ngrams .ngram-column')].map((c) => ({
          title: c.querySelector('h4').textContent,
          rows: [...c.querySelectorAll('li')].map((li) => ({ feature: li.querySelector('.feature').textContent, weight: Number(li.querySelector('.weight').textContent) })),
        })),
      );
      assert(ngrams.length === 2 && ngrams.every((c) => c.rows.length > 0 && c.rows.every((r) => r.feature.length > 0)), `top n-grams: ${JSON.stringify(ngrams)}`);
      assert(ngrams[0].rows.every((r) => r.weight > 0) && ngrams[1].rows.every((r) => r.weight < 0), `signs: ${JSON.stringify(ngrams)}`);
      const p = await predict(t, '정말 재미있고 감동적인 영화였어요 배우들 연기 최고');
      assert(!p.error && p.probabilities.length === 2 && Math.abs(sum(p.probabilities) - 1) < 1e-4, `probabilities: ${JSON.stringify(p)}`);
      assert(at5.classes.includes(p.label), `label ${p.label} should be one of ${at5.classes}`);

      // the SVM's row shows its own numbers and n-grams
      await t.page.locator(`#comparison-table tbody tr[data-run="${rows[1].run}"] button`).click();
      await t.page.waitForFunction((run) => document.querySelector('#evaluation').dataset.run === run, rows[1].run, { timeout: 10_000 });
      const svm = await dragThreshold(t, [0.5]);
      assert(sum(svm.confusion.flat()) === testRows && svm.metrics.accuracy.toFixed(4) === rows[1].test_accuracy, `SVM: ${JSON.stringify(svm.metrics)}`);
      await t.page.locator('section.compare').screenshot({ path: resolve(OUT, 'e2e-baselines-table.png') });
      await t.page.locator('section.eval').screenshot({ path: resolve(OUT, 'e2e-baselines-eval.png') });
      const shot = await screenshot(t, 'e2e-baselines.png');
      return `${testRows} test rows; ${rows.map((r) => `${r.model} acc ${r.test_accuracy} f1 ${r.f1} ${r.seconds} s`).join('; ')}; "${p.label}" ${p.probabilities.map((x) => x.toFixed(3))}; ${shot.file}`;
    }),
  },
];
