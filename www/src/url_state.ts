// Page settings <-> URL query, driven by one table (TF Playground's PROPS).
// Pure: takes the query string and the presets, returns settings and the list
// of values it could not use. Range checks stay with the Rust side
// (RunConfig::validate); here only types are checked.

import type { BackendChoice, DatasetName, Padding, Preset, RunConfig } from "./protocol.js";

/** Everything the form and the URL hold; keys are the URL keys. */
export interface Settings {
  data: DatasetName;
  model: string;
  num_words: number;
  maxlen: number;
  padding: Padding;
  truncating: Padding;
  batch_size: number;
  epochs: number;
  lr: number;
  validation_split: number;
  seed: number;
  backend: BackendChoice;
  autostart: boolean;
}

export type Key = keyof Settings;
export type PropType = "int" | "number" | "enum" | "bool";

export interface Prop {
  name: Key;
  type: PropType;
  /** The RunConfig field it fills (null: a page setting). */
  field: string | null;
  /** Allowed values of an enum; `model` takes the presets' names. */
  values?: readonly string[];
}

export const DATASETS: readonly DatasetName[] = ["imdb-1k", "imdb-5k", "imdb-20k"];
export const PADDINGS: readonly Padding[] = ["pre", "post"];
export const BACKENDS: readonly BackendChoice[] = ["auto", "webgpu", "cpu"];

export const PROPS: readonly Prop[] = [
  { name: "data", type: "enum", field: "data", values: DATASETS },
  { name: "model", type: "enum", field: "model" },
  { name: "num_words", type: "int", field: "num_words" },
  { name: "maxlen", type: "int", field: "maxlen" },
  { name: "padding", type: "enum", field: "padding", values: PADDINGS },
  { name: "truncating", type: "enum", field: "truncating", values: PADDINGS },
  { name: "batch_size", type: "int", field: "batch_size" },
  { name: "epochs", type: "int", field: "epochs" },
  { name: "lr", type: "number", field: "optimizer.learning_rate" },
  { name: "validation_split", type: "number", field: "validation_split" },
  { name: "seed", type: "int", field: "seed" },
  { name: "backend", type: "enum", field: null, values: BACKENDS },
  { name: "autostart", type: "bool", field: null },
];

export type Parsed = { ok: true; value: string | number | boolean } | { ok: false; error: string };

/** Parse one raw value (from the URL or a form field) as the prop's type. */
export function parseValue(prop: Prop, raw: string, presets: readonly Preset[]): Parsed {
  const v = raw.trim();
  const bad = (why: string): Parsed => ({ ok: false, error: `${prop.name}=${JSON.stringify(raw)}: ${why}` });
  switch (prop.type) {
    case "int":
      if (!/^\d+$/.test(v)) return bad("not a whole number ≥ 0");
      if (!Number.isSafeInteger(Number(v))) return bad("too large");
      return { ok: true, value: Number(v) };
    case "number": {
      const n = v === "" ? NaN : Number(v);
      return Number.isFinite(n) ? { ok: true, value: n } : bad("not a number");
    }
    case "bool":
      if (["1", "true", "yes", "on"].includes(v)) return { ok: true, value: true };
      if (["0", "false", "no", "off", ""].includes(v)) return { ok: true, value: false };
      return bad("not one of 1, 0, true, false");
    case "enum": {
      const values = enumValues(prop, presets);
      return values.includes(v) ? { ok: true, value: v } : bad(`not one of ${values.join(", ")}`);
    }
  }
}

export function enumValues(prop: Prop, presets: readonly Preset[]): readonly string[] {
  return prop.name === "model" ? presets.map((p) => p.name) : (prop.values ?? []);
}

/** A preset's RunConfig as settings (backend auto, no autostart). */
export function settingsFromConfig(c: RunConfig, backend: BackendChoice = "auto"): Settings {
  return {
    data: c.data,
    model: c.model,
    num_words: c.num_words,
    maxlen: c.maxlen,
    padding: c.padding,
    truncating: c.truncating,
    batch_size: c.batch_size,
    epochs: c.epochs,
    lr: c.optimizer.learning_rate,
    validation_split: c.validation_split,
    seed: c.seed,
    backend,
    autostart: false,
  };
}

/** The RunConfig for these settings: layers come from the model's preset. */
export function toRunConfig(s: Settings, presets: readonly Preset[]): RunConfig {
  const preset = presets.find((p) => p.name === s.model);
  if (!preset) throw new Error(`unknown model \`${s.model}\``);
  return {
    data: s.data,
    model: s.model,
    layers: preset.config.layers,
    num_words: s.num_words,
    maxlen: s.maxlen,
    padding: s.padding,
    truncating: s.truncating,
    batch_size: s.batch_size,
    epochs: s.epochs,
    optimizer: { kind: "adam", learning_rate: s.lr },
    validation_split: s.validation_split,
    seed: s.seed,
  };
}

export const DEFAULT_MODEL = "lstm";

export interface ParseResult {
  settings: Settings;
  /** One line per value that could not be used; those keep the default. */
  errors: string[];
}

/** `?model=pooled&epochs=2` over the chosen preset's defaults. */
export function parseSettings(search: string, presets: readonly Preset[]): ParseResult {
  if (presets.length === 0) throw new Error("no presets");
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const modelProp = PROPS.find((p) => p.name === "model")!;
  const fallback = presets.find((p) => p.name === DEFAULT_MODEL) ?? presets[0]!;
  let preset = fallback;
  const rawModel = params.get("model");
  if (rawModel !== null) {
    const parsed = parseValue(modelProp, rawModel, presets);
    if (parsed.ok) preset = presets.find((p) => p.name === parsed.value) ?? fallback;
    else errors.push(parsed.error);
  }
  const settings = settingsFromConfig(preset.config);
  const record = settings as unknown as Record<Key, string | number | boolean>;
  for (const [key, raw] of params) {
    const prop = PROPS.find((p) => p.name === key);
    if (!prop) {
      errors.push(`${key}: unknown setting (known: ${PROPS.map((p) => p.name).join(", ")})`);
    } else if (prop.name !== "model") {
      const parsed = parseValue(prop, raw, presets);
      if (parsed.ok) record[prop.name] = parsed.value;
      else errors.push(parsed.error);
    }
  }
  return { settings, errors };
}

/** Settings as a query string (`?data=…`), in table order; autostart only when set. */
export function serializeSettings(s: Settings): string {
  const params = new URLSearchParams();
  for (const prop of PROPS) {
    const v = s[prop.name];
    if (prop.type === "bool") {
      if (v === true) params.set(prop.name, "1");
    } else {
      params.set(prop.name, String(v));
    }
  }
  return `?${params.toString()}`;
}
