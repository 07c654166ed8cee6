// `./build.sh bench`: Kiln's training speed beside its peers, in one run on one machine.
//
//   node tools/bench.mjs --url http://127.0.0.1:PORT/ --native-bin PATH [--profile release|dev] [--native-profile P]
//        [--quick] [--no-slow] [--models=M1,M2,M3,M4,M5] [--only=kiln-cpu,kiln-cpu1,kiln-webgpu,native,tfjs,keras]
//        [--peers DIR] [--tag NAME]
//   KILN_BENCH_PAGE=key=value&…  extra page-address keys for the kiln-cpu/kiln-webgpu jobs, e.g.
//                           `kernels=rolled` (the GPU kernels' GPU forms on a software adapter too)
//
// Targets, each at the peers' batch sizes (M1, M3, M5: 64; M2, M4: 64 for TF.js, 512 for Keras):
//   kiln-cpu / kiln-webgpu  the real page in headless Chromium (tools/browser.mjs), `probe=1`:
//                           (kiln-cpu: the threaded build on every core where the page is
//                           cross-origin isolated; kiln-cpu1: `threads=1`, the single-threaded build)
//                           the worker logs every training call's wall time, the GPU dispatches it
//                           issued and the memory (www/src/probe.ts); the page is closed after the
//                           job's steps, so nothing is evaluated
//   native                  `kiln-train bench steps=N warmup=W …` (crate/src/cli/bench.rs)
//   tfjs                    ../shared/peers/tfjs (backends webgpu and wasm), its own budgets; M5,
//                           which that peer lacks, in a copy of it with M5 added (tools/tfjs_m5.mjs)
//   keras                   ../shared/peers/keras (Keras 3, TensorFlow-CPU, 2 threads), 1 epoch
//                           over as many reviews as the job's steps need
// A step is one batch: upload, forward, backward, optimizer update, read back the loss.
// ms/step = median over the timed steps after the warm-up (p10/p90 beside it; Keras' p10/p90 as
// its harness computes them). Prints one Markdown table (ratios = Kiln's ms/step ÷ the peer's: below
// 1 Kiln is faster) and writes out/bench.json and out/bench.md. Progress goes to stderr.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, newPage, ROOT } from './browser.mjs';
import { peerWithM5 } from './tfjs_m5.mjs';

// ------------------------------------------------------------------ options --
const opts = {};
const PAGE_EXTRA = new URLSearchParams(process.env.KILN_BENCH_PAGE || '');
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
  if (!m) {
    console.error(`bench: unexpected argument '${argv[i]}'`);
    process.exit(2);
  }
  const flag = ['quick', 'no-slow'].includes(m[1]);
  opts[m[1]] = m[2] ?? (flag ? true : argv[++i]);
}
const QUICK = !!opts.quick;
const NO_SLOW = QUICK || !!opts['no-slow'];
const MODELS = (opts.models || 'M1,M2,M3,M4,M5').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
const TARGETS = ['kiln-cpu', 'kiln-cpu1', 'kiln-webgpu', 'native', 'tfjs', 'keras'];
const ONLY = (opts.only || TARGETS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const t of ONLY) if (!TARGETS.includes(t)) fail(`--only: unknown target '${t}' (${TARGETS.join(', ')})`);
const PROFILE = opts.profile || 'release';
const NATIVE_PROFILE = opts['native-profile'] || PROFILE;
const PEERS = path.resolve(opts.peers || process.env.KILN_PEERS || path.join(ROOT, '../shared/peers'));
const OUT = path.resolve(process.env.OUT || path.join(ROOT, 'out'));
const TAG = opts.tag || (QUICK ? 'kiln-bench-quick' : 'kiln-bench');

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}
const log = (msg) => process.stderr.write(`${msg}\n`);
const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

// ------------------------------------------------------------------- models --
// Kiln's presets are the peers' M1–M5 (crate/src/dto/presets.rs); the peers' job names per batch.
// tfjs: 'added' = the TF.js peer has no such model; it runs in tools/tfjs_m5.mjs's copy of the peer.
const MODEL = {
  M1: { preset: 'm1_lstm', heavy: true, batches: [64], keras: { 64: 'M1' }, tfjs: true },
  M2: { preset: 'm2_cnn', heavy: false, batches: [64, 512], keras: { 64: 'M2b64', 512: 'M2' }, tfjs: true },
  M3: { preset: 'm3_cnn_lstm', heavy: true, batches: [64], keras: { 64: 'M3' }, tfjs: true },
  M4: { preset: 'm4_pooled', heavy: false, batches: [64, 512], keras: { 512: 'M4' }, tfjs: true },
  M5: { preset: 'm5_bilstm', heavy: true, batches: [64], keras: { 64: 'M5' }, tfjs: 'added' },
};
for (const m of MODELS) if (!MODEL[m]) fail(`--models: unknown model '${m}' (M1..M5)`);

/** Warm-up and timed steps, the cap on training seconds after the first step, the hard timeout. */
function budget(model, target) {
  const heavy = MODEL[model].heavy;
  if (QUICK) return heavy ? { warmup: 1, steps: 2, cap: 30, timeout: 150 } : { warmup: 1, steps: 5, cap: 20, timeout: 150 };
  if (!heavy) return { warmup: 3, steps: 20, cap: 60, timeout: 300 };
  if (target === 'kiln-webgpu') return { warmup: 1, steps: 2, cap: 60, timeout: 300 };
  return { warmup: 1, steps: 4, cap: 90, timeout: 300 };
}
/** Why a combination is left out: the LSTMs on WebGPU take minutes per step on a software GPU
 *  (--quick and --no-slow skip them); --quick keeps only M4 on WebGPU (each WebGPU job spends
 *  half a minute compiling shaders on SwiftShader). */
function skipWhy(model, target) {
  const gpu = target === 'kiln-webgpu' || target === 'tfjs-webgpu';
  if (!gpu) return null;
  if (QUICK && model !== 'M4') return 'skipped (quick)';
  if (NO_SLOW && MODEL[model].heavy) return 'skipped (--no-slow)';
  return null;
}

/** The smallest IMDB subset whose first epoch has the job's steps (20 % may be held out for validation). */
function dataFor(batch, steps) {
  for (const [name, n] of [['imdb-1k', 1000], ['imdb-5k', 5000], ['imdb-20k', 20000]]) {
    if (Math.floor((n * 0.8) / batch) >= steps) return name;
  }
  return 'imdb-20k';
}

// -------------------------------------------------------------------- stats --
/** Median (mean of the middle two), p10 and p90 as the Keras harness takes them (d[floor(q n)]). */
function stats(ms) {
  if (!ms.length) return { ms_per_step_median: null, ms_per_step_p10: null, ms_per_step_p90: null };
  const d = [...ms].sort((a, b) => a - b);
  const n = d.length;
  const med = n % 2 ? d[(n - 1) / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
  const q = (p) => d[Math.min(n - 1, Math.floor(p * n))];
  const r = (x) => Math.round(x * 100) / 100;
  return { ms_per_step_median: r(med), ms_per_step_p10: r(q(0.1)), ms_per_step_p90: r(q(0.9)) };
}
const medianOf = (xs) => (xs.length ? stats(xs).ms_per_step_median : null);

// ----------------------------------------------------------- kiln in browser --
async function browserJob(browser, base, job) {
  const { model, batch, backend, target } = job;
  const b = budget(model, target);
  const data = dataFor(batch, b.warmup + b.steps);
  const params = new URLSearchParams({
    data, model: MODEL[model].preset, batch_size: String(batch), epochs: '1000', patience: '',
    backend, autostart: '1', probe: '1', ...(target === 'kiln-cpu1' ? { threads: '1' } : {}),
  });
  for (const [k, v] of PAGE_EXTRA) params.set(k, v);
  const rec = { target, model, batch, data, profile: wasmProfile, warmup: b.warmup, steps_planned: b.steps };
  const { context, page } = await newPage(browser);
  const probes = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const t0 = Date.now();
  let firstStepAt = 0;
  page.on('console', (msg) => {
    const text = msg.text();
    if (text.startsWith('[kiln] PROBE ')) {
      const p = JSON.parse(text.slice('[kiln] PROBE '.length));
      if (p.type === 'prepared') rec.prepare_ms = Math.round(Date.now() - t0);
      if (p.type === 'progress') rec.dispatches_total = p.dispatches_total;
      if (p.type !== 'step') return;
      probes.push(p);
      if (probes.length === 1) firstStepAt = Date.now();
      // the first step (shader compiles, allocation) is always among the warm-up steps
      const timed = probes.length - Math.max(1, b.warmup);
      if (timed >= b.steps) resolveDone('ok');
      else if (timed >= 1 && (Date.now() - firstStepAt) / 1000 > b.cap) resolveDone('cap');
    } else if (text.startsWith('[kiln] backend ')) {
      const m = /^\[kiln\] backend (\w+): (.*)$/.exec(text);
      if (m) Object.assign(rec, { backend_used: m[1], backend_reason: m[2] });
    } else if (msg.type() === 'error') {
      rec.console_errors = [...(rec.console_errors || []), text.slice(0, 300)];
    }
  });
  page.on('pageerror', (e) => resolveDone(`page error: ${String(e.message || e).split('\n')[0]}`));
  page.on('crash', () => resolveDone('the page crashed'));
  const timer = setTimeout(() => resolveDone('timeout'), b.timeout * 1000);
  const poll = setInterval(async () => {
    try {
      const st = await page.evaluate(() => window.kiln?.state ?? null);
      if (st?.status === 'error') resolveDone(`page state error: ${st.message ?? ''}`);
      if (st?.status === 'done') resolveDone('the run ended before its steps');
    } catch {
      // navigating or closing
    }
  }, 1000);
  const lb = load1();
  page.goto(`${base}?${params}`, { waitUntil: 'load' }).catch((e) => resolveDone(`could not load the page: ${e.message}`));
  const outcome = await done;
  clearTimeout(timer);
  clearInterval(poll);
  // the page's own JS heap (the worker's is not exposed; its wasm memory is in the probes)
  rec.page_js_heap_bytes = await page
    .evaluate(() => performance.memory?.usedJSHeapSize ?? null)
    .catch(() => null);
  await context.close().catch(() => {});
  const ms = probes.map((p) => p.ms);
  const timedMs = ms.slice(Math.max(1, b.warmup));
  const timedProbes = probes.slice(Math.max(1, b.warmup));
  const peak = (k) => probes.reduce((m, p) => (p[k] == null ? m : Math.max(m ?? 0, p[k])), null);
  Object.assign(rec, stats(timedMs), {
    steps: timedMs.length,
    first_step_ms: ms.length ? Math.round(ms[0]) : null,
    dispatches_per_step: medianOf(timedProbes.map((p) => p.dispatches)),
    dispatches_first_step: probes.length ? probes[0].dispatches : null,
    wasm_bytes_peak: peak('wasm_bytes'),
    gpu_buffer_bytes_peak: peak('gpu_buffer_peak_bytes'),
    step_ms: ms.map((x) => Math.round(x * 100) / 100),
    job_wall_s: Math.round((Date.now() - t0) / 100) / 10,
    loadavg_1m_before: lb,
    loadavg_1m_after: load1(),
  });
  if (outcome === 'cap') rec.notes = `time cap ${b.cap} s hit after ${timedMs.length} timed steps`;
  if (outcome === 'timeout') {
    rec.error = `timeout after ${b.timeout} s`;
    rec.notes = `${probes.length ? `${probes.length} step(s) finished (first ${Math.round(ms[0] / 1000)} s)` : 'no step finished'}; ` +
      `${rec.dispatches_total ?? 0} GPU dispatches issued in all`;
    if (!timedMs.length) Object.assign(rec, stats([]));
  } else if (outcome !== 'ok' && outcome !== 'cap') {
    rec.error = outcome;
    if (timedMs.length < b.steps) Object.assign(rec, stats([]));
  }
  if (rec.backend_used && rec.backend_used !== backend) {
    rec.error = `asked for ${backend}, the page trained on ${rec.backend_used}: ${rec.backend_reason}`;
    Object.assign(rec, stats([]));
  }
  if (rec.ms_per_step_median) rec.samples_per_s = Math.round((batch * 1000 * 10) / rec.ms_per_step_median) / 10;
  return rec;
}

// ------------------------------------------------------------------- native --
function runChild(cmd, args, { timeoutS, cwd = ROOT, env = process.env, echo = true }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderrTail = (stderrTail + d).slice(-4000);
      if (echo) process.stderr.write(d);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGTERM'); // its own process group: the peers' browsers too
      } catch {
        child.kill('SIGTERM');
      }
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderrTail, timedOut });
    });
  });
}

async function nativeJob(bin, job) {
  const { model, batch } = job;
  const b = budget(model, 'native');
  const data = dataFor(batch, b.warmup + b.steps);
  const rec = { target: 'native', model, batch, data, profile: NATIVE_PROFILE, warmup: b.warmup, steps_planned: b.steps };
  const lb = load1();
  const t0 = Date.now();
  const args = ['bench', `steps=${b.steps}`, `warmup=${Math.max(1, b.warmup)}`, `model=${MODEL[model].preset}`,
    `data=${data}`, `batch_size=${batch}`, `data_dir=${path.join(ROOT, 'data')}`];
  const r = await runChild(bin, args, { timeoutS: b.timeout, echo: false });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.timedOut) rec.error = `timeout after ${b.timeout} s`;
  else if (r.code !== 0 || !line) rec.error = `exit ${r.code}: ${r.stderrTail.trim().split('\n').pop() ?? ''}`;
  let out = {};
  if (line) out = JSON.parse(line);
  const ms = out.step_ms || [];
  const timedMs = ms.slice(Math.max(1, b.warmup));
  Object.assign(rec, stats(rec.error ? [] : timedMs), {
    steps: timedMs.length,
    first_step_ms: ms.length ? Math.round(ms[0]) : null,
    prepare_ms: out.prepare_ms != null ? Math.round(out.prepare_ms) : null,
    peak_rss_bytes: out.peak_rss_bytes ?? null,
    step_ms: ms.map((x) => Math.round(x * 100) / 100),
    job_wall_s: Math.round((Date.now() - t0) / 100) / 10,
    loadavg_1m_before: lb,
    loadavg_1m_after: load1(),
  });
  if (rec.ms_per_step_median) rec.samples_per_s = Math.round((batch * 1000 * 10) / rec.ms_per_step_median) / 10;
  return rec;
}

// -------------------------------------------------------------------- peers --
async function tfjsJobs(models) {
  const dir = path.join(PEERS, 'tfjs');
  if (!fs.existsSync(path.join(dir, 'node_modules/@tensorflow/tfjs')) || !fs.existsSync(path.join(dir, 'data/meta.json'))) {
    return { missing: `${dir} is not set up (bash ${dir}/setup.sh)` };
  }
  const recs = [];
  let m5Dir = null;
  // one invocation per backend, so the slow LSTM-on-webgpu jobs can be left out on their own
  for (const backend of ['wasm', 'webgpu']) {
    const ms = models.filter((m) => MODEL[m].tfjs && !skipWhy(m, `tfjs-${backend}`));
    for (const m of models) {
      const why = MODEL[m].tfjs && skipWhy(m, `tfjs-${backend}`);
      if (why) skipped.push({ target: `tfjs-${backend}`, model: m, batch: 64, why });
    }
    // the peer's own models in the peer's folder, M5 in a copy that adds it
    const groups = [{ ms: ms.filter((m) => MODEL[m].tfjs === true), added: false }, { ms: ms.filter((m) => MODEL[m].tfjs === 'added'), added: true }];
    for (const g of groups) {
      if (!g.ms.length) continue;
      let cwd = dir;
      if (g.added) {
        try {
          m5Dir ||= peerWithM5(dir);
        } catch (e) {
          // one record a model, so the table's cell says why
          for (const model of g.ms) recs.push({ target: `tfjs-${backend}`, model, batch: 64, ms_per_step_median: null, error: String(e.message || e) });
          continue;
        }
        cwd = m5Dir;
      }
      const args = [path.join(cwd, 'bench.mjs'), `--models=${g.ms.join(',')}`, `--backends=${backend}`, '--acc-backend=none', `--tag=${TAG}`];
      if (QUICK) args.push('--quick');
      log(`==> tfjs ${backend}: ${g.ms.join(',')}${g.added ? ` (the peer's harness with Kiln's M5 added, ${cwd})` : ''}`);
      const r = await runChild(process.execPath, args, { cwd, timeoutS: QUICK ? 600 : 1800 });
      for (const line of r.stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const j = JSON.parse(line);
        recs.push({
          target: `tfjs-${j.backend}`, model: j.model, batch: j.batch, ...pick(j, ['ms_per_step_median', 'ms_per_step_p10', 'ms_per_step_p90',
            'samples_per_s', 'first_step_ms', 'steps', 'error', 'notes', 'params']),
          loadavg_1m_before: j.host?.loadavg_1m_before, loadavg_1m_after: j.host?.loadavg_1m_after, raw: j,
        });
      }
      if (r.timedOut) recs.push({ target: `tfjs-${backend}`, model: g.ms.join(','), error: 'the tfjs harness timed out' });
    }
  }
  if (m5Dir) {
    notes.push("TF.js M5 is Kiln's addition to the TF.js peer (tools/tfjs_m5.mjs: the peer's harness, M5 written as its M1 is, in tf.layers.bidirectional)");
    fs.rmSync(m5Dir, { recursive: true, force: true });
  }
  return { recs };
}

async function kerasJobs(models) {
  const dir = path.join(PEERS, 'keras');
  if (!fs.existsSync(path.join(dir, '.venv/bin/python')) || !fs.existsSync(path.join(dir, 'data/imdb_v5000_l500_pre.npz'))) {
    return { missing: `${dir} is not set up (bash ${dir}/setup.sh --no-torch)` };
  }
  const recs = [];
  // two invocations: the batch-512 models need more reviews for their steps than the LSTMs can afford
  const groups = [
    { heavy: false, trainN: QUICK ? 4096 : 12800 },
    { heavy: true, trainN: QUICK ? 512 : 1600 },
  ];
  for (const g of groups) {
    const jobs = models.filter((m) => MODEL[m].heavy === g.heavy).flatMap((m) => Object.values(MODEL[m].keras));
    if (!jobs.length) continue;
    const args = ['--only', jobs.join(','), '--train-n', String(g.trainN), '--test-n', QUICK ? '256' : '512', '--epochs', '1', '--tag', TAG];
    log(`==> keras: ${jobs.join(',')} (${g.trainN} reviews, 1 epoch)`);
    const r = await runChild('bash', [path.join(dir, 'run.sh'), ...args], { cwd: dir, timeoutS: QUICK ? 600 : 1200 });
    for (const line of r.stdout.split('\n')) {
      if (!line.startsWith('RESULT ')) continue;
      const j = JSON.parse(line.slice('RESULT '.length));
      const model = j.job === 'M2b64' ? 'M2' : j.job;
      recs.push({
        target: 'keras', model, batch: j.batch, ...pick(j, ['ms_per_step_median', 'ms_per_step_p10', 'ms_per_step_p90', 'samples_per_s', 'error']),
        steps: j.epoch_times_s ? Math.floor(j.n_train_fit / j.batch) : 0,
        loadavg_1m_before: j.host?.loadavg_1m_before, loadavg_1m_after: j.host?.loadavg_1m_after,
        versions: j.versions, n_train_fit: j.n_train_fit,
      });
    }
    if (r.timedOut) recs.push({ target: 'keras', model: jobs.join(','), error: 'the keras harness timed out' });
  }
  return { recs };
}

function pick(o, keys) {
  const r = {};
  for (const k of keys) if (o[k] !== undefined) r[k] = o[k];
  return r;
}

// --------------------------------------------------------------------- main --
const started = new Date();
const loadBefore = os.loadavg().map((x) => Math.round(x * 100) / 100);
const results = [];
const skipped = [];
const notes = [];
const wasmPath = path.join(ROOT, 'www/pkg/kiln_bg.wasm');
const wasm = fs.existsSync(wasmPath) ? fs.readFileSync(wasmPath) : null;
const wasmMtPath = path.join(ROOT, 'www/pkg-mt/kiln_bg.wasm');
const wasmMt = fs.existsSync(wasmMtPath) ? fs.statSync(wasmMtPath).size : null;
// the profile www/pkg was built with, as build.sh stamped it (not what was asked for)
const stampPath = path.join(ROOT, 'www/pkg/.kiln-stamp');
const stamp = fs.existsSync(stampPath) ? fs.readFileSync(stampPath, 'utf8') : '';
const wasmProfile = stamp ? stamp.split(' ')[0] : PROFILE;
const wasmOpt = /wasm-opt|binaryen/i.test(stamp);
const meta = {
  tag: TAG, mode: (QUICK ? 'quick' : NO_SLOW ? 'full, slow combinations skipped' : 'full') + (PAGE_EXTRA.size ? `, page ${PAGE_EXTRA}` : ''), profile: wasmProfile, native_profile: NATIVE_PROFILE, wasm_opt: wasmOpt,
  started_utc: started.toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg_before: loadBefore },
  wasm_bytes: wasm ? wasm.length : null, wasm_gzip_bytes: wasm ? zlib.gzipSync(wasm, { level: 6 }).length : null, wasm_threads_bytes: wasmMt,
  models: MODELS, targets: ONLY,
};

const jobs = [];
for (const model of MODELS) for (const batch of MODEL[model].batches) jobs.push({ model, batch });

const browserTargets = ONLY.filter((t) => t.startsWith('kiln-'));
if (browserTargets.length) {
  if (!opts.url) fail('--url is needed for the browser targets (./build.sh bench starts the page)');
  const base = opts.url.endsWith('/') ? opts.url : `${opts.url}/`;
  const browser = await launch();
  meta.browser = `chromium ${browser.version()}`;
  for (const target of browserTargets) {
    const backend = target === 'kiln-webgpu' ? 'webgpu' : 'cpu';
    for (const j of jobs) {
      const why = skipWhy(j.model, target);
      if (why) {
        skipped.push({ target, model: j.model, batch: j.batch, why });
        continue;
      }
      log(`==> ${target} ${j.model} batch ${j.batch}`);
      const rec = await browserJob(browser, base, { ...j, backend, target });
      log(rec.ms_per_step_median == null ? `    ${rec.error}: ${rec.notes ?? ''}`
        : `    ${rec.ms_per_step_median} ms/step, first step ${rec.first_step_ms} ms, ${rec.dispatches_per_step ?? '-'} dispatches/step`);
      const key = `${target.slice('kiln-'.length)}_reason`;
      if (rec.backend_reason && !meta[key]) meta[key] = rec.backend_reason;
      results.push(rec);
    }
  }
  await browser.close().catch(() => {});
}

if (ONLY.includes('native')) {
  const bin = opts['native-bin'];
  if (!bin || !fs.existsSync(bin)) fail(`--native-bin: no kiln-train at '${bin}'`);
  for (const j of jobs) {
    log(`==> native ${j.model} batch ${j.batch}`);
    const rec = await nativeJob(bin, j);
    log(rec.ms_per_step_median == null ? `    ${rec.error}` : `    ${rec.ms_per_step_median} ms/step`);
    results.push(rec);
  }
}

if (!fs.existsSync(PEERS)) {
  notes.push(`no peers at ${PEERS}: Kiln measured alone`);
  log(`bench: ${PEERS} is missing; measuring Kiln alone`);
} else {
  if (ONLY.includes('tfjs')) {
    const r = await tfjsJobs(MODELS);
    if (r.missing) notes.push(r.missing);
    else results.push(...r.recs);
  }
  if (ONLY.includes('keras')) {
    const r = await kerasJobs(MODELS);
    if (r.missing) notes.push(r.missing);
    else results.push(...r.recs);
  }
}
for (const n of notes) log(`bench: ${n}`);
meta.loadavg_after = os.loadavg().map((x) => Math.round(x * 100) / 100);
meta.wall_s = Math.round((Date.now() - started.getTime()) / 1000);

// -------------------------------------------------------------------- table --
const find = (target, model, batch) => results.find((r) => r.target === target && r.model === model && r.batch === batch);
const skip = (target, model, batch) => skipped.find((r) => r.target === target && r.model === model && r.batch === batch);
const fmtMs = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));
function cell(target, model, batch) {
  const r = find(target, model, batch);
  const s = skip(target, model, batch);
  if (s) return s.why;
  if (!r) return '–';
  if (r.ms_per_step_median == null) {
    const e = String(r.error || 'no result');
    if (/Conv2DBackpropFilter/.test(`${e} ${r.notes || ''}`)) return 'fails: no Conv2DBackpropFilter';
    if (/timeout/i.test(e)) return /timeout after/.test(e) ? e : `timeout (${e})`;
    return `fails: ${e.slice(0, 60)}`;
  }
  const spread = r.ms_per_step_p10 != null && r.ms_per_step_p90 != null ? ` (${fmtMs(r.ms_per_step_p10)}–${fmtMs(r.ms_per_step_p90)})` : '';
  return `${fmtMs(r.ms_per_step_median)}${spread}`;
}
function ratio(a, b) {
  const x = a?.ms_per_step_median;
  const y = b?.ms_per_step_median;
  if (!x || !y) return '–';
  const q = x / y;
  return `${q >= 10 ? q.toFixed(0) : q >= 1 ? q.toFixed(1) : q.toFixed(2)}×`;
}
const mb = (b) => (b ? `${Math.round(b / 2 ** 20)}` : '–');
const sec = (ms) => (ms == null ? '–' : ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

const rows = [];
for (const { model, batch } of jobs) {
  const cpu = find('kiln-cpu', model, batch);
  const gpu = find('kiln-webgpu', model, batch);
  const nat = find('native', model, batch);
  const keras = find('keras', model, batch);
  const wasmPeer = find('tfjs-wasm', model, batch);
  const gpuPeer = find('tfjs-webgpu', model, batch);
  rows.push({
    model, batch,
    cells: [
      `${model} (${MODEL[model].preset})`, String(batch),
      cell('kiln-cpu', model, batch), cell('kiln-cpu1', model, batch), cell('kiln-webgpu', model, batch), cell('native', model, batch),
      cell('keras', model, batch), cell('tfjs-wasm', model, batch), cell('tfjs-webgpu', model, batch),
      ratio(cpu, keras), ratio(cpu, wasmPeer), ratio(gpu, gpuPeer), ratio(gpu, cpu), ratio(nat, keras),
      gpu?.dispatches_per_step != null ? String(gpu.dispatches_per_step)
        : gpu?.dispatches_total ? `over ${gpu.dispatches_total.toLocaleString('en-US')} (unfinished step)` : '–',
      `${sec(cpu?.first_step_ms)} / ${sec(gpu?.first_step_ms)}`,
      `${mb(cpu?.wasm_bytes_peak)} / ${mb(gpu?.wasm_bytes_peak)} / ${mb(gpu?.gpu_buffer_bytes_peak)}`,
    ],
  });
}
const HEAD = ['model', 'batch', 'Kiln browser CPU', 'Kiln browser CPU, 1 thread', 'Kiln browser WebGPU', 'Kiln native', 'Keras-CPU', 'TF.js wasm', 'TF.js webgpu',
  'CPU ÷ Keras', 'CPU ÷ TF.js-wasm', 'WebGPU ÷ TF.js-webgpu', 'WebGPU ÷ CPU', 'native ÷ Keras',
  'dispatches/step (WebGPU)', 'first step CPU / WebGPU', 'peak MB: wasm CPU / wasm WebGPU / GPU buffers'];
const la = (a) => a.join(', ');
const header = [
  `Kiln ${meta.profile} wasm${meta.profile === 'release' && !wasmOpt ? ' without wasm-opt' : ''} (${meta.wasm_bytes ? `${(meta.wasm_bytes / 1e6).toFixed(1)} MB, ${(meta.wasm_gzip_bytes / 1e6).toFixed(1)} MB gzipped` : 'not built'}; threaded CPU build ${wasmMt ? `${(wasmMt / 1e6).toFixed(1)} MB` : 'not built'}), ` +
    `${ONLY.includes('native') ? `native ${NATIVE_PROFILE}` : 'no native run'}; ${meta.browser ?? 'no browser run'}; WebGPU: ${meta.webgpu_reason ?? '–'}; ${meta.host.cpus} cores, ` +
    `load average ${la(loadBefore)} before, ${la(meta.loadavg_after)} after; mode ${meta.mode}; ${meta.started_utc.slice(0, 16)}Z, ${meta.wall_s} s.`,
  'ms per training step: median (p10–p90) after the warm-up. Ratios: Kiln\'s median ÷ the peer\'s (below 1×: Kiln is faster). ' +
    `Browser CPU: ${meta.cpu_reason ?? '–'} (the threaded build where the page is cross-origin isolated, one thread for a step under 400 M multiply-adds forward); ` +
    'browser CPU, 1 thread: `threads=1`, the single-threaded build. Both use wasm SIMD; the matmuls of the threaded build also use relaxed SIMD (a fused multiply-add). Keras-CPU uses 2 threads; TF.js wasm 1 thread.',
];
const table = [
  `| ${HEAD.join(' | ')} |`,
  `|${HEAD.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.cells.join(' | ')} |`),
];
const md = [...header, '', ...table, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'bench.json'), `${JSON.stringify({ meta, results, skipped, notes, table: { head: HEAD, rows } }, null, 1)}\n`);
fs.writeFileSync(path.join(OUT, 'bench.md'), `${md}\n`);
process.stdout.write(`${md}\n`);
log(`bench: wrote ${path.join(OUT, 'bench.json')} and bench.md`);
