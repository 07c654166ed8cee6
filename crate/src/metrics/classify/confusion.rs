//! The confusion matrix and what scikit-learn derives from it: per-class precision,
//! recall, specificity and F-beta with `zero_division=0`, and `classification_report`'s rows.

use crate::dto::ReportRow;

/// `counts[true][predicted]` over `k` classes.
pub(crate) struct Confusion {
    pub(crate) counts: Vec<Vec<usize>>,
}

/// One class against the rest.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClassStats {
    pub(crate) precision: f64,
    pub(crate) recall: f64,
    pub(crate) specificity: f64,
    pub(crate) f1: f64,
    pub(crate) f2: f64,
    pub(crate) support: usize,
}

/// `a / b`, or 0 when `b` is 0 (scikit-learn's `zero_division=0`).
fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

/// F-beta from counts, as scikit-learn computes it: (1+β²)·TP / ((1+β²)·TP + β²·FN + FP).
fn fbeta(tp: f64, fp: f64, fn_: f64, beta: f64) -> f64 {
    let b2 = beta * beta;
    ratio((1.0 + b2) * tp, (1.0 + b2) * tp + b2 * fn_ + fp)
}

impl Confusion {
    /// `pairs`: (true, predicted) class ids below `k`.
    pub(crate) fn new(k: usize, pairs: impl Iterator<Item = (usize, usize)>) -> Confusion {
        let mut counts = vec![vec![0; k]; k];
        for (t, p) in pairs {
            counts[t][p] += 1;
        }
        Confusion { counts }
    }

    pub(crate) fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    pub(crate) fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.counts.len()).map(|c| self.counts[c][c]).sum();
        ratio(correct as f64, self.total() as f64)
    }

    /// Class `c` against the rest.
    pub(crate) fn class(&self, c: usize) -> ClassStats {
        let tp = self.counts[c][c];
        let support: usize = self.counts[c].iter().sum();
        let predicted: usize = self.counts.iter().map(|row| row[c]).sum();
        let (fn_, fp) = (support - tp, predicted - tp);
        let tn = self.total() - tp - fn_ - fp;
        let [tp, fp, fn_, tn] = [tp, fp, fn_, tn].map(|v| v as f64);
        ClassStats {
            precision: ratio(tp, tp + fp),
            recall: ratio(tp, tp + fn_),
            specificity: ratio(tn, tn + fp),
            f1: fbeta(tp, fp, fn_, 1.0),
            f2: fbeta(tp, fp, fn_, 2.0),
            support,
        }
    }

    pub(crate) fn classes(&self) -> Vec<ClassStats> {
        (0..self.counts.len()).map(|c| self.class(c)).collect()
    }
}

/// The unweighted mean of every class's numbers (scikit-learn's `average="macro"` with
/// `labels` = every class, so classes absent from the data count as zeros); support = all rows.
pub(crate) fn macro_average(stats: &[ClassStats]) -> ClassStats {
    average(stats, |_| 1.0)
}

/// The mean weighted by `weight`; zeros when the weights sum to 0.
fn average(stats: &[ClassStats], weight: fn(&ClassStats) -> f64) -> ClassStats {
    let total: f64 = stats.iter().map(weight).sum();
    let mean = |f: fn(&ClassStats) -> f64| ratio(stats.iter().map(|s| f(s) * weight(s)).sum(), total);
    ClassStats {
        precision: mean(|s| s.precision),
        recall: mean(|s| s.recall),
        specificity: mean(|s| s.specificity),
        f1: mean(|s| s.f1),
        f2: mean(|s| s.f2),
        support: stats.iter().map(|s| s.support).sum(),
    }
}

/// `classification_report`'s rows: one per class, then `macro avg` and `weighted avg`.
pub(crate) fn report_rows(names: &[String], stats: &[ClassStats]) -> Vec<ReportRow> {
    let row = |label: &str, s: &ClassStats| ReportRow {
        label: label.to_string(),
        precision: s.precision,
        recall: s.recall,
        f1: s.f1,
        support: s.support,
    };
    let mut rows: Vec<ReportRow> = names.iter().zip(stats).map(|(name, s)| row(name, s)).collect();
    rows.push(row("macro avg", &macro_average(stats)));
    rows.push(row("weighted avg", &average(stats, |s| s.support as f64)));
    rows
}
