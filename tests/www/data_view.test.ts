// The data panel's decisions (www/src/data_view.ts): when the view is asked for again,
// seed 004's length lines and maxlen offer, the multi-class proposal, test_split's use.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  fitLine, formatBytes, lengthSummary, maxlenOffer, multiClassProposal, usesTestSplit, viewKey,
} from "../../www/src/data_view.js";
import type { LayerConfig, LengthStats, RunConfig } from "../../www/src/protocol.js";

const config: RunConfig = {
  data: "ko-sample", model: "m1_lstm", num_words: 5000, maxlen: 500, padding: "pre", truncating: "pre", batch_size: 64,
  epochs: 3, optimizer: { kind: "adam", learning_rate: 0.001 }, loss: "binary_crossentropy", validation_split: 0,
  test_split: 0.2, shuffle: true, seed: 1234,
  text: { tokens: "word", lower: true, filters: "!", normalize: "html", reserved: false },
  layers: [{ kind: "embedding", output_dim: 32 }, { kind: "global_average_pooling1d" }, { kind: "dense", units: 1, activation: "sigmoid" }],
};

const stats = (over: Partial<LengthStats>): LengthStats => ({
  mean: 5, median: 5, max: 11, std: 1.85, mean_plus_2sd: 8.7, suggested_maxlen: 8, fit_percent: 100, maxlen: 500,
  histogram: [], ...over,
});

test("the view is asked for again only when what it shows can change", () => {
  const same: [string, Partial<RunConfig>][] = [
    ["epochs", { epochs: 9 }], ["batch_size", { batch_size: 8 }], ["loss", { loss: "sparse_categorical_crossentropy" }],
    ["layers", { layers: [] }], ["shuffle", { shuffle: false }],
  ];
  for (const [what, change] of same) assert.equal(viewKey({ ...config, ...change }), viewKey(config), what);
  const differs: [string, Partial<RunConfig>][] = [
    ["data", { data: "file" }], ["num_words", { num_words: 10 }], ["maxlen", { maxlen: 8 }], ["test_split", { test_split: 0.3 }],
    ["seed", { seed: 1 }], ["tokens", { text: { ...config.text, tokens: "char" } }],
    ["stopwords", { text: { ...config.text, stopwords: ["의"] } }],
  ];
  for (const [what, change] of differs) assert.notEqual(viewKey({ ...config, ...change }), viewKey(config), what);
});

test("seed 004's lines: mean, median, max, σ, mean+2σ, and the share that fits", () => {
  assert.equal(lengthSummary(stats({})), "mean 5.0 · median 5.0 · max 11 · σ 1.9 · mean+2σ 8.7");
  assert.equal(lengthSummary(stats({ mean: NaN })).split(" · ")[0], "mean –", "no texts: no NaN on the page");
  assert.equal(fitLine(stats({ fit_percent: 93.25, maxlen: 30 })), "93.3 % of texts fit in maxlen 30");
  assert.equal(maxlenOffer(stats({})), 8);
  assert.equal(maxlenOffer(stats({ maxlen: 8 })), null, "already the suggestion");
  assert.equal(maxlenOffer(stats({ suggested_maxlen: 0 })), null, "no texts, no offer");
});

test("more than two classes and a binary head: propose Dense(k, softmax) with a sparse loss", () => {
  const cases: [string, LayerConfig[], RunConfig["loss"], number, { units: number; loss: string } | null][] = [
    ["binary head, 3 classes", config.layers, "binary_crossentropy", 3, { units: 3, loss: "sparse_categorical_crossentropy" }],
    ["2 classes: nothing", config.layers, "binary_crossentropy", 2, null],
    ["already softmax(4)", [...config.layers.slice(0, 2), { kind: "dense", units: 4, activation: "softmax" }], "sparse_categorical_crossentropy", 4, null],
    ["softmax(4) with 5 classes", [...config.layers.slice(0, 2), { kind: "dense", units: 4, activation: "softmax" }], "categorical_crossentropy", 5,
      { units: 5, loss: "categorical_crossentropy" }],
    ["no Dense at the end", config.layers.slice(0, 2), "binary_crossentropy", 3, null],
  ];
  for (const [what, layers, loss, classes, want] of cases) {
    const got = multiClassProposal(layers, loss, classes);
    if (want === null) {
      assert.equal(got, null, what);
      continue;
    }
    assert.ok(got, what);
    assert.deepEqual(got.layers.at(-1), { kind: "dense", units: want.units, activation: "softmax" }, what);
    assert.deepEqual(got.layers.slice(0, -1), layers.slice(0, -1), `${what}: the rest stays`);
    assert.equal(got.loss, want.loss, what);
    assert.equal(layers.at(-1)?.kind, "dense", `${what}: the input is not changed`);
  }
});

test("test_split applies to data without a test part of its own", () => {
  assert.equal(usesTestSplit("ko-sample", null), true);
  assert.equal(usesTestSplit("file", "tsv"), true);
  assert.equal(usesTestSplit("file", "acl_imdb"), false);
  assert.equal(usesTestSplit("imdb-1k", null), false);
  assert.deepEqual([999, 12_000, 2_500_000].map(formatBytes), ["999 B", "12 kB", "2.5 MB"]);
});
