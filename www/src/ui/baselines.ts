// Seed 000's classical baselines beside the comparison table: a small form
// (features, n-grams, max features, C) whose button fits LogisticRegression
// then LinearSVC on the settings' data, split and text settings, in the worker.
// Each fitted baseline becomes a comparison row; its top n-grams show under
// its evaluation.

import {
  DEFAULT_FORM, baselineLabel, baselineResult, fittedLine, ngramColumns, parseBaselineForm, type BaselineForm,
} from "../baselines.js";
import type { WasmCalls } from "../calls.js";
import type { BaselineReport } from "../protocol.js";
import type { BaselineResult } from "../session.js";
import { el, elId } from "./dom.js";
import type { Read } from "./model_panel.js";

export interface BaselineDeps {
  calls: WasmCalls;
  /** The settings as a run would use them. */
  read: () => Read;
  /** A new page run id (shared with network runs). */
  nextRun: () => number;
  onFitted: (result: BaselineResult, report: BaselineReport) => void;
  /** Fitting started or ended (the page disables Train meanwhile). */
  onBusy: () => void;
}

function choice(name: string, label: string, options: [string, string][], value: string): { box: HTMLLabelElement; input: HTMLSelectElement } {
  const input = el("select");
  input.name = name;
  for (const [v, text] of options) input.append(Object.assign(el("option", text), { value: v }));
  input.value = value;
  const box = el("label", label);
  box.append(input);
  return { box, input };
}

function field(name: string, label: string, value: string, placeholder: string): { box: HTMLLabelElement; input: HTMLInputElement } {
  const input = el("input");
  Object.assign(input, { name, value, placeholder, type: "text", inputMode: "decimal", size: 7 });
  const box = el("label", label);
  box.append(input);
  return { box, input };
}

export class BaselinesForm {
  private enabled = false;
  private busy = false;
  private readonly fieldset = el("fieldset");
  private readonly features = choice("features", "features", [["tfidf", "TF-IDF"], ["counts", "counts (bag of words)"]], DEFAULT_FORM.features);
  private readonly ngrams = choice("ngrams", "n-grams", [["1", "1"], ["2", "1–2"]], DEFAULT_FORM.ngrams);
  private readonly maxFeatures = field("max_features", "max features", DEFAULT_FORM.max_features, "num_words");
  private readonly c = field("c", "C", DEFAULT_FORM.c, "1");
  private readonly button = elId("button", "add-baselines", "Add TF-IDF baselines");
  private readonly status = elId("p", "baseline-status", "", "baseline-status");

  constructor(root: HTMLElement, private readonly deps: BaselineDeps) {
    this.button.type = "button";
    this.fieldset.append(this.features.box, this.ngrams.box, this.maxFeatures.box, this.c.box, this.button);
    const form = elId("form", "baselines-form", undefined, "baselines-form");
    form.append(this.fieldset);
    form.addEventListener("submit", (e) => e.preventDefault());
    this.button.addEventListener("click", () => void this.add());
    this.status.setAttribute("aria-live", "polite");
    const note = "Seed 000's classical baselines on the same data, split and text settings as a run: "
      + "TF-IDF (or word counts) and a linear model, LogisticRegression and LinearSVC as scikit-learn fits them.";
    root.replaceChildren(el("h3", "Baselines"), el("p", note, "note"), form, this.status);
    this.setEnabled(false);
  }

  /** A baseline is being fitted. */
  get fitting(): boolean {
    return this.busy;
  }

  /** Off while a run trains (the worker refuses then anyway). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.fieldset.disabled = !enabled || this.busy;
  }

  private values(): BaselineForm {
    return {
      features: this.features.input.value === "counts" ? "counts" : "tfidf",
      ngrams: this.ngrams.input.value === "1" ? "1" : "2",
      max_features: this.maxFeatures.input.value,
      c: this.c.input.value,
    };
  }

  private show(text: string, error = false): void {
    this.status.textContent = text;
    this.status.dataset.state = error ? "error" : "";
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.setEnabled(this.enabled);
    this.deps.onBusy();
  }

  /** Fit each baseline in turn; the first error stops the rest. */
  private async add(): Promise<void> {
    if (this.busy) return;
    const parsed = parseBaselineForm(this.values());
    const read = this.deps.read();
    if (!parsed.ok || !read.ok) {
      const errors = [...(parsed.ok ? [] : parsed.errors), ...(read.ok ? [] : read.errors)];
      return this.show(`These settings are not valid:\n${errors.join("\n")}`, true);
    }
    const config = read.config;
    const fits: { name: string; seconds: number }[] = [];
    this.setBusy(true);
    try {
      for (const baseline of parsed.configs) {
        this.show(`Fitting ${baselineLabel(baseline)}…${fits.length ? ` (${fittedLine(fits)})` : ""}`);
        const run = this.deps.nextRun();
        const t0 = performance.now();
        const report = await this.deps.calls.call({ fn: "baseline", run, baseline, config });
        const seconds = (performance.now() - t0) / 1000;
        fits.push({ name: report.name, seconds });
        console.log(`[kiln] baseline #${run} ${report.name}: test_accuracy ${report.evaluation.accuracy.toFixed(4)} in ${seconds.toFixed(2)} s`);
        this.deps.onFitted(baselineResult(run, report, config, seconds), report);
      }
      this.show(fittedLine(fits));
    } catch (e) {
      const done = fits.length ? `${fittedLine(fits)}\n` : "";
      this.show(`${done}${baselineLabel(parsed.configs[fits.length]!)} failed: ${e instanceof Error ? e.message : String(e)}`, true);
    } finally {
      this.setBusy(false);
    }
  }
}

/** A baseline's top n-grams per class, two columns of text under its evaluation. */
export function ngramLists(report: BaselineReport): HTMLElement {
  const box = elId("div", "baseline-ngrams", undefined, "eval-part");
  box.append(el("h3", "Top n-grams"));
  const columns = ngramColumns(report);
  if (columns.length === 0) {
    box.append(el("p", "The n-grams with the largest weights are listed for two classes only.", "note"));
    return box;
  }
  const grid = el("div", undefined, "ngram-columns");
  for (const c of columns) {
    const col = el("div", undefined, "ngram-column");
    const list = el("ol");
    for (const w of c.rows) {
      const li = el("li");
      li.append(el("span", w.feature, "feature"), el("span", w.weight.toFixed(3), "weight"));
      list.append(li);
    }
    col.append(el("h4", c.title), list);
    grid.append(col);
  }
  box.append(grid);
  return box;
}
