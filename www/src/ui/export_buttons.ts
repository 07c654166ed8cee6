// The Export buttons under a finished run's results: the Keras 3 zip (weights.npz + model.py),
// the TF.js zip (model.json + weights for tf.loadLayersModel) and Keras' tokenizer.to_json().
// The worker builds the bytes (weights read asynchronously); the page only downloads them.
// Labels and the status line are marked data-i18n, so a language switch translates them.

import type { WasmCalls } from "../calls.js";
import type { ExportFormat } from "../protocol.js";
import type { MessageKey } from "../i18n.js";
import { el, elId } from "./dom.js";
import { marked, setText, translateElements } from "./lang_switch.js";
import { saveFile } from "./save_file.js";

/** What each button writes: its id, label and failure line (i18n keys), file name (from the model's name) and type. */
export const EXPORTS: readonly {
  format: ExportFormat; id: string; label: MessageKey; failed: MessageKey; file: (model: string) => string; type: string;
}[] = [
  { format: "keras", id: "export-keras", label: "export.keras", failed: "export.kerasFailed", file: (m) => `kiln-${m}-keras.zip`, type: "application/zip" },
  { format: "tfjs", id: "export-tfjs", label: "export.tfjs", failed: "export.tfjsFailed", file: (m) => `kiln-${m}-tfjs.zip`, type: "application/zip" },
  {
    format: "tokenizer", id: "export-tokenizer", label: "export.tokenizer", failed: "export.tokenizerFailed",
    file: (m) => `kiln-${m}-tokenizer.json`, type: "application/json",
  },
];

/** A file name part from a model name: letters, digits, `-` and `_` only. */
export function safeName(model: string): string {
  return model.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "model";
}

function download(bytes: Uint8Array, name: string, type: string): number {
  return saveFile(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
}

export class ExportButtons {
  private run: number | null = null;
  private model = "model";
  private readonly status = elId("p", "export-status", "", "note");
  private readonly buttons: HTMLButtonElement[];

  constructor(private readonly box: HTMLElement, private readonly calls: WasmCalls) {
    this.buttons = EXPORTS.map((x) => {
      const b = marked("button", x.label);
      b.id = x.id;
      b.type = "button";
      b.addEventListener("click", () => void this.save(x));
      return b;
    });
    this.clear();
  }

  /** A network run is done: its exports can be downloaded. */
  show(run: number, model: string): void {
    this.run = run;
    this.model = safeName(model);
    setText(this.status, "export.note");
    this.buttons.forEach((b) => (b.disabled = false));
    translateElements(this.buttons); // out of the page while cleared: a switch meanwhile did not reach them
    this.box.replaceChildren(el("div", undefined, "export-row"), this.status);
    this.box.firstElementChild?.append(...this.buttons);
  }

  clear(): void {
    this.run = null;
    this.box.replaceChildren();
  }

  private async save(x: (typeof EXPORTS)[number]): Promise<void> {
    if (this.run === null) return;
    const name = x.file(this.model);
    this.buttons.forEach((b) => (b.disabled = true));
    setText(this.status, "export.writing", { name });
    delete this.status.dataset.saved;
    delete this.status.dataset.error;
    try {
      const bytes = await this.calls.call({ fn: "exportRun", run: this.run, format: x.format });
      const size = download(bytes, name, x.type);
      setText(this.status, "export.saved", { name, size: (size / 1024).toFixed(0) });
      this.status.dataset.saved = name;
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).replace(/^export: /, "");
      setText(this.status, x.failed, { message: why });
      this.status.dataset.error = x.format;
    } finally {
      this.buttons.forEach((b) => (b.disabled = false));
    }
  }
}
