// The evaluation of a finished run, as the seeds print it after evaluate():
// metrics, confusion matrix, classification report, ROC and PR curves, a
// threshold slider that recomputes them in the worker, a typed-sentence
// prediction, the misclassified test reviews and ModelCheckpoint's restore.

import { Latest, type WasmCalls } from "../calls.js";
import { clampThreshold, isBinary, misclassifiedCount } from "../evaluation.js";
import type { Evaluation, Misclassified, Prediction, RunEvent } from "../protocol.js";
import { el, elId } from "./dom.js";
import { CurveCharts, curveCaption } from "./eval_curves.js";
import { confusionTable, metricsTable, reportBlock } from "./eval_tables.js";
import { mistakesList } from "./mistakes.js";
import { TrySentence } from "./try_sentence.js";

export type Done = Extract<RunEvent, { type: "done" }>;
/** What the panel shows: a run's `done`, or a baseline's evaluation (no checkpoint). */
export type Shown = Pick<Done, "evaluation" | "checkpoint_epoch">;

/** Misclassified reviews fetched per "more". */
export const PAGE = 20;

interface Update {
  run: number;
  evaluation: Evaluation;
  mistakes: Misclassified[];
}

function section(title: string, id: string): { box: HTMLElement; body: HTMLElement } {
  const box = el("div", undefined, "eval-part");
  const body = elId("div", id);
  box.append(el("h3", title), body);
  return { box, body };
}

export class EvaluationPanel {
  private run: number | null = null;
  private evaluation: Evaluation | null = null;
  private limit = PAGE;
  private readonly empty = elId("p", "eval-empty", "", "note");
  private readonly body = el("div", undefined, "eval-body");
  private readonly title = elId("p", "eval-run", undefined, "eval-run");
  private readonly slider = el("input");
  private readonly sliderValue = elId("output", "threshold-value", "0.50");
  private readonly sliderBox = el("label", undefined, "threshold");
  private readonly argmax = el("span", "More than two classes: each text gets its most probable class (no threshold).", "note");
  private readonly restore = elId("button", "restore-checkpoint", "Restore best weights");
  private readonly status = elId("span", "eval-status", "", "eval-status");
  private readonly metrics = section("Metrics", "eval-metrics-box");
  private readonly confusion = section("Confusion matrix", "confusion-box");
  private readonly report = section("classification_report", "report-box");
  private readonly curves: CurveCharts;
  private readonly caption = el("p", "", "note");
  private readonly extra = elId("div", "eval-extra");
  private readonly trySentence: TrySentence;
  private readonly mistakes = elId("div", "mistakes");
  private readonly more = elId("button", "mistakes-more", `Show ${PAGE} more`);
  private readonly updates: Latest<Update>;
  private readonly predictions: Latest<{ run: number; prediction: Prediction }>;

  constructor(
    private readonly root: HTMLElement,
    private readonly calls: WasmCalls,
    private readonly onRestored: (run: number, done: Done) => void,
  ) {
    this.slider.type = "range";
    Object.assign(this.slider, { id: "threshold", min: "0.01", max: "0.99", step: "0.01", value: "0.5" });
    this.sliderBox.append("threshold", this.slider, this.sliderValue);
    this.restore.type = "button";
    this.restore.hidden = true;
    this.more.type = "button";
    const controls = el("div", undefined, "eval-controls");
    controls.append(this.sliderBox, this.argmax, this.restore, this.status);
    const grid = el("div", undefined, "eval-grid");
    grid.append(this.metrics.box, this.confusion.box, this.report.box);
    const charts = elId("div", "eval-curves", undefined, "charts");
    const tryBox = elId("div", "try");
    this.body.append(this.title, controls, grid, this.extra, charts, this.caption);
    this.body.append(el("h3", "Try a sentence"), tryBox, el("h3", "Misclassified test reviews"), this.mistakes, this.more);
    this.root.replaceChildren(this.empty, this.body);
    this.curves = new CurveCharts(charts);
    this.trySentence = new TrySentence(tryBox, (text) => this.predict(text));
    this.updates = new Latest((r) => this.onUpdate(r));
    this.predictions = new Latest((r) => {
      if (!r.ok) this.trySentence.error(r.error);
      else if (r.value.run === this.run && this.evaluation) {
        this.trySentence.show(r.value.prediction, this.evaluation.classes, this.threshold());
      }
    });
    this.slider.addEventListener("input", () => this.refresh());
    this.more.addEventListener("click", () => {
      this.limit += PAGE;
      this.refresh();
    });
    this.restore.addEventListener("click", () => void this.restoreCheckpoint());
    this.clear("The evaluation appears when a run is done or stopped.");
  }

  clear(message: string): void {
    this.run = null;
    this.evaluation = null;
    this.empty.textContent = message;
    this.empty.hidden = false;
    this.body.hidden = true;
    this.root.dataset.run = "";
  }

  /** A finished run or baseline: its test evaluation at 0.5, then its mistakes; `extra` goes under the tables. */
  show(run: number, done: Shown, title: string, extra: HTMLElement | null = null): void {
    this.run = run;
    this.limit = PAGE;
    this.slider.value = "0.5";
    this.empty.hidden = true;
    this.body.hidden = false;
    this.title.textContent = title;
    this.root.dataset.run = String(run);
    const binary = isBinary(done.evaluation);
    this.slider.disabled = !binary;
    this.sliderBox.hidden = !binary;
    this.argmax.hidden = binary;
    const epoch = done.checkpoint_epoch;
    this.restore.hidden = epoch === undefined;
    this.restore.disabled = false;
    this.restore.textContent = `Restore best weights (epoch ${epoch ?? "–"})`;
    this.trySentence.clear();
    this.extra.replaceChildren(...(extra ? [extra] : []));
    this.render(done.evaluation, null);
    this.refresh();
  }

  private threshold(): number {
    return clampThreshold(Number(this.slider.value));
  }

  /** Evaluate and fetch mistakes at the slider's threshold; only the latest request is answered. */
  private refresh(): void {
    const run = this.run;
    if (run === null) return;
    const threshold = this.threshold();
    this.sliderValue.textContent = threshold.toFixed(2);
    this.trySentence.setThreshold(threshold);
    this.status.textContent = "updating…";
    const limit = this.limit;
    this.updates.request(async () => {
      const [evaluation, mistakes] = await Promise.all([
        this.calls.call({ fn: "evaluate", run, threshold }),
        this.calls.call({ fn: "misclassified", run, threshold, limit }),
      ]);
      return { run, evaluation, mistakes };
    });
  }

  private onUpdate(r: { ok: true; value: Update } | { ok: false; error: string }): void {
    if (!r.ok) {
      this.status.textContent = r.error;
      return;
    }
    if (r.value.run !== this.run) return;
    this.status.textContent = "";
    this.render(r.value.evaluation, r.value.mistakes);
  }

  private render(e: Evaluation, mistakes: Misclassified[] | null): void {
    this.evaluation = e;
    this.root.dataset.threshold = e.threshold.toFixed(2);
    this.metrics.body.replaceChildren(metricsTable(e));
    this.confusion.body.replaceChildren(confusionTable(e));
    this.report.body.replaceChildren(reportBlock(e));
    this.curves.update(e);
    this.caption.textContent = curveCaption(e);
    if (mistakes === null) {
      this.mistakes.replaceChildren(el("p", "Looking for misclassified reviews…", "note"));
      this.more.hidden = true;
      return;
    }
    const total = misclassifiedCount(e);
    this.mistakes.replaceChildren(...mistakesList(mistakes, total, isBinary(e) ? e.threshold : null));
    this.more.hidden = mistakes.length >= total || mistakes.length < this.limit;
  }

  private predict(text: string): void {
    const run = this.run;
    if (run === null) return;
    this.predictions.request(async () => ({ run, prediction: await this.calls.call({ fn: "predict", run, text }) }));
  }

  private async restoreCheckpoint(): Promise<void> {
    const run = this.run;
    if (run === null) return;
    this.restore.disabled = true;
    this.status.textContent = "restoring ModelCheckpoint's weights and evaluating the test set…";
    try {
      const done = await this.calls.call({ fn: "restoreCheckpoint", run });
      this.onRestored(run, done);
      if (run !== this.run) return;
      this.restore.textContent = `Best weights restored (epoch ${done.checkpoint_epoch ?? done.restored_epoch ?? "–"})`;
      this.refresh();
    } catch (e) {
      this.restore.disabled = false;
      this.status.textContent = e instanceof Error ? e.message : String(e);
    }
  }
}
