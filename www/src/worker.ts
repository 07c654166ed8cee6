// The worker owns the wasm module, the dataset and the Run; the page only
// renders what it posts. One run at a time; pause, resume and stop are
// messages, read between steps.

import { chooseBackend, type BackendDecision, type Gpu } from "./backend.js";
import { classifyFault, oomMessage } from "./faults.js";
import { GpuWatch } from "./gpu_watch.js";
import { translate, type MessageKey, type Params, type Text } from "./i18n.js";
import { loadDataset } from "./imdb_data.js";
import { dispatchCount, installProbe, PROBE, probeLine } from "./probe.js";
import { RunVectors } from "./run_vectors.js";
import { ONE_THREAD, loadThreaded, singleThreadOnly, withThreads, type Threaded } from "./threads.js";
import { eventsFromHistory, getRun, putRun, storageError } from "./saved_runs.js";
import {
  errorText, loadKiln, type KilnBaseline, type KilnData, type KilnFileBuffer, type KilnModule, type KilnRun,
} from "./kiln_wasm.js";
import type {
  BackendChoice, Call, FromWorker, History, LoadOptions, MemoryUse, Reply, RunConfig, RunEvent, Status, ToWorker, VectorsInfo,
  Word2VecConfig, Word2VecEvent,
} from "./protocol.js";
import type { ExportFormat } from "./protocol.js";

// lib.dom types `self` as a Window; this is the part of a worker scope we use.
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", fn: (e: MessageEvent<ToWorker>) => void): void;
  addEventListener(type: "unhandledrejection", fn: (e: PromiseRejectionEvent) => void): void;
  addEventListener(type: "error", fn: (e: ErrorEvent) => void): void;
  navigator: { gpu?: Gpu; hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
}
const scope = self as unknown as WorkerScope;
if (PROBE) installProbe();

/** Wraps navigator.gpu before wgpu asks it for a device, to learn when the device is lost. */
const gpuWatch = new GpuWatch(scope.navigator.gpu);

/** The last Rust panic's text (console_error_panic_hook writes it to console.error before the trap). */
let lastPanic = "";
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]): void => {
  const text = args.map(String).join(" ");
  if (text.startsWith("panicked at")) lastPanic = text.split("\n\nStack:")[0] ?? text;
  consoleError(...args);
};

const post = (msg: FromWorker): void => scope.postMessage(msg);
/** A status line by i18n key: English in `message` (logs), the key for the page to show in its language. */
const status = (s: Status, key: MessageKey, params: Params = {}): void =>
  post({ type: "status", status: s, message: translate("en", key, params), text: { key, params } });
const statusText = (s: Status, text: Text): void => status(s, text.key, text.params);
const fail = (e: unknown): void => post({ type: "error", message: errorText(e) });

/** WebGPU unless the device was lost in this worker (wgpu keeps the lost one): then the CPU. */
async function choose(choice: BackendChoice): Promise<BackendDecision> {
  const lost = gpuWatch.lost ?? gpuLost;
  if (lost !== null && choice !== "cpu") {
    return { backend: "cpu", reason: `The WebGPU device was lost (${lost}): using CPU until the page is reloaded` };
  }
  return chooseBackend(scope.navigator.gpu, choice);
}

/** Control of the current run, flipped by messages. */
interface Control {
  paused: boolean;
  stopped: boolean;
  wake: (() => void) | null;
}
let control: Control | null = null;
/** Word2vec training in progress: only `stopped` is used. */
let word2vec: Control | null = null;

/** A macrotask, so queued pause/stop messages are handled between steps. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

function waitWhilePaused(c: Control): Promise<void> {
  if (!c.paused || c.stopped) return Promise.resolve();
  return new Promise((resolve) => {
    c.wake = resolve;
  });
}

function wake(c: Control): void {
  const w = c.wake;
  c.wake = null;
  w?.();
}

// ---- data: IMDB (fetched once), the Korean sample, the user's file -------

let koSample: KilnData | null = null;
/** The user's last file as read, and the dataset loaded from it. */
let fileBuffer: KilnFileBuffer | null = null;
let fileData: KilnData | null = null;
/** The user's last file and its load options, to load it again in the threaded build. */
interface FileSource {
  file: File;
  options: LoadOptions;
}
let fileSource: FileSource | null = null;
let lastFile: File | null = null;
/** The threaded build's copies of the Korean sample and the user's file (from `fileSource`). */
const threadedData: { koSample: KilnData | null; file: { source: FileSource; data: KilnData } | null } = { koSample: null, file: null };

/** `onProgress`: IMDB's download messages (a run's status; a data view has its own). */
async function dataFor(
  kiln: KilnModule, config: RunConfig, onProgress: (m: Text) => void = (m) => statusText("preparing", m),
): Promise<KilnData> {
  const main = kiln === (await loadKiln());
  switch (config.data) {
    case "ko-sample":
      if (!main) return (threadedData.koSample ??= kiln.Data.koSample());
      koSample ??= kiln.Data.koSample();
      return koSample;
    case "file":
      if (!fileData || !fileSource) throw new Error("No file is loaded: choose a file under Data first");
      return main ? fileData : threadedFile(kiln, fileSource);
    default:
      return loadDataset(kiln, onProgress);
  }
}

/** The user's file loaded again in the threaded build, with the same options; kept until it changes. */
async function threadedFile(kiln: KilnModule, source: FileSource): Promise<KilnData> {
  if (threadedData.file?.source === source) return threadedData.file.data;
  threadedData.file?.data.free();
  threadedData.file = null;
  const buffer = await readInto(kiln, source.file, () => {});
  let data: KilnData;
  try {
    data = buffer.load(source.options);
  } finally {
    buffer.free();
  }
  threadedData.file = { source, data };
  return data;
}

/** The build a run on `backend` trains in: the threaded one for the CPU where it can start. */
async function buildFor(backend: string, config: RunConfig): Promise<{ kiln: KilnModule; threaded: Threaded | null }> {
  const kiln = await loadKiln();
  if (backend !== "cpu") return { kiln, threaded: null };
  const summary = await kiln.summarize(config).catch(() => undefined); // a bad config fails later, with its message
  const why = singleThreadOnly(config, valData !== null, ONE_THREAD, summary);
  const threaded: Threaded = why
    ? { kiln: null, why }
    : await loadThreaded(scope.crossOriginIsolated === true, scope.navigator.hardwareConcurrency ?? 1);
  return { kiln: threaded.kiln ?? kiln, threaded };
}

/** A validation file (Keras `validation_data=`), read with the main file's column choices. */
let valData: KilnData | null = null;
let lastOptions: LoadOptions = {};
let joined: { base: KilnData; val: KilnData; data: KilnData } | null = null;

/** `base` with the validation file's rows as its validation set, made once per pair. */
function withValidation(base: KilnData): KilnData {
  if (!valData) return base;
  if (joined?.base === base && joined.val === valData) return joined.data;
  joined?.data.free();
  joined = null;
  joined = { base, val: valData, data: base.withValidation(valData) };
  return joined.data;
}

async function readValidation(file: File | null): Promise<void> {
  joined?.data.free();
  joined = null;
  valData?.free();
  valData = null;
  if (!file) return post({ type: "validation_loaded", name: "", rows: 0 });
  const buffer = await readInto(await loadKiln(), file, () => {});
  try {
    valData = buffer.load(lastOptions);
  } finally {
    buffer.free();
  }
  post({ type: "validation_loaded", name: file.name, rows: valData.rows });
}

/** Read a file in chunks into wasm memory, reporting progress, then inspect it. */
async function readFile(file: File): Promise<void> {
  const kiln = await loadKiln();
  fileBuffer?.free();
  fileBuffer = null;
  lastFile = file;
  const buffer = await readInto(kiln, file, (loaded) =>
    post({ type: "file_progress", name: file.name, loaded, total: file.size }));
  fileBuffer = buffer;
  post({ type: "file_inspected", inspection: buffer.inspect() });
}

/** The file's bytes in a FileBuffer, read in chunks; `onProgress` every 4 MB and at the end. */
async function readInto(kiln: KilnModule, file: File, onProgress: (loaded: number) => void): Promise<KilnFileBuffer> {
  const buffer = new kiln.FileBuffer(file.name, file.size);
  try {
    const reader = file.stream().getReader();
    let reported = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer.push(value);
      if (buffer.received - reported >= 2 ** 22) {
        reported = buffer.received;
        onProgress(reported);
        await yieldToMessages();
      }
    }
  } catch (e) {
    buffer.free();
    throw new Error(`${file.name} could not be read: ${errorText(e)}`);
  }
  onProgress(buffer.received);
  return buffer;
}

// ---- finished runs and baselines, kept for evaluation, predictions and mistakes

const KEPT_RUNS = 6;
type Finished = KilnRun | KilnBaseline;
const runs = new Map<number, Finished>();

function keep(id: number, run: Finished): void {
  runs.get(id)?.free();
  runs.delete(id);
  runs.set(id, run);
  for (const [old, r] of runs) {
    if (runs.size <= KEPT_RUNS) break;
    r.free();
    runs.delete(old);
  }
}

function finished(id: number): Finished {
  const run = runs.get(id);
  if (!run) throw new Error(`Run ${id} is not available: it has not finished, or it is older than the last ${KEPT_RUNS} runs`);
  return run;
}

async function train(id: number, config: RunConfig, choice: BackendChoice, c: Control): Promise<void> {
  status("preparing", "status.loading");
  const decision = await choose(choice);
  const { kiln, threaded } = await buildFor(decision.backend, config);
  post({ type: "backend", backend: decision.backend, reason: withThreads(decision.reason, threaded) });
  const again = live?.id === id ? live : null; // carried on after a lost device
  live = { id, config, backend: decision.backend, saved: again?.saved ?? null, recoveries: again?.recoveries ?? 0 };
  const dataset = withValidation(await dataFor(kiln, config));
  if (c.stopped) return status("idle", "status.stoppedBefore");
  status("preparing", "status.building", { model: config.model, backend: decision.backend });
  const run: KilnRun = await kiln.Run.create(config, dataset, decision.backend);
  const saving: Saving = {
    key: `run-${Date.now()}-${id}`, name: `#${id} ${config.model} on ${config.data}`, backend: decision.backend, events: [],
  };
  await drive(id, run, config, c, saving, []);
}

/** Carry on a saved run (interrupted by a reload or a crash, or opened from a file). */
async function resumeSaved(id: number, key: string, choice: BackendChoice, c: Control): Promise<void> {
  status("preparing", "status.loading");
  const { summary, file } = await getRun(key);
  const config = summary.config;
  const decision = await choose(choice);
  const { kiln, threaded } = await buildFor(decision.backend, config);
  post({ type: "backend", backend: decision.backend, reason: withThreads(decision.reason, threaded) });
  live = {
    id, config, backend: decision.backend, saved: { key, epoch: summary.epoch, step: summary.step }, recoveries: live?.id === id ? live.recoveries : 0,
  };
  const dataset = withValidation(await dataFor(kiln, config));
  status("preparing", "status.rebuilding", { name: summary.name, backend: decision.backend });
  const run: KilnRun = await kiln.Run.resume(file, dataset, decision.backend);
  const saving: Saving = { key, name: summary.name, backend: decision.backend, events: [...summary.events] };
  await drive(id, run, config, c, saving, summary.events);
}

/** The run in progress: what a fault needs to carry it on (its last save, the recoveries so far). */
interface Live {
  id: number;
  config: RunConfig;
  backend: string;
  saved: { key: string; epoch: number; step: number } | null;
  recoveries: number;
}
let live: Live | null = null;
/** Why a run's WebGPU device failed, when its `lost` promise has not said (yet). */
let gpuLost: string | null = null;

/** Runs `task` (a run's training); a fault becomes a clear message, a recovery, or a request to restart the worker. */
function guarded(task: () => Promise<void>, c: Control): Promise<void> {
  return task().catch((e: unknown) => onRunFault(e, c));
}

async function onRunFault(e: unknown, c: Control): Promise<void> {
  const message = errorText(e);
  const fault = classifyFault(message, e instanceof Error ? e.name : "") ?? (lastPanic ? classifyFault(lastPanic) : null);
  const run = live;
  if (fault?.kind === "oom" && run) return fail(new Error(oomMessage(fault, run.config, lastPanic || message)));
  const lost = run?.backend === "webgpu" && ((await gpuWatch.wasLost(500)) || fault?.kind === "device_lost");
  if (lost && run && !c.stopped && run.recoveries < 2) {
    // Carry on on the CPU from the last autosave (or from the start if there is none yet).
    run.recoveries += 1;
    const reason = gpuWatch.lost ?? "a read from the GPU failed";
    gpuLost = reason;
    const from = run.saved;
    const text: Text = from
      ? { key: "notice.deviceLost", params: { reason, epoch: String(from.epoch), step: String(from.step) } }
      : { key: "notice.deviceLostRestart", params: { reason } };
    post({ type: "recovering", text });
    const id = run.id;
    return guarded(() => (from ? resumeSaved(id, from.key, "webgpu", c) : train(id, run.config, "webgpu", c)), c);
  }
  if (fault?.kind === "crash") return post({ type: "crashed", message: lastPanic || message });
  fail(e);
}

/** Where a run autosaves, and the events its curves are redrawn from. */
interface Saving {
  key: string;
  name: string;
  backend: string;
  events: RunEvent[];
}

/** Save the run in IndexedDB; a failure (a full quota) is said, and training goes on. */
async function autosave(run: KilnRun, config: RunConfig, saving: Saving, at: { epoch: number; step: number; finished: boolean; history: History }): Promise<void> {
  try {
    const file = await run.save();
    await putRun({ ...at, key: saving.key, name: saving.name, config, backend: saving.backend, events: saving.events, savedAt: Date.now(), bytes: file.length }, file);
    post({ type: "saved", key: saving.key, epoch: at.epoch, step: at.step, finished: at.finished });
    if (live) live.saved = { key: saving.key, epoch: at.epoch, step: at.step };
  } catch (e) {
    post({ type: "save_error", message: storageError(e) });
  }
}

/** The training loop of a new or resumed run: events to the page, autosave at epoch ends, on pause and when done. */
async function drive(id: number, run: KilnRun, config: RunConfig, c: Control, saving: Saving, replay: RunEvent[]): Promise<void> {
  const training = (): void => status("training", config.epochs === 1 ? "status.trainingOne" : "status.training", {
    model: config.model, data: config.data, epochs: String(config.epochs), batch_size: String(config.batch_size),
  });
  let lastEvent: RunEvent["type"] | null = null;
  let kept = false;
  let done: { event: RunEvent; ms: number } | null = null;
  let diverged = false;
  const history: History = { loss: [], accuracy: [], val_loss: [], val_accuracy: [] };
  let at = { epoch: 1, step: 0 };
  const track = (event: RunEvent): void => {
    if (event.type === "step") {
      at = { epoch: event.epoch, step: event.step };
      saving.events.push(event);
    } else if (event.type === "epoch") {
      at = { epoch: event.epoch + 1, step: 0 };
      history.loss.push(event.loss);
      history.accuracy.push(event.accuracy);
      history.val_loss.push(event.val_loss);
      history.val_accuracy.push(event.val_accuracy);
      saving.events.push(event);
    }
  };
  const save = (finished: boolean): Promise<void> => autosave(run, config, saving, { ...at, finished, history });
  try {
    while (!c.stopped) {
      if (c.paused) {
        status("paused", "status.paused");
        if (lastEvent === "step") await save(false);
        await waitWhilePaused(c);
        if (c.stopped) break;
        training();
      }
      const d0 = dispatchCount();
      const t0 = performance.now();
      let event: RunEvent;
      try {
        event = await run.next();
      } catch (e) {
        // NaN/Inf loss: finish() evaluates the last finite epoch's weights (or the step before's).
        if (classifyFault(errorText(e))?.kind !== "diverged") throw e;
        post({ type: "diverged", message: errorText(e) });
        diverged = true;
        break;
      }
      if (PROBE) probeLine(event.type, performance.now() - t0, dispatchCount() - d0);
      if (event.type !== "prepared") track(event);
      lastEvent = event.type;
      if (event.type === "done") {
        done = { event, ms: performance.now() - t0 };
        break;
      }
      const ms = performance.now() - t0;
      // An epoch is saved before the page draws it: a reload then resumes from the last epoch shown.
      if (event.type === "epoch") await save(false);
      post({ type: "event", event, ms });
      if (event.type === "prepared") {
        // The curves so far, as they were drawn before the reload.
        for (const old of replay) {
          post({ type: "event", event: old, ms: 0 });
          track(old);
        }
        saving.events.length = 0;
        saving.events.push(...replay.filter((e) => e.type === "step" || e.type === "epoch"));
        training();
      }
      await yieldToMessages();
    }
    if (lastEvent === null) return status("idle", "status.stoppedBefore");
    if (done === null) {
      status("preparing", diverged ? "status.evaluatingDiverged" : "status.evaluatingStopped");
      const t0 = performance.now();
      done = { event: await run.finish(), ms: performance.now() - t0 };
    }
    // Saved and kept before the page hears "done", so its evaluation calls find the run.
    await save(true);
    keep(id, run);
    kept = true;
    post({ type: "event", event: done.event, ms: done.ms });
    const restored = done.event.type === "done" ? done.event.restored_epoch : undefined;
    if (diverged && restored !== undefined) status("done", "status.divergedRestored", { epoch: String(restored) });
    else if (diverged) status("done", "status.divergedKept", { epoch: String(at.epoch), step: String(at.step) });
    else status("done", c.stopped ? "status.stoppedEarly" : "status.trained");
  } finally {
    if (!kept) run.free();
  }
}

/** A run file picked by the user: checked, then listed among the saved runs. */
/** Elements of the `model/…` arrays in a safetensors file (readSavedRun has read its header already). */
function storedParams(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, { shape?: number[] }>;
  let n = 0;
  for (const [name, t] of Object.entries(header)) {
    if (name.startsWith("model/") && Array.isArray(t.shape)) n += t.shape.reduce((a, b) => a * b, 1);
  }
  return n;
}

async function importRun(file: File): Promise<void> {
  const kiln = await loadKiln();
  const bytes = new Uint8Array(await file.arrayBuffer());
  const info = kiln.readSavedRun(bytes);
  // A run whose weights do not fit its own settings (made for another model, or edited) is refused
  // here, not when it is opened: the file's model/* arrays against the settings' parameter count.
  const stored = storedParams(bytes);
  const wanted = (await kiln.summarize(info.config)).total_params;
  if (stored !== wanted) {
    throw new Error(
      `this run file's weights (${stored.toLocaleString("en-US")} parameters) do not fit the model in its settings ` +
        `(${info.config.model}, ${wanted.toLocaleString("en-US")} parameters): it was saved from another model or edited. ` +
        "Open the file the run was downloaded as, unchanged",
    );
  }
  const name = file.name.replace(/\.kiln$/, "");
  const key = `run-${Date.now()}-import`;
  try {
    await putRun({
      key, name, config: info.config, backend: "cpu", epoch: info.epoch, step: info.step, finished: info.finished,
      history: info.history, events: eventsFromHistory(info.history), savedAt: Date.now(), bytes: bytes.length,
    }, bytes);
  } catch (e) {
    throw new Error(storageError(e));
  }
  post({ type: "saved", key, epoch: info.epoch, step: info.step, finished: info.finished, imported: true });
}

/** A finished run's export as bytes; a baseline is not a network and has none. */
async function exportRun(run: Finished, format: ExportFormat): Promise<Uint8Array> {
  if (!("exportKeras" in run)) throw new Error("A TF-IDF baseline is not a Keras model: export a trained network");
  switch (format) {
    case "keras":
      return run.exportKeras();
    case "tfjs":
      return run.exportTfjs();
    case "tokenizer":
      return new TextEncoder().encode(await run.tokenizerJson());
  }
}

/** One wasm call for the page (summary, Keras code); errors come back as text. */
async function answer(call: Call): Promise<Reply> {
  try {
    const kiln = await loadKiln();
    switch (call.fn) {
      case "summarize":
        return { ok: true, fn: call.fn, value: await kiln.summarize(call.config) };
      case "check":
        kiln.checkConfig(call.config);
        return { ok: true, fn: call.fn, value: null };
      case "memory":
        return { ok: true, fn: call.fn, value: memoryUse(kiln) };
      case "parseKeras":
        return { ok: true, fn: call.fn, value: kiln.parseKeras(call.text, call.base) };
      case "toKeras":
        return { ok: true, fn: call.fn, value: kiln.toKeras(call.config) };
      case "loadFile": {
        if (!fileBuffer) throw new Error("No file has been read yet");
        const data = fileBuffer.load(call.options);
        lastOptions = call.options;
        fileData?.free();
        fileData = data;
        fileSource = lastFile ? { file: lastFile, options: call.options } : null;
        return { ok: true, fn: call.fn, value: data.view(call.config) };
      }
      case "dataView":
        // not through status(): that is the run's state, and no run is preparing
        return { ok: true, fn: call.fn, value: (await dataFor(kiln, call.config, () => {})).view(call.config) };
      case "evaluate":
        return { ok: true, fn: call.fn, value: finished(call.run).evaluation(call.threshold) };
      case "predict":
        return { ok: true, fn: call.fn, value: await finished(call.run).predict(call.text) };
      case "misclassified":
        return { ok: true, fn: call.fn, value: finished(call.run).misclassified(call.threshold, call.limit) };
      case "restoreCheckpoint": {
        const run = finished(call.run);
        if (!("restoreCheckpoint" in run)) throw new Error("A baseline has no checkpoint to restore");
        runVectors.forget(call.run);
        const event = await run.restoreCheckpoint();
        if (event.type !== "done") throw new Error("restoring the checkpoint did not finish the run");
        return { ok: true, fn: call.fn, value: event };
      }
      case "baseline": {
        if (control || word2vec) throw new Error("Training is in progress: baselines are fitted when it has finished");
        const data = withValidation(await dataFor(kiln, call.config, () => {}));
        const baseline = kiln.Baseline.fit(call.baseline, call.config, data);
        keep(call.run, baseline);
        return { ok: true, fn: call.fn, value: baseline.report };
      }
      case "similar":
        return { ok: true, fn: call.fn, value: kiln.similarWords(call.word, call.topn) };
      case "analogy":
        return { ok: true, fn: call.fn, value: kiln.analogy(call.positive, call.negative, call.topn) };
      case "wordMap":
        return { ok: true, fn: call.fn, value: kiln.wordMap(call.top) };
      case "word2vecText":
        return { ok: true, fn: call.fn, value: kiln.word2vecText() };
      case "exportRun":
        return { ok: true, fn: call.fn, value: await exportRun(finished(call.run), call.format) };
      case "loadVectors":
        return { ok: true, fn: call.fn, value: await loadVectors(kiln, call.file) };
      case "runVectors":
        return { ok: true, fn: call.fn, value: (await runVectors.get(call.run, finished(call.run))).info };
      case "runSimilar":
        return { ok: true, fn: call.fn, value: (await runVectors.get(call.run, finished(call.run))).similar(call.word, call.topn) };
      case "runWordMap":
        return { ok: true, fn: call.fn, value: (await runVectors.get(call.run, finished(call.run))).map(call.top) };
      case "runWord2vecText":
        return { ok: true, fn: call.fn, value: (await runVectors.get(call.run, finished(call.run))).text() };
      case "runProjector":
        return { ok: true, fn: call.fn, value: (await runVectors.get(call.run, finished(call.run))).projector() };
    }
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

function memoryUse(kiln: KilnModule): MemoryUse {
  return { wasm_bytes: kiln.wasmMemoryBytes(), kept_runs: runs.size };
}

/** Finished runs' Embeddings as word vectors. */
const runVectors = new RunVectors();

/** A word2vec or GloVe text file, read in chunks, becomes the page's vectors. */
async function loadVectors(kiln: KilnModule, file: File): Promise<VectorsInfo> {
  if (word2vec) throw new Error("Word2vec is training: load vectors when it has finished or is stopped");
  const buffer = await readInto(kiln, file, () => {});
  try {
    return kiln.loadVectors(buffer);
  } finally {
    buffer.free();
  }
}

/** Train word2vec chunk by chunk, posting each event; stop keeps what is trained so far. */
async function trainWord2Vec(config: Word2VecConfig, run: RunConfig, choice: BackendChoice, c: Control): Promise<void> {
  const kiln = await loadKiln();
  const decision = await choose(choice);
  const data = withValidation(await dataFor(kiln, run, () => {}));
  const w2v = await kiln.Word2Vec.create(config, run, data, decision.backend);
  const send = async (call: () => Promise<Word2VecEvent>): Promise<Word2VecEvent> => {
    const t0 = performance.now();
    const event = await call();
    post({ type: "word2vec_event", event, ms: performance.now() - t0 });
    return event;
  };
  try {
    for (;;) {
      const event = await send(() => (c.stopped ? w2v.finish() : w2v.next()));
      if (event.type === "done") return;
      await yieldToMessages();
    }
  } finally {
    w2v.free();
  }
}

function onMessage(msg: ToWorker): void {
  switch (msg.type) {
    case "call":
      void answer(msg.call).then((reply) => post({ type: "reply", id: msg.id, reply }));
      return;
    case "start": {
      if (control) return fail(new Error("A run is already in progress: stop it first"));
      if (word2vec) return fail(new Error("Word2vec is training: wait for it or stop it first"));
      const c: Control = { paused: false, stopped: false, wake: null };
      control = c;
      live = null;
      guarded(() => train(msg.run, msg.config, msg.backend, c), c)
        .catch(fail)
        .finally(() => {
          if (control === c) control = null;
        });
      return;
    }
    case "resume_saved": {
      if (control) return fail(new Error("A run is already in progress: stop it first"));
      if (word2vec) return fail(new Error("Word2vec is training: wait for it or stop it first"));
      const c: Control = { paused: false, stopped: false, wake: null };
      control = c;
      live = null;
      guarded(() => resumeSaved(msg.run, msg.key, msg.backend, c), c)
        .catch(fail)
        .finally(() => {
          if (control === c) control = null;
        });
      return;
    }
    case "import_run":
      importRun(msg.file).catch((e: unknown) => post({ type: "save_error", message: `${msg.file.name}: ${errorText(e)}` }));
      return;
    case "word2vec": {
      const refuse = (message: string): void => post({ type: "word2vec_error", message });
      if (word2vec) return refuse("Word2vec is already training");
      if (control) return refuse("A run is in progress: word2vec trains when it has finished");
      const c: Control = { paused: false, stopped: false, wake: null };
      word2vec = c;
      trainWord2Vec(msg.word2vec, msg.config, msg.backend, c)
        .catch((e: unknown) => refuse(errorText(e)))
        .finally(() => {
          if (word2vec === c) word2vec = null;
        });
      return;
    }
    case "word2vec_stop":
      if (word2vec) word2vec.stopped = true;
      return;
    case "file":
      readFile(msg.file).catch((e: unknown) => post({ type: "file_error", message: errorText(e) }));
      return;
    case "validation_file":
      readValidation(msg.file).catch((e: unknown) => post({ type: "validation_error", message: errorText(e) }));
      return;
    case "pause":
      if (control) control.paused = true;
      return;
    case "resume":
      if (control) {
        control.paused = false;
        wake(control);
      }
      return;
    case "stop":
      if (control) {
        control.stopped = true;
        wake(control);
      }
      return;
  }
}

scope.addEventListener("message", (e) => {
  try {
    onMessage(e.data);
  } catch (err) {
    fail(err);
  }
});
/** A trapped wasm module (a panic) cannot be trusted again: the page restarts the worker. */
function uncaught(e: unknown): void {
  const fault = classifyFault(errorText(e), e instanceof Error ? e.name : "");
  if (fault?.kind === "crash") post({ type: "crashed", message: lastPanic || errorText(e) });
  else fail(e);
}
scope.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  uncaught(e.reason);
});
scope.addEventListener("error", (e) => {
  e.preventDefault();
  uncaught(e.error ?? e.message);
});

/** Held until the worker ends, however it ends: the page queues for it to learn that (worker_host.ts). */
function holdLifeLock(): Promise<void> {
  const { locks } = navigator as Navigator;
  const name = (self as unknown as { name?: string }).name;
  if (!locks || !name) return Promise.resolve();
  return new Promise((held) => {
    locks
      .request(name, () => {
        held();
        return new Promise<never>(() => {});
      })
      .catch(() => held()); // no locks here (a cross-origin iframe's storage is denied): errors and traps are still seen
  });
}

/** `kernels=rolled` in the page's address (passed on to the worker's): the GPU kernels' GPU forms
 *  on a software adapter too, to measure them against the software forms (./build.sh bench). */
const ROLLED = new URLSearchParams(location.search).get("kernels") === "rolled";

// Load the module at once so the page gets the presets.
Promise.all([loadKiln(), holdLifeLock()])
  .then(([kiln]) => {
    if (ROLLED) {
      kiln.useRolledKernels(true);
      console.log("[kiln] kernels=rolled: the GPU kernels keep their GPU forms on a software adapter");
    }
    post({ type: "ready", presets: kiln.presets() });
  })
  .catch(fail);
