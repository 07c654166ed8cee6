// Page settings <-> URL query, driven by one table (TF Playground's PROPS).
// Pure: takes the query string and the presets, returns settings and the list
// of values it could not use. Range checks stay with the Rust side
// (RunConfig::validate); here only types are checked.

import { parseLayers } from "./layer_json.js";
import type { ClassWeight, Preset } from "./protocol.js";
import {
  BACKENDS, basePreset, CUSTOM, DATASETS, LOSSES, MODEL_ALIASES, MODES, MONITORS, NORMALIZERS, OPTIMIZER_NAMES,
  PADDINGS, settingsFromConfig, TOKEN_UNITS, type Settings,
} from "./settings.js";

export type { Settings } from "./settings.js";
export { settingsFromConfig, toRunConfig } from "./settings.js";

export type Key = keyof Settings;
/** `text`: taken as typed (Keras' filters keep their spaces); `list`: comma-separated words;
 *  `class_weight`: `balanced` or one weight per class, `1,3`. */
export type PropType = "int" | "number" | "enum" | "bool" | "layers" | "text" | "list" | "class_weight";

export interface Prop {
  name: Key;
  type: PropType;
  /** The RunConfig field it fills (null: a page setting). */
  field: string | null;
  /** Allowed values of an enum; `model` takes the presets' names and "custom". */
  values?: readonly string[];
  /** An empty value means Keras' None (no clipping, no early stopping). */
  optional?: true;
  /** An argument of the callback this key enables: in the URL only while it is set
   *  (the Rust side's `monitor=` alone would add an EarlyStopping). */
  when?: Key;
  /** Left out of the URL when it equals the preset's value. */
  compact?: true;
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
  { name: "test_split", type: "number", field: "test_split", compact: true },
  { name: "shuffle", type: "bool", field: "shuffle", compact: true },
  { name: "tokens", type: "enum", field: "text.tokens", values: TOKEN_UNITS, compact: true },
  { name: "lower", type: "bool", field: "text.lower", compact: true },
  { name: "filters", type: "text", field: "text.filters", compact: true },
  { name: "oov_token", type: "text", field: "text.oov_token", optional: true, compact: true },
  { name: "normalize", type: "enum", field: "text.normalize", values: NORMALIZERS, compact: true },
  { name: "stopwords", type: "list", field: "text.stopwords", compact: true },
  { name: "reserved", type: "bool", field: "text.reserved", compact: true },
  { name: "class_weight", type: "class_weight", field: "class_weight", optional: true, compact: true },
  { name: "monitor", type: "enum", field: "early_stopping.monitor", values: MONITORS, when: "patience", compact: true },
  { name: "mode", type: "enum", field: "early_stopping.mode", values: MODES, when: "patience", compact: true },
  { name: "min_delta", type: "number", field: "early_stopping.min_delta", when: "patience", compact: true },
  { name: "restore_best_weights", type: "bool", field: "early_stopping.restore_best_weights", when: "patience", compact: true },
  { name: "checkpoint", type: "enum", field: "checkpoint.monitor", values: MONITORS, optional: true, compact: true },
  { name: "save_best_only", type: "bool", field: "checkpoint.save_best_only", when: "checkpoint", compact: true },
  { name: "reduce_lr_patience", type: "int", field: "reduce_lr.patience", optional: true, compact: true },
  { name: "reduce_lr_factor", type: "number", field: "reduce_lr.factor", when: "reduce_lr_patience", compact: true },
  { name: "reduce_lr_min_lr", type: "number", field: "reduce_lr.min_lr", when: "reduce_lr_patience", compact: true },
  { name: "seed", type: "int", field: "seed" },
  { name: "backend", type: "enum", field: null, values: BACKENDS },
  { name: "autostart", type: "bool", field: null },
];

/** Other names for a key, as the Rust side takes them: `char_level=1` is `tokens=char`. */
const KEY_ALIASES: Readonly<Record<string, { key: Key; values: Readonly<Record<string, string>> }>> = {
  char_level: { key: "tokens", values: { "1": "char", true: "char", True: "char", "0": "word", false: "word", False: "word" } },
};

export type Value = Settings[Key];
export type Parsed = { ok: true; value: Value } | { ok: false; error: string };

/** `balanced`, or weights `1,3` (one per class, each a number ≥ 0). */
function parseClassWeight(v: string): { weight: ClassWeight } | { error: string } {
  if (v === "balanced") return { weight: "balanced" };
  const parts = v.split(",").map((w) => w.trim());
  const weights = parts.map((w) => (w === "" ? NaN : Number(w)));
  const bad = parts.find((_, i) => !(weights[i]! >= 0 && Number.isFinite(weights[i])));
  if (bad !== undefined) return { error: `"${bad}" is not a weight ≥ 0 (balanced, or one weight per class: 1,3)` };
  return { weight: { given: weights } };
}

/** Parse one raw value (from the URL or a form field) as the prop's type. */
export function parseValue(prop: Prop, raw: string, presets: readonly Preset[]): Parsed {
  const v = raw.trim();
  const bad = (why: string): Parsed => ({ ok: false, error: `${prop.name}=${JSON.stringify(raw)}: ${why}` });
  if (prop.optional && (v === "" || (prop.type === "text" || prop.type === "class_weight") && v === "None")) {
    return { ok: true, value: null };
  }
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
    case "text":
      return { ok: true, value: raw };
    case "list":
      return { ok: true, value: v.split(",").map((w) => w.trim()).filter((w) => w !== "") };
    case "class_weight": {
      const r = parseClassWeight(v);
      return "error" in r ? bad(r.error) : { ok: true, value: r.weight };
    }
  }
}

/** A value as the URL and the form write it (null: empty). */
export function formatValue(prop: Prop, v: Value): string {
  if (v === null) return "";
  if (prop.type === "bool") return v === true ? "1" : "0";
  if (prop.type === "layers") return JSON.stringify(v);
  if (prop.type === "list" && Array.isArray(v)) return v.join(",");
  if (prop.type === "class_weight" && typeof v === "object" && "given" in v) return v.given.join(",");
  return String(v);
}

export function enumValues(prop: Prop, presets: readonly Preset[]): readonly string[] {
  return prop.name === "model" ? [...presets.map((p) => p.name), CUSTOM] : (prop.values ?? []);
}

export interface ParseResult {
  settings: Settings;
  /** One line per value that could not be used; those keep the default. */
  errors: string[];
}

/** Keys the page reads itself, not run settings: `lang` (ui/lang_switch.ts), `probe` (main.ts,
 *  probe.ts), `threads=1` (main.ts, threads.ts: CPU runs on the single-threaded build),
 *  `kernels=rolled` (main.ts, worker.ts: the GPU kernels' GPU forms on a software adapter). */
const PAGE_KEYS: ReadonlySet<string> = new Set(["lang", "probe", "threads", "kernels"]);

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
  for (const [given, rawGiven] of params) {
    if (PAGE_KEYS.has(given)) continue;
    const alias = KEY_ALIASES[given];
    const key = alias?.key ?? given;
    const raw = alias ? (alias.values[rawGiven.trim()] ?? rawGiven) : rawGiven;
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

/**
 * Settings as a query string (`?data=…`), in table order: autostart only when set,
 * layers only for a custom model, a callback's arguments only while it is on.
 * With `base` (the preset's settings), `compact` keys equal to the preset's are
 * left out, and a None the preset does not have is written as `key=`.
 */
export function serializeSettings(s: Settings, base?: Settings): string {
  const params = new URLSearchParams();
  for (const prop of PROPS) {
    const v = s[prop.name];
    const b = base?.[prop.name];
    if (prop.when !== undefined && s[prop.when] === null) continue;
    if (prop.compact && base && formatValue(prop, v) === formatValue(prop, b ?? null) && (v === null) === (b === null)) continue;
    if (prop.type === "bool" && prop.name === "autostart") {
      if (v === true) params.set(prop.name, "1");
    } else if (prop.type === "layers") {
      if (s.model === CUSTOM) params.set(prop.name, formatValue(prop, v));
    } else if (v !== null) {
      params.set(prop.name, formatValue(prop, v));
    } else if (base && b !== null && b !== undefined) {
      params.set(prop.name, "");
    }
  }
  return `?${params.toString()}`;
}

/** A `text` value as a one-line form field shows it: `\` `\t` `\n` `\r` written as escapes. */
export function escapeText(v: string): string {
  return v.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c);
}

/** The inverse of escapeText; a lone `\` before another character stays as it is. */
export function unescapeText(v: string): string {
  return v.replace(/\\([\\tnr])/g, (_, c: string) => ({ "\\": "\\", t: "\t", n: "\n", r: "\r" })[c] ?? c);
}
