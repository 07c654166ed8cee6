// Kiln embedded in another page: the URL keys that make the page an embed, the
// messages it posts to the host page (window.parent) and the commands it takes
// from it. Pure: no DOM, no window (www/src/embed.ts and embed_element.ts use it).

import type { Backend, History, RunEvent } from "./protocol.js";

/** Parts of the page `hide=` can hide; `setup` hides the settings form (Train and Stop stay). */
export const PANELS = ["setup", "model", "code", "data", "w2v", "log", "eval", "compare", "saved"] as const;
export type Panel = (typeof PANELS)[number];
/** What an embed hides when the URL has no `hide=` (`hide=` with nothing hides nothing). */
export const DEFAULT_HIDDEN: readonly Panel[] = ["w2v", "compare", "saved"];
/** URL keys of the embed itself; the page's settings parser never sees them. */
export const EMBED_KEYS = ["embed", "hide", "host"] as const;
/** Protocol version, in `kiln:ready`. */
export const VERSION = 1;

export interface EmbedOptions {
  /** `embed=1`, or the page is in a frame (unless `embed=0`). */
  embed: boolean;
  hide: Panel[];
  /** Where messages go and commands may come from: an origin, `*`, or null for the page's own origin. */
  host: string | null;
  /** Values that could not be used (shown with the URL's other errors). */
  errors: string[];
}

/** `?embed=1&hide=code,data&host=https://course.example` → the embed's options. */
export function parseEmbedOptions(search: string, inFrame: boolean): EmbedOptions {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const flag = params.get("embed");
  let embed = inFrame;
  if (flag !== null) {
    if (["1", "true", "yes", "on", ""].includes(flag.trim())) embed = true;
    else if (["0", "false", "no", "off"].includes(flag.trim())) embed = false;
    else errors.push(`embed=${JSON.stringify(flag)}: not one of 1, 0`);
  }
  const hideRaw = params.get("hide");
  const hide: Panel[] = [];
  if (hideRaw === null) hide.push(...DEFAULT_HIDDEN);
  for (const name of (hideRaw ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    if ((PANELS as readonly string[]).includes(name)) hide.push(name as Panel);
    else errors.push(`hide: "${name}" is not a part of the page (${PANELS.join(", ")})`);
  }
  const hostRaw = params.get("host");
  let host: string | null = null;
  if (hostRaw !== null && hostRaw.trim() !== "") {
    const h = hostRaw.trim();
    const origin = originOf(h);
    if (h === "*" || origin === h) host = h;
    else errors.push(`host=${JSON.stringify(hostRaw)}: not an origin like https://course.example (no path) or *`);
  }
  return { embed, hide, host, errors };
}

/** The origin of an absolute http(s) URL, or null. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/** The query the settings parser reads: the embed's keys left out, `preset=` read as `model=`. */
export function settingsQuery(search: string): string {
  const params = new URLSearchParams(search);
  for (const key of EMBED_KEYS) params.delete(key);
  const preset = params.get("preset");
  params.delete("preset");
  if (preset !== null && !params.has("model")) params.set("model", preset);
  const q = params.toString();
  return q === "" ? "" : `?${q}`;
}

/** A settings query (`?data=…`, the page's address after an edit) with the embed's keys of
 *  `current` kept, so that a reload in the iframe keeps its hidden panels and host. */
export function withEmbedKeys(query: string, current: string): string {
  const from = new URLSearchParams(current);
  const params = new URLSearchParams(query);
  for (const key of EMBED_KEYS) {
    const v = from.get(key);
    if (v !== null) params.set(key, v);
  }
  return `?${params.toString()}`;
}

/** `postMessage`'s target origin: the host's, or "/" (the page's own origin). */
export function targetOrigin(host: string | null): string {
  return host ?? "/";
}

/** May a command from `origin` drive the page? Only the host's origin (any origin for `host=*`). */
export function acceptOrigin(origin: string, host: string | null, ownOrigin: string): boolean {
  if (host === "*") return true;
  const allowed = host ?? ownOrigin;
  return allowed !== "null" && origin === allowed;
}

/** Keras' `logs` at an epoch's end. */
export interface EpochLogs {
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  learning_rate: number;
}

/** The final metrics (window.kiln.result's fields). */
export interface DoneMetrics {
  run: number;
  model: string;
  data: string;
  backend: Backend | null;
  epochs: number;
  test_loss: number;
  test_accuracy: number;
  f1: number;
  auc: number;
  params: number | null;
  seconds: number;
  history: History;
}

/** From the page to the host page. */
export type ToHost =
  | { type: "kiln:ready"; version: number; presets: string[]; autostart: boolean }
  | {
      type: "kiln:prepared"; run: number; model: string; data: string; train_samples: number; val_samples: number;
      test_samples: number; steps_per_epoch: number; params: number;
    }
  | { type: "kiln:progress"; run: number; epoch: number; epochs: number; step: number; steps: number; loss: number; accuracy: number }
  | { type: "kiln:epoch"; run: number; epoch: number; epochs: number; logs: EpochLogs }
  | ({ type: "kiln:done"; stopped_early: boolean } & DoneMetrics)
  | { type: "kiln:error"; message: string }
  | { type: "kiln:size"; height: number };

export type ToHostType = ToHost["type"];
export const TO_HOST_TYPES: readonly ToHostType[] = [
  "kiln:ready", "kiln:prepared", "kiln:progress", "kiln:epoch", "kiln:done", "kiln:error", "kiln:size",
];

/** From the host page to the page: settings use the URL's keys and values (`{epochs: 2, preset: "m1_lstm"}`). */
export type FromHost =
  | { type: "kiln:train" }
  | { type: "kiln:stop" }
  | { type: "kiln:set"; settings: Record<string, string | number | boolean | null> };

export type Parsed = { ok: true; command: FromHost } | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A host's message: a command, an error for a malformed `kiln:` message, or null (not Kiln's: ignored). */
export function parseFromHost(data: unknown): Parsed | null {
  if (!isRecord(data) || typeof data.type !== "string" || !data.type.startsWith("kiln:")) return null;
  switch (data.type) {
    case "kiln:train":
      return { ok: true, command: { type: "kiln:train" } };
    case "kiln:stop":
      return { ok: true, command: { type: "kiln:stop" } };
    case "kiln:set": {
      if (!isRecord(data.settings)) return { ok: false, error: "kiln:set needs settings: {key: value, …} with the URL's keys" };
      const settings: Record<string, string | number | boolean | null> = {};
      for (const [key, value] of Object.entries(data.settings)) {
        if (value !== null && !["string", "number", "boolean"].includes(typeof value)) {
          return { ok: false, error: `kiln:set: ${key} should be a string, number, boolean or null` };
        }
        settings[key] = value as string | number | boolean | null;
      }
      return { ok: true, command: { type: "kiln:set", settings } };
    }
    default:
      if ((TO_HOST_TYPES as readonly string[]).includes(data.type)) return null; // the page's own kind, echoed
      return { ok: false, error: `${data.type}: unknown command (kiln:train, kiln:stop, kiln:set)` };
  }
}

/** A page's message as the host sees it, or null when it is not one (the element relays only these). */
export function parseToHost(data: unknown): ToHost | null {
  if (!isRecord(data) || typeof data.type !== "string") return null;
  return (TO_HOST_TYPES as readonly string[]).includes(data.type) ? (data as unknown as ToHost) : null;
}

/** The settings query after `kiln:set`: the page's current query with the given keys replaced
 *  (`null` or "" clears a key); `preset` is `model`, the embed's own keys cannot be set. */
export function mergeSettings(current: string, settings: Record<string, string | number | boolean | null>): { query: string; errors: string[] } {
  const params = new URLSearchParams(settingsQuery(current));
  params.delete("autostart");
  const errors: string[] = [];
  for (const [given, value] of Object.entries(settings)) {
    const key = given === "preset" ? "model" : given;
    if ((EMBED_KEYS as readonly string[]).includes(key) || key === "autostart") {
      errors.push(`${key}: set in the iframe's address, not by kiln:set`);
      continue;
    }
    if (key === "model") params.delete("layers"); // a preset replaces custom layers
    if (value === null || value === "") params.delete(key);
    else params.set(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  const q = params.toString();
  return { query: q === "" ? "" : `?${q}`, errors };
}

/** The message for one of the worker's run events (`done` comes from the page's result: doneMessage). */
export function fromRunEvent(ev: RunEvent, run: { run: number; epochs: number; model: string; data: string }): ToHost | null {
  switch (ev.type) {
    case "prepared":
      return {
        type: "kiln:prepared", run: run.run, model: run.model, data: run.data, train_samples: ev.train_samples,
        val_samples: ev.val_samples, test_samples: ev.test_samples, steps_per_epoch: ev.steps_per_epoch,
        params: ev.summary.total_params,
      };
    case "step":
      return { type: "kiln:progress", run: run.run, epoch: ev.epoch, epochs: run.epochs, step: ev.step, steps: ev.steps, loss: ev.loss, accuracy: ev.accuracy };
    case "epoch":
      return {
        type: "kiln:epoch", run: run.run, epoch: ev.epoch, epochs: run.epochs,
        logs: { loss: ev.loss, accuracy: ev.accuracy, val_loss: ev.val_loss, val_accuracy: ev.val_accuracy, learning_rate: ev.learning_rate },
      };
    case "done":
      return null;
  }
}

export function doneMessage(r: DoneMetrics, stoppedEarly: boolean): ToHost {
  return {
    type: "kiln:done", stopped_early: stoppedEarly, run: r.run, model: r.model, data: r.data, backend: r.backend,
    epochs: r.epochs, test_loss: r.test_loss, test_accuracy: r.test_accuracy, f1: r.f1, auc: r.auc, params: r.params,
    seconds: r.seconds, history: r.history,
  };
}

/** At most one progress message per `everyMs`, but always an epoch's first and last step. */
export function postProgress(step: number, steps: number, sinceLastMs: number, everyMs = 100): boolean {
  return step === 1 || step === steps || sinceLastMs >= everyMs;
}

/** `kiln:progress` → the element's DOM event `kiln-progress`. */
export function eventName(type: ToHostType): string {
  return type.replace(":", "-");
}

/** Attributes of `<kiln-trainer>` that are not settings for the page's URL. */
const OWN_ATTRIBUTES = ["src", "height", "width", "title", "loading", "allow", "autostart", "preset"];
const GLOBAL_ATTRIBUTE = /^(id|class|style|lang|dir|hidden|tabindex|slot|part|role|nonce|is|inert|popover|translate|draggable|autofocus|accesskey|contenteditable|spellcheck|inputmode|enterkeyhint|aria-.*|data-.*|on.*)$/;

/**
 * The iframe's address for `<kiln-trainer>`: `src` with `embed=1`, the host's origin
 * (so that a page on another origin gets the messages), `preset` as `model`, `autostart`
 * as `autostart=1`, and every other attribute as a URL setting (the page reports unknown ones).
 */
export function frameUrl(src: string, attrs: readonly (readonly [string, string])[], hostOrigin: string | null): string {
  const [path, query = ""] = src.split("?", 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set("embed", "1");
  if (hostOrigin && hostOrigin !== "null") params.set("host", hostOrigin);
  for (const [name, value] of attrs) {
    if (name === "preset") params.set("model", value);
    else if (name === "autostart") {
      if (value !== "false" && value !== "0") params.set("autostart", "1");
    } else if (!OWN_ATTRIBUTES.includes(name) && !GLOBAL_ATTRIBUTE.test(name)) params.set(name, value);
  }
  return `${path}?${params.toString()}`;
}
