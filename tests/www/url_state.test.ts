// URL state (www/src/url_state.ts): defaults from a preset, round trip, bad values reported,
// the new compile() settings and custom layers as JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LayerConfig, Preset, RunConfig } from "../../www/src/protocol.js";
import { toRunConfig } from "../../www/src/settings.js";
import { parseSettings, PROPS, serializeSettings, settingsFromConfig, type Settings } from "../../www/src/url_state.js";

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
