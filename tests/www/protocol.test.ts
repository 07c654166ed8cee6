// Samples of every FromWorker message and RunEvent, as the wasm module and the
// worker produce them (JSON), checked by the compiler and narrowed by tag.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FromWorker, RunEvent, ToWorker } from "../../www/src/protocol.js";

const prepared: RunEvent = {
  type: "prepared", train_samples: 1000, val_samples: 250, test_samples: 250, steps_per_epoch: 2, vocab_size: 5000,
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
  type: "step", epoch: 1, step: 2, steps: 2, loss: 0.69, accuracy: 0.52, batch_loss: 0.68, batch_accuracy: 0.55,
};
const epoch: RunEvent = { type: "epoch", epoch: 1, loss: 0.69, accuracy: 0.52, val_loss: 0.68, val_accuracy: 0.6 };
const done: RunEvent = {
  type: "done", test_loss: 0.68, test_accuracy: 0.6,
  history: { loss: [0.69], accuracy: [0.52], val_loss: [0.68], val_accuracy: [0.6] },
};

/** Exhaustive: adding a RunEvent variant without handling it fails to compile. */
function describe(ev: RunEvent): string {
  switch (ev.type) {
    case "prepared": return `prepared ${ev.summary.total_params}`;
    case "step": return `step ${ev.epoch}.${ev.step}/${ev.steps} ${ev.batch_loss}`;
    case "epoch": return `epoch ${ev.epoch} ${ev.val_accuracy}`;
    case "done": return `done ${ev.test_accuracy} ${ev.history.loss.length}`;
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
    default: {
      const never: never = msg;
      return never;
    }
  }
}

test("every RunEvent survives JSON and narrows by `type`", () => {
  const want = ["prepared 213301", "step 1.2/2 0.68", "epoch 1 0.6", "done 0.6 1"];
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
    { type: "error", message: "batch_size: must be at least 1" },
  ];
  assert.deepEqual(messages.map(describeMessage), [
    "ready ",
    "status training: Training",
    "backend cpu: CPU backend chosen in the form",
    "event step 1.2/2 0.68 in 38ms",
    "error batch_size: must be at least 1",
  ]);
});

test("ToWorker messages are plain JSON", () => {
  const msgs: ToWorker[] = [{ type: "pause" }, { type: "resume" }, { type: "stop" }];
  assert.deepEqual(JSON.parse(JSON.stringify(msgs)), msgs);
  // @ts-expect-error an unknown type tag does not type-check
  const bad: ToWorker = { type: "restart" };
  assert.equal(bad.type, "restart");
});
