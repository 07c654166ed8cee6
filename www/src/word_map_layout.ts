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

/** Maps each point's (x, y) into `area`, each axis on its own range; y grows upwards as in a plot. */
export function fitPoints(points: readonly MapPoint[], area: Box): { px: number; py: number }[] {
  const span = (vs: number[]): [number, number] => {
    const finite = vs.filter(Number.isFinite);
    const lo = finite.length > 0 ? Math.min(...finite) : 0;
    const hi = finite.length > 0 ? Math.max(...finite) : 0;
    return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
  };
  const [x0, x1] = span(points.map((p) => p.x));
  const [y0, y1] = span(points.map((p) => p.y));
  return points.map((p) => ({
    px: area.x + ((Number.isFinite(p.x) ? p.x - x0 : 0) / (x1 - x0)) * area.w,
    py: area.y + area.h - ((Number.isFinite(p.y) ? p.y - y0 : 0) / (y1 - y0)) * area.h,
  }));
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
