// The Keras code box: paste a notebook's model code and build it, or print
// the current settings as Keras code. The parsing happens in Rust.

import { byId, el } from "./dom.js";

export interface CodeActions {
  /** Read the code into the editor and settings; resolves to notes, rejects with `line L, column C: why`. */
  build(text: string): Promise<string[]>;
  /** The Keras code of the current settings. */
  show(): Promise<string>;
}

/** `line 3, column 11: …` → 3 */
export function errorLine(message: string): number | null {
  const m = /\bline (\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

/** `column 11` of the message (1-based), or null. */
function errorColumn(message: string): number | null {
  const m = /\bcolumn (\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

/**
 * At most `width` characters of `source` around `column`, with `…` where it is cut: a pasted
 * 1 MB line is quoted as a window, not put whole into the message.
 */
export function excerpt(source: string, column: number | null, width = 120): string {
  if (source.length <= width) return source;
  const at = Math.min(Math.max((column ?? 1) - 1, 0), source.length);
  const start = Math.max(0, Math.min(at - Math.floor(width / 2), source.length - width));
  const end = start + width;
  return `${start > 0 ? "…" : ""}${source.slice(start, end)}${end < source.length ? "…" : ""}`;
}

export class CodeBox {
  readonly text = byId<HTMLTextAreaElement>("keras-code");
  private readonly buildButton = byId<HTMLButtonElement>("build-from-code");
  private readonly showButton = byId<HTMLButtonElement>("show-code");
  private readonly message = byId("code-message");

  constructor(private readonly actions: CodeActions) {
    this.buildButton.addEventListener("click", () => void this.build());
    this.showButton.addEventListener("click", () => void this.show());
  }

  setEnabled(enabled: boolean): void {
    this.buildButton.disabled = !enabled;
    this.showButton.disabled = !enabled;
  }

  private async build(): Promise<void> {
    const text = this.text.value;
    try {
      const notes = await this.actions.build(text);
      this.say("ok", "Built from the code: the layers and settings are filled in.", notes);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const line = errorLine(message);
      const source = line === null ? undefined : text.split("\n")[line - 1];
      this.say("error", message, source === undefined ? [] : [`${line} | ${excerpt(source, errorColumn(message))}`]);
      if (line !== null) this.selectLine(line);
    }
  }

  private async show(): Promise<void> {
    try {
      this.text.value = await this.actions.show();
      this.say("ok", "The current model and settings as Keras code.", []);
    } catch (e) {
      this.say("error", e instanceof Error ? e.message : String(e), []);
    }
  }

  private say(state: "ok" | "error", head: string, lines: readonly string[]): void {
    this.message.dataset["state"] = state;
    const parts: HTMLElement[] = [el("strong", head)];
    if (lines.length > 0) {
      const pre = el("pre", lines.join("\n"));
      parts.push(pre);
    }
    this.message.replaceChildren(...parts);
    this.message.hidden = false;
  }

  /** Select line `n` (1-based) in the text area so the user sees it. */
  private selectLine(n: number): void {
    const lines = this.text.value.split("\n");
    const start = lines.slice(0, n - 1).reduce((sum, l) => sum + l.length + 1, 0);
    const end = start + (lines[n - 1]?.length ?? 0);
    this.text.focus();
    this.text.setSelectionRange(start, end);
  }
}
