// Types shared by the page, the worker and the wasm module.
// Mirrors crate/src/dto.rs: every `kind`/`type` tag and field name here is the
// serde name there (snake_case). Change both together; tests/www/protocol.test.ts
// and crate/tests/dto_roundtrip.rs check them.

/** One Keras layer, `kind`-tagged like the Rust `LayerConfig` enum. */
export type LayerConfig =
  | { kind: "embedding"; output_dim: number }
  | { kind: "lstm"; units: number }
  | { kind: "global_average_pooling1d" }
  | { kind: "dense"; units: number; activation: Activation };

export type Activation = "linear" | "relu" | "sigmoid" | "tanh";

export interface OptimizerConfig {
  kind: "adam";
  learning_rate: number;
}

export type Padding = "pre" | "post";
export type DatasetName = "imdb-1k" | "imdb-5k" | "imdb-20k";
export type BackendChoice = "auto" | "webgpu" | "cpu";
export type Backend = "webgpu" | "cpu";

/** Everything a run needs; `validation_split` 0 = validate on the test set
 *  each epoch (Keras `validation_data=(x_test, y_test)`, as the notebooks do). */
export interface RunConfig {
  data: DatasetName;
  model: string; // preset name the layers came from ("lstm", "pooled")
  layers: LayerConfig[];
  num_words: number;
  maxlen: number;
  padding: Padding;
  truncating: Padding;
  batch_size: number;
  epochs: number;
  optimizer: OptimizerConfig;
  validation_split: number;
  seed: number;
}

/** A named preset: a full RunConfig plus the notebook it comes from. */
export interface Preset {
  name: string;
  title: string;
  source: string;
  config: RunConfig;
}

/** One row of Keras' `model.summary()`. */
export interface SummaryRow {
  name: string; // "embedding", "lstm", "dense_1", as Keras names layers
  kind: string;
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
  | { type: "done"; test_loss: number; test_accuracy: number; history: History };

/** Keras' `History.history`, one entry per epoch. */
export interface History {
  loss: number[];
  accuracy: number[];
  val_loss: number[];
  val_accuracy: number[];
}

// ---- page <-> worker messages ------------------------------------------

export type ToWorker =
  | { type: "start"; config: RunConfig; backend: BackendChoice }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" };

export type Status = "idle" | "preparing" | "training" | "paused" | "done" | "error";

export type FromWorker =
  | { type: "ready"; presets: Preset[] }
  | { type: "status"; status: Status; message: string }
  | { type: "backend"; backend: Backend; reason: string }
  | { type: "event"; event: RunEvent; ms: number } // ms: wall time of that call
  | { type: "error"; message: string };

/** `window.kiln`, for tests and embedding pages. */
export interface KilnState {
  status: Status;
  message: string;
  backend: Backend | null;
  test: { loss: number; accuracy: number } | null;
}
