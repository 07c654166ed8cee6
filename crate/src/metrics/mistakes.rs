//! The test texts a model got wrong, for the evaluation panel (networks and baselines alike).

use crate::dto::Misclassified;

/// Rows whose prediction differs from `labels`, most confident first, at most `limit`.
///
/// Predictions as `evaluate` makes them: one column (`width` 1) is P(class 1), positive iff
/// `> threshold`; several columns: the most probable class (the first on ties). `confidence` is
/// the predicted class's probability.
///
/// # Shapes
/// - probs `[labels.len(), width]`, row-major; texts `[labels.len()]`
pub fn misclassified(
    probs: &[f32],
    width: usize,
    labels: &[u32],
    texts: &[String],
    classes: &[String],
    threshold: f64,
    limit: usize,
) -> Vec<Misclassified> {
    let mut wrong = Vec::new();
    for (row, &label) in labels.iter().enumerate() {
        let p = &probs[row * width..(row + 1) * width];
        let (predicted, confidence) = if width == 1 {
            let p1 = f64::from(p[0]);
            if p1 > threshold { (1, p1) } else { (0, 1.0 - p1) }
        } else {
            let best = |b: (usize, f64), (i, &v): (usize, &f32)| if f64::from(v) > b.1 { (i, f64::from(v)) } else { b };
            p.iter().enumerate().fold((0, f64::MIN), best)
        };
        if predicted != label as usize {
            let name = |c: usize| classes.get(c).cloned().unwrap_or_else(|| c.to_string());
            wrong.push(Misclassified {
                row,
                text: texts[row].clone(),
                label: name(label as usize),
                predicted: name(predicted),
                confidence,
            });
        }
    }
    wrong.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    wrong.truncate(limit);
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// (probs, width, labels, threshold, limit) and the mistakes: (row, predicted, confidence)
    type Case<'a> = (&'a [f32], usize, &'a [u32], f64, usize, &'a [(usize, &'a str, f64)]);

    #[test]
    fn wrong_rows_most_confident_first() {
        let texts = names(&["a", "b", "c", "d"]);
        let sigmoid = [0.5, 0.75, 0.25, 0.125];
        let softmax = [0.5, 0.5, 0.25, 0.75, 0.75, 0.25, 0.5, 0.5];
        let cases: [Case; 4] = [
            // sigmoid column: 0.5 is negative (strict), 0.75 wrong with confidence 0.75
            (&sigmoid, 1, &[1, 0, 0, 1], 0.5, 9, &[(3, "neg", 0.875), (1, "pos", 0.75), (0, "neg", 0.5)]),
            (&sigmoid, 1, &[1, 0, 0, 1], 0.5, 1, &[(3, "neg", 0.875)]),
            (&sigmoid, 1, &[1, 0, 0, 1], 0.1, 9, &[(1, "pos", 0.75), (2, "pos", 0.25)]),
            // softmax columns: the most probable class, the first on ties; the threshold unused
            (&softmax, 2, &[1, 1, 1, 0], 0.9, 9, &[(2, "neg", 0.75), (0, "neg", 0.5)]),
        ];
        for (probs, width, labels, threshold, limit, want) in cases {
            let got = misclassified(probs, width, labels, &texts, &names(&["neg", "pos"]), threshold, limit);
            let got: Vec<_> = got.iter().map(|m| (m.row, m.predicted.as_str(), m.confidence)).collect();
            assert_eq!(got, want, "threshold {threshold}, width {width}");
        }
    }
}
