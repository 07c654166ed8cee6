// Browser end-to-end tests of users' files and the data view: see run.mjs for
// how they run, helpers.mjs for the helpers.
// Each test: { name, title, timeout, run(browser, baseUrl) }.
import { resolve } from 'node:path';
import { ROOT } from '../../tools/browser.mjs';
import { assert, histogramInk, screenshot, withPage, MIN } from './helpers.mjs';

const KO_SAMPLE = resolve(ROOT, 'data/ko-sample.tsv');

/** Gives the file input a file (a path, or { name, mimeType, buffer }). */
async function upload(t, file) {
  await t.page.locator('#file-input').setInputFiles(file);
}

/** The inspection's facts, the preview's header and the column selects. */
function inspection(page) {
  return page.evaluate(() => {
    const box = document.querySelector('#file-inspection');
    const facts = Object.fromEntries([...box.querySelectorAll('dl.facts div')].map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]));
    const columns = [...box.querySelectorAll('#file-preview thead th')].map((th) => th.textContent);
    const pick = (name) => {
      const s = box.querySelector(`select[name="${name}"]`);
      return s ? s.selectedOptions[0]?.textContent ?? null : null;
    };
    return { hidden: box.hidden, facts, columns, text: pick('text_column'), label: pick('label_column'), rows: box.querySelectorAll('#file-preview tbody tr').length };
  });
}

/** The text of #errors once it shows (throws after the timeout). */
async function errorBox(page, timeoutMs = 60_000, naming = null) {
  const box = page.locator('#errors');
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  // The box may still show the previous file's error: wait until it names this one.
  if (naming) await page.waitForFunction((n) => document.querySelector('#errors')?.textContent?.includes(n), naming, { timeout: timeoutMs }).catch(() => {});
  return box.innerText();
}

export const dataFileTests = [
  {
    name: 'data_file',
    title: 'a Korean TSV through the file input: inspection, load, length histogram, Use maxlen',
    timeout: 5 * MIN,
    run: (browser, base) => withPage(browser, base, 'model=m1_lstm', async (t) => {
      await upload(t, KO_SAMPLE);
      await t.page.waitForSelector('#file-load', { timeout: 2 * MIN });
      const seen = await inspection(t.page);
      assert(!seen.hidden, 'the inspection should show');
      assert(seen.facts.format === 'tsv', `format should be tsv, got ${JSON.stringify(seen.facts)}`);
      assert(seen.facts.encoding === 'utf-8' && seen.facts.compression === 'none', `encoding/compression: ${JSON.stringify(seen.facts)}`);
      assert(JSON.stringify(seen.columns) === '["id","document","label"]', `columns: ${JSON.stringify(seen.columns)}`);
      assert(seen.text === 'document' && seen.label === 'label', `guesses should be document/label, got ${seen.text}/${seen.label}`);
      assert(seen.rows > 0, 'the preview should have rows');
      assert(await t.page.locator('select[name="data"]').inputValue() === 'file', 'choosing a file should switch Dataset to "Your file"');

      await t.page.click('#file-load');
      await t.page.waitForSelector('#data-view[data-state="ready"] #length-histogram', { timeout: 2 * MIN });
      const rows = await t.page.locator('#data-rows').innerText();
      assert(/176 train · 44 test rows · 2 classes/.test(rows), `220 reviews, 20 % held out: ${rows}`);
      assert(await t.page.locator('#test-split-field').isVisible(), 'a file without a test part shows test_split');
      const stats = await t.page.locator('#length-stats').innerText();
      for (const k of ['mean', 'median', 'max', 'mean+2σ']) assert(stats.includes(k), `length stats should show ${k}: ${stats}`);
      const fit = await t.page.locator('#length-fit').innerText();
      assert(/% of texts fit in maxlen 500/.test(fit), `fit line: ${fit}`);
      const ink = await histogramInk(t.page);
      assert(ink > 500, `the histogram should be drawn (${ink} pixels)`);
      const offer = await t.page.locator('#use-maxlen').innerText();
      const k = Number(/Use maxlen (\d+)/.exec(offer)?.[1]);
      assert(k > 0 && k < 500, `maxlen offer: ${offer}`);
      await screenshot(t, 'e2e-data-file.png');

      await t.page.click('#use-maxlen');
      assert(await t.page.locator('input[name="maxlen"]').inputValue() === String(k), `maxlen should read ${k}`);
      await t.page.waitForFunction((m) => /of texts fit in maxlen (\d+)/.exec(document.querySelector('#length-fit')?.textContent ?? '')?.[1] === String(m), k, { timeout: MIN });
      assert(new URL(t.page.url()).searchParams.get('maxlen') === String(k), `the address should hold maxlen=${k}: ${t.page.url()}`);
      assert(!(await t.page.locator('#use-maxlen').count()), 'no offer once maxlen is the suggestion');
      const vocab = await t.page.locator('#vocab-stats').innerText();
      assert(/distinct tokens/.test(vocab) && (await t.page.locator('#vocab-top span').count()) > 0, `vocabulary: ${vocab}`);
      return `${rows}; ${fit.trim()}; ${offer} → maxlen ${k}`;
    }),
  },
  {
    name: 'data_bad_input',
    title: 'an empty file, a binary file and a CSV without a label column get clear messages; markup stays text',
    timeout: 5 * MIN,
    run: (browser, base) => withPage(browser, base, 'data=file', async (t) => {
      const cases = [
        { file: { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) }, want: /empty/i },
        { file: { name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) }, want: /binary/i },
        { file: { name: 'nolabel.csv', mimeType: 'text/csv', buffer: Buffer.from('document\ngreat film\nawful film\nfine\n') }, want: /label column/i },
      ];
      const messages = [];
      for (const c of cases) {
        await upload(t, c.file);
        const text = await errorBox(t.page, 60_000, c.file.name);
        assert(c.want.test(text) && text.includes(c.file.name), `${c.file.name}: the message should say why and name the file, got: ${text}`);
        assert(await t.page.locator('#file-status[data-state="error"]').count() === 1, `${c.file.name}: the file status should show the error`);
        messages.push(text.split('\n').at(-1));
      }
      // the page keeps working: a good file with markup in its reviews loads, and the markup stays text
      const hostile = 'text,label\n"<img src=x onerror=""window.hacked=1""> loved it",pos\n"<script>window.hacked=2</script> hated it",neg\n' +
        Array.from({ length: 20 }, (_, i) => `review number ${i} is ${i % 2 ? 'good' : 'bad'},${i % 2 ? 'pos' : 'neg'}`).join('\n');
      await upload(t, { name: 'markup.csv', mimeType: 'text/csv', buffer: Buffer.from(hostile) });
      await t.page.waitForSelector('#file-load', { timeout: MIN });
      assert(await t.page.locator('#errors').isHidden(), 'a file that reads clears the last file error');
      await t.page.click('#file-load');
      await t.page.waitForSelector('#data-view[data-state="ready"] #data-rows', { timeout: MIN });
      const injected = await t.page.evaluate(() => ({
        hacked: window.hacked ?? null,
        elements: document.querySelectorAll('#file-inspection img, #file-inspection script, #data-view img, #data-view script').length,
        shown: document.querySelector('#file-preview').textContent.includes('<img src=x'),
      }));
      assert(injected.hacked === null && injected.elements === 0, `markup in reviews must not become elements: ${JSON.stringify(injected)}`);
      assert(injected.shown, 'the markup shows as text in the preview');
      return messages.join(' | ');
    }),
  },
  {
    name: 'data_validation_file',
    title: 'a validation file (Keras validation_data=) validates each epoch; one with other labels is refused',
    timeout: 6 * MIN,
    run: (browser, base) => withPage(browser, base, 'data=ko-sample&model=m4_pooled&epochs=1&backend=cpu&validation_split=0.2', async (t) => {
      const val = 'id\tdocument\tlabel\n' + Array.from({ length: 30 }, (_, i) => `${i}\t리뷰 ${i} ${i % 2 ? '최고' : '최악'}\t${i % 2}`).join('\n');
      await t.page.locator('#val-file-input').setInputFiles({ name: 'val.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(val) });
      await t.page.waitForFunction(() => /30 rows validate/.test(document.querySelector('#val-file-status')?.textContent ?? ''), null, { timeout: MIN });
      await t.page.click('#train');
      await t.page.waitForFunction(() => /validate on 30 samples/.test(document.querySelector('#fit-note')?.textContent ?? ''), null, { timeout: 3 * MIN });
      const note = await t.page.locator('#fit-note').innerText();
      await t.page.waitForFunction(() => ['done', 'error'].includes(window.kiln?.state?.status), null, { timeout: 3 * MIN });
      assert(await t.page.evaluate(() => window.kiln.state.status) === 'done', 'the run with a validation file finishes');
      const odd = 'id\tdocument\tlabel\n1\t그저 그래요\tmeh\n2\t좋아요\tmeh2\n';
      await t.page.locator('#val-file-input').setInputFiles({ name: 'odd.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(odd) });
      await t.page.waitForFunction(() => /1 rows validate|2 rows validate/.test(document.querySelector('#val-file-status')?.textContent ?? ''), null, { timeout: MIN });
      await t.page.click('#train');
      await t.page.waitForFunction(() => window.kiln?.state?.status === 'error', null, { timeout: 3 * MIN });
      const message = await t.page.evaluate(() => window.kiln.state.message);
      assert(/label `meh/.test(message) && /odd\.tsv/.test(message), `a validation file with other labels: ${message}`);
      // that error is the page's answer, logged as one; nothing else may be
      t.consoleErrors.splice(0, t.consoleErrors.length, ...t.consoleErrors.filter((e) => !e.includes('odd.tsv')));
      return `${note.split(';')[0]} | ${message}`;
    }),
  },
];
