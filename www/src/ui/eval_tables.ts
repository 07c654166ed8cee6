// The evaluation's tables: seed 000's metrics, the confusion matrix with row
// rates, scikit-learn's classification report. Class names are data: textContent only.
// Drawn in the current language (the panel draws them again after a switch);
// the metric names and the report's columns stay as seed 000 and scikit-learn print them.

import { confusionCells, fixed4, metricRows, percent } from "../evaluation.js";
import type { Evaluation } from "../protocol.js";
import { t } from "../i18n.js";
import { el, elId, fmtInt } from "./dom.js";

export function metricsTable(e: Evaluation): HTMLTableElement {
  const table = elId("table", "eval-metrics", undefined, "eval-metrics");
  const caption = e.classes.length === 2 ? t("eval.positiveClass", { name: e.classes[1] ?? "1" }) : t("eval.macro");
  table.append(el("caption", caption));
  const body = el("tbody");
  for (const m of metricRows(e)) {
    const tr = el("tr");
    tr.dataset.metric = m.key;
    tr.append(el("th", m.label), el("td", fixed4(m.value)));
    body.append(tr);
  }
  table.append(body);
  return table;
}

/** Rows: true classes; columns: predicted classes; each cell the count and its share of the row. */
export function confusionTable(e: Evaluation): HTMLTableElement {
  const table = elId("table", "confusion", undefined, "confusion");
  const head = el("tr");
  head.append(el("th", t("eval.corner"), "corner"));
  for (const c of e.classes) head.append(el("th", c, "predicted"));
  const body = el("tbody");
  confusionCells(e.confusion).forEach((cells, i) => {
    const tr = el("tr");
    tr.append(el("th", e.classes[i] ?? String(i), "true"));
    cells.forEach((cell, j) => {
      const td = el("td", undefined, i === j ? "hit" : "miss");
      td.dataset.count = String(cell.count);
      td.style.setProperty("--rate", cell.rate.toFixed(3));
      td.append(el("span", fmtInt(cell.count), "count"), el("span", percent(cell.rate), "rate"));
      tr.append(td);
    });
    body.append(tr);
  });
  const thead = el("thead");
  thead.append(head);
  table.append(thead, body);
  return table;
}

/** scikit-learn's text when the worker sent it, else a table of the report rows. */
export function reportBlock(e: Evaluation): HTMLElement {
  if (e.report_text.trim() !== "") {
    const pre = elId("pre", "classification-report", e.report_text, "report");
    return pre;
  }
  const table = elId("table", "classification-report", undefined, "report");
  const head = el("tr");
  for (const h of ["", "precision", "recall", "f1-score", "support"]) head.append(el("th", h));
  const body = el("tbody");
  for (const r of e.report) {
    const tr = el("tr");
    tr.append(el("th", r.label), el("td", r.precision.toFixed(2)), el("td", r.recall.toFixed(2)), el("td", r.f1.toFixed(2)));
    tr.append(el("td", String(r.support)));
    body.append(tr);
  }
  const thead = el("thead");
  thead.append(head);
  table.append(thead, body);
  return table;
}
