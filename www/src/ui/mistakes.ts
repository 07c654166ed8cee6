// Misclassified test reviews, most confident first. Reviews are data (they may
// hold HTML or script): textContent only. Drawn in the current language.

import { percent } from "../evaluation.js";
import type { Misclassified } from "../protocol.js";
import { t } from "../i18n.js";
import { el, elId } from "./dom.js";

export function mistakesList(items: readonly Misclassified[], total: number, threshold: number | null): HTMLElement[] {
  const at = threshold === null ? {} : { threshold: threshold.toFixed(2) };
  const params = { total, shown: items.length, ...at };
  const key = threshold === null
    ? (total === 1 ? "mistakes.headOne" : "mistakes.head")
    : (total === 1 ? "mistakes.headAtOne" : "mistakes.headAt");
  const head = el("p", t(key, params), "note");
  if (items.length === 0) return [el("p", t(threshold === null ? "mistakes.none" : "mistakes.noneAt", at), "note")];
  const list = elId("ol", "mistakes-list", undefined, "mistakes");
  for (const m of items) {
    const li = el("li", undefined, "mistake");
    li.dataset.row = String(m.row);
    const meta = el("div", undefined, "meta");
    meta.append(
      el("span", t("mistakes.true", { label: m.label }), "true-label"),
      el("span", t("mistakes.predicted", { label: m.predicted }), "predicted"),
      el("span", t("mistakes.confidence", { p: percent(m.confidence) }), "confidence"),
      el("span", t("mistakes.row", { row: String(m.row) }), "row"),
    );
    const text = el("p", m.text, "text");
    li.append(meta, text);
    list.append(li);
  }
  return [head, list];
}
