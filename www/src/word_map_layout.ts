// The 2-D word map's geometry, without the DOM: the principal-component
// coordinates scaled to fit a box, and labels placed greedily (most frequent
// word first) where they overlap no label already placed.

import type { MapPoint } from "./protocol.js";

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed {
  point: MapPoint;
  /** Where the dot goes, in canvas pixels (y down). */
  px: number;
  py: number;
  /** The label's box (its text's top left, width and height); null: dot only. */
  label: Box | null;
}

/** From this many points on, the range of an axis leaves out the outer 2 % on each side. */
export const TRIM_FROM = 50;

/** The range an axis shows: min to max, or for many points the 2nd to 98th percentile plus a tenth
 *  (never past min and max), so that one far word does not squeeze all the others into a corner. */
function span(vs: readonly number[]): [number, number] {
  const sorted = vs.filter(Number.isFinite).sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const last = sorted.at(-1) ?? 0;
  let [lo, hi] = [first, last];
  if (sorted.length >= TRIM_FROM) {
    const n = sorted.length - 1;
    const a = sorted[Math.floor(0.02 * n)]!;
    const b = sorted[Math.ceil(0.98 * n)]!;
    lo = Math.max(first, a - 0.1 * (b - a));
    hi = Math.min(last, b + 0.1 * (b - a));
  }
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}

/** Maps each point's (x, y) into `area`, each axis on its own range, outliers held at the edge; y grows upwards. */
export function fitPoints(points: readonly MapPoint[], area: Box): { px: number; py: number }[] {
  const [x0, x1] = span(points.map((p) => p.x));
  const [y0, y1] = span(points.map((p) => p.y));
  const unit = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0);
  return points.map((p) => ({ px: area.x + unit(p.x, x0, x1) * area.w, py: area.y + area.h - unit(p.y, y0, y1) * area.h }));
}

/** Whether two boxes come closer than `margin` pixels. */
const overlaps = (a: Box, b: Box, margin: number): boolean =>
  a.x < b.x + b.w + margin && b.x < a.x + a.w + margin && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin;
const inside = (a: Box, bounds: Box): boolean =>
  a.x >= bounds.x && a.y >= bounds.y && a.x + a.w <= bounds.x + bounds.w && a.y + a.h <= bounds.y + bounds.h;

/**
 * Places the points in `area` and their labels in `bounds`: by count, most frequent first,
 * each label right, left, above or below its dot, at the first spot that overlaps no label
 * placed before (nor comes within `margin` of one); a word with no free spot keeps only its dot.
 * `width(word)`: the label's text width; `gap`: from the dot to its label.
 */
export function layoutMap(
  points: readonly MapPoint[], area: Box, bounds: Box, width: (word: string) => number, height: number, gap = 4, margin = 3,
): Placed[] {
  const at = fitPoints(points, area);
  const order = points.map((_, i) => i).sort((a, b) => points[b]!.count - points[a]!.count || a - b);
  const taken: Box[] = [];
  const placed: Placed[] = new Array<Placed>(points.length);
  for (const i of order) {
    const point = points[i]!;
    const { px, py } = at[i]!;
    const w = width(point.word);
    const spots: Box[] = [
      { x: px + gap, y: py - height / 2, w, h: height },
      { x: px - gap - w, y: py - height / 2, w, h: height },
      { x: px - w / 2, y: py - gap - height, w, h: height },
      { x: px - w / 2, y: py + gap, w, h: height },
    ];
    const label = spots.find((s) => inside(s, bounds) && !taken.some((t) => overlaps(s, t, margin))) ?? null;
    if (label) taken.push(label);
    placed[i] = { point, px, py, label };
  }
  return placed;
}
