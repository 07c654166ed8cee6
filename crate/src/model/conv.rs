//! `Conv1D`, `MaxPooling1D` and `AveragePooling1D` on `[batch, steps, channels]`
//! (Keras' channels-last layout), with Keras' padding rules.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::module::{avg_pool1d, conv1d, max_pool1d};
use burn::tensor::ops::{AvgPoolOptions, ConvOptions, MaxPoolOptions};

use super::init::Init;
use super::layers::{Sequence, apply};
use super::recurrent::{Path, default_path};
use super::{fused, fused_conv, fused_embed, fused_gpu, fused_pool};
use crate::dto::{Activation, Conv1dConfig, ConvPadding, PoolPadding, Pooling1dConfig};

/// Output length of a convolution over `steps`, or `None` when Keras would fail
/// with a negative dimension.
pub fn conv_output_len(steps: usize, c: &Conv1dConfig) -> Option<usize> {
    let span = c.dilation_rate.saturating_mul(c.kernel_size - 1).saturating_add(1);
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
    /// `Auto`: Kiln's own kernels (the CPU's, or the GPU's windows and matmul);
    /// `Reference`: burn's `conv1d`, which tests compare them with.
    #[module(skip)]
    pub path: Path,
}

impl Conv1d {
    pub fn new(config: &Conv1dConfig, input: usize, init: &mut Init, device: &Device) -> Self {
        let shape = [config.kernel_size, input, config.filters];
        Self {
            kernel: Param::from_tensor(init.glorot_uniform_conv(shape, device)),
            bias: Param::from_tensor(init.zeros([config.filters], device)),
            config: config.clone(),
            path: default_path(),
        }
    }

    /// # Shapes
    /// - x `[batch, steps, in]` → `[batch, conv_output_len(steps), filters]`
    pub fn forward(&self, x: impl Into<Sequence>) -> Tensor<3> {
        let x = x.into();
        let c = &self.config;
        let [batch, steps, channels] = x.dims();
        let span = c.dilation_rate.saturating_mul(c.kernel_size - 1).saturating_add(1);
        let padding = match c.padding {
            ConvPadding::Valid => (0, 0),
            ConvPadding::Same => same_padding(steps, span, c.strides),
            ConvPadding::Causal => (span - 1, 0),
        };
        let shape = kiln_kernels::conv::Shape {
            batch,
            steps,
            channels,
            filters: c.filters,
            kernel: c.kernel_size,
            stride: c.strides,
            dilation: c.dilation_rate,
            pad: padding,
        };
        // relu in the convolution's own pass (M2, M3): two full passes fewer
        let relu = c.activation == Activation::Relu;
        let cpu = self.path != Path::Reference && fused::available(&x.device(), x.dtype());
        if let (true, Sequence::Embedded(e)) = (cpu, &x) {
            // straight after an Embedding: on the ids (M2's and M3's first Conv1D)
            let y = fused_embed::conv1d(shape, e, self.kernel.val(), self.bias.val(), relu);
            return if relu { y } else { apply(c.activation, y) };
        }
        let x = x.values();
        if self.path != Path::Reference && fused_gpu::linear_available(&x.device(), x.dtype()) {
            // Kiln's matmul over the windows (conv_cube.rs): 2 dispatches forward, 4 backward
            let cols = fused_gpu::windows(shape, x); // [batch·out, kernel_size·in]
            let w = self.kernel.val().reshape([c.kernel_size * channels, c.filters]);
            let y = fused_gpu::linear(cols, w, Some(self.bias.val().reshape([1, c.filters])), self.path == Path::Rolled);
            return apply(c.activation, y.reshape([batch, shape.out_steps(), c.filters]));
        }
        if cpu {
            let y = fused_conv::conv1d(shape, x, self.kernel.val(), self.bias.val(), relu);
            return if relu { y } else { apply(c.activation, y) };
        }
        let options = ConvOptions::new_with_padding([c.strides], [padding], [c.dilation_rate], 1);
        let weight = self.kernel.val().permute([2, 1, 0]); // [filters, in, kernel_size]
        let x = x.swap_dims(1, 2); // [batch, in, steps]
        let y = conv1d(x, weight, Some(self.bias.val()), options); // [batch, filters, out_steps]
        apply(c.activation, y.swap_dims(1, 2)) // [batch, out_steps, filters]
    }
}

/// TensorFlow's `SAME` padding `(left, right)` for a window spanning `span` steps:
/// the output has `ceil(steps / stride)` steps and an odd total puts the extra cell
/// on the right.
fn same_padding(steps: usize, span: usize, stride: usize) -> (usize, usize) {
    let out = steps.div_ceil(stride);
    let total = ((out - 1) * stride + span).saturating_sub(steps);
    (total / 2, total - total / 2)
}

fn pool_options(steps: usize, p: &Pooling1dConfig) -> (usize, usize, (usize, usize)) {
    let stride = p.strides.unwrap_or(p.pool_size);
    let padding = match p.padding {
        PoolPadding::Valid => (0, 0),
        PoolPadding::Same => same_padding(steps, p.pool_size, stride),
    };
    (p.pool_size, stride, padding)
}

/// # Shapes
/// - x `[batch, steps, d]` → `[batch, pool_output_len(steps), d]`
pub fn max_pooling_1d(x: Tensor<3>, p: &Pooling1dConfig) -> Tensor<3> {
    max_pooling_1d_on(x, p, default_path())
}

/// [`max_pooling_1d`] on `path`: `Auto` takes Kiln's kernel on the CPU
/// (fused_pool.rs), `Reference` burn's `max_pool1d` (as WebGPU does).
pub fn max_pooling_1d_on(x: Tensor<3>, p: &Pooling1dConfig, path: Path) -> Tensor<3> {
    let [batch, steps, channels] = x.dims();
    let (size, stride, padding) = pool_options(steps, p);
    if path != Path::Reference && fused::available(&x.device(), x.dtype()) {
        let shape = kiln_kernels::pool::Shape { batch, steps, channels, size, stride, pad: padding };
        return fused_pool::max_pool1d(shape, x);
    }
    let options = MaxPoolOptions::new([size]).with_stride([stride]).with_padding_pairs([padding]);
    max_pool1d(x.swap_dims(1, 2), options).swap_dims(1, 2) // [batch, out_steps, d]
}

/// Keras' average excludes the padding of `same` from the mean.
///
/// # Shapes
/// - x `[batch, steps, d]` → `[batch, pool_output_len(steps), d]`
pub fn average_pooling_1d(x: Tensor<3>, p: &Pooling1dConfig) -> Tensor<3> {
    let [_, steps, _] = x.dims();
    let (size, stride, padding) = pool_options(steps, p);
    let options = AvgPoolOptions::new([size])
        .with_stride([stride])
        .with_padding_pairs([padding])
        .with_count_include_pad(false);
    avg_pool1d(x.swap_dims(1, 2), options).swap_dims(1, 2) // [batch, out_steps, d]
}
