//! Keras layers as burn modules, with Keras' parameter layout and initialisers.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::activation;

use std::sync::Arc;

use kiln_kernels::embed::Lookup;

use super::fused;
use super::init::Init;
use crate::dto::Activation;

/// `Embedding(input_dim, output_dim)`: uniform ±0.05, no masking (Keras' defaults).
/// A frozen embedding (`trainable=False`) passes no gradient to its weights.
#[derive(Module, Debug)]
pub struct Embedding {
    pub weight: Param<Tensor<2>>, // [input_dim, output_dim]
    #[module(skip)]
    pub trainable: bool,
}

impl Embedding {
    pub fn new(input_dim: usize, output_dim: usize, trainable: bool, init: &mut Init, device: &Device) -> Self {
        Self { weight: Param::from_tensor(init.embedding([input_dim, output_dim], device)), trainable }
    }

    /// # Shapes
    /// - ids `[batch, seq]` → `[batch, seq, output_dim]`
    pub fn forward(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        burn::tensor::module::embedding(self.table(), ids)
    }

    /// The ids and the table, not yet looked up: on the CPU a Conv1D, recurrent layer or
    /// average pooling next reads them directly (fused_embed.rs). `None` elsewhere, and
    /// for an id outside the table (burn's embedding then reports it). The ids' lookup is
    /// made here, once for every layer that reads it (both directions of a Bidirectional).
    pub fn lazy(&self, ids: &Tensor<2, Int>) -> Option<Embedded> {
        let table = self.table();
        if !fused::available(&table.device(), table.dtype()) {
            return None;
        }
        let values: Vec<i64> = ids.to_data().iter::<i64>().collect(); // a CPU read
        let lookup = Arc::new(Lookup::new(&values, table.dims()[0])?);
        Some(Embedded { ids: ids.clone(), table, lookup })
    }

    /// The weights, without a gradient when frozen.
    fn table(&self) -> Tensor<2> {
        if self.trainable { self.weight.val() } else { self.weight.val().detach() }
    }
}

/// An Embedding's output as its ids `[batch, steps]` and table `[vocab, dim]`, with the
/// ids the batch uses (`kiln_kernels::embed::Lookup`).
#[derive(Debug, Clone)]
pub struct Embedded {
    pub ids: Tensor<2, Int>,
    pub table: Tensor<2>,
    pub lookup: Arc<Lookup>,
}

/// A sequence layer's input: values `[batch, steps, dim]`, or an Embedding's ids
/// that a layer may read without the values ([`Sequence::values`] looks them up).
#[derive(Debug, Clone)]
pub enum Sequence {
    Values(Tensor<3>),
    Embedded(Embedded),
}

impl Sequence {
    pub fn values(self) -> Tensor<3> {
        match self {
            Sequence::Values(x) => x,
            Sequence::Embedded(e) => burn::tensor::module::embedding(e.table, e.ids),
        }
    }

    /// `[batch, steps, dim]`.
    pub fn dims(&self) -> [usize; 3] {
        match self {
            Sequence::Values(x) => x.dims(),
            Sequence::Embedded(e) => {
                let ([batch, steps], [_, dim]) = (e.ids.dims(), e.table.dims());
                [batch, steps, dim]
            }
        }
    }

    pub fn device(&self) -> Device {
        match self {
            Sequence::Values(x) => x.device(),
            Sequence::Embedded(e) => e.table.device(),
        }
    }

    pub fn dtype(&self) -> burn::tensor::DType {
        match self {
            Sequence::Values(x) => x.dtype(),
            Sequence::Embedded(e) => e.table.dtype(),
        }
    }
}

impl From<Tensor<3>> for Sequence {
    fn from(x: Tensor<3>) -> Self {
        Sequence::Values(x)
    }
}

impl From<Embedded> for Sequence {
    fn from(e: Embedded) -> Self {
        Sequence::Embedded(e)
    }
}

/// `Dense(units, activation)`: glorot-uniform kernel, zero bias.
#[derive(Module, Debug)]
pub struct Dense {
    pub kernel: Param<Tensor<2>>, // [in, units]
    pub bias: Param<Tensor<1>>,   // [units]
    #[module(skip)]
    pub activation: Activation,
}

impl Dense {
    pub fn new(input: usize, units: usize, activation: Activation, init: &mut Init, device: &Device) -> Self {
        Self {
            kernel: Param::from_tensor(init.glorot_uniform([input, units], device)),
            bias: Param::from_tensor(init.zeros([units], device)),
            activation,
        }
    }

    /// The affine part only (`x W + b`), used for the logits of a sigmoid output.
    ///
    /// # Shapes
    /// - x `[batch, in]` → `[batch, units]`
    pub fn linear(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.kernel.val()) + self.bias.val().unsqueeze_dim(0)
    }

    /// # Shapes
    /// - x `[batch, in]` → `[batch, units]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        apply(self.activation, self.linear(x))
    }

    /// Keras applies Dense to the last axis of a sequence.
    ///
    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, seq, units]`
    pub fn forward_seq(&self, x: Tensor<3>) -> Tensor<3> {
        let [batch, seq, input] = x.dims();
        let units = self.bias.dims()[0];
        self.forward(x.reshape([batch * seq, input])).reshape([batch, seq, units])
    }
}

/// A Keras activation; `softmax` is over the last axis.
pub fn apply<const D: usize>(activation: Activation, x: Tensor<D>) -> Tensor<D> {
    match activation {
        Activation::Linear => x,
        Activation::Relu => activation::relu(x),
        Activation::Sigmoid => activation::sigmoid(x),
        Activation::Tanh => activation::tanh(x),
        Activation::Softmax => activation::softmax(x, D - 1),
        Activation::Elu => elu(x, 1.0),
        // Keras' constants (Klambauer et al. 2017).
        Activation::Selu => elu(x, 1.673_263_242_354_377_3) * 1.050_700_987_355_480_5,
        Activation::Gelu => gelu(x),
        Activation::Swish => activation::silu(x),
    }
}

/// `x` where positive, `alpha (e^x - 1)` elsewhere; the exponent is clamped so
/// the unused branch never overflows (an inf there would turn gradients into NaN).
fn elu<const D: usize>(x: Tensor<D>, alpha: f64) -> Tensor<D> {
    let negative = (x.clone().clamp_max(0.0).exp() - 1.0) * alpha;
    x.clone().mask_where(x.lower_elem(0.0), negative)
}

/// Keras' exact `gelu` (`approximate=False`): `x/2 · (1 + erf(x/√2))`. Written out
/// because burn's default `gelu_backward` (used by the GPU backends) differentiates
/// the tanh approximation instead, off by up to 9e-4.
fn gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    let cdf = (x.clone() * std::f64::consts::FRAC_1_SQRT_2).erf() + 1.0;
    x * cdf * 0.5
}

/// `GlobalAveragePooling1D`: the mean over time.
///
/// # Shapes
/// - x `[batch, seq, d]` → `[batch, d]`
pub fn global_average_pooling_1d(x: Tensor<3>) -> Tensor<2> {
    let [batch, _, d] = x.dims();
    x.mean_dim(1).reshape([batch, d])
}

/// `GlobalMaxPooling1D`: the max over time.
///
/// # Shapes
/// - x `[batch, seq, d]` → `[batch, d]`
pub fn global_max_pooling_1d(x: Tensor<3>) -> Tensor<2> {
    let [batch, _, d] = x.dims();
    x.max_dim(1).reshape([batch, d])
}
