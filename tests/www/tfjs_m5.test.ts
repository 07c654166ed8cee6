// tools/tfjs_m5.mjs: the bench's TF.js M5 (the peer has M1–M4 only). Its data must be what
// pad_sequences(maxlen=200, padding='pre', truncating='pre') gives, and a peer whose files moved
// must make it fail loudly rather than train some other model.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { lastColumns, peerWithM5 } from "../../tools/tfjs_m5.mjs";

/** Keras' pad_sequences, 'pre' padding and truncation, as the peers' prep_data.py writes it. */
function padPre(seqs: number[][], maxlen: number): Uint16Array {
  const out = new Uint16Array(seqs.length * maxlen);
  seqs.forEach((s, i) => out.set(s.slice(-maxlen), i * maxlen + maxlen - Math.min(s.length, maxlen)));
  return out;
}
const bytes = (a: Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test("the last columns of the longer 'pre' padding are the shorter padding", () => {
  const seqs = [[], [7], [1, 2, 3], [4, 5, 6, 7, 8, 9], [9, 8, 7, 6, 5]];
  for (const [from, to] of [[6, 4], [8, 5], [5, 1], [4, 4]] as const) {
    assert.deepEqual(lastColumns(bytes(padPre(seqs, from)), from, to), bytes(padPre(seqs, to)), `${from} → ${to}`);
  }
  assert.throws(() => lastColumns(bytes(new Uint16Array(7)), 4, 2), /no 4-wide rows/);
});

/** A minimal peer: the two anchors, a page, the M4 arrays (3 reviews × 256). */
function fakePeer(benchJs: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kiln-fake-peer-"));
  mkdirSync(join(dir, "page"));
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "bench.mjs"), "const MODEL_CFG = {\n  M1: {},\n};\n");
  writeFileSync(join(dir, "page/bench.js"), benchJs);
  writeFileSync(join(dir, "page/index.html"), "<!doctype html>");
  const x = new Uint16Array(3 * 256).map((_, i) => i % 256);
  for (const split of ["x_train", "x_test"]) writeFileSync(join(dir, `data/imdb_v10000_l256_pre.${split}.u16`), bytes(x));
  return dir;
}

test("the copy adds M5 to the harness and its data, and leaves the peer alone", () => {
  const anchor = "    default: throw new Error('unknown model ' + name);";
  const peer = fakePeer(`switch (name) {\n${anchor}\n}\n`);
  const copy = peerWithM5(peer);
  try {
    assert.match(readFileSync(join(copy, "bench.mjs"), "utf8"), /M5: \{ numWords: 10000, maxlen: 200, heavy: true/);
    const page = readFileSync(join(copy, "page/bench.js"), "utf8");
    assert.match(page, /case 'M5':[\s\S]*L\.bidirectional\(\{ layer: lstm\(64\), mergeMode: 'concat' \}\)[\s\S]*default: throw/);
    assert.match(page, /inputDim: 10000, outputDim: 64, inputLength: 200/);
    const raw = readFileSync(join(copy, "data/imdb_v10000_l200_pre.x_train.u16"));
    const x = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    assert.equal(x.length, 3 * 200);
    assert.deepEqual([x[0], x[199], x[200]], [56, 255, 56]);
    assert.equal(readFileSync(join(copy, "page/index.html"), "utf8"), "<!doctype html>");
    assert.doesNotMatch(readFileSync(join(peer, "page/bench.js"), "utf8"), /M5/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
    rmSync(peer, { recursive: true, force: true });
  }
});

test("a peer without the anchors is an error that says so", () => {
  const peer = fakePeer("switch (name) { default: throw new Error('no such model'); }\n");
  try {
    assert.throws(() => peerWithM5(peer), /page\/bench\.js: anchor 'default: throw new Error\('unknown model ' \+ name\);' not found/);
  } finally {
    rmSync(peer, { recursive: true, force: true });
  }
});
