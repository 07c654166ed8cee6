//! Keras' Adagrad: the accumulator starts at `initial_accumulator_value` (0.1)
//! and ε sits inside the square root. burn's AdaGrad starts from 0, which makes
//! its first steps ±lr whatever the gradient's size.

use burn::optim::{LearningRate, Optimizer, RecordState, StateSink, StateSource};
use burn::prelude::*;

#[derive(Debug, Clone, Copy)]
pub struct KerasAdagrad {
    pub initial_accumulator_value: f32,
    pub epsilon: f32,
}

impl Default for KerasAdagrad {
    fn default() -> Self {
        Self { initial_accumulator_value: 0.1, epsilon: 1e-7 }
    }
}

/// The running sum of squared gradients of one parameter.
#[derive(Clone)]
pub struct Accumulator<const D: usize> {
    pub sum: Tensor<D>,
}

impl<const D: usize> RecordState for Accumulator<D> {
    // Only used to save optimizer records (Kiln does not, yet); a synchronous read.
    fn state_flatten(&self, prefix: &str, out: &mut StateSink) {
        out.push_tensor(prefix, "sum", self.sum.to_data());
    }

    fn state_unflatten(prefix: &str, src: &mut StateSource, device: &Device) -> Option<Self> {
        src.take_tensor(prefix, "sum").map(|data| Self { sum: Tensor::from_data(data, device) })
    }
}

impl Optimizer for KerasAdagrad {
    type State<const D: usize> = Accumulator<D>;

    /// `acc += g²; w -= lr · g / sqrt(acc + ε)`.
    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        let previous = match state {
            Some(state) => state.sum,
            None => grad.zeros_like().add_scalar(self.initial_accumulator_value),
        };
        let sum = previous + grad.clone().square();
        let update = grad.div(sum.clone().add_scalar(self.epsilon).sqrt()).mul_scalar(lr);
        (tensor - update, Some(Accumulator { sum }))
    }

    fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
        Accumulator { sum: state.sum.to_device(device) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_steps_follow_keras_formula() {
        let device = Device::flex();
        let w = Tensor::<1>::from_data(TensorData::new(vec![1.0f32, -2.0], [2]), &device);
        let g = Tensor::<1>::from_data(TensorData::new(vec![0.5f32, -0.01], [2]), &device);
        let opt = KerasAdagrad::default();
        let (w1, state) = opt.step(0.1, w, g.clone(), None);
        let (w2, _) = opt.step(0.1, w1, g, state);
        let got = w2.into_data().try_to_vec::<f32>().unwrap();
        let want: Vec<f32> = [(1.0f64, 0.5f64), (-2.0, -0.01)]
            .iter()
            .map(|&(w, g)| {
                let acc1 = 0.1 + g * g;
                let w1 = w - 0.1 * g / (acc1 + 1e-7).sqrt();
                let acc2 = acc1 + g * g;
                (w1 - 0.1 * g / (acc2 + 1e-7).sqrt()) as f32
            })
            .collect();
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{got:?} vs {want:?}");
        }
    }
}
