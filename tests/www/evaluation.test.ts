// The evaluation panel's pure helpers (www/src/evaluation.ts): seed 000's metric
// rows, confusion rates, curve columns with the threshold marked, predictions.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  clampThreshold, confusionCells, curveColumns, metricRows, misclassifiedCount, operatingPoints, predictedClass, tokenMarks,
} from "../../www/src/evaluation.js";
import type { CurvePoint, Evaluation, Prediction } from "../../www/src/protocol.js";
import sample from "../fixtures/protocol_sample.json";

const evaluation = sample.events[3]?.evaluation as Evaluation;
const pt = (x: number, y: number, threshold = 0.5): CurvePoint => ({ x, y, threshold });

test("metric rows: seed 000's names and order, then average precision", () => {
  const rows = metricRows(evaluation);
  assert.deepEqual(rows.map((r) => r.label), [
    "Accuracy", "Precision", "Recall", "Specificity", "F1-Score", "F2-Score", "ROC-AUC", "Average precision",
  ]);
  for (const r of rows) assert.equal(r.value, evaluation[r.key], r.key);
});

test("confusion cells: counts with their share of the true class's row", () => {
  const cases: [number[][], number[][]][] = [
    [[[2, 0], [1, 1]], [[1, 0], [0.5, 0.5]]],
    [[[0, 0], [3, 1]], [[0, 0], [0.75, 0.25]]], // an empty row has rates 0, not NaN
    [[[1, 2, 1], [0, 0, 5], [2, 2, 0]], [[0.25, 0.5, 0.25], [0, 0, 1], [0.5, 0.5, 0]]],
  ];
  for (const [confusion, rates] of cases) {
    const cells = confusionCells(confusion);
    assert.deepEqual(cells.map((r) => r.map((c) => c.count)), confusion);
    assert.deepEqual(cells.map((r) => r.map((c) => c.rate)), rates);
  }
});

test("misclassified count: samples off the diagonal", () => {
  assert.equal(misclassifiedCount(evaluation), 1);
  assert.equal(misclassifiedCount({ ...evaluation, samples: 9, confusion: [[1, 2, 1], [0, 0, 5], [0, 0, 0]] }), 8);
});

test("operating points: ROC (1 - specificity, recall), PR (recall, precision)", () => {
  const at = operatingPoints({ ...evaluation, specificity: 0.8, recall: 0.6, precision: 0.75 });
  assert.ok(Math.abs(at.roc[0] - 0.2) < 1e-12);
  assert.deepEqual([at.roc[1], at.pr], [0.6, [0.6, 0.75]]);
});

test("curve columns: marker inserted after equal x, diagonal y = x, curve null at the marker", () => {
  const roc = [pt(0, 0), pt(0, 0.5), pt(0.5, 0.5), pt(1, 1)];
  const cases: { marker: [number, number] | null; diagonal: boolean; xs: number[]; curve: (number | null)[]; mark: (number | null)[] }[] = [
    { marker: null, diagonal: true, xs: [0, 0, 0.5, 1], curve: [0, 0.5, 0.5, 1], mark: [null, null, null, null] },
    { marker: [0.25, 0.5], diagonal: true, xs: [0, 0, 0.25, 0.5, 1], curve: [0, 0.5, null, 0.5, 1], mark: [null, null, 0.5, null, null] },
    { marker: [0.5, 0.5], diagonal: false, xs: [0, 0, 0.5, 0.5, 1], curve: [0, 0.5, 0.5, null, 1], mark: [null, null, null, 0.5, null] },
    { marker: [1, 1], diagonal: false, xs: [0, 0, 0.5, 1, 1], curve: [0, 0.5, 0.5, 1, null], mark: [null, null, null, null, 1] },
    { marker: [0, 0], diagonal: false, xs: [0, 0, 0, 0.5, 1], curve: [0, 0.5, null, 0.5, 1], mark: [null, null, 0, null, null] },
    { marker: [Number.NaN, 0], diagonal: false, xs: [0, 0, 0.5, 1], curve: [0, 0.5, 0.5, 1], mark: [null, null, null, null] },
  ];
  for (const c of cases) {
    const out = curveColumns(roc, c.marker, c.diagonal);
    const what = JSON.stringify(c.marker);
    assert.deepEqual(out.xs, c.xs, what);
    assert.deepEqual(out.curve, c.curve, what);
    assert.deepEqual(out.marker, c.mark, what);
    assert.deepEqual(out.diagonal, c.diagonal ? c.xs : c.xs.map(() => null), what);
  }
  assert.deepEqual(curveColumns([], [0.3, 0.7], false), { xs: [0.3], curve: [null], diagonal: [null], marker: [0.7] });
});

test("predicted class: binary at the slider's threshold (P(class 1) > t), else the worker's label", () => {
  const p = (probabilities: number[], label: string): Prediction => ({ probabilities, label, tokens: [], known: [] });
  const cases: [Prediction, string[], number, string][] = [
    [p([0.3, 0.7], "pos"), ["neg", "pos"], 0.5, "pos"],
    [p([0.3, 0.7], "pos"), ["neg", "pos"], 0.7, "neg"], // not above the threshold
    [p([0.3, 0.7], "pos"), ["neg", "pos"], 0.69, "pos"],
    [p([0.6, 0.4], "neg"), ["neg", "pos"], 0.2, "pos"],
    [p([0.2, 0.5, 0.3], "b"), ["a", "b", "c"], 0.9, "b"],
  ];
  for (const [pred, classes, t, want] of cases) assert.equal(predictedClass(pred, classes, t), want, `${pred.probabilities} @ ${t}`);
});

test("token marks: a missing flag reads as unknown, a space shows as ␣", () => {
  const marks = tokenMarks({ probabilities: [], label: "", tokens: ["영화", "<b>", " ", "좋다"], known: [true, false, true] });
  assert.deepEqual(marks, [
    { text: "영화", known: true }, { text: "<b>", known: false }, { text: "␣", known: true }, { text: "좋다", known: false },
  ]);
});

test("threshold clamp: 0.01–0.99 in hundredths, 0.5 for junk", () => {
  const cases: [number, number][] = [[0.5, 0.5], [0, 0.01], [1, 0.99], [0.237, 0.24], [Number.NaN, 0.5], [-3, 0.01]];
  for (const [v, want] of cases) assert.equal(clampThreshold(v), want, String(v));
});
