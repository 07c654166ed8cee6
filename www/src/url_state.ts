// Page settings <-> URL query, driven by one table (TF Playground's PROPS).
// Pure: takes the query string and the presets, returns settings and the list
// of values it could not use. Range checks stay with the Rust side
// (RunConfig::validate); here only types are checked.

import { parseLayers } from "./layer_json.js";
import type { Preset } from "./protocol.js";
import {
  BACKENDS, basePreset, CUSTOM, DATASETS, LOSSES, MODEL_ALIASES, OPTIMIZER_NAMES, PADDINGS, settingsFromConfig,
  type Settings,
} from "./settings.js";

export type { Settings } from "./settings.js";
export { settingsFromConfig, toRunConfig } from "./settings.js";

export type Key = keyof Settings;
export type PropType = "int" | "number" | "enum" | "bool" | "layers";

export interface Prop {
  name: Key;
  type: PropType;
  /** The RunConfig field it fills (null: a page setting). */
  field: string | null;
  /** Allowed values of an enum; `model` takes the presets' names and "custom". */
  values?: readonly string[];
  /** An empty value means Keras' None (no clipping, no early stopping). */
  optional?: true;
}

export const PROPS: readonly Prop[] = [
  { name: "data", type: "enum", field: "data", values: DATASETS },
  { name: "model", type: "enum", field: "model" },
  { name: "layers", type: "layers", field: "layers" },
  { name: "num_words", type: "int", field: "num_words" },
  { name: "maxlen", type: "int", field: "maxlen" },
  { name: "padding", type: "enum", field: "padding", values: PADDINGS },
  { name: "truncating", type: "enum", field: "truncating", values: PADDINGS },
  { name: "batch_size", type: "int", field: "batch_size" },
  { name: "epochs", type: "int", field: "epochs" },
  { name: "optimizer", type: "enum", field: "optimizer.kind", values: OPTIMIZER_NAMES },
  { name: "lr", type: "number", field: "optimizer.learning_rate" },
  { name: "loss", type: "enum", field: "loss", values: LOSSES },
  { name: "clipnorm", type: "number", field: "clipnorm", optional: true },
  { name: "clipvalue", type: "number", field: "clipvalue", optional: true },
  { name: "patience", type: "int", field: "early_stopping.patience", optional: true },
  { name: "validation_split", type: "number", field: "validation_split" },
  { name: "seed", type: "int", field: "seed" },
  { name: "backend", type: "enum", field: null, values: BACKENDS },
  { name: "autostart", type: "bool", field: null },
];

export type Value = Settings[Key];
export type Parsed = { ok: true; value: Value } | { ok: false; error: string };

/** Parse one raw value (from the URL or a form field) as the prop's type. */
export function parseValue(prop: Prop, raw: string, presets: readonly Preset[]): Parsed {
  const v = raw.trim();
  const bad = (why: string): Parsed => ({ ok: false, error: `${prop.name}=${JSON.stringify(raw)}: ${why}` });
  if (prop.optional && v === "") return { ok: true, value: null };
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
    case "layers": {
      const r = parseLayers(v);
      return r.ok ? { ok: true, value: r.layers } : bad(r.error);
    }
  }
}

export function enumValues(prop: Prop, presets: readonly Preset[]): readonly string[] {
  return prop.name === "model" ? [...presets.map((p) => p.name), CUSTOM] : (prop.values ?? []);
}

export interface ParseResult {
  settings: Settings;
  /** One line per value that could not be used; those keep the default. */
  errors: string[];
}

/** `?model=m4_pooled&epochs=2` over the chosen preset's defaults; `layers=` makes the model custom. */
export function parseSettings(search: string, presets: readonly Preset[]): ParseResult {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const modelProp = PROPS.find((p) => p.name === "model")!;
  let model = basePreset("", presets).name;
  const given = params.get("model");
  const rawModel = given === null ? null : (MODEL_ALIASES[given.trim()] ?? given);
  if (rawModel !== null) {
    const parsed = parseValue(modelProp, rawModel, presets);
    if (parsed.ok) model = String(parsed.value);
    else errors.push(parsed.error);
  }
  const settings = settingsFromConfig(basePreset(model, presets).config);
  const record = settings as unknown as Record<Key, Value>;
  for (const [key, raw] of params) {
    const prop = PROPS.find((p) => p.name === key);
    if (!prop) {
      errors.push(`${key}: unknown setting (known: ${PROPS.map((p) => p.name).join(", ")})`);
    } else if (prop.name !== "model") {
      const parsed = parseValue(prop, raw, presets);
      if (parsed.ok) record[prop.name] = parsed.value;
      else errors.push(parsed.error);
      if (parsed.ok && prop.name === "layers") settings.model = CUSTOM;
    }
  }
  if (model === CUSTOM && settings.model !== CUSTOM) {
    errors.push(`model=custom needs layers=[…] (JSON); using ${settings.model}'s layers`);
  }
  return { settings, errors };
}

/** Settings as a query string (`?data=…`), in table order: autostart only when set,
 *  layers only for a custom model, optional values only when set. */
export function serializeSettings(s: Settings): string {
  const params = new URLSearchParams();
  for (const prop of PROPS) {
    const v = s[prop.name];
    if (prop.type === "bool") {
      if (v === true) params.set(prop.name, "1");
    } else if (prop.type === "layers") {
      if (s.model === CUSTOM) params.set(prop.name, JSON.stringify(v));
    } else if (v !== null) {
      params.set(prop.name, String(v));
    }
  }
  return `?${params.toString()}`;
}
