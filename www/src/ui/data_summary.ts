// The data view: rows, class balance, what loading dropped, examples, the
// length histogram with seed 004's maxlen, and the vocabulary. Every text from
// the data goes in with textContent. Drawn in the current language; the data
// panel draws it again after a switch.

import { t, type MessageKey, type Params } from "../i18n.js";
import { fitLine, lengthSummary, maxlenOffer, type MultiClass } from "../data_view.js";
import type { DataView } from "../protocol.js";
import { el, fmtInt } from "./dom.js";
import { Histogram } from "./histogram.js";

/** Examples are cut to this many characters. */
const EXAMPLE_CHARS = 280;
const TOP_SHOWN = 20;

export interface SummaryActions {
  useMaxlen(maxlen: number): void;
}

function button(text: string, id: string, onClick: () => void): HTMLButtonElement {
  const b = el("button", text, "small");
  b.type = "button";
  b.id = id;
  b.addEventListener("click", onClick);
  return b;
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  const div = el("div");
  div.append(el("h3", title), ...children.filter((c): c is Node => c !== null));
  return div;
}

function balance(view: DataView): HTMLElement {
  const grid = el("div", undefined, "balance");
  grid.id = "class-balance";
  const total = view.classes.reduce((n, c) => n + c.count, 0) || 1;
  const most = Math.max(1, ...view.classes.map((c) => c.count));
  for (const c of view.classes) {
    const bar = el("div", undefined, "bar");
    bar.style.width = `${(100 * c.count) / most}%`;
    const track = el("div");
    track.append(bar);
    grid.append(el("span", c.name, "name"), track, el("span", `${fmtInt(c.count)} (${((100 * c.count) / total).toFixed(1)} %)`, "count"));
  }
  return grid;
}

function rows(view: DataView): HTMLElement {
  const r = view.report;
  const p = el("p", undefined, "stats");
  p.id = "data-rows";
  p.textContent = t("dv.rows", { train: view.train_rows, test: view.test_rows, classes: view.classes.length });
  const dropped = [
    r.dropped_empty > 0 ? t("dv.droppedEmpty", { n: r.dropped_empty }) : "",
    r.dropped_duplicates > 0 ? t("dv.droppedDuplicate", { n: r.dropped_duplicates }) : "",
    r.dropped_bad_label > 0 ? t("dv.droppedBadLabel", { n: r.dropped_bad_label }) : "",
  ].filter(Boolean);
  const out = el("div");
  out.append(p, el("p", dropped.length > 0 ? t("dv.dropped", { list: dropped.join(", ") }) : t("dv.droppedNone"), "note"));
  if (r.notes.length > 0) {
    const ul = el("ul", undefined, "notes");
    for (const n of r.notes) ul.append(el("li", n));
    out.append(ul);
  }
  return out;
}

function lengths(view: DataView, actions: SummaryActions): HTMLElement {
  const s = view.lengths;
  const histogram = new Histogram();
  histogram.canvas.id = "length-histogram";
  const stats = el("p", lengthSummary(s), "stats");
  stats.id = "length-stats";
  const fit = el("p", undefined, "stats");
  fit.id = "length-fit";
  fit.append(el("strong", fitLine(s)));
  const offer = maxlenOffer(s);
  const out = section(t("dv.lengthTitle"), histogram.canvas, stats, fit);
  if (offer !== null) {
    const line = el("p", undefined, "stats");
    line.append(t("dv.seedTakes", { offer: String(offer) }) + " ", button(t("dv.useMaxlen", { offer: String(offer) }), "use-maxlen", () => actions.useMaxlen(offer)));
    out.append(line);
  } else {
    out.append(el("p", t("dv.maxlenIsSeed"), "note"));
  }
  // draw once the canvas is in the page and has a size
  requestAnimationFrame(() => histogram.show(s));
  return out;
}

function examples(view: DataView): HTMLElement {
  const table = el("table", undefined, "examples");
  table.id = "data-examples";
  for (const e of view.examples) {
    const text = e.text.length > EXAMPLE_CHARS ? `${e.text.slice(0, EXAMPLE_CHARS)}…` : e.text;
    const tr = el("tr");
    tr.append(el("td", e.label), el("td", text));
    table.append(tr);
  }
  return section(t("dv.examples"), table);
}

function vocabulary(view: DataView): HTMLElement {
  const v = view.vocabulary;
  const line = el("p", undefined, "stats");
  line.id = "vocab-stats";
  line.textContent = t("dv.vocab", { size: v.size, num_words: v.num_words, percent: v.coverage_percent.toFixed(1) });
  const top = el("div", undefined, "tokens");
  top.id = "vocab-top";
  for (const [token, count] of v.top.slice(0, TOP_SHOWN)) {
    const chip = el("span", token);
    chip.append(el("b", fmtInt(count)));
    top.append(chip);
  }
  return section(t("dv.vocabulary"), line, top);
}

/** Render `view` into `target`; `propose` is the box for the multi-class offer. */
export function renderDataView(target: HTMLElement, view: DataView, propose: HTMLElement, actions: SummaryActions): void {
  const head = el("div", undefined, "full");
  head.append(el("h3", view.name), rows(view));
  target.replaceChildren(
    head,
    section(t("dv.balance", { rows: view.classes.reduce((n, c) => n + c.count, 0) }), balance(view)),
    lengths(view, actions),
    examples(view),
    vocabulary(view),
    propose,
  );
  propose.classList.add("full");
  target.dataset["state"] = "ready";
}

/** The offer to end the model in Dense(k, softmax), or nothing. */
export function renderProposal(target: HTMLElement, offer: MultiClass | null, apply: (m: MultiClass) => void): void {
  target.hidden = offer === null;
  if (!offer) return target.replaceChildren();
  const text = el("p");
  text.textContent = t("dv.multiClass", { classes: String(offer.classes), loss: offer.loss });
  const buttons = el("div", undefined, "buttons");
  buttons.append(button(t("dv.useMultiClass", { classes: String(offer.classes) }), "use-multiclass", () => apply(offer)));
  target.replaceChildren(text, buttons);
}

/** A message in place of the view: by key (translated now), or Rust's error as given. */
export type DataMessage = { key: MessageKey; params?: Params } | { plain: string };

export function dataMessageText(m: DataMessage): string {
  return "plain" in m ? m.plain : t(m.key, m.params);
}

export function renderDataMessage(target: HTMLElement, message: DataMessage, state: "pending" | "empty" | "error"): void {
  // a view being refreshed stays, dimmed, until the new one arrives
  const refreshing = state === "pending" && (target.dataset["state"] === "ready" || target.dataset["state"] === "pending");
  const hadView = target.querySelector("#data-rows") !== null;
  target.dataset["state"] = state;
  if (refreshing && hadView) return;
  target.replaceChildren(el("p", dataMessageText(message), state === "error" ? "data-error" : "note"));
}
