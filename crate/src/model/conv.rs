//! `Conv1D`, `MaxPooling1D` and `AveragePooling1D` on `[batch, steps, channels]`
//! (Keras' channels-last layout), with Keras' padding rules.

use burn::module::Param;
use burn::prelude::*;

use super::init::Init;
use crate::dto::{Conv1dConfig, ConvPadding, PoolPadding, Pooling1dConfig};

/// Output length of a convolution over `steps`, or `None` when Keras would fail
/// with a negative dimension.
pub fn conv_output_len(steps: usize, c: &Conv1dConfig) -> Option<usize> {
    let span = c.dilation_rate * (c.kernel_size - 1) + 1;
    match c.padding {
        ConvPadding::Valid => (steps >= span).then(|| (steps - span) / c.strides + 1),
        ConvPadding::Same | ConvPadding::Causal => (steps >= 1).then(|| steps.div_ceil(c.strides)),
    }
}

/// Output length of a pooling over `steps`, or `None` when it would be empty.
pub fn pool_output_len(steps: usize, p: &Pooling1dConfig) -> Option<usize> {
    let stride = p.strides.unwrap_or(p.pool_size);
    match p.padding {
        PoolPadding::Valid => (steps >= p.pool_size).then(|| (steps - p.pool_size) / stride + 1),
        PoolPadding::Same => (steps >= 1).then(|| steps.div_ceil(stride)),
    }
}

/// `Conv1D(filters, kernel_size)`: kernel `[kernel_size, in, filters]` (Keras' layout,
/// glorot-uniform), zero bias `[filters]`.
#[derive(Module, Debug)]
pub struct Conv1d {
    pub kernel: Param<Tensor<3>>,
    pub bias: Param<Tensor<1>>,
    #[module(skip)]
    pub config: Conv1dConfig,
}

impl Conv1d {
    pub fn new(config: &Conv1dConfig, input: usize, init: &mut Init, device: &Device) -> Self {
        let _ = (input, init, device);
        todo!("conv helper: {config:?}")
    }

    /// # Shapes
    /// - x `[batch, steps, in]` → `[batch, conv_output_len(steps), filters]`
    pub fn forward(&self, _x: Tensor<3>) -> Tensor<3> {
        todo!("conv helper")
    }
}

/// # Shapes
/// - x `[batch, steps, d]` → `[batch, pool_output_len(steps), d]`
pub fn max_pooling_1d(_x: Tensor<3>, _p: &Pooling1dConfig) -> Tensor<3> {
    todo!("conv helper")
}

/// Keras' average excludes the padding of `same` from the mean.
///
/// # Shapes
/// - x `[batch, steps, d]` → `[batch, pool_output_len(steps), d]`
pub fn average_pooling_1d(_x: Tensor<3>, _p: &Pooling1dConfig) -> Tensor<3> {
    todo!("conv helper")
}
