// One table describes every Keras layer the editor offers: its class name, its
// arguments (name, input type, allowed values) and the defaults a new layer
// gets. The editor, the URL reader and the tests are all driven by it; no
// code is written per kind.

import type { Activation, LayerArgs, LayerConfig, LayerKind, LayerOf } from "./layers.js";

export const ACTIVATIONS: readonly Activation[] = [
  "linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish",
];
export const RECURRENT_KINDS = ["simple_rnn", "lstm", "gru"] as const;

/** How one argument is edited. `optional`: may be left empty (Keras' None); `omitted`: the
 *  enum value Rust leaves out (Keras' default), shown when the argument is absent. */
export type FieldSpec<N extends string = string> =
  | { name: N; type: "int"; min: number; optional?: true }
  | { name: N; type: "float"; min: number; max?: number; maxExclusive?: true }
  | { name: N; type: "bool" }
  | { name: N; type: "enum"; values: readonly string[]; omitted?: string }
  | { name: N; type: "layer"; kinds: readonly LayerKind[] };

/** One kind of layer; `A` is its arguments (LayerArgs[kind]). */
export interface LayerSpec<A> {
  /** Keras' class name, as the summary and the code print it. */
  className: string;
  fields: readonly FieldSpec<keyof A & string>[];
  /** A new layer of this kind: Keras' defaults, and small sizes where Keras has none. */
  defaults: A;
}

const int = <N extends string>(name: N, min = 1, optional = false): FieldSpec<N> =>
  optional ? { name, type: "int", min, optional: true } : { name, type: "int", min };
const rate = <N extends string>(name: N): FieldSpec<N> => ({ name, type: "float", min: 0, max: 1, maxExclusive: true });
const activation = { name: "activation", type: "enum", values: ACTIVATIONS } as const;

const recurrent = (className: string): LayerSpec<LayerArgs["lstm"]> => ({
  className,
  fields: [int("units"), activation, { name: "return_sequences", type: "bool" }, rate("dropout"), rate("recurrent_dropout")],
  defaults: { units: 32, activation: "tanh", return_sequences: false, dropout: 0, recurrent_dropout: 0 },
});
const pooling = (className: string): LayerSpec<LayerArgs["max_pooling1d"]> => ({
  className,
  fields: [int("pool_size"), int("strides", 1, true), { name: "padding", type: "enum", values: ["valid", "same"] }],
  defaults: { pool_size: 2, padding: "valid" },
});
const empty = (className: string): LayerSpec<LayerArgs["flatten"]> => ({ className, fields: [], defaults: {} });

export const LAYER_SPECS: { readonly [K in LayerKind]: LayerSpec<LayerArgs[K]> } = {
  embedding: {
    className: "Embedding",
    fields: [
      int("output_dim"), int("input_dim", 1, true), { name: "trainable", type: "bool" },
      { name: "embeddings_initializer", type: "enum", values: ["uniform", "word2vec"], omitted: "uniform" },
    ],
    defaults: { output_dim: 32 },
  },
  dense: { className: "Dense", fields: [int("units"), activation], defaults: { units: 16, activation: "relu" } },
  activation: { className: "Activation", fields: [activation], defaults: { activation: "relu" } },
  dropout: { className: "Dropout", fields: [rate("rate")], defaults: { rate: 0.5 } },
  spatial_dropout1d: { className: "SpatialDropout1D", fields: [rate("rate")], defaults: { rate: 0.2 } },
  simple_rnn: recurrent("SimpleRNN"),
  lstm: recurrent("LSTM"),
  gru: recurrent("GRU"),
  bidirectional: {
    className: "Bidirectional",
    fields: [
      { name: "layer", type: "layer", kinds: RECURRENT_KINDS },
      { name: "merge_mode", type: "enum", values: ["concat", "sum", "ave", "mul"] },
    ],
    defaults: { layer: { kind: "lstm", units: 32, activation: "tanh", return_sequences: false, dropout: 0, recurrent_dropout: 0 }, merge_mode: "concat" },
  },
  conv1d: {
    className: "Conv1D",
    fields: [
      int("filters"), int("kernel_size"), int("strides"),
      { name: "padding", type: "enum", values: ["valid", "same", "causal"] },
      int("dilation_rate"), activation,
    ],
    defaults: { filters: 32, kernel_size: 3, strides: 1, padding: "valid", dilation_rate: 1, activation: "relu" },
  },
  max_pooling1d: pooling("MaxPooling1D"),
  average_pooling1d: pooling("AveragePooling1D"),
  global_max_pooling1d: empty("GlobalMaxPooling1D"),
  global_average_pooling1d: empty("GlobalAveragePooling1D"),
  batch_normalization: {
    className: "BatchNormalization",
    fields: [{ name: "momentum", type: "float", min: 0, max: 1 }, { name: "epsilon", type: "float", min: 0 }],
    defaults: { momentum: 0.99, epsilon: 0.001 },
  },
  flatten: empty("Flatten"),
};

export const LAYER_KINDS = Object.keys(LAYER_SPECS) as LayerKind[];

export const isLayerKind = (k: unknown): k is LayerKind => typeof k === "string" && k in LAYER_SPECS;

/** A kind's spec, with its field names widened to string (for generic code). */
export function specOf(kind: LayerKind): LayerSpec<Record<string, unknown>> {
  return LAYER_SPECS[kind] as unknown as LayerSpec<Record<string, unknown>>;
}

/** A new layer of `kind` with the table's defaults (a deep copy). */
export function defaultLayer<K extends LayerKind>(kind: K): LayerOf<K> {
  return { kind, ...structuredClone(LAYER_SPECS[kind].defaults) } as unknown as LayerOf<K>;
}

/** Keras' argument a field shows when it is absent (input_dim: num_words, trainable: True,
 *  embeddings_initializer: "uniform"). */
export function fieldValue(layer: LayerConfig, name: string): unknown {
  const v = (layer as unknown as Record<string, unknown>)[name];
  if (v === undefined && name === "trainable") return true;
  if (v === undefined) {
    const field = specOf(layer.kind).fields.find((f) => f.name === name);
    if (field?.type === "enum") return field.omitted;
  }
  return v;
}

export type Edit = { ok: true; layer: LayerConfig } | { ok: false; error: string };

/** `layer` with one argument set from the text of its input (or a checkbox's "true"/"false"). */
export function setField(layer: LayerConfig, name: string, raw: string): Edit {
  const field = specOf(layer.kind).fields.find((f) => f.name === name);
  if (!field) return { ok: false, error: `${specOf(layer.kind).className} has no argument ${name}` };
  const out = { ...layer } as unknown as Record<string, unknown>;
  const bad = (why: string): Edit => ({ ok: false, error: `${name}: ${why}` });
  const v = raw.trim();
  switch (field.type) {
    case "int": {
      if (v === "" && field.optional) {
        delete out[name];
        break;
      }
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) return bad("must be a whole number");
      if (Number(v) < field.min) return bad(`must be at least ${field.min}`);
      out[name] = Number(v);
      break;
    }
    case "float": {
      const n = v === "" ? NaN : Number(v);
      if (!Number.isFinite(n) || n < field.min) return bad(`must be a number ≥ ${field.min}`);
      if (field.max !== undefined && (field.maxExclusive ? n >= field.max : n > field.max)) {
        return bad(`must be below ${field.maxExclusive ? "" : "or equal to "}${field.max}`);
      }
      out[name] = n;
      break;
    }
    case "bool":
      if (name === "trainable" && v === "true") delete out[name]; // Rust omits trainable=True
      else out[name] = v === "true";
      break;
    case "enum":
      if (!field.values.includes(v)) return bad(`must be one of ${field.values.join(", ")}`);
      if (v === field.omitted) delete out[name]; // Rust omits Keras' default
      else out[name] = v;
      break;
    case "layer": {
      if (!isLayerKind(v) || !(field.kinds as readonly string[]).includes(v)) return bad(`must be one of ${field.kinds.join(", ")}`);
      const inner = out[name] as LayerConfig | undefined;
      if (inner?.kind !== v) out[name] = { ...defaultLayer(v), ...pick(inner, v) };
      break;
    }
  }
  return { ok: true, layer: out as unknown as LayerConfig };
}

/** The arguments of `layer` that a layer of `kind` also has (units survive LSTM → GRU). */
function pick(layer: LayerConfig | undefined, kind: LayerKind): Record<string, unknown> {
  if (!layer) return {};
  const names = new Set(specOf(kind).fields.map((f) => f.name));
  return Object.fromEntries(Object.entries(layer).filter(([k]) => k !== "kind" && names.has(k)));
}

/** Change a layer's kind, keeping the arguments both kinds share. */
export function changeKind(layer: LayerConfig, kind: LayerKind): LayerConfig {
  return { ...defaultLayer(kind), ...pick(layer, kind) } as LayerConfig;
}
