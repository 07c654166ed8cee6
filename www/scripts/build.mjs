// Bundles the page (src/main.ts) and the worker (src/worker.ts) into dist/,
// the <kiln-trainer> element for other pages (src/embed_element.ts → dist/kiln-embed.js)
// and the embed example's script (src/embed_example.ts → dist/embed-example.js),
// and copies uPlot's stylesheet next to them. www/pkg/kiln.js (wasm-bindgen's
// output) is not bundled: the worker imports it at run time.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const www = fileURLToPath(new URL("..", import.meta.url));
const dist = `${www}dist`;

await mkdir(dist, { recursive: true });
await build({
  absWorkingDir: www,
  entryPoints: {
    main: "src/main.ts",
    worker: "src/worker.ts",
    "kiln-embed": "src/embed_element.ts",
    "embed-example": "src/embed_example.ts",
  },
  outdir: dist,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome113", "firefox121", "safari17"],
  sourcemap: true,
  external: ["../pkg/kiln.js"],
  logLevel: "info",
});
await copyFile(`${www}node_modules/uplot/dist/uPlot.min.css`, `${dist}/uPlot.min.css`);
console.log("built www/dist/{main,worker,kiln-embed,embed-example}.js and uPlot.min.css");
