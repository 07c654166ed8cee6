// Keras' progress bar, ETA and epoch lines (www/src/progress.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Ema, epochLine, formatEta, formatMetric, formatTimePerStep, median, progressBar, stepLine,
} from "../../www/src/progress.js";

test("bar at several points, 30 characters like keras.utils.Progbar", () => {
  const cases: [number, number, string][] = [
    [0, 313, "  0/313 [..............................]"],
    [1, 313, "  1/313 [..............................]"],
    [11, 313, " 11/313 [>.............................]"],
    [157, 313, "157/313 [==============>...............]"],
    [312, 313, "312/313 [============================>.]"],
    [313, 313, "313/313 [==============================]"],
    [5, 10, " 5/10 [==============>...............]"],
    [1, 1, "1/1 [==============================]"],
  ];
  for (const [current, target, want] of cases) {
    const bar = progressBar(current, target);
    assert.equal(bar, want, `${current}/${target}`);
    assert.equal(bar.slice(bar.indexOf("[") + 1, bar.indexOf("]")).length, 30);
  }
});

test("ETA like Keras: seconds, m:ss, h:mm:ss", () => {
  assert.equal(formatEta(0), "0s");
  assert.equal(formatEta(41.9), "41s");
  assert.equal(formatEta(60), "60s");
  assert.equal(formatEta(65), "1:05");
  assert.equal(formatEta(3600), "60:00");
  assert.equal(formatEta(3723), "1:02:03");
  assert.equal(formatEta(-3), "0s");
});

test("time per step and metric formats", () => {
  assert.equal(formatTimePerStep(38.4), "38ms/step");
  assert.equal(formatTimePerStep(1500), "2s/step");
  assert.equal(formatTimePerStep(0.5), "500us/step");
  assert.equal(formatMetric(0.41), "0.4100");
  assert.equal(formatMetric(0), "0.0000");
  assert.equal(formatMetric(0.000012345), "1.2345e-05");
});

test("step line: epoch, bar, ETA, time per step, running metrics", () => {
  const line = stepLine({
    epoch: 2, epochs: 10, step: 157, steps: 313, msPerStep: 262,
    metrics: { loss: 0.41, accuracy: 0.81 },
  });
  assert.equal(
    line,
    "Epoch 2/10  157/313 [==============>...............] - ETA 40s - 262ms/step - loss: 0.4100 - accuracy: 0.8100",
  );
  const first = stepLine({ epoch: 1, epochs: 3, step: 1, steps: 4, msPerStep: null, metrics: { loss: 0.7 } });
  assert.equal(first, "Epoch 1/3  1/4 [======>.......................] - loss: 0.7000");
});

test("epoch line: full bar, total seconds, validation metrics", () => {
  const line = epochLine({
    steps: 313, totalMs: 12_200, msPerStep: 38,
    metrics: { loss: 0.3, accuracy: 0.875, val_loss: 0.35, val_accuracy: 0.86 },
  });
  assert.equal(
    line,
    "313/313 [==============================] - 12s 38ms/step - loss: 0.3000 - accuracy: 0.8750 - val_loss: 0.3500 - val_accuracy: 0.8600",
  );
});

test("EMA is debiased and ignores non-finite values", () => {
  const ema = new Ema(0.9);
  assert.ok(Number.isNaN(ema.current()));
  assert.equal(ema.push(1), 1); // debiased: the first value is itself
  const second = ema.push(0);
  assert.ok(Math.abs(second - 0.9 / 1.9) < 1e-12);
  assert.equal(ema.push(NaN), second);
  ema.reset();
  assert.equal(ema.push(5), 5);
  assert.throws(() => new Ema(1));
});

test("median", () => {
  assert.equal(median([]), null);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
