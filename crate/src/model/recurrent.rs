//! Keras' recurrent layers — `SimpleRNN`, `LSTM`, `GRU` (`reset_after=True`) — and
//! `Bidirectional`, with Keras' weight layout, gate order and initialisers.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::{Distribution, activation};

use super::{fused, fused_conv, fused_embed, fused_gpu};
use super::init::Init;
use super::layers::{Sequence, apply};
use crate::dto::{Activation, MergeMode, RecurrentConfig};

/// The cell: SimpleRNN, LSTM or GRU; the kernels' enum, with Keras' gate order and parameter count.
pub use kiln_kernels::rnn::Cell;

/// How the time loop runs. `Auto` fuses it into one operation (`fused.rs` on the CPU,
/// `fused_gpu.rs` on the GPU) when it can, and otherwise builds the per-step graph of burn ops,
/// which `Reference` forces (the equivalence tests compare the two). `Rolled` is `Auto` with the
/// GPU kernels' GPU forms on a software adapter too, where `Auto` takes their software forms
/// (`fused_gpu::states`), so the tests cover both on one adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Path {
    #[default]
    Auto,
    Reference,
    Rolled,
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
    #[module(skip)]
    pub path: Path,
}

/// Layers built after `use_reference_path(true)` take the per-step graph, and Conv1D
/// burn's `conv1d` (`kiln-train bench rnn=reference` measures Kiln's kernels against
/// them); tests set `path` per layer.
static REFERENCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Recurrent and Conv1D layers built after `use_rolled_kernels(true)` take `Path::Rolled`: the
/// GPU forms of their kernels and matmuls on a software adapter too (the page's `kernels=rolled`,
/// to measure the software adapter's forms against the GPU forms).
static ROLLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn use_reference_path(on: bool) {
    REFERENCE.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub fn use_rolled_kernels(on: bool) {
    ROLLED.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// The path of a layer built now.
pub(super) fn default_path() -> Path {
    if REFERENCE.load(std::sync::atomic::Ordering::Relaxed) {
        Path::Reference
    } else if ROLLED.load(std::sync::atomic::Ordering::Relaxed) {
        Path::Rolled
    } else {
        Path::Auto
    }
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
            path: default_path(),
        }
    }

    /// The last hidden state (`return_sequences=False`).
    ///
    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, units]`
    pub fn last(&self, x: impl Into<Sequence>) -> Tensor<2> {
        self.last_state(x.into(), false)
    }

    /// The state after the last step read, forwards or `backwards`.
    fn last_state(&self, x: Sequence, backwards: bool) -> Tensor<2> {
        match self.fused(x.clone(), backwards, true) {
            Some(hs) => {
                // every state, or (on the GPU) the last one alone, [batch, 1, units], which
                // needs no slice (a slice's backward fills a zero gradient of its whole input)
                let [batch, seq, units] = hs.dims();
                let t = if backwards { 0 } else { seq - 1 };
                let hs = if seq == 1 { hs } else { hs.slice([0..batch, t..t + 1, 0..units]) };
                hs.reshape([batch, units])
            }
            None => self.scan(x.values(), backwards, |_| {}),
        }
    }

    /// Every hidden state (`return_sequences=True`).
    ///
    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, seq, units]`
    pub fn sequence(&self, x: impl Into<Sequence>) -> Tensor<3> {
        self.states(x.into(), false)
    }

    /// Every hidden state in time order; `backwards` reads the sequence from its
    /// end (Keras' `go_backwards`) and puts the outputs back in time order.
    fn states(&self, x: Sequence, backwards: bool) -> Tensor<3> {
        if let Some(hs) = self.fused(x.clone(), backwards, false) {
            return hs;
        }
        let x = x.values();
        let mut hs = Vec::with_capacity(x.dims()[1]);
        self.scan(x, backwards, |h| hs.push(h.unsqueeze_dim::<3>(1))); // [batch, 1, units] each
        if backwards {
            hs.reverse();
        }
        Tensor::cat(hs, 1) // [batch, seq, units]
    }

    /// Every state in time order from the fused time loop, or `None` where it does
    /// not apply: a backend without the kernels (or a GPU layer too wide for workgroup
    /// memory), `Path::Reference`, an activation the kernels
    /// lack (softmax, gelu). The dropout masks (input, and recurrent while training) are
    /// drawn exactly as the reference path draws them, so one seed gives both paths the
    /// same masks. `last` lets the GPU loop return the last state read alone.
    fn fused(&self, x: Sequence, backwards: bool, last: bool) -> Option<Tensor<3>> {
        let device = x.device();
        let act = match self.config.activation {
            Activation::Linear => kiln_kernels::rnn::Act::Linear,
            Activation::Relu => kiln_kernels::rnn::Act::Relu,
            Activation::Sigmoid => kiln_kernels::rnn::Act::Sigmoid,
            Activation::Tanh => kiln_kernels::rnn::Act::Tanh,
            Activation::Elu => kiln_kernels::rnn::Act::Elu,
            Activation::Selu => kiln_kernels::rnn::Act::Selu,
            Activation::Swish => kiln_kernels::rnn::Act::Swish,
            Activation::Softmax | Activation::Gelu => return None,
        };
        let cpu = fused::available(&device, x.dtype());
        let gpu = !cpu && fused_gpu::available(&device, x.dtype(), self.cell, self.config.units);
        if self.path == Path::Reference || !(cpu || gpu) {
            return None;
        }
        let [batch, seq, input] = x.dims();
        let (inputs, recurrent) = self.projections(batch, input, &device);
        let shape = kiln_kernels::rnn::Shape { cell: self.cell, act, batch, seq, units: self.config.units, backwards };
        let mask = recurrent.gate_masks(); // recurrent dropout while training: [g, batch, u]
        let b_rec = recurrent.bias.map(|b| b.reshape([shape.width()]));
        if let (true, Mask::None, Sequence::Embedded(e)) = (cpu, &inputs.mask, &x) {
            // straight after an Embedding: the loop reads E_used·W + b, a row per id the
            // batch uses, and the projected sequence is never made (M1, M5)
            let width = shape.width();
            let bias = inputs.bias.clone().map_or_else(|| Tensor::zeros([width], &device), |b| b.reshape([width]));
            let b_rec = b_rec.unwrap_or_else(|| Tensor::zeros([width], &device)); // ignored outside GRU
            return Some(fused_embed::states(shape, e, inputs.w.clone(), bias, recurrent.w.clone(), b_rec, mask));
        }
        let xz = inputs.apply_all(x.values(), self.path == Path::Rolled);
        Some(if cpu { fused::states(shape, xz, recurrent.w, b_rec, mask) } else { fused_gpu::states(shape, xz, recurrent.w, b_rec, mask, last, self.path == Path::Auto) })
    }

    /// The time loop every cell shares: calls `each` with h after every step and
    /// returns the last h.
    fn scan(&self, x: Tensor<3>, backwards: bool, mut each: impl FnMut(Tensor<2>)) -> Tensor<2> {
        let [batch, seq, input] = x.dims();
        let device = x.device();
        let (inputs, recurrent) = self.projections(batch, input, &device);
        let mut h = Tensor::<2>::zeros([batch, self.config.units], &device);
        let mut c = h.clone(); // the LSTM carry; unused by the other cells
        for step in 0..seq {
            let t = if backwards { seq - 1 - step } else { step };
            // Slicing the narrow input rather than a [batch, seq, g·u] projection: burn's
            // slice backward writes a zero gradient of the whole sliced tensor per step.
            let xt = x.clone().slice([0..batch, t..t + 1, 0..input]).reshape([batch, input]); // [batch, in]
            let xz = inputs.apply(xt); // [batch, g·u]
            let hz = recurrent.apply(h.clone()); // [batch, g·u]
            (h, c) = self.step(xz, hz, h, c);
            each(h.clone());
        }
        h
    }

    /// One step of the cell from the projected input `x·W + b` and state `h·U`
    /// (`+ b_rec` for GRU), both `[batch, g·u]`; returns the new `(h, c)`.
    fn step(&self, x: Tensor<2>, r: Tensor<2>, h: Tensor<2>, c: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let [batch, _] = x.dims();
        let u = self.config.units;
        let act = |t: Tensor<2>| apply(self.config.activation, t);
        let gate = |z: &Tensor<2>, k: usize| z.clone().slice([0..batch, k * u..(k + 1) * u]); // [batch, u]
        match self.cell {
            Cell::SimpleRnn => (act(x + r), c),
            Cell::Lstm => {
                let z = x + r; // gates i, f, c, o
                let i = activation::sigmoid(gate(&z, 0));
                let f = activation::sigmoid(gate(&z, 1));
                let c = f * c + i * act(gate(&z, 2));
                (activation::sigmoid(gate(&z, 3)) * act(c.clone()), c)
            }
            Cell::Gru => {
                // reset_after=True: the reset gate scales h·U_h + b_rec_h.
                let z = activation::sigmoid(gate(&x, 0) + gate(&r, 0));
                let reset = activation::sigmoid(gate(&x, 1) + gate(&r, 1));
                let candidate = act(gate(&x, 2) + reset * gate(&r, 2));
                (z.clone() * h + (z.neg() + 1.0) * candidate, c)
            }
        }
    }

    /// The input and recurrent projections for one call, with fresh dropout masks
    /// when training (Keras draws them once per sequence).
    fn projections(&self, batch: usize, input: usize, device: &Device) -> (Projection, Projection) {
        let (u, g) = (self.config.units, self.cell.gates());
        let (dropout, recurrent_dropout) =
            if device.is_autodiff() { (self.config.dropout, self.config.recurrent_dropout) } else { (0.0, 0.0) };
        // Keras switches LSTM and GRU to `implementation=1` when recurrent_dropout > 0:
        // one mask per gate instead of one shared mask.
        let masks = if self.cell != Cell::SimpleRnn && recurrent_dropout > 0.0 { g } else { 1 };
        let bias = self.bias.val();
        let (input_bias, recurrent_bias) = match self.cell {
            Cell::Gru => (bias.clone().slice([0..g * u]), Some(bias.slice([g * u..2 * g * u]))),
            Cell::SimpleRnn | Cell::Lstm => (bias, None),
        };
        (
            Projection::new(self.kernel.val(), Some(input_bias), [masks, batch, input], dropout),
            Projection::new(self.recurrent_kernel.val(), recurrent_bias, [masks, batch, u], recurrent_dropout),
        )
    }
}

/// `x·w + b` for one step, after Keras' inverted dropout mask (`1/(1 − rate)` or 0,
/// fixed for the whole sequence).
struct Projection {
    w: Tensor<2>,            // [in, g·u]
    bias: Option<Tensor<2>>, // [1, g·u]
    mask: Mask,
}

enum Mask {
    None,
    /// One mask for all gates: `[batch, in]`.
    Shared(Tensor<2>),
    /// One mask per gate, `[g, batch, in]`, and the kernel as `[g, in, u]`.
    PerGate(Tensor<3>, Tensor<3>),
}

impl Projection {
    fn new(w: Tensor<2>, bias: Option<Tensor<1>>, [masks, batch, input]: [usize; 3], rate: f64) -> Self {
        let bias = bias.map(|b| b.unsqueeze_dim(0));
        if rate <= 0.0 {
            return Self { w, bias, mask: Mask::None };
        }
        let keep = 1.0 - rate;
        let mask = Tensor::<3>::random([masks, batch, input], Distribution::Bernoulli(keep), &w.device()) / keep;
        let mask = if masks == 1 {
            Mask::Shared(mask.reshape([batch, input]))
        } else {
            let [_, gu] = w.dims();
            Mask::PerGate(mask, w.clone().reshape([input, masks, gu / masks]).swap_dims(0, 1)) // [g, in, u]
        };
        Self { w, bias, mask }
    }

    /// All timesteps at once, as one matmul (the mask is the same at every step).
    ///
    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, seq, g·u]`
    fn apply_all(&self, x: Tensor<3>, rolled: bool) -> Tensor<3> {
        let [batch, seq, input] = x.dims();
        let x = match &self.mask {
            Mask::None => x,
            Mask::Shared(mask) => x * mask.clone().unsqueeze_dim::<3>(1), // [batch, 1, in]
            Mask::PerGate(masks, w) => {
                // each gate's input under its own mask: [g, batch, seq, in] · [g, in, u]
                let [g, _, u] = w.dims();
                let x = x.unsqueeze_dim::<4>(0) * masks.clone().unsqueeze_dim::<4>(2);
                let y = x.reshape([g, batch * seq, input]).matmul(w.clone()); // [g, batch·seq, u]
                let y = y.swap_dims(0, 1).reshape([batch * seq, g * u]);
                let y = match &self.bias {
                    Some(b) => y + b.clone(),
                    None => y,
                };
                return y.reshape([batch, seq, g * u]);
            }
        };
        if fused::KILN_MATMULS && fused::available(&x.device(), x.dtype()) {
            // A Dense over the sequence is a Conv1D of kernel size 1: Kiln's kernel reads
            // x in place and writes no zeroed-then-copied output as burn-flex's matmul does.
            let [_, width] = self.w.dims();
            let shape = kiln_kernels::conv::Shape { batch, steps: seq, channels: input, filters: width, kernel: 1, stride: 1, dilation: 1, pad: (0, 0) };
            let bias = match &self.bias {
                Some(b) => b.clone().reshape([width]),
                None => Tensor::zeros([width], &x.device()),
            };
            return fused_conv::conv1d(shape, x, self.w.clone().unsqueeze_dim(0), bias, false); // [batch, seq, g·u]
        }
        let x = x.reshape([batch * seq, input]);
        let y = if fused_gpu::linear_available(&x.device(), x.dtype()) {
            fused_gpu::linear(x, self.w.clone(), self.bias.clone(), rolled) // burn's matmul was slower than the time loop here
        } else {
            let y = x.matmul(self.w.clone());
            match &self.bias {
                Some(b) => y + b.clone(),
                None => y,
            }
        };
        let width = y.dims()[1];
        y.reshape([batch, seq, width])
    }

    /// The dropout mask as the fused loops take it, `[g, batch, in]` (one gate: `[1, batch, in]`).
    fn gate_masks(&self) -> Option<Tensor<3>> {
        match &self.mask {
            Mask::None => None,
            Mask::Shared(mask) => Some(mask.clone().unsqueeze_dim(0)),
            Mask::PerGate(masks, _) => Some(masks.clone()),
        }
    }

    /// # Shapes
    /// - x `[batch, in]` → `[batch, g·u]`
    fn apply(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let y = match &self.mask {
            Mask::None => x.matmul(self.w.clone()),
            Mask::Shared(mask) => (x * mask.clone()).matmul(self.w.clone()),
            Mask::PerGate(masks, w) => {
                let [g, _, u] = w.dims();
                let y = (x.unsqueeze_dim::<3>(0) * masks.clone()).matmul(w.clone()); // [g, batch, u]
                y.swap_dims(0, 1).reshape([batch, g * u]) // [batch, g·u]
            }
        };
        match &self.bias {
            Some(b) => y + b.clone(),
            None => y,
        }
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
    pub fn last(&self, x: impl Into<Sequence>) -> Tensor<2> {
        let x = x.into();
        self.merge(self.forward.last(x.clone()), self.backward.last_state(x, true))
    }

    /// # Shapes
    /// - x `[batch, seq, in]` → `[batch, seq, 2·units]` (concat) or `[batch, seq, units]`
    pub fn sequence(&self, x: impl Into<Sequence>) -> Tensor<3> {
        let x = x.into();
        self.merge(self.forward.sequence(x.clone()), self.backward.states(x, true))
    }

    fn merge<const D: usize>(&self, forward: Tensor<D>, backward: Tensor<D>) -> Tensor<D> {
        match self.merge_mode {
            MergeMode::Concat => Tensor::cat(vec![forward, backward], D - 1),
            MergeMode::Sum => forward + backward,
            MergeMode::Ave => (forward + backward) / 2.0,
            MergeMode::Mul => forward * backward,
        }
    }
}
