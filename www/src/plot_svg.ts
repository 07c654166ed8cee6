// The training curves as a standalone SVG: one panel per chart (title, axes
// with ticks and labels, a polyline per series, markers for per-epoch series,
// a legend), built from the series' numbers, not from the canvas. Pure: the
// page and the node tests call it alike.

export interface SvgSeries {
  label: string;
  /** CSS colour; `#rrggbbaa` is split into stroke and stroke-opacity. */
  stroke: string;
  width?: number;
  dash?: number[];
  /** Markers at the points. */
  points?: boolean;
  /** One value per x; null (or not finite): no point there. */
  ys: readonly (number | null)[];
}

export interface SvgPanel {
  title: string;
  xLabel: string;
  xs: readonly number[];
  series: readonly SvgSeries[];
}

export interface SvgSize {
  /** Of each panel, in px. */
  width: number;
  height: number;
}

const MARGIN = { left: 64, right: 16, top: 32, bottom: 64 };
const FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 × 10^k apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Tick labels with as many decimals as their spacing needs. */
function tickLabels(ticks: readonly number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = step > 0 ? Math.min(8, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))) : 0;
  return ticks.map((v) => v.toFixed(decimals));
}

/** `stroke="…"` and, for `#rrggbbaa`, `stroke-opacity`. */
function strokeAttrs(color: string, attr = "stroke"): string {
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})$/i.exec(color);
  if (!m) return `${attr}="${escapeXml(color)}"`;
  return `${attr}="#${m[1]}" ${attr}-opacity="${(parseInt(m[2]!, 16) / 255).toFixed(3)}"`;
}

const fmt = (v: number): string => String(Math.round(v * 100) / 100);

function panelSvg(p: SvgPanel, size: SvgSize, top: number): string {
  const plot = { x: MARGIN.left, y: top + MARGIN.top, w: size.width - MARGIN.left - MARGIN.right, h: size.height - MARGIN.top - MARGIN.bottom };
  const points = p.series.map((s) =>
    p.xs.flatMap((x, i) => {
      const y = s.ys[i];
      return y !== null && y !== undefined && Number.isFinite(y) && Number.isFinite(x) ? [[x, y] as const] : [];
    }),
  );
  const all = points.flat();
  const out: string[] = [`<g class="panel">`];
  out.push(`<text x="${fmt(size.width / 2)}" y="${fmt(top + 20)}" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(p.title)}</text>`);
  out.push(`<rect x="${plot.x}" y="${fmt(plot.y)}" width="${fmt(plot.w)}" height="${fmt(plot.h)}" fill="none" stroke="#d1d9e0"/>`);
  if (all.length > 0) {
    // (reduce, not Math.min(...): a long run has more points than a call has arguments)
    const [x0, x1, y0, y1] = all.reduce(
      ([a, b, c, d], [x, y]) => [Math.min(a, x), Math.max(b, x), Math.min(c, y), Math.max(d, y)],
      [Infinity, -Infinity, Infinity, -Infinity],
    );
    const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.05 || 0.5;
    const [ylo, yhi] = [y0 - pad, y1 + pad];
    const [xlo, xhi] = x1 > x0 ? [x0, x1] : [x0 - 0.5, x0 + 0.5];
    const px = (x: number): number => plot.x + ((x - xlo) / (xhi - xlo)) * plot.w;
    const py = (y: number): number => plot.y + plot.h - ((y - ylo) / (yhi - ylo)) * plot.h;
    const xt = niceTicks(xlo, xhi, 8);
    const yt = niceTicks(ylo, yhi, 5);
    out.push(`<g class="axis x" font-size="11" fill="#57606a" text-anchor="middle">`);
    tickLabels(xt).forEach((label, i) => {
      const x = fmt(px(xt[i]!));
      out.push(`<line x1="${x}" x2="${x}" y1="${fmt(plot.y + plot.h)}" y2="${fmt(plot.y + plot.h + 4)}" stroke="#8b949e"/>`);
      out.push(`<text x="${x}" y="${fmt(plot.y + plot.h + 16)}">${label}</text>`);
    });
    out.push(`</g><g class="axis y" font-size="11" fill="#57606a" text-anchor="end">`);
    tickLabels(yt).forEach((label, i) => {
      const y = fmt(py(yt[i]!));
      out.push(`<line x1="${plot.x}" x2="${fmt(plot.x + plot.w)}" y1="${y}" y2="${y}" stroke="#eaeef2"/>`);
      out.push(`<text x="${plot.x - 6}" y="${y}" dominant-baseline="middle">${label}</text>`);
    });
    out.push(`</g>`);
    p.series.forEach((s, i) => {
      const pts = points[i]!;
      if (pts.length === 0) return;
      const dash = s.dash ? ` stroke-dasharray="${s.dash.join(" ")}"` : "";
      out.push(`<polyline class="series" data-label="${escapeXml(s.label)}" fill="none" ${strokeAttrs(s.stroke)} stroke-width="${s.width ?? 1}"${dash} ` +
        `stroke-linejoin="round" points="${pts.map(([x, y]) => `${fmt(px(x))},${fmt(py(y))}`).join(" ")}"/>`);
      if (s.points) for (const [x, y] of pts) out.push(`<circle cx="${fmt(px(x))}" cy="${fmt(py(y))}" r="3" ${strokeAttrs(s.stroke, "fill")}/>`);
    });
  } else {
    out.push(`<text x="${fmt(plot.x + plot.w / 2)}" y="${fmt(plot.y + plot.h / 2)}" text-anchor="middle" font-size="12" fill="#57606a">no data</text>`);
  }
  out.push(`<text x="${fmt(plot.x + plot.w / 2)}" y="${fmt(plot.y + plot.h + 32)}" text-anchor="middle" font-size="12">${escapeXml(p.xLabel)}</text>`);
  // legend: a swatch and the label per series, left to right
  let lx = plot.x;
  const ly = plot.y + plot.h + 52;
  out.push(`<g class="legend" font-size="12">`);
  for (const s of p.series) {
    const dash = s.dash ? ` stroke-dasharray="${s.dash.join(" ")}"` : "";
    out.push(`<line x1="${fmt(lx)}" x2="${fmt(lx + 18)}" y1="${fmt(ly)}" y2="${fmt(ly)}" ${strokeAttrs(s.stroke)} stroke-width="${Math.max(2, s.width ?? 1)}"${dash}/>`);
    out.push(`<text x="${fmt(lx + 22)}" y="${fmt(ly)}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
    lx += 30 + s.label.length * 7;
  }
  out.push(`</g></g>`);
  return out.join("\n");
}

/** The panels stacked top to bottom in one SVG document. */
export function chartsSvg(panels: readonly SvgPanel[], size: SvgSize = { width: 720, height: 320 }): string {
  const height = size.height * panels.length;
  const body = panels.map((p, i) => panelSvg(p, size, i * size.height)).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${height}" viewBox="0 0 ${size.width} ${height}" ` +
    `font-family="${FONT}" fill="#1f2328">\n<rect width="100%" height="100%" fill="#ffffff"/>\n${body}\n</svg>\n`;
}

export const CURVES_SVG_NAME = "kiln-curves.svg";
export const CURVES_PNG_NAME = "kiln-curves.png";
