// Reliability (README "Reliability"): bad inputs through the page after a trained run, and ten
// runs in one tab. `bad_inputs_page` writes $OUT/reliability.json (input, message, longest
// main-thread task), `ten_runs` $OUT/memory.json. See run.mjs for how the tests run.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { TextEncoder } from 'node:util';
import { resolve } from 'node:path';
import { gzipSync, deflateRawSync } from 'node:zlib';
import { MIN, OUT, assert, captureWorker, open, sleep, until } from './helpers.mjs';

const RUN = 'data=ko-sample&model=m4_pooled&maxlen=64&epochs=1&batch_size=16&backend=cpu';
const PANIC = /panicked|RuntimeError: unreachable/;

/** Long tasks of the main thread, recorded from before the page's first script. */
const recordLongTasks = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
};

// ------------------------------------------------------------------ fixtures --

/** Deterministic junk bytes (xorshift), as tests/bad_inputs.rs makes them. */
function junk(n, seed) {
  let x = seed | 1;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of `entries` [{name, data (raw), deflated?, crc?, size?}]: deflated entries given as is (copies of one stream). */
function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.deflated ?? deflateRawSync(e.data);
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** ~1 MB that inflates to 1.1 GiB: one 8 MiB text deflated once, stored 140 times under pos/ and neg/. */
function zipBomb() {
  const text = Buffer.from('a good film, a bad film '.repeat((8 << 20) / 24 + 1).slice(0, 8 << 20));
  const deflated = deflateRawSync(text, { level: 9 });
  const crc = crc32(text);
  return zip(Array.from({ length: 140 }, (_, i) => ({ name: `${i % 2 ? 'neg' : 'pos'}/${i}.txt`, deflated, crc, size: text.length })));
}

const half = (b) => b.subarray(0, Math.floor(b.length / 2));
const csv = (rows) => Buffer.from(`text,label\n${rows.map(([t, l]) => `${t},${l}\n`).join('')}`);
const REVIEWS = 'text,label\ngreat film,1\nawful plot,0\nloved it,1\nboring,0\n';
const utf16le = (s) => Buffer.from(s, 'utf16le');
/** A fastText file of 60 lines, bzip2-compressed (Python's bz2), to be cut short. */
const FASTTEXT_BZ2 = Buffer.from(
  'QlpoOTFBWSZTWTAcZocAAUVbgAAQQAB/4AAAtmadgDABEjAyR7UpGjQAAQ/VUfqoA0BiaAmqqeoAAA0afKq7v9VXd7t4AKAFAAoAUAAe6q7vtWPLpljEkkkmEmEkkkquC047cpJJmVJJJJiTElV3SbfPW9dNeibZd3dxNWm3d5u7ymgMhhNAEKTQADaAAAAAAqgC0m35SbfVJtihih4ofaGVD3QxQyofqGdDKh3ocKGdD9Q1UMUPFDOhoob6G2oYqH8XckU4UJAwHGaH',
  'base64',
);

/** Data files for the file input: [input, file name, bytes, key words of the message]. */
function dataFiles() {
  const file = (input, name, bytes, ...want) => ({ input, name, bytes, want });
  const latin1 = Buffer.concat([Buffer.from(REVIEWS), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x31, 0x0a])]);
  return [
    file('empty file', 'empty.csv', Buffer.alloc(0), 'empty'),
    file('only blank lines', 'blank.csv', Buffer.from('\n  \n\r\n'), 'empty'),
    file('binary junk', 'junk.csv', junk(4096, 7), 'binary', 'save it as CSV'),
    file('junk without NUL bytes', 'junk.txt', Buffer.from(junk(4096, 9).map((b) => b | 0x80)), 'UTF-8'),
    file('a PNG named .csv', 'photo.csv', Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'latin1'), 'binary'),
    file('truncated bz2', 'train.ft.txt.bz2', half(FASTTEXT_BZ2), 'corrupt or cut short', '.bz2'),
    file('truncated gzip', 'reviews.csv.gz', half(gzipSync(REVIEWS)), 'corrupt or cut short', '.gz'),
    file('truncated zip', 'reviews.zip', half(zip([{ name: 'pos/a.txt', data: Buffer.from('good film') }, { name: 'neg/b.txt', data: Buffer.from('bad film') }])), 'corrupt or cut short', '.zip'),
    file('gzip magic then junk', 'r.csv.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), junk(600, 3)]), 'corrupt or cut short'),
    file('.zip name on a CSV', 'reviews.zip', Buffer.from(REVIEWS), 'does not start like a zip'),
    file('zip bomb (1.1 GiB inflated)', 'bomb.zip', zipBomb(), 'GiB', 'too large'),
    file('CSV with an unbalanced quote', 'q.csv', Buffer.from('text,label\n"great film,1\nawful,0\nfine,1\n'), 'quote'),
    file('1 MB single line', 'line.csv', Buffer.from('word '.repeat(200_000)), 'one column'),
    file('Latin-1 bytes', 'latin1.csv', latin1, 'invalid UTF-8', 'save the file as UTF-8'),
    file('invalid UTF-8 (cut sequence)', 'cut.csv', Buffer.from([...Buffer.from('text,label\nok,1\n'), 0xe2, 0x82, ...Buffer.from(' x,0\n')]), 'UTF-8', 'line 3'),
    file('UTF-16 without a BOM', 'u16.csv', utf16le(REVIEWS), 'UTF-16', 'save the file as UTF-8'),
    file('UTF-16 with a lone surrogate', 's.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(REVIEWS), Buffer.from([0x00, 0xd8, 0x78, 0x00])]), 'UTF-16'),
    file('labels with one class', 'one.csv', csv([['good', 1], ['fine', 1], ['great', 1]]), 'only one class', 'needs two'),
    file('all labels NaN', 'allnan.csv', csv([['good', 'NaN'], ['bad', 'NaN'], ['ok', 'nan']]), 'no labels', 'NaN'),
    file('all texts empty', 'empty_texts.csv', Buffer.from('text,label\n,1\n \t,0\n"",1\n'), 'no rows left', 'text column'),
    file('header only', 'header.csv', Buffer.from('text,label\n'), 'no rows'),
    file('JSON lines, a broken line', 'r.jsonl', Buffer.from('{"text": "a", "label": 1}\n{"text": "b", \n'), 'line 2', 'JSON'),
  ];
}

/** Settings typed into the form, then Train: [input, field, value, key words]. */
const FORM = [
  ['maxlen 0', 'maxlen', '0', 'maxlen', 'at least 1'],
  ['maxlen 10^9', 'maxlen', '1000000000', 'maxlen', 'at most 10,000'],
  ['num_words 1', 'num_words', '1', 'num_words', 'at least 2'],
  ['batch_size 0', 'batch_size', '0', 'batch_size', 'at least 1'],
  ['negative learning rate', 'lr', '-0.001', 'learning_rate', '(0, 10]'],
  ['epochs 0', 'epochs', '0', 'epochs', 'at least 1'],
  ['epochs 10^6', 'epochs', '1000000', 'epochs', 'at most 1,000'],
];

const layers = (list) => encodeURIComponent(JSON.stringify(list));
const EMB = { kind: 'embedding', output_dim: 8 };
const OUTPUT = { kind: 'dense', units: 1, activation: 'sigmoid' };
/** Settings in the address, opened in a second tab of the same browser context: [input, query, key words]. */
const URLS = [
  ['unknown layer kind (URL layers JSON)', `data=ko-sample&layers=${layers([EMB, { kind: 'transformer', heads: 2 }, OUTPUT])}&autostart=1`, 'layers', 'transformer'],
  ['shape mismatch: LSTM after Flatten (URL)', `data=ko-sample&backend=cpu&layers=${layers([EMB, { kind: 'flatten' }, { kind: 'lstm', units: 4 }, OUTPUT])}&autostart=1`, 'LSTM', 'return_sequences=True'],
  ['maxlen 10^9 (URL, autostart)', 'data=ko-sample&model=m4_pooled&backend=cpu&maxlen=1000000000&autostart=1', 'maxlen', 'at most 10,000'],
  ['batch_size -1 (URL)', 'data=ko-sample&model=m4_pooled&batch_size=-1&autostart=1', 'batch_size', 'not a whole number'],
];

const model = (body) => `model = Sequential()\nmodel.add(Embedding(1000, 8))\n${body}\nmodel.add(Dense(1, activation='sigmoid'))\n`;
/** The Keras code box: [input, code, key words]. */
const CODE = [
  ['empty code box', '', 'found no model', 'Sequential()'],
  ['unclosed bracket', "model = Sequential()\nmodel.add(Dense(1, activation='sigmoid')\n", 'line 2', 'unclosed'],
  ['unknown layer class', model('model.add(layers.Transformer(4))'), 'line 3', 'Transformer'],
  ['3,000 nested brackets', `model = Sequential()\nmodel.add(Dense(${'('.repeat(3000)}1${')'.repeat(3000)}))\n`, 'line 2', 'nested more than 100 deep'],
  ['3,000 minus signs', `model = Sequential()\nmodel.add(Dense(${'-'.repeat(3000)}1))\n`, 'line 2', 'nested more than 100 deep'],
  ['a 1 MB line of code', model(`model.add(Dense(${'1+'.repeat(500_000)}1))`), 'line 3', 'tokens'],
  ['junk bytes as code', junk(2000, 11).toString('utf8'), 'found no model'],
];

// ---------------------------------------------------------------- the page --

/** What must survive every input: the run's test accuracy, its results and evaluation, its saved row. */
async function intact(page) {
  return page.evaluate(() => ({
    accuracy: window.kiln.result?.test_accuracy ?? null,
    results: (document.querySelector('#results')?.textContent ?? '').trim().length,
    evaluation: document.querySelectorAll('#confusion td[data-count]').length,
    saved: document.querySelectorAll('#saved-runs-table tr[data-key]').length,
  }));
}

/** The longest long task that ended after `since` (0: none). */
function longest(page, since) {
  return page.evaluate((s0) => Math.round(Math.max(0, ...window.__longtasks.filter((e) => e.start + e.ms >= s0).map((e) => e.ms))), since);
}

/** Hide the error boxes so the next message is this input's. */
function clearMessages(page) {
  return page.evaluate(() => {
    for (const id of ['errors', 'code-message']) {
      const box = document.querySelector(`#${id}`);
      box.hidden = true;
      box.replaceChildren();
    }
    document.querySelector('#saved-runs-message').textContent = '';
    delete document.querySelector('#file-status').dataset.state;
  });
}

/** Waits for `#errors` to show and returns its text. */
async function errorsText(page) {
  await page.locator('#errors').waitFor({ state: 'visible', timeout: MIN });
  return page.locator('#errors').innerText();
}

/**
 * `bytes` as the file `name` on disk under $OUT/reliability-inputs/N/. The file input is given
 * paths, not buffers: Playwright would decode a buffer in the page, a main-thread task of its
 * own (~1 s for 1 MB) that is not the page's.
 */
let written = 0;
function onDisk(name, bytes) {
  const dir = resolve(OUT, 'reliability-inputs', String((written += 1)));
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** A data file through the file input; a file that inspects is then loaded (Load), as a user would. */
async function feedFile(page, f) {
  await page.locator('#file-input').setInputFiles(onDisk(f.name, f.bytes));
  await page.waitForFunction(() => {
    const s = document.querySelector('#file-status')?.dataset.state;
    return s === 'error' || (s === 'ready' && document.querySelector('#file-load'));
  }, null, { timeout: MIN });
  if (await page.evaluate(() => document.querySelector('#file-status').dataset.state === 'ready')) await page.click('#file-load');
  return errorsText(page);
}

async function feedForm(page, field, value) {
  const input = page.locator(`#config input[name="${field}"]`);
  const before = await input.inputValue();
  await input.fill(value);
  await page.click('#train');
  const text = await errorsText(page);
  await input.fill(before);
  return text;
}

async function feedCode(page, code) {
  await page.fill('#keras-code', code);
  await page.click('#build-from-code');
  await page.waitForFunction(() => !document.querySelector('#code-message').hidden && document.querySelector('#code-message').dataset.state, null, { timeout: MIN });
  const text = await page.locator('#code-message').innerText();
  await page.fill('#keras-code', '');
  return text;
}

async function feedRunFile(page, name, buffer) {
  await page.setInputFiles('#saved-run-upload', onDisk(name, buffer));
  await page.waitForFunction(() => document.querySelector('#saved-runs-message').textContent.trim().length > 0, null, { timeout: MIN });
  return page.locator('#saved-runs-message').innerText();
}

/** A file the page accepts or refuses: its message (#errors, or the file status), after Load when it inspects. */
async function feedAnyFile(page, path, timeout = MIN) {
  await page.locator('#file-input').setInputFiles(path);
  const settled = () => page.waitForFunction(() => {
    const s = document.querySelector('#file-status')?.dataset.state;
    return !document.querySelector('#errors').hidden || s === 'error' || (s === 'ready' && document.querySelector('#file-load'));
  }, null, { timeout, polling: 250 });
  await settled();
  const state = await page.evaluate(() => (document.querySelector('#errors').hidden ? document.querySelector('#file-status').dataset.state : 'error'));
  if (state === 'error') return page.evaluate(() => `${document.querySelector('#errors').innerText} ${document.querySelector('#file-status').innerText}`.trim());
  const inspection = await page.locator('#file-inspection').innerText();
  await page.click('#file-load');
  await page.waitForFunction(() => !document.querySelector('#errors').hidden || document.querySelector('#file-status').dataset.state === 'error' || /rows loaded/.test(document.querySelector('#file-status').textContent), null, { timeout, polling: 250 });
  return page.evaluate((ins) => `${document.querySelector('#errors').hidden ? '' : document.querySelector('#errors').innerText} ${document.querySelector('#file-status').innerText} | ${ins}`.trim(), inspection);
}

const KOREAN = '아주 재미있는 영화였어요\t1\n지루하고 별로였다\t0\n배우들 연기가 최고\t1\n';
/** KOREAN in EUC-KR (KS X 1001), through the browser's own encoder: Node's TextEncoder is UTF-8 only, so the table comes from TextDecoder. */
function eucKr(text) {
  const table = new Map();
  const dec = new TextDecoder('euc-kr');
  for (let a = 0xb0; a <= 0xc8; a++) for (let b = 0xa1; b <= 0xfe; b++) table.set(dec.decode(Buffer.from([a, b])), [a, b]);
  const out = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(table.get(ch) ?? (() => { throw new Error(`no EUC-KR code for ${ch}`); })()));
  }
  return Buffer.from(out);
}

/** The run file with its settings changed to another model (the first hidden Dense twice as wide); header rewritten, arrays as they were. */
function foreignModel(real) {
  const n = Number(real.readBigUInt64LE(0));
  const header = JSON.parse(real.subarray(8, 8 + n).toString('utf8'));
  const kiln = JSON.parse(header.__metadata__.kiln);
  const dense = kiln.config.layers.find((l) => l.kind === 'dense' || l.kind === 'lstm');
  dense.units *= 2;
  kiln.config.model = 'custom';
  header.__metadata__.kiln = JSON.stringify(kiln);
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const json = Buffer.from(text);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, real.subarray(8 + n)]);
}

/** A 200 MB CSV (two classes) written with a stream under $OUT/reliability-inputs/big/. */
async function bigFile() {
  const dir = resolve(OUT, 'reliability-inputs', 'big');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, 'big.csv');
  const out = createWriteStream(file);
  out.write('text,label\n');
  // every text differs (the loader drops duplicate texts, as seed 004's drop_duplicates does)
  let rows = 0;
  for (let size = 0, k = 0; size < 200 * 2 ** 20; k++) {
    const chunk = Array.from({ length: 10_000 }, (_, i) => `a ${i % 2 ? 'good' : 'bad'} film with some words part ${k} number ${i},${i % 2}\n`).join('');
    rows += 10_000;
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { file, rows };
}
const FULL = process.env.KILN_RELIABILITY_FULL === '1';

/** `url` in a second tab of the same context (same saved runs); its messages and longest task. */
async function feedUrl(t, base, query) {
  const page = await t.context.newPage();
  page.on('console', (m) => t.log.push(`[tab2 ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => t.pageErrors.push(String(e)));
  try {
    await page.addInitScript(recordLongTasks);
    await page.goto(`${base}?${query}`, { waitUntil: 'load' });
    const text = await errorsText(page);
    await sleep(300);
    const saved = await page.waitForFunction(() => document.querySelectorAll('#saved-runs-table tr[data-key]').length, null, { timeout: MIN }).then((h) => h.jsonValue());
    return { text, ms: await longest(page, 0), saved };
  } finally {
    await page.close();
  }
}

export const reliabilityTests = [
  {
    name: 'bad_inputs_page',
    title: 'after a trained run, 47 bad inputs (48 with KILN_RELIABILITY_FULL=1: a 200 MB file) (files, settings in the form and the address, Keras code, run files) each get a clear message; no panic, no main-thread task over 1 s, the run stays',
    timeout: (FULL ? 12 : 6) * MIN,
    async run(browser, base) {
      const t = await open(browser, base, `${RUN}&epochs=2&autostart=1`, { initScript: recordLongTasks });
      const { page } = t;
      try {
        const trained = await until(t, (s) => s.state.status === 'done' && s.state.test, 'the trained run', 3 * MIN);
        await page.waitForSelector('#saved-runs-table tr[data-key] button', { timeout: MIN });
        await page.waitForSelector('#confusion td[data-count]', { timeout: MIN });
        const before = await intact(page);
        assert(before.accuracy === trained.state.test.accuracy && before.saved === 1 && before.evaluation > 0, `the trained run: ${JSON.stringify(before)}`);
        const row = page.locator('#saved-runs-table tr[data-key]').first();
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), row.locator('button', { hasText: 'Download' }).click()]);
        const runFile = resolve(OUT, 'reliability-run.kiln');
        await download.saveAs(runFile);
        const real = readFileSync(runFile);
        const hugeHeader = Buffer.from(real);
        hugeHeader.fill(0xff, 0, 8);

        const inputs = [
          ...dataFiles().map((f) => ({ entry: 'file', input: f.input, want: f.want, feed: () => feedFile(page, f) })),
          ...FORM.map(([input, field, value, ...want]) => ({ entry: 'form', input, want, feed: () => feedForm(page, field, value) })),
          ...URLS.map(([input, query, ...want]) => ({ entry: 'address', input, want, url: query })),
          ...CODE.map(([input, code, ...want]) => ({ entry: 'keras', input, want, feed: () => feedCode(page, code) })),
          ...[
            ['empty run file', Buffer.alloc(0)],
            ['random bytes as a run', junk(5000, 5)],
            ['a CSV as a run', Buffer.from(REVIEWS)],
            ['truncated real run file', half(real)],
            ['run header length 2^64', hugeHeader],
          ].map(([input, bytes]) => ({ entry: 'saved run', input, want: ['not a readable Kiln run file'], feed: () => feedRunFile(page, `${input.replace(/\W+/g, '-')}.kiln`, bytes) })),
          { entry: 'saved run', input: 'a run from another model (Dense units x2)', want: ['another model', 'parameters'], feed: () => feedRunFile(page, 'other-model.kiln', foreignModel(real)) },
          { entry: 'file', input: 'EUC-KR bytes (accepted, decoded)', want: ['decoded as EUC-KR', '3 rows loaded', '아주 재미있는 영화였어요'], feed: () => feedAnyFile(page, onDisk('nsmc.txt', Buffer.concat([Buffer.from('document\tlabel\n'), eucKr(KOREAN)]))) },
          ...(FULL ? [{ entry: 'file', input: '200 MB CSV (unique rows)', want: [], big: true, async feed() {
            const { file, rows } = await bigFile();
            const message = await feedAnyFile(page, file, 4 * MIN);
            // loaded whole, or refused with a message: never silently cut short
            if (/rows loaded/.test(message)) this.want = [`${rows.toLocaleString('en-US')} rows loaded`];
            return message;
          } }] : []),
        ];
        const rows = [];
        const problems = [];
        for (const c of inputs) {
          await clearMessages(page);
          const logAt = t.log.length;
          const since = await page.evaluate(() => performance.now());
          let message;
          let ms;
          let savedElsewhere = null;
          try {
            if (c.url) {
              const r = await feedUrl(t, base, c.url);
              message = r.text;
              ms = r.ms;
              savedElsewhere = r.saved;
            } else {
              message = await c.feed();
            }
          } catch (e) {
            message = `NO MESSAGE: ${String(e?.message ?? e).split('\n')[0]}`;
          }
          await sleep(200);
          ms = Math.max(ms ?? 0, await longest(page, since));
          const still = await intact(page);
          const why = [];
          const missing = c.want.filter((w) => !message.toLowerCase().includes(w.toLowerCase()));
          if (missing.length) why.push(`message lacks ${JSON.stringify(missing)}`);
          if (c.big && (!message || /NO MESSAGE/.test(message))) why.push('no message for the 200 MB file');
          const panics = [message, ...t.log.slice(logAt)].filter((l) => PANIC.test(l));
          if (panics.length) why.push(`panic: ${panics[0].slice(0, 200)}`);
          if (ms >= 1000) why.push(`main thread blocked ${ms} ms`);
          if (still.accuracy !== before.accuracy || !still.results || !still.evaluation || still.saved < 1) why.push(`the run was lost: ${JSON.stringify(still)}`);
          if (savedElsewhere === 0) why.push('the saved run is not listed in a second tab');
          if (t.pageErrors.length || t.crashed) why.push(`page error: ${t.pageErrors.splice(0).join(' ')}${t.crashed ? ' (crashed)' : ''}`);
          rows.push({ entry: c.entry, input: c.input, message: message.replace(/\s+/g, ' ').trim(), longest_task_ms: ms, ok: why.length === 0 });
          if (why.length) problems.push(`${c.entry} / ${c.input}: ${why.join('; ')} — message: ${message.slice(0, 300)}`);
        }
        const worst = Math.max(...rows.map((r) => r.longest_task_ms));
        const report = {
          inputs: rows.length,
          clear: rows.filter((r) => r.ok).length,
          panics: rows.filter((r) => PANIC.test(r.message)).length + t.log.filter((l) => PANIC.test(l)).length,
          longest_task_ms: worst,
          test_accuracy: before.accuracy,
          rows,
        };
        writeFileSync(resolve(OUT, 'reliability.json'), `${JSON.stringify(report, null, 1)}\n`);
        for (const r of rows) console.log(`  ${r.entry.padEnd(9)} ${r.input.padEnd(40)} ${String(r.longest_task_ms).padStart(5)} ms  ${r.message.slice(0, 110)}`);
        assert(rows.length >= 30, `only ${rows.length} inputs`);
        assert(problems.length === 0, `${problems.length} of ${rows.length} inputs failed:\n  ${problems.join('\n  ')}`);
        return `${rows.length} inputs, all with a clear message, 0 panics; longest main-thread task ${worst} ms; test_accuracy ${before.accuracy.toFixed(4)} kept; ${resolve(OUT, 'reliability.json')}`;
      } finally {
        await t.context.close();
      }
    },
  },
];

// ------------------------------------------------------------- ten runs --

/** The worker's `memory` call, posted past the page (its id is one the page never uses). */
function workerMemory(page, id) {
  return page.evaluate((id) => new Promise((ok, fail) => {
    const w = window.__kilnWorker;
    const on = (e) => {
      if (e.data?.type !== 'reply' || e.data.id !== id) return;
      w.removeEventListener('message', on);
      if (e.data.reply.ok) ok(e.data.reply.value);
      else fail(new Error(e.data.reply.error));
    };
    w.addEventListener('message', on);
    w.postMessage({ type: 'call', id, call: { fn: 'memory' } });
  }), id);
}

/**
 * CDP on the page and on its worker (a browser session attached to the worker target, whose
 * commands go through Target.sendMessageToTarget): JS heap used, after a garbage collection.
 */
async function heaps(browser, t) {
  const pageCdp = await t.context.newCDPSession(t.page);
  await pageCdp.send('Performance.enable');
  const { targetInfo } = await pageCdp.send('Target.getTargetInfo');
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((x) => x.type === 'worker' && /worker\.js/.test(x.url) && x.browserContextId === targetInfo.browserContextId);
  assert(target, `no worker target: ${JSON.stringify(targetInfos.map((x) => `${x.type} ${x.url}`))}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  const pending = new Map();
  let next = 0;
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m.result);
  });
  const inWorker = (method) => new Promise((ok) => {
    const id = ++next;
    pending.set(id, ok);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
  });
  const pageHeap = async () => (await pageCdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  return {
    /** Now, without collecting (samples of the peak). */
    async sample() {
      return { page: await pageHeap(), worker: (await inWorker('Runtime.getHeapUsage')).usedSize };
    },
    /** After a full collection in both. */
    async settled() {
      await pageCdp.send('HeapProfiler.collectGarbage');
      await inWorker('HeapProfiler.collectGarbage');
      return this.sample();
    },
    close: () => Promise.all([pageCdp.detach(), cdp.detach()]),
  };
}

const MB = 2 ** 20;
/**
 * Which runs go on WebGPU (none: all CPU): with KILN_TEN_RUNS_WEBGPU=1 (`./build.sh reliability`)
 * runs 3 to 10, with a tiny batch (maxlen 16, batch 64) so each stays under ~30 s on SwiftShader
 * (its shaders compile on the CPU). Not in `./build.sh test`: too slow there. The worker keeps the
 * last 6 finished runs (weights, Adam's moments, the best weights) on their device and evicts the
 * oldest only when a new run finishes, so a run trains beside six kept ones: burn's buffer pool
 * (which reuses freed buffers rather than destroying them) grows until seven WebGPU runs have
 * lived at once (after run 9; measured: +1.9 MB a run until then) and must then stay flat: after
 * run 10 at most GPU_MARGIN above run 9.
 */
const WEBGPU_RUNS = process.env.KILN_TEN_RUNS_WEBGPU === '1' ? [3, 4, 5, 6, 7, 8, 9, 10] : [];
const GPU_STEADY_RUN = 9;
/** Live GPU buffers after run 10 may exceed those after run 9 (the pool at its steady size) by at most this. */
const GPU_MARGIN = 2 ** 20;
/** The last `[kiln] PROBE` line's live GPU buffer bytes (www/src/probe.ts), null before any. */
function gpuBytes(log) {
  for (let i = log.length - 1; i >= 0; i--) {
    const m = /\[kiln\] PROBE (\{.*\})/.exec(log[i]);
    if (m) {
      const p = JSON.parse(m[1]);
      if ('gpu_buffer_bytes' in p) return { live: p.gpu_buffer_bytes, peak: p.gpu_buffer_peak_bytes };
    }
  }
  return null;
}

reliabilityTests.push({
  name: 'ten_runs',
  timeout: (WEBGPU_RUNS.length ? 10 : 6) * MIN,
  title: 'ten runs in a row in one tab (runs 3–10 on WebGPU with KILN_TEN_RUNS_WEBGPU=1): JS heap of the page and the worker, wasm memory and live GPU buffers stay near the first run\'s',
  async run(browser, base) {
    const t = await open(browser, base, `${RUN}&autostart=1&probe=1`, { initScript: captureWorker });
    const { page } = t;
    let cdp = null;
    try {
      const rows = [];
      const peak = { page: 0, worker: 0 };
      for (let run = 1; run <= 10; run++) {
        const backend = WEBGPU_RUNS.includes(run) ? 'webgpu' : 'cpu';
        const t0 = Date.now();
        if (run > 1) {
          await page.selectOption('#config select[name="backend"]', backend);
          await page.locator('#config input[name="maxlen"]').fill(backend === 'webgpu' ? '16' : '64');
          await page.locator('#config input[name="batch_size"]').fill(backend === 'webgpu' ? '64' : '16');
          await page.click('#train');
        }
        for (;;) {
          const s = await page.evaluate(() => ({ status: window.kiln.state.status, run: window.kiln.result?.run ?? 0, message: window.kiln.state.message }));
          if (s.status === 'done' && s.run === run) break;
          assert(s.status !== 'error', `run ${run}: ${s.message}`);
          assert(Date.now() - t0 < 2 * MIN, `run ${run} did not finish: ${JSON.stringify(s)}`);
          if (run === 1 && s.status === 'training') {
            cdp ??= await heaps(browser, t);
            const now = await cdp.sample();
            peak.page = Math.max(peak.page, now.page);
            peak.worker = Math.max(peak.worker, now.worker);
          }
          await sleep(200);
        }
        cdp ??= await heaps(browser, t);
        await sleep(300);
        const heap = await cdp.settled();
        const mem = await workerMemory(page, 1e9 + run);
        if (run === 1) {
          peak.page = Math.max(peak.page, heap.page);
          peak.worker = Math.max(peak.worker, heap.worker);
        }
        const state = await page.evaluate(() => window.kiln.state);
        assert(state.backend === backend, `run ${run} should train on ${backend}, got ${state.backend}`);
        rows.push({ run, backend, seconds: (Date.now() - t0) / 1000, test_accuracy: state.test.accuracy, page_heap: heap.page, worker_heap: heap.worker, wasm: mem.wasm_bytes, kept_runs: mem.kept_runs, gpu_buffer_bytes: gpuBytes(t.log)?.live ?? null, gpu_buffer_peak_bytes: gpuBytes(t.log)?.peak ?? null });
      }
      const first = rows[0];
      const last = rows[9];
      const seventh = rows[6];
      // Limits: wasm linear memory never shrinks, so run 1's figure is its peak; the worker keeps
      // the last 6 finished runs by design (their weights, optimizer state and evaluation: under
      // 3 MB each for this model), so 10 runs may hold 5 more than 1 does: 32 MB covers that
      // with room. From run 7 on the kept set is full: runs 8-10 may add no more than 8 MB.
      const limits = {
        wasm: first.wasm + Math.max(0.2 * first.wasm, 32 * MB),
        page_heap: peak.page + Math.max(0.2 * peak.page, 8 * MB),
        worker_heap: peak.worker + Math.max(0.2 * peak.worker, 8 * MB),
        steady: 8 * MB,
      };
      const report = {
        runs: rows,
        first_run_peak: { page_heap: peak.page, worker_heap: peak.worker, wasm: first.wasm },
        after_ten: { page_heap: last.page_heap, worker_heap: last.worker_heap, wasm: last.wasm },
        growth_7_to_10: { page_heap: last.page_heap - seventh.page_heap, worker_heap: last.worker_heap - seventh.worker_heap, wasm: last.wasm - seventh.wasm },
        limits,
        gpu_buffers: null,
      };
      const gpuRows = rows.filter((r) => r.backend === 'webgpu');
      if (gpuRows.length) {
        const g0 = gpuRows[0];
        const gN = gpuRows[gpuRows.length - 1];
        report.gpu_buffers = {
          how: 'live GPUBuffer bytes (createBuffer minus destroy) counted by the worker with probe=1, after each WebGPU run',
          runs: gpuRows.map((r) => r.run),
          after_first: g0.gpu_buffer_bytes,
          after_last: gN.gpu_buffer_bytes,
          after_steady: gpuRows.find((r) => r.run === GPU_STEADY_RUN)?.gpu_buffer_bytes ?? null,
          steady_run: GPU_STEADY_RUN,
          peak: Math.max(...gpuRows.map((r) => r.gpu_buffer_peak_bytes ?? 0)),
          margin: GPU_MARGIN,
        };
      } else {
        report.gpu_buffers = 'not measured: all runs on the CPU (KILN_TEN_RUNS_WEBGPU=1 puts runs 3 to 10 on WebGPU)';
      }
      writeFileSync(resolve(OUT, 'memory.json'), `${JSON.stringify(report, null, 1)}\n`);
      const mb = (b) => `${(b / MB).toFixed(1)} MB`;
      for (const r of rows) console.log(`  run ${String(r.run).padStart(2)} ${r.backend.padEnd(6)} ${r.seconds.toFixed(1).padStart(5)} s  acc ${r.test_accuracy.toFixed(3)}  page ${mb(r.page_heap)}  worker ${mb(r.worker_heap)}  wasm ${mb(r.wasm)}  gpu ${r.gpu_buffer_bytes === null ? '-' : mb(r.gpu_buffer_bytes)}  kept ${r.kept_runs}`);
      const problems = [];
      if (last.wasm > limits.wasm) problems.push(`wasm ${mb(last.wasm)} after 10 runs > ${mb(limits.wasm)}`);
      if (last.page_heap > limits.page_heap) problems.push(`page heap ${mb(last.page_heap)} > ${mb(limits.page_heap)}`);
      if (last.worker_heap > limits.worker_heap) problems.push(`worker heap ${mb(last.worker_heap)} > ${mb(limits.worker_heap)}`);
      for (const [k, v] of Object.entries(report.growth_7_to_10)) if (v > limits.steady) problems.push(`${k} grew ${mb(v)} from run 7 to 10`);
      if (typeof report.gpu_buffers === 'object') {
        const g = report.gpu_buffers;
        if (g.after_first === null || g.after_last === null) problems.push('no PROBE line with GPU buffer bytes');
        else if (g.after_steady === null) problems.push(`no GPU buffer bytes after run ${GPU_STEADY_RUN}`);
        else if (g.after_last > g.after_steady + GPU_MARGIN) problems.push(`live GPU buffers ${mb(g.after_last)} after run ${g.runs.at(-1)} > ${mb(g.after_steady)} after run ${GPU_STEADY_RUN} (the pool at its steady size) + ${mb(GPU_MARGIN)}`);
      }
      assert(last.kept_runs === 6, `the worker should keep 6 runs, keeps ${last.kept_runs}`);
      assert(problems.length === 0, problems.join('; '));
      assert(!t.pageErrors.length, `page errors: ${t.pageErrors.join('\n')}`);
      const gpu = typeof report.gpu_buffers === 'object' ? `; live GPU buffers ${mb(report.gpu_buffers.after_last)} after run ${report.gpu_buffers.runs.at(-1)} vs ${mb(report.gpu_buffers.after_steady)} after run ${GPU_STEADY_RUN} (${mb(report.gpu_buffers.after_first)} after run ${report.gpu_buffers.runs[0]})` : '';
      return `after 10 runs (${WEBGPU_RUNS.length ? `runs ${WEBGPU_RUNS.join(', ')} on WebGPU` : 'all CPU'}): wasm ${mb(last.wasm)} (run 1: ${mb(first.wasm)}), page heap ${mb(last.page_heap)} (run 1 peak ${mb(peak.page)}), worker heap ${mb(last.worker_heap)} (run 1 peak ${mb(peak.worker)})${gpu}; ${resolve(OUT, 'memory.json')}`;
    } finally {
      await cdp?.close().catch(() => {});
      await t.context.close();
    }
  },
});
