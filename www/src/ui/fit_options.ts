// Controls that follow other fields of the settings form: class_weight's
// None / balanced / manual choice over its text field, the Korean stopword
// button, and callback arguments greyed out while their callback is off.
// The values themselves stay in the form's named fields (the PROPS table).

import { KOREAN_STOPWORDS } from "../settings.js";
import { byId } from "./dom.js";
import { FILLED } from "./form.js";

type Kind = "none" | "balanced" | "manual";

/** The class_weight field's value for each choice (manual keeps what was typed). */
export function classWeightKind(value: string): Kind {
  const v = value.trim();
  if (v === "" || v === "None" || v === "none") return "none";
  return v === "balanced" ? "balanced" : "manual";
}

export class FitOptions {
  private readonly kind = byId<HTMLSelectElement>("class-weight-kind");
  private readonly givenBox = byId("class-weight-given");
  private lastManual = "1,1";

  constructor(private readonly form: HTMLFormElement) {
    this.kind.addEventListener("change", () => this.onKind());
    byId("korean-stopwords").addEventListener("click", () => {
      this.setField("stopwords", KOREAN_STOPWORDS.join(","));
    });
    // the choice's own input event comes before its change: it must not be undone by sync()
    const other = (e: Event): void => {
      if (e.target !== this.kind) this.sync();
    };
    form.addEventListener("input", other);
    form.addEventListener("change", other);
    form.addEventListener(FILLED, () => this.sync());
  }

  /** Show the class_weight choice and enable callback arguments for what the fields hold. */
  private sync(): void {
    const given = this.field("class_weight");
    const kind = classWeightKind(given?.value ?? "");
    if (kind === "manual" && given) this.lastManual = given.value;
    this.kind.value = kind;
    this.givenBox.hidden = this.kind.value !== "manual";
    for (const group of this.form.querySelectorAll<HTMLElement>("[data-callback]")) {
      const on = (this.field(group.dataset["callback"] ?? "")?.value ?? "") !== "";
      for (const c of group.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
        if (c.name !== group.dataset["callback"]) c.disabled = !on;
      }
    }
  }

  private onKind(): void {
    const kind = this.kind.value as Kind;
    this.setField("class_weight", kind === "none" ? "" : kind === "balanced" ? "balanced" : this.lastManual);
    if (kind === "manual") this.field("class_weight")?.focus();
  }

  /** Set a field as if typed, so the page reads it and updates the summary and URL. */
  private setField(name: string, value: string): void {
    const c = this.field(name);
    if (!c) return;
    c.value = value;
    c.dispatchEvent(new Event("input", { bubbles: true }));
  }

  private field(name: string): HTMLInputElement | HTMLSelectElement | null {
    const c = this.form.elements.namedItem(name);
    return c instanceof HTMLInputElement || c instanceof HTMLSelectElement ? c : null;
  }
}
