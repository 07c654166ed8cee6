//! scikit-learn's classification metrics over predicted probabilities.

use crate::dto::Evaluation;

/// Evaluate predicted probabilities `probs` (`[n, width]` row-major: `width` 1 holds
/// P(class 1) of a sigmoid output, otherwise one probability per class) against
/// the true class ids `labels`, predicting positive at `P(class 1) >= threshold`.
///
/// # Shapes
/// - probs `[labels.len() * width]`
pub fn evaluate(probs: &[f32], width: usize, labels: &[u32], classes: &[String], threshold: f64) -> Evaluation {
    // Placeholder until the full metrics land: accuracy only.
    let predicted = |row: usize| -> u32 {
        let p = &probs[row * width..(row + 1) * width];
        if width == 1 {
            u32::from(f64::from(p[0]) >= threshold)
        } else {
            p.iter().enumerate().fold((0, f32::MIN), |best, (i, &v)| if v > best.1 { (i, v) } else { best }).0 as u32
        }
    };
    let correct = (0..labels.len()).filter(|&r| predicted(r) == labels[r]).count();
    Evaluation {
        classes: classes.to_vec(),
        threshold,
        samples: labels.len(),
        accuracy: correct as f64 / labels.len().max(1) as f64,
        precision: 0.0,
        recall: 0.0,
        specificity: 0.0,
        f1: 0.0,
        f2: 0.0,
        auc: 0.0,
        average_precision: 0.0,
        roc: Vec::new(),
        pr: Vec::new(),
        confusion: Vec::new(),
        report: Vec::new(),
        report_text: String::new(),
    }
}
