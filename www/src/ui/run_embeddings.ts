// The "Embeddings" block of the results: the trained run's first Embedding as
// word vectors (row i = the tokenizer's index_word[i]): nearest words by cosine
// (gensim's similar_by_word), the most frequent words on two principal
// components, and the word2vec .txt and Embedding Projector TSV downloads.

import { Latest, type WasmCalls } from "../calls.js";
import type { Similar } from "../protocol.js";
import { shownWord, typedWord } from "../word2vec.js";
import { el, elId, fmtInt } from "./dom.js";
import { saveFile, sizeText } from "./save_file.js";
import { renderError, renderSimilar } from "./word2vec_tools.js";
import { WordMap } from "./word_map.js";

const TOPN = 10;
const MAP_WORDS = 200;
const CHIPS = 10;
export const EMBEDDING_TXT_NAME = "kiln-embedding-word2vec.txt";

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function button(id: string, text: string, title: string): HTMLButtonElement {
  const b = elId("button", id, text);
  b.type = "button";
  b.title = title;
  return b;
}

export class RunEmbeddings {
  private readonly info = elId("p", "emb-info", "", "note");
  private readonly word = elId("input", "emb-word");
  private readonly ask = button("emb-similar", "Nearest words", "gensim's similar_by_word: the 10 words with the largest cosine");
  private readonly chips = elId("div", "emb-top", undefined, "tokens w2v-chips");
  private readonly similarOut = elId("div", "emb-similar-result");
  private readonly map = new WordMap();
  private readonly text = button("emb-word2vec", "word2vec .txt", "gensim: KeyedVectors.load_word2vec_format(path, binary=False)");
  private readonly vectors = button("emb-vectors", "vectors.tsv", "TensorFlow Embedding Projector: load vectors.tsv, then metadata.tsv");
  private readonly metadata = button("emb-metadata", "metadata.tsv", "The words of vectors.tsv, one per line");
  private readonly status = elId("p", "emb-status", "", "note full");
  private readonly body = elId("div", "emb-body", undefined, "w2v-tools");
  private readonly lookups: Latest<{ caption: string; list: Similar[] }>;
  private run: number | null = null;

  constructor(private readonly root: HTMLElement, private readonly calls: WasmCalls) {
    this.map.canvas.id = "emb-map";
    this.word.type = "text";
    this.word.spellcheck = false;
    this.word.autocomplete = "off";
    this.word.placeholder = "a word, e.g. good";
    this.word.setAttribute("aria-label", "Word");
    this.lookups = new Latest((r) => {
      if (r.ok) renderSimilar(this.similarOut, r.value.caption, r.value.list);
      else renderError(this.similarOut, r.error);
    });
    this.ask.addEventListener("click", () => this.lookup(typedWord(this.word.value)));
    this.word.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.lookup(typedWord(this.word.value));
    });
    this.text.addEventListener("click", () => void this.download("text"));
    this.vectors.addEventListener("click", () => void this.download("vectors"));
    this.metadata.addEventListener("click", () => void this.download("metadata"));
    const row = el("div", undefined, "w2v-row");
    row.append(this.word, this.ask);
    const words = el("div", undefined, "w2v-words");
    words.append(el("h3", "Nearest words"), row, this.chips, this.similarOut);
    const mapSide = el("div", undefined, "w2v-map-side");
    mapSide.append(el("h3", `Map of the ${MAP_WORDS} most frequent words (PCA)`), this.map.canvas);
    const files = el("div", undefined, "buttons full");
    files.append(el("span", "Download:", "downloads-label"), this.text, this.vectors, this.metadata);
    this.body.append(words, mapSide, files, this.status);
    root.replaceChildren(el("h3", "Embeddings"), this.info, this.body);
    this.clear();
  }

  /** Before a run is done: nothing to show. */
  clear(): void {
    this.run = null;
    this.root.dataset["state"] = "empty";
    this.info.textContent = "The trained Embedding's word vectors appear here when a run is done.";
    this.body.hidden = true;
    this.similarOut.replaceChildren();
    this.chips.replaceChildren();
    this.status.textContent = "";
    this.map.clear();
  }

  /** Run `run` is done: read its Embedding and draw the map. */
  async show(run: number): Promise<void> {
    this.clear();
    this.run = run;
    this.info.textContent = "Reading the trained Embedding…";
    try {
      const info = await this.calls.call({ fn: "runVectors", run });
      const points = await this.calls.call({ fn: "runWordMap", run, top: MAP_WORDS });
      if (this.run !== run) return;
      this.info.textContent = `Run #${run}'s first Embedding, row i the vector of the tokenizer's index_word[i]: ` +
        `${fmtInt(info.words)} words × ${info.vector_size} dimensions.`;
      this.body.hidden = false;
      this.map.show(points);
      const top = points.filter((p) => p.word.trim() !== "").slice(0, CHIPS);
      this.chips.replaceChildren(el("span", "Try:", "try"), ...top.map((p) => {
        const chip = el("button", shownWord(p.word), "chip");
        chip.type = "button";
        chip.dataset["word"] = p.word;
        chip.addEventListener("click", () => {
          this.word.value = p.word;
          this.lookup(p.word);
        });
        return chip;
      }));
      this.root.dataset["state"] = "ready";
    } catch (e) {
      if (this.run !== run) return;
      this.root.dataset["state"] = "error";
      this.info.textContent = `No word vectors for this run: ${errorText(e)}`;
    }
  }

  private lookup(word: string): void {
    const run = this.run;
    if (run === null) return;
    if (word === "") return renderError(this.similarOut, "Type a word first");
    this.lookups.request(async () => ({
      caption: `Nearest to “${shownWord(word)}” in run #${run}'s Embedding (cosine)`,
      list: await this.calls.call({ fn: "runSimilar", run, word, topn: TOPN }),
    }));
  }

  private async download(what: "text" | "vectors" | "metadata"): Promise<void> {
    const run = this.run;
    if (run === null) return;
    try {
      let name: string;
      let size: number;
      if (what === "text") {
        name = EMBEDDING_TXT_NAME;
        size = saveFile(name, await this.calls.call({ fn: "runWord2vecText", run }));
      } else {
        const files = await this.calls.call({ fn: "runProjector", run });
        name = `${what}.tsv`;
        size = saveFile(name, files[what], "text/tab-separated-values;charset=utf-8");
      }
      this.status.textContent = `Saved ${name} (${sizeText(size)})` + (what === "text"
        ? ": gensim's KeyedVectors.load_word2vec_format(path, binary=False) reads it."
        : ": load vectors.tsv and metadata.tsv at projector.tensorflow.org (Load).");
    } catch (e) {
      this.status.textContent = `The download failed: ${errorText(e)}`;
    }
  }
}
