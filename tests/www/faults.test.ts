// Fault classification (www/src/faults.ts) on the texts Rust, cubecl, wgpu and the browser produce,
// and the GPU watch (www/src/gpu_watch.ts) on a fake navigator.gpu.
import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyFault, oomMessage } from "../../www/src/faults.js";
import { GpuWatch } from "../../www/src/gpu_watch.js";
import type { Gpu } from "../../www/src/backend.js";

// What SwiftShader gave for Embedding(1000, 64) at batch 640, maxlen 10000 (tests/e2e/faults.mjs `gpu_oom`).
const CUBECL_OOM = `backend: reading results failed: An error happened during execution
Caused by:
  Several failures at once
Caused by:
  The bytes were never written (failure #5, still claiming 10 buffer(s))
Caused by:
  An IO error happened
Caused by:
  can't allocate buffer of size: 2048000000
No backtrace available`;
// What a destroyed GPUDevice gave mid-run (tests/e2e/faults.mjs `gpu_lost`).
const DESTROYED = `backend: reading results failed: An error happened during execution
Caused by:
  An error happened during execution
Caused by:
  the staging buffer could not be mapped: Error occurred when trying to async map a buffer
Backtrace:
No backtrace available`;

test("each fault is told from its text", () => {
  const cases: [string, string, string | null][] = [
    ["training diverged: loss is NaN at epoch 2, step 5. The weights from the step before are kept. Try 0.001.", "", "diverged"],
    [CUBECL_OOM, "", "oom"],
    ["out of device memory allocating 4096000000 bytes", "", "oom"],
    ["panicked at cubecl-wgpu/src/compute/device_poison.rs:42:17:\nwgpu error: Out of Memory", "", "oom"],
    ["GPUOutOfMemoryError: Failed to allocate buffer", "", "oom"],
    ["RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded", "RangeError", "oom"],
    [DESTROYED, "", "device_lost"],
    ["The device was poisoned during launch\nCaused by:\n  Destroyed: Device was destroyed.", "", "device_lost"],
    ["unreachable", "RuntimeError", "crash"],
    ["unreachable", "", "crash"],
    ["memory access out of bounds", "", "crash"],
    ["panicked at core/src/iter/traits/accum.rs:204:1:\nattempt to multiply with overflow", "", null],
    ["invalid setting `batch_size`: must be at least 1", "", null],
    ["No file is loaded: choose a file under Data first", "", null],
  ];
  for (const [text, name, kind] of cases) assert.equal(classifyFault(text, name)?.kind ?? null, kind, text);
});

test("out of memory names the buffer and the settings to lower", () => {
  const fault = classifyFault(CUBECL_OOM);
  assert.deepEqual(fault, { kind: "oom", bytes: 2048000000 });
  const m = oomMessage(fault!, { batch_size: 800, maxlen: 10000 }, CUBECL_OOM);
  assert.match(m, /^the GPU ran out of memory \(one buffer of 2\.0 GB did not fit\): try a smaller batch_size or maxlen \(now 800 and 10000\)/);
  assert.match(m, /\[can't allocate buffer of size: 2048000000\]$/);
  const wasm = oomMessage({ kind: "oom", wasm: true }, { batch_size: 32, maxlen: 200 }, "RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded");
  assert.match(wasm, /^the page ran out of memory: try a smaller batch_size or maxlen/);
});

test("the GPU watch sees a device lost through the wrapped navigator.gpu", async () => {
  let lose: (info: { reason: string; message: string }) => void = () => {};
  const device = { lost: new Promise<{ reason: string; message: string }>((r) => (lose = r)) };
  const gpu = { requestAdapter: async () => ({ requestDevice: async () => device }) } as unknown as Gpu;
  const watch = new GpuWatch(gpu);
  assert.equal(await watch.wasLost(10), false, "no device yet: nothing to wait for");
  const adapter = (await gpu.requestAdapter()) as unknown as { requestDevice(): Promise<unknown> };
  assert.equal(await adapter.requestDevice(), device);
  assert.equal(await watch.wasLost(10), false);
  setTimeout(() => lose({ reason: "destroyed", message: "Device was destroyed." }), 5);
  assert.equal(await watch.wasLost(1000), true);
  assert.equal(watch.lost, "destroyed: Device was destroyed.");
});
