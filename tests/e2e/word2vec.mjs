// Browser end-to-end tests of the word vectors panel: word2vec trained in the
// page on the Korean sample (char tokens), its progress and loss, similar
// words, an analogy, the map, the .txt download, then a run whose Embedding
// starts from the vectors. See run.mjs for how they run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KO } from './evaluation.mjs';
import { MIN, OUT, assert, canvasInk, runsStarted, screenshot, sleep, until, watchTraining, withPage } from './helpers.mjs';

/** Fills the panel's settings, presses Train word2vec, samples the panel until it is done (or shows an error). */
async function trainWord2Vec(t, fields, timeoutMs) {
  for (const [name, value] of Object.entries(fields)) await t.page.fill(`#w2v-${name}`, String(value));
  await t.page.click('#w2v-train');
  const t0 = Date.now();
  const fractions = [];
  let runButtonFree = false;
  for (;;) {
    const s = await t.page.evaluate(() => ({
      state: document.querySelector('#word2vec').dataset.state,
      backend: document.querySelector('#word2vec').dataset.backend ?? null,
      fraction: document.querySelector('#w2v-progress').value,
      status: document.querySelector('#w2v-status').textContent,
      error: document.querySelector('#w2v-error').hidden ? '' : document.querySelector('#w2v-error').textContent,
      points: Number(document.querySelector('#w2v-loss').dataset.points),
      trainDisabled: document.querySelector('#train').disabled,
    }));
    if (s.state === 'training') {
      fractions.push(s.fraction);
      runButtonFree ||= !s.trainDisabled;
    }
    if (s.state === 'done' || s.state === 'error') return { ...s, fractions, runButtonFree };
    if (t.pageErrors.length) throw new Error(`page error: ${t.pageErrors[0]}`);
    assert(Date.now() - t0 < timeoutMs, `word2vec did not finish: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

/** Asks for the words most similar to `word` (typed, then Enter); the rows or the error shown. */
async function similar(t, word) {
  await t.page.evaluate(() => document.querySelector('#w2v-similar-result').replaceChildren());
  await t.page.fill('#w2v-word', word);
  await t.page.press('#w2v-word', 'Enter');
  await t.page.waitForSelector('#w2v-similar-result table, #w2v-similar-result p', { timeout: 60_000 });
  return t.page.evaluate(() => ({
    rows: [...document.querySelectorAll('#w2v-similar-result tr[data-similarity]')].map((tr) => ({
      word: tr.querySelector('.word').textContent,
      similarity: Number(tr.dataset.similarity),
    })),
    error: document.querySelector('#w2v-similar-result .field-errors')?.textContent ?? null,
  }));
}

/** The layer editor's cards: kind and argument values by name. */
function editorLayers(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#layer-editor li.layer')].map((li) => ({
      kind: li.dataset.kind,
      ...Object.fromEntries([...li.querySelectorAll('.args [name]')].map((c) => [c.name, c.type === 'checkbox' ? c.checked : c.value])),
    })),
  );
}

const inRange = (rows) => rows.every((r) => Number.isFinite(r.similarity) && r.similarity >= -1 - 1e-6 && r.similarity <= 1 + 1e-6);

export const word2vecTests = [
  {
    name: 'word2vec',
    title: 'word vectors: train word2vec on the Korean sample, progress to 100 %, loss curve, similar words, analogy, map, .txt download; Use in the model trains; a wrong output_dim is a readable error',
    timeout: 20 * MIN,
    run: (browser, base) => withPage(browser, base, KO, async (t) => {
      const w = await trainWord2Vec(t, { vector_size: 16, min_count: 1, epochs: 2 }, 10 * MIN);
      assert(w.state === 'done', `word2vec should finish: ${w.error || w.status}`);
      assert(w.backend === 'cpu', `trained on the CPU: ${w.backend}`);
      assert(w.fraction === 1 && /\(100\.0 %\)/.test(w.status) && /^Done: /.test(w.status), `progress should reach 100 %: ${w.fraction} ${w.status}`);
      assert(!w.runButtonFree, 'Train (a run) is disabled while word2vec trains');
      assert(w.points >= 1, `the loss curve has points: ${w.points}`);
      const lossInk = await canvasInk(t.page, '#w2v-loss canvas');
      const vocab = Number(/^Done: ([\d,]+) words × 16 dimensions/.exec(w.status)?.[1].replace(/,/g, ''));
      assert(vocab > 10, `the vocabulary size in the status: ${w.status}`);

      // similar words for the most frequent token (the first chip under the box)
      await t.page.waitForSelector('#w2v-top button.chip', { timeout: 60_000 });
      const tokens = await t.page.$$eval('#w2v-top button.chip', (bs) => bs.map((b) => b.dataset.word));
      const chips = tokens.filter((w) => w.trim() !== ''); // char tokens count the space; it is typed as " "
      const common = chips[0];
      const sim = await similar(t, common);
      assert(!sim.error && sim.rows.length === 10, `10 similar words for ${common}: ${JSON.stringify(sim)}`);
      assert(inRange(sim.rows), `cosines in [-1, 1]: ${JSON.stringify(sim.rows)}`);
      assert(!sim.rows.some((r) => r.word === common), 'similar_by_word leaves out the word itself');
      assert(sim.rows.every((r, i) => i === 0 || r.similarity <= sim.rows[i - 1].similarity), 'most similar first');
      // a chip asks at once (the first may be the space token, shown as ␣)
      const chip0 = await t.page.locator('#w2v-top button.chip').first().textContent();
      await t.page.locator('#w2v-top button.chip').first().click();
      await t.page.waitForFunction((w) => document.querySelector('#w2v-similar-result caption')?.textContent.includes(`“${w}”`), chip0, { timeout: 60_000 });
      const byChip = await t.page.$$eval('#w2v-similar-result tr[data-similarity]', (trs) => trs.length);
      assert(byChip === 10, `the chip "${chip0}" lists 10 words: ${byChip}`);
      const unknown = await similar(t, 'zzzzqq');
      assert(unknown.error && unknown.rows.length === 0, `an unknown word is a message: ${JSON.stringify(unknown)}`);
      const xss = await similar(t, '<img src=x onerror="window.__xss=1">');
      const injected = await t.page.evaluate(() => window.__xss === 1 || document.querySelector('#word2vec img, #word2vec script') !== null);
      assert(!injected && xss.error, 'typed markup stays text');

      // analogy: a − b + c with three frequent tokens
      await t.page.fill('#w2v-a', chips[0]);
      await t.page.fill('#w2v-b', chips[1]);
      await t.page.fill('#w2v-c', chips[2]);
      await t.page.click('#w2v-analogy');
      await t.page.waitForSelector('#w2v-analogy-result table, #w2v-analogy-result p', { timeout: 60_000 });
      const analogy = await t.page.evaluate(() => ({
        caption: document.querySelector('#w2v-analogy-result caption')?.textContent ?? '',
        rows: [...document.querySelectorAll('#w2v-analogy-result tr[data-similarity]')].map((tr) => ({ word: tr.querySelector('.word').textContent, similarity: Number(tr.dataset.similarity) })),
        error: document.querySelector('#w2v-analogy-result .field-errors')?.textContent ?? null,
      }));
      assert(!analogy.error && analogy.rows.length === 10 && inRange(analogy.rows), `analogy: ${JSON.stringify(analogy)}`);
      assert(analogy.caption.startsWith(`${chips[0]} − ${chips[1]} + ${chips[2]}`), `caption: ${analogy.caption}`);
      assert(!analogy.rows.some((r) => chips.slice(0, 3).includes(r.word)), 'most_similar leaves out its inputs');

      // the map
      await sleep(300);
      const mapInk = await canvasInk(t.page, '#w2v-map');
      assert(mapInk > 2000, `the map should be drawn (${mapInk} pixels)`);
      const mapLabel = await t.page.locator('#w2v-map').getAttribute('aria-label');
      assert(mapLabel.includes(common), `the map's label names the most frequent words: ${mapLabel}`);

      // the download
      const [download] = await Promise.all([t.page.waitForEvent('download', { timeout: 60_000 }), t.page.click('#w2v-download')]);
      assert(download.suggestedFilename() === 'kiln-word2vec.txt', `file name: ${download.suggestedFilename()}`);
      const text = readFileSync(await download.path(), 'utf8');
      const lines = text.trimEnd().split('\n');
      // gensim's format splits on single spaces: the space token of char tokens is left out
      const count = Number(lines[0].split(' ')[0]);
      assert(lines[0] === `${count} 16` && count >= vocab - 1 && count <= vocab, `header "<count> 16": ${lines[0]} (vocab ${vocab})`);
      assert(lines.length === count + 1, `one line per word: ${lines.length - 1} for ${count}`);
      const badLines = lines.slice(1).filter((l) => { const f = l.split(' '); return f.length !== 17 || f[0] === '' || !f.slice(1).every((x) => x !== '' && Number.isFinite(Number(x))); });
      assert(badLines.length === 0, `each line: a word and 16 numbers: ${JSON.stringify(badLines.slice(0, 3))}`);
      await t.page.locator('section.w2v').screenshot({ path: resolve(OUT, 'e2e-word2vec-panel.png') });

      // Use in the model, frozen: the first Embedding takes the vectors; a 1-epoch run trains
      await t.page.uncheck('#w2v-trainable');
      await t.page.click('#w2v-use');
      const used = (await editorLayers(t.page))[0];
      assert(used.kind === 'embedding' && used.output_dim === '16' && used.embeddings_initializer === 'word2vec' && used.trainable === false, `the Embedding: ${JSON.stringify(used)}`);
      await t.page.fill('[name=epochs]', '1');
      await t.page.click('#train');
      const run = await watchTraining(t, 5 * MIN);
      assert(run.final.history.loss.length === 1 && run.final.state.test, `a 1-epoch run: ${JSON.stringify(run.final.state)}`);
      const log = await t.page.locator('#log').innerText();

      // Seed 000's average model trains too
      await t.page.click('#w2v-average');
      const avg = await editorLayers(t.page);
      assert(avg.map((l) => l.kind).join() === 'embedding,global_average_pooling1d,dense,dense', `average model: ${JSON.stringify(avg)}`);
      assert(avg[0].trainable === false && avg[0].embeddings_initializer === 'word2vec' && avg[3].units === '1' && avg[3].activation === 'sigmoid', `average model: ${JSON.stringify(avg)}`);
      const runs = await runsStarted(t.page);
      await t.page.click('#train');
      for (const t0 = Date.now(); (await runsStarted(t.page)) === runs; await sleep(100)) {
        assert(Date.now() - t0 < MIN, 'the second run should start');
      }
      const run2 = await watchTraining(t, 5 * MIN);

      // output_dim ≠ vector_size: the run is refused with a readable message
      await t.page.fill('#layer-editor li.layer:first-child input[name="output_dim"]', '8');
      await t.page.click('#train');
      const bad = await until(t, (s) => s.state.status === 'error', 'state error', 2 * MIN);
      const shown = await t.page.locator('#errors').innerText();
      assert(/16/.test(bad.state.message) && /8/.test(bad.state.message) && /vector_size|output_dim/.test(bad.state.message), `a readable message: ${bad.state.message}`);
      assert(shown.includes(bad.state.message), `the message is on the page: ${shown}`);
      // that refusal is the expected console error
      t.consoleErrors.splice(0, t.consoleErrors.length, ...t.consoleErrors.filter((e) => !e.includes(bad.state.message)));
      const shot = await screenshot(t, 'e2e-word2vec.png');
      const acc = (s) => s.final.state.test.accuracy.toFixed(3);
      return `vocab ${vocab}, ${w.points} loss points (${lossInk} px), "${common}" → ${sim.rows.slice(0, 3).map((r) => `${r.word} ${r.similarity.toFixed(3)}`).join(', ')}; map ${mapInk} px; ` +
        `frozen word2vec run acc ${acc(run)}, average model acc ${acc(run2)}; log: ${log.split('\n').find((l) => /word2vec/i.test(l)) ?? '-'}; refused: ${bad.state.message}; ${shot.file}`;
    }),
  },
  {
    name: 'word2vec_webgpu',
    title: 'word vectors on WebGPU (SwiftShader): a tiny word2vec trains and answers similar words',
    timeout: 20 * MIN,
    run: (browser, base) => withPage(browser, base, KO.replace('backend=cpu', 'backend=webgpu'), async (t) => {
      const w = await trainWord2Vec(t, { vector_size: 8, min_count: 1, epochs: 1 }, 15 * MIN);
      assert(w.state === 'done', `word2vec should finish: ${w.error || w.status}`);
      assert(w.backend === 'webgpu', `trained on WebGPU: ${w.backend}`);
      assert(w.fraction === 1, `progress reaches 100 %: ${w.status}`);
      await t.page.waitForSelector('#w2v-top button.chip', { timeout: 60_000 });
      const common = (await t.page.$$eval('#w2v-top button.chip', (bs) => bs.map((b) => b.dataset.word))).find((w) => w.trim() !== '');
      const sim = await similar(t, common);
      assert(!sim.error && sim.rows.length === 10 && inRange(sim.rows), `similar words: ${JSON.stringify(sim)}`);
      await t.page.locator('section.w2v').screenshot({ path: resolve(OUT, 'e2e-word2vec-webgpu.png') });
      return `${w.status}; "${common}" → ${sim.rows.slice(0, 3).map((r) => `${r.word} ${r.similarity.toFixed(3)}`).join(', ')}`;
    }),
  },
];
