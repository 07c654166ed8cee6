// URL state (www/src/url_state.ts): defaults from a preset, round trip, bad values reported.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Preset, RunConfig } from "../../www/src/protocol.js";
import {
  parseSettings, PROPS, serializeSettings, settingsFromConfig, toRunConfig, type Settings,
} from "../../www/src/url_state.js";

const base: Omit<RunConfig, "model" | "layers"> = {
  data: "imdb-20k", num_words: 5000, maxlen: 500, padding: "pre", truncating: "pre",
  batch_size: 64, epochs: 3, optimizer: { kind: "adam", learning_rate: 0.001 }, validation_split: 0, seed: 1234,
};
const PRESETS: Preset[] = [
  {
    name: "lstm", title: "LSTM", source: "seed 002",
    config: { ...base, model: "lstm", layers: [{ kind: "embedding", output_dim: 32 }, { kind: "lstm", units: 100 }, { kind: "dense", units: 1, activation: "sigmoid" }] },
  },
  {
    name: "pooled", title: "Pooled", source: "pooled",
    config: {
      ...base, model: "pooled", num_words: 10000, maxlen: 256, batch_size: 512, epochs: 10,
      layers: [{ kind: "embedding", output_dim: 16 }, { kind: "global_average_pooling1d" }, { kind: "dense", units: 16, activation: "relu" }, { kind: "dense", units: 1, activation: "sigmoid" }],
    },
  },
];

test("an empty query gives the lstm preset's defaults", () => {
  const { settings, errors } = parseSettings("", PRESETS);
  assert.deepEqual(errors, []);
  assert.deepEqual(settings, settingsFromConfig(PRESETS[0]!.config));
  assert.equal(settings.backend, "auto");
  assert.equal(settings.autostart, false);
  assert.deepEqual(toRunConfig(settings, PRESETS), PRESETS[0]!.config);
});

test("model= picks the preset the other keys override, whatever the key order", () => {
  const { settings, errors } = parseSettings("?epochs=2&model=pooled&data=imdb-1k&backend=cpu&autostart=1", PRESETS);
  assert.deepEqual(errors, []);
  assert.equal(settings.model, "pooled");
  assert.equal(settings.maxlen, 256);
  assert.equal(settings.batch_size, 512);
  assert.equal(settings.epochs, 2);
  assert.equal(settings.data, "imdb-1k");
  assert.equal(settings.backend, "cpu");
  assert.equal(settings.autostart, true);
  const config = toRunConfig(settings, PRESETS);
  assert.deepEqual(config.layers, PRESETS[1]!.config.layers);
  assert.equal(config.optimizer.learning_rate, 0.001);
});

test("round trip: serialize then parse gives the same settings", () => {
  const s: Settings = {
    ...settingsFromConfig(PRESETS[1]!.config, "webgpu"),
    data: "imdb-5k", num_words: 777, maxlen: 33, padding: "post", truncating: "post",
    batch_size: 7, epochs: 4, lr: 0.0025, validation_split: 0.2, seed: 99, autostart: true,
  };
  const query = serializeSettings(s);
  const { settings, errors } = parseSettings(query, PRESETS);
  assert.deepEqual(errors, []);
  assert.deepEqual(settings, s);
  for (const prop of PROPS) {
    if (prop.name !== "autostart") assert.ok(query.includes(`${prop.name}=`), prop.name);
  }
  assert.ok(!serializeSettings({ ...s, autostart: false }).includes("autostart"));
});

test("invalid values are listed and keep their defaults", () => {
  const { settings, errors } = parseSettings(
    "?batch_size=abc&epochs=-1&lr=fast&padding=middle&data=imdb-2k&model=gru&backend=tpu&autostart=maybe&colour=red&maxlen=1.5",
    PRESETS,
  );
  const keys = errors.map((e) => e.split(/[=:]/)[0]);
  assert.deepEqual(
    keys.sort(),
    ["autostart", "backend", "batch_size", "colour", "data", "epochs", "lr", "maxlen", "model", "padding"],
  );
  assert.ok(errors.some((e) => e.includes("imdb-1k, imdb-5k, imdb-20k")));
  assert.deepEqual(settings, settingsFromConfig(PRESETS[0]!.config));
});

test("values the Rust side range-checks (batch_size 0) pass the type check", () => {
  const { settings, errors } = parseSettings("?batch_size=0&validation_split=1.5", PRESETS);
  assert.deepEqual(errors, []);
  assert.equal(settings.batch_size, 0);
  assert.equal(settings.validation_split, 1.5);
});
