// What went wrong in a run, read from the error's text: the worker turns a
// fault into a message a user can act on, or into a recovery (device lost,
// crashed module). Pure, so tests/www/faults.test.ts checks it on the texts
// Rust, cubecl, wgpu and the browser really produce.

/** `diverged`: NaN/Inf loss (Rust keeps the last good weights);
 *  `oom`: the GPU (or the page's wasm memory) could not allocate;
 *  `device_lost`: the WebGPU device went away (destroyed, driver reset);
 *  `crash`: the wasm module trapped (a panic): the worker must be restarted. */
export type FaultKind = "diverged" | "oom" | "device_lost" | "crash";

export interface Fault {
  kind: FaultKind;
  /** For `oom`: the allocation that failed, in bytes, when the text says. */
  bytes?: number;
  /** For `oom`: true when wasm memory (the CPU side) ran out, not the GPU's. */
  wasm?: boolean;
}

const DIVERGED = /^training diverged\b/;
const WASM_OOM = /WebAssembly\.Memory|Cannot allocate Wasm memory|Maximum memory size exceeded|memory allocation of \d+ bytes failed/i;
const GPU_OOM = /can't allocate buffer of size: (\d+)|out of device memory allocating (\d+) bytes|GPUOutOfMemoryError|\bout[ -]of[ -]memory\b|\bOutOfMemory\b/i;
const LOST = /device (?:was |is )?lost|DevicePoison|device was poisoned|staging buffer could not be mapped|trying to async map a buffer/i;
/** What a trapped wasm call throws (a Rust panic ends in `unreachable`). */
const TRAP = /^(?:RuntimeError: )?(?:unreachable|memory access out of bounds|call stack exhausted|table index is out of bounds|null function or function signature mismatch|divide by zero|integer overflow)\b/i;

/** The fault `message` describes, or null for an ordinary error (bad settings, bad data). */
export function classifyFault(message: string, name = ""): Fault | null {
  if (DIVERGED.test(message)) return { kind: "diverged" };
  if (WASM_OOM.test(message)) return { kind: "oom", wasm: true };
  const oom = GPU_OOM.exec(message);
  if (oom) {
    const bytes = Number(oom[1] ?? oom[2]);
    return Number.isFinite(bytes) && bytes > 0 ? { kind: "oom", bytes } : { kind: "oom" };
  }
  if (LOST.test(message)) return { kind: "device_lost" };
  if (name === "RuntimeError" || TRAP.test(message)) return { kind: "crash" };
  return null;
}

export function gigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** The message for an out-of-memory fault, naming the settings to lower. */
export function oomMessage(fault: Fault, settings: { batch_size: number; maxlen: number }, detail: string): string {
  const what = fault.wasm ? "the page ran out of memory" : "the GPU ran out of memory";
  const size = fault.bytes ? ` (one buffer of ${gigabytes(fault.bytes)} did not fit)` : "";
  const first = detail.split("\n").find((l) => /allocat|memory/i.test(l))?.trim() ?? detail.split("\n")[0];
  return `${what}${size}: try a smaller batch_size or maxlen (now ${settings.batch_size} and ${settings.maxlen}). Nothing saved was lost. [${first}]`;
}
