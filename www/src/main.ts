// Wiring only: the worker's messages go to the session (state) and the ui
// modules (DOM); the buttons and the form post messages to the worker.

import { baselineTitle } from "./baselines.js";
import { WasmCalls } from "./calls.js";
import { t, tt, type MessageKey, type Params, type Text } from "./i18n.js";
import type { BackendChoice, BaselineReport, FromWorker, History, KilnState, Preset, RunConfig, RunEvent, ToWorker } from "./protocol.js";
import { Session, withDone, type BaselineResult, type NetworkResult } from "./session.js";
import { BaselinesForm, ngramLists } from "./ui/baselines.js";
import { Charts } from "./ui/charts.js";
import { ComparisonView } from "./ui/comparison_view.js";
import { Controls } from "./ui/controls.js";
import { DataPanel } from "./ui/data_panel.js";
import { byId } from "./ui/dom.js";
import { EvaluationPanel, type Done } from "./ui/evaluation_panel.js";
import { Embed } from "./embed.js";
import { settingsQuery } from "./embed_protocol.js";
import { initLanguage } from "./ui/lang_switch.js";
import { ModelPanel } from "./ui/model_panel.js";
import { SavedRunsPanel } from "./ui/saved_runs_panel.js";
import type { SavedSummary } from "./saved_runs.js";
import { clearResults, renderResults } from "./ui/results.js";
import { ExportButtons } from "./ui/export_buttons.js";
import { fitNote } from "./ui/summary.js";
import { Word2VecPanel } from "./ui/word2vec_panel.js";
import { DownloadsRow } from "./ui/downloads.js";
import { RunEmbeddings } from "./ui/run_embeddings.js";
import { parseSettings } from "./url_state.js";
import { WorkerHost } from "./worker_host.js";

/** `window.kiln`, for tests and embedding pages; refreshed after every message. */
export interface KilnWindow {
  state: KilnState;
  history: History;
  events: number;
  config: RunConfig | null;
  result: NetworkResult | null;
}
declare global {
  interface Window {
    kiln: KilnWindow;
  }
}

const session = new Session();
const controls = new Controls();
const charts = new Charts(byId("charts"));
const fitBox = byId("fit-note");
const resultsBox = byId("results");
const logBox = byId("log");
// `probe=1` (./build.sh bench): the worker counts GPU dispatches and logs them (probe.ts).
// `threads=1`: CPU runs stay on the single-threaded build (threads.ts), to compare the two.
const workerUrl = new URL("./worker.js", import.meta.url);
for (const key of ["probe", "threads"]) {
  if (new URLSearchParams(location.search).get(key) === "1") workerUrl.searchParams.set(key, "1");
}
// `kernels=rolled`: the GPU kernels' GPU forms on a software adapter too (worker.ts).
if (new URLSearchParams(location.search).get("kernels") === "rolled") workerUrl.searchParams.set("kernels", "rolled");
const worker = new WorkerHost(workerUrl, {
  message: (msg) => onMessage(msg),
  loadError: (reason) => {
    fail(t("error.workerLoad", { reason: reason || t("error.seeConsole") }));
    render();
  },
  crashed: (reason) => onCrashed(reason),
});
const send = (msg: ToWorker): void => worker.send(msg);
const calls = new WasmCalls(send);
const downloads = new DownloadsRow(byId("downloads"), charts, () => session.history);
const embeddings = new RunEmbeddings(byId("embeddings"), calls);
/** The error box holds a data error (cleared when the file loads), not a run's. */
let dataError = false;
const data = new DataPanel({
  calls,
  send,
  setSetting: (key, value) => model.set(key, value),
  useMultiClass: (m) => model.useMultiClass(m),
  showError: (title, lines) => {
    controls.showErrors(title, lines);
    dataError = true;
  },
  clearError: () => {
    if (dataError) controls.clearErrors();
    dataError = false;
  },
});
const model = new ModelPanel(calls, (config) => data.onConfig(config));
const word2vec = new Word2VecPanel(byId("word2vec"), {
  calls,
  send,
  read: () => {
    const r = model.read();
    return r.ok ? { ok: true, config: r.config, backend: r.settings.backend } : r;
  },
  backend: () => {
    const select = byId<HTMLFormElement>("config").elements.namedItem("backend");
    return select instanceof HTMLSelectElement ? (select.value as BackendChoice) : "auto";
  },
  layers: () => model.layers(),
  setLayers: (layers, loss) => model.setLayers(layers, loss),
  changed: () => render(),
});
/** Finished runs and fitted baselines of this page session, by run id; the worker keeps the last KEPT_RUNS. */
type Kept = { result: NetworkResult; done: Done } | { result: BaselineResult; report: BaselineReport };
const finished = new Map<number, Kept>();
const KEPT_RUNS = 6;
const evaluation = new EvaluationPanel(byId("evaluation"), calls, onRestored);
const exporter = new ExportButtons(byId("export"), calls);
const saved = new SavedRunsPanel(byId("saved-runs"), {
  resume: resumeSaved,
  upload: (file) => send({ type: "import_run", file }),
  busy: () => ["preparing", "training", "paused"].includes(session.state.status),
});
const comparison = new ComparisonView(byId("comparison"), showRun, (run) => [...finished.keys()].slice(-KEPT_RUNS).includes(run));

let presets: readonly Preset[] = [];
/** The latest page run id, for calls about the run once it is done; network runs and baselines share the count. */
let runId = 0;
const nextRunId = (): number => (runId += 1);
const baselines = new BaselinesForm(byId("baselines"), {
  calls,
  read: () => model.read(),
  nextRun: nextRunId,
  onFitted: (r, report) => {
    finished.set(r.run, { result: r, report });
    comparison.upsert(r);
    showRun(r.run);
  },
  onBusy: () => render(),
});
let backendReason = "";
/** The status line by i18n key, re-translated on every render (null: an error's own text). */
let statusText: Text | null = null;
/** The run's "prepared" event, for the fit note after a language switch. */
let prepared: Extract<RunEvent, { type: "prepared" }> | null = null;
/** The evaluation panel's placeholder while it shows no run (null: it shows one). */
let evalEmpty: Text | null = { key: "evaluation.empty" };
let stoppedEarly = false;
/** A fault the page recovered from, shown under the status line until the next run. */
let notice: Text | null = null;
/** The run's last autosave, and how it was started: what a restarted worker resumes. */
let lastSave: { key: string; epoch: number; step: number } | null = null;
let lastChoice: BackendChoice = "auto";
/** Worker crashes during this run; the run is resumed twice at most. */
let crashes = 0;
/** Set between a worker crash and the new worker's "ready": the run to carry on, if one was running. */
let restarting: { reason: string; config: RunConfig | null } | null = null;
let result: NetworkResult | null = null;
const log: string[] = [];
window.kiln = { state: session.state, history: session.history, events: 0, config: null, result: null };
/** In an iframe (or with embed=1): hidden panels, and messages to and from the host page (embed.ts). */
const embed = new Embed({
  train: () => controls.train.click(),
  stop: () => controls.stop.click(),
  set: (query) => {
    const { settings, errors } = parseSettings(query, presets);
    if (errors.length === 0) model.ready(presets, settings);
    return errors;
  },
  busy: () => ["preparing", "training", "paused"].includes(session.state.status),
  run: () => session.run,
  stopped: () => stoppedEarly,
});

/** Set the status line by i18n key. */
function say(key: MessageKey, params?: Params): void {
  statusText = params ? { key, params } : { key };
  session.state.message = tt(statusText);
}

function render(): void {
  if (statusText) session.state.message = tt(statusText);
  window.kiln = {
    state: session.state,
    history: session.history,
    events: session.events,
    config: session.config,
    result,
  };
  controls.render(session.state, presets.length > 0 && !baselines.fitting && !word2vec.training, backendReason);
  controls.setNotice(notice ? tt(notice) : null);
  const running = ["preparing", "training", "paused"].includes(session.state.status);
  const editable = presets.length > 0 && !running;
  model.setEnabled(editable);
  data.setEnabled(editable);
  baselines.setEnabled(editable && !word2vec.training);
  word2vec.setPage(presets.length > 0, running || baselines.fitting);
  downloads.render();
}

/** Rust's message for a NaN or infinite loss starts with this. */
const DIVERGED = "training diverged";

/** The page's state becomes `error` with `message` (render() shows it as the status). */
function enterError(message: string): void {
  session.state.status = "error";
  statusText = null; // or render() puts "Choose the settings…" back
  session.state.message = message;
  console.error(`[kiln] ERROR ${message}`);
}

/** A run or a call failed: state `error`, the message in the error box and to an embedding page. */
function fail(message: string): void {
  enterError(message);
  if (message.startsWith(DIVERGED)) controls.showDiverged(message);
  else controls.showErrors(t("error.title"), [message]);
  embed.error(message);
}

/** A Train press being checked by the worker (a second press meanwhile is ignored). */
let starting = false;

/**
 * Start a run from the form. Settings the run would refuse (ranges, shapes) are refused here,
 * before `begin` clears the last run: its results, evaluation and `window.kiln.result` stay.
 */
async function start(): Promise<void> {
  const read = model.read();
  if (!read.ok) {
    controls.showErrors(t("error.settings"), read.errors);
    embed.error(`These settings are not valid: ${read.errors.join("; ")}`);
    return;
  }
  if (starting) return;
  starting = true;
  // Busy while the worker checks (the form locks, a last error gives way); the results stay.
  session.state.status = "preparing";
  say("status.loading");
  render();
  try {
    await calls.call({ fn: "check", config: read.config });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
    render();
    return;
  } finally {
    starting = false;
  }
  begin(read.config);
  crashes = 0;
  lastChoice = read.settings.backend;
  send({ type: "start", run: session.run, config: read.config, backend: read.settings.backend });
  render();
}

/** Carry on a saved run: its curves so far come back first, then training goes on. */
function resumeSaved(summary: SavedSummary): void {
  begin(summary.config);
  crashes = 0;
  lastChoice = summary.backend === "webgpu" ? "webgpu" : "cpu";
  lastSave = { key: summary.key, epoch: summary.epoch, step: summary.step };
  saved.setLive(summary.key);
  send({ type: "resume_saved", run: session.run, key: summary.key, backend: summary.backend === "webgpu" ? "webgpu" : "cpu" });
  render();
}

/** Clear the previous run's output and start the session's next run (`run`: the same one, redrawn after a fault). */
function begin(config: RunConfig, run = nextRunId()): void {
  saved.setLive(null);
  notice = null;
  lastSave = null;
  controls.clearErrors();
  dataError = false;
  backendReason = "";
  stoppedEarly = false;
  result = null;
  prepared = null;
  log.length = 0;
  logBox.textContent = "";
  controls.setProgress("");
  charts.reset();
  fitBox.textContent = "";
  clearResults(resultsBox);
  exporter.clear();
  embeddings.clear();
  session.start(config, run);
  evalEmpty = { key: "evaluation.pending", params: { run: String(session.run) } };
  evaluation.clear(tt(evalEmpty));
  comparison.render();
  byId("run-title").scrollIntoView({ block: "start", behavior: "smooth" });
}

function onEvent(event: RunEvent, ms: number): void {
  switch (event.type) {
    case "prepared":
      session.onPrepared(event);
      prepared = event;
      fitBox.textContent = fitNote(event);
      log.push(...(event.notes ?? []));
      logBox.textContent = log.join("\n");
      return;
    case "step": {
      const p = session.onStep(event, ms);
      controls.setProgress(p.line);
      charts.step(p);
      return;
    }
    case "epoch": {
      const p = session.onEpoch(event, ms);
      log.push(p.header, p.line, ...p.notes);
      logBox.textContent = log.join("\n");
      controls.setProgress(`${p.header}  ${p.line}`);
      charts.epoch(p, event);
      console.log(`[kiln] ${p.header}`);
      console.log(`[kiln] ${p.line}`);
      return;
    }
    case "done": {
      result = session.onDone(event);
      finished.set(result.run, { result, done: event });
      comparison.upsert(result);
      showRun(result.run);
      renderResults(resultsBox, result, event, stoppedEarly);
      exporter.show(result.run, result.model);
      model.recordResult(result.model, result.test_accuracy);
      console.log(`[kiln] test_loss: ${event.test_loss.toFixed(4)} - test_accuracy: ${event.test_accuracy.toFixed(4)}`);
      console.log("[kiln] RESULT " + JSON.stringify(result));
      return;
    }
  }
}

/** Show a finished run's or baseline's evaluation (the latest, or one picked in the comparison table). */
function showRun(run: number): void {
  const f = finished.get(run);
  if (!f) return;
  evalEmpty = null;
  if ("report" in f) {
    const { result: r, report } = f;
    return evaluation.show(run, { evaluation: report.evaluation }, () => baselineTitle(r, report), () => ngramLists(report));
  }
  const r = f.result;
  const title = (): string => t("evaluation.title", {
    run: String(run), model: r.model, data: r.data, epochs: r.history.loss.length, samples: f.done.evaluation.samples,
  });
  evaluation.show(run, f.done, title);
}

/** ModelCheckpoint's weights are back: the run's test figures change. */
function onRestored(run: number, done: Done): void {
  const f = finished.get(run);
  if (!f || "report" in f) return;
  f.result = withDone(f.result, done);
  f.done = done;
  comparison.upsert(f.result);
  if (run === session.run && result?.run === run) {
    result = f.result;
    session.state.test = { loss: done.test_loss, accuracy: done.test_accuracy };
    renderResults(resultsBox, result, done, stoppedEarly);
    void embeddings.show(run);
  }
  console.log(`[kiln] restored checkpoint of run #${run}: test_accuracy ${done.test_accuracy.toFixed(4)}`);
  render();
}

function onMessage(msg: FromWorker): void {
  if (data.onWorker(msg) || word2vec.onWorker(msg)) return render();
  switch (msg.type) {
    case "reply":
      calls.onMessage(msg);
      return;
    case "ready": {
      if (restarting) {
        afterRestart(restarting);
        break;
      }
      presets = msg.presets;
      const parsed = parseSettings(settingsQuery(location.search), presets);
      const { settings } = parsed;
      const errors = [...parsed.errors, ...embed.errors];
      model.ready(presets, settings);
      say("status.choose");
      if (errors.length > 0) {
        controls.showErrors(t("error.url"), errors);
        // an asked-for start that cannot happen is an error, not an idle page: a headless
        // driver (tools/train.mjs, an embedding page) would otherwise wait forever
        // (the box above shows the errors; embed.ready below reports them)
        if (settings.autostart) enterError(`${t("error.url")} ${errors.join("; ")}`);
      } else if (settings.autostart) queueMicrotask(() => void start());
      embed.ready(presets.map((p) => p.name), settings.autostart && errors.length === 0, errors);
      break;
    }
    case "status":
      session.state.status = msg.status;
      statusText = msg.text ?? null;
      session.state.message = msg.text ? tt(msg.text) : msg.message;
      // the worker keeps a run for later calls just before it says "done"
      if (msg.status === "done" && result) void embeddings.show(result.run);
      break;
    case "backend":
      session.state.backend = msg.backend;
      backendReason = msg.reason;
      console.log(`[kiln] backend ${msg.backend}: ${msg.reason}`);
      break;
    case "event":
      onEvent(msg.event, msg.ms);
      break;
    case "saved":
      if (!msg.imported) saved.setLive(msg.finished ? null : msg.key);
      if (!msg.imported) lastSave = { key: msg.key, epoch: msg.epoch, step: msg.step };
      if (msg.imported) saved.sayKey("saved.imported", { key: msg.key });
      void saved.refresh();
      break;
    case "save_error":
      saved.say(msg.message);
      break;
    case "diverged":
      controls.showDiverged(msg.message, true);
      console.error(`[kiln] ERROR ${msg.message}`);
      break;
    case "recovering":
      // The worker carries on on the CPU and replays the curves so far: redraw from them.
      if (session.config) {
        const from = lastSave;
        begin(session.config, session.run);
        lastSave = from; // a worker crash after this still resumes from it
      }
      notice = msg.text;
      console.warn(`[kiln] ${tt(msg.text)}`);
      break;
    case "error":
      fail(msg.message);
      break;
  }
  render();
  if (msg.type === "event") embed.onEvent(msg.event, window.kiln);
}

/** The worker died (WorkerHost has started a new one): remember the run to carry on once it is ready. */
function onCrashed(reason: string): void {
  console.warn(`[kiln] the training worker crashed (${reason}); restarting it`);
  calls.failAll(`the training worker was restarted (${reason})`);
  const dataSelect = byId<HTMLFormElement>("config").elements.namedItem("data");
  if (dataSelect instanceof HTMLSelectElement && dataSelect.value === "file") {
    data.onWorker({ type: "file_error", message: `the training worker was restarted (${reason}): choose the file again` });
  }
  if (word2vec.training) word2vec.onWorker({ type: "word2vec_error", message: `the training worker was restarted (${reason})` });
  const running = ["preparing", "training", "paused"].includes(session.state.status);
  restarting = { reason, config: running ? session.config : null };
  say("status.loading");
  render();
}

/** The new worker is ready: resume the interrupted run from its last autosave (or start it again). */
function afterRestart(r: { reason: string; config: RunConfig | null }): void {
  restarting = null;
  if (!r.config) {
    notice = { key: "notice.workerRestarted", params: { reason: r.reason } };
    say("status.choose");
    return;
  }
  crashes += 1;
  if (crashes > 2) {
    fail(t("error.crashedAgain", { reason: r.reason }));
    return;
  }
  const from = lastSave;
  begin(r.config, session.run);
  if (from) {
    notice = { key: "notice.workerCrashed", params: { reason: r.reason, epoch: String(from.epoch), step: String(from.step) } };
    lastSave = from;
    saved.setLive(from.key);
    send({ type: "resume_saved", run: session.run, key: from.key, backend: lastChoice });
  } else {
    notice = { key: "notice.workerCrashedRestart", params: { reason: r.reason } };
    send({ type: "start", run: session.run, config: r.config, backend: lastChoice });
  }
  console.warn(`[kiln] ${tt(notice)}`);
}
controls.train.addEventListener("click", () => void start());
controls.pause.addEventListener("click", () => {
  const paused = session.state.status === "paused";
  send({ type: paused ? "resume" : "pause" });
  say(paused ? "status.resuming" : "status.pausing");
  render();
});
controls.stop.addEventListener("click", () => {
  stoppedEarly = true;
  send({ type: "stop" });
  say("status.stopping");
  render();
});

/**
 * After a language switch: the text main.ts wrote, and the panels that draw text
 * from data (tables, charts, canvases); the text marked data-i18n is done by lang_switch.
 */
function onLanguage(): void {
  data.relabel();
  evaluation.relabel();
  baselines.relabel();
  comparison.render();
  saved.relabel();
  if (prepared) fitBox.textContent = fitNote(prepared);
  const f = result ? finished.get(result.run) : undefined;
  if (result && f && "done" in f) renderResults(resultsBox, result, f.done, stoppedEarly);
  else if (!result) clearResults(resultsBox);
  if (evalEmpty) evaluation.clear(tt(evalEmpty));
  render();
}

initLanguage(onLanguage);
if (evalEmpty) evaluation.clear(tt(evalEmpty));
say("status.loading");
void saved.refresh();
clearResults(resultsBox);
render();
