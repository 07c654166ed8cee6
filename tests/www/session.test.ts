// The page's run record (www/src/session.ts): x placement, timings, history, RESULT.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Evaluation, RunConfig, RunEvent } from "../../www/src/protocol.js";
import { Session, withDone } from "../../www/src/session.js";
import sample from "../fixtures/protocol_sample.json";

const config: RunConfig = {
  data: "imdb-1k", model: "pooled", layers: [{ kind: "global_average_pooling1d" }], num_words: 100, maxlen: 10,
  padding: "pre", truncating: "pre", batch_size: 500, epochs: 2, optimizer: { kind: "adam", learning_rate: 0.001 },
  loss: "binary_crossentropy", validation_split: 0, test_split: 0.2, shuffle: true,
  text: { tokens: "word", lower: true, filters: "", normalize: "html", reserved: false }, seed: 1,
};
const prepared: Extract<RunEvent, { type: "prepared" }> = {
  type: "prepared", train_samples: 1000, val_samples: 250, test_samples: 250, steps_per_epoch: 2, vocab_size: 100, num_classes: 2,
  summary: { rows: [], total_params: 1234, trainable_params: 1234, non_trainable_params: 0 },
};
const evaluation = sample.events[3]?.evaluation as Evaluation;
const step = (epoch: number, s: number): Extract<RunEvent, { type: "step" }> => ({
  type: "step", epoch, step: s, steps: 2, loss: 0.6, accuracy: 0.7, batch_loss: 0.5, batch_accuracy: 0.75,
});

test("a two-epoch run: x of steps and epochs, timings without the first step, RESULT", () => {
  const s = new Session();
  s.start(config, 7);
  s.onPrepared(prepared);
  const first = s.onStep(step(1, 1), 900); // shader compile: not a typical step
  assert.equal(first.x, 1);
  assert.equal(first.line, "Epoch 1/2  1/2 [==============>...............] - loss: 0.6000 - accuracy: 0.7000");
  assert.equal(first.lossSmooth, 0.5);
  assert.equal(s.onStep(step(1, 2), 10).x, 2);
  const e1 = s.onEpoch({ type: "epoch", epoch: 1, loss: 0.6, accuracy: 0.7, val_loss: 0.65, val_accuracy: 0.68, learning_rate: 0.001 }, 90);
  assert.equal(e1.x, 2);
  assert.equal(e1.header, "Epoch 1/2");
  assert.equal(e1.line, "2/2 [==============================] - 1s 10ms/step - loss: 0.6000 - accuracy: 0.7000 - val_loss: 0.6500 - val_accuracy: 0.6800");
  assert.deepEqual(e1.notes, []);
  const p = s.onStep(step(2, 1), 20);
  assert.equal(p.x, 3);
  assert.match(p.line, /^Epoch 2\/2 {2}1\/2 .* - ETA 0s - 20ms\/step - loss/);
  s.onStep(step(2, 2), 30);
  assert.equal(s.events, 4);
  s.onEpoch({ type: "epoch", epoch: 2, loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.7, learning_rate: 0.001 }, 5);
  assert.deepEqual(s.history.val_accuracy, [0.68, 0.7]);
  s.state.backend = "cpu";
  const history = { loss: [0.6, 0.5], accuracy: [0.7, 0.8], val_loss: [0.65, 0.6], val_accuracy: [0.68, 0.7] };
  const r = s.onDone({ type: "done", test_loss: 0.61, test_accuracy: 0.69, history, evaluation });
  assert.deepEqual(r, {
    run: 7, kind: "network", model: "pooled", data: "imdb-1k", backend: "cpu", epochs: 2, test_accuracy: 0.69, test_loss: 0.61,
    ms_per_step_median: 20, history, f1: evaluation.f1, auc: evaluation.auc, params: 1234,
    seconds: 1.055, // every step and epoch call: 900 + 10 + 90 + 20 + 30 + 5 ms
  });
  assert.deepEqual(s.state.test, { loss: 0.61, accuracy: 0.69 });
  const restored = withDone(r, { type: "done", test_loss: 0.5, test_accuracy: 0.8, history, evaluation: { ...evaluation, f1: 0.9, auc: 0.95 }, checkpoint_epoch: 1 });
  assert.deepEqual(restored, { ...r, test_loss: 0.5, test_accuracy: 0.8, f1: 0.9, auc: 0.95 });
});

test("callbacks: notes after the epoch line; ReduceLROnPlateau adds learning_rate as Keras 3 prints it", () => {
  const cases: [RunConfig, number, string[] | undefined, string, string[]][] = [
    [config, 0.001, undefined, "", []],
    [config, 0.001, ["Epoch 1: val_loss improved from inf to 0.65000, saving model"], "", ["Epoch 1: val_loss improved from inf to 0.65000, saving model"]],
    [{ ...config, reduce_lr: { monitor: "val_loss", mode: "auto", factor: 0.5, patience: 1, min_delta: 1e-4, cooldown: 0, min_lr: 0 } },
      0.0005, ["Epoch 1: ReduceLROnPlateau reducing learning rate to 0.0005."], " - learning_rate: 5.0000e-04",
      ["Epoch 1: ReduceLROnPlateau reducing learning rate to 0.0005."]],
  ];
  for (const [cfg, lr, notes, tail, want] of cases) {
    const s = new Session();
    s.start(cfg, 1);
    s.onPrepared(prepared);
    s.onStep(step(1, 1), 10);
    const e = s.onEpoch({ type: "epoch", epoch: 1, loss: 0.6, accuracy: 0.7, val_loss: 0.65, val_accuracy: 0.68, learning_rate: lr, ...(notes ? { notes } : {}) }, 5);
    assert.ok(e.line.endsWith(`val_accuracy: 0.6800${tail}`), e.line);
    assert.deepEqual(e.notes, want);
  }
});
