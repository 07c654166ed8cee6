// The CPU backend on every core: a second, CPU-only build of Kiln (www/pkg-mt/kiln.js, built
// with wasm threads by ./build.sh) whose rayon pool runs on Web Workers that share its memory.
// Browsers give a page shared memory only when it is cross-origin isolated (the COOP/COEP
// headers www/serve.mjs sends), so elsewhere (a course site that embeds Kiln without them, a
// browser without wasm threads) CPU runs stay on the single-threaded build, and say why.

import { errorText, type KilnModule } from "./kiln_wasm.js";
import { probeMemory } from "./probe.js";
import type { RunConfig, Summary } from "./protocol.js";

/** From www/dist/worker.js: www/pkg-mt/kiln.js. */
export const KILN_MT_URL = new URL("../pkg-mt/kiln.js", import.meta.url);

/** The threaded module with its pool started, or why a CPU run stays on one thread. */
export type Threaded = { kiln: KilnModule; threads: number } | { kiln: null; why: string };

/** What the threaded module adds to the single-threaded one. */
interface ThreadedModule extends KilnModule {
  initThreadPool(threads: number): Promise<unknown>;
}

let loading: Promise<Threaded> | null = null;

/** The threaded module, imported and given `cores` threads once per worker. */
export function loadThreaded(isolated: boolean, cores: number): Promise<Threaded> {
  if (!isolated) {
    return Promise.resolve({ kiln: null, why: "the page is not cross-origin isolated (no COOP/COEP headers), so wasm threads are off" });
  }
  if (cores < 2) return Promise.resolve({ kiln: null, why: "the browser reports one core" });
  if (!hasRelaxedSimd()) {
    return Promise.resolve({ kiln: null, why: "this browser lacks WebAssembly relaxed SIMD, which the threaded build's matmuls use" });
  }
  loading ??= (async (): Promise<Threaded> => {
    let mod: ThreadedModule;
    try {
      mod = (await import(KILN_MT_URL.href)) as ThreadedModule;
      probeMemory(await mod.default());
      // a worker that cannot start (a policy without `worker-src blob:`) never answers
      await within(mod.initThreadPool(Math.min(cores, 16)), 60_000, "its workers did not start within 60 s");
    } catch (e) {
      return { kiln: null, why: `the threaded build could not start (${errorText(e)})` };
    }
    return { kiln: mod, threads: mod.cpuThreads() };
  })();
  return loading;
}

/**
 * Whether the engine validates `f32x4.relaxed_madd` (the threaded build's kiln-kernels use it;
 * build.sh): a module whose one function returns `relaxed_madd` of three zero vectors.
 */
export function hasRelaxedSimd(): boolean {
  const zeros = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
  const body = [0x00, ...zeros, ...zeros, ...zeros, 0xfd, 0x85, 0x02, 0x0b]; // no locals, …, f32x4.relaxed_madd, end
  const type = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b]; // one type: [] → [v128]
  const func = [0x03, 0x02, 0x01, 0x00];
  const code = [0x0a, body.length + 2, 0x01, body.length, ...body];
  try {
    return WebAssembly.validate(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...func, ...code]));
  } catch {
    return false;
  }
}

/** `threads=1` in the page's address (passed on to the worker's): one thread, to compare. */
export const ONE_THREAD = typeof location !== "undefined" && new URLSearchParams(location.search).get("threads") === "1";

/** `promise`, or a rejection with `why` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Multiply-adds a training step's forward pass below which one thread is faster: handing a
 * parallel loop to a second thread and waiting for it costs more than such a step's loops save.
 * `./build.sh bench`, 2026-12-08 (2 cores): M2 at batch 64 (32 M) took 3.0–3.3 ms on one thread
 * against 4.5–4.7 on two, M4 (0.02–0.15 M) 0.66–2.5 against 1.4–3.2, M2 at 512 (254 M) the same
 * on both; the recurrent models (0.85–1.7 G) are 1.4–1.7× faster on two.
 */
export const SMALL_STEP = 400e6;

/**
 * The forward multiply-adds of one sample, roughly: each layer's parameters times the steps it
 * applies them at (a Conv1D its output steps; a recurrent or Dense layer its input steps, 1 on a
 * flat input). Embedding and BatchNormalization rows are look-ups and scalings: none.
 */
export function multiplyAdds(summary: Summary): number {
  let total = 0;
  let steps = 1; // of the previous layer's output
  for (const row of summary.rows) {
    const out = row.output_shape.length === 3 ? (row.output_shape[1] ?? 1) : 1;
    if (row.kind !== "Embedding" && row.kind !== "BatchNormalization") total += row.params * (row.kind === "Conv1D" ? out : steps);
    steps = out;
  }
  return total;
}

/**
 * Why `config` trains on the single-threaded build even where threads are available, or null.
 * `summary` (the model's, when known) lets a small step stay on one thread ([`SMALL_STEP`]).
 */
export function singleThreadOnly(config: RunConfig, hasValidationFile: boolean, oneThread = ONE_THREAD, summary?: Summary): string | null {
  if (oneThread) return "threads=1 in the address";
  if (hasValidationFile) return "a validation file is loaded in the single-threaded build";
  const layers = config.layers ?? [];
  if (layers.some((l) => "embeddings_initializer" in l && l.embeddings_initializer === "word2vec")) {
    return "the Embedding starts from the page's word vectors, which live in the single-threaded build";
  }
  const work = summary ? multiplyAdds(summary) * config.batch_size : Infinity;
  if (work < SMALL_STEP) {
    const millions = work < 1e6 ? (work / 1e6).toFixed(2) : Math.round(work / 1e6);
    return `a small step (${millions} M multiply-adds forward): one thread is faster than handing its loops to others`;
  }
  return null;
}

/** The sentence for the backend line: the reason, then the threads. */
export function withThreads(reason: string, threaded: Threaded | null): string {
  if (threaded === null) return reason;
  return threaded.kiln ? `${reason}; ${threaded.threads} threads` : `${reason}; 1 thread: ${threaded.why}`;
}
