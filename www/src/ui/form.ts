// The settings form: filled from Settings, read back through the same PROPS
// table the URL uses, so both report bad values the same way. The layers are
// the layer editor's; the form only holds the other settings.

import type { LayerConfig, Preset } from "../protocol.js";
import {
  escapeText, formatValue, parseValue, PROPS, unescapeText, type Key, type Prop, type Settings, type Value,
} from "../url_state.js";
import { settingsFromConfig } from "../settings.js";
import { fillPresetSelect } from "./presets.js";

type Control = HTMLInputElement | HTMLSelectElement;

const isBox = (c: Control): c is HTMLInputElement => c instanceof HTMLInputElement && c.type === "checkbox";

/** What a control holds, as the URL would write it (checkboxes 1/0; text unescaped). */
function rawValue(prop: Prop, c: Control): string {
  if (isBox(c)) return c.checked ? "1" : "0";
  return prop.type === "text" ? unescapeText(c.value) : c.value;
}

/** Fired on the form after fill(), for controls that derive from others. */
export const FILLED = "kiln-filled";

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
      const on = c instanceof HTMLSelectElement || (c && isBox(c)) ? "change" : "input";
      c?.addEventListener(on, () => onInput(prop.name));
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
      if (isBox(c)) c.checked = v === true;
      else c.value = prop.type === "text" ? escapeText(formatValue(prop, v)) : formatValue(prop, v);
      c.removeAttribute("aria-invalid");
    }
    this.form.dispatchEvent(new Event(FILLED));
  }

  value(key: Key): string {
    const c = this.control(key);
    const prop = PROPS.find((p) => p.name === key);
    return c && prop ? rawValue(prop, c) : "";
  }

  /** Set a field as the URL writes it (checkboxes 1/0). */
  set(key: Key, value: string): void {
    const c = this.control(key);
    if (c && isBox(c)) c.checked = value === "1";
    else if (c) c.value = value;
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
      const parsed = parseValue(prop, rawValue(prop, c), this.presets);
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
