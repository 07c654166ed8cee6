// Seed 000's comparison table, one row per finished run or fitted baseline of
// this page session (sortable by any column), and the runs' val_accuracy and
// val_loss overlaid (baselines have no curves). Drawn in the current language;
// the page calls render() again after a switch.

import { COLUMNS, networkRuns, nextOrder, overlayColumns, runColor, runLabel, sortResults, type SortOrder } from "../comparison.js";
import { isKey, t } from "../i18n.js";
import type { History } from "../protocol.js";
import type { Result } from "../session.js";
import { el, elId } from "./dom.js";
import { StaticPlot } from "./plot.js";

export class ComparisonView {
  private results: Result[] = [];
  private order: SortOrder | null = null;
  private readonly table = elId("div", "comparison-table", undefined, "scroll");
  private readonly charts = elId("div", "comparison-charts", undefined, "charts");
  private plots: StaticPlot[] = [];

  /** `open(run)`: show that run's evaluation; `openable(run)`: the worker still holds it. */
  constructor(
    root: HTMLElement,
    private readonly open: (run: number) => void,
    private readonly openable: (run: number) => boolean,
  ) {
    root.replaceChildren(this.table, this.charts);
    this.render();
  }

  get rows(): readonly Result[] {
    return this.results;
  }

  /** A finished run, or a run's new figures (same run id). */
  upsert(r: Result): void {
    const i = this.results.findIndex((x) => x.run === r.run);
    if (i >= 0) this.results[i] = r;
    else this.results.push(r);
    this.render();
  }

  render(): void {
    this.renderTable();
    this.renderCharts();
  }

  private renderTable(): void {
    if (this.results.length === 0) {
      this.table.replaceChildren(el("p", t("cmp.empty"), "note"));
      return;
    }
    const table = el("table", undefined, "comparison");
    const head = el("tr");
    for (const c of COLUMNS) {
      const th = el("th");
      const sorted = this.order?.key === c.key;
      th.setAttribute("aria-sort", sorted ? (this.order?.descending ? "descending" : "ascending") : "none");
      const button = el("button", (isKey(c.label) ? t(c.label) : c.label) + (sorted ? (this.order?.descending ? " ▼" : " ▲") : ""), "sort");
      button.type = "button";
      button.addEventListener("click", () => {
        this.order = nextOrder(this.order, c.key, networkRuns(this.results)[0] ?? this.results[0]);
        this.renderTable();
      });
      th.append(button);
      head.append(th);
    }
    head.append(el("th"));
    const body = el("tbody");
    const rows = this.order ? sortResults(this.results, this.order) : this.results;
    for (const r of rows) {
      const tr = el("tr", undefined, r.kind);
      tr.dataset.run = String(r.run);
      tr.dataset.kind = r.kind;
      for (const c of COLUMNS) {
        const td = el("td", c.text(r));
        td.dataset.key = c.key;
        tr.append(td);
      }
      const action = el("td");
      if (this.openable(r.run)) {
        const show = el("button", t("cmp.evaluate"), "icon");
        show.type = "button";
        show.title = t(r.kind === "baseline" ? "cmp.showBaseline" : "cmp.showRun", { run: String(r.run) });
        show.addEventListener("click", () => this.open(r.run));
        action.append(show);
      }
      tr.append(action);
      body.append(tr);
    }
    const thead = el("thead");
    thead.append(head);
    table.append(thead, body);
    this.table.replaceChildren(table);
  }

  /** Rebuilt when a run is added: one series per network run. */
  private renderCharts(): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
    this.charts.replaceChildren();
    const runs = networkRuns(this.results);
    if (runs.length === 0) return;
    const chart = (metric: keyof History, title: string): void => {
      const box = elId("div", `chart-compare-${metric}`, undefined, "chart");
      this.charts.append(box);
      const plot = new StaticPlot(box, {
        title,
        xLabel: "epoch",
        integerX: true,
        series: runs.map((r, i) => ({ label: runLabel(r), stroke: runColor(i), points: true })),
      });
      const { xs, series } = overlayColumns(runs, metric);
      plot.setData(xs, series);
      this.plots.push(plot);
    };
    chart("val_accuracy", t("cmp.valAccuracy"));
    chart("val_loss", t("cmp.valLoss"));
  }
}
