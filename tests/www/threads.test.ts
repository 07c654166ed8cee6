// Which build a CPU run trains in (www/src/threads.ts): the threaded one only where the page is
// cross-origin isolated, has more than one core, and the run needs nothing held by the other build.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { hasRelaxedSimd, loadThreaded, singleThreadOnly, withThreads } from "../../www/src/threads.js";
import type { RunConfig } from "../../www/src/protocol.js";

const config = (init?: string): RunConfig =>
  ({ layers: [{ kind: "embedding", input_dim: 100, output_dim: 8, ...(init ? { embeddings_initializer: init } : {}) }] }) as unknown as RunConfig;

test("no threads without cross-origin isolation or with one core", async () => {
  const off = await loadThreaded(false, 8);
  assert.equal(off.kiln, null);
  assert.match(off.kiln === null ? off.why : "", /not cross-origin isolated/);
  const one = await loadThreaded(true, 1);
  assert.match(one.kiln === null ? one.why : "", /one core/);
});

test("without relaxed SIMD a CPU run stays on one thread and says why", async () => {
  const validate = WebAssembly.validate;
  WebAssembly.validate = () => false;
  try {
    const off = await loadThreaded(true, 8);
    assert.match(off.kiln === null ? off.why : "", /relaxed SIMD/);
  } finally {
    WebAssembly.validate = validate;
  }
});

test("the relaxed SIMD probe is a valid module where the engine has relaxed SIMD", () => {
  // Node 20's V8 has it behind a flag (on by default in later ones, which may drop the flag)
  const code = `console.log((${hasRelaxedSimd.toString()})())`;
  let run = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "-e", code], { encoding: "utf8" });
  if (run.status !== 0 && /bad option/.test(run.stderr)) run = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
  assert.equal(run.stdout.trim(), "true", run.stderr);
});

test("runs that need the single-threaded build's state stay there", () => {
  assert.equal(singleThreadOnly(config(), false, false), null);
  assert.equal(singleThreadOnly(config("uniform"), false, false), null);
  assert.match(singleThreadOnly(config("word2vec"), false, false) ?? "", /word vectors/);
  assert.match(singleThreadOnly(config(), true, false) ?? "", /validation file/);
  assert.match(singleThreadOnly(config(), false, true) ?? "", /threads=1/);
});

test("the backend line says how many threads", () => {
  assert.equal(withThreads("CPU backend chosen in the form", null), "CPU backend chosen in the form");
  assert.equal(withThreads("r", { kiln: {} as never, threads: 2 }), "r; 2 threads");
  assert.equal(withThreads("r", { kiln: null, why: "no COOP" }), "r; 1 thread: no COOP");
});
