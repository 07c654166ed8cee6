// The pages' Content-Security-Policy (README "Security"): index.html and www/embed-example.html
// declare it in a meta (www/serve.mjs sends the same as a header), and their markup needs no
// relaxation: no inline script, no on*= handlers, no style attributes or <style> blocks.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

/** The repository's file at `path`, found upwards from this (bundled) test file. */
function read(path: string): string {
  for (let dir = new URL("./", import.meta.url); dir.pathname !== "/"; dir = new URL("../", dir)) {
    if (existsSync(new URL("www/serve.mjs", dir))) return readFileSync(new URL(path, dir), "utf8");
  }
  throw new Error("the repository root was not found above the test");
}

/** The meta's policy as directive → sources. */
function policy(html: string): Map<string, string[]> {
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  assert.ok(m, "a <meta http-equiv=\"Content-Security-Policy\">");
  const directives = (m[1] ?? "").split(";").map((d) => d.trim().split(/\s+/));
  return new Map(directives.filter((d) => d[0]).map(([name, ...sources]) => [name ?? "", sources]));
}

/** What in the markup a strict policy would refuse, as short descriptions. */
function inlineMarkup(html: string): string[] {
  const found: string[] = [];
  const noComments = html.replace(/<!--[\s\S]*?-->/g, "");
  for (const m of noComments.matchAll(/<script\b([^>]*)>/gi)) if (!/\bsrc=/.test(m[1] ?? "")) found.push(`inline <script${m[1]}>`);
  for (const m of noComments.matchAll(/<[a-z][\w-]*\b[^>]*\s(on[a-z]+|style)\s*=/gi)) found.push(`${m[1]}= attribute`);
  if (/<style\b/i.test(noComments)) found.push("<style> block");
  return found;
}

test("index.html: only its own origin, wasm the only script relaxation, embeddable anywhere", () => {
  const p = policy(read("index.html"));
  const want: [string, string[]][] = [
    ["default-src", ["'self'"]], ["script-src", ["'self'", "'wasm-unsafe-eval'"]], ["worker-src", ["'self'", "blob:"]],
    ["connect-src", ["'self'"]], ["img-src", ["'self'"]], ["style-src", ["'self'"]], ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]], ["form-action", ["'self'"]],
  ];
  for (const [name, sources] of want) assert.deepEqual(p.get(name), sources, name);
  assert.ok(!p.has("frame-ancestors"), "frame-ancestors would block course sites (and a meta ignores it)");
  // blob: only for workers: wasm-bindgen-rayon's threads start from a blob copy of its helper
  for (const [name, sources] of p) {
    const ok = (s: string): boolean => s === "'self'" || s === "'none'" || s === "'wasm-unsafe-eval'" || (name === "worker-src" && s === "blob:");
    assert.ok(sources.every(ok), [...p].join("; "));
  }
});

test("embed-example.html: no script relaxation; frames only from itself and local test servers", () => {
  const p = policy(read("www/embed-example.html"));
  assert.deepEqual(p.get("script-src"), ["'self'"]);
  assert.deepEqual(p.get("style-src"), ["'self'"]);
  assert.deepEqual(p.get("object-src"), ["'none'"]);
  assert.deepEqual(p.get("frame-src"), ["'self'", "http://127.0.0.1:*", "http://localhost:*"]);
});

test("the pages' markup needs no 'unsafe-inline'", () => {
  for (const path of ["index.html", "www/embed-example.html"]) assert.deepEqual(inlineMarkup(read(path)), [], path);
  assert.deepEqual(inlineMarkup('<p onclick="x()">a</p><div style="color:red"></div><script>1</script><style></style>'),
    ["inline <script>", "onclick= attribute", "style= attribute", "<style> block"]);
});
