// Seed 000's comparison table of the runs and baselines of this page session,
// and the columns of the overlaid validation curves (pure: no DOM).

import type { History } from "./protocol.js";
import type { NetworkResult, Result } from "./session.js";

export interface Column {
  key: string;
  /** The header: an i18n key, or a name that stays as it is (epochs, F1, AUC). */
  label: string;
  /** What the column sorts by; null sorts last. */
  value(r: Result): number | string | null;
  text(r: Result): string;
}

const num = (v: number | null, digits: number): string => (v === null || !Number.isFinite(v) ? "–" : v.toFixed(digits));

/** Epochs trained (EarlyStopping or Stop may end a run before `epochs`); null for a baseline. */
export const trainedEpochs = (r: Result): number | null => (r.kind === "network" ? r.history.loss.length : null);

/** The network runs, which have validation curves to overlay. */
export const networkRuns = (results: readonly Result[]): NetworkResult[] => results.filter((r) => r.kind === "network");

/** "#2 m4_pooled": a run's name in the table and the charts' legends. */
export const runLabel = (r: Result): string => `#${r.run} ${r.model}`;

export const COLUMNS: readonly Column[] = [
  { key: "run", label: "cmp.run", value: (r) => r.run, text: (r) => `#${r.run}` },
  { key: "model", label: "cmp.model", value: (r) => r.model, text: (r) => r.model },
  { key: "data", label: "cmp.data", value: (r) => r.data, text: (r) => r.data },
  { key: "epochs", label: "epochs", value: trainedEpochs, text: (r) => String(trainedEpochs(r) ?? "–") },
  { key: "test_accuracy", label: "cmp.testAccuracy", value: (r) => r.test_accuracy, text: (r) => num(r.test_accuracy, 4) },
  { key: "f1", label: "F1", value: (r) => r.f1, text: (r) => num(r.f1, 4) },
  { key: "auc", label: "AUC", value: (r) => r.auc, text: (r) => num(r.auc, 4) },
  { key: "params", label: "cmp.params", value: (r) => r.params, text: (r) => (r.params === null ? "–" : r.params.toLocaleString("en-US")) },
  { key: "seconds", label: "cmp.seconds", value: (r) => r.seconds, text: (r) => num(r.seconds, 1) },
  { key: "backend", label: "cmp.backend", value: (r) => r.backend, text: (r) => (r.backend === "webgpu" ? "WebGPU" : r.backend === "cpu" ? "CPU" : "–") },
];

export interface SortOrder {
  key: string;
  descending: boolean;
}

/** Rows sorted by a column (stable; nulls and NaN last in either direction). */
export function sortResults(results: readonly Result[], order: SortOrder): Result[] {
  const column = COLUMNS.find((c) => c.key === order.key);
  if (!column) return [...results];
  const missing = (v: number | string | null): boolean => v === null || (typeof v === "number" && !Number.isFinite(v));
  return results
    .map((r, i) => ({ r, i, v: column.value(r) }))
    .sort((a, b) => {
      if (missing(a.v) || missing(b.v)) return missing(a.v) === missing(b.v) ? a.i - b.i : missing(a.v) ? 1 : -1;
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return (order.descending ? -c : c) || a.i - b.i;
    })
    .map((x) => x.r);
}

/** A click on a header: the same column flips, another sorts numbers high first and text A first. */
export function nextOrder(current: SortOrder | null, key: string, sample: Result | undefined): SortOrder {
  if (current?.key === key) return { key, descending: !current.descending };
  const v = sample ? COLUMNS.find((c) => c.key === key)?.value(sample) : null;
  return { key, descending: typeof v === "number" };
}

/** x = epoch 1…longest run, one column per run (null past its last epoch). */
export function overlayColumns(results: readonly NetworkResult[], metric: keyof History): { xs: number[]; series: (number | null)[][] } {
  const longest = Math.max(0, ...results.map((r) => r.history[metric].length));
  const xs = Array.from({ length: longest }, (_, i) => i + 1);
  const series = results.map((r) => xs.map((_, i) => {
    const v = r.history[metric][i];
    return v === undefined || !Number.isFinite(v) ? null : v;
  }));
  return { xs, series };
}

/** One colour per run, cycling. */
export const RUN_COLORS = ["#1971c2", "#d9480f", "#2f9e44", "#9c36b5", "#e67700", "#0c8599", "#c2255c", "#5c940d"];
export const runColor = (i: number): string => RUN_COLORS[i % RUN_COLORS.length]!;
