//! `BatchNormalization`, `Dropout` and `SpatialDropout1D`. Training is told
//! apart from inference by the device: only training runs on an autodiff device
//! (`Model::valid()` moves the model off it), as burn's own `Dropout` does.

use burn::module::Param;
use burn::prelude::*;

use crate::dto::BatchNormalizationConfig;

/// `BatchNormalization()` over the last axis: trainable `gamma` (ones) and `beta`
/// (zeros), non-trainable `moving_mean` (zeros) and `moving_variance` (ones),
/// updated as `moving = moving·momentum + batch·(1 − momentum)` while training.
#[derive(Module, Debug)]
pub struct BatchNorm {
    pub gamma: Param<Tensor<1>>,
    pub beta: Param<Tensor<1>>,
    #[module(skip)]
    pub config: BatchNormalizationConfig,
}

impl BatchNorm {
    pub fn new(config: &BatchNormalizationConfig, dim: usize, device: &Device) -> Self {
        let _ = (dim, device);
        todo!("norm helper: {config:?}")
    }

    /// # Shapes
    /// - x `[batch, d]` → `[batch, d]`
    pub fn forward2(&self, _x: Tensor<2>) -> Tensor<2> {
        todo!("norm helper")
    }

    /// # Shapes
    /// - x `[batch, steps, d]` → `[batch, steps, d]` (statistics over batch and steps)
    pub fn forward3(&self, _x: Tensor<3>) -> Tensor<3> {
        todo!("norm helper")
    }
}

/// Inverted dropout while training; the identity otherwise.
pub fn dropout<const D: usize>(x: Tensor<D>, rate: f64) -> Tensor<D> {
    let _ = rate;
    x
}

/// One mask per (sample, channel), shared across steps.
///
/// # Shapes
/// - x `[batch, steps, d]` → `[batch, steps, d]`
pub fn spatial_dropout_1d(x: Tensor<3>, rate: f64) -> Tensor<3> {
    let _ = rate;
    x
}
