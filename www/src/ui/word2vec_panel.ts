// The word vectors panel, training side: gensim's settings, Train word2vec /
// Stop, the progress bar (words/s from the events' `ms`), the loss curve and
// errors. What the vectors are for (similar words, analogies, the map, the
// download, "Use in the model") is word2vec_tools.ts, shown after "done".
// Training and runs exclude each other: the worker refuses, the buttons follow.
// Its words are marked data-i18n (lang_switch.ts), so a switch translates them in place.

import { AppendingLineChart } from "../chart.js";
import type { WasmCalls } from "../calls.js";
import type { BackendChoice, FromWorker, LayerConfig, Loss, RunConfig, ToWorker } from "../protocol.js";
import { readWord2VecConfig, WORD2VEC_FIELDS, Word2VecProgress, type Word2VecKey } from "../word2vec.js";
import type { MessageKey, Params } from "../i18n.js";
import { el, elId } from "./dom.js";
import { marked, setAttr, setPlain, setText } from "./lang_switch.js";
import { Word2VecTools } from "./word2vec_tools.js";

/** What the panel needs from the rest of the page. */
export interface Word2VecHost {
  calls: WasmCalls;
  send(msg: ToWorker): void;
  /** The page's settings (the data and text settings word2vec tokenises with) and backend choice. */
  read(): { ok: true; config: RunConfig; backend: BackendChoice } | { ok: false; errors: string[] };
  /** The Setup's backend choice as the form shows it. */
  backend(): BackendChoice;
  layers(): LayerConfig[];
  setLayers(layers: LayerConfig[], loss?: Loss): void;
  /** Training started or ended (the page's Train button follows). */
  changed(): void;
}

type State = "idle" | "training" | "stopping" | "done" | "error";

export class Word2VecPanel {
  private readonly inputs = new Map<Word2VecKey, HTMLInputElement>();
  private readonly train = marked("button", "w2v.train", "primary");
  private readonly stop = marked("button", "button.stop");
  private readonly backend = elId("p", "w2v-backend", "", "note");
  private readonly bar = elId("progress", "w2v-progress");
  private readonly status = elId("div", "w2v-status", "", "w2v-status");
  private readonly error = elId("div", "w2v-error", "", "errors");
  private readonly lossBox = elId("div", "w2v-loss", undefined, "chart");
  /** Pretrained vectors: a word2vec (`count dim` header) or GloVe (no header) text file. */
  private readonly load = elId("input", "w2v-load");
  private loading = false;
  private readonly loss: AppendingLineChart;
  private readonly tools: Word2VecTools;
  private progress: Word2VecProgress | null = null;
  private state: State = "idle";
  private points = 0;
  /** Whether the worker holds vectors (a training finished before). */
  private hasVectors = false;
  private runBusy = false;
  private ready = false;

  constructor(private readonly root: HTMLElement, private readonly host: Word2VecHost) {
    this.train.id = "w2v-train";
    this.stop.id = "w2v-stop";
    this.train.type = "button";
    this.stop.type = "button";
    this.bar.max = 1;
    this.bar.value = 0;
    setAttr(this.bar, "aria-label", "w2v.barAria");
    this.error.hidden = true;
    this.error.setAttribute("role", "alert");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    const intro = marked("p", "w2v.intro", "note");
    const settings = el("div", undefined, "grid w2v-settings");
    for (const f of WORD2VEC_FIELDS) {
      const input = el("input");
      input.type = "number";
      input.name = f.name;
      input.id = `w2v-${f.name}`;
      input.step = f.int ? "1" : "any";
      input.min = String(f.min);
      input.value = String(f.default);
      input.placeholder = String(f.default);
      input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
      this.inputs.set(f.name, input);
      const label = el("label", f.name);
      setAttr(label, "title", f.title, { default: String(f.default) });
      label.append(input, marked("span", "w2v.default", "default", { value: String(f.default) }));
      settings.append(label);
    }
    const buttons = el("div", undefined, "buttons");
    buttons.append(this.train, this.stop);
    this.train.addEventListener("click", () => this.start());
    this.stop.addEventListener("click", () => {
      this.host.send({ type: "word2vec_stop" });
      this.state = "stopping";
      setText(this.status, "w2v.stopping");
      this.render();
    });
    this.load.type = "file";
    this.load.accept = ".txt,.gz,.vec,text/plain";
    this.load.addEventListener("change", () => {
      const file = this.load.files?.[0];
      if (file) void this.loadFile(file);
    });
    const loadLabel = el("label", undefined, "file-label");
    setAttr(loadLabel, "title", "w2v.loadTitle");
    loadLabel.append(marked("span", "w2v.load"), " ", this.load);
    buttons.append(loadLabel);
    const progressRow = el("div", undefined, "w2v-progress");
    progressRow.append(this.bar, this.status);
    this.loss = new AppendingLineChart(this.lossBox, {
      title: "word2vec loss",
      xLabel: "epoch",
      lines: [{ label: "loss", stroke: "#d9480f", width: 2, points: true }],
      height: 200,
    });
    this.lossBox.dataset["points"] = "0";
    this.tools = new Word2VecTools(host);
    this.tools.root.hidden = true;
    const side = el("div", undefined, "w2v-train-side");
    side.append(intro, settings, this.backend, buttons, progressRow, this.error);
    const top = el("div", undefined, "w2v-columns");
    top.append(side, this.lossBox);
    root.replaceChildren(top, this.tools.root);
    // the backend line follows the Setup's select
    document.getElementById("config")?.addEventListener("change", () => this.render());
    this.render();
  }

  /** The worker's word2vec messages; false for others. */
  onWorker(msg: FromWorker): boolean {
    switch (msg.type) {
      case "word2vec_event": {
        if (msg.event.type === "prepared") this.root.dataset["backend"] = msg.event.backend;
        const view = this.progress?.onEvent(msg.event, msg.ms);
        if (view) {
          this.bar.value = view.fraction;
          setText(this.status, view.text.key, view.text.params);
          if (view.point) {
            this.loss.addDataPoint(view.point.x, [view.point.y]);
            this.lossBox.dataset["points"] = String(++this.points);
          }
        }
        if (msg.event.type === "done") {
          this.state = "done";
          this.hasVectors = true;
          console.log(`[kiln] word2vec ${this.status.textContent}`);
          this.tools.show(msg.event.vector_size);
          this.tools.root.hidden = false;
        }
        this.render();
        this.host.changed();
        return true;
      }
      case "word2vec_error":
        this.fail(msg.message);
        this.host.changed();
        return true;
      default:
        return false;
    }
  }

  /** Pretrained vectors become the page's, as if word2vec had trained them; a bad file is said, the old vectors kept. */
  private async loadFile(file: File): Promise<void> {
    this.loading = true;
    this.error.hidden = true;
    setText(this.status, "w2v.readingFile", { name: file.name, mb: (file.size / 2 ** 20).toFixed(1) });
    this.render();
    try {
      const info = await this.host.calls.call({ fn: "loadVectors", file });
      this.state = "done";
      this.hasVectors = true;
      this.bar.value = 0;
      const loaded = { name: file.name, words: info.words, size: String(info.vector_size) };
      setText(this.status, info.format === "glove" ? "w2v.loadedGlove" : "w2v.loadedWord2vec", loaded);
      this.root.dataset["loaded"] = file.name;
      console.log(`[kiln] word2vec ${this.status.textContent}`);
      this.tools.show(info.vector_size);
      this.tools.root.hidden = false;
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    } finally {
      this.loading = false;
      this.load.value = "";
      this.render();
      this.host.changed();
    }
  }

  /** Whether word2vec is training (a run must wait). */
  get training(): boolean {
    return this.state === "training" || this.state === "stopping";
  }

  /** `ready`: Kiln has loaded; `runBusy`: a run is preparing, training or paused, or a baseline is fitting. */
  setPage(ready: boolean, runBusy: boolean): void {
    this.ready = ready;
    this.runBusy = runBusy;
    this.render();
  }

  private start(): void {
    const values: Partial<Record<Word2VecKey, string>> = {};
    for (const [name, input] of this.inputs) values[name] = input.value;
    const w2v = readWord2VecConfig(values);
    const page = this.host.read();
    for (const [name, input] of this.inputs) {
      const bad = !w2v.ok && w2v.errors.some((e) => e.startsWith(`${name}:`));
      input.setAttribute("aria-invalid", String(bad));
    }
    if (!w2v.ok) return this.fail({ key: "w2v.invalid", params: { errors: w2v.errors.join("; ") } });
    if (!page.ok) return this.fail({ key: "w2v.fixPage", params: { errors: page.errors.join("; ") } });
    this.error.hidden = true;
    setPlain(this.error, "");
    this.state = "training";
    this.progress = new Word2VecProgress(w2v.config.epochs ?? 5);
    this.bar.value = 0;
    this.points = 0;
    this.lossBox.dataset["points"] = "0";
    this.loss.reset();
    delete this.root.dataset["backend"];
    setText(this.status, "w2v.building", { data: page.config.data, tokens: page.config.text.tokens });
    this.host.send({ type: "word2vec", word2vec: w2v.config, config: page.config, backend: page.backend });
    this.render();
    this.host.changed();
  }

  /** An error: Rust's as given, or the page's own by key. */
  private fail(message: string | { key: MessageKey; params: Params }): void {
    this.state = this.hasVectors ? "done" : "error";
    if (typeof message === "string") setPlain(this.error, message);
    else setText(this.error, message.key, message.params);
    this.error.hidden = false;
    if (this.hasVectors) setText(this.status, "w2v.kept");
    else setPlain(this.status, "");
    console.warn(`[kiln] word2vec: ${this.error.textContent ?? ""}`);
    this.render();
  }

  private render(): void {
    this.root.dataset["state"] = this.state;
    setText(this.backend, this.runBusy ? "w2v.backendWaiting" : "w2v.backend", { backend: this.host.backend() });
    this.train.disabled = !this.ready || this.training || this.runBusy;
    this.stop.disabled = this.state !== "training";
    for (const input of this.inputs.values()) input.disabled = this.training;
    this.load.disabled = !this.ready || this.training || this.loading || this.runBusy;
    this.tools.setEnabled(this.hasVectors && !this.training && !this.runBusy);
  }
}
