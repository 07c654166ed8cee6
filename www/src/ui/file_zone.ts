// The user's file: a picker and a drop zone (a file dropped anywhere on the
// page counts), the read progress, and what Kiln saw in the file (format,
// encoding, a preview) with the column choices and the Load button.
// Cells are set with textContent: reviews may hold markup. Kiln's own words
// are marked data-i18n (lang_switch.ts), so a switch translates them in place.

import { formatBytes } from "../data_view.js";
import type { Inspection, LoadOptions } from "../protocol.js";
import type { MessageKey, Params } from "../i18n.js";
import { byId, el } from "./dom.js";
import { marked, setPlain, setText } from "./lang_switch.js";

export interface FileActions {
  /** A file was chosen or dropped. */
  read(file: File): void;
  /** Load was pressed with these choices. */
  load(options: LoadOptions): void;
}

/** A select of `options` (a key: Kiln's word; plain: data, such as column names). */
function select(name: string, label: MessageKey, options: [string, { key: MessageKey } | string][], value: string): HTMLLabelElement {
  const box = el("label");
  const s = el("select");
  s.name = name;
  for (const [v, text] of options) s.append(Object.assign(typeof text === "string" ? el("option", text) : marked("option", text.key), { value: v }));
  s.value = value;
  box.append(marked("span", label), s);
  return box;
}

function facts(i: Inspection): HTMLElement {
  const dl = el("dl", undefined, "facts");
  const item = (k: MessageKey, v: string): void => {
    const div = el("div");
    div.append(marked("dt", k), el("dd", v));
    dl.append(div);
  };
  item("file.format", i.format);
  item("file.compression", i.compression);
  item("file.encoding", i.encoding);
  item("file.size", formatBytes(i.bytes));
  return dl;
}

function preview(i: Inspection, text: number | null, label: number | null): HTMLTableElement {
  const table = el("table", undefined, "preview");
  table.id = "file-preview";
  const width = Math.max(i.columns.length, ...i.preview.map((r) => r.length));
  const mark = (cell: HTMLElement, c: number): HTMLElement => {
    if (c === text) cell.classList.add("text-col");
    if (c === label) cell.classList.add("label-col");
    return cell;
  };
  if (i.columns.length > 0) {
    const head = el("tr");
    for (let c = 0; c < width; c++) {
      const name = i.columns[c];
      head.append(mark(name === undefined ? marked("th", "file.column", undefined, { n: c + 1 }) : el("th", name), c));
    }
    table.append(el("thead"));
    table.tHead?.append(head);
  }
  const body = el("tbody");
  for (const r of i.preview) {
    const tr = el("tr");
    for (let c = 0; c < width; c++) {
      const cell = mark(el("td", r[c] ?? ""), c);
      cell.title = r[c] ?? "";
      tr.append(cell);
    }
    body.append(tr);
  }
  table.append(body);
  return table;
}

export class FileZone {
  private readonly zone = byId("file-zone");
  private readonly input = byId<HTMLInputElement>("file-input");
  private readonly progress = byId<HTMLProgressElement>("file-progress");
  private readonly status = byId("file-status");
  private readonly box = byId("file-inspection");
  private inspection: Inspection | null = null;

  constructor(private readonly actions: FileActions) {
    this.input.addEventListener("change", () => {
      const file = this.input.files?.[0];
      if (file) actions.read(file);
      this.input.value = ""; // the same file again is a new read
    });
    // A file dropped anywhere is read; other drops must not navigate the tab away.
    let depth = 0;
    const dragging = (on: boolean): void => void document.body.classList.toggle("dragging", on);
    window.addEventListener("dragenter", (e) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      depth += 1;
      dragging(true);
    });
    window.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) dragging(false);
    });
    window.addEventListener("dragover", (e) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    });
    window.addEventListener("drop", (e) => {
      depth = 0;
      dragging(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      actions.read(file);
    });
  }

  show(visible: boolean): void {
    this.zone.hidden = !visible;
    this.box.hidden = !visible || this.inspection === null;
  }

  /** Format of the file last inspected (null before any). */
  get format(): Inspection["format"] | null {
    return this.inspection?.format ?? null;
  }

  reading(name: string, size: number): void {
    this.inspection = null;
    this.box.hidden = true;
    this.box.replaceChildren();
    this.onProgress(name, 0, size);
  }

  onProgress(name: string, loaded: number, total: number): void {
    this.progress.hidden = false;
    this.progress.max = Math.max(1, total);
    this.progress.value = loaded;
    this.setStatus("busy", "file.reading", { name, loaded: formatBytes(loaded), total: formatBytes(total) });
  }

  onError(message: string): void {
    this.progress.hidden = true;
    setPlain(this.status, message);
    this.status.dataset["state"] = "error";
  }

  onInspected(i: Inspection): void {
    this.inspection = i;
    this.progress.hidden = true;
    this.setStatus("ready", "file.read", { name: i.file_name, size: formatBytes(i.bytes) });
    this.renderInspection();
    this.box.hidden = this.zone.hidden;
  }

  onLoaded(rows: number): void {
    if (this.inspection) this.setStatus("ready", "file.loaded", { name: this.inspection.file_name, rows });
  }

  setEnabled(enabled: boolean): void {
    for (const c of this.box.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>("select, button")) {
      c.disabled = !enabled;
    }
  }

  private setStatus(state: "busy" | "ready", key: MessageKey, params: Params): void {
    setText(this.status, key, params);
    this.status.dataset["state"] = state;
  }

  private renderInspection(): void {
    const i = this.inspection;
    if (!i) return;
    const columns: [string, string][] = i.columns.map((c, n) => [String(n), c]);
    const text = select("text_column", "file.textColumn", columns, String(i.text_column ?? ""));
    const label = select("label_column", "file.labelColumn", columns, String(i.label_column ?? ""));
    const header = select("has_header", "file.headerRow", [["1", { key: "file.header" }], ["0", { key: "file.noHeader" }]], i.has_header ? "1" : "0");
    const load = marked("button", "file.load", "primary");
    load.type = "button";
    load.id = "file-load";
    const choices = el("div", undefined, "choices");
    const tabular = i.columns.length > 0;
    if (tabular) choices.append(text, label, header);
    choices.append(load);
    const pick = (l: HTMLLabelElement): number | null => {
      const v = l.querySelector("select")?.value ?? "";
      return v === "" ? null : Number(v);
    };
    const table = (): HTMLTableElement => preview(i, pick(text), pick(label));
    let shown = table();
    for (const l of [text, label]) {
      l.querySelector("select")?.addEventListener("change", () => {
        const next = table();
        shown.replaceWith(next);
        shown = next;
      });
    }
    load.addEventListener("click", () => {
      const options: LoadOptions = {};
      const t = pick(text);
      const l = pick(label);
      if (tabular && t !== null) options.text_column = t;
      if (tabular && l !== null) options.label_column = l;
      if (tabular) options.has_header = header.querySelector("select")?.value === "1";
      this.actions.load(options);
    });
    const notes = el("ul", undefined, "notes");
    for (const n of i.notes) notes.append(el("li", n));
    const title = marked("h3", "file.title", undefined, { name: i.file_name });
    this.box.replaceChildren(title, facts(i), ...(i.notes.length > 0 ? [notes] : []), shown, choices);
  }
}
