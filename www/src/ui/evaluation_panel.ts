// The evaluation of a finished run, as the seeds print it after evaluate():
// metrics, confusion matrix, classification report, ROC and PR curves, a
// threshold slider that recomputes them in the worker, a typed-sentence
// prediction, the misclassified test reviews and ModelCheckpoint's restore.
// Its own words are marked data-i18n; after a language switch, relabel() draws
// the tables, curves and lists again from the last answers.

import { Latest, type WasmCalls } from "../calls.js";
import { clampThreshold, isBinary, misclassifiedCount } from "../evaluation.js";
import type { Evaluation, Misclassified, Prediction, RunEvent } from "../protocol.js";
import { el, elId } from "./dom.js";
import { CurveCharts, curveCaption } from "./eval_curves.js";
import { confusionTable, metricsTable, reportBlock } from "./eval_tables.js";
import { mistakesList } from "./mistakes.js";
import { TrySentence } from "./try_sentence.js";
import { marked, setPlain, setText } from "./lang_switch.js";
import { t, type MessageKey } from "../i18n.js";

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

function section(title: MessageKey | "classification_report", id: string): { box: HTMLElement; body: HTMLElement } {
  const box = el("div", undefined, "eval-part");
  const body = elId("div", id);
  box.append(title === "classification_report" ? el("h3", title) : marked("h3", title), body);
  return { box, body };
}

export class EvaluationPanel {
  private run: number | null = null;
  private evaluation: Evaluation | null = null;
  /** The last misclassified reviews shown (null: still looking). */
  private shownMistakes: Misclassified[] | null = null;
  private titleText: () => string = () => "";
  private extraPart: (() => HTMLElement) | null = null;
  private limit = PAGE;
  private readonly empty = elId("p", "eval-empty", "", "note");
  private readonly body = el("div", undefined, "eval-body");
  private readonly title = elId("p", "eval-run", undefined, "eval-run");
  private readonly slider = el("input");
  private readonly sliderValue = elId("output", "threshold-value", "0.50");
  private readonly sliderBox = el("label", undefined, "threshold");
  private readonly argmax = marked("span", "eval.argmax", "note");
  private readonly restore = marked("button", "eval.restore");
  private readonly status = elId("span", "eval-status", "", "eval-status");
  private readonly metrics = section("eval.metrics", "eval-metrics-box");
  private readonly confusion = section("eval.confusion", "confusion-box");
  private readonly report = section("classification_report", "report-box");
  private readonly chartsBox = elId("div", "eval-curves", undefined, "charts");
  private curves: CurveCharts;
  private readonly caption = el("p", "", "note");
  private readonly extra = elId("div", "eval-extra");
  private readonly trySentence: TrySentence;
  private readonly mistakes = elId("div", "mistakes");
  private readonly more = marked("button", "eval.more", undefined, { n: PAGE });
  private readonly updates: Latest<Update>;
  private readonly predictions: Latest<{ run: number; prediction: Prediction }>;

  constructor(
    private readonly root: HTMLElement,
    private readonly calls: WasmCalls,
    private readonly onRestored: (run: number, done: Done) => void,
  ) {
    this.slider.type = "range";
    Object.assign(this.slider, { id: "threshold", min: "0.01", max: "0.99", step: "0.01", value: "0.5" });
    this.sliderBox.append(marked("span", "eval.threshold"), this.slider, this.sliderValue);
    this.restore.id = "restore-checkpoint";
    this.more.id = "mistakes-more";
    this.restore.type = "button";
    this.restore.hidden = true;
    this.more.type = "button";
    const controls = el("div", undefined, "eval-controls");
    controls.append(this.sliderBox, this.argmax, this.restore, this.status);
    const grid = el("div", undefined, "eval-grid");
    grid.append(this.metrics.box, this.confusion.box, this.report.box);
    const tryBox = elId("div", "try");
    this.body.append(this.title, controls, grid, this.extra, this.chartsBox, this.caption);
    this.body.append(marked("h3", "eval.try"), tryBox, marked("h3", "eval.mistakes"), this.mistakes, this.more);
    this.root.replaceChildren(this.empty, this.body);
    this.curves = new CurveCharts(this.chartsBox);
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
    this.clear(t("evaluation.empty"));
  }

  /** After a language switch: the tables, curves, lists and prediction in the new language. */
  relabel(): void {
    this.curves.destroy();
    this.curves = new CurveCharts(this.chartsBox);
    if (this.run === null || !this.evaluation) return;
    this.title.textContent = this.titleText();
    if (this.extraPart) this.extra.replaceChildren(this.extraPart());
    this.render(this.evaluation, this.shownMistakes);
    this.trySentence.relabel();
  }

  clear(message: string): void {
    this.run = null;
    this.evaluation = null;
    this.empty.textContent = message;
    this.empty.hidden = false;
    this.body.hidden = true;
    this.root.dataset.run = "";
  }

  /**
   * A finished run or baseline: its test evaluation at 0.5, then its mistakes; `extra` goes
   * under the tables. `title` and `extra` are made again after a language switch.
   */
  show(run: number, done: Shown, title: () => string, extra: (() => HTMLElement) | null = null): void {
    this.titleText = title;
    this.extraPart = extra;
    this.run = run;
    this.limit = PAGE;
    this.slider.value = "0.5";
    this.empty.hidden = true;
    this.body.hidden = false;
    this.title.textContent = title();
    this.root.dataset.run = String(run);
    const binary = isBinary(done.evaluation);
    this.slider.disabled = !binary;
    this.sliderBox.hidden = !binary;
    this.argmax.hidden = binary;
    const epoch = done.checkpoint_epoch;
    this.restore.hidden = epoch === undefined;
    this.restore.disabled = false;
    setText(this.restore, "eval.restoreEpoch", { epoch: String(epoch ?? "–") });
    this.trySentence.clear();
    this.extra.replaceChildren(...(extra ? [extra()] : []));
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
    setText(this.status, "eval.updating");
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
      setPlain(this.status, r.error);
      return;
    }
    if (r.value.run !== this.run) return;
    setPlain(this.status, "");
    this.render(r.value.evaluation, r.value.mistakes);
  }

  private render(e: Evaluation, mistakes: Misclassified[] | null): void {
    this.evaluation = e;
    this.shownMistakes = mistakes;
    this.root.dataset.threshold = e.threshold.toFixed(2);
    this.metrics.body.replaceChildren(metricsTable(e));
    this.confusion.body.replaceChildren(confusionTable(e));
    this.report.body.replaceChildren(reportBlock(e));
    this.curves.update(e);
    this.caption.textContent = curveCaption(e);
    if (mistakes === null) {
      this.mistakes.replaceChildren(marked("p", "eval.lookingMistakes", "note"));
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
    setText(this.status, "eval.restoring");
    try {
      const done = await this.calls.call({ fn: "restoreCheckpoint", run });
      this.onRestored(run, done);
      if (run !== this.run) return;
      setText(this.restore, "eval.restored", { epoch: String(done.checkpoint_epoch ?? done.restored_epoch ?? "–") });
      this.refresh();
    } catch (e) {
      this.restore.disabled = false;
      setPlain(this.status, e instanceof Error ? e.message : String(e));
    }
  }
}
