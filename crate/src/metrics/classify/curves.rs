//! ROC and precision-recall curves, ROC-AUC and average precision, as scikit-learn's
//! `roc_curve`, `precision_recall_curve`, `roc_auc_score` and `average_precision_score`.
//!
//! A point's `threshold` follows `evaluate`'s rule, *positive iff score > threshold*, so
//! `evaluate(point.threshold)` lands on that point. scikit-learn labels the same point
//! with the lowest score it calls positive (`score >= t`); ours is the next distinct score
//! below it. The first point (nothing positive) gets `max(1, top score)` where scikit-learn
//! has `inf`; the all-positive point gets 0, or `lowest score - 1` when the lowest score is
//! 0 itself (no threshold in [0, 1] calls everything positive then).

use crate::dto::CurvePoint;

/// Cumulative true and false positives at each distinct score, highest score first
/// (scikit-learn's `confusion_matrix_at_thresholds`).
pub(crate) struct Steps {
    scores: Vec<f64>,
    tp: Vec<f64>,
    fp: Vec<f64>,
}

impl Steps {
    /// `pairs`: (score, is positive). NaN scores count as 0. O(n log n).
    pub(crate) fn new(mut pairs: Vec<(f64, bool)>) -> Steps {
        for p in &mut pairs {
            if p.0.is_nan() {
                p.0 = 0.0;
            }
        }
        pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let mut steps = Steps { scores: Vec::new(), tp: Vec::new(), fp: Vec::new() };
        let (mut tp, mut fp) = (0.0, 0.0);
        for (i, &(score, positive)) in pairs.iter().enumerate() {
            if positive { tp += 1.0 } else { fp += 1.0 }
            // The last pair of a run of equal scores closes one threshold (-0.0 == 0.0).
            if pairs.get(i + 1).is_none_or(|next| next.0 != score) {
                steps.scores.push(score);
                steps.tp.push(tp);
                steps.fp.push(fp);
            }
        }
        steps
    }

    fn positives(&self) -> f64 {
        self.tp.last().copied().unwrap_or(0.0)
    }

    fn negatives(&self) -> f64 {
        self.fp.last().copied().unwrap_or(0.0)
    }

    /// The threshold that calls positive exactly the scores down to step `j`.
    fn threshold(&self, j: usize) -> f64 {
        match self.scores.get(j + 1) {
            Some(&next) => next,
            None => self.scores.get(j).map_or(0.0, |&low| if low > 0.0 { 0.0 } else { low - 1.0 }),
        }
    }

    /// The threshold that calls nothing positive.
    fn top_threshold(&self) -> f64 {
        self.scores.first().map_or(1.0, |&top| top.max(1.0))
    }

    /// ROC-AUC, ties counted half (the trapezoids between distinct scores); `None`
    /// without both a positive and a negative.
    pub(crate) fn auc(&self) -> Option<f64> {
        let (p, n) = (self.positives(), self.negatives());
        if p == 0.0 || n == 0.0 {
            return None;
        }
        let (mut area, mut tp0, mut fp0) = (0.0, 0.0, 0.0);
        for (&tp, &fp) in self.tp.iter().zip(&self.fp) {
            area += (fp - fp0) * (tp + tp0) / 2.0;
            (tp0, fp0) = (tp, fp);
        }
        Some(area / (p * n))
    }

    /// Average precision: Σ (Rₖ − Rₖ₋₁)·Pₖ over thresholds, highest first (a step
    /// function, not trapezoids). 0 without positives, as scikit-learn.
    pub(crate) fn average_precision(&self) -> f64 {
        let p = self.positives();
        if p == 0.0 {
            return 0.0;
        }
        let mut ap = 0.0;
        let mut tp0 = 0.0;
        for (&tp, &fp) in self.tp.iter().zip(&self.fp) {
            ap += (tp - tp0) / p * tp / (tp + fp);
            tp0 = tp;
        }
        ap
    }

    /// `roc_curve(drop_intermediate=True)`: (fpr, tpr) from (0, 0), highest threshold
    /// first, without points collinear with both neighbours. Empty without both classes
    /// (scikit-learn's rates would be NaN).
    pub(crate) fn roc(&self) -> Vec<CurvePoint> {
        let (p, n) = (self.positives(), self.negatives());
        if p == 0.0 || n == 0.0 {
            return Vec::new();
        }
        let last = self.scores.len() - 1;
        let corner = |j: usize| {
            j == 0 || j == last || {
                let d2 = |v: &[f64]| v[j + 1] - 2.0 * v[j] + v[j - 1];
                d2(&self.fp) != 0.0 || d2(&self.tp) != 0.0
            }
        };
        let start = CurvePoint { x: 0.0, y: 0.0, threshold: self.top_threshold() };
        let points = (0..=last).filter(|&j| corner(j));
        std::iter::once(start)
            .chain(points.map(|j| CurvePoint { x: self.fp[j] / n, y: self.tp[j] / p, threshold: self.threshold(j) }))
            .collect()
    }

    /// `precision_recall_curve` as (recall, precision), highest threshold first: starts at
    /// scikit-learn's (0, 1) point, then one point per distinct score. Without positives
    /// recall is 1 everywhere, as scikit-learn sets it.
    pub(crate) fn pr(&self) -> Vec<CurvePoint> {
        let p = self.positives();
        let start = CurvePoint { x: 0.0, y: 1.0, threshold: self.top_threshold() };
        let points = (0..self.scores.len()).map(|j| {
            let (tp, fp) = (self.tp[j], self.fp[j]);
            CurvePoint { x: if p == 0.0 { 1.0 } else { tp / p }, y: tp / (tp + fp), threshold: self.threshold(j) }
        });
        std::iter::once(start).chain(points).collect()
    }
}

/// At most `max` points, evenly spaced along the curve's thresholds, first and last kept.
pub(crate) fn thin(points: Vec<CurvePoint>, max: usize) -> Vec<CurvePoint> {
    if points.len() <= max || max < 2 {
        return points;
    }
    let last = (points.len() - 1) as f64;
    (0..max).map(|i| points[(i as f64 * last / (max - 1) as f64).round() as usize]).collect()
}

/// The full ROC curve of `scores` against `positive` (see the module doc for thresholds).
pub fn roc_curve(scores: &[f32], positive: &[bool]) -> Vec<CurvePoint> {
    Steps::new(pairs(scores, positive)).roc()
}

/// The full precision-recall curve of `scores` against `positive`, as (recall, precision).
pub fn pr_curve(scores: &[f32], positive: &[bool]) -> Vec<CurvePoint> {
    Steps::new(pairs(scores, positive)).pr()
}

fn pairs(scores: &[f32], positive: &[bool]) -> Vec<(f64, bool)> {
    scores.iter().zip(positive).map(|(&s, &p)| (f64::from(s), p)).collect()
}
