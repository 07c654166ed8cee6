//! The time loop of Keras' recurrent cells (SimpleRNN, LSTM, GRU with
//! `reset_after=True`) and its backward pass (BPTT), on already projected inputs.
//!
//! The caller computes `xz = x·W + b` for all timesteps at once (one big matmul);
//! these kernels run `h_t = cell(xz_t, h_{t-1}·U (+ b_rec))` from `h_0 = 0` and,
//! backwards, the gradients with respect to `xz`, to the recurrent pre-activations
//! (whose product with the previous states is the gradient of `U`: one matmul the
//! caller does over all steps) and to GRU's recurrent bias.
//!
//! Layouts are row-major: `xz` `[batch, seq, g·u]`, `U` `[u, g·u]` with the gates
//! stacked as Keras does (LSTM i, f, c, o; GRU z, r, h), outputs `[batch, seq, u]`
//! in time order (with `backwards`, step `s` reads time `seq − 1 − s`, and its
//! state is written at that time, as Keras' `go_backwards` reversed back).
//!
//! Batch rows never meet inside the loop, so the batch is cut into slices that run
//! on their own (in parallel with the `rayon` feature) and give the same bits.

use std::ops::Range;

pub use crate::gemm::{matmul_acc, transpose};
use crate::gemm::{MR, Packed, matmul_acc_packed};

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
        self.gates().saturating_mul(units).saturating_mul(input.saturating_add(units).saturating_add(biases))
    }
}

/// The cell activation (Keras' `activation`; the gates are always sigmoids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Linear,
    Relu,
    Sigmoid,
    Tanh,
    /// `x` for `x ≥ 0`, `e^x − 1` below.
    Elu,
    /// Keras' selu: `λ·elu_α(x)`.
    Selu,
    /// `x·σ(x)`.
    Swish,
}

const SELU_ALPHA: f32 = 1.673_263_2;
const SELU_SCALE: f32 = 1.050_701;

/// `e^x` without a libm call, so loops of it vectorise: `2^k · e^r` with
/// `|r| ≤ ln 2 / 2` and Cephes' degree-6 polynomial (about 2 ulp on the clamped range).
#[inline(always)]
fn exp(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
    let x = x.clamp(-87.0, 88.0);
    let k = (x * std::f32::consts::LOG2_E + MAGIC) - MAGIC;
    let r = x - k * 0.693_359_4 - k * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    y * f32::from_bits(((k as i32 + 127) << 23) as u32)
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Eigen's fast tanh (what TensorFlow's CPU kernels use): an odd degree-13 over an
/// even degree-6 polynomial on the clamped range, within 3.5e-7 of tanh. No exp and no
/// branch, so loops of it vectorise: 1.1 ns a value in Chromium's wasm against 3.8
/// for Cephes' tanhf, which computed a polynomial and `1 − 2/(e^{2x} + 1)` and chose.
#[inline(always)]
fn tanh(x: f32) -> f32 {
    let x = x.clamp(-7.998_811_7, 7.998_811_7);
    let x2 = x * x;
    let mut p = -2.760_768_5e-16f32;
    p = p * x2 + 2.000_188e-13;
    p = p * x2 - 8.604_672e-11;
    p = p * x2 + 5.122_297e-8;
    p = p * x2 + 1.485_722_4e-5;
    p = p * x2 + 6.372_619_3e-4;
    p = p * x2 + 4.893_524_6e-3;
    let mut q = 1.198_258_4e-6f32;
    q = q * x2 + 1.185_347_1e-4;
    q = q * x2 + 2.268_434_6e-3;
    q = q * x2 + 4.893_525e-3;
    x * p / q
}

/// An activation as a type, so each one gets its own copy of the loops, with
/// nothing to branch on inside them (which is what lets them vectorise).
trait Function {
    fn value(x: f32) -> f32;
    /// `(f(x), f'(x))`.
    fn with_slope(x: f32) -> (f32, f32);
}

macro_rules! function {
    ($name:ident, |$x:ident| $value:expr, $slope:expr) => {
        struct $name;
        impl Function for $name {
            #[inline(always)]
            fn value($x: f32) -> f32 {
                $value
            }
            #[inline(always)]
            fn with_slope($x: f32) -> (f32, f32) {
                $slope
            }
        }
    };
}

function!(Linear, |x| x, (x, 1.0));
function!(Relu, |x| x.max(0.0), if x > 0.0 { (x, 1.0) } else { (0.0, 0.0) });
function!(Sigmoid, |x| sigmoid(x), {
    let s = sigmoid(x);
    (s, s * (1.0 - s))
});
function!(Tanh, |x| tanh(x), {
    let t = tanh(x);
    (t, 1.0 - t * t)
});
function!(Elu, |x| if x < 0.0 { exp(x) - 1.0 } else { x }, {
    let e = exp(x);
    if x < 0.0 { (e - 1.0, e) } else { (x, 1.0) }
});
function!(Selu, |x| SELU_SCALE * if x < 0.0 { SELU_ALPHA * (exp(x) - 1.0) } else { x }, {
    let e = exp(x);
    if x < 0.0 { (SELU_SCALE * SELU_ALPHA * (e - 1.0), SELU_SCALE * SELU_ALPHA * e) } else { (SELU_SCALE * x, SELU_SCALE) }
});
function!(Swish, |x| x * sigmoid(x), {
    let s = sigmoid(x);
    (x * s, s * (1.0 + x * (1.0 - s)))
});

/// Calls `$f::<the activation's type>($args)`.
macro_rules! with_function {
    ($act:expr, $f:ident($($arg:expr),*)) => {
        match $act {
            Act::Linear => $f::<Linear>($($arg),*),
            Act::Relu => $f::<Relu>($($arg),*),
            Act::Sigmoid => $f::<Sigmoid>($($arg),*),
            Act::Tanh => $f::<Tanh>($($arg),*),
            Act::Elu => $f::<Elu>($($arg),*),
            Act::Selu => $f::<Selu>($($arg),*),
            Act::Swish => $f::<Swish>($($arg),*),
        }
    };
}

/// One recurrent layer's sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub cell: Cell,
    pub act: Act,
    pub batch: usize,
    pub seq: usize,
    pub units: usize,
    /// Read the sequence from its end (Keras' `go_backwards`, Bidirectional's backward layer).
    pub backwards: bool,
}

impl Shape {
    /// The width of the stacked gates, `g·u`.
    pub fn width(&self) -> usize {
        self.cell.gates() * self.units
    }

    /// The time index step `s` reads.
    fn time(&self, s: usize) -> usize {
        if self.backwards { self.seq - 1 - s } else { s }
    }
}

/// What the forward pass keeps for the backward one: a [`Part`] per slice of the
/// batch, each run on its own (on its own thread with the `rayon` feature).
#[derive(Debug, Clone, Default)]
pub struct Saved {
    parts: Vec<Part>,
}

/// One batch slice's record, step-major (`[seq, rows, ·]` in processing order): the
/// gate pre-activations (LSTM: its input, forget and output gates after the sigmoid,
/// which the backward pass would otherwise compute again), the states, and the LSTM
/// carry or the GRU's `h·U_h + b_rec_h`.
#[derive(Debug, Clone, Default)]
struct Part {
    rows: Range<usize>,
    pre: Vec<f32>,
    h: Vec<f32>,
    c: Vec<f32>,
    rh: Vec<f32>,
}

impl Saved {
    /// Bytes held, for memory accounting.
    pub fn bytes(&self) -> usize {
        self.parts.iter().map(|p| 4 * (p.pre.len() + p.h.len() + p.c.len() + p.rh.len())).sum()
    }
}

/// The threads the loops may use: rayon's pool with the `rayon` feature, else 1.
pub fn threads() -> usize {
    #[cfg(feature = "rayon")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "rayon"))]
    1
}

/// How many slices the batch is cut into: one per thread, at least 4 rows each (the
/// matmul's register tile).
fn default_parts(batch: usize) -> usize {
    threads().min(batch / MR).max(1)
}

/// `batch` rows in `parts` contiguous ranges, as even as can be.
pub(crate) fn split(batch: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.clamp(1, batch.max(1));
    (0..parts).map(|i| batch * i / parts..batch * (i + 1) / parts).collect()
}

/// `f` over `items`, in order; on rayon's pool with the `rayon` feature.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    items.into_iter().map(f).collect()
}

/// Batch rows per group of the convolution and pooling kernels, which run the groups on
/// their own: a fixed size, so sums over groups do not depend on the thread count.
const GROUP: usize = 8;

/// `batch` rows in groups of [`GROUP`] (the last one shorter).
pub(crate) fn groups(batch: usize) -> Vec<Range<usize>> {
    (0..batch.div_ceil(GROUP)).map(|g| g * GROUP..((g + 1) * GROUP).min(batch)).collect()
}

/// Cuts a batch-major buffer of `row` values per batch row at `ranges`.
pub(crate) fn cut<'a, T>(mut buf: &'a mut [T], ranges: &[Range<usize>], row: usize) -> Vec<&'a mut [T]> {
    ranges
        .iter()
        .map(|r| {
            let (head, tail) = std::mem::take(&mut buf).split_at_mut(r.len() * row);
            buf = tail;
            head
        })
        .collect()
}

/// The recurrent dropout mask `[g, batch, u]` of the batch rows `rows`: `[g, rows, u]`.
fn mask_rows(mask: &[f32], gates: usize, batch: usize, units: usize, rows: &Range<usize>) -> Vec<f32> {
    let mut m = Vec::with_capacity(gates * rows.len() * units);
    for g in 0..gates {
        m.extend_from_slice(&mask[(g * batch + rows.start) * units..(g * batch + rows.end) * units]);
    }
    m
}

/// The forward pass: every state `[batch, seq, u]` in time order, and what the
/// backward pass needs when `save`.
///
/// `xz` `[batch, seq, g·u]`, `u` `[u, g·u]`, `b_rec` `[g·u]` (GRU only, else ignored),
/// `mask` Keras' recurrent dropout, `[g, batch, u]`: gate `g` reads `h ⊙ mask[g]`.
pub fn forward(sh: &Shape, xz: &[f32], u: &[f32], b_rec: Option<&[f32]>, mask: Option<&[f32]>, save: bool) -> (Vec<f32>, Option<Saved>) {
    forward_on(sh, Inputs::Rows(xz), u, b_rec, mask, save)
}

/// [`forward`] from `xz` given either way ([`Inputs`]).
pub fn forward_on(sh: &Shape, xz: Inputs<'_>, u: &[f32], b_rec: Option<&[f32]>, mask: Option<&[f32]>, save: bool) -> (Vec<f32>, Option<Saved>) {
    forward_in(sh, xz, u, b_rec, mask, save, default_parts(sh.batch))
}

/// The projected inputs `xz = x·W + b` the loop reads.
#[derive(Debug, Clone, Copy)]
pub enum Inputs<'a> {
    /// Every token's row, `[batch, seq, g·u]`.
    Rows(&'a [f32]),
    /// After an Embedding, one row per id the batch uses, `[used, g·u]`, and each token's
    /// row in it, `[batch, seq]` (`crate::embed`): the loop reads the row, and the
    /// `[batch, seq, g·u]` projection is never written.
    Table { rows: &'a [f32], slots: &'a [u32] },
}

impl<'a> Inputs<'a> {
    fn check(&self, sh: &Shape) {
        let (batch, seq, width) = (sh.batch, sh.seq, sh.width());
        match *self {
            Inputs::Rows(xz) => assert_eq!(xz.len(), batch * seq * width, "xz is [batch, seq, g·u]"),
            Inputs::Table { rows, slots } => {
                assert_eq!(slots.len(), batch * seq, "slots are [batch, seq]");
                assert!(slots.iter().all(|&s| (s as usize + 1) * width <= rows.len()), "every slot has a row");
            }
        }
    }

    /// The batch rows `r` alone.
    fn batch_rows(self, r: &Range<usize>, sh: &Shape) -> Self {
        let (seq, width) = (sh.seq, sh.width());
        match self {
            Inputs::Rows(xz) => Inputs::Rows(&xz[r.start * seq * width..r.end * seq * width]),
            Inputs::Table { rows, slots } => Inputs::Table { rows, slots: &slots[r.start * seq..r.end * seq] },
        }
    }

    /// Batch row `b`'s row at time `t`, `[g·u]`.
    #[inline]
    fn row(&self, b: usize, t: usize, sh: &Shape) -> &'a [f32] {
        let width = sh.width();
        match *self {
            Inputs::Rows(xz) => &xz[(b * sh.seq + t) * width..][..width],
            Inputs::Table { rows, slots } => &rows[slots[b * sh.seq + t] as usize * width..][..width],
        }
    }
}

/// [`forward`] with the batch cut into `parts` slices (the results do not depend on it).
fn forward_in(sh: &Shape, xz: Inputs<'_>, u: &[f32], b_rec: Option<&[f32]>, mask: Option<&[f32]>, save: bool, parts: usize) -> (Vec<f32>, Option<Saved>) {
    let (batch, seq, units, width) = (sh.batch, sh.seq, sh.units, sh.width());
    xz.check(sh);
    assert_eq!(u.len(), units * width, "U is [u, g·u]");
    let b_rec = if sh.cell == Cell::Gru { b_rec } else { None };
    if let Some(b) = b_rec {
        assert_eq!(b.len(), width, "b_rec is [g·u]");
    }
    if let Some(m) = mask {
        assert_eq!(m.len(), sh.cell.gates() * batch * units, "the recurrent dropout mask is [g, batch, u]");
    }
    let blocks = if mask.is_some() { gate_blocks(sh, u, false) } else { Vec::new() };
    // read at every step by every slice: U, or under recurrent dropout its gate blocks
    let blocks: Vec<Packed> = blocks.iter().map(|b| Packed::new(b, units, units)).collect();
    let up = Packed::new(u, if mask.is_some() { 0 } else { units }, width);
    let ranges = split(batch, parts);
    let mut hs = vec![0.0f32; batch * seq * units];
    let jobs: Vec<_> = ranges.iter().cloned().zip(cut(&mut hs, &ranges, seq * units)).collect();
    let done = map(jobs, |(rows, out)| {
        let sub = Shape { batch: rows.len(), ..*sh };
        let m = mask.map(|m| mask_rows(m, sh.cell.gates(), batch, units, &rows));
        let xs = xz.batch_rows(&rows, sh);
        with_function!(sh.act, forward_with(&sub, xs, &up, &blocks, b_rec, m.as_deref(), save, out)).map(|p| Part { rows, ..p })
    });
    let saved = save.then(|| Saved { parts: done.into_iter().flatten().collect() });
    (hs, saved)
}

/// One batch slice: `sh.batch` is its row count, `xz` its rows, `hs` `[rows, seq, u]`
/// its output; the record is returned when `save`. `blocks`: `U`'s gate blocks under
/// recurrent dropout (else empty).
#[allow(clippy::too_many_arguments)]
fn forward_with<A: Function>(sh: &Shape, xz: Inputs<'_>, u: &Packed<'_>, blocks: &[Packed<'_>], b_rec: Option<&[f32]>, mask: Option<&[f32]>, save: bool, hs: &mut [f32]) -> Option<Part> {
    let (batch, seq, units, width) = (sh.batch, sh.seq, sh.units, sh.width());
    let mut masked = mask.map(|m| Masked::new(sh, blocks, m));
    let step_pre = batch * width;
    let step_h = batch * units;
    let mut saved = save.then(|| Part {
        rows: 0..batch,
        pre: vec![0.0; seq * step_pre],
        h: vec![0.0; seq * step_h],
        c: if sh.cell == Cell::Lstm { vec![0.0; seq * step_h] } else { Vec::new() },
        rh: if sh.cell == Cell::Gru { vec![0.0; seq * step_h] } else { Vec::new() },
    });
    let mut pre_step = if save { Vec::new() } else { vec![0.0; step_pre] };
    let mut h = vec![0.0f32; step_h];
    let mut c = vec![0.0f32; step_h];
    let mut r = vec![0.0f32; step_pre];
    // SimpleRNN and LSTM add h_{t-1}·U straight onto the step's inputs in `pre`; GRU
    // keeps it apart in `r` (its reset gate scales the candidate's part).
    let gru = sh.cell == Cell::Gru;
    for s in 0..seq {
        let t = sh.time(s);
        let (pre, rh) = match saved.as_mut() {
            Some(sv) => (&mut sv.pre[s * step_pre..(s + 1) * step_pre], &mut sv.rh[..]),
            None => (&mut pre_step[..], &mut [][..]),
        };
        // h_{t-1}·U; h_0 = 0
        let mut add_recurrent = |out: &mut [f32]| match masked.as_mut() {
            None => matmul_acc_packed(batch, &h, units, u, out, width),
            Some(m) => m.forward(&h, out),
        };
        if gru {
            match b_rec {
                Some(b) => r.chunks_exact_mut(width).for_each(|row| row.copy_from_slice(b)),
                None => r.fill(0.0),
            }
            if s > 0 {
                add_recurrent(&mut r);
            }
        } else {
            for (b, row) in pre.chunks_exact_mut(width).enumerate() {
                row.copy_from_slice(xz.row(b, t, sh));
            }
            if s > 0 {
                add_recurrent(pre);
            }
        }
        for b in 0..batch {
            let x = xz.row(b, t, sh);
            let rr = &r[b * width..][..width];
            let p = &mut pre[b * width..][..width];
            let hb = &mut h[b * units..][..units];
            let cb = &mut c[b * units..][..units];
            match sh.cell {
                Cell::SimpleRnn => {
                    for k in 0..units {
                        hb[k] = A::value(p[k]); // p = x + h·U already
                    }
                }
                Cell::Lstm => {
                    let (pi, rest) = p.split_at_mut(units);
                    let (pf, rest) = rest.split_at_mut(units);
                    let (pc, po) = rest.split_at_mut(units);
                    // the gates kept after the sigmoid: the backward pass reads them as they are
                    for gate in [&mut *pi, &mut *pf, &mut *po] {
                        gate.iter_mut().for_each(|v| *v = sigmoid(*v));
                    }
                    for k in 0..units {
                        cb[k] = pf[k] * cb[k] + pi[k] * A::value(pc[k]);
                        hb[k] = po[k] * A::value(cb[k]);
                    }
                }
                Cell::Gru => {
                    let rh = if save { &mut rh[(s * batch + b) * units..][..units] } else { &mut [][..] };
                    for k in 0..units {
                        let (pz, pr) = (x[k] + rr[k], x[units + k] + rr[units + k]);
                        let (z, reset) = (sigmoid(pz), sigmoid(pr));
                        let ph = x[2 * units + k] + reset * rr[2 * units + k];
                        hb[k] = z * hb[k] + (1.0 - z) * A::value(ph);
                        p[k] = pz;
                        p[units + k] = pr;
                        p[2 * units + k] = ph;
                        if save {
                            rh[k] = rr[2 * units + k];
                        }
                    }
                }
            }
            hs[(b * seq + t) * units..][..units].copy_from_slice(hb);
        }
        if let Some(sv) = saved.as_mut() {
            sv.h[s * step_h..(s + 1) * step_h].copy_from_slice(&h);
            if sh.cell == Cell::Lstm {
                sv.c[s * step_h..(s + 1) * step_h].copy_from_slice(&c);
            }
        }
    }
    saved
}

/// Gradients of one backward pass.
#[derive(Debug, Clone)]
pub struct Grads {
    /// With respect to `xz`, `[batch, seq, g·u]`.
    pub xz: Vec<f32>,
    /// With respect to the recurrent pre-activations `h_{t-1}·U (+ b_rec)`, same layout;
    /// `None` when it equals `xz` (SimpleRNN, LSTM).
    pub recurrent: Option<Vec<f32>>,
    /// The state each step started from, `[batch, seq, u]` in the same time order:
    /// `dU = prev_states^T · recurrent` over all `batch·seq` rows.
    pub prev_states: Vec<f32>,
    /// With respect to GRU's recurrent bias `[g·u]`.
    pub b_rec: Option<Vec<f32>>,
}

/// The backward pass from `dhs`, the gradient of every state `[batch, seq, u]`,
/// with the forward pass' recurrent dropout `mask`.
pub fn backward(sh: &Shape, u: &[f32], saved: &Saved, dhs: &[f32], mask: Option<&[f32]>) -> Grads {
    let (batch, seq, units, width) = (sh.batch, sh.seq, sh.units, sh.width());
    assert_eq!(dhs.len(), batch * seq * units, "dhs is [batch, seq, u]");
    assert_eq!(saved.parts.iter().map(|p| p.rows.len()).sum::<usize>(), batch, "saved from a forward pass of this batch");
    // [g·u, u], or under recurrent dropout U's gate blocks, transposed
    let (ut, blocks) = if mask.is_some() { (Vec::new(), gate_blocks(sh, u, true)) } else { (transpose(u, units, width), Vec::new()) };
    let ut = Packed::new(&ut, if mask.is_some() { 0 } else { width }, units);
    let blocks: Vec<Packed> = blocks.iter().map(|b| Packed::new(b, units, units)).collect();
    let gru = sh.cell == Cell::Gru;
    let ranges: Vec<Range<usize>> = saved.parts.iter().map(|p| p.rows.clone()).collect();
    let mut dxz = vec![0.0f32; batch * seq * width];
    let mut drec = if gru { vec![0.0f32; batch * seq * width] } else { Vec::new() };
    let mut prev_states = vec![0.0f32; batch * seq * units];
    let drecs: Vec<Option<&mut [f32]>> =
        if gru { cut(&mut drec, &ranges, seq * width).into_iter().map(Some).collect() } else { ranges.iter().map(|_| None).collect() };
    let jobs: Vec<_> = saved
        .parts
        .iter()
        .zip(cut(&mut dxz, &ranges, seq * width))
        .zip(drecs)
        .zip(cut(&mut prev_states, &ranges, seq * units))
        .map(|(((part, dx), dr), prev)| (part, Out { dxz: dx, drec: dr, prev }))
        .collect();
    map(jobs, |(part, out)| {
        let rows = &part.rows;
        let sub = Shape { batch: rows.len(), ..*sh };
        let m = mask.map(|m| mask_rows(m, sh.cell.gates(), batch, units, rows));
        let ds = &dhs[rows.start * seq * units..rows.end * seq * units];
        with_function!(sh.act, backward_with(&sub, &ut, &blocks, part, ds, m.as_deref(), out))
    });
    let b_rec = gru.then(|| {
        let mut sum = vec![0.0f32; width];
        for row in drec.chunks_exact(width) {
            for (a, v) in sum.iter_mut().zip(row) {
                *a += v;
            }
        }
        sum
    });
    Grads { xz: dxz, recurrent: gru.then_some(drec), prev_states, b_rec }
}

/// A batch slice's share of [`Grads`]: its rows of each.
struct Out<'a> {
    dxz: &'a mut [f32],
    drec: Option<&'a mut [f32]>,
    prev: &'a mut [f32],
}

/// One batch slice (`sh.batch` its row count, `dhs` its rows); `ut` is `Uᵀ` packed, or
/// under recurrent dropout `blocks` are `U`'s gate blocks transposed (the other empty).
fn backward_with<A: Function>(sh: &Shape, ut: &Packed<'_>, blocks: &[Packed<'_>], saved: &Part, dhs: &[f32], mask: Option<&[f32]>, out: Out<'_>) {
    let (batch, seq, units, width) = (sh.batch, sh.seq, sh.units, sh.width());
    assert_eq!(saved.h.len(), seq * batch * units, "saved from a forward pass of this shape");
    let mut masked = mask.map(|m| Masked::new(sh, blocks, m));
    let (step_pre, step_h) = (batch * width, batch * units);
    let Out { dxz, mut drec, prev } = out;
    let mut dh = vec![0.0f32; step_h]; // the gradient reaching h_t
    let mut dc = vec![0.0f32; step_h]; // LSTM: the gradient reaching c_t through c_{t+1}
    let mut dz = vec![0.0f32; step_pre]; // this step's gradient w.r.t. the recurrent pre-activations
    let zeros = vec![0.0f32; step_h];
    // SimpleRNN and LSTM: the recurrent pre-activations' gradient is dxz's row itself,
    // written in place and read back strided by the matmul into dh.
    let direct = sh.cell != Cell::Gru && masked.is_none();
    for s in (0..seq).rev() {
        let t = sh.time(s);
        for b in 0..batch {
            let src = &dhs[(b * seq + t) * units..][..units];
            for (d, g) in dh[b * units..][..units].iter_mut().zip(src) {
                *d += g;
            }
        }
        let pre = &saved.pre[s * step_pre..][..step_pre];
        let h_prev = if s > 0 { &saved.h[(s - 1) * step_h..][..step_h] } else { &zeros[..] };
        for b in 0..batch {
            let p = &pre[b * width..][..width];
            let dhb = &mut dh[b * units..][..units];
            let dxb = &mut dxz[(b * seq + t) * width..][..width];
            let (dzb, dxb): (&mut [f32], Option<&mut [f32]>) = if direct { (dxb, None) } else { (&mut dz[b * width..][..width], Some(dxb)) };
            match sh.cell {
                Cell::SimpleRnn => {
                    for k in 0..units {
                        dzb[k] = dhb[k] * A::with_slope(p[k]).1;
                    }
                    if let Some(dxb) = dxb {
                        dxb.copy_from_slice(dzb);
                    }
                    dhb.fill(0.0);
                }
                Cell::Lstm => {
                    let c = &saved.c[s * step_h + b * units..][..units];
                    let c_prev: &[f32] = if s > 0 { &saved.c[(s - 1) * step_h + b * units..][..units] } else { &zeros[..units] };
                    let dcb = &mut dc[b * units..][..units];
                    for k in 0..units {
                        let (i, f, o) = (p[k], p[units + k], p[3 * units + k]); // after the sigmoid
                        let (cand, dcand) = A::with_slope(p[2 * units + k]);
                        let (tc, dtc) = A::with_slope(c[k]);
                        let dct = dcb[k] + dhb[k] * o * dtc;
                        dzb[k] = dct * cand * i * (1.0 - i);
                        dzb[units + k] = dct * c_prev[k] * f * (1.0 - f);
                        dzb[2 * units + k] = dct * i * dcand;
                        dzb[3 * units + k] = dhb[k] * tc * o * (1.0 - o);
                        dcb[k] = dct * f;
                        dhb[k] = 0.0;
                    }
                    if let Some(dxb) = dxb {
                        dxb.copy_from_slice(dzb);
                    }
                }
                Cell::Gru => {
                    let rh = &saved.rh[s * step_h + b * units..][..units];
                    let hp = &h_prev[b * units..][..units];
                    let drb = &mut drec.as_deref_mut().expect("GRU")[(b * seq + t) * width..][..width];
                    let dxb = dxb.expect("GRU keeps dz apart");
                    for k in 0..units {
                        let (z, reset) = (sigmoid(p[k]), sigmoid(p[units + k]));
                        let (n, dn_slope) = A::with_slope(p[2 * units + k]);
                        let d = dhb[k];
                        let dph = d * (1.0 - z) * dn_slope;
                        let dpz = d * (hp[k] - n) * z * (1.0 - z);
                        let dpr = dph * rh[k] * reset * (1.0 - reset);
                        dxb[k] = dpz;
                        dxb[units + k] = dpr;
                        dxb[2 * units + k] = dph;
                        dzb[k] = dpz;
                        dzb[units + k] = dpr;
                        dzb[2 * units + k] = dph * reset;
                        dhb[k] = d * z; // the direct path h_t = z·h_{t-1} + …
                    }
                    drb.copy_from_slice(dzb);
                }
            }
        }
        if s > 0 {
            // through h_{t-1}·U; h_0 is no parameter
            match masked.as_mut() {
                None if direct => matmul_acc_packed(batch, &dxz[t * width..], seq * width, ut, &mut dh, units),
                None => matmul_acc_packed(batch, &dz, width, ut, &mut dh, units),
                Some(m) => m.backward(&dz, &mut dh),
            }
        }
        // Gradients vanishing over hundreds of steps turn subnormal, and subnormal
        // arithmetic is up to 100× slower on x86: flush what is carried.
        flush(&mut dh);
        flush(&mut dc);
    }
    for s in 1..seq {
        let t = sh.time(s);
        for b in 0..batch {
            prev[(b * seq + t) * units..][..units].copy_from_slice(&saved.h[(s - 1) * step_h + b * units..][..units]);
        }
    }
}

/// `h_{t-1}·U` under Keras' recurrent dropout: gate `g` reads `h ⊙ mask[g]`, so each
/// gate's `[u, u]` block of `U` is its own matmul.
struct Masked<'a> {
    batch: usize,
    units: usize,
    mask: &'a [f32],
    /// `U`'s gate blocks `[u, u]` (transposed for the backward pass), packed, shared by the slices.
    blocks: &'a [Packed<'a>],
    /// Scratch `[batch, u]` rows, reused at every step.
    a: Vec<f32>,
    c: Vec<f32>,
}

/// `U`'s gate blocks `[u, u]`, each transposed when `transposed`.
fn gate_blocks(sh: &Shape, u: &[f32], transposed: bool) -> Vec<Vec<f32>> {
    let (units, width) = (sh.units, sh.width());
    (0..sh.cell.gates())
        .map(|g| {
            let block: Vec<f32> = (0..units * units).map(|i| u[(i / units) * width + g * units + i % units]).collect();
            if transposed { transpose(&block, units, units) } else { block }
        })
        .collect()
}

impl<'a> Masked<'a> {
    fn new(sh: &Shape, blocks: &'a [Packed<'a>], mask: &'a [f32]) -> Self {
        let units = sh.units;
        assert_eq!(mask.len(), sh.cell.gates() * sh.batch * units, "the recurrent dropout mask is [g, batch, u]");
        let scratch = vec![0.0f32; sh.batch * units];
        Self { batch: sh.batch, units, mask, blocks, a: scratch.clone(), c: scratch }
    }

    fn gate_mask(&self, g: usize) -> &[f32] {
        &self.mask[g * self.batch * self.units..][..self.batch * self.units]
    }

    /// `r[:, gate g] += (h ⊙ mask[g]) · U_g` for every gate.
    fn forward(&mut self, h: &[f32], r: &mut [f32]) {
        let (batch, units) = (self.batch, self.units);
        let width = units * self.blocks.len();
        let (mut hm, mut rg) = (std::mem::take(&mut self.a), std::mem::take(&mut self.c));
        for (g, block) in self.blocks.iter().enumerate() {
            for ((o, hv), mv) in hm.iter_mut().zip(h).zip(self.gate_mask(g)) {
                *o = hv * mv;
            }
            rg.fill(0.0);
            matmul_acc_packed(batch, &hm, units, block, &mut rg, units);
            for b in 0..batch {
                for (o, v) in r[b * width + g * units..][..units].iter_mut().zip(&rg[b * units..][..units]) {
                    *o += v;
                }
            }
        }
        (self.a, self.c) = (hm, rg);
    }

    /// `dh += Σ_g (dz[:, gate g] · U_gᵀ) ⊙ mask[g]`.
    fn backward(&mut self, dz: &[f32], dh: &mut [f32]) {
        let (batch, units) = (self.batch, self.units);
        let width = units * self.blocks.len();
        let (mut dzg, mut t) = (std::mem::take(&mut self.a), std::mem::take(&mut self.c));
        for (g, block_t) in self.blocks.iter().enumerate() {
            for b in 0..batch {
                dzg[b * units..][..units].copy_from_slice(&dz[b * width + g * units..][..units]);
            }
            t.fill(0.0);
            matmul_acc_packed(batch, &dzg, units, block_t, &mut t, units);
            for ((o, v), m) in dh.iter_mut().zip(&t).zip(self.gate_mask(g)) {
                *o += v * m;
            }
        }
        (self.a, self.c) = (dzg, t);
    }
}

/// `dU` `[u, g·u]` under recurrent dropout: per gate, `(prev ⊙ mask[g])ᵀ · drec[:, gate g]`
/// over all `batch·seq` rows (`prev_states` and `drec` as `backward` returns them).
pub fn recurrent_grad(sh: &Shape, prev_states: &[f32], drec: &[f32], mask: &[f32]) -> Vec<f32> {
    let (batch, seq, units, width) = (sh.batch, sh.seq, sh.units, sh.width());
    let rows = batch * seq;
    let mut du = vec![0.0f32; units * width];
    let mut pm = vec![0.0f32; rows * units];
    let mut dg = vec![0.0f32; rows * units];
    let mut out = vec![0.0f32; units * units];
    for g in 0..sh.cell.gates() {
        for row in 0..rows {
            let m = &mask[(g * batch + row / seq) * units..][..units];
            for ((o, p), mv) in pm[row * units..][..units].iter_mut().zip(&prev_states[row * units..][..units]).zip(m) {
                *o = p * mv;
            }
            dg[row * units..][..units].copy_from_slice(&drec[row * width + g * units..][..units]);
        }
        out.fill(0.0);
        matmul_acc(units, rows, units, &transpose(&pm, rows, units), &dg, &mut out);
        for k in 0..units {
            du[k * width + g * units..][..units].copy_from_slice(&out[k * units..][..units]);
        }
    }
    du
}

/// Zeroes values below 1e-30 in magnitude (f32 turns subnormal below 1.2e-38).
#[inline(always)]
fn flush(values: &mut [f32]) {
    for v in values {
        *v = if v.abs() < 1e-30 { 0.0 } else { *v };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) use crate::gemm::tests::lcg;

    /// The vectorisable exp, sigmoid and tanh against f64's, over ±20 and at the clamps.
    #[test]
    fn activations_match_f64() {
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let xd = x as f64;
            assert!((tanh(x) as f64 - xd.tanh()).abs() <= 4e-7, "tanh({x})");
            assert!((sigmoid(x) as f64 - 1.0 / (1.0 + (-xd).exp())).abs() <= 2e-7, "sigmoid({x})");
            assert!(((exp(x) as f64) / xd.exp() - 1.0).abs() <= 4e-7, "exp({x})");
        }
        assert!((1.0 - tanh(100.0)).abs() <= 4e-7 && tanh(-100.0) == -tanh(100.0), "saturated tanh");
        assert!(tanh(f32::NAN).is_nan() && sigmoid(f32::NAN).is_nan(), "NaN reaches the divergence check");
    }

    /// Cutting the batch into slices changes nothing, to the bit.
    #[test]
    fn batch_slices_give_the_same_bits() {
        for (cell, batch, masked) in [(Cell::Lstm, 9, false), (Cell::Gru, 8, true), (Cell::SimpleRnn, 5, true), (Cell::Lstm, 1, true)] {
            let sh = Shape { cell, act: Act::Tanh, batch, seq: 6, units: 5, backwards: cell == Cell::Gru };
            let w = sh.width();
            let xz = lcg(11, batch * 6 * w, 1.0);
            let u = lcg(12, 5 * w, 0.5);
            let b_rec = lcg(13, w, 0.5);
            let dhs = lcg(14, batch * 6 * 5, 1.0);
            let mask: Vec<f32> = lcg(15, cell.gates() * batch * 5, 1.0).iter().map(|v| if *v < 0.3 { 1.6 } else { 0.0 }).collect();
            let mask = masked.then_some(&mask[..]);
            let run = |parts: usize| {
                let (hs, saved) = forward_in(&sh, Inputs::Rows(&xz), &u, Some(&b_rec), mask, true, parts);
                (hs, backward(&sh, &u, &saved.unwrap(), &dhs, mask))
            };
            let (hs1, g1) = run(1);
            for parts in [2, 3, batch + 4] {
                let (hs, g) = run(parts);
                let label = format!("{cell:?} batch {batch} in {parts}");
                assert_eq!(hs, hs1, "{label}: states");
                assert_eq!(g.xz, g1.xz, "{label}: dxz");
                assert_eq!(g.recurrent, g1.recurrent, "{label}: drec");
                assert_eq!(g.prev_states, g1.prev_states, "{label}: prev states");
                assert_eq!(g.b_rec, g1.b_rec, "{label}: db_rec");
            }
        }
    }

    /// `Σ hs·R` for the finite differences.
    #[test]
    fn a_table_of_rows_gives_what_the_rows_give() {
        for cell in [Cell::SimpleRnn, Cell::Lstm, Cell::Gru] {
            let sh = Shape { cell, act: Act::Tanh, batch: 5, seq: 6, units: 3, backwards: true };
            let w = sh.width();
            let (table, u, b_rec) = (lcg(1, 4 * w, 1.0), lcg(2, 3 * w, 0.5), lcg(3, w, 0.5));
            let slots: Vec<u32> = (0..5 * 6).map(|i| (i * 7 % 4) as u32).collect();
            let xz: Vec<f32> = slots.iter().flat_map(|&s| table[s as usize * w..][..w].to_vec()).collect();
            for parts in [1, 2] {
                let (hs, _) = forward_in(&sh, Inputs::Table { rows: &table, slots: &slots }, &u, Some(&b_rec), None, true, parts);
                let (want, _) = forward_in(&sh, Inputs::Rows(&xz), &u, Some(&b_rec), None, true, parts);
                assert_eq!(hs, want, "{cell:?}, {parts} parts");
            }
        }
    }

    fn loss(sh: &Shape, xz: &[f32], u: &[f32], b_rec: &[f32], mask: Option<&[f32]>, r: &[f32]) -> f64 {
        let (hs, _) = forward(sh, xz, u, Some(b_rec), mask, false);
        hs.iter().zip(r).map(|(h, r)| f64::from(*h) * f64::from(*r)).sum()
    }

    #[test]
    fn gradients_match_finite_differences() {
        for cell in [Cell::SimpleRnn, Cell::Lstm, Cell::Gru] {
            for (act, backwards, masked) in
                [(Act::Tanh, false, false), (Act::Tanh, true, false), (Act::Sigmoid, false, true), (Act::Swish, true, true)]
            {
                let sh = Shape { cell, act, batch: 2, seq: 4, units: 3, backwards };
                let w = sh.width();
                let xz = lcg(5, 2 * 4 * w, 1.0);
                let u = lcg(6, 3 * w, 0.5);
                let b_rec = lcg(7, w, 0.5);
                let r = lcg(8, 2 * 4 * 3, 1.0);
                // recurrent dropout: 0 or 1/keep per gate, row and unit
                let mask: Vec<f32> = lcg(9, cell.gates() * 2 * 3, 1.0).iter().map(|v| if *v < 0.3 { 1.6 } else { 0.0 }).collect();
                let mask = masked.then_some(&mask[..]);
                let (_, saved) = forward(&sh, &xz, &u, Some(&b_rec), mask, true);
                let g = backward(&sh, &u, &saved.unwrap(), &r, mask);
                let numeric = |which: usize, i: usize| {
                    let eps = 1e-2f32;
                    let mut args = [xz.clone(), u.clone(), b_rec.clone()];
                    args[which][i] += eps;
                    let plus = loss(&sh, &args[0], &args[1], &args[2], mask, &r);
                    args[which][i] -= 2.0 * eps;
                    let minus = loss(&sh, &args[0], &args[1], &args[2], mask, &r);
                    ((plus - minus) / (2.0 * f64::from(eps))) as f32
                };
                let drec = g.recurrent.clone().unwrap_or_else(|| g.xz.clone());
                let du = match mask {
                    None => {
                        let mut du = vec![0.0f32; 3 * w];
                        matmul_acc(3, 2 * 4, w, &transpose(&g.prev_states, 2 * 4, 3), &drec, &mut du);
                        du
                    }
                    Some(m) => recurrent_grad(&sh, &g.prev_states, &drec, m),
                };
                let label = format!("{cell:?} {act:?} backwards {backwards} masked {masked}");
                for i in 0..xz.len() {
                    let n = numeric(0, i);
                    assert!((g.xz[i] - n).abs() < 2e-3 * (1.0 + n.abs()), "{label} dxz[{i}] {} vs {n}", g.xz[i]);
                }
                for i in 0..du.len() {
                    let n = numeric(1, i);
                    assert!((du[i] - n).abs() < 2e-3 * (1.0 + n.abs()), "{label} dU[{i}] {} vs {n}", du[i]);
                }
                if cell == Cell::Gru {
                    let db = g.b_rec.as_ref().unwrap();
                    for i in 0..w {
                        let n = numeric(2, i);
                        assert!((db[i] - n).abs() < 2e-3 * (1.0 + n.abs()), "{label} db_rec[{i}] {} vs {n}", db[i]);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// This process' CPU time in ms (Linux; stat(5) fields 14 and 15, 100 Hz ticks).
    fn cpu_ms() -> u64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
        let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        (tick(11) + tick(12)) * 10
    }

    /// `cargo test -p kiln-kernels -- --ignored --nocapture`: M1's LSTM(100), maxlen 500, batch 64.
    #[test]
    #[ignore]
    fn m1_lstm_timing() {
        let sh = Shape { cell: Cell::Lstm, act: Act::Tanh, batch: 64, seq: 500, units: 100, backwards: false };
        let w = sh.width();
        let xz = super::tests::lcg(1, 64 * 500 * w, 1.0);
        let u = super::tests::lcg(2, 100 * w, 0.2);
        let dhs = super::tests::lcg(3, 64 * 500 * 100, 0.01);
        // three rounds: the first grows the heap, the later ones reuse it as training does
        let (mut c0, mut c1, mut c2, mut w1, mut w2) = (0, 0, 0, 0, 0);
        let mut len = 0;
        for _ in 0..3 {
            let w0 = std::time::Instant::now();
            c0 = cpu_ms();
            let (_, saved) = forward(&sh, &xz, &u, None, None, true);
            (c1, w1) = (cpu_ms(), w0.elapsed().as_millis());
            let g = backward(&sh, &u, &saved.unwrap(), &dhs, None);
            (c2, w2) = (cpu_ms(), w0.elapsed().as_millis());
            len = g.xz.len();
            println!("round: forward {w1} ms, backward {} ms (wall)", w2 - w1);
        }
        let mut m = vec![0.0f32; 64 * w];
        let w0 = std::time::Instant::now();
        for _ in 0..1000 {
            matmul_acc(64, 100, w, &dhs[..64 * 100], &u, &mut m);
        }
        let c3 = cpu_ms();
        println!("cpu ms: forward {} backward {} ({len}), 1000 h·U {}", c1 - c0, c2 - c1, c3 - c2);
        println!("wall ms: forward {w1} backward {} in {} batch slices, 1000 h·U {}", w2 - w1, default_parts(64), w0.elapsed().as_millis());
    }
}
