// What trained word vectors are for: similar words (gensim's similar_by_word),
// analogies (most_similar(positive, negative)), the map of the most frequent
// words, the word2vec .txt download, and the model's Embedding starting from
// the vectors. Every word is set as text (textContent, fillText).

import { Latest } from "../calls.js";
import type { Similar } from "../protocol.js";
import { analogyQuery, analogyText, averageModel, DOWNLOAD_NAME, shownWord, typedWord, useVectors } from "../word2vec.js";
import { el, elId } from "./dom.js";
import type { Word2VecHost } from "./word2vec_panel.js";
import { WordMap } from "./word_map.js";

const TOPN = 10;
const MAP_WORDS = 200;
const CHIPS = 12;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function button(id: string, text: string, primary = false): HTMLButtonElement {
  const b = elId("button", id, text, primary ? "primary" : undefined);
  b.type = "button";
  return b;
}

function input(id: string, placeholder: string, label: string): HTMLInputElement {
  const i = elId("input", id);
  i.type = "text";
  i.spellcheck = false;
  i.autocomplete = "off";
  i.placeholder = placeholder;
  i.setAttribute("aria-label", label);
  return i;
}

/** A table of words and cosines, most similar first, with a bar per cosine. */
export function renderSimilar(target: HTMLElement, caption: string, list: readonly Similar[]): void {
  const table = el("table", undefined, "similar");
  table.createCaption().textContent = caption;
  const body = el("tbody");
  list.forEach((s, i) => {
    const tr = el("tr");
    tr.dataset["similarity"] = String(s.similarity);
    const bar = el("span", undefined, "cos-bar");
    bar.style.width = `${Math.max(0, Math.min(1, s.similarity)) * 100}%`;
    const track = el("td", undefined, "cos-track");
    track.append(bar);
    tr.append(el("td", String(i + 1), "rank"), el("td", shownWord(s.word), "word"), el("td", s.similarity.toFixed(4), "cos"), track);
    body.append(tr);
  });
  table.append(body);
  target.replaceChildren(list.length > 0 ? table : el("p", "No other words in the vocabulary.", "note"));
}

export function renderError(target: HTMLElement, message: string): void {
  target.replaceChildren(el("p", message, "field-errors"));
}

export class Word2VecTools {
  readonly root = elId("div", "w2v-tools", undefined, "w2v-tools");
  private readonly word = input("w2v-word", "a word", "Word");
  private readonly similar = button("w2v-similar", "Similar words");
  private readonly chips = elId("div", "w2v-top", undefined, "tokens w2v-chips");
  private readonly similarOut = elId("div", "w2v-similar-result");
  private readonly a = input("w2v-a", "king", "a (positive)");
  private readonly b = input("w2v-b", "man", "b (negative)");
  private readonly c = input("w2v-c", "woman", "c (positive)");
  private readonly analogy = button("w2v-analogy", "a − b + c");
  private readonly analogyOut = elId("div", "w2v-analogy-result");
  private readonly map = new WordMap();
  private readonly mapNote = elId("p", "w2v-map-note", "", "note");
  private readonly trainable = elId("input", "w2v-trainable");
  private readonly use = button("w2v-use", "Use in the model", true);
  private readonly average = button("w2v-average", "Word2Vec average → Dense");
  private readonly download = button("w2v-download", "Download word2vec .txt");
  private readonly useStatus = elId("p", "w2v-use-status", "", "note");
  private readonly lookups: Latest<{ caption: string; list: Similar[] }>;
  private vectorSize = 0;

  constructor(private readonly host: Word2VecHost) {
    this.lookups = new Latest((r) => {
      if (r.ok) renderSimilar(this.similarOut, r.value.caption, r.value.list);
      else renderError(this.similarOut, r.error);
    });
    const similarRow = el("div", undefined, "w2v-row");
    similarRow.append(this.word, this.similar);
    this.similar.addEventListener("click", () => this.lookup(typedWord(this.word.value)));
    this.word.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.lookup(typedWord(this.word.value));
    });
    const analogyRow = el("div", undefined, "w2v-row analogy");
    analogyRow.append(this.a, el("span", "−", "op"), this.b, el("span", "+", "op"), this.c, this.analogy);
    this.analogy.addEventListener("click", () => void this.ask());
    const words = el("div", undefined, "w2v-words");
    words.append(
      el("h3", "Similar words"), similarRow, this.chips, this.similarOut,
      el("h3", "Analogy"), el("p", "gensim's most_similar(positive=[a, c], negative=[b]): king − man + woman.", "note"),
      analogyRow, this.analogyOut,
    );
    const mapSide = el("div", undefined, "w2v-map-side");
    mapSide.append(el("h3", `Map of the ${MAP_WORDS} most frequent words`), this.map.canvas, this.mapNote);

    this.trainable.type = "checkbox";
    this.trainable.checked = true;
    const trainLabel = el("label", undefined, "check");
    trainLabel.title = "Keras trainable: fine-tune the vectors with the model (unchecked: frozen)";
    trainLabel.append(this.trainable, " trainable");
    const useRow = el("div", undefined, "buttons w2v-use");
    useRow.append(this.use, trainLabel, this.average, this.download);
    this.use.addEventListener("click", () => this.useInModel());
    this.average.addEventListener("click", () => void this.averageModel());
    this.download.addEventListener("click", () => void this.save());
    const useSide = el("div", undefined, "w2v-use-side full");
    useSide.append(
      el("h3", "Use in the model"),
      el("p", "The first Embedding starts from these vectors (embeddings_initializer \"word2vec\", output_dim = vector_size); " +
        "words without a vector keep Keras' uniform start.", "note"),
      useRow, this.useStatus,
    );
    this.root.append(words, mapSide, useSide);
  }

  /** Vectors are trained: look at them. */
  show(vectorSize: number): void {
    this.vectorSize = vectorSize;
    this.useStatus.textContent = "";
    this.similarOut.replaceChildren();
    this.analogyOut.replaceChildren();
    this.mapNote.textContent = "Reading the map…";
    this.host.calls.call({ fn: "wordMap", top: MAP_WORDS }).then(
      (points) => {
        this.map.show(points);
        this.mapNote.textContent = `${points.length} words on their first two principal components (the farthest few held at ` +
          "the edges); the most frequent are bold and labelled first, a label that would overlap one already drawn is left out.";
        const top = [...points].sort((x, y) => y.count - x.count).slice(0, CHIPS);
        this.chips.replaceChildren(el("span", "Try:", "try"), ...top.map((p) => {
          const chip = el("button", shownWord(p.word), "chip");
          chip.dataset["word"] = p.word;
          chip.type = "button";
          chip.addEventListener("click", () => {
            this.word.value = p.word;
            this.lookup(p.word);
          });
          return chip;
        }));
      },
      (e: unknown) => {
        this.map.clear();
        this.mapNote.textContent = `The map could not be made: ${errorText(e)}`;
      },
    );
  }

  setEnabled(enabled: boolean): void {
    for (const c of this.root.querySelectorAll("input, button")) (c as HTMLInputElement).disabled = !enabled;
  }

  private lookup(word: string): void {
    if (word === "") return renderError(this.similarOut, "Type a word first");
    this.lookups.request(async () => ({
      caption: `Most similar to “${shownWord(word)}” (cosine)`,
      list: await this.host.calls.call({ fn: "similar", word, topn: TOPN }),
    }));
  }

  private async ask(): Promise<void> {
    const q = analogyQuery(this.a.value, this.b.value, this.c.value);
    if (!q.ok) return renderError(this.analogyOut, q.error);
    try {
      const list = await this.host.calls.call({ fn: "analogy", positive: q.positive, negative: q.negative, topn: TOPN });
      renderSimilar(this.analogyOut, `${analogyText(q)} ≈`, list);
    } catch (e) {
      renderError(this.analogyOut, errorText(e));
    }
  }

  private useInModel(): void {
    const edit = useVectors(this.host.layers(), this.vectorSize, this.trainable.checked);
    if (!edit.ok) {
      this.useStatus.textContent = edit.error;
      return;
    }
    this.host.setLayers(edit.layers);
    this.useStatus.textContent = `Layer ${edit.index + 1} (Embedding) now starts from the word vectors: output_dim ${this.vectorSize}, ` +
      `${this.trainable.checked ? "trainable" : "frozen (trainable=False)"}. Press Train.`;
  }

  /** Seed 000's model; the classes come from the data view (Dense(k, softmax) for k > 2). */
  private async averageModel(): Promise<void> {
    const page = this.host.read();
    let classes = 2;
    if (page.ok) {
      try {
        classes = (await this.host.calls.call({ fn: "dataView", config: page.config })).classes.length;
      } catch {
        // the data view reports its own error; a binary head is the default
      }
    }
    const model = averageModel(this.vectorSize, classes);
    this.host.setLayers(model.layers, model.loss);
    this.useStatus.textContent = `The model is now Embedding(${this.vectorSize}, word2vec, trainable=False) → GlobalAveragePooling1D → ` +
      `Dense(64, relu) → ${classes > 2 ? `Dense(${classes}, softmax)` : "Dense(1, sigmoid)"} with ${model.loss}. Press Train.`;
  }

  private async save(): Promise<void> {
    try {
      const text = await this.host.calls.call({ fn: "word2vecText" });
      const blob = new Blob([text], { type: "text/plain;charset=utf-8" });
      const url = URL.createObjectURL(blob);
      const link = el("a");
      link.href = url;
      link.download = DOWNLOAD_NAME;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.useStatus.textContent = `Saved ${DOWNLOAD_NAME} (${(blob.size / 1024).toFixed(0)} KiB, gensim's load_word2vec_format(binary=False)).`;
    } catch (e) {
      this.useStatus.textContent = `The download failed: ${errorText(e)}`;
    }
  }
}
