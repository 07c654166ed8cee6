// The final test metrics and the per-epoch history.

import { t } from "../i18n.js";
import { formatMetric } from "../progress.js";
import type { History, RunEvent } from "../protocol.js";
import type { NetworkResult } from "../session.js";
import { el, row } from "./dom.js";

export function historyTable(h: History): HTMLTableElement {
  const table = el("table", undefined, "history");
  const head = el("thead");
  head.append(row(["epoch", "loss", "accuracy", "val_loss", "val_accuracy"], "th"));
  const body = el("tbody");
  h.loss.forEach((_, i) => {
    const cell = (xs: number[]): string => (xs[i] === undefined ? "" : formatMetric(xs[i]));
    body.append(row([String(i + 1), cell(h.loss), cell(h.accuracy), cell(h.val_loss), cell(h.val_accuracy)]));
  });
  table.append(head, body);
  return table;
}

export function renderResults(target: HTMLElement, r: NetworkResult, done: Extract<RunEvent, { type: "done" }>, stoppedEarly: boolean): void {
  const dl = el("dl", undefined, "metrics");
  const item = (k: string, v: string, id?: string): void => {
    const dd = el("dd", v);
    if (id) dd.id = id;
    dl.append(el("dt", k), dd);
  };
  item(t("results.testAccuracy"), `${(r.test_accuracy * 100).toFixed(2)}%`, "test-accuracy");
  item(t("results.testLoss"), formatMetric(r.test_loss), "test-loss");
  item(t("results.msPerStep"), r.ms_per_step_median === null ? "–" : `${r.ms_per_step_median.toFixed(1)} ms`);
  item(t("results.backend"), r.backend === "webgpu" ? "WebGPU" : r.backend === "cpu" ? "CPU" : "–");
  const parts: HTMLElement[] = [dl];
  if (done.stopped_early !== undefined) {
    const text = done.restored_epoch === undefined
      ? t("results.earlyStopped", { epoch: done.stopped_early })
      : t("results.earlyStoppedRestored", { epoch: done.stopped_early, restored: done.restored_epoch });
    parts.push(el("p", text, "note"));
  } else if (done.restored_epoch !== undefined) {
    parts.push(el("p", t("results.restored", { restored: done.restored_epoch }), "note"));
  }
  if (stoppedEarly) parts.push(el("p", t("results.stopped"), "note"));
  if (r.history.loss.length > 0) parts.push(historyTable(r.history));
  target.replaceChildren(...parts);
}

export function clearResults(target: HTMLElement): void {
  target.replaceChildren(el("p", t("results.empty"), "note"));
}
