// The settings form: filled from Settings, read back through the same PROPS
// table the URL uses, so both report bad values the same way. The layers are
// the layer editor's; the form only holds the other settings.

import type { LayerConfig, Preset } from "../protocol.js";
import { parseValue, PROPS, type Key, type Settings, type Value } from "../url_state.js";
import { settingsFromConfig } from "../settings.js";
import { fillPresetSelect } from "./presets.js";

type Control = HTMLInputElement | HTMLSelectElement;

export class ConfigForm {
  private presets: readonly Preset[] = [];
  private autostart = false;

  constructor(
    private readonly form: HTMLFormElement,
    /** Any field edited (for the live summary and the URL). */
    onInput: (key: Key) => void,
  ) {
    form.addEventListener("submit", (e) => e.preventDefault());
    for (const prop of PROPS) {
      const c = this.control(prop.name);
      c?.addEventListener(c instanceof HTMLSelectElement ? "change" : "input", () => onInput(prop.name));
    }
  }

  /** Fill the model list from the presets, grouped by notebook. */
  setPresets(presets: readonly Preset[]): void {
    this.presets = presets;
    const select = this.control("model");
    if (select instanceof HTMLSelectElement) fillPresetSelect(select, presets);
  }

  fill(s: Settings): void {
    this.autostart = s.autostart;
    for (const prop of PROPS) {
      const c = this.control(prop.name);
      if (!c) continue;
      const v = s[prop.name];
      c.value = v === null ? "" : String(v);
      c.removeAttribute("aria-invalid");
    }
  }

  value(key: Key): string {
    return this.control(key)?.value ?? "";
  }

  set(key: Key, value: string): void {
    const c = this.control(key);
    if (c) c.value = value;
  }

  /** The form's settings with these layers, or the fields that do not parse. */
  read(layers: LayerConfig[]): { settings: Settings; errors: string[] } | { settings: null; errors: string[] } {
    const preset = this.presets[0];
    if (!preset) return { settings: null, errors: ["The models have not loaded yet"] };
    const settings = { ...settingsFromConfig(preset.config), layers, autostart: this.autostart };
    const record = settings as unknown as Record<Key, Value>;
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

  private control(name: Key): Control | null {
    const c = this.form.elements.namedItem(name);
    return c instanceof HTMLInputElement || c instanceof HTMLSelectElement ? c : null;
  }
}
