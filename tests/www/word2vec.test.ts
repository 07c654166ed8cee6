// The word vectors panel's pure parts: www/src/word2vec.ts and www/src/word_map_layout.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { translate } from "../../www/src/i18n.js";
import type { LayerConfig, MapPoint } from "../../www/src/protocol.js";
import {
  analogyQuery, analogyText, averageModel, formatRate, readWord2VecConfig, shownWord, textHeader, typedWord, useVectors,
  WORD2VEC_FIELDS, Word2VecProgress,
} from "../../www/src/word2vec.js";
import { fitPoints, layoutMap, TRIM_FROM, type Box } from "../../www/src/word_map_layout.js";

test("empty settings are gensim's defaults; typed ones are read", () => {
  const r = readWord2VecConfig({});
  assert.ok(r.ok);
  assert.deepEqual(r.config, { vector_size: 100, window: 5, negative: 5, sample: 1e-3, min_count: 5, epochs: 5 });
  assert.deepEqual(WORD2VEC_FIELDS.map((f) => f.name), ["vector_size", "window", "negative", "sample", "min_count", "epochs"]);
  const typed = readWord2VecConfig({ vector_size: "16", min_count: " 1 ", epochs: "2", sample: "0" });
  assert.ok(typed.ok);
  assert.deepEqual(typed.config, { vector_size: 16, window: 5, negative: 5, sample: 0, min_count: 1, epochs: 2 });
});

test("settings gensim would refuse are reported by name", () => {
  const cases: [string, string, RegExp][] = [
    ["vector_size", "0", /vector_size: must be at least 1/],
    ["vector_size", "1.5", /vector_size: must be a whole number/],
    ["window", "abc", /window: must be a whole number/],
    ["sample", "1", /sample: must be at least 0 and below 1/],
    ["sample", "-0.1", /sample: must be at least 0/],
    ["epochs", "Infinity", /epochs: must be a whole number/],
  ];
  for (const [name, raw, want] of cases) {
    const r = readWord2VecConfig({ [name]: raw });
    assert.ok(!r.ok && r.errors.length === 1 && want.test(r.errors[0]!), `${name}=${raw}: ${JSON.stringify(r)}`);
  }
});

test("words per second are formatted like a progress bar's rate", () => {
  const cases: [number, string][] = [
    [950, "950 words/s"], [85_312, "85.3k words/s"], [1_234_567, "1.2M words/s"], [0, "– words/s"], [NaN, "– words/s"],
  ];
  for (const [rate, want] of cases) assert.equal(formatRate(rate), want, String(rate));
});

test("progress: fraction of total_words, words/s over the training calls' ms, a loss point per event", () => {
  const p = new Word2VecProgress(2);
  const prepared = p.onEvent({ type: "prepared", vocab_size: 300, corpus_words: 5000, total_words: 10_000, backend: "cpu" }, 900);
  assert.equal(prepared.fraction, 0);
  assert.equal(prepared.rate, null, "building the vocabulary is not training time");
  assert.match(prepared.line, /300 words in the vocabulary, 5,000 in the texts; training 10,000 on cpu/);
  const first = p.onEvent({ type: "progress", epoch: 1, words_done: 2500, total_words: 10_000, loss: 3.5, alpha: 0.02 }, 250);
  assert.equal(first.fraction, 0.25);
  assert.equal(first.rate, 10_000); // 2,500 words in 0.25 s
  assert.deepEqual(first.point, { x: 0.5, y: 3.5 }); // a quarter of 2 epochs
  assert.equal(first.line, "epoch 1/2 · 2,500 / 10,000 words (25.0 %) · 10.0k words/s · loss 3.5000");
  const second = p.onEvent({ type: "progress", epoch: 2, words_done: 10_000, total_words: 10_000, loss: 2.25, alpha: 0.0001 }, 750);
  assert.equal(second.fraction, 1);
  assert.equal(second.rate, 10_000); // 10,000 words in 1 s
  assert.match(second.line, /\(100\.0 %\)/);
  const nan = p.onEvent({ type: "progress", epoch: 2, words_done: 10_000, total_words: 10_000, loss: NaN, alpha: 0 }, 0);
  assert.equal(nan.point, null, "a NaN loss is not drawn");
  const done = p.onEvent({ type: "done", vocab_size: 300, vector_size: 16, words_done: 10_000 }, 0);
  assert.equal(done.fraction, 1);
  assert.match(done.line, /^Done: 300 words × 16 dimensions, 10,000 words trained \(100\.0 %\)/);
});

test("progress: a stopped training says so and keeps its fraction", () => {
  const p = new Word2VecProgress(5);
  p.onEvent({ type: "prepared", vocab_size: 10, corpus_words: 100, total_words: 500, backend: "webgpu" }, 1);
  p.onEvent({ type: "progress", epoch: 1, words_done: 100, total_words: 500, loss: 1, alpha: 0.02 }, 100);
  const done = p.onEvent({ type: "done", vocab_size: 10, vector_size: 8, words_done: 100 }, 0);
  assert.equal(done.fraction, 0.2);
  assert.match(done.line, /^Stopped: .* \(20\.0 %\) at 1\.0k words\/s$/);
});

test("char tokens count the space: it is shown as ␣ and can be typed", () => {
  const cases: [string, string][] = [[" ", "␣"], ["\t", "␣"], ["영화", "영화"], ["a b", "a b"]];
  for (const [word, want] of cases) assert.equal(shownWord(word), want, JSON.stringify(word));
  const typed: [string, string][] = [[" 영 ", "영"], [" ", " "], ["", ""], ["king\n", "king"]];
  for (const [text, want] of typed) assert.equal(typedWord(text), want, JSON.stringify(text));
});

test("analogy: a − b + c is most_similar(positive=[a, c], negative=[b])", () => {
  const q = analogyQuery(" king ", "man", "woman");
  assert.deepEqual(q, { ok: true, positive: ["king", "woman"], negative: ["man"] });
  assert.ok(q.ok);
  assert.equal(analogyText(q), "king − man + woman");
  assert.deepEqual(analogyQuery("좋다", "", ""), { ok: true, positive: ["좋다"], negative: [] });
  assert.deepEqual(analogyQuery("paris, germany", "france", ""), { ok: true, positive: ["paris", "germany"], negative: ["france"] });
  const empty = analogyQuery(" ", "man", "woman");
  assert.ok(!empty.ok && /Type a word in a/.test(translate("en", empty.error)));
});

test("Use in the model: the first Embedding takes the vectors, output_dim = vector_size, Keras trainable", () => {
  const layers: LayerConfig[] = [
    { kind: "dense", units: 4, activation: "relu" },
    { kind: "embedding", output_dim: 32, input_dim: 5000 },
    { kind: "embedding", output_dim: 8 },
  ];
  const before = structuredClone(layers);
  const thawed = useVectors(layers, 16, true);
  assert.ok(thawed.ok);
  assert.equal(thawed.index, 1);
  assert.deepEqual(thawed.layers[1], { kind: "embedding", output_dim: 16, input_dim: 5000, embeddings_initializer: "word2vec" });
  assert.deepEqual(thawed.layers[2], layers[2], "only the first Embedding");
  const frozen = useVectors(thawed.layers, 16, false);
  assert.ok(frozen.ok);
  assert.deepEqual(frozen.layers[1], { kind: "embedding", output_dim: 16, input_dim: 5000, embeddings_initializer: "word2vec", trainable: false });
  const again = useVectors(frozen.layers, 16, true);
  assert.ok(again.ok && !("trainable" in again.layers[1]!), "trainable=True is left out, as Rust writes it");
  assert.deepEqual(layers, before, "the input is not changed");
  const none = useVectors([{ kind: "dense", units: 1, activation: "sigmoid" }], 16, true);
  assert.ok(!none.ok && /no Embedding/.test(translate("en", none.error)));
});

test("seed 000's Word2Vec average → Dense: sigmoid for two classes, softmax for more", () => {
  const binary = averageModel(16, 2);
  assert.equal(binary.loss, "binary_crossentropy");
  assert.deepEqual(binary.layers, [
    { kind: "embedding", output_dim: 16, trainable: false, embeddings_initializer: "word2vec" },
    { kind: "global_average_pooling1d" },
    { kind: "dense", units: 64, activation: "relu" },
    { kind: "dense", units: 1, activation: "sigmoid" },
  ]);
  const three = averageModel(100, 3);
  assert.equal(three.loss, "sparse_categorical_crossentropy");
  assert.deepEqual(three.layers.at(-1), { kind: "dense", units: 3, activation: "softmax" });
  assert.deepEqual(three.layers.slice(0, 3), averageModel(100, 2).layers.slice(0, 3));
});

test("the word2vec text header gives the count and the vector size", () => {
  assert.deepEqual(textHeader("1234 16\n이 0.1 0.2\n"), { count: 1234, size: 16 });
  assert.deepEqual(textHeader("3 100\r\na 1\n"), { count: 3, size: 100 });
  assert.equal(textHeader("a 0.1 0.2\n"), null);
  assert.equal(textHeader(""), null);
});

const pt = (word: string, x: number, y: number, count: number): MapPoint => ({ word, x, y, count });

test("map points are scaled to fill the area, y up; a single point sits in the middle", () => {
  const area: Box = { x: 10, y: 20, w: 200, h: 100 };
  const at = fitPoints([pt("a", -3, 5, 1), pt("b", 1, 7, 1), pt("c", -1, 6, 1)], area);
  assert.deepEqual(at, [{ px: 10, py: 120 }, { px: 210, py: 20 }, { px: 110, py: 70 }]);
  assert.deepEqual(fitPoints([pt("a", 4, 4, 1)], area), [{ px: 110, py: 70 }]);
  const bad = fitPoints([pt("a", NaN, 0, 1), pt("b", 1, 1, 1), pt("c", 3, 2, 1)], area);
  assert.ok(bad.every((p) => Number.isFinite(p.px) && Number.isFinite(p.py)), "a NaN coordinate still lands in the area");
});

test("one far word does not squeeze the map: many points use the 2nd–98th percentiles, the outlier sits at the edge", () => {
  const area: Box = { x: 0, y: 0, w: 1000, h: 500 };
  const grid = Array.from({ length: TRIM_FROM + 49 }, (_, i) => pt(`w${i}`, i, i % 10, 1)); // x 0..98, y 0..9
  const at = fitPoints([...grid, pt("far", 10_000, 5, 1)], area);
  const xs = at.slice(0, -1).map((p) => p.px);
  assert.ok(Math.max(...xs) - Math.min(...xs) > 0.9 * area.w, `the crowd spans the width: ${Math.min(...xs)}–${Math.max(...xs)}`);
  assert.deepEqual(at.at(-1), { px: 1000, py: at.at(-1)!.py }, "the far word is held at the right edge");
  assert.ok(at.every((p) => p.px >= 0 && p.px <= 1000 && p.py >= 0 && p.py <= 500));
  // below TRIM_FROM points, min to max as before
  const few = fitPoints([...grid.slice(0, 10), pt("far", 10_000, 5, 1)], area);
  assert.ok(few.slice(0, -1).every((p) => p.px < 10), "few points: the outlier sets the range");
});

test("map labels never overlap, stay in bounds, and the most frequent words are labelled first", () => {
  const area: Box = { x: 30, y: 16, w: 540, h: 368 };
  const bounds: Box = { x: 2, y: 2, w: 596, h: 396 };
  let seed = 11;
  const rand = (): number => ((seed = (seed * 48271) % 2147483647), seed / 2147483647);
  const points = Array.from({ length: 200 }, (_, i) => pt(`word${i}`, rand() * 2 - 1, rand() * 2 - 1, 1000 - i));
  const width = (w: string): number => w.length * 7;
  const placed = layoutMap(points, area, bounds, width, 14);
  assert.equal(placed.length, 200);
  const labels = placed.flatMap((p) => (p.label ? [p.label] : []));
  for (const [i, a] of labels.entries()) {
    assert.ok(a.x >= bounds.x && a.y >= bounds.y && a.x + a.w <= bounds.x + bounds.w && a.y + a.h <= bounds.y + bounds.h, `label ${i} out of bounds`);
    for (const b of labels.slice(i + 1)) {
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      assert.ok(!overlap, `labels overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    }
  }
  assert.ok(placed[0]!.label !== null, "the most frequent word is labelled");
  assert.ok(placed.slice(0, 10).filter((p) => p.label !== null).length >= 8, "nearly all of the ten most frequent words are labelled");
  const margin = (a: Box, b: Box): boolean => a.x < b.x + b.w + 3 && b.x < a.x + a.w + 3 && a.y < b.y + b.h + 3 && b.y < a.y + a.h + 3;
  for (const [i, a] of labels.entries()) for (const b of labels.slice(i + 1)) assert.ok(!margin(a, b), "labels keep 3 px apart");
  assert.ok(labels.length > 40 && labels.length < 200, `a readable share of labels: ${labels.length}`);
  for (const p of placed) assert.ok(p.px >= area.x && p.px <= area.x + area.w && p.py >= area.y && p.py <= area.y + area.h);
  // a crowd on one spot: only the most frequent of it gets the spots around the dot (four sides)
  const crowd = layoutMap([pt("rare", 0, 0, 1), pt("common", 0, 0, 9), ...Array.from({ length: 6 }, (_, i) => pt(`w${i}`, 0, 0, 5))], area, bounds, width, 14);
  assert.ok(crowd[1]!.label !== null, "the most frequent word of the crowd is labelled");
  assert.equal(crowd[0]!.label, null, "the rarest is not");
  assert.ok(crowd.filter((p) => p.label).length <= 4);
});
