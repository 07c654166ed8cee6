// The loss and accuracy charts: per-step raw (thin) and smoothed lines, and
// per-epoch train and validation points at the x of each epoch's last step.

import { AppendingLineChart, type LineSpec } from "../chart.js";
import type { SvgPanel } from "../plot_svg.js";
import type { EpochPoint, StepPoint } from "../session.js";
import { el } from "./dom.js";

const lines = (what: string, color: string, val: string): LineSpec[] => [
  { label: `batch_${what}`, stroke: `${color}55`, width: 1 },
  { label: "smoothed", stroke: color, width: 2 },
  { label: what, stroke: "#1b1b1b", width: 2, points: true },
  { label: `val_${what}`, stroke: val, width: 2, dash: [6, 4], points: true },
];

/** A chart as the downloads need it: its title, lines and canvas. */
export interface ChartPicture {
  title: string;
  lines: LineSpec[];
  canvas: HTMLCanvasElement;
}

const LOSS_LINES = lines("loss", "#d9480f", "#1971c2");
const ACCURACY_LINES = lines("accuracy", "#2f9e44", "#1971c2");

export class Charts {
  private readonly loss: AppendingLineChart;
  private readonly accuracy: AppendingLineChart;

  constructor(target: HTMLElement) {
    const lossBox = el("div", undefined, "chart");
    const accBox = el("div", undefined, "chart");
    lossBox.id = "chart-loss";
    accBox.id = "chart-accuracy";
    target.replaceChildren(lossBox, accBox);
    this.loss = new AppendingLineChart(lossBox, { title: "Loss", xLabel: "step", lines: LOSS_LINES });
    this.accuracy = new AppendingLineChart(accBox, {
      title: "Accuracy",
      xLabel: "step",
      lines: ACCURACY_LINES,
    });
  }

  step(p: StepPoint): void {
    this.loss.addDataPoint(p.x, [p.loss, p.lossSmooth, null, null]);
    this.accuracy.addDataPoint(p.x, [p.accuracy, p.accuracySmooth, null, null]);
  }

  epoch(p: EpochPoint, m: { loss: number; accuracy: number; val_loss: number; val_accuracy: number }): void {
    this.loss.addDataPoint(p.x, [null, null, m.loss, m.val_loss]);
    this.accuracy.addDataPoint(p.x, [null, null, m.accuracy, m.val_accuracy]);
  }

  reset(): void {
    this.loss.reset();
    this.accuracy.reset();
  }

  /** Whether any point has been drawn. */
  get empty(): boolean {
    return this.loss.length === 0;
  }

  /** Both charts' series as SVG panels (x: steps, as drawn). */
  panels(): SvgPanel[] {
    const panel = (title: string, chart: AppendingLineChart, specs: LineSpec[]): SvgPanel => {
      const { xs, ys } = chart.series();
      return { title, xLabel: "step", xs, series: specs.map((l, i) => ({ ...l, ys: ys[i] ?? [] })) };
    };
    return [panel("Loss", this.loss, LOSS_LINES), panel("Accuracy", this.accuracy, ACCURACY_LINES)];
  }

  pictures(): ChartPicture[] {
    return [
      { title: "Loss", lines: LOSS_LINES, canvas: this.loss.canvas },
      { title: "Accuracy", lines: ACCURACY_LINES, canvas: this.accuracy.canvas },
    ];
  }
}
