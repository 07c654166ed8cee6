// The data side of the page: the user's file (sent to the worker, which reads
// and parses it) and the data view of whatever dataset is chosen, asked for
// again when the data, maxlen, num_words or a text option changes. Stale
// requests are dropped (Latest); the page never parses data itself.

import { Latest, type WasmCalls } from "../calls.js";
import { multiClassProposal, usesTestSplit, viewKey, type MultiClass } from "../data_view.js";
import type { DataView, FromWorker, LoadOptions, RunConfig, ToWorker } from "../protocol.js";
import type { Key } from "../url_state.js";
import { t } from "../i18n.js";
import { renderDataMessage, renderDataView, renderProposal, type DataMessage } from "./data_summary.js";
import { byId, el } from "./dom.js";
import { FileZone } from "./file_zone.js";
import { setPlain, setText } from "./lang_switch.js";

/** What the data panel needs from the rest of the page. */
export interface DataHost {
  calls: WasmCalls;
  send(msg: ToWorker): void;
  /** Set a setting as if the user had typed it. */
  setSetting(key: Key, value: string): void;
  useMultiClass(m: MultiClass): void;
  showError(title: string, lines: string[]): void;
  clearError(): void;
}

/** Typing in maxlen asks for one view, not one per key stroke. */
const DEBOUNCE_MS = 250;

export class DataPanel {
  private readonly viewBox = byId("data-view");
  private readonly propose = el("div", undefined, "propose");
  private readonly testSplit = byId("test-split-field");
  private readonly valField = byId("val-file-field");
  private readonly valInput = byId<HTMLInputElement>("val-file-input");
  private readonly valClear = byId<HTMLButtonElement>("val-file-clear");
  private readonly valStatus = byId("val-file-status");
  private readonly file: FileZone;
  /** Views tagged with the key they were asked for: one that arrives after the settings moved on is dropped. */
  private readonly views: Latest<{ key: string; view: DataView } | { key: string; error: string }>;
  private config: RunConfig | null = null;
  private view: DataView | null = null;
  /** The key of the view shown or asked for. */
  private key = "";
  private fileLoaded = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The message shown in place of a view, drawn again after a language switch. */
  private message: { text: DataMessage; state: "pending" | "empty" | "error" } | null = null;

  constructor(private readonly host: DataHost) {
    this.propose.id = "multiclass-offer";
    this.propose.hidden = true;
    this.file = new FileZone({ read: (f) => this.readFile(f), load: (o) => this.loadFile(o) });
    this.views = new Latest((r) => {
      if (!r.ok || r.value.key !== this.key) return;
      if ("view" in r.value) this.showView(r.value.view);
      else this.showViewError(r.value.error);
    });
    this.say({ key: "dv.loading" }, "empty");
    this.valInput.addEventListener("change", () => {
      const file = this.valInput.files?.[0];
      if (!file) return;
      setText(this.valStatus, "dv.reading", { name: file.name });
      this.host.send({ type: "validation_file", file });
    });
    this.valClear.addEventListener("click", () => {
      this.valInput.value = "";
      this.host.send({ type: "validation_file", file: null });
    });
  }

  /** The settings changed (or were filled): refresh what depends on them. */
  onConfig(config: RunConfig): void {
    this.config = config;
    this.file.show(config.data === "file");
    this.testSplit.hidden = !usesTestSplit(config.data, this.file.format);
    this.valField.hidden = config.data !== "file" && config.data !== "ko-sample";
    this.proposeFor(config);
    const key = viewKey(config);
    if (key === this.key) return;
    this.key = key;
    if (this.timer !== null) clearTimeout(this.timer);
    if (config.data === "file" && !this.fileLoaded) {
      this.view = null;
      this.proposeFor(config);
      return this.say({ key: "dv.chooseFile" }, "empty");
    }
    this.say({ key: "dv.readingData" }, "pending");
    this.timer = setTimeout(() => {
      this.timer = null;
      this.views.request(() => this.host.calls.call({ fn: "dataView", config }).then(
        (view) => ({ key, view }),
        (e: unknown) => ({ key, error: e instanceof Error ? e.message : String(e) }),
      ));
    }, DEBOUNCE_MS);
  }

  /** The worker's file messages; false for others. */
  onWorker(msg: FromWorker): boolean {
    switch (msg.type) {
      case "file_progress":
        this.file.onProgress(msg.name, msg.loaded, msg.total);
        return true;
      case "file_inspected":
        this.host.clearError();
        this.file.onInspected(msg.inspection);
        if (this.config) this.onConfig(this.config);
        return true;
      case "file_error":
        this.file.onError(msg.message);
        this.host.showError(t("dv.fileUnreadable"), [msg.message]);
        return true;
      case "validation_loaded":
        this.valClear.hidden = msg.rows === 0;
        if (msg.rows === 0) setPlain(this.valStatus, "");
        else setText(this.valStatus, "dv.valLoaded", { name: msg.name, rows: msg.rows });
        return true;
      case "validation_error":
        setPlain(this.valStatus, "");
        this.valClear.hidden = true;
        this.host.showError(t("dv.valUnreadable"), [msg.message]);
        return true;
      default:
        return false;
    }
  }

  setEnabled(enabled: boolean): void {
    this.file.setEnabled(enabled);
    for (const b of this.viewBox.querySelectorAll("button")) b.disabled = !enabled;
  }

  private readFile(file: File): void {
    this.fileLoaded = false;
    this.key = "";
    this.file.reading(file.name, file.size);
    this.host.send({ type: "file", file });
    if (this.config?.data !== "file") this.host.setSetting("data", "file");
    else this.onConfig(this.config);
  }

  private loadFile(options: LoadOptions): void {
    const config = this.config;
    if (!config) return;
    this.say({ key: "dv.loadingFile" }, "pending");
    this.host.calls.call({ fn: "loadFile", options, config }).then(
      (view) => {
        this.fileLoaded = true;
        this.key = viewKey(config);
        this.host.clearError();
        this.file.onLoaded(view.train_rows + view.test_rows);
        this.showView(view);
        // settings changed while loading: look again with the current ones
        if (this.config && viewKey(this.config) !== this.key) this.onConfig(this.config);
      },
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        this.showViewError(message);
        this.host.showError(t("dv.fileUnloadable"), [message]);
      },
    );
  }

  /** After a language switch: the view or the message again, in the new language. */
  relabel(): void {
    const pending = this.viewBox.dataset["state"] === "pending";
    if (this.view && this.viewBox.querySelector("#data-rows")) {
      this.showView(this.view);
      if (pending) this.viewBox.dataset["state"] = "pending"; // still dimmed: a new view is coming
    } else if (this.message) {
      this.viewBox.dataset["state"] = "";
      renderDataMessage(this.viewBox, this.message.text, this.message.state);
    }
  }

  private say(text: DataMessage, state: "pending" | "empty" | "error"): void {
    this.message = { text, state };
    renderDataMessage(this.viewBox, text, state);
  }

  private showView(view: DataView): void {
    this.view = view;
    renderDataView(this.viewBox, view, this.propose, { useMaxlen: (k) => this.host.setSetting("maxlen", String(k)) });
    if (this.config) this.proposeFor(this.config);
  }

  private showViewError(message: string): void {
    this.view = null;
    this.key = ""; // the same settings may work later (a file loaded, IMDB served)
    this.say({ key: "dv.viewError", params: { message } }, "error");
    this.proposeFor(this.config);
  }

  private proposeFor(config: RunConfig | null): void {
    const offer = config && this.view ? multiClassProposal(config.layers, config.loss, this.view.classes.length) : null;
    renderProposal(this.propose, offer, (m) => this.host.useMultiClass(m));
  }
}
