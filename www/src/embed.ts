// The page as an embed (in an iframe, or with embed=1): hides the parts `hide=`
// names, switches to the compact layout, posts the run's progress and final
// metrics to the host page and takes train / stop / set from it (only from the
// host's origin). The messages are in embed_protocol.ts; main.ts calls ready,
// onEvent and error.

import {
  acceptOrigin, doneMessage, fromRunEvent, mergeSettings, parseEmbedOptions, parseFromHost, postProgress, targetOrigin, VERSION,
  type DoneMetrics, type EmbedOptions, type Panel, type ToHost,
} from "./embed_protocol.js";
import type { RunConfig, RunEvent } from "./protocol.js";

export interface EmbedHooks {
  /** Press Train / Stop (a disabled button does nothing). */
  train(): void;
  stop(): void;
  /** Show the settings of this query (URL keys); returns what could not be used. */
  set(query: string): string[];
  /** Whether a run is under way (settings cannot change then). */
  busy(): boolean;
  /** The page's current run id, and whether Stop ended it. */
  run(): number;
  stopped(): boolean;
}

/** What main.ts keeps in window.kiln, as far as the embed reads it. */
export interface KilnView {
  config: RunConfig | null;
  result: DoneMetrics | null;
}

/** Elements each `hide=` name hides (ids, or the sections' classes). */
function panelElements(panel: Panel): Element[] {
  const one = (sel: string): Element[] => [...document.querySelectorAll(sel)];
  switch (panel) {
    case "setup":
      return one("#config");
    case "model":
      return one("main > section.model");
    case "code": {
      const box = document.getElementById("keras-code");
      const title = box?.previousElementSibling;
      return [box, title?.tagName === "H3" ? title : null, document.getElementById("build-from-code")?.parentElement, document.getElementById("code-message")]
        .filter((e): e is Element => e instanceof Element);
    }
    case "data":
      return one("main > section.data");
    case "w2v":
      return one("main > section.w2v");
    case "log":
      return one("#log");
    case "eval":
      return one("main > section.eval");
    case "compare":
      return one("main > section.compare");
    case "saved":
      return one("main > section.saved");
  }
}

export class Embed {
  readonly options: EmbedOptions;
  private lastProgress = -Infinity;
  private lastHeight = 0;

  constructor(private readonly hooks: EmbedHooks) {
    const inFrame = window.parent !== window;
    this.options = parseEmbedOptions(location.search, inFrame);
    if (!this.options.embed) return;
    document.documentElement.classList.add("embed");
    if (this.options.hide.includes("setup")) document.documentElement.classList.add("embed-no-setup");
    for (const panel of this.options.hide) for (const e of panelElements(panel)) e.classList.add("embed-hide");
    if (!inFrame) return;
    window.addEventListener("message", (e) => this.onHost(e));
    new ResizeObserver(() => this.postSize()).observe(document.body);
  }

  /** URL values of the embed that could not be used. */
  get errors(): string[] {
    return this.options.errors;
  }

  /** The presets arrived: `kiln:ready`, then `kiln:error` for the address's values the page did not use. */
  ready(presets: string[], autostart: boolean, errors: readonly string[]): void {
    this.post({ type: "kiln:ready", version: VERSION, presets, autostart });
    if (errors.length > 0) this.error(`Some settings in the address were not used: ${errors.join("; ")}`);
  }

  /** A run event, after main.ts has handled it (window.kiln is up to date). */
  onEvent(ev: RunEvent, kiln: KilnView): void {
    if (ev.type === "done") {
      if (kiln.result) this.post(doneMessage(kiln.result, this.hooks.stopped()));
      return;
    }
    if (ev.type === "step") {
      const now = performance.now();
      if (!postProgress(ev.step, ev.steps, now - this.lastProgress)) return;
      this.lastProgress = now;
    }
    const c = kiln.config;
    const m = fromRunEvent(ev, { run: this.hooks.run(), epochs: c?.epochs ?? 0, model: c?.model ?? "", data: c?.data ?? "" });
    if (m) this.post(m);
  }

  /** An error the page showed (a bad setting, a failed run). */
  error(message: string): void {
    this.post({ type: "kiln:error", message });
  }

  private post(msg: ToHost): void {
    if (!this.options.embed || window.parent === window) return;
    const target = targetOrigin(this.options.host);
    // Chromium and Safari name the parent's origin: say once what to do instead of failing every post
    const parent = location.ancestorOrigins?.[0];
    const wanted = this.options.host ?? location.origin;
    if (parent && wanted !== "*" && parent !== wanted) {
      if (!this.warned) console.warn(`[kiln] embed: the page around this one is ${parent}, not ${wanted}: add host=${parent} to this page's address to send it messages`);
      this.warned = true;
      return;
    }
    window.parent.postMessage(msg, target);
  }
  private warned = false;

  private postSize(): void {
    // the body's own height: the document's scrollHeight never drops below the iframe's
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === this.lastHeight) return;
    this.lastHeight = height;
    this.post({ type: "kiln:size", height });
  }

  private onHost(e: MessageEvent): void {
    if (e.source !== window.parent) return;
    const parsed = parseFromHost(e.data);
    if (parsed === null) return;
    if (!acceptOrigin(e.origin, this.options.host, location.origin)) {
      const what = parsed.ok ? parsed.command.type : "a malformed message";
      console.warn(`[kiln] embed: ignored ${what} from origin ${e.origin} (host=${this.options.host ?? location.origin})`);
      return;
    }
    if (!parsed.ok) return this.error(parsed.error);
    const c = parsed.command;
    switch (c.type) {
      case "kiln:train":
        if (this.hooks.busy()) return this.error("kiln:train: a run is under way (kiln:stop first)");
        return this.hooks.train();
      case "kiln:stop":
        if (this.hooks.busy()) this.hooks.stop();
        return;
      case "kiln:set": {
        if (this.hooks.busy()) return this.error("kiln:set: a run is under way; kiln:stop first");
        const merged = mergeSettings(location.search, c.settings);
        const errors = [...merged.errors, ...this.hooks.set(merged.query)];
        if (errors.length > 0) this.error(`kiln:set: ${errors.join("; ")}`);
        return;
      }
    }
  }
}
