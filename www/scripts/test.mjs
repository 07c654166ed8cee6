// Compiles tests/www/*.test.ts with esbuild into dist/tests/ and runs them
// with node's test runner (which prints its summary).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const www = fileURLToPath(new URL("..", import.meta.url));
const testsDir = fileURLToPath(new URL("../../tests/www/", import.meta.url));
const outdir = `${www}dist/tests`;

const names = readdirSync(testsDir).filter((f) => f.endsWith(".test.ts")).sort();
if (names.length === 0) {
  console.error(`no *.test.ts in ${testsDir}`);
  process.exit(1);
}
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: names.map((n) => `${testsDir}${n}`),
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "inline",
  packages: "external",
  logLevel: "warning",
});
const files = names.map((n) => `${outdir}/${n.replace(/\.ts$/, ".mjs")}`);
const run = spawnSync(process.execPath, ["--enable-source-maps", "--test", ...files], { stdio: "inherit" });
process.exit(run.status ?? 1);
