// Hand a file to the browser's downloads: a Blob behind a temporary link.

import { el } from "./dom.js";

/** Start the download of `data` as `name`; returns its size in bytes. */
export function saveFile(name: string, data: Blob | string, type = "text/plain;charset=utf-8"): number {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const link = el("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob.size;
}

/** "12 KiB", "1.4 MiB". */
export function sizeText(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}
