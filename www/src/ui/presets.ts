// The preset picker: presets grouped by the notebook they come from, and the
// accuracy each reached in its notebook, in Keras on the benchmark split, and
// in this page (after a run).

import { formatPercent, notebookOf } from "../preset_groups.js";
import type { Preset } from "../protocol.js";
import { CUSTOM } from "../settings.js";
import { el } from "./dom.js";
import { marked } from "./lang_switch.js";
import { t, type MessageKey } from "../i18n.js";

/** Fill `select` with one optgroup per notebook, then "Custom". */
export function fillPresetSelect(select: HTMLSelectElement, presets: readonly Preset[]): void {
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const p of presets) {
    const name = notebookOf(p);
    let group = groups.get(name);
    if (!group) {
      group = el("optgroup");
      group.label = name;
      groups.set(name, group);
    }
    const option = el("option", p.title);
    option.value = p.name;
    group.append(option);
  }
  const custom = marked("option", "presets.custom");
  custom.value = CUSTOM;
  select.replaceChildren(...groups.values(), custom);
}

/** The three accuracies side by side; `yours` is the last test accuracy of this model here. */
export function renderAccuracy(target: HTMLElement, preset: Preset | null, yours: number | undefined): void {
  const dl = el("dl", undefined, "accuracy");
  const item = (label: MessageKey, value: number | undefined, id: string, why: MessageKey): void => {
    const dd = el("dd", value === undefined ? "–" : formatPercent(value));
    dd.id = id;
    dd.title = t(why);
    dd.setAttribute("data-i18n-title", why);
    dl.append(marked("dt", label), dd);
  };
  item("presets.notebook", preset?.notebook_accuracy, "acc-notebook", "presets.notebookTitle");
  item("presets.keras", preset?.keras_accuracy, "acc-keras", "presets.kerasTitle");
  item("presets.yours", yours, "acc-yours", "presets.yoursTitle");
  const source = preset ? el("p", preset.source, "note") : marked("p", "presets.own", "note");
  source.id = "model-source";
  target.replaceChildren(dl, source);
}
