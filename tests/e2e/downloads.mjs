// Browser end-to-end test of the downloads and the run's embeddings: a tiny
// IMDB run, then the curves as PNG and SVG, the history as CSV, the trained
// Embedding's nearest words, map, word2vec .txt and projector TSV pair; then a
// small GloVe file loaded in the word vectors panel (a bad one first), used
// frozen in the model, and trained: the run's Embedding keeps its rows.
// The downloaded files are kept in $OUT for tools/gensim_check.py.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MIN, OUT, assert, canvasInk, screenshot, sleep, until, watchTraining, withPage } from './helpers.mjs';

const QUERY = 'data=imdb-1k&model=pooled&epochs=2&batch_size=64&num_words=2000&backend=cpu&autostart=1';

/** Click `selector`, wait for the download it starts; its name and bytes (also written to $OUT, as `saveAs` if given). */
async function download(page, selector, saveAs) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(selector)]);
  const bytes = readFileSync(await d.path());
  writeFileSync(resolve(OUT, saveAs ?? d.suggestedFilename()), bytes);
  return { name: d.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}

/** The nearest words the Embeddings block lists for `word`. */
async function nearest(t, word) {
  await t.page.evaluate(() => document.querySelector('#emb-similar-result').replaceChildren());
  await t.page.fill('#emb-word', word);
  await t.page.press('#emb-word', 'Enter');
  await t.page.waitForSelector('#emb-similar-result table, #emb-similar-result p', { timeout: 60_000 });
  return t.page.$$eval('#emb-similar-result tr[data-similarity]', (trs) =>
    trs.map((tr) => ({ word: tr.querySelector('.word').textContent, similarity: Number(tr.dataset.similarity) })));
}

/** word2vec text → {count, dim, rows: Map(word → numbers)}, checking every line's shape. */
function readWord2vec(text) {
  const lines = text.trimEnd().split('\n');
  const [count, dim] = lines[0].split(' ').map(Number);
  const rows = new Map();
  for (const line of lines.slice(1)) {
    const [word, ...values] = line.split(' ');
    assert(values.length === dim && values.every((v) => v !== '' && Number.isFinite(Number(v))), `a word and ${dim} numbers: ${line.slice(0, 80)}`);
    rows.set(word, values.map(Number));
  }
  assert(rows.size === count && lines.length === count + 1, `header ${lines[0]}: ${rows.size} distinct words on ${lines.length - 1} lines`);
  return { count, dim, rows, words: [...rows.keys()] };
}

const GLOVE_WORDS = ['the', 'a', 'and', 'of', 'movie', 'film', 'good', 'bad', 'great', 'awful', 'this', 'is'];
const GLOVE_DIM = 8;
const gloveValue = (i, j) => (((i * 7 + j * 3) % 17) - 8) / 10;
const GLOVE = GLOVE_WORDS.map((w, i) => [w, ...Array.from({ length: GLOVE_DIM }, (_, j) => gloveValue(i, j).toFixed(1))].join(' ')).join('\n') + '\n';

export const downloadTests = [
  {
    name: 'downloads',
    title: 'downloads: curves as PNG and SVG, history as CSV, the run\'s Embedding (nearest words, map, word2vec .txt, projector TSV); a GloVe file loaded, used frozen and trained',
    timeout: 20 * MIN,
    run: (browser, base) => withPage(browser, base, QUERY, async (t) => {
      const first = (await watchTraining(t, 10 * MIN)).final;
      const history = first.history;
      assert(history.loss.length === 2, `two epochs: ${JSON.stringify(history)}`);
      await sleep(500); // the charts' last frame

      // PNG, SVG, CSV
      const png = await download(t.page, '#dl-png');
      assert(png.name === 'kiln-curves.png' && png.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `a PNG: ${png.name} ${png.bytes.subarray(0, 8).toString('hex')}`);
      // IHDR's width and height (the page's CSP keeps data: images out, so read the header here)
      assert(png.bytes.toString('latin1', 12, 16) === 'IHDR' && png.bytes.toString('latin1', png.bytes.length - 8, png.bytes.length - 4) === 'IEND', 'IHDR first, IEND last');
      const pngSize = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
      assert(pngSize[0] > 400 && pngSize[1] > 200, `the PNG decodes to both charts: ${pngSize}`);
      const svg = await download(t.page, '#dl-svg');
      const parsed = await t.page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        const polylines = [...doc.querySelectorAll('polyline')];
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.nodeName,
          labels: polylines.map((p) => p.getAttribute('data-label')),
          points: polylines.map((p) => p.getAttribute('points').trim().split(/\s+/).length),
          texts: [...doc.querySelectorAll('text')].map((x) => x.textContent),
        };
      }, svg.text);
      assert(!parsed.error && parsed.root === 'svg', `the SVG parses: ${parsed.error}`);
      for (const label of ['batch_loss', 'smoothed', 'loss', 'val_loss', 'batch_accuracy', 'accuracy', 'val_accuracy']) {
        assert(parsed.labels.includes(label), `a polyline for ${label}: ${parsed.labels}`);
      }
      const epochLine = parsed.points[parsed.labels.indexOf('val_loss')];
      assert(epochLine === 2, `val_loss has a point per epoch: ${epochLine}`);
      assert(parsed.texts.includes('Loss') && parsed.texts.includes('Accuracy'), `titles: ${parsed.texts.slice(0, 5)}`);
      const csv = await download(t.page, '#dl-csv');
      const [head, ...rows] = csv.text.trimEnd().split(/\r?\n/).map((l) => l.split(','));
      assert(head.join() === 'epoch,accuracy,loss,val_accuracy,val_loss', `CSVLogger's header: ${head}`);
      assert(rows.length === history.loss.length, `a row per epoch: ${rows.length}`);
      rows.forEach((r, e) => {
        assert(r[0] === String(e), `epoch column from 0: ${r}`);
        head.slice(1).forEach((key, j) => assert(Number(r[j + 1]) === history[key][e], `${key}[${e}]: ${r[j + 1]} vs ${history[key][e]}`));
      });

      // the run's Embedding: info, map, nearest words, word2vec .txt and the projector pair
      await t.page.waitForFunction(() => document.querySelector('#embeddings').dataset.state !== 'empty', null, { timeout: 60_000 });
      const info = await t.page.locator('#emb-info').innerText();
      assert(await t.page.evaluate(() => document.querySelector('#embeddings').dataset.state) === 'ready', `embeddings ready: ${info}`);
      const [, words, dim] = /([\d,]+) words × (\d+) dimensions/.exec(info) ?? [];
      await sleep(300);
      const mapInk = await canvasInk(t.page, '#emb-map');
      assert(mapInk > 1000, `the map is drawn: ${mapInk} px`);
      const good = await nearest(t, 'good');
      assert(good.length === 10 && !good.some((r) => r.word === 'good') && good.every((r, i) => i === 0 || r.similarity <= good[i - 1].similarity), `10 nearest words, most similar first: ${JSON.stringify(good)}`);
      const bad = await nearest(t, 'bad');
      writeFileSync(resolve(OUT, 'emb-similar.json'), JSON.stringify({ good, bad }));
      const unknown = await nearest(t, 'zzzzqq');
      const unknownText = await t.page.locator('#emb-similar-result').innerText();
      assert(unknown.length === 0 && /not in the vocabulary/.test(unknownText), `an unknown word is a message: ${unknownText}`);
      const txt = await download(t.page, '#emb-word2vec');
      const w2v = readWord2vec(txt.text);
      assert(txt.name === 'kiln-embedding-word2vec.txt' && w2v.count === Number(words.replace(/,/g, '')) && w2v.dim === Number(dim), `header ${w2v.count} ${w2v.dim} vs ${info}`);
      assert(w2v.rows.has('good') && w2v.words[0] === 'the', `Keras' index order, most frequent first: ${w2v.words.slice(0, 5)}`);
      const vectorsTsv = await download(t.page, '#emb-vectors');
      const metadataTsv = await download(t.page, '#emb-metadata');
      const meta = metadataTsv.text.trimEnd().split('\n');
      const vecRows = vectorsTsv.text.trimEnd().split('\n').map((l) => l.split('\t').map(Number));
      assert(meta.length === w2v.count && vecRows.length === w2v.count, `a TSV row per word: ${meta.length} / ${vecRows.length} / ${w2v.count}`);
      assert(vecRows.every((r) => r.length === w2v.dim && r.every(Number.isFinite)), 'a column per dimension');
      assert(meta.every((w, i) => w === w2v.words[i] && vecRows[i].every((v, j) => v === w2v.rows.get(w)[j])), 'the TSV pair and the .txt hold the same words and values');

      // a bad vectors file is a message; a small GloVe file loads
      await t.page.setInputFiles('#w2v-load', { name: 'broken.txt', mimeType: 'text/plain', buffer: Buffer.from('the 1 2\nfilm 3\n') });
      await t.page.waitForSelector('#w2v-error:not([hidden])', { timeout: 60_000 });
      const refused = await t.page.locator('#w2v-error').innerText();
      assert(/broken\.txt/.test(refused) && /line 2/.test(refused) && /has 1 values/.test(refused), `the bad file's line and problem: ${refused}`);
      await t.page.setInputFiles('#w2v-load', { name: 'tiny-glove.txt', mimeType: 'text/plain', buffer: Buffer.from(GLOVE) });
      await t.page.waitForFunction(() => /^Loaded tiny-glove/.test(document.querySelector('#w2v-status').textContent), null, { timeout: 60_000 });
      const loaded = await t.page.locator('#w2v-status').innerText();
      assert(loaded.includes(`${GLOVE_WORDS.length} words × ${GLOVE_DIM} dimensions (GloVe text, no header)`), `loaded: ${loaded}`);
      await t.page.waitForSelector('#w2v-top button.chip', { timeout: 60_000 });
      await t.page.uncheck('#w2v-trainable');
      await t.page.click('#w2v-use');
      await t.page.fill('[name=epochs]', '1');
      await t.page.click('#train');
      await until(t, (s) => s.state.status !== 'done', 'the GloVe run to start', 60_000);
      const second = (await watchTraining(t, 10 * MIN)).final;
      const log = await t.page.locator('#log').innerText();
      const note = log.split('\n').find((l) => /start from word2vec/.test(l)) ?? '';
      assert(note.startsWith(`Embedding: ${GLOVE_WORDS.length} of 2000 rows start from word2vec (frozen)`), `the run's note: ${note}`);
      await t.page.waitForFunction(() => document.querySelector('#embeddings').dataset.state !== 'empty', null, { timeout: 60_000 });
      const info2 = await t.page.locator('#emb-info').innerText();
      assert(/^Run #2's first Embedding/.test(info2), `the second run's Embedding: ${info2}`);
      const after = readWord2vec((await download(t.page, '#emb-word2vec', 'glove-run-embedding.txt')).text);
      assert(after.dim === GLOVE_DIM, `the run's Embedding is ${GLOVE_DIM}-wide: ${after.dim}`);
      GLOVE_WORDS.forEach((w, i) => {
        const row = after.rows.get(w);
        assert(row && row.every((v, j) => Math.fround(v) === Math.fround(gloveValue(i, j))), `frozen: ${w} keeps its GloVe vector: ${row}`);
      });
      const shot = await screenshot(t, 'e2e-downloads.png');
      await t.page.locator('#embeddings').screenshot({ path: resolve(OUT, 'e2e-embeddings.png') });
      return `PNG ${png.bytes.length} B ${pngSize.join('×')}, SVG ${parsed.labels.length} polylines, CSV ${rows.length} rows; ` +
        `embedding ${w2v.count}×${w2v.dim}, good → ${good.slice(0, 3).map((r) => `${r.word} ${r.similarity.toFixed(3)}`).join(', ')}; ` +
        `refused: ${refused.slice(0, 90)}; ${loaded}; GloVe run acc ${second.state.test.accuracy.toFixed(3)} (${note}); ${shot.file}`;
    }),
  },
];
