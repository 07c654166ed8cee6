// Which seed notebook a preset comes from (its `source` starts "seed 002: …"),
// for the grouped preset picker. Pure, so it is unit-tested.

import type { Preset } from "./protocol.js";

/** The seed notebooks in /work/shared/seeds, by number. */
export const NOTEBOOKS: Readonly<Record<string, string>> = {
  "000": "000 · Toxic comments report",
  "001": "001 · Amazon reviews report",
  "002": "002 · IMDB sequence classification",
  "003": "003 · Keras RNN chapter",
  "004": "004 · AIFFEL RNN sentiment lesson",
};

export const OTHER = "Benchmarks and variants";

/** The group a preset is shown under. */
export function notebookOf(p: Preset): string {
  const m = /\bseed (\d{3})\b/i.exec(p.source);
  if (!m) return OTHER;
  const id = m[1]!;
  return NOTEBOOKS[id] ?? `${id} · notebook`;
}

/** `0.8562` → `85.62 %` */
export const formatPercent = (x: number): string => `${(x * 100).toFixed(2)} %`;
