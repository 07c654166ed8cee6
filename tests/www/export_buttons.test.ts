// The Export buttons' file names (www/src/ui/export_buttons.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { EXPORTS, safeName } from "../../www/src/ui/export_buttons.js";

test("model names become safe file names", () => {
  const cases: [string, string][] = [
    ["m1_lstm", "m1_lstm"],
    ["s003_cnn-lstm", "s003_cnn-lstm"],
    ["my model / v2", "my_model_v2"],
    ["../../etc", "etc"],
    ["", "model"],
    ["한국어", "model"],
  ];
  for (const [model, want] of cases) assert.equal(safeName(model), want, model);
});

test("each format has its button id and file", () => {
  const got = EXPORTS.map((x) => [x.format, x.id, x.file("m4_pooled")]);
  assert.deepEqual(got, [
    ["keras", "export-keras", "kiln-m4_pooled-keras.zip"],
    ["tfjs", "export-tfjs", "kiln-m4_pooled-tfjs.zip"],
    ["tokenizer", "export-tokenizer", "kiln-m4_pooled-tokenizer.json"],
  ]);
});
