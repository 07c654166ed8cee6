// The loss and accuracy charts: per-step raw (thin) and smoothed lines, and
// per-epoch train and validation points at the x of each epoch's last step.

import { AppendingLineChart, type LineSpec } from "../chart.js";
import type { EpochPoint, StepPoint } from "../session.js";
import { el } from "./dom.js";

const lines = (what: string, color: string, val: string): LineSpec[] => [
  { label: `batch_${what}`, stroke: `${color}55`, width: 1 },
  { label: "smoothed", stroke: color, width: 2 },
  { label: what, stroke: "#1b1b1b", width: 2, points: true },
  { label: `val_${what}`, stroke: val, width: 2, dash: [6, 4], points: true },
];

export class Charts {
  private readonly loss: AppendingLineChart;
  private readonly accuracy: AppendingLineChart;

  constructor(target: HTMLElement) {
    const lossBox = el("div", undefined, "chart");
    const accBox = el("div", undefined, "chart");
    lossBox.id = "chart-loss";
    accBox.id = "chart-accuracy";
    target.replaceChildren(lossBox, accBox);
    this.loss = new AppendingLineChart(lossBox, { title: "Loss", xLabel: "step", lines: lines("loss", "#d9480f", "#1971c2") });
    this.accuracy = new AppendingLineChart(accBox, {
      title: "Accuracy",
      xLabel: "step",
      lines: lines("accuracy", "#2f9e44", "#1971c2"),
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
}
