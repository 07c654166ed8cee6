// What the evaluation panel shows, computed from the worker's answers (pure: no DOM).
// Names and layout follow seed 000's printout and scikit-learn.

import type { CurvePoint, Evaluation, Prediction } from "./protocol.js";

type MetricKey = "accuracy" | "precision" | "recall" | "specificity" | "f1" | "f2" | "auc" | "average_precision";

export interface MetricRow {
  key: MetricKey;
  label: string;
  value: number;
}

const METRICS: [MetricKey, string][] = [
  ["accuracy", "Accuracy"],
  ["precision", "Precision"],
  ["recall", "Recall"],
  ["specificity", "Specificity"],
  ["f1", "F1-Score"],
  ["f2", "F2-Score"],
  ["auc", "ROC-AUC"],
  ["average_precision", "Average precision"],
];

/** Seed 000's metric lines, in its order and words, plus average precision. */
export const metricRows = (e: Evaluation): MetricRow[] => METRICS.map(([key, label]) => ({ key, label, value: e[key] }));

/** Four decimals, or "–" for a value that is not a number. */
export const fixed4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : "–");

export interface ConfusionCell {
  count: number;
  rate: number; // share of the true class's row (0 for an empty row)
}

/** `confusion[true][predicted]` with each count's share of its row (recall on the diagonal). */
export function confusionCells(confusion: readonly (readonly number[])[]): ConfusionCell[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => ({ count, rate: total > 0 ? count / total : 0 }));
  });
}

/** The slider applies to two classes only (more classes predict the most probable one). */
export const isBinary = (e: Evaluation): boolean => e.classes.length === 2;

/** Where the current threshold lies on each curve: ROC (fpr, tpr) and PR (recall, precision). */
export function operatingPoints(e: Evaluation): { roc: [number, number]; pr: [number, number] } {
  return { roc: [1 - e.specificity, e.recall], pr: [e.recall, e.precision] };
}

/** uPlot's aligned columns for one curve: x, the curve, an optional diagonal, the marker. */
export interface CurveColumns {
  xs: number[];
  curve: (number | null)[];
  diagonal: (number | null)[];
  marker: (number | null)[];
}

/**
 * A curve whose points come with non-decreasing x (Kiln's roc and pr do), the
 * marker inserted at its x after any equal x (null in the curve, which spans
 * gaps), and the chance diagonal y = x when asked.
 */
export function curveColumns(points: readonly CurvePoint[], marker: [number, number] | null, diagonal: boolean): CurveColumns {
  const out: CurveColumns = { xs: [], curve: [], diagonal: [], marker: [] };
  const push = (x: number, curve: number | null, mark: number | null): void => {
    out.xs.push(x);
    out.curve.push(curve);
    out.diagonal.push(diagonal ? x : null);
    out.marker.push(mark);
  };
  let placed = marker === null || !Number.isFinite(marker[0]) || !Number.isFinite(marker[1]);
  for (const p of points) {
    if (!placed && marker && p.x > marker[0]) {
      push(marker[0], null, marker[1]);
      placed = true;
    }
    push(p.x, p.y, null);
  }
  if (!placed && marker) push(marker[0], null, marker[1]);
  return out;
}

/** The class a typed text gets: binary at the slider's threshold (`P(class 1) > t`), else the most probable. */
export function predictedClass(p: Prediction, classes: readonly string[], threshold: number): string {
  if (classes.length === 2 && p.probabilities.length === 2) {
    return (p.probabilities[1] ?? 0) > threshold ? classes[1]! : classes[0]!;
  }
  return p.label;
}

export interface TokenMark {
  text: string; // as shown: a blank token (char_level's spaces) as ␣
  known: boolean;
}

/** Tokens beside their known flags (a missing flag reads as unknown). */
export const tokenMarks = (p: Prediction): TokenMark[] =>
  p.tokens.map((text, i) => ({ text: text.trim() === "" ? "␣" : text, known: p.known[i] === true }));

/** `0.53` → "53.0%". */
export const percent = (v: number, digits = 1): string => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : "–");

/** The slider's value as the worker wants it: 0.01–0.99 in steps of 0.01. */
export function clampThreshold(v: number): number {
  if (!Number.isFinite(v)) return 0.5;
  return Math.min(0.99, Math.max(0.01, Math.round(v * 100) / 100));
}

/** Test texts off the confusion matrix's diagonal. */
export function misclassifiedCount(e: Evaluation): number {
  const right = e.confusion.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  return Math.max(0, e.samples - right);
}
