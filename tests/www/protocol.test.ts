// Samples of every FromWorker message and RunEvent, as the wasm module and the
// worker produce them (JSON), checked by the compiler and narrowed by tag.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readLayer } from "../../www/src/layer_json.js";
import { LAYER_KINDS, specOf } from "../../www/src/layer_specs.js";
import type {
  BaselineConfig, BaselineReport, Evaluation, FromWorker, Loss, MapPoint, OptimizerConfig, Preset, RunConfig, RunEvent, Similar,
  ToWorker, Word2VecConfig, Word2VecEvent,
} from "../../www/src/protocol.js";
import { LOSSES, OPTIMIZERS } from "../../www/src/settings.js";
import sample from "../fixtures/protocol_sample.json";

const prepared: RunEvent = {
  type: "prepared", train_samples: 1000, val_samples: 250, test_samples: 250, steps_per_epoch: 16, vocab_size: 5000, num_classes: 2,
  summary: {
    rows: [
      { name: "embedding", kind: "Embedding", output_shape: [null, 500, 32], params: 160000 },
      { name: "lstm", kind: "LSTM", output_shape: [null, 100], params: 53200 },
      { name: "dense", kind: "Dense", output_shape: [null, 1], params: 101 },
    ],
    total_params: 213301, trainable_params: 213301, non_trainable_params: 0,
  },
};
const step: RunEvent = {
  type: "step", epoch: 1, step: 2, steps: 16, loss: 0.5, accuracy: 0.75, batch_loss: 0.25, batch_accuracy: 1.0,
};
const epoch: RunEvent = {
  type: "epoch", epoch: 1, loss: 0.5, accuracy: 0.5, val_loss: 0.25, val_accuracy: 0.75, learning_rate: 0.001,
  notes: ["Epoch 1: val_loss improved from inf to 0.25000, saving model"],
};
const evaluation: Evaluation = {"classes": ["neg", "pos"], "threshold": 0.5, "samples": 4, "accuracy": 0.75, "precision": 1.0, "recall": 0.5, "specificity": 1.0, "f1": 0.6666666666666666, "f2": 0.5555555555555556, "auc": 0.75, "average_precision": 0.8333333333333333, "roc": [{"x": 0.0, "y": 0.0, "threshold": 1.0}, {"x": 0.0, "y": 0.5, "threshold": 0.9}, {"x": 1.0, "y": 1.0, "threshold": 0.1}], "pr": [{"x": 0.5, "y": 1.0, "threshold": 0.9}, {"x": 1.0, "y": 0.5, "threshold": 0.1}], "confusion": [[2, 0], [1, 1]], "report": [{"label": "neg", "precision": 0.6666666666666666, "recall": 1.0, "f1": 0.8, "support": 2}, {"label": "pos", "precision": 1.0, "recall": 0.5, "f1": 0.6666666666666666, "support": 2}, {"label": "macro avg", "precision": 0.8333333333333333, "recall": 0.75, "f1": 0.7333333333333334, "support": 4}, {"label": "weighted avg", "precision": 0.8333333333333333, "recall": 0.75, "f1": 0.7333333333333334, "support": 4}], "report_text": "              precision    recall  f1-score   support\n"};
const done: RunEvent = {
  type: "done", test_loss: 0.5, test_accuracy: 0.75,
  history: { loss: [0.5, 0.25], accuracy: [0.5, 0.75], val_loss: [0.25, 0.5], val_accuracy: [0.75, 0.5] },
  stopped_early: 2, restored_epoch: 1, evaluation,
};
const doneAll: RunEvent = {
  type: "done", test_loss: 0.5, test_accuracy: 0.75, history: { loss: [], accuracy: [], val_loss: [], val_accuracy: [] },
  evaluation, checkpoint_epoch: 1,
};
const optimizers: OptimizerConfig[] = [
  { kind: "adam", learning_rate: 0.001 },
  { kind: "rmsprop", learning_rate: 0.001, rho: 0.95, momentum: 0.5 },
  { kind: "sgd", learning_rate: 0.01, momentum: 0.9, nesterov: true },
  { kind: "adagrad", learning_rate: 0.001 },
];

/** Exhaustive: adding a RunEvent variant without handling it fails to compile. */
function describe(ev: RunEvent): string {
  switch (ev.type) {
    case "prepared": return `prepared ${ev.summary.total_params}`;
    case "step": return `step ${ev.epoch}.${ev.step}/${ev.steps} ${ev.batch_loss}`;
    case "epoch": return `epoch ${ev.epoch} ${ev.val_accuracy}`;
    case "done": return `done ${ev.test_accuracy} ${ev.history.loss.length} ${ev.restored_epoch ?? "-"}`;
    default: {
      const never: never = ev;
      return never;
    }
  }
}

function describeMessage(msg: FromWorker): string {
  switch (msg.type) {
    case "ready": return `ready ${msg.presets.map((p) => p.name).join(",")}`;
    case "status": return `status ${msg.status}: ${msg.message}`;
    case "backend": return `backend ${msg.backend}: ${msg.reason}`;
    case "event": return `event ${describe(msg.event)} in ${msg.ms}ms`;
    case "error": return `error ${msg.message}`;
    case "reply": return msg.reply.ok ? `reply ${msg.id} ${msg.reply.fn}` : `reply ${msg.id} error ${msg.reply.error}`;
    case "file_progress": return `file ${msg.name} ${msg.loaded}/${msg.total}`;
    case "file_inspected": return `file ${msg.inspection.format} ${msg.inspection.columns.join(",")}`;
    case "file_error": return `file error ${msg.message}`;
    case "validation_loaded": return `validation ${msg.name} ${msg.rows}`;
    case "validation_error": return `validation error ${msg.message}`;
    case "word2vec_event": return `word2vec ${msg.event.type} in ${msg.ms}ms`;
    case "word2vec_error": return `word2vec error ${msg.message}`;
    case "saved": return `saved ${msg.key} epoch ${msg.epoch}${msg.finished ? " finished" : ""}`;
    case "save_error": return `save error ${msg.message}`;
    case "diverged": return `diverged ${msg.message}`;
    case "recovering": return `recovering ${msg.text.key}`;
    case "crashed": return `crashed ${msg.message}`;
    default: {
      const never: never = msg;
      return never;
    }
  }
}

test("every RunEvent survives JSON and narrows by `type`", () => {
  const want = ["prepared 213301", "step 1.2/16 0.25", "epoch 1 0.75", "done 0.75 2 1"];
  [prepared, step, epoch, done].forEach((ev, i) => {
    const back = JSON.parse(JSON.stringify(ev)) as RunEvent;
    assert.deepEqual(back, ev);
    assert.equal(describe(back), want[i]);
  });
});

test("every FromWorker message narrows by `type`", () => {
  const messages: FromWorker[] = [
    { type: "ready", presets: [] },
    { type: "status", status: "training", message: "Training" },
    { type: "backend", backend: "cpu", reason: "CPU backend chosen in the form" },
    { type: "event", event: step, ms: 38 },
    { type: "reply", id: 3, reply: { ok: true, fn: "toKeras", value: "model = keras.Sequential()" } },
    { type: "reply", id: 4, reply: { ok: false, error: "line 2, column 11: unknown layer" } },
    { type: "error", message: "batch_size: must be at least 1" },
    { type: "file_progress", name: "nsmc.tsv", loaded: 4194304, total: 14628807 },
    { type: "file_error", message: "data: the file is empty" },
    { type: "word2vec_event", event: { type: "done", vocab_size: 300, vector_size: 16, words_done: 9000 }, ms: 12 },
    { type: "word2vec_error", message: "Word2vec is already training" },
  ];
  assert.deepEqual(messages.map(describeMessage), [
    "ready ",
    "status training: Training",
    "backend cpu: CPU backend chosen in the form",
    "event step 1.2/16 0.25 in 38ms",
    "reply 3 toKeras",
    "reply 4 error line 2, column 11: unknown layer",
    "error batch_size: must be at least 1",
    "file nsmc.tsv 4194304/14628807",
    "file error data: the file is empty",
    "word2vec done in 12ms",
    "word2vec error Word2vec is already training",
  ]);
});

test("ToWorker messages are plain JSON", () => {
  const msgs: ToWorker[] = [{ type: "pause" }, { type: "resume" }, { type: "stop" }];
  assert.deepEqual(JSON.parse(JSON.stringify(msgs)), msgs);
  // @ts-expect-error an unknown type tag does not type-check
  const bad: ToWorker = { type: "restart" };
  assert.equal(bad.type, "restart");
});

// The fixture is also round-tripped through the Rust types by tests/dto_roundtrip.rs.
test("the shared fixture's events and optimizers equal values typed by protocol.ts", () => {
  assert.deepEqual(sample.events, [prepared, step, epoch, done, doneAll]);
  assert.deepEqual(sample.optimizers, optimizers);
  assert.deepEqual(sample.losses, LOSSES);
  assert.deepEqual(optimizers.map((o) => o.kind), Object.keys(OPTIMIZERS));
  const preset = sample.preset as Preset;
  assert.equal(preset.config.loss satisfies Loss, "binary_crossentropy");
  const config = sample.config as RunConfig;
  assert.equal(config.early_stopping?.patience, 2);
  assert.equal(config.clipnorm, 1);
});

test("the shared fixture's baseline and word2vec values equal values typed by protocol.ts", () => {
  const configs: BaselineConfig[] = [
    { kind: "logreg", ngrams: 2, tfidf: true, c: 1.0 },
    { kind: "svm", ngrams: 1, tfidf: false, max_features: 5000, c: 0.5 },
  ];
  const report: BaselineReport = {
    name: "TF-IDF 1–2-grams + LogisticRegression", config: configs[0]!, features: 10000, params: 10001, train_samples: 20000,
    test_samples: 5000, iterations: 57, converged: true, evaluation, top_positive: [{ feature: "great", weight: 6.5 }],
    top_negative: [{ feature: "worst", weight: -9.25 }],
  };
  assert.deepEqual(sample.baseline, { configs, report });
  const w2v: Word2VecConfig[] = [
    { vector_size: 100, window: 5, negative: 5, sample: 0.001, min_count: 5, epochs: 5, alpha: 0.025, min_alpha: 0.0001, seed: 1 },
    { vector_size: 16, window: 2, negative: 3, sample: 0.0, min_count: 1, epochs: 1, alpha: 0.05, min_alpha: 0.001, seed: 7, max_vocab: 3000 },
  ];
  const events: Word2VecEvent[] = [
    { type: "prepared", vocab_size: 30000, corpus_words: 4600000, total_words: 4600000, backend: "cpu" },
    { type: "progress", epoch: 1, words_done: 20000, total_words: 4600000, loss: 2.5, alpha: 0.0249 },
    { type: "done", vocab_size: 30000, vector_size: 100, words_done: 4600000 },
  ];
  const similar: Similar[] = [{ word: "excellent", similarity: 0.75 }];
  const map: MapPoint[] = [{ word: "movie", x: 0.5, y: -1.25, count: 40000 }];
  assert.deepEqual(sample.word2vec, { configs: w2v, events, similar, map });
});

test("the layer-spec table reads every layer of the fixture unchanged, and knows each argument", () => {
  const seen = new Map<string, Set<string>>();
  for (const [i, layer] of sample.config.layers.entries()) {
    const r = readLayer(layer, `layer ${i + 1}`);
    assert.ok(r.ok, r.ok ? "" : r.error);
    assert.deepEqual(r.layer, layer);
    const keys = seen.get(layer.kind) ?? new Set<string>();
    Object.keys(layer).filter((k) => k !== "kind").forEach((k) => keys.add(k));
    seen.set(layer.kind, keys);
  }
  assert.deepEqual([...seen.keys()].sort(), [...LAYER_KINDS].sort(), "the fixture has one of every kind");
  for (const kind of LAYER_KINDS) {
    const fields = specOf(kind).fields.map((f) => f.name).sort();
    assert.deepEqual(fields, [...(seen.get(kind) ?? [])].sort(), `${kind}: the spec's fields are the fixture's arguments`);
  }
});
