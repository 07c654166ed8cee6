// In the worker: finished runs' first Embedding as word vectors, read from the
// model once per run (asynchronously: it may live on WebGPU) and kept for the
// page's nearest words, map and downloads.

import type { KilnBaseline, KilnRun, KilnWordVectors } from "./kiln_wasm.js";

/** As many as the worker keeps finished runs. */
const KEPT = 6;

export class RunVectors {
  private readonly kept = new Map<number, Promise<KilnWordVectors>>();

  /** Run `id`'s vectors, read on the first call. */
  get(id: number, run: KilnRun | KilnBaseline): Promise<KilnWordVectors> {
    const known = this.kept.get(id);
    if (known) return known;
    if (!("embeddingVectors" in run)) return Promise.reject(new Error("A TF-IDF baseline has no Embedding layer"));
    const reading = run.embeddingVectors();
    this.kept.set(id, reading);
    reading.catch(() => this.kept.delete(id));
    for (const old of this.kept.keys()) {
      if (this.kept.size <= KEPT) break;
      this.forget(old);
    }
    return reading;
  }

  /** The run's weights changed (ModelCheckpoint restored) or it is gone. */
  forget(id: number): void {
    const known = this.kept.get(id);
    this.kept.delete(id);
    known?.then((v) => v.free(), () => {});
  }
}
