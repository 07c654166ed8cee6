use burn::prelude::*;
use burn::tensor::activation::relu;

/// Binary cross-entropy of `sigmoid(logits)` against 0/1 targets, computed
/// stably from the logits: `max(z, 0) - z·y + log(1 + e^{-|z|})`, summed.
///
/// # Shapes
/// - logits, targets `[batch, 1]` → `[1]` (the sum over the batch)
pub fn binary_cross_entropy_with_logits(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let per_sample = relu(logits.clone()) - logits.clone() * targets + logits.abs().neg().exp().log1p();
    per_sample.sum()
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
}
