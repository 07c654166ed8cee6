// The word map on a canvas: a dot per word at its first two principal
// components, labels where they fit (the most frequent words first, bolder).
// Words are drawn with fillText, never parsed as HTML. Redrawn when its box
// changes size.

import type { MapPoint } from "../protocol.js";
import { shownWord } from "../word2vec.js";
import { layoutMap } from "../word_map_layout.js";
import { setAttr } from "./lang_switch.js";

const DOT = "#8b949e";
const TOP_DOT = "#bc4c00";
const LABEL = "#1f2328";
const AXIS = "#d1d9e0";
/** The most frequent words get a bold label. */
const BOLD = 15;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK KR", "Noto Sans KR", sans-serif';

export class WordMap {
  readonly canvas = document.createElement("canvas");
  private points: MapPoint[] = [];
  private readonly resize = new ResizeObserver(() => this.draw());

  constructor() {
    this.canvas.className = "word-map";
    this.canvas.id = "w2v-map";
    this.canvas.setAttribute("role", "img");
    this.resize.observe(this.canvas);
  }

  show(points: readonly MapPoint[]): void {
    this.points = [...points];
    const top = [...points].sort((a, b) => b.count - a.count).slice(0, 20).map((p) => shownWord(p.word));
    setAttr(this.canvas, "aria-label", "w2v.mapAria", { n: points.length, words: top.join(", ") });
    this.draw();
  }

  clear(): void {
    this.points = [];
    this.draw();
  }

  private draw(): void {
    const ctx = this.canvas.getContext("2d");
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (!ctx || w === 0 || h === 0) return;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (this.points.length === 0) return;

    const rank = new Map([...this.points].sort((a, b) => b.count - a.count).map((p, i) => [p.word, i]));
    const font = (word: string): string => ((rank.get(word) ?? BOLD) < BOLD ? `600 13px ${FONT}` : `12px ${FONT}`);
    const width = (word: string): number => {
      ctx.font = font(word);
      return ctx.measureText(shownWord(word)).width;
    };
    const bounds = { x: 2, y: 2, w: w - 4, h: h - 4 };
    // room for short labels at the edges; long ones near an edge fall back to another side
    const area = { x: 30, y: 16, w: w - 60, h: h - 32 };

    ctx.strokeStyle = AXIS;
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);

    const placed = layoutMap(this.points, area, bounds, width, 14);
    for (const p of placed) {
      const top = (rank.get(p.point.word) ?? BOLD) < BOLD;
      ctx.fillStyle = top ? TOP_DOT : DOT;
      ctx.beginPath();
      ctx.arc(p.px, p.py, top ? 3 : 2, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = LABEL;
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    for (const p of placed) {
      if (!p.label) continue;
      ctx.font = font(p.point.word);
      ctx.fillText(shownWord(p.point.word), p.label.x, p.label.y + p.label.h / 2);
    }
  }
}
