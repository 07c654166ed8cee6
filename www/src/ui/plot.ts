// A uPlot chart of fixed series whose data is replaced as a whole (ROC and PR
// curves, the runs' overlaid validation curves); the width follows its box.

import uPlot from "uplot";
import { formatTicks, INT_INCRS, lineSeries, type LineSpec } from "../chart.js";

export interface PlotSeries extends LineSpec {
  /** Markers only, no line (one highlighted point). */
  marker?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  series: PlotSeries[];
  /** Both axes from 0 to 1 (rates). */
  unit?: boolean;
  /** Whole-number x ticks (epochs). */
  integerX?: boolean;
  height?: number;
}

export type Column = (number | null)[];

const noPath = (): null => null;

export class StaticPlot {
  private readonly plot: uPlot;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    options: PlotOptions,
  ) {
    const height = options.height ?? 240;
    const range = options.unit ? { range: [0, 1] as uPlot.Range.MinMax } : {};
    const opts: uPlot.Options = {
      title: options.title,
      width: this.width(),
      height,
      scales: { x: { time: false, ...range }, y: { ...range } },
      axes: [
        {
          label: options.xLabel,
          ...(options.integerX ? { incrs: INT_INCRS, values: (_u, s) => s.map(String) } : {}),
        },
        { values: (_u, splits) => formatTicks(splits), size: 50 },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      series: [
        { label: options.xLabel },
        ...options.series.map((s): uPlot.Series => {
          const line = lineSeries({ width: 2, ...s });
          return s.marker ? { ...line, paths: noPath, points: { show: true, size: 11, fill: s.stroke } } : line;
        }),
      ],
    };
    this.plot = new uPlot(opts, [[], ...options.series.map(() => [])] as uPlot.AlignedData, container);
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: this.width(), height }));
    this.resize.observe(container);
  }

  /** New data: x values and one column per series. */
  setData(xs: number[], columns: Column[]): void {
    this.plot.setData([xs, ...columns] as uPlot.AlignedData);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
  }

  private width(): number {
    return Math.max(200, this.container.clientWidth);
  }
}
