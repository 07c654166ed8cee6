// The "Embeddings" block of the results: the trained run's first Embedding as
// word vectors (row i = the tokenizer's index_word[i]): nearest words by cosine
// (gensim's similar_by_word), the most frequent words on two principal
// components, and the word2vec .txt and Embedding Projector TSV downloads.
// Its words are marked data-i18n (lang_switch.ts), so a switch translates them in place.

import { Latest, type WasmCalls } from "../calls.js";
import type { Similar } from "../protocol.js";
import { shownWord, typedWord } from "../word2vec.js";
import type { MessageKey } from "../i18n.js";
import { el, elId } from "./dom.js";
import { marked, setAttr, setPlain, setText } from "./lang_switch.js";
import { saveFile, sizeText } from "./save_file.js";
import { renderError, renderSimilar, type Caption } from "./word2vec_tools.js";
import { WordMap } from "./word_map.js";

const TOPN = 10;
const MAP_WORDS = 200;
const CHIPS = 10;
export const EMBEDDING_TXT_NAME = "kiln-embedding-word2vec.txt";

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A button: its text by key or as given (a file name), its title by key or as given (Python). */
function button(id: string, text: MessageKey | { plain: string }, title: MessageKey | { plain: string }): HTMLButtonElement {
  const b = typeof text === "string" ? marked("button", text) : el("button", text.plain);
  b.id = id;
  b.type = "button";
  if (typeof title === "string") setAttr(b, "title", title);
  else b.title = title.plain;
  return b;
}

export class RunEmbeddings {
  private readonly info = elId("p", "emb-info", "", "note");
  private readonly word = elId("input", "emb-word");
  private readonly ask = button("emb-similar", "emb.nearest", "emb.nearestTitle");
  private readonly chips = elId("div", "emb-top", undefined, "tokens w2v-chips");
  private readonly similarOut = elId("div", "emb-similar-result");
  private readonly map = new WordMap();
  private readonly text = button("emb-word2vec", { plain: "word2vec .txt" }, { plain: "gensim: KeyedVectors.load_word2vec_format(path, binary=False)" });
  private readonly vectors = button("emb-vectors", { plain: "vectors.tsv" }, "emb.vectorsTitle");
  private readonly metadata = button("emb-metadata", { plain: "metadata.tsv" }, "emb.metadataTitle");
  private readonly status = elId("p", "emb-status", "", "note full");
  private readonly body = elId("div", "emb-body", undefined, "w2v-tools");
  private readonly lookups: Latest<{ caption: Caption; list: Similar[] }>;
  private run: number | null = null;

  constructor(private readonly root: HTMLElement, private readonly calls: WasmCalls) {
    this.map.canvas.id = "emb-map";
    this.word.type = "text";
    this.word.spellcheck = false;
    this.word.autocomplete = "off";
    setAttr(this.word, "placeholder", "emb.placeholder");
    setAttr(this.word, "aria-label", "w2v.word");
    this.lookups = new Latest((r) => {
      if (r.ok) renderSimilar(this.similarOut, r.value.caption, r.value.list);
      else renderError(this.similarOut, { plain: r.error });
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
    words.append(marked("h3", "emb.nearest"), row, this.chips, this.similarOut);
    const mapSide = el("div", undefined, "w2v-map-side");
    mapSide.append(marked("h3", "emb.map", undefined, { n: MAP_WORDS }), this.map.canvas);
    const files = el("div", undefined, "buttons full");
    files.append(marked("span", "emb.download", "downloads-label"), this.text, this.vectors, this.metadata);
    this.body.append(words, mapSide, files, this.status);
    root.replaceChildren(marked("h3", "emb.heading"), this.info, this.body);
    this.clear();
  }

  /** Before a run is done: nothing to show. */
  clear(): void {
    this.run = null;
    this.root.dataset["state"] = "empty";
    setText(this.info, "emb.empty");
    this.body.hidden = true;
    this.similarOut.replaceChildren();
    this.chips.replaceChildren();
    setPlain(this.status, "");
    this.map.clear();
  }

  /** Run `run` is done: read its Embedding and draw the map. */
  async show(run: number): Promise<void> {
    this.clear();
    this.run = run;
    setText(this.info, "emb.reading");
    try {
      const info = await this.calls.call({ fn: "runVectors", run });
      const points = await this.calls.call({ fn: "runWordMap", run, top: MAP_WORDS });
      if (this.run !== run) return;
      setText(this.info, "emb.info", { run: String(run), words: info.words, size: String(info.vector_size) });
      this.body.hidden = false;
      this.map.show(points);
      const top = points.filter((p) => p.word.trim() !== "").slice(0, CHIPS);
      this.chips.replaceChildren(marked("span", "w2v.try", "try"), ...top.map((p) => {
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
      setText(this.info, "emb.none", { message: errorText(e) });
    }
  }

  private lookup(word: string): void {
    const run = this.run;
    if (run === null) return;
    if (word === "") return renderError(this.similarOut, { key: "w2v.typeWord" });
    this.lookups.request(async () => ({
      caption: { key: "emb.nearestCaption", params: { word: shownWord(word), run: String(run) } },
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
      setText(this.status, what === "text" ? "emb.savedText" : "emb.savedTsv", { name, size: sizeText(size) });
    } catch (e) {
      setText(this.status, "dl.failed", { message: errorText(e) });
    }
  }
}
