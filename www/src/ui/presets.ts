// The preset picker: presets grouped by the notebook they come from, and the
// accuracy each reached in its notebook, in Keras on the benchmark split, and
// in this page (after a run).

import { formatPercent, notebookOf } from "../preset_groups.js";
import type { Preset } from "../protocol.js";
import { CUSTOM } from "../settings.js";
import { el } from "./dom.js";

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
  const custom = el("option", "Custom (edited layers or code)");
  custom.value = CUSTOM;
  select.replaceChildren(...groups.values(), custom);
}

/** The three accuracies side by side; `yours` is the last test accuracy of this model here. */
export function renderAccuracy(target: HTMLElement, preset: Preset | null, yours: number | undefined): void {
  const dl = el("dl", undefined, "accuracy");
  const item = (label: string, value: number | undefined, id: string, why: string): void => {
    const dd = el("dd", value === undefined ? "–" : formatPercent(value));
    dd.id = id;
    dd.title = why;
    dl.append(el("dt", label), dd);
  };
  item("Notebook", preset?.notebook_accuracy, "acc-notebook", "the test accuracy the notebook printed (its own data and split)");
  item("Keras, benchmark", preset?.keras_accuracy, "acc-keras", "Keras 3 on Kiln's IMDB benchmark split");
  item("Yours", yours, "acc-yours", "your last test accuracy with this model on this page");
  const source = el("p", preset ? preset.source : "Your own layers: train to see how they do.", "note");
  source.id = "model-source";
  target.replaceChildren(dl, source);
}
