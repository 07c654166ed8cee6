//! scikit-learn's classification metrics over predicted probabilities: what the seeds
//! print after `model.evaluate`, plus the ROC and PR curves the page draws.
//!
//! Edge cases (none panics):
//! - ROC-AUC is undefined without both a positive and a negative (scikit-learn returns NaN,
//!   which JSON cannot carry): Kiln reports 0.5, chance, and an empty ROC curve. Multi-class
//!   AUC and AP average only the classes where they are defined (0.5 and 0 when none is).
//! - Average precision and the PR curve follow scikit-learn: AP 0 without positives (recall
//!   counts as 1 at every threshold), 1 when every row is positive.
//! - Precision, recall, F-scores and specificity are 0 where their denominator is
//!   (`zero_division=0`). No rows: every number 0 (AUC 0.5), curves empty but for the PR start.
//! - A NaN probability counts as 0. A missing one (`probs` shorter than `[n, width]`) counts
//!   as 0. Rows whose label is not a class id are left out of every number and `samples`.
//! - Fewer class names than classes (a bug upstream): the missing ones are named by their id.

mod confusion;
mod curves;
mod report;

pub use curves::{pr_curve, roc_curve};

use crate::dto::Evaluation;
use confusion::{Confusion, macro_average, report_rows};
use curves::{Steps, thin};

/// Points kept per curve for the page (AUC and AP use every point).
pub const MAX_CURVE_POINTS: usize = 200;

/// Evaluate predicted probabilities against the true class ids `labels`.
///
/// Two classes: class 1 (the second name) is positive, predicted iff P(class 1) `> threshold`
/// (strictly, as Keras' `binary_accuracy` and the seeds' `1 * (preds > 0.5)`); P(class 1) is
/// the sigmoid output (`width` 1) or the softmax's second column (`width` 2). More classes:
/// the most probable class (the first on ties, as `np.argmax`), `threshold` unused; the
/// averages are macro, AUC and AP macro one-vs-rest, the curves micro (every class-vs-rest
/// pair pooled).
///
/// # Shapes
/// - probs `[labels.len(), width]`, row-major
pub fn evaluate(probs: &[f32], width: usize, labels: &[u32], classes: &[String], threshold: f64) -> Evaluation {
    let width = width.max(1);
    let k = classes.len().max(width).max(2);
    let names: Vec<String> = (0..k).map(|c| classes.get(c).cloned().unwrap_or_else(|| c.to_string())).collect();
    // probability of class `c` in `row`; a sigmoid's single column is class 1's
    let prob = |row: usize, c: usize| -> f64 {
        if width == 1 {
            let p = clean(probs.get(row));
            [1.0 - p, p].get(c).copied().unwrap_or(0.0)
        } else if c < width {
            clean(probs.get(row * width + c))
        } else {
            0.0
        }
    };
    let rows: Vec<(usize, usize)> =
        labels.iter().enumerate().filter(|(_, l)| (**l as usize) < k).map(|(r, &l)| (r, l as usize)).collect();
    let predict = |row: usize| -> usize {
        if k == 2 {
            usize::from(prob(row, 1) > threshold)
        } else {
            (1..k).fold(0, |best, c| if prob(row, c) > prob(row, best) { c } else { best })
        }
    };
    let confusion = Confusion::new(k, rows.iter().map(|&(r, l)| (l, predict(r))));
    let stats = confusion.classes();
    let summary = if k == 2 { stats[1] } else { macro_average(&stats) };
    let specificity = if k == 2 { stats[0].recall } else { summary.specificity };

    // class `c` against the rest, over every row
    let one_vs_rest = |c: usize| Steps::new(rows.iter().map(|&(r, l)| (prob(r, c), l == c)).collect());
    let (auc, average_precision, pooled) = if k == 2 {
        let steps = one_vs_rest(1);
        (steps.auc().unwrap_or(0.5), steps.average_precision(), steps)
    } else {
        let per_class: Vec<Steps> = (0..k).map(one_vs_rest).collect();
        let auc = mean(per_class.iter().filter_map(Steps::auc)).unwrap_or(0.5);
        let has_positives = |c: &usize| stats[*c].support > 0;
        let ap = mean((0..k).filter(has_positives).map(|c| per_class[c].average_precision())).unwrap_or(0.0);
        let pairs = rows.iter().flat_map(|&(r, l)| (0..k).map(move |c| (r, l, c)));
        (auc, ap, Steps::new(pairs.map(|(r, l, c)| (prob(r, c), l == c)).collect()))
    };
    let report = report_rows(&names, &stats);
    let accuracy = confusion.accuracy();
    Evaluation {
        report_text: report::report_text(&report, accuracy),
        classes: names,
        threshold,
        samples: rows.len(),
        accuracy,
        precision: summary.precision,
        recall: summary.recall,
        specificity,
        f1: summary.f1,
        f2: summary.f2,
        auc,
        average_precision,
        roc: thin(pooled.roc(), MAX_CURVE_POINTS),
        pr: thin(pooled.pr(), MAX_CURVE_POINTS),
        confusion: confusion.counts,
        report,
    }
}

/// A stored probability as f64; NaN or missing → 0.
fn clean(p: Option<&f32>) -> f64 {
    p.map_or(0.0, |&p| if p.is_nan() { 0.0 } else { f64::from(p) })
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}
