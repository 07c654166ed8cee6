use burn::prelude::*;
use burn::tensor::activation::{log_softmax, relu};

use crate::dto::ClassWeight;
use crate::error::{KilnError, Result};
use crate::model::Head;

/// The labels of one batch, in the form the model's head needs.
pub enum Targets {
    /// 0/1 labels `[batch, 1]` for a sigmoid output.
    Binary(Tensor<2>),
    /// One-hot `[batch, classes]` and class ids `[batch, 1]` for a softmax output
    /// (categorical and sparse categorical cross-entropy give the same value).
    Classes { one_hot: Tensor<2>, ids: Tensor<2, Int> },
}

impl Targets {
    /// # Shapes
    /// - labels: class ids, one per row of the batch
    pub fn new(labels: &[f32], head: Head, device: &Device) -> Self {
        let n = labels.len();
        match head {
            Head::Sigmoid { .. } => Self::Binary(Tensor::from_data(TensorData::new(labels.to_vec(), [n, 1]), device)),
            Head::Softmax { classes } => {
                let mut one_hot = vec![0.0f32; n * classes];
                for (row, &label) in labels.iter().enumerate() {
                    one_hot[row * classes + (label as usize).min(classes - 1)] = 1.0;
                }
                let ids: Vec<i32> = labels.iter().map(|&l| l as i32).collect();
                Self::Classes {
                    one_hot: Tensor::from_data(TensorData::new(one_hot, [n, classes]), device),
                    ids: Tensor::from_data(TensorData::new(ids, [n, 1]), device),
                }
            }
        }
    }
}

/// Summed loss `[1]` and number of correct predictions `[1]` of a batch. With
/// `weights` (Keras' `class_weight` as one weight per sample) each sample's loss is
/// scaled first, so `sum / batch` is Keras' `sum_over_batch_size` of the weighted
/// losses; the count of correct predictions is never weighted (Keras weighs only
/// `weighted_metrics`, not `metrics=["accuracy"]`).
///
/// # Shapes
/// - logits `[batch, 1]` or `[batch, classes]`, weights `[batch, 1]`
pub fn loss_and_correct(logits: Tensor<2>, targets: Targets, weights: Option<Tensor<2>>) -> (Tensor<1>, Tensor<1>) {
    let (per_sample, correct) = match targets {
        Targets::Binary(y) => {
            let correct = correct_predictions(logits.clone().detach(), y.clone());
            (binary_cross_entropy_per_sample(logits, y), correct)
        }
        Targets::Classes { one_hot, ids } => {
            let correct = logits.clone().detach().argmax(1).equal(ids).float().sum();
            (softmax_cross_entropy_per_sample(logits, one_hot), correct)
        }
    }; // per_sample [batch, 1]
    let weighted = match weights {
        Some(w) => per_sample * w,
        None => per_sample,
    };
    (weighted.sum(), correct)
}

/// Keras' `class_weight` as one weight per class: `Balanced` is scikit-learn's
/// `compute_class_weight("balanced")` over `labels`, `n / (classes · count)`.
pub fn class_weights(weights: &ClassWeight, labels: &[u32], num_classes: usize) -> Result<Vec<f64>> {
    match weights {
        ClassWeight::Given(w) if w.len() != num_classes => {
            let n = w.len();
            let message = format!("has {n} weights but the data has {num_classes} classes (one per class, in class order)");
            Err(KilnError::config("class_weight", message))
        }
        ClassWeight::Given(w) => Ok(w.clone()),
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; num_classes];
            for &l in labels {
                if let Some(c) = counts.get_mut(l as usize) {
                    *c += 1;
                }
            }
            if let Some(empty) = counts.iter().position(|&c| c == 0) {
                return Err(KilnError::config(
                    "class_weight",
                    format!("\"balanced\" needs every class in the training data; class {empty} has no training rows"),
                ));
            }
            let n = labels.len() as f64;
            Ok(counts.iter().map(|&c| n / (num_classes as f64 * c as f64)).collect())
        }
    }
}

/// Categorical cross-entropy of `softmax(logits)` against one-hot targets, per
/// sample: `-Σ y · log_softmax(z)`.
///
/// # Shapes
/// - logits, one_hot `[batch, classes]` → `[batch, 1]`
fn softmax_cross_entropy_per_sample(logits: Tensor<2>, one_hot: Tensor<2>) -> Tensor<2> {
    (log_softmax(logits, 1) * one_hot).sum_dim(1).neg()
}

/// Binary cross-entropy of `sigmoid(logits)` against 0/1 targets, computed
/// stably from the logits: `max(z, 0) - z·y + log(1 + e^{-|z|})`, summed.
///
/// # Shapes
/// - logits, targets `[batch, 1]` → `[1]` (the sum over the batch)
pub fn binary_cross_entropy_with_logits(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    binary_cross_entropy_per_sample(logits, targets).sum()
}

/// # Shapes
/// - logits, targets `[batch, 1]` → `[batch, 1]`
fn binary_cross_entropy_per_sample(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<2> {
    relu(logits.clone()) - logits.clone() * targets + logits.abs().neg().exp().log1p()
}

/// How many predictions (`logit > 0` ⇔ `p > 0.5`) match the targets.
///
/// # Shapes
/// - logits, targets `[batch, 1]` → `[1]`
pub fn correct_predictions(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let predicted = logits.greater_elem(0.0).float();
    predicted.equal(targets).float().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_textbook_formula() {
        let device = Device::flex();
        let z = [-30.0f32, -2.0, 0.0, 0.5, 40.0];
        let y = [0.0f32, 1.0, 1.0, 0.0, 1.0];
        let logits = Tensor::<2>::from_data(TensorData::new(z.to_vec(), [5, 1]), &device);
        let targets = Tensor::<2>::from_data(TensorData::new(y.to_vec(), [5, 1]), &device);
        let got: f32 = binary_cross_entropy_with_logits(logits.clone(), targets.clone()).into_scalar();
        let want: f64 = z
            .iter()
            .zip(y)
            .map(|(&z, y)| {
                let p = 1.0 / (1.0 + (-(z as f64)).exp());
                let p = p.clamp(1e-15, 1.0 - 1e-15);
                -(y as f64 * p.ln() + (1.0 - y as f64) * (1.0 - p).ln())
            })
            .sum();
        assert!((got as f64 - want).abs() < 1e-4, "{got} vs {want}");
        let correct: f32 = correct_predictions(logits, targets).into_scalar();
        assert_eq!(correct, 2.0); // -30 and 40 are right; -2, 0 and 0.5 are wrong
    }

    #[test]
    fn softmax_cross_entropy_matches_the_formula() {
        let device = Device::flex();
        let z = [[2.0f32, -1.0, 0.5], [0.0, 0.0, 0.0]];
        let labels = [2.0f32, 1.0];
        let logits = Tensor::<2>::from_data(TensorData::new(z.concat(), [2, 3]), &device);
        let targets = Targets::new(&labels, Head::Softmax { classes: 3 }, &device);
        let (loss, correct) = loss_and_correct(logits, targets, None);
        let want: f64 = z
            .iter()
            .zip(labels)
            .map(|(row, label)| {
                let lse = row.iter().map(|&v| (v as f64).exp()).sum::<f64>().ln();
                lse - row[label as usize] as f64
            })
            .sum();
        let got: f32 = loss.into_scalar();
        assert!((got as f64 - want).abs() < 1e-5, "{got} vs {want}");
        // Row 0 predicts class 0 (label 2): wrong; row 1 ties, argmax 0 (label 1): wrong.
        assert_eq!(correct.into_scalar::<f32>(), 0.0);
    }
}
