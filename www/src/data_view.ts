// What the data panel decides, without the DOM: when the data view must be
// asked for again, seed 004's length lines, whether to propose a multi-class
// output layer, and which data has a test part of its own.

import { t } from "./i18n.js";
import type { DatasetName, Format, LayerConfig, LengthStats, Loss, RunConfig } from "./protocol.js";

/** The settings a data view depends on; equal keys give the same view. */
export function viewKey(c: RunConfig): string {
  return JSON.stringify([c.data, c.num_words, c.maxlen, c.test_split, c.seed, c.text]);
}

const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/** Seed 004's look at lengths: "mean 12.3 · median 10 · max 80 · σ 8.9 · mean+2σ 30.1". */
export function lengthSummary(s: LengthStats): string {
  return t("dv.lengths", {
    mean: fixed(s.mean, 1), median: fixed(s.median, 1), max: String(s.max), std: fixed(s.std, 1), mean2sd: fixed(s.mean_plus_2sd, 1),
  });
}

/** "93.2 % of texts fit in maxlen 30" (texts with at most maxlen tokens). */
export function fitLine(s: LengthStats): string {
  return t("dv.fit", { percent: fixed(s.fit_percent, 1), maxlen: String(s.maxlen) });
}

/** The maxlen seed 004 would take, when it differs from the one set. */
export function maxlenOffer(s: LengthStats): number | null {
  return s.suggested_maxlen > 0 && s.suggested_maxlen !== s.maxlen ? s.suggested_maxlen : null;
}

export interface MultiClass {
  classes: number;
  layers: LayerConfig[];
  loss: Loss;
}

/**
 * More than two classes and a binary head (Dense(1, sigmoid) or a binary loss):
 * the layers with the last Dense as Dense(k, softmax) and Keras' loss for integer
 * labels. Null when the model already fits the classes or has no Dense at the end.
 */
export function multiClassProposal(layers: readonly LayerConfig[], loss: Loss, classes: number): MultiClass | null {
  if (classes <= 2) return null;
  const last = layers.at(-1);
  if (last?.kind !== "dense") return null;
  if (last.units === classes && last.activation === "softmax" && loss !== "binary_crossentropy") return null;
  const out = structuredClone([...layers]);
  out[out.length - 1] = { ...last, units: classes, activation: "softmax" };
  return { classes, layers: out, loss: loss === "categorical_crossentropy" ? loss : "sparse_categorical_crossentropy" };
}

/** Data without its own test part, where test_split holds some out: the Korean
 *  sample and files other than the aclImdb archive (which has train/ and test/). */
export function usesTestSplit(data: DatasetName, format: Format | null): boolean {
  if (data === "ko-sample") return true;
  return data === "file" && format !== "acl_imdb";
}

/** "12.5 MB" / "830 kB" / "120 B". */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
