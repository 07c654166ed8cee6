// Seed 000's baselines on the page (www/src/baselines.ts): the form's values, a
// report as a comparison row, the lines printed about them. The report is the
// shared fixture that crate/'s DTO round-trip also reads.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_FORM, baselineLabel, baselineResult, baselineTitle, fittedLine, ngramColumns, parseBaselineForm, type BaselineForm,
} from "../../www/src/baselines.js";
import { COLUMNS } from "../../www/src/comparison.js";
import type { BaselineConfig, BaselineReport, RunConfig } from "../../www/src/protocol.js";
import sample from "../fixtures/protocol_sample.json";

const report = sample.baseline.report as BaselineReport;
const config = { ...sample.config, data: "ko-sample" } as RunConfig;

test("the form: two configs (LogisticRegression, then LinearSVC) or every field's error", () => {
  const form = (f: Partial<BaselineForm>): BaselineForm => ({ ...DEFAULT_FORM, ...f });
  const both = (b: Omit<BaselineConfig, "kind">): BaselineConfig[] => [{ kind: "logreg", ...b }, { kind: "svm", ...b }];
  const ok: [Partial<BaselineForm>, BaselineConfig[]][] = [
    [{}, both({ ngrams: 2, tfidf: true, c: 1 })],
    [{ features: "counts", ngrams: "1", max_features: " 5000 ", c: "0.25" }, both({ ngrams: 1, tfidf: false, c: 0.25, max_features: 5000 })],
    [{ c: "1e2", max_features: "1" }, both({ ngrams: 2, tfidf: true, c: 100, max_features: 1 })],
  ];
  for (const [f, want] of ok) assert.deepEqual(parseBaselineForm(form(f)), { ok: true, configs: want }, JSON.stringify(f));
  const bad: [Partial<BaselineForm>, RegExp[]][] = [
    [{ c: "0" }, [/^C: "0" is not a positive number/]],
    [{ c: "-1" }, [/^C: "-1"/]],
    [{ c: "" }, [/^C: "" is not/]],
    [{ c: "abc" }, [/^C: "abc"/]],
    [{ max_features: "0" }, [/^max features: "0" is not a whole number of at least 1/]],
    [{ max_features: "2.5" }, [/^max features: "2.5"/]],
    [{ max_features: "0", c: "0" }, [/^max features/, /^C/]],
  ];
  for (const [f, want] of bad) {
    const r = parseBaselineForm(form(f));
    assert.equal(r.ok, false, JSON.stringify(f));
    if (r.ok) continue;
    assert.equal(r.errors.length, want.length, r.errors.join("\n"));
    want.forEach((re, i) => assert.match(r.errors[i]!, re));
  }
});

test("labels name the features, n-grams and model as the report does", () => {
  const cases: [BaselineConfig, string][] = [
    [sample.baseline.configs[0] as BaselineConfig, report.name],
    [sample.baseline.configs[1] as BaselineConfig, "counts 1-grams + LinearSVC"],
    [{ kind: "svm" }, "TF-IDF 1–2-grams + LinearSVC"],
  ];
  for (const [b, want] of cases) assert.equal(baselineLabel(b), want);
  assert.equal(
    fittedLine([{ name: report.name, seconds: 1.234 }, { name: "TF-IDF 1–2-grams + LinearSVC", seconds: 0.051 }]),
    "Fitted TF-IDF 1–2-grams + LogisticRegression in 1.2 s; TF-IDF 1–2-grams + LinearSVC in 0.05 s.",
  );
});

test("a report as a comparison row: the test evaluation, params, the page's wall time, CPU, no epochs", () => {
  const r = baselineResult(9, report, config, 1.23456);
  assert.deepEqual(r, {
    run: 9, kind: "baseline", model: report.name, data: "ko-sample", backend: "cpu", test_accuracy: report.evaluation.accuracy,
    f1: report.evaluation.f1, auc: report.evaluation.auc, params: 10001, seconds: 1.235, features: 10000,
  });
  const cells = Object.fromEntries(COLUMNS.map((c) => [c.key, c.text(r)]));
  assert.deepEqual([cells.run, cells.epochs, cells.params, cells.backend], ["#9", "–", "10,001", "CPU"]);
  assert.equal(
    baselineTitle(r, report),
    `Baseline #9: ${report.name} on ko-sample, 10,000 features (57 iterations), ${report.evaluation.samples} test texts`,
  );
  assert.match(baselineTitle(r, { ...report, converged: false }), /\(57 iterations, not converged\)/);
});

test("top n-grams: class 1's column first; none for more than two classes or no weights", () => {
  const [neg, pos] = report.evaluation.classes;
  assert.deepEqual(ngramColumns(report), [
    { title: `towards ${pos}`, rows: report.top_positive },
    { title: `towards ${neg}`, rows: report.top_negative },
  ]);
  const three = { ...report, evaluation: { ...report.evaluation, classes: ["a", "b", "c"] } };
  assert.deepEqual(ngramColumns(three), []);
  assert.deepEqual(ngramColumns({ ...report, top_positive: [], top_negative: [] }), []);
});
