// Misclassified test reviews, most confident first. Reviews are data (they may
// hold HTML or script): textContent only.

import { percent } from "../evaluation.js";
import type { Misclassified } from "../protocol.js";
import { el, elId, fmtInt } from "./dom.js";

export function mistakesList(items: readonly Misclassified[], total: number, threshold: number | null): HTMLElement[] {
  const at = threshold === null ? "" : ` at threshold ${threshold.toFixed(2)}`;
  const head = el("p", `${fmtInt(total)} test review${total === 1 ? "" : "s"} misclassified${at}; the ${fmtInt(items.length)} most confident:`, "note");
  if (items.length === 0) return [el("p", `No test review is misclassified${at}.`, "note")];
  const list = elId("ol", "mistakes-list", undefined, "mistakes");
  for (const m of items) {
    const li = el("li", undefined, "mistake");
    li.dataset.row = String(m.row);
    const meta = el("div", undefined, "meta");
    meta.append(
      el("span", `true: ${m.label}`, "true-label"),
      el("span", `predicted: ${m.predicted}`, "predicted"),
      el("span", `confidence ${percent(m.confidence)}`, "confidence"),
      el("span", `test row ${m.row}`, "row"),
    );
    const text = el("p", m.text, "text");
    li.append(meta, text);
    list.append(li);
  }
  return [head, list];
}
