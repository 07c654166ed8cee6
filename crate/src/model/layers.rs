//! Keras layers as burn modules, with Keras' parameter layout and initialisers.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::activation;

use super::init::Init;
use crate::dto::Activation;

/// `Embedding(input_dim, output_dim)`: uniform ±0.05, no masking (Keras' defaults).
#[derive(Module, Debug)]
pub struct Embedding {
    pub weight: Param<Tensor<2>>, // [input_dim, output_dim]
}

impl Embedding {
    pub fn new(input_dim: usize, output_dim: usize, init: &mut Init, device: &Device) -> Self {
        Self { weight: Param::from_tensor(init.embedding([input_dim, output_dim], device)) }
    }

    /// # Shapes
    /// - ids `[batch, seq]` → `[batch, seq, output_dim]`
    pub fn forward(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        burn::tensor::module::embedding(self.weight.val(), ids)
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
}

pub fn apply<const D: usize>(activation: Activation, x: Tensor<D>) -> Tensor<D> {
    match activation {
        Activation::Linear => x,
        Activation::Relu => activation::relu(x),
        Activation::Sigmoid => activation::sigmoid(x),
        Activation::Tanh => activation::tanh(x),
    }
}

/// Keras `LSTM(units)`: one kernel `[in, 4u]`, one recurrent kernel `[u, 4u]`
/// (orthogonal), one bias `[4u]` with the forget gate at 1; gates in Keras'
/// order i, f, c, o; sigmoid recurrent activation, tanh activation; returns the
/// last hidden state.
#[derive(Module, Debug)]
pub struct Lstm {
    pub kernel: Param<Tensor<2>>,           // [in, 4u]
    pub recurrent_kernel: Param<Tensor<2>>, // [u, 4u]
    pub bias: Param<Tensor<1>>,             // [4u]
    #[module(skip)]
    pub units: usize,
}

impl Lstm {
    pub fn new(input: usize, units: usize, init: &mut Init, device: &Device) -> Self {
        let mut bias = vec![0.0f32; 4 * units];
        bias[units..2 * units].fill(1.0); // unit_forget_bias
        Self {
            kernel: Param::from_tensor(init.glorot_uniform([input, 4 * units], device)),
            recurrent_kernel: Param::from_tensor(init.orthogonal([units, 4 * units], device)),
            bias: Param::from_tensor(Tensor::from_data(TensorData::new(bias, [4 * units]), device)),
            units,
        }
    }

    /// # Shapes
    /// - x `[batch, seq, in]` → last hidden state `[batch, units]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let [batch, seq, input] = x.dims();
        let u = self.units;
        let device = x.device();
        let (kernel, recurrent, bias) = (self.kernel.val(), self.recurrent_kernel.val(), self.bias.val().unsqueeze_dim(0));
        let mut h = Tensor::<2>::zeros([batch, u], &device);
        let mut c = Tensor::<2>::zeros([batch, u], &device);
        // Slicing the narrow input rather than a [batch, seq, 4u] projection: burn's
        // slice backward writes a zero gradient of the whole sliced tensor per step.
        // (The fused recurrent kernel of the speed work removes this cost.)
        for t in 0..seq {
            let xt = x.clone().slice([0..batch, t..t + 1, 0..input]).reshape([batch, input]); // [batch, in]
            let z = xt.matmul(kernel.clone()) + h.matmul(recurrent.clone()) + bias.clone(); // [batch, 4u]
            let gate = |k: usize| z.clone().slice([0..batch, k * u..(k + 1) * u]);
            let i = activation::sigmoid(gate(0));
            let f = activation::sigmoid(gate(1));
            let g = activation::tanh(gate(2));
            let o = activation::sigmoid(gate(3));
            c = f * c + i * g;
            h = o * activation::tanh(c.clone());
        }
        h
    }
}

/// `GlobalAveragePooling1D`: the mean over time.
///
/// # Shapes
/// - x `[batch, seq, d]` → `[batch, d]`
pub fn global_average_pooling_1d(x: Tensor<3>) -> Tensor<2> {
    let [batch, _, d] = x.dims();
    x.mean_dim(1).reshape([batch, d])
}
