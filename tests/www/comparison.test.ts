// Seed 000's comparison table (www/src/comparison.ts): cells, sorting, overlaid curves.
import assert from "node:assert/strict";
import { test } from "node:test";
import { COLUMNS, networkRuns, nextOrder, overlayColumns, runLabel, sortResults } from "../../www/src/comparison.js";
import type { BaselineResult, NetworkResult, Result } from "../../www/src/session.js";

const result = (run: number, model: string, acc: number, f1: number, valAcc: number[], extra: Partial<NetworkResult> = {}): NetworkResult => ({
  run, kind: "network", model, data: "ko-sample", backend: "cpu", epochs: 5, test_accuracy: acc, test_loss: 0.5, ms_per_step_median: 3,
  history: { loss: valAcc.map(() => 0.5), accuracy: valAcc, val_loss: valAcc.map((v) => 1 - v), val_accuracy: valAcc },
  f1, auc: 0.8, params: 160289, seconds: 12.345, ...extra,
});
const a = result(1, "m4_pooled", 0.75, 0.7, [0.6, 0.7]);
const b = result(2, "m1_lstm", 0.82, 0.8, [0.65, 0.75, 0.8], { params: 213301, backend: "webgpu" });
const c = result(3, "m2_cnn", 0.79, Number.NaN, [0.7], { params: null });
const svm: BaselineResult = {
  run: 4, kind: "baseline", model: "TF-IDF 1–2-grams + LinearSVC", data: "ko-sample", backend: "cpu", test_accuracy: 0.8,
  f1: 0.78, auc: 0.85, params: 3001, seconds: 0.42, features: 3000,
};

test("cells: seed 000's columns, numbers as the seeds print them", () => {
  const text = (r: Result): Record<string, string> => Object.fromEntries(COLUMNS.map((col) => [col.key, col.text(r)]));
  assert.deepEqual(text(b), {
    run: "#2", model: "m1_lstm", data: "ko-sample", epochs: "3", test_accuracy: "0.8200", f1: "0.8000", auc: "0.8000",
    params: "213,301", seconds: "12.3", backend: "WebGPU",
  });
  assert.equal(text(c).f1, "–");
  assert.equal(text(c).params, "–");
  assert.equal(runLabel(a), "#1 m4_pooled");
});

test("a baseline's row: no epochs, CPU; it sorts last by epochs and has no curves to overlay", () => {
  const text = Object.fromEntries(COLUMNS.map((col) => [col.key, col.text(svm)]));
  assert.deepEqual(text, {
    run: "#4", model: "TF-IDF 1–2-grams + LinearSVC", data: "ko-sample", epochs: "–", test_accuracy: "0.8000", f1: "0.7800",
    auc: "0.8500", params: "3,001", seconds: "0.4", backend: "CPU",
  });
  const runs = (rs: Result[]): number[] => rs.map((r) => r.run);
  assert.deepEqual(runs(sortResults([svm, a, b], { key: "epochs", descending: true })), [2, 1, 4]);
  assert.deepEqual(runs(sortResults([svm, a, b], { key: "epochs", descending: false })), [1, 2, 4]);
  assert.deepEqual(runs(sortResults([a, svm, b], { key: "test_accuracy", descending: true })), [2, 4, 1]);
  assert.deepEqual(runs(networkRuns([svm, a, b])), [1, 2]);
});

test("sorting: numbers and text both ways, missing values last, ties in run order", () => {
  const runs = (rs: Result[]): number[] => rs.map((r) => r.run);
  const cases: [string, boolean, number[]][] = [
    ["test_accuracy", true, [2, 3, 1]],
    ["test_accuracy", false, [1, 3, 2]],
    ["f1", true, [2, 1, 3]],
    ["f1", false, [1, 2, 3]],
    ["params", false, [1, 2, 3]],
    ["model", false, [2, 3, 1]],
    ["data", true, [1, 2, 3]],
    ["nope", true, [1, 2, 3]],
  ];
  for (const [key, descending, want] of cases) assert.deepEqual(runs(sortResults([a, b, c], { key, descending })), want, `${key} ${descending}`);
});

test("header clicks: a new number column sorts high first, text A first; the same column flips", () => {
  assert.deepEqual(nextOrder(null, "auc", a), { key: "auc", descending: true });
  assert.deepEqual(nextOrder(null, "model", a), { key: "model", descending: false });
  assert.deepEqual(nextOrder({ key: "auc", descending: true }, "auc", a), { key: "auc", descending: false });
  assert.deepEqual(nextOrder({ key: "auc", descending: true }, "f1", a), { key: "f1", descending: true });
});

test("overlay: epochs 1…longest run, null past a run's end", () => {
  assert.deepEqual(overlayColumns([a, b, c], "val_accuracy"), { xs: [1, 2, 3], series: [[0.6, 0.7, null], [0.65, 0.75, 0.8], [0.7, null, null]] });
  const nan = result(4, "x", 0.5, 0.5, [Number.NaN, 0.5]);
  assert.deepEqual(overlayColumns([nan], "val_accuracy").series, [[null, 0.5]]);
  assert.deepEqual(overlayColumns([], "val_loss"), { xs: [], series: [] });
});
