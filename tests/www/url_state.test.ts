// URL state (www/src/url_state.ts): defaults from a preset, round trip, bad values reported,
// the new compile() settings and custom layers as JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LayerConfig, Preset, RunConfig } from "../../www/src/protocol.js";
import { toRunConfig } from "../../www/src/settings.js";
import {
  escapeText, parseSettings, PROPS, serializeSettings, settingsFromConfig, unescapeText, type Settings,
} from "../../www/src/url_state.js";

const lstm = (units: number): LayerConfig => ({
  kind: "lstm", units, activation: "tanh", return_sequences: false, dropout: 0, recurrent_dropout: 0,
});
const base: Omit<RunConfig, "model" | "layers"> = {
  data: "imdb-20k", num_words: 5000, maxlen: 500, padding: "pre", truncating: "pre", batch_size: 64, epochs: 3,
  optimizer: { kind: "adam", learning_rate: 0.001 }, loss: "binary_crossentropy", validation_split: 0, test_split: 0.2, shuffle: true,
  text: { tokens: "word", lower: true, filters: "!", normalize: "html", reserved: false }, seed: 1234,
};
const M1: RunConfig = {
  ...base, model: "m1_lstm",
  layers: [{ kind: "embedding", output_dim: 32 }, lstm(100), { kind: "dense", units: 1, activation: "sigmoid" }],
};
const M2: RunConfig = {
  ...base, model: "m2_cnn", num_words: 10000, maxlen: 240, batch_size: 512, epochs: 10, validation_split: 0.2,
  optimizer: { kind: "rmsprop", learning_rate: 0.001, rho: 0.8, momentum: 0 },
  early_stopping: { monitor: "val_accuracy", mode: "auto", patience: 2, min_delta: 0.01, restore_best_weights: true },
  layers: [{ kind: "embedding", output_dim: 16 }, { kind: "global_max_pooling1d" }, { kind: "dense", units: 1, activation: "sigmoid" }],
};
const PRESETS: Preset[] = [
  { name: "m1_lstm", title: "M1", source: "seed 002", notebook_accuracy: 0.8562, keras_accuracy: 0.8504, config: M1 },
  { name: "m2_cnn", title: "M2", source: "seed 004", config: M2 },
];

test("an empty query gives the default preset, and its RunConfig back", () => {
  const { settings, errors } = parseSettings("", PRESETS);
  assert.deepEqual(errors, []);
  assert.deepEqual(settings, settingsFromConfig(M1));
  assert.equal(settings.backend, "auto");
  assert.equal(settings.autostart, false);
  assert.deepEqual(toRunConfig(settings, PRESETS), M1);
  assert.deepEqual(toRunConfig(settingsFromConfig(M2), PRESETS), M2, "rho and EarlyStopping's monitor come from the preset");
});

test("model= picks the preset the other keys override, whatever the key order", () => {
  const { settings, errors } = parseSettings("?epochs=2&model=m2_cnn&data=imdb-1k&backend=cpu&autostart=1", PRESETS);
  assert.deepEqual(errors, []);
  assert.equal(settings.model, "m2_cnn");
  assert.equal(settings.maxlen, 240);
  assert.equal(settings.epochs, 2);
  assert.equal(settings.data, "imdb-1k");
  assert.equal(settings.patience, 2);
  assert.equal(settings.autostart, true);
  assert.deepEqual(toRunConfig(settings, PRESETS).layers, M2.layers);
});

test("optimizer, loss, clipnorm, clipvalue and patience reach the RunConfig", () => {
  const { settings, errors } = parseSettings(
    "?optimizer=sgd&lr=0.05&loss=categorical_crossentropy&clipnorm=1&clipvalue=0.5&patience=3",
    PRESETS,
  );
  assert.deepEqual(errors, []);
  const c = toRunConfig(settings, PRESETS);
  assert.deepEqual(c.optimizer, { kind: "sgd", learning_rate: 0.05, momentum: 0, nesterov: false });
  assert.equal(c.loss, "categorical_crossentropy");
  assert.equal(c.clipnorm, 1);
  assert.equal(c.clipvalue, 0.5);
  assert.deepEqual(c.early_stopping, { monitor: "val_loss", mode: "auto", patience: 3, min_delta: 0, restore_best_weights: true });
  const none = toRunConfig(parseSettings("?clipnorm=&patience=", PRESETS).settings, PRESETS);
  assert.ok(!("clipnorm" in none) && !("early_stopping" in none) && !("clipvalue" in none), JSON.stringify(none));
});

test("layers= makes a custom model; its JSON gets Keras' defaults filled in", () => {
  const layers = '[{"kind":"embedding","output_dim":8},{"kind":"gru","units":4},{"kind":"dense","units":1,"activation":"sigmoid"}]';
  const { settings, errors } = parseSettings(`?model=custom&layers=${encodeURIComponent(layers)}`, PRESETS);
  assert.deepEqual(errors, []);
  assert.equal(settings.model, "custom");
  assert.deepEqual(settings.layers[1], { kind: "gru", units: 4, activation: "tanh", return_sequences: false, dropout: 0, recurrent_dropout: 0 });
  const query = serializeSettings(settings);
  assert.ok(query.includes("layers="), query);
  assert.deepEqual(parseSettings(query, PRESETS).settings, settings);
  assert.ok(!serializeSettings(settingsFromConfig(M1)).includes("layers="), "a preset's layers stay out of the URL");
});

test("round trip: serialize then parse gives the same settings", () => {
  const s: Settings = {
    ...settingsFromConfig(M2, "webgpu"),
    data: "imdb-5k", num_words: 777, maxlen: 33, padding: "post", truncating: "post", batch_size: 7, epochs: 4,
    optimizer: "adagrad", lr: 0.0025, loss: "sparse_categorical_crossentropy", clipnorm: 2.5, clipvalue: null,
    patience: 0, validation_split: 0.2, seed: 99, autostart: true,
    test_split: 0.3, shuffle: false, tokens: "wordpiece", lower: false, filters: "!\t\n", oov_token: "<OOV>",
    normalize: "korean", stopwords: ["의", "가"], reserved: true, class_weight: { given: [1, 3] },
    monitor: "val_accuracy", mode: "max", min_delta: 0.01, restore_best_weights: false,
    checkpoint: "val_accuracy", save_best_only: false, reduce_lr_patience: 2, reduce_lr_factor: 0.5, reduce_lr_min_lr: 1e-5,
  };
  const query = serializeSettings(s);
  const { settings, errors } = parseSettings(query, PRESETS);
  assert.deepEqual(errors, []);
  assert.deepEqual(settings, s);
  for (const prop of PROPS) {
    if (!["autostart", "layers", "clipvalue"].includes(prop.name)) assert.ok(query.includes(`${prop.name}=`), prop.name);
  }
  assert.ok(!query.includes("clipvalue"), "None is left out");
  assert.ok(!serializeSettings({ ...s, autostart: false }).includes("autostart"));
});

test("invalid values are listed and keep their defaults", () => {
  const { settings, errors } = parseSettings(
    "?batch_size=abc&epochs=-1&lr=fast&padding=middle&data=imdb-2k&model=gru&backend=tpu&autostart=maybe&colour=red" +
      "&maxlen=1.5&optimizer=adamw&loss=mse&clipnorm=big&patience=x&layers=" + encodeURIComponent('[{"kind":"transformer"}]'),
    PRESETS,
  );
  const keys = errors.map((e) => e.split(/[=:]/)[0]);
  assert.deepEqual(keys.sort(), [
    "autostart", "backend", "batch_size", "clipnorm", "colour", "data", "epochs", "layers", "loss", "lr", "maxlen", "model",
    "optimizer", "padding", "patience",
  ]);
  assert.ok(errors.some((e) => e.includes("imdb-1k, imdb-5k, imdb-20k")));
  assert.ok(errors.some((e) => e.includes("unknown kind \"transformer\"")), errors.join("\n"));
  assert.deepEqual(settings, settingsFromConfig(M1));
});

test("old model names (lstm, pooled) still work", () => {
  const { settings, errors } = parseSettings("?model=lstm", PRESETS);
  assert.deepEqual(errors, []);
  assert.equal(settings.model, "m1_lstm");
});

test("values the Rust side range-checks (batch_size 0) pass the type check", () => {
  const { settings, errors } = parseSettings("?batch_size=0&validation_split=1.5", PRESETS);
  assert.deepEqual(errors, []);
  assert.equal(settings.batch_size, 0);
  assert.equal(settings.validation_split, 1.5);
});

test("text options reach RunConfig.text; char_level=1 is tokens=char, as on the Rust side", () => {
  const { settings, errors } = parseSettings(
    `?tokens=bpe&lower=0&oov_token=${encodeURIComponent("<OOV>")}&normalize=korean&stopwords=${encodeURIComponent("의, 가,,")}&reserved=1&filters=`,
    PRESETS,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(toRunConfig(settings, PRESETS).text, {
    tokens: "bpe", lower: false, filters: "", oov_token: "<OOV>", normalize: "korean", stopwords: ["의", "가"], reserved: true,
  });
  assert.equal(parseSettings("?char_level=1", PRESETS).settings.tokens, "char");
  assert.equal(parseSettings("?tokens=char&char_level=false", PRESETS).settings.tokens, "word");
  const plain = toRunConfig(parseSettings("?oov_token=None&stopwords=", PRESETS).settings, PRESETS).text;
  assert.deepEqual(plain, M1.text, "None and an empty list leave the keys out");
  const bad = parseSettings("?tokens=sentencepiece&normalize=french&char_level=maybe", PRESETS).errors;
  assert.deepEqual(bad.map((e) => e.split("=")[0]).sort(), ["normalize", "tokens", "tokens"], bad.join("\n"));
});

test("shuffle, test_split, class weights and the callbacks reach the RunConfig", () => {
  const { settings, errors } = parseSettings(
    "?shuffle=0&test_split=0.3&class_weight=1,3&patience=2&monitor=val_accuracy&mode=max&min_delta=0.01" +
      "&restore_best_weights=0&checkpoint=val_accuracy&save_best_only=0&reduce_lr_patience=3&reduce_lr_factor=0.5" +
      "&reduce_lr_min_lr=0.00001",
    PRESETS,
  );
  assert.deepEqual(errors, []);
  const c = toRunConfig(settings, PRESETS);
  assert.equal(c.shuffle, false);
  assert.equal(c.test_split, 0.3);
  assert.deepEqual(c.class_weight, { given: [1, 3] });
  assert.deepEqual(c.early_stopping, { monitor: "val_accuracy", mode: "max", patience: 2, min_delta: 0.01, restore_best_weights: false });
  assert.deepEqual(c.checkpoint, { monitor: "val_accuracy", mode: "auto", save_best_only: false });
  assert.deepEqual(c.reduce_lr, { monitor: "val_loss", mode: "auto", factor: 0.5, patience: 3, min_delta: 1e-4, cooldown: 0, min_lr: 1e-5 });
  assert.equal(toRunConfig(parseSettings("?class_weight=balanced", PRESETS).settings, PRESETS).class_weight, "balanced");
  const off = toRunConfig(parseSettings("?monitor=val_accuracy&reduce_lr_factor=0.5&save_best_only=1", PRESETS).settings, PRESETS);
  for (const k of ["early_stopping", "checkpoint", "reduce_lr", "class_weight"]) assert.ok(!(k in off), `${k} stays off: ${JSON.stringify(off)}`);
  const bad = parseSettings("?class_weight=1,heavy&checkpoint=val_f1&mode=up&shuffle=maybe", PRESETS).errors;
  assert.deepEqual(bad.map((e) => e.split("=")[0]).sort(), ["checkpoint", "class_weight", "mode", "shuffle"]);
  assert.ok(bad.some((e) => e.includes('"heavy" is not a weight')), bad.join("\n"));
});

test("with the preset as base, the URL holds only what differs, and a cleared setting stays cleared", () => {
  const m2 = settingsFromConfig(M2);
  const same = serializeSettings(m2, m2);
  for (const key of ["tokens", "lower", "filters", "normalize", "shuffle", "test_split", "monitor", "min_delta", "checkpoint"]) {
    assert.ok(!same.includes(`${key}=`), `${key} equals the preset's: ${same}`);
  }
  assert.ok(same.includes("patience=2"), same);
  const cleared: Settings = { ...m2, patience: null, normalize: "korean", stopwords: ["의"] };
  const query = serializeSettings(cleared, m2);
  assert.ok(query.includes("patience=&") && !query.includes("monitor="), `no EarlyStopping, so no monitor: ${query}`);
  assert.ok(query.includes("normalize=korean") && query.includes(`stopwords=${encodeURIComponent("의")}`), query);
  const back = parseSettings(query, PRESETS);
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.settings, cleared);
  const callback: Settings = { ...m2, checkpoint: "loss", save_best_only: false, reduce_lr_patience: 4 };
  const withCallbacks = serializeSettings(callback, m2);
  for (const key of ["checkpoint=loss", "save_best_only=0", "reduce_lr_patience=4"]) assert.ok(withCallbacks.includes(key), withCallbacks);
  assert.deepEqual(parseSettings(withCallbacks, PRESETS).settings, callback);
});

test("Keras' filters survive the URL and the one-line form field", () => {
  const keras = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';
  const s: Settings = { ...settingsFromConfig(M1), filters: keras };
  assert.equal(parseSettings(serializeSettings(s), PRESETS).settings.filters, keras);
  const shown = escapeText(keras);
  assert.ok(!/[\t\n]/.test(shown) && shown.endsWith("~\\t\\n"), shown);
  assert.equal(unescapeText(shown), keras);
  assert.equal(unescapeText("a\\qb\\"), "a\\qb\\", "other backslashes stay");
});
