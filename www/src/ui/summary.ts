// Keras' model.summary() as a table: live while the layers are edited, and
// the run's own from the "prepared" event.

import { t } from "../i18n.js";
import type { RunEvent, Summary } from "../protocol.js";
import { el, fmtInt, row } from "./dom.js";

type Prepared = Extract<RunEvent, { type: "prepared" }>;

/** `(None, 500, 32)` */
export function shapeText(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

/** The table Keras prints; `kind` is already Keras' class name. */
export function summaryTable(s: Summary): HTMLTableElement {
  const table = el("table", undefined, "keras-summary");
  table.append(el("caption", 'Model: "sequential"'));
  const head = el("thead");
  head.append(row(["Layer (type)", "Output Shape", "Param #"], "th"));
  const body = el("tbody");
  for (const r of s.rows) body.append(row([`${r.name} (${r.kind})`, shapeText(r.output_shape), fmtInt(r.params)]));
  const foot = el("tfoot");
  for (const [label, n, id] of [
    ["Total params", s.total_params, "total-params"],
    ["Trainable params", s.trainable_params, "trainable-params"],
    ["Non-trainable params", s.non_trainable_params, "non-trainable-params"],
  ] as const) {
    const tr = el("tr");
    const td = el("td", `${label}: `);
    td.append(Object.assign(el("span", fmtInt(n)), { id }));
    td.colSpan = 3;
    tr.append(td);
    foot.append(tr);
  }
  table.append(head, body, foot);
  return table;
}

/** The live summary, or why the layers cannot be built. */
export function renderSummary(target: HTMLElement, s: Summary): void {
  const scroll = el("div", undefined, "scroll");
  scroll.append(summaryTable(s));
  target.dataset["state"] = "ok";
  target.replaceChildren(scroll);
}

export function renderSummaryError(target: HTMLElement, title: string, lines: readonly string[]): void {
  const box = el("div", undefined, "errors");
  box.id = "summary-error";
  box.append(el("strong", title));
  for (const line of lines) box.append(el("div", line));
  target.dataset["state"] = "error";
  target.replaceChildren(box);
}

export function renderSummaryPending(target: HTMLElement): void {
  target.dataset["state"] = "pending";
  if (target.childElementCount === 0) target.append(el("p", "Building the summary…", "note"));
}

/** What the run fits on, from the "prepared" event. */
export function fitNote(ev: Prepared): string {
  return t("fit.note", {
    train: ev.train_samples, val: ev.val_samples, steps: ev.steps_per_epoch, test: ev.test_samples,
    vocab: ev.vocab_size, classes: ev.num_classes, params: ev.summary.total_params,
  });
}
