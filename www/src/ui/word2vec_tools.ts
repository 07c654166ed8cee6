// What trained word vectors are for: similar words (gensim's similar_by_word),
// analogies (most_similar(positive, negative)), the map of the most frequent
// words, the word2vec .txt download, and the model's Embedding starting from
// the vectors. Every word is set as text (textContent, fillText). Kiln's own
// words are marked data-i18n (lang_switch.ts), so a switch translates them in place.

import { Latest } from "../calls.js";
import type { Similar } from "../protocol.js";
import { analogyQuery, analogyText, averageModel, DOWNLOAD_NAME, shownWord, typedWord, useVectors } from "../word2vec.js";
import type { MessageKey, Params } from "../i18n.js";
import { el, elId } from "./dom.js";
import { marked, setAttr, setPlain, setText } from "./lang_switch.js";
import { saveFile } from "./save_file.js";
import type { Word2VecHost } from "./word2vec_panel.js";
import { WordMap } from "./word_map.js";

const TOPN = 10;
const MAP_WORDS = 200;
const CHIPS = 12;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function button(id: string, text: MessageKey | { plain: string }, primary = false): HTMLButtonElement {
  const b = typeof text === "string" ? marked("button", text, primary ? "primary" : undefined) : elId("button", id, text.plain);
  b.id = id;
  b.type = "button";
  return b;
}

function input(id: string, placeholder: MessageKey | { plain: string }, label: MessageKey): HTMLInputElement {
  const i = elId("input", id);
  i.type = "text";
  i.spellcheck = false;
  i.autocomplete = "off";
  if (typeof placeholder === "string") setAttr(i, "placeholder", placeholder);
  else i.placeholder = placeholder.plain;
  setAttr(i, "aria-label", label);
  return i;
}

/** A caption: by key (translated again after a switch) or as given (an analogy's words). */
export type Caption = { key: MessageKey; params?: Params } | { plain: string };

/** A table of words and cosines, most similar first, with a bar per cosine. */
export function renderSimilar(target: HTMLElement, caption: Caption, list: readonly Similar[]): void {
  const table = el("table", undefined, "similar");
  const head = table.createCaption();
  if ("plain" in caption) setPlain(head, caption.plain);
  else setText(head, caption.key, caption.params);
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
  target.replaceChildren(list.length > 0 ? table : marked("p", "w2v.noOther", "note"));
}

export function renderError(target: HTMLElement, message: Caption): void {
  const p = el("p", undefined, "field-errors");
  if ("plain" in message) p.textContent = message.plain;
  else setText(p, message.key, message.params);
  target.replaceChildren(p);
}

export class Word2VecTools {
  readonly root = elId("div", "w2v-tools", undefined, "w2v-tools");
  private readonly word = input("w2v-word", "w2v.aWord", "w2v.word");
  private readonly similar = button("w2v-similar", "w2v.similar");
  private readonly chips = elId("div", "w2v-top", undefined, "tokens w2v-chips");
  private readonly similarOut = elId("div", "w2v-similar-result");
  private readonly a = input("w2v-a", { plain: "king" }, "w2v.aPositive");
  private readonly b = input("w2v-b", { plain: "man" }, "w2v.bNegative");
  private readonly c = input("w2v-c", { plain: "woman" }, "w2v.cPositive");
  private readonly analogy = button("w2v-analogy", { plain: "a − b + c" });
  private readonly analogyOut = elId("div", "w2v-analogy-result");
  private readonly map = new WordMap();
  private readonly mapNote = elId("p", "w2v-map-note", "", "note");
  private readonly trainable = elId("input", "w2v-trainable");
  private readonly use = button("w2v-use", "w2v.use", true);
  private readonly average = button("w2v-average", "w2v.average");
  private readonly download = button("w2v-download", "w2v.download");
  private readonly useStatus = elId("p", "w2v-use-status", "", "note");
  private readonly lookups: Latest<{ caption: Caption; list: Similar[] }>;
  private vectorSize = 0;

  constructor(private readonly host: Word2VecHost) {
    this.lookups = new Latest((r) => {
      if (r.ok) renderSimilar(this.similarOut, r.value.caption, r.value.list);
      else renderError(this.similarOut, { plain: r.error });
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
      marked("h3", "w2v.similar"), similarRow, this.chips, this.similarOut,
      marked("h3", "w2v.analogy"), marked("p", "w2v.analogyNote", "note"),
      analogyRow, this.analogyOut,
    );
    const mapSide = el("div", undefined, "w2v-map-side");
    mapSide.append(marked("h3", "w2v.map", undefined, { n: MAP_WORDS }), this.map.canvas, this.mapNote);

    this.trainable.type = "checkbox";
    this.trainable.checked = true;
    const trainLabel = el("label", undefined, "check");
    setAttr(trainLabel, "title", "w2v.trainableTitle");
    trainLabel.append(this.trainable, " trainable");
    const useRow = el("div", undefined, "buttons w2v-use");
    useRow.append(this.use, trainLabel, this.average, this.download);
    this.use.addEventListener("click", () => this.useInModel());
    this.average.addEventListener("click", () => void this.averageModel());
    this.download.addEventListener("click", () => void this.save());
    const useSide = el("div", undefined, "w2v-use-side full");
    useSide.append(
      marked("h3", "w2v.use"),
      marked("p", "w2v.useNote", "note"),
      useRow, this.useStatus,
    );
    this.root.append(words, mapSide, useSide);
  }

  /** Vectors are trained: look at them. */
  show(vectorSize: number): void {
    this.vectorSize = vectorSize;
    setPlain(this.useStatus, "");
    this.similarOut.replaceChildren();
    this.analogyOut.replaceChildren();
    setText(this.mapNote, "w2v.readingMap");
    this.host.calls.call({ fn: "wordMap", top: MAP_WORDS }).then(
      (points) => {
        this.map.show(points);
        setText(this.mapNote, "w2v.mapNote", { n: points.length });
        const top = [...points].sort((x, y) => y.count - x.count).slice(0, CHIPS);
        this.chips.replaceChildren(marked("span", "w2v.try", "try"), ...top.map((p) => {
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
        setText(this.mapNote, "w2v.mapError", { message: errorText(e) });
      },
    );
  }

  setEnabled(enabled: boolean): void {
    for (const c of this.root.querySelectorAll("input, button")) (c as HTMLInputElement).disabled = !enabled;
  }

  private lookup(word: string): void {
    if (word === "") return renderError(this.similarOut, { key: "w2v.typeWord" });
    this.lookups.request(async () => ({
      caption: { key: "w2v.similarCaption", params: { word: shownWord(word) } },
      list: await this.host.calls.call({ fn: "similar", word, topn: TOPN }),
    }));
  }

  private async ask(): Promise<void> {
    const q = analogyQuery(this.a.value, this.b.value, this.c.value);
    if (!q.ok) return renderError(this.analogyOut, { key: q.error });
    try {
      const list = await this.host.calls.call({ fn: "analogy", positive: q.positive, negative: q.negative, topn: TOPN });
      renderSimilar(this.analogyOut, { plain: `${analogyText(q)} ≈` }, list);
    } catch (e) {
      renderError(this.analogyOut, { plain: errorText(e) });
    }
  }

  private useInModel(): void {
    const edit = useVectors(this.host.layers(), this.vectorSize, this.trainable.checked);
    if (!edit.ok) {
      setText(this.useStatus, edit.error);
      return;
    }
    this.host.setLayers(edit.layers);
    const params = { layer: String(edit.index + 1), size: String(this.vectorSize) };
    setText(this.useStatus, this.trainable.checked ? "w2v.usedTrainable" : "w2v.usedFrozen", params);
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
    const head = classes > 2 ? `Dense(${classes}, softmax)` : "Dense(1, sigmoid)";
    setText(this.useStatus, "w2v.averaged", { size: String(this.vectorSize), head, loss: model.loss });
  }

  private async save(): Promise<void> {
    try {
      const text = await this.host.calls.call({ fn: "word2vecText" });
      const size = saveFile(DOWNLOAD_NAME, text);
      setText(this.useStatus, "w2v.saved", { name: DOWNLOAD_NAME, size: (size / 1024).toFixed(0) });
    } catch (e) {
      setText(this.useStatus, "dl.failed", { message: errorText(e) });
    }
  }
}
