// The run's history as Keras' CSVLogger writes it: `epoch` (0-based, as
// on_epoch_end counts) then the metrics in sorted order, one row per epoch,
// numbers as Python's repr prints them.

import type { History } from "./protocol.js";

/** Python's `repr(float)` (what CSVLogger writes): the shortest digits that read back, fixed
 * notation for exponents -4 … 15, else `1.5e-05`; nan and inf as Python prints them. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = x.toExponential().split("e") as [string, string]; // shortest round-trip digits
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace(/[-.]/g, "");
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac === "" ? "0" : frac}`;
}

/** CSVLogger's file for `history` (`History.history`); a metric missing at an epoch is "NA", as Keras writes it. */
export function historyCsv(history: Readonly<History> | Readonly<Record<string, readonly number[]>>): string {
  const columns = Object.entries(history)
    .filter(([, values]) => Array.isArray(values))
    .map(([key, values]) => [key, values as readonly number[]] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const epochs = Math.max(0, ...columns.map(([, v]) => v.length));
  const lines = [["epoch", ...columns.map(([k]) => k)].join(",")];
  for (let e = 0; e < epochs; e++) {
    lines.push([String(e), ...columns.map(([, v]) => (v[e] === undefined || v[e] === null ? "NA" : pythonFloat(v[e]!)))].join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

export const HISTORY_CSV_NAME = "kiln-history.csv";
