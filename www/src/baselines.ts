// Seed 000's classical baselines on the page (pure: no DOM): the form's values
// as the two BaselineConfigs to fit, a fitted report as a comparison row, and
// the lines the page prints about them.

import { t } from "./i18n.js";
import type { BaselineConfig, BaselineKind, BaselineReport, RunConfig, Weighted } from "./protocol.js";
import type { BaselineResult } from "./session.js";

/** The baselines form as typed (strings from the inputs). */
export interface BaselineForm {
  features: "tfidf" | "counts";
  ngrams: "1" | "2";
  max_features: string; // empty: the run's num_words
  c: string;
}

export const DEFAULT_FORM: BaselineForm = { features: "tfidf", ngrams: "2", max_features: "", c: "1" };

/** Fitted in this order by "Add TF-IDF baselines". */
export const KINDS: readonly BaselineKind[] = ["logreg", "svm"];

const MODEL_NAMES: Record<BaselineKind, string> = { logreg: "LogisticRegression", svm: "LinearSVC" };

export type Parsed = { ok: true; configs: BaselineConfig[] } | { ok: false; errors: string[] };

/** One config per kind, or what is wrong with the form (each line names its field). */
export function parseBaselineForm(form: BaselineForm): Parsed {
  const errors: string[] = [];
  const maxText = form.max_features.trim();
  const max = maxText === "" ? undefined : Number(maxText);
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    errors.push(`max features: "${maxText}" is not a whole number of at least 1 (leave it empty for the run's num_words)`);
  }
  const cText = form.c.trim();
  const c = Number(cText);
  if (cText === "" || !(Number.isFinite(c) && c > 0)) {
    errors.push(`C: "${cText}" is not a positive number (the inverse regularisation strength, 1 by default)`);
  }
  if (errors.length > 0) return { ok: false, errors };
  const shared = { ngrams: form.ngrams === "1" ? 1 : 2, tfidf: form.features === "tfidf", c };
  return { ok: true, configs: KINDS.map((kind) => ({ kind, ...shared, ...(max === undefined ? {} : { max_features: max }) })) };
}

/** "TF-IDF 1–2-grams + LogisticRegression", for the status line before the report names it. */
export function baselineLabel(b: BaselineConfig): string {
  const features = b.tfidf === false ? "counts" : "TF-IDF";
  const grams = (b.ngrams ?? 2) === 1 ? "1-grams" : `1–${b.ngrams ?? 2}-grams`;
  return `${features} ${grams} + ${MODEL_NAMES[b.kind]}`;
}

/** A fitted baseline as a comparison row; `seconds`: the fit call's wall time in the page. */
export function baselineResult(run: number, report: BaselineReport, config: RunConfig, seconds: number): BaselineResult {
  return {
    run,
    kind: "baseline",
    model: report.name,
    data: config.data,
    backend: "cpu",
    test_accuracy: report.evaluation.accuracy,
    f1: report.evaluation.f1,
    auc: report.evaluation.auc,
    params: report.params,
    seconds: Math.round(seconds * 1000) / 1000,
    features: report.features,
  };
}

/** The evaluation panel's title for a baseline. */
export function baselineTitle(r: BaselineResult, report: BaselineReport): string {
  const params = {
    run: String(r.run), model: r.model, data: r.data, features: report.features, iterations: String(report.iterations),
    samples: String(report.evaluation.samples),
  };
  return t(report.converged ? "bl.title" : "bl.titleNotConverged", params);
}

/** "Fitted TF-IDF 1–2-grams + LogisticRegression in 1.2 s; … LinearSVC in 0.4 s." */
export function fittedLine(fits: readonly { name: string; seconds: number }[]): string {
  const time = (s: number): string => s.toFixed(s < 1 ? 2 : 1);
  return t("bl.fitted", { list: fits.map((f) => t("bl.fitItem", { name: f.name, seconds: time(f.seconds) })).join("; ") });
}

export interface NgramColumn {
  title: string; // "towards positive"
  rows: Weighted[];
}

/** The n-grams pushing hardest towards each class (class 1 first); none for more than two classes. */
export function ngramColumns(report: BaselineReport): NgramColumn[] {
  const [negative, positive] = report.evaluation.classes;
  if (report.evaluation.classes.length !== 2 || (report.top_positive.length === 0 && report.top_negative.length === 0)) return [];
  return [
    { title: t("bl.towards", { name: positive ?? "1" }), rows: report.top_positive },
    { title: t("bl.towards", { name: negative ?? "0" }), rows: report.top_negative },
  ];
}
