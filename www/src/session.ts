// The page's record of one run, fed by the worker's messages (pure: no DOM).
// It keeps window.kiln's fields, the step timings and the smoothed curves,
// and turns events into the lines and points the UI shows.

import { Ema, epochLine, mean, median, stepLine } from "./progress.js";
import type { Backend, History, KilnState, RunConfig, RunEvent } from "./protocol.js";

type Ev<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

export interface StepPoint {
  x: number; // global step, 1-based
  line: string; // Keras progress line
  loss: number;
  lossSmooth: number;
  accuracy: number;
  accuracySmooth: number;
}

export interface EpochPoint {
  x: number; // the x of the epoch's last step
  header: string; // "Epoch 2/10"
  line: string; // Keras' epoch-final line
  notes: string[]; // callbacks' messages, printed after the line
}

/** What every row of the comparison table has: a network run or a baseline. */
interface ResultBase {
  run: number; // the page's run id (main.ts), for evaluate/predict calls
  model: string;
  data: string;
  backend: Backend | null;
  test_accuracy: number;
  f1: number; // the test set at threshold 0.5
  auc: number;
  params: number | null; // the summary's total, null before "prepared"
  seconds: number; // wall time: a network's step and epoch calls (no test pass), a baseline's fit call
}

/** A finished network run (`done`). */
export interface NetworkResult extends ResultBase {
  kind: "network";
  epochs: number;
  test_loss: number;
  ms_per_step_median: number | null;
  history: History;
}

/** A fitted TF-IDF baseline (www/src/baselines.ts): no epochs, no loss curve. */
export interface BaselineResult extends ResultBase {
  kind: "baseline";
  features: number; // n-gram columns kept
}

export type Result = NetworkResult | BaselineResult;

const roundTo = (x: number | null, digits: number): number | null =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

export const emptyHistory = (): History => ({ loss: [], accuracy: [], val_loss: [], val_accuracy: [] });

export class Session {
  state: KilnState = { status: "idle", message: "", backend: null, test: null };
  history: History = emptyHistory();
  /** Step events seen in this run. */
  events = 0;
  config: RunConfig | null = null;
  prepared: Ev<"prepared"> | null = null;
  run = 0;

  private runStepMs: number[] = []; // every step but the run's first (shader compiles, warm-up)
  private epochStepMs: number[] = []; // this epoch's steps, same exclusion
  private epochTotalMs = 0; // this epoch's wall time so far
  private lastX = 0;
  private trainMs = 0;
  private lossEma = new Ema(0.9);
  private accEma = new Ema(0.9);

  /** A new run: clears everything but the backend decision that follows. */
  start(config: RunConfig, run = 0): void {
    this.config = config;
    this.run = run;
    this.trainMs = 0;
    this.state = { status: "preparing", message: "Starting…", backend: null, test: null };
    this.history = emptyHistory();
    this.events = 0;
    this.prepared = null;
    this.runStepMs = [];
    this.epochStepMs = [];
    this.epochTotalMs = 0;
    this.lastX = 0;
    this.lossEma.reset();
    this.accEma.reset();
  }

  onPrepared(ev: Ev<"prepared">): void {
    this.prepared = ev;
  }

  onStep(ev: Ev<"step">, ms: number): StepPoint {
    if (this.events > 0) {
      this.runStepMs.push(ms);
      this.epochStepMs.push(ms);
    }
    this.events += 1;
    this.trainMs += ms;
    if (ev.step === 1) this.epochTotalMs = 0;
    this.epochTotalMs += ms;
    this.lastX = (ev.epoch - 1) * ev.steps + ev.step;
    return {
      x: this.lastX,
      line: stepLine({
        epoch: ev.epoch,
        epochs: this.config?.epochs ?? ev.epoch,
        step: ev.step,
        steps: ev.steps,
        msPerStep: mean(this.epochStepMs),
        metrics: { loss: ev.loss, accuracy: ev.accuracy },
      }),
      loss: ev.batch_loss,
      lossSmooth: this.lossEma.push(ev.batch_loss),
      accuracy: ev.batch_accuracy,
      accuracySmooth: this.accEma.push(ev.batch_accuracy),
    };
  }

  onEpoch(ev: Ev<"epoch">, ms: number): EpochPoint {
    this.history.loss.push(ev.loss);
    this.history.accuracy.push(ev.accuracy);
    this.history.val_loss.push(ev.val_loss);
    this.history.val_accuracy.push(ev.val_accuracy);
    this.trainMs += ms;
    const steps = this.prepared?.steps_per_epoch ?? Math.max(1, this.lastX);
    // Keras 3's ReduceLROnPlateau puts learning_rate in the logs the epoch line prints
    const lr = this.config?.reduce_lr ? { learning_rate: ev.learning_rate } : {};
    const point: EpochPoint = {
      x: this.lastX,
      header: `Epoch ${ev.epoch}/${this.config?.epochs ?? ev.epoch}`,
      line: epochLine({
        steps,
        totalMs: this.epochTotalMs + ms,
        msPerStep: mean(this.epochStepMs) ?? this.epochTotalMs / steps,
        metrics: { loss: ev.loss, accuracy: ev.accuracy, val_loss: ev.val_loss, val_accuracy: ev.val_accuracy, ...lr },
      }),
      notes: ev.notes ?? [],
    };
    this.epochStepMs = [];
    this.epochTotalMs = 0;
    return point;
  }

  onDone(ev: Ev<"done">): NetworkResult {
    this.history = ev.history;
    this.state.test = { loss: ev.test_loss, accuracy: ev.test_accuracy };
    return {
      run: this.run,
      kind: "network",
      model: this.config?.model ?? "",
      data: this.config?.data ?? "",
      backend: this.state.backend,
      epochs: this.config?.epochs ?? ev.history.loss.length,
      test_accuracy: ev.test_accuracy,
      test_loss: ev.test_loss,
      ms_per_step_median: roundTo(median(this.runStepMs), 3),
      history: ev.history,
      f1: ev.evaluation.f1,
      auc: ev.evaluation.auc,
      params: this.prepared?.summary.total_params ?? null,
      seconds: roundTo(this.trainMs / 1000, 3) ?? 0,
    };
  }
}

/** A finished run's record after another "done" for it (ModelCheckpoint's weights restored). */
export function withDone(r: NetworkResult, ev: Ev<"done">): NetworkResult {
  return {
    ...r,
    test_accuracy: ev.test_accuracy,
    test_loss: ev.test_loss,
    history: ev.history,
    f1: ev.evaluation.f1,
    auc: ev.evaluation.auc,
  };
}
