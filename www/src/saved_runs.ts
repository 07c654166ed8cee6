// Saved runs in IndexedDB, shared by the worker (which writes at epoch ends, on pause and when
// done) and the page (which lists, renames, deletes, downloads and uploads them). A record's
// summary and its file live in two stores, so listing never reads the weights.

import { t } from "./i18n.js";
import type { History, RunConfig, RunEvent } from "./protocol.js";

const DB = "kiln";
const VERSION = 1;
const SUMMARIES = "runs";
const FILES = "files";

/** What the list shows and what resuming needs besides the file. */
export interface SavedSummary {
  key: string;
  name: string;
  config: RunConfig;
  /** `cpu` or `webgpu`: the backend it trained on. */
  backend: string;
  epoch: number;
  step: number;
  finished: boolean;
  history: History;
  /** The step and epoch events so far: the curves are redrawn from them on resume. */
  events: RunEvent[];
  savedAt: number;
  bytes: number;
}

/** What went wrong with the browser's storage, in words a user can act on. */
export function storageError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : "";
  if (name === "QuotaExceededError") {
    return "The browser's storage is full: this run was not saved. Delete old saved runs or download this one; training goes on and nothing trained is lost.";
  }
  if (typeof indexedDB === "undefined") return "This browser has no IndexedDB (private mode?): runs are not saved.";
  const why = e instanceof Error ? e.message : String(e);
  return `Saving in the browser's storage failed (${why}); training goes on.`;
}

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(SUMMARIES)) db.createObjectStore(SUMMARIES, { keyPath: "key" });
      if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB could not be opened"));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException("aborted", "AbortError"));
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
  });
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

/** Save (or overwrite) a run: its summary and its file, in one transaction. */
export async function putRun(summary: SavedSummary, file: Uint8Array): Promise<void> {
  const db = await open();
  const tx = db.transaction([SUMMARIES, FILES], "readwrite");
  tx.objectStore(SUMMARIES).put(summary);
  tx.objectStore(FILES).put(file, summary.key);
  await done(tx);
}

/** Every saved run, newest first. */
export async function listRuns(): Promise<SavedSummary[]> {
  const db = await open();
  const all = await request(db.transaction(SUMMARIES).objectStore(SUMMARIES).getAll() as IDBRequest<SavedSummary[]>);
  return all.sort((a, b) => b.savedAt - a.savedAt);
}

export async function getRun(key: string): Promise<{ summary: SavedSummary; file: Uint8Array }> {
  const db = await open();
  const tx = db.transaction([SUMMARIES, FILES]);
  const [summary, file] = await Promise.all([
    request(tx.objectStore(SUMMARIES).get(key) as IDBRequest<SavedSummary | undefined>),
    request(tx.objectStore(FILES).get(key) as IDBRequest<Uint8Array | undefined>),
  ]);
  if (!summary || !file) throw new Error(`The saved run ${key} is gone (deleted in another tab?)`);
  return { summary, file };
}

export async function deleteRun(key: string): Promise<void> {
  const db = await open();
  const tx = db.transaction([SUMMARIES, FILES], "readwrite");
  tx.objectStore(SUMMARIES).delete(key);
  tx.objectStore(FILES).delete(key);
  await done(tx);
}

export async function renameRun(key: string, name: string): Promise<void> {
  const { summary } = await getRun(key);
  const db = await open();
  const tx = db.transaction(SUMMARIES, "readwrite");
  tx.objectStore(SUMMARIES).put({ ...summary, name: name.trim() || summary.name });
  await done(tx);
}

/** `used of quota` in words (the current language), or "" where the browser does not say. */
export async function storageUse(): Promise<string> {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (!estimate?.usage && !estimate?.quota) return "";
  return t("saved.use", { used: megabytes(estimate.usage ?? 0), quota: megabytes(estimate.quota ?? 0) });
}

export function megabytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

/** The step and epoch events a file's history implies, for a run file uploaded without its events. */
export function eventsFromHistory(history: History): RunEvent[] {
  return history.loss.map((loss, i) => ({
    type: "epoch",
    epoch: i + 1,
    loss,
    accuracy: history.accuracy[i] ?? NaN,
    val_loss: history.val_loss[i] ?? NaN,
    val_accuracy: history.val_accuracy[i] ?? NaN,
    learning_rate: NaN,
  }));
}
