// Check Kiln's TF.js exports with TensorFlow.js itself (@tensorflow/tfjs, www's devDependency):
// load each zip's model.json with tf.loadLayersModel (through the same manifest reader as
// browserFiles/http), predict the first test reviews and compare with Kiln's probabilities in
// expected.json. Prints max |Δprob| per zip; exits non-zero if any load fails or differs by
// more than 1e-4.
//
//   node tools/tfjs_export_check.mjs out/export/*-tfjs.zip

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { unzip } from "./unzip.mjs";

const require = createRequire(new URL("../www/package.json", import.meta.url));
const tf = require("@tensorflow/tfjs");

/** The model of an unzipped export, loaded as tf.loadLayersModel loads model.json. */
export async function loadExport(files) {
  const modelJson = JSON.parse(files.get("model.json").toString("utf8"));
  const handler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const parts = manifest.flatMap((group) => group.paths.map((p) => {
          const bytes = files.get(p);
          if (!bytes) throw new Error(`model.json names ${p}, which the zip does not hold`);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        }));
        return [specs, tf.io.concatenateArrayBuffers(parts)];
      }),
  };
  return tf.loadLayersModel(handler);
}

/** max |Δprob| between TF.js and Kiln on expected.json's reviews. */
export async function checkExport(files) {
  const expected = JSON.parse(files.get("expected.json").toString("utf8"));
  const model = await loadExport(files);
  const x = tf.tensor2d(expected.x, [expected.x.length, expected.maxlen], "float32");
  const probs = await model.predict(x).array();
  let diff = 0;
  probs.forEach((row, i) => row.forEach((p, j) => (diff = Math.max(diff, Math.abs(p - expected.probabilities[i][j])))));
  x.dispose();
  model.dispose();
  const flat = expected.probabilities.flat();
  const range = `${Math.min(...flat).toFixed(3)}–${Math.max(...flat).toFixed(3)}`;
  return { model: expected.model, samples: expected.x.length, range, maxAbsDiff: diff };
}

async function main() {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error("usage: node tools/tfjs_export_check.mjs FILE-tfjs.zip …");
    process.exit(2);
  }
  let failed = 0;
  console.log(`${"model".padEnd(30)} ${"samples".padStart(7)} ${"Kiln probs".padStart(13)} ${"max |Δprob|".padStart(12)}`);
  for (const path of paths) {
    try {
      const r = await checkExport(unzip(readFileSync(path)));
      const ok = r.maxAbsDiff < 1e-4;
      failed += ok ? 0 : 1;
      console.log(`${r.model.padEnd(30)} ${String(r.samples).padStart(7)} ${r.range.padStart(13)} ${r.maxAbsDiff.toExponential(2).padStart(12)}${ok ? "" : "  FAIL"}`);
    } catch (e) {
      failed++;
      console.log(`${basename(path).padEnd(30)} ERROR ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  console.log(`${paths.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
