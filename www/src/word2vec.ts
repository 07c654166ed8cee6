// What the word vectors panel decides, without the DOM: gensim's settings and
// their checks, the progress line (words/s from the events' `ms`), the analogy
// query, and the layers "Use in the model" and seed 000's average model build.

import { multiClassProposal } from "./data_view.js";
import { tt, type MessageKey, type Text } from "./i18n.js";
import type { LayerConfig, LayerOf, Loss, Word2VecConfig, Word2VecEvent } from "./protocol.js";

/** The settings the panel shows, as gensim's Word2Vec names them. */
export type Word2VecKey = "vector_size" | "window" | "negative" | "sample" | "min_count" | "epochs";

export interface Word2VecField {
  name: Word2VecKey;
  /** gensim's default (Word2Vec(sg=1, …)). */
  default: number;
  int: boolean;
  min: number;
  /** Exclusive upper bound. */
  below?: number;
  /** The tooltip's i18n key (with `{default}`). */
  title: MessageKey;
}

export const WORD2VEC_FIELDS: readonly Word2VecField[] = [
  { name: "vector_size", default: 100, int: true, min: 1, title: "w2v.title.vector_size" },
  { name: "window", default: 5, int: true, min: 1, title: "w2v.title.window" },
  { name: "negative", default: 5, int: true, min: 1, title: "w2v.title.negative" },
  { name: "sample", default: 1e-3, int: false, min: 0, below: 1, title: "w2v.title.sample" },
  { name: "min_count", default: 5, int: true, min: 1, title: "w2v.title.min_count" },
  { name: "epochs", default: 5, int: true, min: 1, title: "w2v.title.epochs" },
];

export type Word2VecRead = { ok: true; config: Word2VecConfig } | { ok: false; errors: string[] };

/** The config for the typed values (`raw[name]`, empty: gensim's default), or what does not parse. */
export function readWord2VecConfig(raw: Readonly<Partial<Record<Word2VecKey, string>>>): Word2VecRead {
  const config: Word2VecConfig = {};
  const errors: string[] = [];
  for (const f of WORD2VEC_FIELDS) {
    const text = (raw[f.name] ?? "").trim();
    const v = text === "" ? f.default : Number(text);
    if (!Number.isFinite(v) || (f.int && !Number.isInteger(v))) {
      errors.push(`${f.name}: must be a ${f.int ? "whole number" : "number"}`);
    } else if (v < f.min || (f.below !== undefined && v >= f.below)) {
      errors.push(`${f.name}: must be at least ${f.min}${f.below !== undefined ? ` and below ${f.below}` : ""}`);
    } else {
      config[f.name] = v;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** "85.3k words/s", "1.2M words/s", "950 words/s". */
export function formatRate(wordsPerSecond: number): string {
  if (!Number.isFinite(wordsPerSecond) || wordsPerSecond <= 0) return "– words/s";
  if (wordsPerSecond >= 1e6) return `${(wordsPerSecond / 1e6).toFixed(1)}M words/s`;
  if (wordsPerSecond >= 1e3) return `${(wordsPerSecond / 1e3).toFixed(1)}k words/s`;
  return `${wordsPerSecond.toFixed(0)} words/s`;
}

/** A view with its line in the current language. */
const withLine = (v: Omit<ProgressView, "line">): ProgressView => ({ ...v, line: tt(v.text) });

/** What the panel shows after an event. */
export interface ProgressView {
  /** words_done / total_words, in [0, 1]. */
  fraction: number;
  /** The status line, by key (the panel translates it again after a switch)… */
  text: Text;
  /** …and in the current language. */
  line: string;
  /** Words per second over the training calls so far (null before the first). */
  rate: number | null;
  /** A loss point: x in epochs (fractional), y the event's loss. */
  point: { x: number; y: number } | null;
}

/**
 * Follows one word2vec training: words/s is the words trained over the wall time of the
 * training calls (`prepared`'s vocabulary building is not training).
 */
export class Word2VecProgress {
  private ms = 0;
  private total = 0;
  private done = 0;

  constructor(private readonly epochs: number) {}

  onEvent(event: Word2VecEvent, ms: number): ProgressView {
    switch (event.type) {
      case "prepared":
        this.total = event.total_words;
        return withLine({
          fraction: 0,
          text: { key: "w2v.prepared", params: { vocab: event.vocab_size, corpus: event.corpus_words, total: event.total_words, backend: event.backend } },
          rate: null,
          point: null,
        });
      case "progress": {
        this.ms += ms;
        this.total = event.total_words;
        this.done = event.words_done;
        const rate = this.rate();
        const fraction = this.fraction();
        const params = {
          epoch: String(event.epoch), epochs: String(this.epochs), done: event.words_done, total: event.total_words,
          percent: (fraction * 100).toFixed(1), rate: formatRate(rate ?? 0), loss: formatLoss(event.loss),
        };
        return withLine({
          fraction,
          text: { key: "w2v.progress", params },
          rate,
          point: Number.isFinite(event.loss) ? { x: fraction * this.epochs, y: event.loss } : null,
        });
      }
      case "done": {
        this.ms += ms;
        this.done = event.words_done;
        const fraction = this.fraction();
        const stopped = this.total > 0 && event.words_done < this.total;
        const rate = this.rate();
        const params = {
          vocab: event.vocab_size, size: String(event.vector_size), done: event.words_done,
          percent: (fraction * 100).toFixed(1), rate: formatRate(rate ?? 0),
        };
        return withLine({ fraction, text: { key: stopped ? "w2v.stopped" : "w2v.done", params }, rate, point: null });
      }
    }
  }

  private fraction(): number {
    return this.total > 0 ? Math.min(1, Math.max(0, this.done / this.total)) : 0;
  }

  private rate(): number | null {
    return this.ms > 0 ? this.done / (this.ms / 1000) : null;
  }
}

/** A loss with four significant decimals, or what it is when not finite. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

/** A word as the panel shows it: a token of spaces (char tokens count them) as "␣". */
export function shownWord(word: string): string {
  return /^\s+$/.test(word) ? word.replace(/\s/g, "␣") : word;
}

/** The word typed in a box: trimmed, unless it is only spaces (then the space token itself). */
export function typedWord(text: string): string {
  return text.trim() === "" ? text : text.trim();
}

/** The words of one analogy box ("king, queen" or "king queen"), trimmed. */
export function words(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== "");
}

/** `error`: an i18n key (the page says it in its language). */
export type AnalogyQuery = { ok: true; positive: string[]; negative: string[] } | { ok: false; error: MessageKey };

/** a − b + c as gensim's most_similar(positive=[a, c], negative=[b]); b and c may be left empty. */
export function analogyQuery(a: string, b: string, c: string): AnalogyQuery {
  const positive = [...words(a), ...words(c)];
  const negative = words(b);
  if (words(a).length === 0) return { ok: false, error: "w2v.typeA" };
  return { ok: true, positive, negative };
}

/** "king − man + woman" for the result's caption. */
export function analogyText(q: { positive: string[]; negative: string[] }): string {
  const [first, ...rest] = q.positive;
  return [first, ...q.negative.map((w) => `− ${w}`), ...rest.map((w) => `+ ${w}`)].join(" ");
}

export type LayersEdit = { ok: true; layers: LayerConfig[]; index: number } | { ok: false; error: MessageKey };

/** The model's first Embedding starting from the page's vectors: output_dim = vector_size, Keras `trainable`. */
export function useVectors(layers: readonly LayerConfig[], vectorSize: number, trainable: boolean): LayersEdit {
  const index = layers.findIndex((l) => l.kind === "embedding");
  const layer = layers[index];
  if (layer?.kind !== "embedding") return { ok: false, error: "w2v.noEmbedding" };
  const out = structuredClone([...layers]);
  const embedding: LayerOf<"embedding"> = { ...layer, output_dim: vectorSize, embeddings_initializer: "word2vec" };
  if (trainable) delete embedding.trainable; // Rust omits trainable=True
  else embedding.trainable = false;
  out[index] = embedding;
  return { ok: true, layers: out, index };
}

/**
 * Seed 000's "Word2Vec average → Dense": frozen vectors averaged over the text, then
 * Dense(64, relu) and Dense(1, sigmoid), or Dense(k, softmax) for k > 2 classes.
 */
export function averageModel(vectorSize: number, classes: number): { layers: LayerConfig[]; loss: Loss } {
  const layers: LayerConfig[] = [
    { kind: "embedding", output_dim: vectorSize, trainable: false, embeddings_initializer: "word2vec" },
    { kind: "global_average_pooling1d" },
    { kind: "dense", units: 64, activation: "relu" },
    { kind: "dense", units: 1, activation: "sigmoid" },
  ];
  const multi = multiClassProposal(layers, "binary_crossentropy", classes);
  return multi ? { layers: multi.layers, loss: multi.loss } : { layers, loss: "binary_crossentropy" };
}

/** The first line of word2vec's text format: "<count> <vector_size>". */
export function textHeader(text: string): { count: number; size: number } | null {
  const m = /^(\d+) (\d+)\r?\n/.exec(text);
  return m ? { count: Number(m[1]), size: Number(m[2]) } : null;
}

export const DOWNLOAD_NAME = "kiln-word2vec.txt";
