// The typed view of the wasm module that wasm-bindgen generates into
// www/pkg/kiln.js (git-ignored, built by ./build.sh). It is loaded at run time
// with a dynamic import, so neither tsc nor esbuild needs it to exist.

import type {
  Backend,
  BaselineConfig,
  BaselineReport,
  MapPoint,
  ProjectorFiles,
  Similar,
  VectorsInfo,
  Word2VecConfig,
  Word2VecEvent,
  DataView,
  Evaluation,
  History,
  Inspection,
  LoadOptions,
  Misclassified,
  ParsedKeras,
  Prediction,
  Preset,
  RunConfig,
  RunEvent,
  Summary,
} from "./protocol.js";
import { probeMemory } from "./probe.js";

/** A dataset (IMDB, the Korean sample or a loaded file). */
export interface KilnData {
  /** Rows over every part. */
  readonly rows: number;
  /** This dataset with `val`'s rows as its validation set; throws if the classes differ. */
  withValidation(val: KilnData): KilnData;
  /** The data view for `config`; throws a readable message. */
  view(config: RunConfig): DataView;
  free(): void;
}

/** A user's file, pushed chunk by chunk. */
export interface KilnFileBuffer {
  readonly received: number;
  push(chunk: Uint8Array): void;
  inspect(): Inspection;
  load(options: LoadOptions): KilnData;
  free(): void;
}

export interface KilnRun {
  /** 1st call: "prepared"; then a "step" per batch, an "epoch" after each epoch, then "done". */
  next(): Promise<RunEvent>;
  /** Stop early: evaluates the test set now and resolves to "done". */
  finish(): Promise<RunEvent>;
  /** After "done": */
  evaluation(threshold: number): Evaluation;
  predict(text: string): Promise<Prediction>;
  misclassified(threshold: number, limit: number): Misclassified[];
  restoreCheckpoint(): Promise<RunEvent>;
  /** The whole run as one file (safetensors + JSON): weights, optimizer state, history. */
  save(): Promise<Uint8Array>;
  /** Exports (any time after "prepared"): the Keras 3 zip, the TF.js zip, tokenizer.to_json(). */
  exportKeras(): Promise<Uint8Array>;
  exportTfjs(): Promise<Uint8Array>;
  tokenizerJson(): Promise<string>;
  /** The first Embedding's trained rows as word vectors; rejects for a model without an Embedding. */
  embeddingVectors(): Promise<KilnWordVectors>;
  free(): void;
}

/** A run's Embedding as word vectors (gensim's KeyedVectors). */
export interface KilnWordVectors {
  readonly info: VectorsInfo;
  /** Throws if the word is not in the vocabulary. */
  similar(word: string, topn: number): Similar[];
  map(top: number): MapPoint[];
  text(): string;
  projector(): ProjectorFiles;
  free(): void;
}

/** What a run file holds, read without building it. */
export interface SavedRunInfo {
  config: RunConfig;
  dataset: string;
  epoch: number;
  step: number;
  finished: boolean;
  history: History;
}

/** A fitted TF-IDF baseline: evaluated like a finished run. */
export interface KilnBaseline {
  readonly report: BaselineReport;
  evaluation(threshold: number): Evaluation;
  predict(text: string): Promise<Prediction>;
  misclassified(threshold: number, limit: number): Misclassified[];
  free(): void;
}

/** Word2vec training: "prepared", "progress" per chunk, then "done" (the vectors become the page's). */
export interface KilnWord2Vec {
  next(): Promise<Word2VecEvent>;
  /** Stop now: the vectors as trained so far become the page's; resolves to "done". */
  finish(): Promise<Word2VecEvent>;
  free(): void;
}

export interface KilnModule {
  default(): Promise<unknown>;
  presets(): Preset[];
  /** Keras' summary of the config's layers, built on the CPU; rejects with `layer N (Kind): why`. */
  summarize(config: RunConfig): Promise<Summary>;
  /** Throws what `Run.create` would refuse before it reads the data: ranges and the model's shapes. */
  checkConfig(config: RunConfig): void;
  /** Bytes of the module's linear memory. */
  wasmMemoryBytes(): number;
  /** Threads of the CPU backend's pool: 1, or the threaded build's (www/src/threads.ts). */
  cpuThreads(): number;
  /** Recurrent layers built after this keep the GPU kernels' GPU forms on a software adapter too. */
  useRolledKernels(on: boolean): void;
  /** Throws `line L, column C: why`. */
  parseKeras(text: string, base: RunConfig): ParsedKeras;
  toKeras(config: RunConfig): string;
  Data: { fromImdbCsv(csv: Uint8Array, split: string): KilnData; koSample(): KilnData };
  FileBuffer: new (name: string, size: number) => KilnFileBuffer;
  /** An Embedding with `embeddings_initializer: "word2vec"` starts from the page's vectors (rejects if there are none). */
  Run: {
    create(config: RunConfig, data: KilnData, backend: Backend): Promise<KilnRun>;
    /** A saved run rebuilt on the same data; rejects with a reason for another dataset or a bad file. */
    resume(file: Uint8Array, data: KilnData, backend: Backend): Promise<KilnRun>;
  };
  /** Throws "this is not a readable Kiln run file (…): …". */
  readSavedRun(file: Uint8Array): SavedRunInfo;
  /** Fits in one call (seconds on 20k reviews); throws a readable message. */
  Baseline: { fit(baseline: BaselineConfig, config: RunConfig, data: KilnData): KilnBaseline };
  Word2Vec: { create(word2vec: Word2VecConfig, config: RunConfig, data: KilnData, backend: Backend): Promise<KilnWord2Vec> };
  /** The page's vectors (the last word2vec trained); each throws if there are none or the word is unknown. */
  similarWords(word: string, topn: number): Similar[];
  analogy(positive: string[], negative: string[], topn: number): Similar[];
  wordMap(top: number): MapPoint[];
  word2vecText(): string;
  /** A word2vec or GloVe text file read into the page's vectors; throws "NAME: word vectors, line N: why". */
  loadVectors(file: KilnFileBuffer): VectorsInfo;
}

/** From www/dist/worker.js: www/pkg/kiln.js. */
export const KILN_URL = new URL("../pkg/kiln.js", import.meta.url);

let loading: Promise<KilnModule> | null = null;

/** Import and initialise the module once; a failure is retried on the next call. */
export function loadKiln(url: URL = KILN_URL): Promise<KilnModule> {
  loading ??= (async () => {
    let mod: KilnModule;
    try {
      mod = (await import(url.href)) as KilnModule;
    } catch (e) {
      throw new Error(`Kiln's wasm module (${url.pathname}) could not be loaded: run ./build.sh first (${errorText(e)})`);
    }
    probeMemory(await mod.default());
    return mod;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** The message of anything thrown: wasm-bindgen throws Error, strings or JsValues. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}
