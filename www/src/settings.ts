// The page's settings (what the form, the layer editor and the URL hold) and
// their mapping to and from a RunConfig. Pure: no DOM.

import type {
  BackendChoice, DatasetName, LayerConfig, Loss, OptimizerConfig, OptimizerName, Padding, Preset, RunConfig,
} from "./protocol.js";

/** Everything the page holds; keys are the URL keys. `null`: Keras' None (not set). */
export interface Settings {
  data: DatasetName;
  /** A preset's name, or "custom" once the layers were edited. */
  model: string;
  layers: LayerConfig[];
  num_words: number;
  maxlen: number;
  padding: Padding;
  truncating: Padding;
  batch_size: number;
  epochs: number;
  optimizer: OptimizerName;
  lr: number;
  loss: Loss;
  clipnorm: number | null;
  clipvalue: number | null;
  /** EarlyStopping(patience); null: no early stopping. */
  patience: number | null;
  validation_split: number;
  seed: number;
  backend: BackendChoice;
  autostart: boolean;
}

export const CUSTOM = "custom";
/** Old model names still accepted in URLs (crate/src/dto/presets.rs ALIASES). */
export const MODEL_ALIASES: Readonly<Record<string, string>> = { lstm: "m1_lstm", pooled: "m4_pooled" };
export const DEFAULT_MODEL = "m1_lstm";
export const DATASETS: readonly DatasetName[] = ["imdb-1k", "imdb-5k", "imdb-20k"];
export const PADDINGS: readonly Padding[] = ["pre", "post"];
export const BACKENDS: readonly BackendChoice[] = ["auto", "webgpu", "cpu"];
export const LOSSES: readonly Loss[] = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"];

/** Keras' optimizers with their defaults (`optimizer="sgd"` trains at 0.01). */
export const OPTIMIZERS: { readonly [K in OptimizerName]: Extract<OptimizerConfig, { kind: K }> } = {
  adam: { kind: "adam", learning_rate: 0.001 },
  rmsprop: { kind: "rmsprop", learning_rate: 0.001, rho: 0.9, momentum: 0 },
  sgd: { kind: "sgd", learning_rate: 0.01, momentum: 0, nesterov: false },
  adagrad: { kind: "adagrad", learning_rate: 0.001 },
};
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];

/** The optimizer `name` at `lr`, keeping `base`'s other arguments when it is the same kind. */
export function optimizerConfig(name: OptimizerName, lr: number, base?: OptimizerConfig): OptimizerConfig {
  const from = base?.kind === name ? base : OPTIMIZERS[name];
  return { ...from, learning_rate: lr };
}

/** A RunConfig (a preset's, or one read from Keras code) as settings. */
export function settingsFromConfig(c: RunConfig, backend: BackendChoice = "auto"): Settings {
  return {
    data: c.data,
    model: c.model,
    layers: structuredClone(c.layers),
    num_words: c.num_words,
    maxlen: c.maxlen,
    padding: c.padding,
    truncating: c.truncating,
    batch_size: c.batch_size,
    epochs: c.epochs,
    optimizer: c.optimizer.kind,
    lr: c.optimizer.learning_rate,
    loss: c.loss,
    clipnorm: c.clipnorm ?? null,
    clipvalue: c.clipvalue ?? null,
    patience: c.early_stopping?.patience ?? null,
    validation_split: c.validation_split,
    seed: c.seed,
    backend,
    autostart: false,
  };
}

/** The preset a model name stands for; "custom" and unknown names give the default preset. */
export function basePreset(model: string, presets: readonly Preset[]): Preset {
  const found = presets.find((p) => p.name === model) ?? presets.find((p) => p.name === DEFAULT_MODEL) ?? presets[0];
  if (!found) throw new Error("no presets");
  return found;
}

/**
 * The RunConfig for these settings. Arguments the settings do not hold
 * (rmsprop's rho, EarlyStopping's monitor) come from `base`: the preset, or
 * the config last read from Keras code.
 */
export function toRunConfig(s: Settings, presets: readonly Preset[], base?: RunConfig): RunConfig {
  const from = base ?? basePreset(s.model, presets).config;
  const config: RunConfig = {
    data: s.data,
    model: s.model,
    layers: structuredClone(s.layers),
    num_words: s.num_words,
    maxlen: s.maxlen,
    padding: s.padding,
    truncating: s.truncating,
    batch_size: s.batch_size,
    epochs: s.epochs,
    optimizer: optimizerConfig(s.optimizer, s.lr, from.optimizer),
    loss: s.loss,
    validation_split: s.validation_split,
    test_split: from.test_split,
    shuffle: from.shuffle,
    text: structuredClone(from.text),
    seed: s.seed,
  };
  if (from.class_weight !== undefined) config.class_weight = structuredClone(from.class_weight);
  if (from.checkpoint !== undefined) config.checkpoint = { ...from.checkpoint };
  if (from.reduce_lr !== undefined) config.reduce_lr = { ...from.reduce_lr };
  if (s.clipnorm !== null) config.clipnorm = s.clipnorm;
  if (s.clipvalue !== null) config.clipvalue = s.clipvalue;
  if (s.patience !== null) {
    const es = from.early_stopping ?? { monitor: "val_loss", mode: "auto", patience: 0, min_delta: 0, restore_best_weights: true } as const;
    config.early_stopping = { ...es, patience: s.patience };
  }
  return config;
}

/** JSON with object keys sorted, so equal layers give equal text whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Whether two layer lists are the same model. */
export const sameLayers = (a: readonly LayerConfig[], b: readonly LayerConfig[]): boolean => canonical(a) === canonical(b);
