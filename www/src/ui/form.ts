// The settings form: filled from Settings, read back through the same PROPS
// table the URL uses, so both report bad values the same way.

import type { Preset } from "../protocol.js";
import { parseValue, PROPS, settingsFromConfig, type Key, type Settings } from "../url_state.js";
import { el } from "./dom.js";

type Control = HTMLInputElement | HTMLSelectElement;

/** Fields that follow the model preset when the model changes (not data or backend). */
const MODEL_FIELDS: readonly Key[] = [
  "num_words", "maxlen", "padding", "truncating", "batch_size", "epochs", "lr", "validation_split", "seed",
];

export class ConfigForm {
  private presets: readonly Preset[] = [];
  private autostart = false;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly source: HTMLElement,
  ) {
    form.addEventListener("submit", (e) => e.preventDefault());
    this.control("model")?.addEventListener("change", () => this.applyPreset());
  }

  /** Fill the model list from the presets. */
  setPresets(presets: readonly Preset[]): void {
    this.presets = presets;
    const select = this.control("model");
    if (!(select instanceof HTMLSelectElement)) return;
    select.replaceChildren(...presets.map((p) => {
      const option = el("option", p.title);
      option.value = p.name;
      return option;
    }));
  }

  fill(s: Settings): void {
    this.autostart = s.autostart;
    for (const prop of PROPS) {
      const c = this.control(prop.name);
      if (c) c.value = String(s[prop.name]);
    }
    this.showSource();
  }

  /** The form's settings, or the fields that do not parse. */
  read(): { settings: Settings; errors: string[] } | { settings: null; errors: string[] } {
    const preset = this.presets.find((p) => p.name === this.control("model")?.value) ?? this.presets[0];
    if (!preset) return { settings: null, errors: ["The models have not loaded yet"] };
    const settings = settingsFromConfig(preset.config);
    settings.autostart = this.autostart;
    const record = settings as unknown as Record<Key, string | number | boolean>;
    const errors: string[] = [];
    for (const prop of PROPS) {
      const c = this.control(prop.name);
      if (!c) continue;
      const parsed = parseValue(prop, c.value, this.presets);
      if (parsed.ok) record[prop.name] = parsed.value;
      else errors.push(parsed.error);
      c.setAttribute("aria-invalid", String(!parsed.ok));
    }
    return errors.length > 0 ? { settings: null, errors } : { settings, errors };
  }

  setEnabled(enabled: boolean): void {
    for (const fieldset of this.form.querySelectorAll("fieldset")) fieldset.disabled = !enabled;
  }

  /** Selecting a model resets the model's fields to its preset. */
  private applyPreset(): void {
    const preset = this.presets.find((p) => p.name === this.control("model")?.value);
    if (!preset) return;
    const defaults = settingsFromConfig(preset.config);
    for (const key of MODEL_FIELDS) {
      const c = this.control(key);
      if (c) {
        c.value = String(defaults[key]);
        c.removeAttribute("aria-invalid");
      }
    }
    this.showSource();
  }

  private showSource(): void {
    const preset = this.presets.find((p) => p.name === this.control("model")?.value);
    this.source.textContent = preset ? preset.source : "";
  }

  private control(name: Key): Control | null {
    const c = this.form.elements.namedItem(name);
    return c instanceof HTMLInputElement || c instanceof HTMLSelectElement ? c : null;
  }
}
