// Types shared by the page, the worker and the wasm module.
// Mirrors crate/src/dto/: every `kind`/`type` tag and field name here is the
// serde name there (snake_case). Change both together; tests/www/protocol.test.ts
// and crate/tests/dto_roundtrip.rs check them.

export type * from "./layers.js";
import type { LayerConfig } from "./layers.js";

/** Keras optimizers, with Keras' defaults on the Rust side. */
export type OptimizerConfig =
  | { kind: "adam"; learning_rate: number }
  | { kind: "rmsprop"; learning_rate: number; rho: number; momentum: number }
  | { kind: "sgd"; learning_rate: number; momentum: number; nesterov: boolean }
  | { kind: "adagrad"; learning_rate: number };
export type OptimizerName = OptimizerConfig["kind"];

export type Loss = "binary_crossentropy" | "categorical_crossentropy" | "sparse_categorical_crossentropy";
export type Monitor = "val_loss" | "val_accuracy" | "loss" | "accuracy";

/** Keras `EarlyStopping(monitor, patience, min_delta, restore_best_weights)`. */
export interface EarlyStopping {
  monitor: Monitor;
  patience: number;
  min_delta: number;
  restore_best_weights: boolean;
}

export type Padding = "pre" | "post";
export type DatasetName = "imdb-1k" | "imdb-5k" | "imdb-20k";
export type BackendChoice = "auto" | "webgpu" | "cpu";
export type Backend = "webgpu" | "cpu";

/** Everything a run needs; `validation_split` 0 = validate on the test set
 *  each epoch (Keras `validation_data=(x_test, y_test)`, as the notebooks do). */
export interface RunConfig {
  data: DatasetName;
  model: string; // preset name the layers came from ("m1_lstm"), or "custom"
  layers: LayerConfig[];
  num_words: number;
  maxlen: number;
  padding: Padding;
  truncating: Padding;
  batch_size: number;
  epochs: number;
  optimizer: OptimizerConfig;
  loss: Loss;
  clipnorm?: number; // absent: no clipping
  clipvalue?: number;
  validation_split: number;
  early_stopping?: EarlyStopping;
  seed: number;
}

/** A named preset: a full RunConfig plus the notebook it comes from. */
export interface Preset {
  name: string;
  title: string;
  source: string;
  notebook_accuracy?: number; // what the notebook printed (its own data and split)
  keras_accuracy?: number; // Keras 3 on Kiln's benchmark split
  config: RunConfig;
}

/** One row of Keras' `model.summary()`. */
export interface SummaryRow {
  name: string; // "embedding", "lstm", "dense_1", as Keras names layers
  kind: string; // Keras' class name: "Embedding", "LSTM"
  output_shape: (number | null)[]; // [null, 500, 32]
  params: number;
}

export interface Summary {
  rows: SummaryRow[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
}

/** What `Run.next()` / `Run.finish()` resolve to (crate/src/dto.rs `RunEvent`). */
export type RunEvent =
  | {
      type: "prepared";
      train_samples: number;
      val_samples: number;
      test_samples: number;
      steps_per_epoch: number;
      vocab_size: number;
      num_classes: number;
      summary: Summary;
    }
  | {
      type: "step";
      epoch: number; // 1-based
      step: number; // 1-based within the epoch
      steps: number; // steps per epoch
      loss: number; // running mean over the epoch so far (what Keras prints)
      accuracy: number;
      batch_loss: number;
      batch_accuracy: number;
    }
  | {
      type: "epoch";
      epoch: number;
      loss: number;
      accuracy: number;
      val_loss: number;
      val_accuracy: number;
    }
  | {
      type: "done";
      test_loss: number;
      test_accuracy: number;
      history: History;
      stopped_early?: number; // EarlyStopping ended training (the epoch it stopped after)
      restored_epoch?: number; // 1-based epoch whose weights were restored
    };

/** Keras' `History.history`, one entry per epoch. */
export interface History {
  loss: number[];
  accuracy: number[];
  val_loss: number[];
  val_accuracy: number[];
}

/** What `parseKeras(text, base)` resolves to. */
export interface ParsedKeras {
  config: RunConfig;
  notes: string[]; // lines or arguments read but not used
}

// ---- page <-> worker messages ------------------------------------------

/** A call of a wasm function the page needs while editing (the worker owns the module). */
export type Call =
  | { fn: "summarize"; config: RunConfig }
  | { fn: "parseKeras"; text: string; base: RunConfig }
  | { fn: "toKeras"; config: RunConfig };

/** What each call resolves to. */
export interface CallValue {
  summarize: Summary;
  parseKeras: ParsedKeras;
  toKeras: string;
}

export type Reply =
  | { [F in Call["fn"]]: { ok: true; fn: F; value: CallValue[F] } }[Call["fn"]]
  | { ok: false; error: string };

export type ToWorker =
  | { type: "start"; config: RunConfig; backend: BackendChoice }
  | { type: "call"; id: number; call: Call }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" };

export type Status = "idle" | "preparing" | "training" | "paused" | "done" | "error";

export type FromWorker =
  | { type: "ready"; presets: Preset[] }
  | { type: "status"; status: Status; message: string }
  | { type: "backend"; backend: Backend; reason: string }
  | { type: "event"; event: RunEvent; ms: number } // ms: wall time of that call
  | { type: "reply"; id: number; reply: Reply }
  | { type: "error"; message: string };

/** `window.kiln`, for tests and embedding pages. */
export interface KilnState {
  status: Status;
  message: string;
  backend: Backend | null;
  test: { loss: number; accuracy: number } | null;
}
