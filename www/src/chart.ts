// An appending line chart over uPlot, after TF Playground's linechart.ts:
// addDataPoint(x, values) with one value per line (null: no point there),
// reset(), and a redraw batched to one per animation frame.

import uPlot from "uplot";

export interface LineSpec {
  label: string;
  stroke: string;
  width?: number;
  dash?: number[];
  /** Draw markers at the points (for sparse per-epoch lines). */
  points?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  lines: LineSpec[];
  height?: number;
}

type Value = number | null;

/** Whole-number tick spacings for the step axis. */
export const INT_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** Tick labels with as many decimals as their spacing needs (0.6931, 0.6932, …). */
export function formatTicks(splits: readonly number[]): string[] {
  const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : 1;
  const decimals = step > 0 ? Math.min(8, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))) : 0;
  return splits.map((v) => v.toFixed(decimals));
}

/** uPlot's series for a line: spans gaps (null = no point there). */
export function lineSeries(l: LineSpec): uPlot.Series {
  return {
    label: l.label,
    stroke: l.stroke,
    width: l.width ?? 1,
    ...(l.dash ? { dash: l.dash } : {}),
    spanGaps: true,
    points: { show: l.points === true, size: 6, fill: l.stroke },
  };
}

export class AppendingLineChart {
  private readonly xs: number[] = [];
  private readonly ys: Value[][];
  private readonly plot: uPlot;
  private readonly resize: ResizeObserver;
  private frame: number | null = null;

  constructor(
    private readonly container: HTMLElement,
    options: ChartOptions,
  ) {
    this.ys = options.lines.map(() => []);
    const opts: uPlot.Options = {
      title: options.title,
      width: this.width(),
      height: options.height ?? 260,
      scales: { x: { time: false } },
      axes: [
        { label: options.xLabel, incrs: INT_INCRS, values: (_u, splits) => splits.map((v) => String(v)) },
        { values: (_u, splits) => formatTicks(splits), size: 56 },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      series: [
        { label: options.xLabel },
        ...options.lines.map(lineSeries),
      ],
    };
    this.plot = new uPlot(opts, this.data(), container);
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: this.width(), height: opts.height }));
    this.resize.observe(container);
  }

  /** Append a point; a repeated x fills in that point's non-null values. */
  addDataPoint(x: number, values: readonly Value[]): void {
    if (values.length !== this.ys.length) {
      throw new Error(`expected ${this.ys.length} values, got ${values.length}`);
    }
    const last = this.xs.length - 1;
    if (last >= 0 && this.xs[last] === x) {
      values.forEach((v, i) => {
        if (v !== null) this.ys[i]![last] = v;
      });
    } else {
      this.xs.push(x);
      values.forEach((v, i) => this.ys[i]!.push(v !== null && Number.isFinite(v) ? v : null));
    }
    this.scheduleRedraw();
  }

  reset(): void {
    this.xs.length = 0;
    for (const y of this.ys) y.length = 0;
    this.scheduleRedraw();
  }

  get length(): number {
    return this.xs.length;
  }

  /** A copy of the data, for downloads: x values and one column per line. */
  series(): { xs: number[]; ys: Value[][] } {
    return { xs: [...this.xs], ys: this.ys.map((y) => [...y]) };
  }

  /** uPlot's canvas: the axes and lines (the title and legend are HTML around it). */
  get canvas(): HTMLCanvasElement {
    return this.plot.ctx.canvas;
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.plot.destroy();
  }

  private width(): number {
    return Math.max(200, this.container.clientWidth);
  }

  private data(): uPlot.AlignedData {
    return [this.xs, ...this.ys] as uPlot.AlignedData;
  }

  private scheduleRedraw(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.redraw();
    });
  }

  private redraw(): void {
    this.plot.setData(this.data());
  }
}
