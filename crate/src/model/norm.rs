//! `BatchNormalization`, `Dropout` and `SpatialDropout1D`. Training is told
//! apart from inference by the device: only training runs on an autodiff device
//! (`Model::valid()` moves the model off it), as burn's own `Dropout` does.

use burn::module::{Param, RunningState};
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::module::{batch_norm, batch_norm_train};

use crate::dto::BatchNormalizationConfig;

/// `BatchNormalization()` over the last axis: trainable `gamma` (ones) and `beta`
/// (zeros), non-trainable `moving_mean` (zeros) and `moving_variance` (ones),
/// updated as `moving = moving·momentum + batch·(1 − momentum)` while training.
///
/// The moving statistics are burn `RunningState`s: module state that is saved,
/// moved and counted by `num_params()`, but never gets a gradient.
#[derive(Module, Debug)]
pub struct BatchNorm {
    pub gamma: Param<Tensor<1>>,
    pub beta: Param<Tensor<1>>,
    pub moving_mean: RunningState<Tensor<1>>,
    pub moving_variance: RunningState<Tensor<1>>,
    #[module(skip)]
    pub config: BatchNormalizationConfig,
}

impl BatchNorm {
    pub fn new(config: &BatchNormalizationConfig, dim: usize, device: &Device) -> Self {
        Self {
            gamma: Param::from_tensor(Tensor::ones([dim], device)),
            beta: Param::from_tensor(Tensor::zeros([dim], device)),
            moving_mean: RunningState::new(Tensor::zeros([dim], device)),
            moving_variance: RunningState::new(Tensor::ones([dim], device)),
            config: config.clone(),
        }
    }

    /// # Shapes
    /// - x `[batch, d]` → `[batch, d]`
    pub fn forward2(&self, x: Tensor<2>) -> Tensor<2> {
        self.normalize(x)
    }

    /// # Shapes
    /// - x `[batch, steps, d]` → `[batch, steps, d]` (statistics over batch and steps)
    pub fn forward3(&self, x: Tensor<3>) -> Tensor<3> {
        // burn normalises axis 1.
        self.normalize(x.swap_dims(1, 2)).swap_dims(1, 2) // [batch, d, steps] → [batch, steps, d]
    }

    /// The current moving statistics `(mean, variance)`, each `[d]`.
    pub fn moving_stats(&self) -> (Tensor<1>, Tensor<1>) {
        (self.moving_mean.value_sync(), self.moving_variance.value_sync())
    }

    /// Normalises axis 1 of `[batch, d, …]`: with the batch's statistics (biased
    /// variance) while training, updating the moving ones; with the moving ones otherwise.
    fn normalize<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let device = x.device();
        let epsilon = self.config.epsilon;
        if !device.is_autodiff() {
            let (mean, variance) = self.moving_stats();
            let (mean, variance) = (mean.to_device(&device), variance.to_device(&device));
            return batch_norm(x, self.gamma.val(), self.beta.val(), mean, variance, epsilon);
        }
        let result = batch_norm_train(x, self.gamma.val(), self.beta.val(), epsilon);
        let momentum = self.config.momentum;
        let update = |state: &RunningState<Tensor<1>>, batch: Tensor<1>| {
            let moving = state.value_sync().to_device(&device);
            set_running(state, (moving * momentum + batch.detach() * (1.0 - momentum)).detach());
        };
        update(&self.moving_mean, result.mean);
        update(&self.moving_variance, result.variance);
        result.output
    }
}

/// Sets a `RunningState` whichever thread reads it next. burn keeps one pending value per
/// thread and averages them at the next `value_sync` (data-parallel training), and only
/// folds them in when the reading thread has one: a CPU step runs on either thread of the
/// pool (train::trainer), so the statistics of one step were averaged with an older one's,
/// or went unseen. Folded in at once here (the one value over a count of one: exact).
pub(crate) fn set_running(state: &RunningState<Tensor<1>>, value: Tensor<1>) {
    state.update(value);
    state.value_sync();
}

/// Inverted dropout while training; the identity otherwise.
pub fn dropout<const D: usize>(x: Tensor<D>, rate: f64) -> Tensor<D> {
    if rate <= 0.0 || !x.device().is_autodiff() {
        return x;
    }
    let keep = 1.0 - rate;
    let mask = x.random_like(Distribution::Bernoulli(keep));
    x * mask / keep
}

/// One mask per (sample, channel), shared across steps.
///
/// # Shapes
/// - x `[batch, steps, d]` → `[batch, steps, d]`
pub fn spatial_dropout_1d(x: Tensor<3>, rate: f64) -> Tensor<3> {
    if rate <= 0.0 || !x.device().is_autodiff() {
        return x;
    }
    let [batch, _, d] = x.dims();
    let keep = 1.0 - rate;
    let mask = Tensor::<3>::random([batch, 1, d], Distribution::Bernoulli(keep), &x.device()); // [batch, 1, d]
    x * mask / keep
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    /// Set on one thread, read on another (a CPU step runs on either thread of the pool).
    #[test]
    fn a_running_state_reads_its_last_value_on_any_thread() {
        let device = Device::flex();
        let state = RunningState::new(Tensor::<1>::zeros([2], &device));
        for (i, v) in [[1.0f32, 2.0], [3.0, 5.0]].into_iter().enumerate() {
            std::thread::scope(|t| {
                t.spawn(|| set_running(&state, Tensor::from_floats(v, &device)));
            });
            let read = state.value_sync().into_data().try_to_vec::<f32>().expect("f32 values");
            assert_eq!(read, v.to_vec(), "update {i}");
        }
    }
}
