// Types shared by the page, the worker and the wasm module.
// Mirrors crate/src/dto/: every `kind`/`type` tag and field name here is the
// serde name there (snake_case). Change both together; tests/www/protocol.test.ts
// and crate/tests/dto_roundtrip.rs check them.

export type * from "./layers.js";
import type { Text } from "./i18n.js";
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

/** Keras' callback `mode`: `auto` is `min` for losses, `max` otherwise. */
export type Mode = "auto" | "min" | "max";

/** Keras `EarlyStopping(monitor, mode, patience, min_delta, restore_best_weights)`. */
export interface EarlyStopping {
  monitor: Monitor;
  mode: Mode;
  patience: number;
  min_delta: number;
  restore_best_weights: boolean;
}

/** Keras `ModelCheckpoint(monitor, mode, save_best_only)`, kept in memory. */
export interface Checkpoint {
  monitor: Monitor;
  mode: Mode;
  save_best_only: boolean;
}

/** Keras `ReduceLROnPlateau(monitor, mode, factor, patience, min_delta, cooldown, min_lr)`. */
export interface ReduceLr {
  monitor: Monitor;
  mode: Mode;
  factor: number;
  patience: number;
  min_delta: number;
  cooldown: number;
  min_lr: number;
}

/** Keras `fit(class_weight=…)`: scikit-learn's "balanced", or one weight per class. */
export type ClassWeight = "balanced" | { given: number[] };

/** What one id stands for: Keras words or characters, or trained subwords. */
export type TokenUnit = "word" | "char" | "bpe" | "wordpiece";
/** Clean-up before tokenising: html (<br /> → space), korean (keep Hangul and spaces),
 *  english (seed 001: lower-case a–z, 0–9), none. */
export type Normalize = "html" | "korean" | "english" | "none";

/** Keras `Tokenizer` options and Korean text settings. */
export interface TextConfig {
  tokens: TokenUnit;
  lower: boolean;
  filters: string;
  oov_token?: string;
  normalize: Normalize;
  stopwords?: string[];
  reserved: boolean; // seed 004's <PAD> <BOS> <UNK> <UNUSED> dictionary
}

export type Padding = "pre" | "post";
export type DatasetName = "imdb-1k" | "imdb-5k" | "imdb-20k" | "ko-sample" | "file";
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
  test_split: number; // data without a test part: this share held out at random
  shuffle: boolean;
  text: TextConfig;
  class_weight?: ClassWeight;
  early_stopping?: EarlyStopping;
  checkpoint?: Checkpoint;
  reduce_lr?: ReduceLr;
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
      notes?: string[]; // how the weights started, when not Keras' defaults (word2vec rows covered)
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
      learning_rate: number; // the rate this epoch trained with
      notes?: string[]; // callbacks' messages, in Keras' words
    }
  | {
      type: "done";
      test_loss: number;
      test_accuracy: number;
      history: History;
      evaluation: Evaluation; // the test set at threshold 0.5
      stopped_early?: number; // EarlyStopping ended training (the epoch it stopped after)
      restored_epoch?: number; // 1-based epoch whose weights were restored
      checkpoint_epoch?: number; // the epoch ModelCheckpoint holds
    };

// ---- data files and the data view (crate/src/dto/data.rs) ---------------

export type Format = "csv" | "tsv" | "fast_text" | "jsonl" | "acl_imdb" | "zip_folders";

/** What Kiln saw in a file before the user picks columns. */
export interface Inspection {
  file_name: string;
  bytes: number;
  format: Format;
  compression: string; // gzip, bzip2, zip or none
  encoding: string; // utf-8 or euc-kr
  columns: string[];
  has_header: boolean;
  text_column?: number; // guesses, indices into columns
  label_column?: number;
  preview: string[][];
  notes: string[];
}

/** The user's choices for reading a file; absent = Inspection's guess. */
export interface LoadOptions {
  format?: Format;
  has_header?: boolean;
  text_column?: number;
  label_column?: number;
}

export interface ClassCount {
  name: string;
  count: number;
}

export interface LoadReport {
  rows: number;
  dropped_empty: number;
  dropped_duplicates: number;
  dropped_bad_label: number;
  notes: string[];
}

/** Texts with `from <= tokens < to`. */
export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Seed 004's length statistics, in tokens. */
export interface LengthStats {
  mean: number;
  median: number;
  max: number;
  std: number;
  mean_plus_2sd: number;
  suggested_maxlen: number; // int(mean + 2σ)
  fit_percent: number; // texts with at most `maxlen` tokens
  maxlen: number;
  histogram: Bin[];
}

export interface Vocabulary {
  size: number; // distinct tokens in the training texts
  top: [string, number][];
  coverage_percent: number; // token occurrences with an id below num_words
  num_words: number;
}

export interface DataView {
  name: string;
  train_rows: number;
  test_rows: number;
  classes: ClassCount[];
  report: LoadReport;
  examples: { text: string; label: string }[];
  lengths: LengthStats;
  vocabulary: Vocabulary;
}

// ---- evaluation (crate/src/dto/eval.rs) ----------------------------------

/** ROC: x = false positive rate, y = true positive rate; PR: x = recall, y = precision. */
export interface CurvePoint {
  x: number;
  y: number;
  threshold: number;
}

export interface ReportRow {
  label: string; // a class, "macro avg" or "weighted avg"
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** scikit-learn's metrics at one threshold (binary: class 1 positive; more classes: macro). */
export interface Evaluation {
  classes: string[];
  threshold: number;
  samples: number;
  accuracy: number;
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
  f2: number;
  auc: number;
  average_precision: number;
  roc: CurvePoint[];
  pr: CurvePoint[];
  confusion: number[][]; // [true][predicted]
  report: ReportRow[];
  report_text: string;
}

export interface Misclassified {
  row: number;
  text: string;
  label: string;
  predicted: string;
  confidence: number; // probability of the predicted class
}

export interface Prediction {
  probabilities: number[]; // per class
  label: string;
  tokens: string[];
  known: boolean[];
}

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

// ---- baselines (crate/src/dto/baseline.rs) -------------------------------

export type BaselineKind = "logreg" | "svm";

/** TfidfVectorizer(ngram_range=(1, ngrams), max_features) + LogisticRegression or LinearSVC(loss="hinge"). */
export interface BaselineConfig {
  kind: BaselineKind;
  ngrams?: number; // 2
  tfidf?: boolean; // true; false: raw counts (bag of words)
  max_features?: number; // default: the run's num_words
  c?: number; // 1.0
}

export interface Weighted {
  feature: string;
  weight: number;
}

export interface BaselineReport {
  name: string; // "TF-IDF 1–2-grams + LogisticRegression"
  config: BaselineConfig;
  features: number;
  params: number;
  train_samples: number;
  test_samples: number;
  iterations: number;
  converged: boolean;
  evaluation: Evaluation; // the test set at threshold 0.5
  top_positive: Weighted[];
  top_negative: Weighted[];
}

// ---- word2vec (crate/src/dto/word2vec.rs) ---------------------------------

/** gensim's Word2Vec(sg=1) arguments; omitted ones take Mikolov's defaults. */
export interface Word2VecConfig {
  vector_size?: number; // 100
  window?: number; // 5
  negative?: number; // 5
  sample?: number; // 1e-3
  min_count?: number; // 5
  epochs?: number; // 5
  alpha?: number; // 0.025
  min_alpha?: number; // 0.0001
  seed?: number; // 1
  max_vocab?: number;
}

export type Word2VecEvent =
  | { type: "prepared"; vocab_size: number; corpus_words: number; total_words: number; backend: string }
  | { type: "progress"; epoch: number; words_done: number; total_words: number; loss: number; alpha: number }
  | { type: "done"; vocab_size: number; vector_size: number; words_done: number };

export interface Similar {
  word: string;
  similarity: number; // cosine
}

export interface MapPoint {
  word: string;
  x: number;
  y: number;
  count: number;
}

// ---- page <-> worker messages ------------------------------------------

/** A call of a wasm function the page needs while editing (the worker owns the module). */
export type Call =
  | { fn: "summarize"; config: RunConfig }
  /** The checks a run makes before it starts (ranges, the model's shapes): the page asks before it clears the last run. */
  | { fn: "check"; config: RunConfig }
  /** The worker's memory (tests of long sessions). */
  | { fn: "memory" }
  | { fn: "parseKeras"; text: string; base: RunConfig }
  | { fn: "toKeras"; config: RunConfig }
  /** Read the file last sent with "file" (after its "file_inspected"). */
  | { fn: "loadFile"; options: LoadOptions; config: RunConfig }
  /** The data view of `config.data` (IMDB subset, ko-sample or the loaded file). */
  | { fn: "dataView"; config: RunConfig }
  /** After a run is done (`run` = the id given with "start"). */
  | { fn: "evaluate"; run: number; threshold: number }
  | { fn: "predict"; run: number; text: string }
  | { fn: "misclassified"; run: number; threshold: number; limit: number }
  | { fn: "restoreCheckpoint"; run: number }
  /** Fit a TF-IDF baseline on `config`'s data, split and text settings; kept as run `run` (evaluate, predict, misclassified work on it). */
  | { fn: "baseline"; run: number; baseline: BaselineConfig; config: RunConfig }
  /** After "word2vec_event" done: gensim's similar_by_word / most_similar(positive, negative). */
  | { fn: "similar"; word: string; topn: number }
  | { fn: "analogy"; positive: string[]; negative: string[]; topn: number }
  /** The `top` most frequent words on their first two principal components. */
  | { fn: "wordMap"; top: number }
  /** The vectors in word2vec text format (gensim `load_word2vec_format(binary=False)`). */
  | { fn: "word2vecText" }
  /** A finished network run's export: the Keras zip, the TF.js zip or tokenizer.json (bytes). */
  | { fn: "exportRun"; run: number; format: ExportFormat }
  /** A word2vec or GloVe text file (.txt or .txt.gz) becomes the page's vectors, as if word2vec had trained them. */
  | { fn: "loadVectors"; file: File }
  /** A finished run's first Embedding as word vectors (read once, then kept): info, nearest words, map, downloads. */
  | { fn: "runVectors"; run: number }
  | { fn: "runSimilar"; run: number; word: string; topn: number }
  | { fn: "runWordMap"; run: number; top: number }
  | { fn: "runWord2vecText"; run: number }
  | { fn: "runProjector"; run: number };

/** Keras 3 (`weights.npz` + `model.py`), TF.js Layers (`model.json`), Keras' `tokenizer.to_json()`. */
export type ExportFormat = "keras" | "tfjs" | "tokenizer";

/** A set of word vectors: a loaded file (`word2vec`: with the `count dim` header; `glove`: without) or a run's Embedding. */
export interface VectorsInfo {
  words: number;
  vector_size: number;
  format: "word2vec" | "glove" | "embedding";
}

/** The TensorFlow Embedding Projector's files: vectors.tsv (a row per word) and metadata.tsv (the words). */
export interface ProjectorFiles {
  vectors: string;
  metadata: string;
}

/** The worker's memory: its wasm module's linear memory (which only grows) and the finished runs
 *  it keeps for the page. (Its JS heap is read by tests over CDP: workers have no `performance.memory`.) */
export interface MemoryUse {
  wasm_bytes: number;
  kept_runs: number;
}

/** What each call resolves to. */
export interface CallValue {
  summarize: Summary;
  check: null;
  memory: MemoryUse;
  parseKeras: ParsedKeras;
  toKeras: string;
  loadFile: DataView;
  dataView: DataView;
  evaluate: Evaluation;
  predict: Prediction;
  misclassified: Misclassified[];
  restoreCheckpoint: Extract<RunEvent, { type: "done" }>;
  baseline: BaselineReport;
  similar: Similar[];
  analogy: Similar[];
  wordMap: MapPoint[];
  word2vecText: string;
  exportRun: Uint8Array;
  loadVectors: VectorsInfo;
  runVectors: VectorsInfo;
  runSimilar: Similar[];
  runWordMap: MapPoint[];
  runWord2vecText: string;
  runProjector: ProjectorFiles;
}

export type Reply =
  | { [F in Call["fn"]]: { ok: true; fn: F; value: CallValue[F] } }[Call["fn"]]
  | { ok: false; error: string };

export type ToWorker =
  /** `run`: the page's id for this run, used by later calls (evaluate, predict …). */
  | { type: "start"; run: number; config: RunConfig; backend: BackendChoice }
  /** A user's file: the worker reads it in chunks ("file_progress") and inspects it. */
  | { type: "file"; file: File }
  /** A validation file (Keras `validation_data=`), read with the main file's column choices; null clears it. */
  | { type: "validation_file"; file: File | null }
  | { type: "call"; id: number; call: Call }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" }
  /** Train word2vec on `config`'s training texts (its text settings); replaces the page's vectors when done. */
  | { type: "word2vec"; word2vec: Word2VecConfig; config: RunConfig; backend: BackendChoice }
  | { type: "word2vec_stop" }
  /** Carry on a saved run (`SavedSummary.key`) as page run `run`. */
  | { type: "resume_saved"; run: number; key: string; backend: BackendChoice }
  /** A run file the user picked: checked and added to the saved runs. */
  | { type: "import_run"; file: File };

export type Status = "idle" | "preparing" | "training" | "paused" | "done" | "error";

export type FromWorker =
  | { type: "ready"; presets: Preset[] }
  | { type: "status"; status: Status; message: string; text?: Text } // text: the message by i18n key, shown in the page's language
  | { type: "backend"; backend: Backend; reason: string }
  | { type: "event"; event: RunEvent; ms: number } // ms: wall time of that call
  | { type: "reply"; id: number; reply: Reply }
  | { type: "file_progress"; name: string; loaded: number; total: number }
  | { type: "file_inspected"; inspection: Inspection }
  | { type: "file_error"; message: string }
  | { type: "validation_loaded"; name: string; rows: number } // name "" and rows 0: cleared
  | { type: "validation_error"; message: string }
  | { type: "word2vec_event"; event: Word2VecEvent; ms: number }
  /** Training word2vec failed or was refused; vectors trained before are kept. */
  | { type: "word2vec_error"; message: string }
  /** A run was saved in the browser's storage (autosave, or an imported file). */
  | { type: "saved"; key: string; epoch: number; step: number; finished: boolean; imported?: boolean }
  /** Saving failed (a full quota) or a run file was refused; training goes on. */
  | { type: "save_error"; message: string }
  /** The loss turned NaN/Inf (`message` names the epoch and step); the run goes on to "done" with the last good weights. */
  | { type: "diverged"; message: string }
  /** The WebGPU device was lost: the run starts over on the CPU from its last autosave; the page redraws from the replay. */
  | { type: "recovering"; text: Text }
  /** The wasm module trapped (a panic): the page restarts the worker and resumes the run from its last autosave. */
  | { type: "crashed"; message: string }
  | { type: "error"; message: string };

/** `window.kiln`, for tests and embedding pages. */
export interface KilnState {
  status: Status;
  message: string;
  backend: Backend | null;
  test: { loss: number; accuracy: number } | null;
}
