// The layer editor: one card per layer with its kind and every argument, plus
// add / remove / move. Inputs come from the layer-spec table (no per-kind
// code). A field that does not parse is marked and reported, and the list
// keeps the last valid value until it is fixed.

import type { LayerConfig, LayerKind } from "../layers.js";
import {
  changeKind, defaultLayer, fieldValue, LAYER_KINDS, setField, specOf, type Edit, type FieldSpec,
} from "../layer_specs.js";
import { el } from "./dom.js";
import { marked } from "./lang_switch.js";

export type LayersChanged = (layers: LayerConfig[], errors: string[]) => void;

function kindSelect(kinds: readonly LayerKind[], value: LayerKind, label: string): HTMLSelectElement {
  const select = el("select");
  select.setAttribute("aria-label", label);
  for (const kind of kinds) {
    const option = el("option", specOf(kind).className);
    option.value = kind;
    select.append(option);
  }
  select.value = value;
  return select;
}

/** The input for one argument, showing `value`. */
function input(field: FieldSpec, value: unknown): HTMLInputElement | HTMLSelectElement {
  switch (field.type) {
    case "bool": {
      const box = el("input");
      box.type = "checkbox";
      box.checked = value === true;
      return box;
    }
    case "enum": {
      const select = el("select");
      for (const v of field.values) select.append(Object.assign(el("option", v), { value: v }));
      select.value = String(value);
      return select;
    }
    case "layer":
      throw new Error("nested layers are rendered by fields()");
    default: {
      const box = el("input");
      box.type = "number";
      box.step = field.type === "int" ? "1" : "any";
      box.min = String(field.min);
      if (field.type === "int" && field.optional) box.placeholder = "None";
      box.value = value === undefined ? "" : String(value);
      return box;
    }
  }
}

export class LayerEditor {
  private layers: LayerConfig[] = [];
  private readonly invalid = new Map<string, string>(); // "row/field" -> message
  private readonly list = el("ol", undefined, "layers");
  private readonly addKind = kindSelect(LAYER_KINDS, "dense", "Layer to add");
  private readonly errors = el("p", undefined, "field-errors");

  constructor(target: HTMLElement, private readonly changed: LayersChanged) {
    const add = marked("button", "layers.add");
    add.type = "button";
    add.id = "add-layer";
    add.addEventListener("click", () => {
      this.layers.push(defaultLayer(this.addKind.value as LayerKind));
      this.update(true);
    });
    this.addKind.id = "add-layer-kind";
    const bar = el("div", undefined, "add-layer");
    bar.append(this.addKind, add);
    target.replaceChildren(this.list, bar, this.errors);
  }

  /** Show `layers` (a preset's, or read from code); does not report a change. */
  set(layers: readonly LayerConfig[]): void {
    this.layers = structuredClone([...layers]);
    this.invalid.clear();
    this.render();
  }

  get(): LayerConfig[] {
    return structuredClone(this.layers);
  }

  setEnabled(enabled: boolean): void {
    for (const c of this.list.parentElement?.querySelectorAll("input, select, button") ?? []) {
      (c as HTMLInputElement).disabled = !enabled;
    }
  }

  private update(structural: boolean): void {
    if (structural) {
      this.invalid.clear();
      this.render();
    }
    const errors = [...this.invalid.values()];
    this.errors.textContent = errors.join("\n");
    this.changed(this.get(), errors);
  }

  private render(): void {
    this.list.replaceChildren(...this.layers.map((layer, i) => this.card(layer, i)));
  }

  private card(layer: LayerConfig, i: number): HTMLLIElement {
    const li = el("li", undefined, "layer");
    li.dataset["kind"] = layer.kind;
    const kind = kindSelect(LAYER_KINDS, layer.kind, `Layer ${i + 1} kind`);
    kind.className = "kind";
    kind.addEventListener("change", () => {
      this.layers[i] = changeKind(layer, kind.value as LayerKind);
      this.update(true);
    });
    const button = (text: string, label: string, enabled: boolean, act: () => void): HTMLButtonElement => {
      const b = el("button", text, "icon");
      b.type = "button";
      b.title = label;
      b.setAttribute("aria-label", `${label} (layer ${i + 1})`);
      b.disabled = !enabled;
      b.addEventListener("click", act);
      return b;
    };
    const move = (to: number) => () => {
      const [moved] = this.layers.splice(i, 1);
      if (moved) this.layers.splice(to, 0, moved);
      this.update(true);
    };
    const head = el("div", undefined, "layer-head");
    head.append(
      el("span", `${i + 1}`, "index"),
      kind,
      button("↑", "Move up", i > 0, move(i - 1)),
      button("↓", "Move down", i < this.layers.length - 1, move(i + 1)),
      button("✕", "Remove", true, () => {
        this.layers.splice(i, 1);
        this.update(true);
      }),
    );
    const args = el("div", undefined, "args");
    this.fields(args, `${i}`, () => this.layers[i]!, (l) => (this.layers[i] = l));
    li.append(head, args);
    return li;
  }

  /** The argument inputs of the layer `get()` returns, writing edits through `put`. */
  private fields(target: HTMLElement, key: string, get: () => LayerConfig, put: (l: LayerConfig) => void): void {
    for (const field of specOf(get().kind).fields) {
      const id = `${key}/${field.name}`;
      if (field.type === "layer") {
        const inner = (): LayerConfig => fieldValue(get(), field.name) as LayerConfig;
        const select = kindSelect(field.kinds, inner().kind, field.name);
        select.addEventListener("change", () => this.apply(id, setField(get(), field.name, select.value), put, true));
        const label = el("label", field.name);
        label.append(select);
        target.append(label);
        this.fields(target, id, inner, (l) => put({ ...get(), [field.name]: l } as LayerConfig));
        continue;
      }
      const control = input(field, fieldValue(get(), field.name));
      control.name = field.name;
      const event = control instanceof HTMLInputElement && control.type === "number" ? "input" : "change";
      control.addEventListener(event, () => {
        const raw = control instanceof HTMLInputElement && control.type === "checkbox" ? String(control.checked) : control.value;
        const edit = setField(get(), field.name, raw);
        control.setAttribute("aria-invalid", String(!edit.ok));
        control.title = edit.ok ? "" : edit.error;
        this.apply(id, edit, put, false);
      });
      const label = el("label", field.name, field.type === "bool" ? "check" : undefined);
      label.append(control);
      target.append(label);
    }
  }

  private apply(id: string, edit: Edit, put: (l: LayerConfig) => void, structural: boolean): void {
    if (edit.ok) {
      put(edit.layer);
      this.invalid.delete(id);
    } else {
      this.invalid.set(id, `layer ${Number(id.split("/")[0]) + 1}: ${edit.error}`);
    }
    this.update(structural);
  }
}
