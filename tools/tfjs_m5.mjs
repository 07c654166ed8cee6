// The TF.js peer's harness with M5 added, for `./build.sh bench`.
//
// ../shared/peers/tfjs trains M1–M4 only; the Keras peer also has M5, Embedding(10000,64) →
// Bidirectional(LSTM(64)) → Dense(1,sigmoid) at maxlen 200. Without a TF.js M5 the bench has no
// TF.js ratio for the Bi-LSTM. The peer itself is never changed: this makes a temporary copy whose
// harness differs by two insertions, each found by an anchor in the peer's own files (a missing
// anchor is an error, never a silently different model):
//   - bench.mjs: M5's entry in MODEL_CFG (vocabulary, maxlen, heavy: an LSTM's budgets);
//   - page/bench.js: M5 in buildModel, written as the peer writes M1 (its seeded Keras-default
//     initialisers, `unitForgetBias`), wrapped in tf.layers.bidirectional (Keras' default concat).
// M5's data, imdb_v10000_l200_pre, is the last 200 columns of the peer's M4 arrays
// (imdb_v10000_l256_pre): with `padding='pre', truncating='pre'` both keep a review's last tokens,
// right-aligned, so the columns are what pad_sequences(maxlen=200) gives (the Keras peer's M5 data).
// Everything else (node_modules, the other arrays) is linked, not copied.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MODEL_CFG_ANCHOR = 'const MODEL_CFG = {';
const M5_CFG = "\n  M5: { numWords: 10000, maxlen: 200, heavy: true, arch: 'Embedding(10000,64)-Bidirectional(LSTM(64))-Dense(1,sigmoid)' },";
const BUILD_ANCHOR = "    default: throw new Error('unknown model ' + name);";
const M5_BUILD = `    case 'M5':  // Kiln's addition (tools/tfjs_m5.mjs): the Keras peer's Bi-LSTM
      m.add(L.embedding({ inputDim: 10000, outputDim: 64, inputLength: 200, embeddingsInitializer: emb() }));
      m.add(L.bidirectional({ layer: lstm(64), mergeMode: 'concat' }));
      m.add(L.dense({ units: 1, activation: 'sigmoid', kernelInitializer: glorot() }));
      break;
`;

function insertAfter(text, anchor, insert, file) {
  const at = text.indexOf(anchor);
  if (at < 0) throw new Error(`${file}: anchor '${anchor.trim()}' not found (the TF.js peer changed; update tools/tfjs_m5.mjs)`);
  return text.slice(0, at + anchor.length) + insert + text.slice(at + anchor.length);
}

function insertBefore(text, anchor, insert, file) {
  const at = text.indexOf(anchor);
  if (at < 0) throw new Error(`${file}: anchor '${anchor.trim()}' not found (the TF.js peer changed; update tools/tfjs_m5.mjs)`);
  return text.slice(0, at) + insert + text.slice(at);
}

/** The last `to` of every `from`-long row of a row-major uint16 matrix. */
export function lastColumns(buf, from, to) {
  const src = new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  if (src.length % from) throw new Error(`a ${src.length}-value array has no ${from}-wide rows`);
  const rows = src.length / from;
  const out = new Uint16Array(rows * to);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * from + from - to, (r + 1) * from), r * to);
  return Buffer.from(out.buffer);
}

/** A temporary copy of the TF.js peer at `peerDir` that also trains M5; returns its folder. */
export function peerWithM5(peerDir) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-tfjs-m5-'));
  try {
    const read = (f) => fs.readFileSync(path.join(peerDir, f), 'utf8');
    fs.writeFileSync(path.join(dir, 'bench.mjs'), insertAfter(read('bench.mjs'), MODEL_CFG_ANCHOR, M5_CFG, 'bench.mjs'));
    fs.mkdirSync(path.join(dir, 'page'));
    for (const f of fs.readdirSync(path.join(peerDir, 'page'))) {
      const src = path.join(peerDir, 'page', f);
      if (f === 'bench.js') fs.writeFileSync(path.join(dir, 'page', f), insertBefore(read('page/bench.js'), BUILD_ANCHOR, M5_BUILD, 'page/bench.js'));
      else fs.symlinkSync(src, path.join(dir, 'page', f));
    }
    for (const f of ['node_modules', 'package.json']) fs.symlinkSync(path.join(peerDir, f), path.join(dir, f));
    fs.mkdirSync(path.join(dir, 'data'));
    for (const f of fs.readdirSync(path.join(peerDir, 'data'))) fs.symlinkSync(path.join(peerDir, 'data', f), path.join(dir, 'data', f));
    for (const split of ['x_train', 'x_test']) {
      const src = path.join(peerDir, 'data', `imdb_v10000_l256_pre.${split}.u16`);
      if (!fs.existsSync(src)) throw new Error(`${src} is missing (bash ${peerDir}/setup.sh)`);
      fs.writeFileSync(path.join(dir, 'data', `imdb_v10000_l200_pre.${split}.u16`), lastColumns(fs.readFileSync(src), 256, 200));
    }
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}
