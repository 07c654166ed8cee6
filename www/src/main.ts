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
const workerUrl = new URL("./worker.js", import.meta.url);
if (new URLSearchParams(location.search).get("probe") === "1") workerUrl.searchParams.set("probe", "1");
const worker = new Worker(workerUrl, { type: "module" });
const send = (msg: ToWorker): void => worker.postMessage(msg);
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

function fail(message: string): void {
  session.state.status = "error";
  statusText = null;
  session.state.message = message;
  if (message.startsWith(DIVERGED)) controls.showDiverged(message);
  else controls.showErrors(t("error.title"), [message]);
  embed.error(message);
  console.error(`[kiln] ERROR ${message}`);
}

function start(): void {
  const read = model.read();
  if (!read.ok) {
    controls.showErrors(t("error.settings"), read.errors);
    embed.error(`These settings are not valid: ${read.errors.join("; ")}`);
    return;
  }
  begin(read.config);
  send({ type: "start", run: session.run, config: read.config, backend: read.settings.backend });
}

/** Carry on a saved run: its curves so far come back first, then training goes on. */
function resumeSaved(summary: SavedSummary): void {
  begin(summary.config);
  saved.setLive(summary.key);
  send({ type: "resume_saved", run: session.run, key: summary.key, backend: summary.backend === "webgpu" ? "webgpu" : "cpu" });
  render();
}

/** Clear the previous run's output and start the session's next run. */
function begin(config: RunConfig): void {
  saved.setLive(null);
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
  session.start(config, nextRunId());
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
  if ("report" in f) return evaluation.show(run, { evaluation: f.report.evaluation }, baselineTitle(f.result, f.report), ngramLists(f.report));
  const r = f.result;
  const title = t("evaluation.title", {
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
      presets = msg.presets;
      const parsed = parseSettings(settingsQuery(location.search), presets);
      const { settings } = parsed;
      const errors = [...parsed.errors, ...embed.errors];
      model.ready(presets, settings);
      say("status.choose");
      if (errors.length > 0) controls.showErrors(t("error.url"), errors);
      else if (settings.autostart) queueMicrotask(start);
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
      if (msg.imported) saved.say(t("saved.imported", { key: msg.key }));
      void saved.refresh();
      break;
    case "save_error":
      saved.say(msg.message);
      break;
    case "error":
      fail(msg.message);
      break;
  }
  render();
  if (msg.type === "event") embed.onEvent(msg.event, window.kiln);
}

worker.addEventListener("message", (e: MessageEvent<FromWorker>) => onMessage(e.data));
worker.addEventListener("error", (e) => {
  fail(t("error.workerLoad", { reason: e.message || t("error.seeConsole") }));
  render();
});
controls.train.addEventListener("click", () => {
  start();
  render();
});
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

/** After a language switch: the text main.ts wrote (the static text is done by lang_switch). */
function onLanguage(): void {
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
