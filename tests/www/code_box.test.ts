// The Keras code box's error quote (www/src/ui/code_box.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { errorLine, excerpt } from "../../www/src/ui/code_box.js";

test("the error's line number is read from the message", () => {
  assert.equal(errorLine("line 3, column 11: unknown layer `Transformer`"), 3);
  assert.equal(errorLine("found no model"), null);
});

test("a long source line is quoted as a window around the column", () => {
  const cases: [string, number | null, string][] = [
    ["model.add(Dense(1))", 5, "model.add(Dense(1))"],
    ["a".repeat(120), 1, "a".repeat(120)],
    [`${"x".repeat(10)}${"1+".repeat(100)}`, 1, `${"x".repeat(10)}${"1+".repeat(55)}…`],
    [`${"1+".repeat(100)}END`, 203, `…${"+1".repeat(58)}+END`],
  ];
  for (const [source, column, want] of cases) assert.equal(excerpt(source, column), want, `${source.length} chars at column ${column}`);
  const huge = excerpt("1+".repeat(500_000), 250_000);
  assert.ok(huge.length <= 122 && huge.startsWith("…") && huge.endsWith("…"), huge);
});
