// Seed 000's classical baselines beside the comparison table: a small form
// (features, n-grams, max features, C) whose button fits LogisticRegression
// then LinearSVC on the settings' data, split and text settings, in the worker.
// Each fitted baseline becomes a comparison row; its top n-grams show under
// its evaluation. Its words are marked data-i18n; the status line is kept as
// a function and said again after a language switch (relabel).

import {
  DEFAULT_FORM, baselineLabel, baselineResult, fittedLine, ngramColumns, parseBaselineForm, type BaselineForm,
} from "../baselines.js";
import type { WasmCalls } from "../calls.js";
import { t, type MessageKey } from "../i18n.js";
import type { BaselineReport } from "../protocol.js";
import type { BaselineResult } from "../session.js";
import { el, elId } from "./dom.js";
import { marked } from "./lang_switch.js";
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

/** A label's text: a key (translated) or a name that stays (n-grams, C). */
const labelText = (label: MessageKey | { plain: string }): HTMLElement =>
  typeof label === "string" ? marked("span", label) : el("span", label.plain);

function choice(
  name: string, label: MessageKey | { plain: string }, options: [string, MessageKey | { plain: string }][], value: string,
): { box: HTMLLabelElement; input: HTMLSelectElement } {
  const input = el("select");
  input.name = name;
  for (const [v, text] of options) {
    input.append(Object.assign(typeof text === "string" ? marked("option", text) : el("option", text.plain), { value: v }));
  }
  input.value = value;
  const box = el("label");
  box.append(labelText(label), input);
  return { box, input };
}

function field(name: string, label: MessageKey | { plain: string }, value: string, placeholder: string): { box: HTMLLabelElement; input: HTMLInputElement } {
  const input = el("input");
  Object.assign(input, { name, value, placeholder, type: "text", inputMode: "decimal", size: 7 });
  const box = el("label");
  box.append(labelText(label), input);
  return { box, input };
}

export class BaselinesForm {
  private enabled = false;
  private busy = false;
  private readonly fieldset = el("fieldset");
  private readonly features = choice("features", "bl.features", [["tfidf", { plain: "TF-IDF" }], ["counts", "bl.counts"]], DEFAULT_FORM.features);
  private readonly ngrams = choice("ngrams", { plain: "n-grams" }, [["1", { plain: "1" }], ["2", { plain: "1–2" }]], DEFAULT_FORM.ngrams);
  private readonly maxFeatures = field("max_features", "bl.maxFeatures", DEFAULT_FORM.max_features, "num_words");
  private readonly c = field("c", { plain: "C" }, DEFAULT_FORM.c, "1");
  private readonly button = marked("button", "bl.add");
  private readonly status = elId("p", "baseline-status", "", "baseline-status");
  /** The status line, made again in the current language after a switch. */
  private said: { text: () => string; error: boolean } | null = null;

  constructor(root: HTMLElement, private readonly deps: BaselineDeps) {
    this.button.type = "button";
    this.button.id = "add-baselines";
    this.fieldset.append(this.features.box, this.ngrams.box, this.maxFeatures.box, this.c.box, this.button);
    const form = elId("form", "baselines-form", undefined, "baselines-form");
    form.append(this.fieldset);
    form.addEventListener("submit", (e) => e.preventDefault());
    this.button.addEventListener("click", () => void this.add());
    this.status.setAttribute("aria-live", "polite");
    root.replaceChildren(marked("h3", "bl.heading"), marked("p", "bl.note", "note"), form, this.status);
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

  private show(text: () => string, error = false): void {
    this.said = { text, error };
    this.status.textContent = text();
    this.status.dataset.state = error ? "error" : "";
  }

  /** After a language switch: the status line again. */
  relabel(): void {
    if (this.said) this.show(this.said.text, this.said.error);
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
      return this.show(() => `${t("error.settings")}\n${errors.join("\n")}`, true);
    }
    const config = read.config;
    const fits: { name: string; seconds: number }[] = [];
    this.setBusy(true);
    try {
      for (const baseline of parsed.configs) {
        const done = [...fits];
        this.show(() => t("bl.fitting", { label: baselineLabel(baseline) }) + (done.length ? ` (${fittedLine(done)})` : ""));
        const run = this.deps.nextRun();
        const t0 = performance.now();
        const report = await this.deps.calls.call({ fn: "baseline", run, baseline, config });
        const seconds = (performance.now() - t0) / 1000;
        fits.push({ name: report.name, seconds });
        console.log(`[kiln] baseline #${run} ${report.name}: test_accuracy ${report.evaluation.accuracy.toFixed(4)} in ${seconds.toFixed(2)} s`);
        this.deps.onFitted(baselineResult(run, report, config, seconds), report);
      }
      this.show(() => fittedLine(fits));
    } catch (e) {
      const done = [...fits];
      const label = baselineLabel(parsed.configs[fits.length]!);
      const message = e instanceof Error ? e.message : String(e);
      this.show(() => `${done.length ? `${fittedLine(done)}\n` : ""}${t("bl.failed", { label, message })}`, true);
    } finally {
      this.setBusy(false);
    }
  }
}

/** A baseline's top n-grams per class, two columns of text under its evaluation (in the current language). */
export function ngramLists(report: BaselineReport): HTMLElement {
  const box = elId("div", "baseline-ngrams", undefined, "eval-part");
  box.append(el("h3", t("bl.topNgrams")));
  const columns = ngramColumns(report);
  if (columns.length === 0) {
    box.append(el("p", t("bl.ngramsBinary"), "note"));
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
