// The saved runs: a table of what IndexedDB holds (name, model, data, epochs, state, size),
// with Resume/Open, Rename, Download and Delete, an upload of a run file, the storage used,
// and a notice for a run a reload or a crash interrupted. Drawn in the current language;
// relabel() draws it again after a switch.

import { deleteRun, getRun, listRuns, megabytes, renameRun, storageUse, type SavedSummary } from "../saved_runs.js";
import { t, type MessageKey, type Params } from "../i18n.js";
import { el, elId } from "./dom.js";
import { marked, setPlain, setText } from "./lang_switch.js";

export interface SavedRunsHooks {
  /** Carry on (or open, when finished) the saved run `key`. */
  resume: (summary: SavedSummary) => void;
  /** A run file the user picked. */
  upload: (file: File) => void;
  /** Whether a run is training now (no resume meanwhile). */
  busy: () => boolean;
}

export class SavedRunsPanel {
  private readonly table = elId("table", "saved-runs-table", undefined, "saved-runs");
  private readonly use = elId("p", "saved-runs-use", "", "note");
  private readonly message = elId("p", "saved-runs-message", "", "note");
  private readonly notice = elId("div", "saved-runs-notice", undefined, "notice");
  private summaries: SavedSummary[] = [];
  /** The run this page is training now: not "interrupted". */
  private live: string | null = null;

  constructor(
    root: HTMLElement,
    private readonly hooks: SavedRunsHooks,
  ) {
    const upload = elId("input", "saved-run-upload");
    upload.type = "file";
    upload.accept = ".kiln,application/octet-stream";
    upload.addEventListener("change", () => {
      const file = upload.files?.[0];
      if (file) hooks.upload(file);
      upload.value = "";
    });
    const label = el("label", undefined, "small");
    label.append(marked("span", "saved.openFile"), " ", upload);
    this.notice.hidden = true;
    root.append(this.notice, this.table, label, this.use, this.message);
  }

  /** The key the page's current run saves under (set when its first save lands). */
  setLive(key: string | null): void {
    this.live = key;
  }

  /** A message as given (the worker's storage error, an exception). */
  say(text: string): void {
    setPlain(this.message, text);
  }

  /** A message by key, translated again after a switch. */
  sayKey(key: MessageKey, params?: Params): void {
    setText(this.message, key, params);
  }

  /** After a language switch: the table and the storage line again. */
  relabel(): void {
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.summaries = await listRuns();
    } catch (e) {
      this.sayKey("saved.cannotList", { message: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.render();
    this.use.textContent = await storageUse();
  }

  private render(): void {
    this.table.replaceChildren();
    if (this.summaries.length === 0) {
      this.table.append(el("caption", t("saved.none")));
    } else {
      const head = el("tr");
      const names: (MessageKey | "epochs" | "")[] = ["saved.name", "saved.model", "saved.data", "epochs", "saved.state", "saved.saved", "saved.size", ""];
      for (const h of names) head.append(el("th", h === "epochs" || h === "" ? h : t(h)));
      this.table.append(head);
      for (const s of this.summaries) this.table.append(this.row(s));
    }
    const interrupted = this.summaries.find((s) => !s.finished && s.key !== this.live);
    this.notice.replaceChildren();
    this.notice.hidden = !interrupted || this.live !== null;
    if (interrupted && this.live === null) {
      const button = el("button", t("saved.resume"), "small");
      button.type = "button";
      button.addEventListener("click", () => this.resume(interrupted));
      this.notice.append(
        el("span", `${t("saved.stoppedAt", { name: interrupted.name, epoch: String(interrupted.epoch), step: String(interrupted.step) })} `),
        button,
      );
    }
  }

  private row(s: SavedSummary): HTMLTableRowElement {
    const tr = el("tr");
    tr.dataset.key = s.key;
    const state = t(s.finished ? "saved.finished" : s.key === this.live ? "saved.training" : "saved.interrupted");
    const cells = [
      s.name, s.config.model, s.config.data, `${s.history.loss.length} / ${s.config.epochs}`, state,
      new Date(s.savedAt).toLocaleString(), megabytes(s.bytes),
    ];
    for (const c of cells) tr.append(el("td", c));
    const actions = el("td");
    const button = (key: MessageKey, fn: () => void): void => {
      const b = el("button", t(key), "small");
      b.type = "button";
      b.addEventListener("click", fn);
      actions.append(b);
    };
    if (s.key !== this.live) button(s.finished ? "saved.open" : "saved.resume", () => this.resume(s));
    button("saved.rename", () => void this.rename(s));
    button("saved.download", () => void this.download(s));
    if (s.key !== this.live) button("saved.delete", () => void this.remove(s));
    tr.append(actions);
    return tr;
  }

  private resume(s: SavedSummary): void {
    if (this.hooks.busy()) return this.sayKey("saved.busy");
    this.say("");
    this.hooks.resume(s);
  }

  private async rename(s: SavedSummary): Promise<void> {
    const name = prompt(t("saved.newName"), s.name);
    if (name === null) return;
    await renameRun(s.key, name).catch((e: unknown) => this.say(String(e)));
    await this.refresh();
  }

  private async download(s: SavedSummary): Promise<void> {
    try {
      const { file } = await getRun(s.key);
      const url = URL.createObjectURL(new Blob([file as BlobPart], { type: "application/octet-stream" }));
      const a = el("a");
      a.href = url;
      a.download = `${s.name.replace(/[^\p{L}\p{N}_-]+/gu, "_")}.kiln`;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      this.sayKey("saved.downloadFailed", { message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async remove(s: SavedSummary): Promise<void> {
    if (!confirm(t("saved.confirmDelete", { name: s.name }))) return;
    await deleteRun(s.key).catch((e: unknown) => this.say(String(e)));
    await this.refresh();
  }
}
