// Cargo's runner for wasm32-wasip1 test binaries (`./build.sh test`, suite wasm): runs
// kiln-kernels' unit tests in Node's V8 with simd128, the engine Chromium trains in,
// so the hand-written simd128 tile is tested against the naive definitions.
//   CARGO_TARGET_WASM32_WASIP1_RUNNER="node tools/wasi-run.mjs" cargo test --target wasm32-wasip1
import { WASI } from 'node:wasi';
import fs from 'node:fs';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: {}, returnOnExit: true });
const { instance } = await WebAssembly.instantiate(fs.readFileSync(file), wasi.getImportObject());
process.exitCode = wasi.start(instance);
