// The page's run record (www/src/session.ts): x placement, timings, history, RESULT.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Evaluation, RunConfig, RunEvent } from "../../www/src/protocol.js";
import { Session } from "../../www/src/session.js";
import sample from "../fixtures/protocol_sample.json";

const config: RunConfig = {
  data: "imdb-1k", model: "pooled", layers: [{ kind: "global_average_pooling1d" }], num_words: 100, maxlen: 10,
  padding: "pre", truncating: "pre", batch_size: 500, epochs: 2, optimizer: { kind: "adam", learning_rate: 0.001 },
  loss: "binary_crossentropy", validation_split: 0, test_split: 0.2, shuffle: true,
  text: { tokens: "word", lower: true, filters: "", normalize: "html", reserved: false }, seed: 1,
};
const step = (epoch: number, s: number): Extract<RunEvent, { type: "step" }> => ({
  type: "step", epoch, step: s, steps: 2, loss: 0.6, accuracy: 0.7, batch_loss: 0.5, batch_accuracy: 0.75,
});

test("a two-epoch run: x of steps and epochs, timings without the first step, RESULT", () => {
  const s = new Session();
  s.start(config);
  s.onPrepared({
    type: "prepared", train_samples: 1000, val_samples: 250, test_samples: 250, steps_per_epoch: 2, vocab_size: 100, num_classes: 2,
    summary: { rows: [], total_params: 0, trainable_params: 0, non_trainable_params: 0 },
  });
  const first = s.onStep(step(1, 1), 900); // shader compile: not a typical step
  assert.equal(first.x, 1);
  assert.equal(first.line, "Epoch 1/2  1/2 [==============>...............] - loss: 0.6000 - accuracy: 0.7000");
  assert.equal(first.lossSmooth, 0.5);
  assert.equal(s.onStep(step(1, 2), 10).x, 2);
  const e1 = s.onEpoch({ type: "epoch", epoch: 1, loss: 0.6, accuracy: 0.7, val_loss: 0.65, val_accuracy: 0.68, learning_rate: 0.001 }, 90);
  assert.equal(e1.x, 2);
  assert.equal(e1.header, "Epoch 1/2");
  assert.equal(e1.line, "2/2 [==============================] - 1s 10ms/step - loss: 0.6000 - accuracy: 0.7000 - val_loss: 0.6500 - val_accuracy: 0.6800");
  const p = s.onStep(step(2, 1), 20);
  assert.equal(p.x, 3);
  assert.match(p.line, /^Epoch 2\/2 {2}1\/2 .* - ETA 0s - 20ms\/step - loss/);
  s.onStep(step(2, 2), 30);
  assert.equal(s.events, 4);
  s.onEpoch({ type: "epoch", epoch: 2, loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.7, learning_rate: 0.001 }, 5);
  assert.deepEqual(s.history.val_accuracy, [0.68, 0.7]);
  s.state.backend = "cpu";
  const history = { loss: [0.6, 0.5], accuracy: [0.7, 0.8], val_loss: [0.65, 0.6], val_accuracy: [0.68, 0.7] };
  const evaluation = sample.events[3]?.evaluation as Evaluation;
  const r = s.onDone({ type: "done", test_loss: 0.61, test_accuracy: 0.69, history, evaluation });
  assert.deepEqual(r, {
    model: "pooled", data: "imdb-1k", backend: "cpu", epochs: 2, test_accuracy: 0.69, test_loss: 0.61,
    ms_per_step_median: 20, history,
  });
  assert.deepEqual(s.state.test, { loss: 0.61, accuracy: 0.69 });
});
