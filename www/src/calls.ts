// Calls into the wasm module for the page (summary, Keras code), answered by
// the worker, which owns the module. Each call is a promise matched by id.

import type { Call, CallValue, FromWorker, ToWorker } from "./protocol.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class WasmCalls {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly send: (msg: ToWorker) => void) {}

  call<F extends Call["fn"]>(call: Extract<Call, { fn: F }>): Promise<CallValue[F]> {
    const id = this.next++;
    return new Promise<CallValue[F]>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as CallValue[F]), reject });
      this.send({ type: "call", id, call });
    });
  }

  /** The worker was restarted: no reply will come for the calls in flight. */
  failAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  /** Settle the call a reply answers; false for other messages. */
  onMessage(msg: FromWorker): boolean {
    if (msg.type !== "reply") return false;
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (msg.reply.ok) p?.resolve(msg.reply.value);
    else p?.reject(new Error(msg.reply.error));
    return true;
  }
}

/**
 * Runs `task` for the latest request only: a call made while another is
 * running waits, and calls superseded in the meantime are dropped.
 */
export class Latest<T> {
  private running = false;
  private queued: (() => Promise<T>) | null = null;

  constructor(private readonly done: (result: { ok: true; value: T } | { ok: false; error: string }) => void) {}

  request(task: () => Promise<T>): void {
    this.queued = task;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queued) {
      const task = this.queued;
      this.queued = null;
      let result: { ok: true; value: T } | { ok: false; error: string };
      try {
        result = { ok: true, value: await task() };
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (!this.queued) this.done(result);
    }
    this.running = false;
  }
}
