// Buttons, the status line, the error box and the progress line.

import type { KilnState } from "../protocol.js";
import { byId } from "./dom.js";

const LABELS: Record<KilnState["status"], string> = {
  idle: "Ready",
  preparing: "Preparing",
  training: "Training",
  paused: "Paused",
  done: "Done",
  error: "Error",
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
  private readonly progress = byId("progress");

  /** Enable what makes sense in this state; `ready`: the presets have arrived. */
  render(state: KilnState, ready: boolean, backendReason: string): void {
    const running = state.status === "preparing" || state.status === "training" || state.status === "paused";
    this.train.disabled = !ready || running;
    this.pause.disabled = !running || state.status === "preparing";
    this.stop.disabled = !running;
    this.pause.textContent = state.status === "paused" ? "Resume" : "Pause";
    this.status.dataset["state"] = state.status;
    this.badge.textContent = LABELS[state.status];
    this.message.textContent = state.message;
    this.backend.textContent = state.backend
      ? `Backend: ${state.backend === "webgpu" ? "WebGPU" : "CPU"}. ${backendReason}`
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
  showDiverged(message: string): void {
    const head = document.createElement("strong");
    head.textContent = "Training diverged";
    const text = document.createElement("p");
    text.textContent = message;
    const hint = document.createElement("p");
    hint.className = "hint";
    // Rust's message carries the hint for this model (learning rate, clipnorm, relu in an LSTM).
    hint.textContent = "The charts keep the run up to the last finite loss. Change the settings above and press Train again.";
    this.errors.replaceChildren(head, text, hint);
    this.errors.classList.add("diverged");
    this.errors.hidden = false;
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
