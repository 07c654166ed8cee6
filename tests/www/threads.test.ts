// Which build a CPU run trains in (www/src/threads.ts): the threaded one only where the page is
// cross-origin isolated, has more than one core, and the run needs nothing held by the other build.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { SMALL_STEP, hasRelaxedSimd, loadThreaded, multiplyAdds, singleThreadOnly, withThreads } from "../../www/src/threads.js";
import type { RunConfig, Summary } from "../../www/src/protocol.js";

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

/** A summary from `[kind, output_shape, params]` rows, as `summarize` gives them. */
const summary = (rows: [string, (number | null)[], number][]): Summary => ({
  rows: rows.map(([kind, output_shape, params]) => ({ name: kind.toLowerCase(), kind, output_shape, params })),
  total_params: 0,
  trainable_params: 0,
  non_trainable_params: 0,
});
// the presets' summaries (Keras' parameter counts)
const M1 = summary([["Embedding", [null, 500, 32], 160_000], ["LSTM", [null, 100], 53_200], ["Dense", [null, 1], 101]]);
const M2 = summary([
  ["Embedding", [null, 240, 16], 160_000], ["Conv1D", [null, 234, 16], 1_808], ["MaxPooling1D", [null, 46, 16], 0],
  ["Conv1D", [null, 40, 16], 1_808], ["GlobalMaxPooling1D", [null, 16], 0], ["Dense", [null, 8], 136], ["Dense", [null, 1], 9],
]);

test("a step's multiply-adds: weights times the steps they run at", () => {
  assert.equal(multiplyAdds(M1), 53_200 * 500 + 101); // the LSTM at each input step
  assert.equal(multiplyAdds(M2), 1_808 * 234 + 1_808 * 40 + 136 + 9); // a Conv1D at each output step
  assert.equal(multiplyAdds(summary([["Embedding", [null, 9, 4], 40], ["BatchNormalization", [null, 9, 4], 16], ["Dense", [null, 9, 3], 15]])), 15 * 9);
});

test("a small step stays on one thread; a recurrent model's takes them all", () => {
  const run = (batch_size: number): RunConfig => ({ ...config(), batch_size }) as RunConfig;
  assert.match(singleThreadOnly(run(64), false, false, M2) ?? "", /small step \(32 M multiply-adds/);
  assert.match(singleThreadOnly(run(512), false, false, M2) ?? "", /small step \(254 M/);
  assert.equal(singleThreadOnly(run(64), false, false, M1), null);
  const m4 = summary([["Embedding", [null, 256, 16], 160_000], ["GlobalAveragePooling1D", [null, 16], 0], ["Dense", [null, 16], 272], ["Dense", [null, 1], 17]]);
  assert.match(singleThreadOnly(run(512), false, false, m4) ?? "", /small step \(0\.15 M/);
  assert.ok(multiplyAdds(M1) * 64 > SMALL_STEP && multiplyAdds(M2) * 512 < SMALL_STEP);
  assert.equal(singleThreadOnly(run(64), false, false), null, "without a summary the work is unknown: threads");
});

test("the backend line says how many threads", () => {
  assert.equal(withThreads("CPU backend chosen in the form", null), "CPU backend chosen in the form");
  assert.equal(withThreads("r", { kiln: {} as never, threads: 2 }), "r; 2 threads");
  assert.equal(withThreads("r", { kiln: null, why: "no COOP" }), "r; 1 thread: no COOP");
});
