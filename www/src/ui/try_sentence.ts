// "Try a sentence": the model's probability per class for a typed text, and
// the tokens it saw with unknown ones marked. Typed text is shown with textContent only.
// The result is drawn in the current language; relabel() draws it again after a switch.

import { percent, predictedClass, tokenMarks } from "../evaluation.js";
import type { Prediction } from "../protocol.js";
import { t } from "../i18n.js";
import { el, elId } from "./dom.js";
import { marked, setAttr } from "./lang_switch.js";

export class TrySentence {
  readonly input: HTMLTextAreaElement;
  readonly button: HTMLButtonElement;
  private readonly out: HTMLElement;
  private last: { prediction: Prediction; classes: readonly string[] } | null = null;
  private threshold = 0.5;

  constructor(target: HTMLElement, predict: (text: string) => void) {
    this.input = elId("textarea", "try-text");
    this.input.rows = 2;
    setAttr(this.input, "placeholder", "try.placeholder");
    setAttr(this.input, "aria-label", "try.aria");
    this.button = marked("button", "try.predict");
    this.button.id = "try-button";
    this.button.type = "button";
    this.out = elId("div", "try-result", undefined, "try-result");
    this.out.setAttribute("aria-live", "polite");
    const go = (): void => {
      const text = this.input.value.trim();
      if (text !== "") predict(text);
    };
    this.button.addEventListener("click", go);
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        go();
      }
    });
    const row = el("div", undefined, "try-row");
    row.append(this.input, this.button);
    target.replaceChildren(row, this.out);
  }

  clear(): void {
    this.last = null;
    this.out.replaceChildren();
  }

  error(message: string): void {
    this.last = null;
    this.out.replaceChildren(el("p", message, "field-errors"));
  }

  show(prediction: Prediction, classes: readonly string[], threshold: number): void {
    this.last = { prediction, classes };
    this.threshold = threshold;
    this.render(threshold);
  }

  /** After a language switch. */
  relabel(): void {
    if (this.last) this.render(this.threshold);
  }

  /** The slider moved: the predicted class follows it (binary). */
  setThreshold(threshold: number): void {
    this.threshold = threshold;
    if (this.last) this.render(threshold);
  }

  private render(threshold: number): void {
    if (!this.last) return;
    const { prediction: p, classes } = this.last;
    const label = predictedClass(p, classes, threshold);
    const head = elId("p", "try-label", undefined, "try-label");
    head.append(`${t("try.predicted")} `, el("strong", label));
    if (classes.length === 2) {
      const prob = p.probabilities[1] === undefined ? "–" : p.probabilities[1].toFixed(4);
      head.append(` ${t("try.binary", { name: classes[1] ?? "1", p: prob, threshold: threshold.toFixed(2) })}`);
    }
    const bars = el("div", undefined, "prob-bars");
    p.probabilities.forEach((prob, i) => {
      const name = classes[i] ?? String(i);
      const bar = el("div", undefined, "prob-bar");
      bar.dataset.class = name;
      bar.dataset.probability = String(prob);
      const fill = el("span", undefined, name === label ? "fill chosen" : "fill");
      fill.style.width = percent(Math.min(1, Math.max(0, prob)));
      const track = el("span", undefined, "track");
      track.append(fill);
      bar.append(el("span", name, "name"), track, el("span", percent(prob), "value"));
      bars.append(bar);
    });
    const marks = tokenMarks(p);
    const unknown = marks.filter((m) => !m.known).length;
    const tokens = elId("p", "try-tokens", undefined, "try-tokens");
    for (const m of marks) {
      const span = el("span", m.text, m.known ? "token" : "token unknown");
      if (!m.known) span.title = t("try.unknownTitle");
      tokens.append(span, " ");
    }
    const note = el("p", t(marks.length === 1 ? "try.tokensOne" : "try.tokens", { n: marks.length, unknown }), "note");
    this.out.replaceChildren(head, bars, note, tokens);
  }
}
