//! Keras' recurrent layers — `SimpleRNN`, `LSTM`, `GRU` (`reset_after=True`) — and
//! `Bidirectional`, with Keras' weight layout, gate order and initialisers.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::activation;

use super::init::Init;
use crate::dto::{MergeMode, RecurrentConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    SimpleRnn,
    Lstm,
    Gru,
}

impl Cell {
    /// Gates stacked in the kernels: 1, 4 (i, f, c, o) or 3 (z, r, h).
    pub fn gates(self) -> usize {
        match self {
            Cell::SimpleRnn => 1,
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }

    /// Keras' parameter count for `units` on `input` features.
    pub fn params(self, input: usize, units: usize) -> usize {
        let biases = if self == Cell::Gru { 2 } else { 1 }; // reset_after: input and recurrent bias
        self.gates() * units * (input + units + biases)
    }
}

/// One recurrent layer: kernel `[in, g·u]`, recurrent kernel `[u, g·u]` (orthogonal),
/// bias `[g·u]` (`[2·3u]` for GRU: input bias then recurrent bias).
#[derive(Module, Debug)]
pub struct Recurrent {
    pub kernel: Param<Tensor<2>>,
    pub recurrent_kernel: Param<Tensor<2>>,
    pub bias: Param<Tensor<1>>,
    #[module(skip)]
    pub cell: Cell,
    #[module(skip)]
    pub config: RecurrentConfig,
}

impl Recurrent {
    pub fn new(cell: Cell, config: &RecurrentConfig, input: usize, init: &mut Init, device: &Device) -> Self {
        let u = config.units;
        let g = cell.gates();
        let biases = if cell == Cell::Gru { 2 } else { 1 };
        let mut bias = vec![0.0f32; biases * g * u];
        if cell == Cell::Lstm {
            bias[u..2 * u].fill(1.0); // unit_forget_bias
        }
        Self {
            kernel: Param::from_tensor(init.glorot_uniform([input, g * u], device)),
            recurrent_kernel: Param::from_tensor(init.orthogonal([u, g * u], device)),
            bias: Param::from_tensor(Tensor::from_data(TensorData::new(bias, [biases * g * u]), device)),
            cell,
            config: config.clone(),
        }
    }

    /// The last hidden state (`return_sequences=False`).
    ///
    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, units]`
    pub fn last(&self, x: Tensor<3>) -> Tensor<2> {
        match self.cell {
            Cell::Lstm => self.lstm(x),
            Cell::SimpleRnn | Cell::Gru => todo!("recurrent helper"),
        }
    }

    /// Every hidden state (`return_sequences=True`).
    ///
    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, seq, units]`
    pub fn sequence(&self, _x: Tensor<3>) -> Tensor<3> {
        todo!("recurrent helper")
    }

    fn lstm(&self, x: Tensor<3>) -> Tensor<2> {
        let [batch, seq, input] = x.dims();
        let u = self.config.units;
        let device = x.device();
        let (kernel, recurrent, bias) = (self.kernel.val(), self.recurrent_kernel.val(), self.bias.val().unsqueeze_dim(0));
        let mut h = Tensor::<2>::zeros([batch, u], &device);
        let mut c = Tensor::<2>::zeros([batch, u], &device);
        // Slicing the narrow input rather than a [batch, seq, 4u] projection: burn's
        // slice backward writes a zero gradient of the whole sliced tensor per step.
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

/// `Bidirectional(layer, merge_mode)`: a forward and a backward copy of the layer;
/// the backward one reads the sequence reversed, and its sequence output is
/// reversed back before merging, as Keras does.
#[derive(Module, Debug)]
pub struct Bidirectional {
    pub forward: Recurrent,
    pub backward: Recurrent,
    #[module(skip)]
    pub merge_mode: MergeMode,
}

impl Bidirectional {
    pub fn new(cell: Cell, config: &RecurrentConfig, merge_mode: MergeMode, input: usize, init: &mut Init, device: &Device) -> Self {
        Self {
            forward: Recurrent::new(cell, config, input, init, device),
            backward: Recurrent::new(cell, config, input, init, device),
            merge_mode,
        }
    }

    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, 2·units]` (concat) or `[batch, units]`
    pub fn last(&self, _x: Tensor<3>) -> Tensor<2> {
        todo!("recurrent helper")
    }

    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, seq, 2·units]` (concat) or `[batch, seq, units]`
    pub fn sequence(&self, _x: Tensor<3>) -> Tensor<3> {
        todo!("recurrent helper")
    }
}
