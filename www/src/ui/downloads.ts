// The "Downloads" row under the charts: the curves as PNG (uPlot's canvases
// side by side, with their titles and legends drawn in) and as SVG (rebuilt
// from the series, plot_svg.ts), and the history as Keras' CSVLogger file.
// Its words are marked data-i18n, so a language switch translates them.

import { HISTORY_CSV_NAME, historyCsv } from "../history_csv.js";
import { chartsSvg, CURVES_PNG_NAME, CURVES_SVG_NAME } from "../plot_svg.js";
import type { History } from "../protocol.js";
import type { ChartPicture, Charts } from "./charts.js";
import type { MessageKey } from "../i18n.js";
import { elId } from "./dom.js";
import { marked, setAttr, setText } from "./lang_switch.js";
import { saveFile, sizeText } from "./save_file.js";

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

function button(id: string, text: string, title: MessageKey): HTMLButtonElement {
  const b = elId("button", id, text);
  b.type = "button";
  setAttr(b, "title", title);
  return b;
}

/** The charts' canvases side by side on white, each under its title and over its legend. */
export function composePng(pictures: readonly ChartPicture[]): HTMLCanvasElement {
  const ratio = pictures[0] && pictures[0].canvas.clientWidth > 0 ? pictures[0].canvas.width / pictures[0].canvas.clientWidth : 1;
  const gap = Math.round(16 * ratio);
  const head = Math.round(28 * ratio);
  const foot = Math.round(30 * ratio);
  const out = document.createElement("canvas");
  out.width = pictures.reduce((w, p) => w + p.canvas.width, 0) + gap * Math.max(0, pictures.length - 1);
  out.height = head + Math.max(0, ...pictures.map((p) => p.canvas.height)) + foot;
  const ctx = out.getContext("2d");
  if (!ctx) throw new Error("this browser cannot draw on a canvas");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, out.width, out.height);
  let x = 0;
  for (const p of pictures) {
    ctx.fillStyle = "#1f2328";
    ctx.font = `600 ${Math.round(15 * ratio)}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(p.title, x + p.canvas.width / 2, head / 2);
    ctx.drawImage(p.canvas, x, head);
    // legend: a swatch and the label per line
    ctx.font = `${Math.round(12 * ratio)}px ${FONT}`;
    ctx.textAlign = "left";
    let lx = x + 8 * ratio;
    const ly = head + p.canvas.height + foot / 2;
    for (const line of p.lines) {
      ctx.strokeStyle = line.stroke;
      ctx.lineWidth = Math.max(2, line.width ?? 1) * ratio;
      ctx.setLineDash((line.dash ?? []).map((d) => d * ratio));
      ctx.beginPath();
      ctx.moveTo(lx, ly);
      ctx.lineTo(lx + 18 * ratio, ly);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#1f2328";
      ctx.fillText(line.label, lx + 22 * ratio, ly);
      lx += 30 * ratio + ctx.measureText(line.label).width;
    }
    x += p.canvas.width + gap;
  }
  return out;
}

export class DownloadsRow {
  private readonly png = button("dl-png", "PNG", "dl.pngTitle");
  private readonly svg = button("dl-svg", "SVG", "dl.svgTitle");
  private readonly csv = button("dl-csv", "CSV", "dl.csvTitle");
  private readonly note = elId("span", "dl-status", "", "note");

  constructor(root: HTMLElement, private readonly charts: Charts, private readonly history: () => History) {
    root.classList.add("downloads", "buttons");
    root.replaceChildren(marked("span", "dl.label", "downloads-label"), this.png, this.svg, this.csv, this.note);
    this.png.addEventListener("click", () => this.savePng());
    this.svg.addEventListener("click", () => this.saved(CURVES_SVG_NAME, () => chartsSvg(this.charts.panels()), "image/svg+xml"));
    this.csv.addEventListener("click", () => this.saved(HISTORY_CSV_NAME, () => historyCsv(this.history()), "text/csv"));
    this.render();
  }

  /** Buttons follow what there is: curves once a step is drawn, the CSV once an epoch ended. */
  render(): void {
    this.png.disabled = this.svg.disabled = this.charts.empty;
    this.csv.disabled = this.history().loss.length === 0;
  }

  private saved(name: string, make: () => string, type: string): void {
    try {
      const size = saveFile(name, make(), `${type};charset=utf-8`);
      setText(this.note, "dl.saved", { name, size: sizeText(size) });
    } catch (e) {
      setText(this.note, "dl.failed", { message: e instanceof Error ? e.message : String(e) });
    }
  }

  private savePng(): void {
    try {
      composePng(this.charts.pictures()).toBlob((blob) => {
        if (!blob) {
          setText(this.note, "dl.pngFailed");
          return;
        }
        const size = saveFile(CURVES_PNG_NAME, blob);
        setText(this.note, "dl.saved", { name: CURVES_PNG_NAME, size: sizeText(size) });
      }, "image/png");
    } catch (e) {
      setText(this.note, "dl.failed", { message: e instanceof Error ? e.message : String(e) });
    }
  }
}
