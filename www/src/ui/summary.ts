// Keras' model.summary() as a table, from the "prepared" event.

import type { RunEvent } from "../protocol.js";
import { el, fmtInt, row } from "./dom.js";

type Prepared = Extract<RunEvent, { type: "prepared" }>;

/** `(None, 500, 32)` */
export function shapeText(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

/** Keras' class names for the Rust layer kinds. */
const CLASS_NAMES: Record<string, string> = {
  embedding: "Embedding",
  lstm: "LSTM",
  global_average_pooling1d: "GlobalAveragePooling1D",
  dense: "Dense",
};

export const className = (kind: string): string => CLASS_NAMES[kind] ?? kind;

export function renderSummary(target: HTMLElement, ev: Prepared): void {
  const s = ev.summary;
  const table = el("table", undefined, "keras-summary");
  table.append(el("caption", 'Model: "sequential"'));
  const head = el("thead");
  head.append(row(["Layer (type)", "Output Shape", "Param #"], "th"));
  const body = el("tbody");
  for (const r of s.rows) body.append(row([`${r.name} (${className(r.kind)})`, shapeText(r.output_shape), fmtInt(r.params)]));
  const foot = el("tfoot");
  for (const [label, n] of [
    ["Total params", s.total_params],
    ["Trainable params", s.trainable_params],
    ["Non-trainable params", s.non_trainable_params],
  ] as const) {
    const tr = el("tr");
    const td = el("td", `${label}: ${fmtInt(n)}`);
    td.colSpan = 3;
    tr.append(td);
    foot.append(tr);
  }
  table.append(head, body, foot);
  const fit = el(
    "p",
    `Train on ${fmtInt(ev.train_samples)} samples, validate on ${fmtInt(ev.val_samples)} samples ` +
      `(${fmtInt(ev.steps_per_epoch)} steps per epoch); test on ${fmtInt(ev.test_samples)}; ` +
      `vocabulary ${fmtInt(ev.vocab_size)} words.`,
    "note",
  );
  const scroll = el("div", undefined, "scroll");
  scroll.append(table);
  target.replaceChildren(scroll, fit);
}

export function clearSummary(target: HTMLElement): void {
  target.replaceChildren(el("p", "The model summary appears when training starts.", "note"));
}
