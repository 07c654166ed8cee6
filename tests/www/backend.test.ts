// Backend choice (www/src/backend.ts): software adapters fall back to CPU.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseBackend, softwareAdapterName, type Adapter, type Gpu } from "../../www/src/backend.js";

const gpuWith = (adapter: Adapter | null): Gpu => ({ requestAdapter: async () => adapter });

test("software adapters are recognised", () => {
  assert.equal(softwareAdapterName({ vendor: "google", architecture: "swiftshader" }, false), "SwiftShader");
  assert.equal(softwareAdapterName({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }, false), "llvmpipe");
  assert.equal(softwareAdapterName({ description: "Microsoft Basic Render Driver" }, false), "Microsoft Basic Render Driver");
  assert.equal(softwareAdapterName({ vendor: "nvidia", architecture: "hopper" }, true), "a fallback (software) adapter");
  assert.equal(softwareAdapterName({ vendor: "nvidia", architecture: "hopper", isFallbackAdapter: true }, false), "a fallback (software) adapter");
  assert.equal(softwareAdapterName({ vendor: "nvidia", architecture: "hopper" }, false), null);
});

test("auto: CPU without WebGPU, without an adapter, or on SwiftShader", async () => {
  assert.equal((await chooseBackend(undefined, "auto")).backend, "cpu");
  assert.equal((await chooseBackend(gpuWith(null), "auto")).backend, "cpu");
  const swift = await chooseBackend(gpuWith({ info: { vendor: "google", architecture: "swiftshader" } }), "auto");
  assert.deepEqual(swift, {
    backend: "cpu",
    reason: "WebGPU adapter is SwiftShader, a software emulation slower than the CPU backend: using CPU",
  });
});

test("auto: WebGPU on a real adapter; older requestAdapterInfo() is read too", async () => {
  const real = await chooseBackend(gpuWith({ info: { vendor: "nvidia", architecture: "hopper" } }), "auto");
  assert.equal(real.backend, "webgpu");
  assert.match(real.reason, /nvidia hopper/);
  const old = await chooseBackend(gpuWith({ requestAdapterInfo: async () => ({ vendor: "google", architecture: "swiftshader" }) }), "auto");
  assert.equal(old.backend, "cpu");
});

test("explicit choices", async () => {
  assert.equal((await chooseBackend(undefined, "cpu")).backend, "cpu");
  await assert.rejects(chooseBackend(undefined, "webgpu"), /WebGPU is not available/);
  const forced = await chooseBackend(gpuWith({ info: { architecture: "swiftshader" } }), "webgpu");
  assert.equal(forced.backend, "webgpu");
  assert.match(forced.reason, /SwiftShader/);
});
