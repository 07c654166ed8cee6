// The page's settings (what the form, the layer editor and the URL hold) and
// their mapping to and from a RunConfig. Pure: no DOM.

import type {
  BackendChoice, ClassWeight, DatasetName, LayerConfig, Loss, Mode, Monitor, Normalize, OptimizerConfig, OptimizerName,
  Padding, Preset, RunConfig, TextConfig, TokenUnit,
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
  /** Data without a test part: this share is held out as the test set. */
  test_split: number;
  shuffle: boolean;
  // Keras Tokenizer and text clean-up (RunConfig.text)
  tokens: TokenUnit;
  lower: boolean;
  filters: string;
  oov_token: string | null;
  normalize: Normalize;
  stopwords: string[];
  reserved: boolean;
  class_weight: ClassWeight | null;
  // EarlyStopping's other arguments (used when patience is set)
  monitor: Monitor;
  mode: Mode;
  min_delta: number;
  restore_best_weights: boolean;
  /** ModelCheckpoint(monitor, save_best_only); null: no checkpoint. */
  checkpoint: Monitor | null;
  save_best_only: boolean;
  /** ReduceLROnPlateau(patience, factor, min_lr); null patience: none. */
  reduce_lr_patience: number | null;
  reduce_lr_factor: number;
  reduce_lr_min_lr: number;
  seed: number;
  backend: BackendChoice;
  autostart: boolean;
}

export const CUSTOM = "custom";
/** Old model names still accepted in URLs (crate/src/dto/presets.rs ALIASES). */
export const MODEL_ALIASES: Readonly<Record<string, string>> = { lstm: "m1_lstm", pooled: "m4_pooled" };
export const DEFAULT_MODEL = "m1_lstm";
export const DATASETS: readonly DatasetName[] = ["imdb-1k", "imdb-5k", "imdb-20k", "ko-sample", "file"];
export const TOKEN_UNITS: readonly TokenUnit[] = ["word", "char", "bpe", "wordpiece"];
export const NORMALIZERS: readonly Normalize[] = ["html", "korean", "english", "none"];
export const MONITORS: readonly Monitor[] = ["val_loss", "val_accuracy", "loss", "accuracy"];
export const MODES: readonly Mode[] = ["auto", "min", "max"];
/** The Korean seeds' stopword list (seed 003). */
export const KOREAN_STOPWORDS: readonly string[] = [
  "의", "가", "이", "은", "들", "는", "좀", "잘", "걍", "과", "도", "를", "으로", "자", "에", "와", "한", "하다",
];

/** Settings of the data and the machine, not of the model: a preset picked keeps them. */
export const KEPT_ACROSS_PRESETS: readonly (keyof Settings)[] = [
  "data", "backend", "test_split", "tokens", "lower", "filters", "oov_token", "normalize", "stopwords", "reserved", "class_weight",
];

/** Keras' callback defaults where a config has none. */
const EARLY_STOPPING = { monitor: "val_loss", mode: "auto", patience: 0, min_delta: 0, restore_best_weights: true } as const;
const REDUCE_LR = { monitor: "val_loss", mode: "auto", factor: 0.1, patience: 10, min_delta: 1e-4, cooldown: 0, min_lr: 0 } as const;
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
    test_split: c.test_split,
    shuffle: c.shuffle,
    tokens: c.text.tokens,
    lower: c.text.lower,
    filters: c.text.filters,
    oov_token: c.text.oov_token ?? null,
    normalize: c.text.normalize,
    stopwords: [...(c.text.stopwords ?? [])],
    reserved: c.text.reserved,
    class_weight: c.class_weight === undefined ? null : structuredClone(c.class_weight),
    monitor: (c.early_stopping ?? EARLY_STOPPING).monitor,
    mode: (c.early_stopping ?? EARLY_STOPPING).mode,
    min_delta: (c.early_stopping ?? EARLY_STOPPING).min_delta,
    restore_best_weights: (c.early_stopping ?? EARLY_STOPPING).restore_best_weights,
    checkpoint: c.checkpoint?.monitor ?? null,
    save_best_only: c.checkpoint?.save_best_only ?? true,
    reduce_lr_patience: c.reduce_lr?.patience ?? null,
    reduce_lr_factor: (c.reduce_lr ?? REDUCE_LR).factor,
    reduce_lr_min_lr: (c.reduce_lr ?? REDUCE_LR).min_lr,
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

/** The text settings as Keras Tokenizer options (RunConfig.text). */
function textConfig(s: Settings): TextConfig {
  const text: TextConfig = {
    tokens: s.tokens, lower: s.lower, filters: s.filters, normalize: s.normalize, reserved: s.reserved,
  };
  if (s.oov_token !== null) text.oov_token = s.oov_token;
  if (s.stopwords.length > 0) text.stopwords = [...s.stopwords];
  return text;
}

/**
 * The RunConfig for these settings. Arguments the settings do not hold
 * (rmsprop's rho, ReduceLROnPlateau's cooldown) come from `base`: the preset,
 * or the config last read from Keras code.
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
    test_split: s.test_split,
    shuffle: s.shuffle,
    text: textConfig(s),
    seed: s.seed,
  };
  if (s.class_weight !== null) config.class_weight = structuredClone(s.class_weight);
  if (s.clipnorm !== null) config.clipnorm = s.clipnorm;
  if (s.clipvalue !== null) config.clipvalue = s.clipvalue;
  if (s.patience !== null) {
    const { monitor, mode, patience, min_delta, restore_best_weights } = s;
    config.early_stopping = { monitor, mode, patience, min_delta, restore_best_weights };
  }
  if (s.checkpoint !== null) {
    config.checkpoint = { monitor: s.checkpoint, mode: from.checkpoint?.mode ?? "auto", save_best_only: s.save_best_only };
  }
  if (s.reduce_lr_patience !== null) {
    config.reduce_lr = {
      ...(from.reduce_lr ?? REDUCE_LR),
      patience: s.reduce_lr_patience,
      factor: s.reduce_lr_factor,
      min_lr: s.reduce_lr_min_lr,
    };
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
