// The length histogram on a canvas: one bar per bin of token counts, a solid
// line at the maxlen set and a dashed one at seed 004's mean + 2σ. Redrawn
// when its box changes size.

import { t } from "../i18n.js";
import type { LengthStats } from "../protocol.js";

const BAR = "#bc4c00";
const MAXLEN = "#0969da";
const SUGGESTED = "#1a7f37";
const AXIS = "#59636e";

export class Histogram {
  readonly canvas = document.createElement("canvas");
  private stats: LengthStats | null = null;
  private readonly resize = new ResizeObserver(() => this.draw());

  constructor() {
    this.canvas.className = "histogram";
    this.canvas.setAttribute("role", "img");
    this.resize.observe(this.canvas);
  }

  show(stats: LengthStats): void {
    this.stats = stats;
    const bins = stats.histogram.map((b) => `${b.from}–${b.to - 1}: ${b.count}`).join(", ");
    this.canvas.setAttribute("aria-label", t("dv.histogramAria", { bins, maxlen: String(stats.maxlen) }));
    this.draw();
  }

  private draw(): void {
    const s = this.stats;
    const ctx = this.canvas.getContext("2d");
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (!s || !ctx || w === 0 || h === 0) return;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const bins = s.histogram;
    const first = bins[0];
    const last = bins.at(-1);
    if (!first || !last) return;
    const top = Math.max(1, ...bins.map((b) => b.count));
    const topLabel = top.toLocaleString("en-US");
    ctx.font = "11px system-ui, sans-serif";
    const pad = { left: Math.ceil(ctx.measureText(topLabel).width) + 10, right: 8, top: 14, bottom: 20 };
    const x0 = first.from;
    const x1 = Math.max(last.to, x0 + 1);
    const px = (x: number): number => pad.left + ((x - x0) / (x1 - x0)) * (w - pad.left - pad.right);
    const py = (y: number): number => h - pad.bottom - (y / top) * (h - pad.top - pad.bottom);

    ctx.fillStyle = BAR;
    for (const b of bins) {
      const left = px(b.from);
      const width = Math.max(1, px(b.to) - left - 1);
      ctx.fillRect(left, py(b.count), width, py(0) - py(b.count));
    }
    ctx.strokeStyle = AXIS;
    ctx.fillStyle = AXIS;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(pad.left, py(0) + 0.5);
    ctx.lineTo(w - pad.right, py(0) + 0.5);
    ctx.stroke();
    ctx.textAlign = "left";
    ctx.fillText(String(x0), pad.left, h - 5);
    ctx.textAlign = "right";
    ctx.fillText(t("dv.tokensAxis", { n: String(x1) }), w - pad.right, h - 5);
    ctx.fillText(topLabel, pad.left - 4, pad.top + 4);
    ctx.fillText("0", pad.left - 4, py(0));

    this.marker(ctx, px, s.mean_plus_2sd, x0, x1, SUGGESTED, [4, 3], `mean+2σ ${Math.floor(s.mean_plus_2sd)}`, pad.top + 10);
    this.marker(ctx, px, s.maxlen, x0, x1, MAXLEN, [], `maxlen ${s.maxlen}`, pad.top);
  }

  /** A vertical line at `x` (pinned to the edge with an arrow when outside the bins). */
  private marker(
    ctx: CanvasRenderingContext2D, px: (x: number) => number, x: number, x0: number, x1: number,
    color: string, dash: number[], label: string, y: number,
  ): void {
    const outside = x > x1;
    const at = px(Math.min(Math.max(x, x0), x1));
    ctx.save();
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.setLineDash(dash);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(at, y - 8);
    ctx.lineTo(at, this.canvas.clientHeight - 20);
    ctx.stroke();
    ctx.textAlign = at > this.canvas.clientWidth / 2 ? "right" : "left";
    ctx.fillText(outside ? `${label} →` : label, at + (ctx.textAlign === "right" ? -4 : 4), y);
    ctx.restore();
  }
}
