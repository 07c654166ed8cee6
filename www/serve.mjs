#!/usr/bin/env node
// A zero-dependency static server for the repo root (the page is /index.html).
// Usage: node www/serve.mjs [--port 8080] [--root DIR]
// Binds 127.0.0.1; serves .wasm as application/wasm; refuses paths outside the root.
// Sends each HTML file's <meta http-equiv="Content-Security-Policy"> as a header too, and
// index.html's policy with every other file: a worker's policy comes from its script's
// response, which a meta cannot give. No frame-ancestors, no X-Frame-Options: any site may
// iframe the page (docs/embed.md). COOP/COEP make the page cross-origin isolated (wasm
// threads for the CPU backend); an embedding site without them gets the single-threaded build.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

const root = resolve(arg("root", fileURLToPath(new URL("..", import.meta.url))));
const port = Number(arg("port", "8080"));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`bad --port ${arg("port", "")}`);
  process.exit(2);
}

/** The file for a URL path, or null when it leaves the root. */
function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = normalize(join(root, decoded));
  return file === root || file.startsWith(root + sep) ? file : null;
}

const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i;

/** The Content-Security-Policy an HTML file's meta declares, or null. */
async function metaPolicy(file) {
  try {
    return CSP_META.exec(await readFile(file, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

function send(res, code, text) {
  res.writeHead(code, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}

const server = createServer(async (req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed");
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  let file = resolvePath(path);
  if (!file) return send(res, 403, "forbidden");
  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, "index.html");
      info = await stat(file);
    }
  } catch {
    return send(res, 404, `not found: ${path}`);
  }
  if (!info.isFile()) return send(res, 404, `not found: ${path}`);
  const type = extname(file).toLowerCase();
  const policy = await metaPolicy(type === ".html" ? file : join(root, "index.html"));
  res.writeHead(200, {
    "content-type": TYPES[type] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-cache",
    // Cross-origin isolation: the page gets SharedArrayBuffer, so CPU runs can use the
    // threaded build (www/src/threads.ts). Every resource the page loads is same-origin.
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    // …and any page may still embed it (an isolated course page needs this on the iframe's
    // document and on kiln-embed.js).
    "cross-origin-resource-policy": "cross-origin",
    ...(policy ? { "content-security-policy": policy } : {}),
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
});

server.on("error", (e) => {
  console.error(`serve.mjs: ${e.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  const addr = server.address();
  console.log(`serving ${root} at http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : port}/`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
