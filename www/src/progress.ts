// Keras' progress bar and epoch lines, as text (pure: no DOM, no clock).
// Follows keras.utils.Progbar (Keras 2, verbose=1): a 30-character bar,
// `=` done, `>` head, `.` rest; the step counter padded to the target's width.

export const BAR_WIDTH = 30;

/** `157/313 [==============>...............]` */
export function progressBar(current: number, target: number, width = BAR_WIDTH): string {
  const digits = String(Math.max(1, Math.floor(target))).length;
  let bar = `${String(current).padStart(digits, " ")}/${target} [`;
  const done = target > 0 ? Math.min(1, current / target) : 1;
  const filled = Math.floor(width * done);
  if (filled > 0) {
    bar += "=".repeat(filled - 1) + (current < target ? ">" : "=");
  }
  return bar + ".".repeat(width - filled) + "]";
}

/** Keras' ETA: `41s`, `1:05`, `1:02:03`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, "0");
  if (s > 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}

/** Keras' time per step: `2s/step`, `38ms/step`, `850us/step`. */
export function formatTimePerStep(ms: number): string {
  const s = ms / 1000;
  if (s >= 1 || s === 0) return `${s.toFixed(0)}s/step`;
  if (s >= 1e-3) return `${ms.toFixed(0)}ms/step`;
  return `${(ms * 1000).toFixed(0)}us/step`;
}

/** Keras prints `%.4f`, or `%.4e` for tiny values. */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) > 1e-3 || v === 0) return v.toFixed(4);
  // JS writes 1.2346e-5, Python 1.2346e-05
  return v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
}

export interface Metrics {
  [name: string]: number;
}

function metricText(m: Metrics): string {
  return Object.entries(m)
    .map(([k, v]) => ` - ${k}: ${formatMetric(v)}`)
    .join("");
}

export interface StepLine {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  msPerStep: number | null; // null until a step has been timed
  metrics: Metrics; // {loss, accuracy}
}

/** `Epoch 2/10  157/313 [====>....] - ETA 41s - 38ms/step - loss: 0.4100 - accuracy: 0.8100` */
export function stepLine(p: StepLine): string {
  let line = `Epoch ${p.epoch}/${p.epochs}  ${progressBar(p.step, p.steps)}`;
  if (p.msPerStep !== null) {
    const eta = ((p.steps - p.step) * p.msPerStep) / 1000;
    line += ` - ETA ${formatEta(eta)} - ${formatTimePerStep(p.msPerStep)}`;
  }
  return line + metricText(p.metrics);
}

export interface EpochLine {
  steps: number;
  totalMs: number; // the epoch's wall time, validation included
  msPerStep: number;
  metrics: Metrics; // {loss, accuracy, val_loss, val_accuracy}
}

/** `313/313 [==============================] - 12s 38ms/step - loss: … - val_accuracy: …` */
export function epochLine(p: EpochLine): string {
  const secs = `${(p.totalMs / 1000).toFixed(0)}s`;
  return `${progressBar(p.steps, p.steps)} - ${secs} ${formatTimePerStep(p.msPerStep)}${metricText(p.metrics)}`;
}

/** Exponential moving average with TensorBoard's debiasing, for the per-step curve. */
export class Ema {
  private value = 0;
  private weightSum = 0;
  constructor(readonly smoothing = 0.9) {
    if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError("smoothing must be in [0, 1)");
  }
  push(x: number): number {
    if (!Number.isFinite(x)) return this.current();
    this.value = this.smoothing * this.value + (1 - this.smoothing) * x;
    this.weightSum = this.smoothing * this.weightSum + (1 - this.smoothing);
    return this.current();
  }
  current(): number {
    return this.weightSum === 0 ? NaN : this.value / this.weightSum;
  }
  reset(): void {
    this.value = 0;
    this.weightSum = 0;
  }
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}
