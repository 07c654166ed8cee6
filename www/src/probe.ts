// A measuring hook for `./build.sh bench` (tools/bench.mjs), off unless the page's
// address has `probe=1` (main.ts then starts the worker as `worker.js?probe=1`).
// Playwright's addInitScript reaches pages, not workers, so the worker installs it
// itself: it counts WebGPU compute dispatches (the encoder's prototype methods,
// which wgpu's web-sys calls go through) and the bytes of live GPU buffers, and
// after every training event logs one console line
//   [kiln] PROBE {"type":"step","ms":…,"dispatches":…,"wasm_bytes":…,"gpu_buffer_bytes":…,"gpu_buffer_peak_bytes":…}
// with the dispatches issued during that event's call. (A worker has no performance.memory;
// tools/bench.mjs reads the page's JS heap itself.)

interface Counters {
  dispatches: number;
  gpuBytes: number;
  gpuPeak: number;
}
const counters: Counters = { dispatches: 0, gpuBytes: 0, gpuPeak: 0 };
let memory: { buffer: ArrayBufferLike } | null = null;

export const PROBE = typeof location !== "undefined" && new URLSearchParams(location.search).get("probe") === "1";

type Method = (this: unknown, ...args: unknown[]) => unknown;

function wrap(proto: Record<string, unknown> | undefined, name: string, before: (self: unknown, args: unknown[], out: unknown) => void): void {
  const orig = proto?.[name];
  if (!proto || typeof orig !== "function") return;
  proto[name] = function (this: unknown, ...args: unknown[]): unknown {
    const out = (orig as Method).apply(this, args);
    before(this, args, out);
    return out;
  };
}

/** Wrap the WebGPU methods; call before the wasm module creates its device. Every 5 s it also
 *  logs the dispatches so far (`"type":"progress"`), so a step that never ends still tells. */
export function installProbe(): void {
  setInterval(() => console.log(`[kiln] PROBE {"type":"progress","dispatches_total":${counters.dispatches}}`), 5000);
  const g = globalThis as unknown as Record<string, { prototype: Record<string, unknown> } | undefined>;
  const count = (): void => {
    counters.dispatches += 1;
  };
  wrap(g["GPUComputePassEncoder"]?.prototype, "dispatchWorkgroups", count);
  wrap(g["GPUComputePassEncoder"]?.prototype, "dispatchWorkgroupsIndirect", count);
  const sizes = new WeakMap<object, number>();
  wrap(g["GPUDevice"]?.prototype, "createBuffer", (_self, args, out) => {
    const size = Number((args[0] as { size?: number } | undefined)?.size ?? 0);
    if (out && typeof out === "object") sizes.set(out, size);
    counters.gpuBytes += size;
    counters.gpuPeak = Math.max(counters.gpuPeak, counters.gpuBytes);
  });
  wrap(g["GPUBuffer"]?.prototype, "destroy", (self) => {
    const size = self && typeof self === "object" ? sizes.get(self) : undefined;
    if (size !== undefined) {
      counters.gpuBytes -= size;
      sizes.delete(self as object);
    }
  });
}

/** The wasm module's memory (wasm-bindgen's init output), for its size. */
export function probeMemory(exports: unknown): void {
  const m = (exports as { memory?: { buffer: ArrayBufferLike } } | null)?.memory;
  if (m) memory = m;
}

/** Dispatches so far (take the difference around a call). */
export const dispatchCount = (): number => counters.dispatches;

/** Log one PROBE line for an event whose call took `ms` and issued `dispatches`. */
export function probeLine(type: string, ms: number, dispatches: number): void {
  console.log(
    "[kiln] PROBE " +
      JSON.stringify({
        type,
        ms: Math.round(ms * 1000) / 1000,
        dispatches,
        wasm_bytes: memory ? memory.buffer.byteLength : null,
        gpu_buffer_bytes: counters.gpuBytes,
        gpu_buffer_peak_bytes: counters.gpuPeak,
      }),
  );
}
