// The layer-spec table (www/src/layer_specs.ts) that drives the layer editor.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLayers } from "../../www/src/layer_json.js";
import {
  changeKind, defaultLayer, fieldValue, LAYER_KINDS, LAYER_SPECS, setField, specOf,
} from "../../www/src/layer_specs.js";
import type { LayerConfig } from "../../www/src/protocol.js";
import { notebookOf } from "../../www/src/preset_groups.js";
import { sameLayers } from "../../www/src/settings.js";

test("every kind's defaults hold exactly its required arguments, of the field's type", () => {
  for (const kind of LAYER_KINDS) {
    const spec = specOf(kind);
    const layer = defaultLayer(kind) as unknown as Record<string, unknown>;
    assert.equal(layer["kind"], kind);
    for (const field of spec.fields) {
      const v = layer[field.name];
      const optional = field.type === "bool" || (field.type === "int" && field.optional) || (kind.endsWith("pooling1d") && field.name === "strides") ||
        (field.type === "enum" && field.omitted !== undefined);
      if (v === undefined) {
        assert.ok(optional, `${kind}.${field.name} has no default`);
        continue;
      }
      const want = { int: "number", float: "number", bool: "boolean", enum: "string", layer: "object" }[field.type];
      assert.equal(typeof v, want, `${kind}.${field.name}`);
      if (field.type === "enum") assert.ok(field.values.includes(String(v)), `${kind}.${field.name}=${String(v)}`);
    }
    const known = new Set(spec.fields.map((f) => f.name));
    for (const key of Object.keys(layer)) assert.ok(key === "kind" || known.has(key), `${kind}: default ${key} is not a field`);
  }
});

test("class names are Keras' (what summary() and the code print)", () => {
  assert.equal(LAYER_SPECS.lstm.className, "LSTM");
  assert.equal(LAYER_SPECS.simple_rnn.className, "SimpleRNN");
  assert.equal(LAYER_SPECS.conv1d.className, "Conv1D");
  assert.equal(LAYER_SPECS.global_average_pooling1d.className, "GlobalAveragePooling1D");
  assert.equal(new Set(LAYER_KINDS.map((k) => specOf(k).className)).size, LAYER_KINDS.length);
});

test("setField parses each input type and rejects what Keras would", () => {
  const lstm = defaultLayer("lstm");
  const cases: [LayerConfig, string, string, unknown][] = [
    [lstm, "units", "100", 100],
    [lstm, "dropout", "0.25", 0.25],
    [lstm, "return_sequences", "true", true],
    [lstm, "activation", "relu", "relu"],
    [defaultLayer("conv1d"), "padding", "causal", "causal"],
    [defaultLayer("batch_normalization"), "epsilon", "1e-5", 1e-5],
  ];
  for (const [layer, name, raw, want] of cases) {
    const r = setField(layer, name, raw);
    assert.ok(r.ok, `${name}=${raw}`);
    assert.deepEqual(fieldValue(r.layer, name), want);
    assert.deepEqual(layer, defaultLayer(layer.kind), "the input layer is not changed");
  }
  const bad: [LayerConfig, string, string, RegExp][] = [
    [lstm, "units", "0", /at least 1/],
    [lstm, "units", "1.5", /whole number/],
    [lstm, "units", "", /whole number/],
    [lstm, "dropout", "1", /below 1/],
    [lstm, "dropout", "-0.1", /≥ 0/],
    [lstm, "activation", "leaky", /one of linear/],
    [lstm, "filters", "3", /no argument filters/],
    [defaultLayer("bidirectional"), "layer", "dense", /simple_rnn, lstm, gru/],
  ];
  for (const [layer, name, raw, want] of bad) {
    const r = setField(layer, name, raw);
    assert.ok(!r.ok && want.test(r.error), `${name}=${raw}: ${r.ok ? "accepted" : r.error}`);
  }
});

test("optional arguments: empty is None, trainable=True is left out as Rust writes it", () => {
  let emb: LayerConfig = { kind: "embedding", output_dim: 8, input_dim: 100 };
  const cleared = setField(emb, "input_dim", "");
  assert.ok(cleared.ok);
  emb = cleared.layer;
  assert.deepEqual(emb, { kind: "embedding", output_dim: 8 });
  const frozen = setField(emb, "trainable", "false");
  assert.ok(frozen.ok && (frozen.layer as { trainable?: boolean }).trainable === false);
  const thawed = frozen.ok ? setField(frozen.layer, "trainable", "true") : frozen;
  assert.ok(thawed.ok && !("trainable" in thawed.layer));
  assert.equal(fieldValue(emb, "trainable"), true);
});

test("embeddings_initializer: uniform (Keras' default) is left out as Rust writes it, word2vec kept, others refused", () => {
  const emb: LayerConfig = { kind: "embedding", output_dim: 16 };
  assert.equal(fieldValue(emb, "embeddings_initializer"), "uniform");
  const w2v = setField(emb, "embeddings_initializer", "word2vec");
  assert.ok(w2v.ok);
  assert.deepEqual(w2v.layer, { kind: "embedding", output_dim: 16, embeddings_initializer: "word2vec" });
  assert.equal(fieldValue(w2v.layer, "embeddings_initializer"), "word2vec");
  const back = setField(w2v.layer, "embeddings_initializer", "uniform");
  assert.ok(back.ok);
  assert.deepEqual(back.layer, emb);
  const bad = setField(emb, "embeddings_initializer", "glorot_uniform");
  assert.ok(!bad.ok && /one of uniform, word2vec/.test(bad.error));
  // the URL's layers= JSON reads it, and an explicit "uniform" is the same model as none
  const r = parseLayers('[{"kind":"embedding","output_dim":16,"embeddings_initializer":"word2vec","trainable":false}]');
  assert.ok(r.ok, r.ok ? "" : r.error);
  assert.deepEqual(r.layers[0], { kind: "embedding", output_dim: 16, embeddings_initializer: "word2vec", trainable: false });
  const u = parseLayers('[{"kind":"embedding","output_dim":16,"embeddings_initializer":"uniform"}]');
  assert.ok(u.ok && sameLayers(u.layers, [emb]));
});

test("changing kind keeps shared arguments; Bidirectional's inner layer switches kind", () => {
  const lstm = { ...defaultLayer("lstm"), units: 100, dropout: 0.2 };
  assert.deepEqual(changeKind(lstm, "gru"), { ...defaultLayer("gru"), units: 100, dropout: 0.2 });
  assert.deepEqual(changeKind(lstm, "dense"), { kind: "dense", units: 100, activation: "tanh" });
  const bi = { ...defaultLayer("bidirectional"), layer: lstm };
  const r = setField(bi, "layer", "gru");
  assert.ok(r.ok);
  assert.deepEqual((r.layer as { layer: LayerConfig }).layer, { ...defaultLayer("gru"), units: 100, dropout: 0.2 });
});

test("layer JSON: defaults filled, nested layers read, errors name the layer", () => {
  const r = parseLayers('[{"kind":"bidirectional","layer":{"kind":"lstm","units":64}},{"kind":"dense","units":1}]');
  assert.ok(r.ok, r.ok ? "" : r.error);
  assert.deepEqual(r.layers[0], { kind: "bidirectional", merge_mode: "concat", layer: { ...defaultLayer("lstm"), units: 64 } });
  assert.ok(sameLayers(r.layers, [{ ...defaultLayer("bidirectional"), layer: { ...defaultLayer("lstm"), units: 64 } }, { kind: "dense", units: 1, activation: "relu" }]));
  for (const [text, want] of [
    ["{}", /not a list/],
    ["[]", /no layers/],
    ["[1]", /layer 1: not an object/],
    ['[{"kind":"dense","units":4,"bias":true}]', /layer 1 \(dense\): unknown argument bias/],
    ['[{"kind":"dense","units":4},{"kind":"lstm","units":"many"}]', /layer 2 \(lstm\): units/],
    ["[{", /not JSON/],
  ] as const) {
    const bad = parseLayers(text);
    assert.ok(!bad.ok && want.test(bad.error), `${text}: ${bad.ok ? "accepted" : bad.error}`);
  }
});

test("presets are grouped by the seed notebook their source names", () => {
  const p = (source: string) => ({ name: "x", title: "x", source, config: {} as never });
  assert.equal(notebookOf(p("seed 002: Embedding(5000, 32) → LSTM(100)")), "002 · IMDB sequence classification");
  assert.equal(notebookOf(p("seed 004's lesson: M1 with padding='post'")), "004 · AIFFEL RNN sentiment lesson");
  assert.equal(notebookOf(p("Embedding(10000, 16) → GlobalAveragePooling1D")), "Benchmarks and variants");
});
