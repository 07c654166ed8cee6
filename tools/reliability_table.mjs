// The table `./build.sh reliability` prints, from what its steps wrote:
//
//   node tools/reliability_table.mjs NATIVE_LOG OUT_DIR
//
// NATIVE_LOG: the stdout of `cargo test --test bad_inputs -- --nocapture` (its table: entry,
// input, outcome, ms, message; then "N inputs, M problems"). OUT_DIR: reliability.json
// (bad_inputs_page), memory.json (ten_runs) and fuzz.json (./build.sh fuzz: `executions` and
// `findings`, as totals or summed over `targets[]`). A missing file is a row that says so.
// Keep the row names and their order: other tools read this table.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [nativeLog, out] = process.argv.slice(2);
const json = (name) => {
  const file = resolve(out, name);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
};
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;

/** The native corpus: rows by outcome, from the printed table. */
function native() {
  if (!nativeLog || !existsSync(nativeLog)) return null;
  const lines = readFileSync(nativeLog, 'utf8').split('\n');
  const rows = lines.filter((l) => /^(file|settings|keras|saved run) /.test(l)).map((l) => l.slice(46, 55).trim());
  const summary = lines.map((l) => /^(\d+) inputs, (\d+) problems$/.exec(l)).find(Boolean);
  if (!summary) return null;
  const inputs = Number(summary[1]);
  return { inputs, clear: inputs - Number(summary[2]), panics: rows.filter((o) => o === 'PANIC').length };
}

function fuzz() {
  const f = json('fuzz.json');
  if (!f) return 'not run (./build.sh fuzz)';
  const targets = Array.isArray(f.targets) ? f.targets : [];
  const sum = (k) => f[k] ?? targets.reduce((s, t) => s + (Number(t[k]) || 0), 0);
  const findings = sum('findings');
  return `${Number(sum('executions')).toLocaleString('en-US')} executions${targets.length ? ` over ${targets.length} targets` : ''}, ${findings} findings`;
}

const n = native();
const page = json('reliability.json');
const memory = json('memory.json');
const rows = [];
const row = (name, value) => rows.push(`  ${name.padEnd(24)} ${value}`);
const part = (x, f) => (x ? f(x) : 'not run');
row('inputs tried', `${(n?.inputs ?? 0) + (page?.inputs ?? 0)} (native ${part(n, (x) => x.inputs)}, page ${part(page, (x) => x.inputs)})`);
row('clear errors', `${(n?.clear ?? 0) + (page?.clear ?? 0)} (native ${part(n, (x) => `${x.clear}/${x.inputs}`)}, page ${part(page, (x) => `${x.clear}/${x.inputs}`)})`);
row('panics', `${(n?.panics ?? 0) + (page?.panics ?? 0)} (native ${part(n, (x) => x.panics)}, page ${part(page, (x) => x.panics)})`);
row('longest main-thread task', part(page, (x) => `${x.longest_task_ms} ms (page, over ${x.inputs} inputs)`));
row('memory after ten runs', part(memory, (m) => {
  const first = m.first_run_peak;
  const last = m.after_ten;
  const gpu = m.runs.filter((r) => r.backend === 'webgpu').length;
  return `wasm ${mb(last.wasm)} vs ${mb(first.wasm)} after run 1; JS heap page ${mb(last.page_heap)} vs ${mb(first.page_heap)}, worker ${mb(last.worker_heap)} vs ${mb(first.worker_heap)} (run 1 peak); runs 7→10 +${mb(Math.max(0, m.growth_7_to_10.wasm))} wasm; ${gpu} on WebGPU${typeof m.gpu_buffers === 'object' && m.gpu_buffers ? `, live GPU buffers ${mb(m.gpu_buffers.after_last)} after run ${m.gpu_buffers.runs.at(-1)} vs ${mb(m.gpu_buffers.after_steady)} after run ${m.gpu_buffers.steady_run} (margin ${mb(m.gpu_buffers.margin)}; ${mb(m.gpu_buffers.after_first)} after run ${m.gpu_buffers.runs[0]})` : ''}`;
}));
row('fuzz', fuzz());
console.log(`\n== reliability ==\n${rows.join('\n')}`);
const failed = !n || !page || !memory || n.panics + page.panics > 0 || n.clear < n.inputs || page.clear < page.inputs;
process.exit(failed ? 1 : 0);
