// Buttons, the status line, the error box and the progress line.

import { t, type MessageKey } from "../i18n.js";
import type { KilnState } from "../protocol.js";
import { byId } from "./dom.js";

const LABELS: Record<KilnState["status"], MessageKey> = {
  idle: "badge.idle",
  preparing: "badge.preparing",
  training: "badge.training",
  paused: "badge.paused",
  done: "badge.done",
  error: "badge.error",
};

export class Controls {
  readonly train = byId<HTMLButtonElement>("train");
  readonly pause = byId<HTMLButtonElement>("pause");
  readonly stop = byId<HTMLButtonElement>("stop");
  private readonly status = byId("status");
  private readonly badge = byId("status-state");
  private readonly message = byId("status-message");
  private readonly backend = byId("status-backend");
  private readonly errors = byId("errors");
  private readonly notice = byId("notice");
  private readonly progress = byId("progress");

  /** Enable what makes sense in this state; `ready`: the presets have arrived. */
  render(state: KilnState, ready: boolean, backendReason: string): void {
    const running = state.status === "preparing" || state.status === "training" || state.status === "paused";
    this.train.disabled = !ready || running;
    this.pause.disabled = !running || state.status === "preparing";
    this.stop.disabled = !running;
    this.pause.textContent = t(state.status === "paused" ? "button.resume" : "button.pause");
    this.status.dataset["state"] = state.status;
    this.badge.textContent = t(LABELS[state.status]);
    this.message.textContent = state.message;
    this.backend.textContent = state.backend
      ? t("status.backend", { backend: state.backend === "webgpu" ? "WebGPU" : "CPU", reason: backendReason })
      : "";
  }

  showErrors(title: string, lines: readonly string[]): void {
    const list = document.createElement("ul");
    for (const line of lines) {
      const li = document.createElement("li");
      li.textContent = line;
      list.append(li);
    }
    const head = document.createElement("strong");
    head.textContent = title;
    this.errors.replaceChildren(head, list);
    this.errors.classList.remove("diverged");
    this.errors.hidden = false;
  }

  /** The loss became NaN or infinite: say so loudly; the charts keep the run so far. */
  showDiverged(message: string, kept = false): void {
    const head = document.createElement("strong");
    head.textContent = t("error.diverged");
    const text = document.createElement("p");
    text.textContent = message;
    const hint = document.createElement("p");
    hint.className = "hint";
    // Rust's message carries the hint for this model (learning rate, clipnorm, relu in an LSTM).
    hint.textContent = t(kept ? "error.divergedKept" : "error.divergedHint");
    this.errors.replaceChildren(head, text, hint);
    this.errors.classList.add("diverged");
    this.errors.hidden = false;
  }

  /** A fault the page recovered from (a lost GPU, a crashed worker); null hides it. */
  setNotice(text: string | null): void {
    this.notice.textContent = text ?? "";
    this.notice.hidden = text === null;
  }

  clearErrors(): void {
    this.errors.replaceChildren();
    this.errors.classList.remove("diverged");
    this.errors.hidden = true;
  }

  setProgress(text: string): void {
    this.progress.textContent = text;
  }
}
