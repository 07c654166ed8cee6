// The page's handle on the training worker: it starts the worker, sends to it,
// and notices when it dies after it was ready — an uncaught error, a trapped
// wasm module the worker reports ("crashed"), or an end with no event at all
// (`terminate()`, the browser killing it), which the worker's life lock shows:
// the worker holds a Web Lock named after itself while it lives, and the page
// queues for that lock, which it is granted only once the worker has ended.

import type { FromWorker, ToWorker } from "./protocol.js";

export interface WorkerEvents {
  message(msg: FromWorker): void;
  /** The worker failed before it was ready (its script or the wasm module did not load). */
  loadError(reason: string): void;
  /** The worker died after it was ready; a fresh one is already starting and will say "ready". */
  crashed(reason: string): void;
}

export class WorkerHost {
  private worker: Worker | null = null;
  private generation = 0;
  private ready = false;

  constructor(private readonly url: URL, private readonly on: WorkerEvents) {
    this.spawn();
  }

  send(msg: ToWorker): void {
    this.worker?.postMessage(msg);
  }

  /** Replace the worker by a fresh one: its wasm module, data and finished runs are gone. */
  restart(reason: string): void {
    this.worker?.terminate();
    this.spawn();
    this.on.crashed(reason);
  }

  private spawn(): void {
    const generation = ++this.generation;
    const name = `kiln-worker-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${generation}`;
    const worker = new Worker(this.url, { type: "module", name });
    this.worker = worker;
    this.ready = false;
    const current = (): boolean => generation === this.generation;
    worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
      if (!current()) return;
      const msg = e.data;
      if (msg.type === "crashed") return this.restart(msg.message);
      if (msg.type === "ready" && !this.ready) {
        this.ready = true;
        this.watch(name, generation);
      }
      this.on.message(msg);
    });
    worker.addEventListener("error", (e) => {
      if (!current()) return;
      if (this.ready) this.restart(e.message || "an uncaught error");
      else this.on.loadError(e.message);
    });
  }

  /** Queue for the lock the worker holds while it lives: granted once it has ended. */
  private watch(name: string, generation: number): void {
    const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
    if (!locks) return;
    locks
      .request(name, () => {
        if (generation === this.generation) this.restart("it ended unexpectedly");
      })
      .catch(() => {}); // denied (a cross-origin iframe): a silent end goes unseen there, errors do not
  }
}
