// The saved runs: a table of what IndexedDB holds (name, model, data, epochs, state, size),
// with Resume/Open, Rename, Download and Delete, an upload of a run file, the storage used,
// and a notice for a run a reload or a crash interrupted.

import { deleteRun, getRun, listRuns, megabytes, renameRun, storageUse, type SavedSummary } from "../saved_runs.js";
import { el, elId } from "./dom.js";

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
    const label = el("label", "Open a run file (.kiln)… ", "small");
    label.append(upload);
    this.notice.hidden = true;
    root.append(this.notice, this.table, label, this.use, this.message);
  }

  /** The key the page's current run saves under (set when its first save lands). */
  setLive(key: string | null): void {
    this.live = key;
  }

  say(text: string): void {
    this.message.textContent = text;
  }

  async refresh(): Promise<void> {
    try {
      this.summaries = await listRuns();
    } catch (e) {
      this.say(`Saved runs cannot be listed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.render();
    this.use.textContent = await storageUse();
  }

  private render(): void {
    this.table.replaceChildren();
    if (this.summaries.length === 0) {
      this.table.append(el("caption", "No saved runs yet: every run saves itself at each epoch's end, on pause and when done."));
    } else {
      const head = el("tr");
      for (const h of ["name", "model", "data", "epochs", "state", "saved", "size", ""]) head.append(el("th", h));
      this.table.append(head);
      for (const s of this.summaries) this.table.append(this.row(s));
    }
    const interrupted = this.summaries.find((s) => !s.finished && s.key !== this.live);
    this.notice.replaceChildren();
    this.notice.hidden = !interrupted || this.live !== null;
    if (interrupted && this.live === null) {
      const button = el("button", "Resume", "small");
      button.type = "button";
      button.addEventListener("click", () => this.resume(interrupted));
      this.notice.append(
        el("span", `${interrupted.name} stopped at epoch ${interrupted.epoch}, step ${interrupted.step} (the page was closed or reloaded). `),
        button,
      );
    }
  }

  private row(s: SavedSummary): HTMLTableRowElement {
    const tr = el("tr");
    tr.dataset.key = s.key;
    const state = s.finished ? "finished" : s.key === this.live ? "training" : "interrupted";
    const cells = [
      s.name, s.config.model, s.config.data, `${s.history.loss.length} / ${s.config.epochs}`, state,
      new Date(s.savedAt).toLocaleString(), megabytes(s.bytes),
    ];
    for (const c of cells) tr.append(el("td", c));
    const actions = el("td");
    const button = (text: string, fn: () => void): void => {
      const b = el("button", text, "small");
      b.type = "button";
      b.addEventListener("click", fn);
      actions.append(b);
    };
    if (s.key !== this.live) button(s.finished ? "Open" : "Resume", () => this.resume(s));
    button("Rename", () => void this.rename(s));
    button("Download", () => void this.download(s));
    if (s.key !== this.live) button("Delete", () => void this.remove(s));
    tr.append(actions);
    return tr;
  }

  private resume(s: SavedSummary): void {
    if (this.hooks.busy()) return this.say("A run is training: stop it before resuming another.");
    this.say("");
    this.hooks.resume(s);
  }

  private async rename(s: SavedSummary): Promise<void> {
    const name = prompt("New name for this run", s.name);
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
      this.say(`Download failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async remove(s: SavedSummary): Promise<void> {
    if (!confirm(`Delete the saved run ${s.name}? This cannot be undone.`)) return;
    await deleteRun(s.key).catch((e: unknown) => this.say(String(e)));
    await this.refresh();
  }
}
