//! The recurrent time loop as ONE burn operation on the GPU (burn's cubecl
//! backend: WebGPU in the browser, wgpu natively): `rnn_cube`'s forward kernel,
//! and as its autodiff `Backward` the BPTT kernel plus one matmul for `dU`.
//! A layer's training step costs a fixed number of dispatches whatever the
//! sequence length (the stock per-step graph launched dozens per timestep).
//!
//! Nothing here reads a tensor back: the kernels only enqueue work.

use std::fmt;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, OpsPrep};
use burn::backend::tensor::FloatTensor;
use burn::backend::ops::FloatTensorOps;
use burn::backend::{Autodiff, Cube, DispatchKindConversion, DispatchTensor, GradientCheckpointingStrategy};
use burn::prelude::*;
use burn::tensor::DType;
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::{CubeCount, CubeDim};
use kiln_kernels::rnn::{self, Act, Cell};

use super::gemm_cube::{f32_type, software};
use super::{gemm_cube, rnn_cube};
pub use super::conv_cube::windows;
pub use gemm_cube::{linear, linear_available};

/// WebGPU's guaranteed workgroup memory (`maxComputeWorkgroupStorageSize`).
const SHARED_BYTES: usize = 16_384;
/// Batch rows per workgroup at most: each weight read serves this many rows.
const MAX_TILE: usize = 4;
/// Units a backward thread takes in `dz·Uᵀ` on a software adapter (`rnn_cube::backward_kernel`).
const SOFTWARE_PER: usize = 4;

/// Batch rows per workgroup for a layer, or `None` when one row's states do not
/// fit in workgroup memory (then the layer takes the reference path).
fn tile(cell: Cell, units: usize) -> Option<usize> {
    let floats = (2 + cell.gates()).checked_mul(units)?; // the backward's dh, dc and gate row (the forward's h twice and c: less)
    (0..=max_tile().trailing_zeros()).rev().map(|p| 1 << p).find(|t| floats * t * 4 <= SHARED_BYTES)
}

/// [`MAX_TILE`], or natively `KILN_RNN_TILE` (1, 2, 4 or 8), to measure the trade-off:
/// more rows per workgroup read each weight fewer times, fewer rows give more workgroups.
fn max_tile() -> usize {
    std::env::var("KILN_RNN_TILE").ok().and_then(|v| v.parse().ok()).filter(|t: &usize| [1, 2, 4, 8].contains(t)).unwrap_or(MAX_TILE)
}

/// Whether the fused kernels can run on `device` for `units` of `cell` in `dtype`.
pub fn available(device: &Device, dtype: DType, cell: Cell, units: usize) -> bool {
    units > 0 && linear_available(device, dtype) && tile(cell, units).is_some()
}

/// Every state of the time loop, `[batch, seq, units]` in time order, as
/// `fused::states` on the CPU. The caller checks [`available`] first.
/// `mask`: Keras' recurrent dropout `[g, batch, units]` (a constant). With `last`, only
/// the last state read, `[batch, 1, units]`. `software_forms`: on a software adapter the kernels
/// take their forms for one (`rnn_cube`: the forward loop unrolled, four units a thread in the
/// backward's `dz·Uᵀ`); `Path::Rolled` turns them off, so one adapter tests both.
pub fn states(shape: rnn::Shape, xz: Tensor<3>, u: Tensor<2>, b_rec: Option<Tensor<1>>, mask: Option<Tensor<3>>, last: bool, software_forms: bool) -> Tensor<3> {
    const CUBE: &str = "a cubecl tensor (fused_gpu::available)";
    let b_rec = b_rec.filter(|_| shape.cell == Cell::Gru);
    let mask = mask.map(|m| m.inner().try_into_primitive::<Cube>().expect(CUBE));
    match xz.device().gradient_checkpointing_strategy() {
        None => {
            let xz = xz.try_into_primitive::<Cube>().expect(CUBE);
            let u = u.try_into_primitive::<Cube>().expect(CUBE);
            let b_rec = b_rec.map(|b| b.try_into_primitive::<Cube>().expect(CUBE));
            Tensor::from_primitive::<Cube>(forward(&shape, xz, u, b_rec, mask, last, software_forms).output(last))
        }
        Some(GradientCheckpointingStrategy::Disabled) => tracked::<NoCheckpointing>(shape, xz, u, b_rec, mask, last, software_forms),
        Some(GradientCheckpointingStrategy::Balanced) => tracked::<BalancedCheckpointing>(shape, xz, u, b_rec, mask, last, software_forms),
    }
}

/// One autodiff operation over `xz`, `u` and (GRU) `b_rec`: 2 or 3 parents.
fn tracked<C: CheckpointStrategy>(
    shape: rnn::Shape,
    xz: Tensor<3>,
    u: Tensor<2>,
    b_rec: Option<Tensor<1>>,
    mask: Option<CubeTensor>,
    last: bool,
    software_forms: bool,
) -> Tensor<3>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Cube, C>>,
{
    const AD: &str = "an autodiff cubecl tensor (fused_gpu::available)";
    let xz = xz.try_into_primitive::<Autodiff<Cube, C>>().expect(AD);
    let u = u.try_into_primitive::<Autodiff<Cube, C>>().expect(AD);
    let b_rec = b_rec.map(|b| b.try_into_primitive::<Autodiff<Cube, C>>().expect(AD));
    let (xp, up) = (xz.primitive().clone(), u.primitive().clone());
    let bp = b_rec.as_ref().map(|b| b.primitive().clone());
    let out = match b_rec {
        Some(b) => record(FusedRecurrentGpu.prepare::<C>([xz.node(), u.node(), b.node()]), shape, xp, up, bp, mask, last, software_forms),
        None => record(FusedRecurrentGpu.prepare::<C>([xz.node(), u.node()]), shape, xp, up, bp, mask, last, software_forms),
    };
    Tensor::from_primitive::<Autodiff<Cube, C>>(out)
}

fn record<C: CheckpointStrategy, const N: usize>(
    prep: OpsPrep<FusedRecurrentGpu, Cube, State, C, N>,
    shape: rnn::Shape,
    xz: CubeTensor,
    u: CubeTensor,
    b_rec: Option<CubeTensor>,
    mask: Option<CubeTensor>,
    last: bool,
    software_forms: bool,
) -> FloatTensor<Autodiff<Cube, C>>
where
    FusedRecurrentGpu: Backward<Cube, N, State = State>,
{
    match prep.compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            let f = forward(&shape, xz, u.clone(), b_rec, mask.clone(), last, software_forms);
            let out = f.output(last);
            prep.finish(State { shape, u, saved: f, mask, last, software_forms }, out)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward(&shape, xz, u, b_rec, mask, last, software_forms).output(last)),
    }
}

/// What the forward kernel wrote: the states, the gate pre-activations and the
/// LSTM carries / GRU's `h·U_h + b_rec_h`.
#[derive(Clone)]
struct Forward {
    hs: CubeTensor,
    /// The last state read, `[batch, 1, u]` (a stand-in without `last`).
    hlast: CubeTensor,
    pre: CubeTensor,
    cs: CubeTensor,
}

impl Forward {
    fn output(&self, last: bool) -> CubeTensor {
        if last { self.hlast.clone() } else { self.hs.clone() }
    }
}

#[derive(Clone)]
struct State {
    shape: rnn::Shape,
    u: CubeTensor,
    saved: Forward,
    mask: Option<CubeTensor>,
    last: bool,
    software_forms: bool,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "State({:?})", self.shape)
    }
}

/// The kernels' compile-time switches for a layer.
struct Plan {
    cell: u32,
    act: u32,
    gates: usize,
    tile: usize,
    cubes: u32,
    /// The forward kernel's software form (`rnn_cube::forward_kernel`).
    unrolled: bool,
    /// The forward kernel's threads: a unit each.
    forward_threads: u32,
    /// Units a backward thread takes in `dz·Uᵀ` (`rnn_cube::backward_kernel`).
    per: usize,
    /// The backward kernel's: a unit of a row each, for the cell's gradients.
    threads: u32,
}

/// `software`: the kernels' software forms (a software adapter, not `Path::Rolled`).
fn plan(sh: &rnn::Shape, software: bool, masked: bool) -> Plan {
    let tile = tile(sh.cell, sh.units).expect("fused_gpu::available checked the layer fits");
    let cell = match sh.cell {
        Cell::SimpleRnn => rnn_cube::SIMPLE_RNN,
        Cell::Lstm => rnn_cube::LSTM,
        Cell::Gru => rnn_cube::GRU,
    };
    let act = match sh.act {
        Act::Linear => rnn_cube::LINEAR,
        Act::Relu => rnn_cube::RELU,
        Act::Sigmoid => rnn_cube::SIGMOID,
        Act::Tanh => rnn_cube::TANH,
        Act::Elu => rnn_cube::ELU,
        Act::Selu => rnn_cube::SELU,
        Act::Swish => rnn_cube::SWISH,
    };
    let unrolled = software && !masked && unrolls(sh);
    // in whole warps, at most 256; unrolled a unit each (SwiftShader runs 4 lanes at a time)
    let forward_threads = if unrolled { sh.units.next_multiple_of(4) } else { sh.units.next_multiple_of(32).min(256) } as u32;
    // software: fewer threads (each 4 lanes is a coroutine there, switched at every barrier):
    // 64 rather than 256 took M1's BPTT 1,170–1,350 → 970–1,000 ms
    let (per, threads) = if software {
        (SOFTWARE_PER, sh.units.div_ceil(SOFTWARE_PER).next_multiple_of(4).clamp(64, 256))
    } else {
        (1, sh.width().max(sh.units * tile).next_multiple_of(32).min(256))
    };
    let cubes = sh.batch.div_ceil(tile) as u32;
    Plan { cell, act, gates: sh.cell.gates(), tile, cubes, unrolled, forward_threads, per, threads: threads as u32 }
}

fn empty(like: &CubeTensor, dims: Vec<usize>) -> CubeTensor {
    empty_device_dtype(like.client.clone(), like.device.clone(), dims.into(), like.dtype)
}

/// Whether the forward kernel may unroll a layer: one unit per thread, and `U`'s columns of a
/// unit (`g·u` floats in registers, `g·u·tile` multiply-adds written out per step) small enough
/// to compile in seconds: an LSTM up to 128 units, a GRU up to 170.
fn unrolls(sh: &rnn::Shape) -> bool {
    sh.units <= 256 && sh.width() <= 512
}

/// One dispatch: every state from `xz` `[batch, seq, g·u]`.
fn forward(sh: &rnn::Shape, xz: CubeTensor, u: CubeTensor, b_rec: Option<CubeTensor>, mask: Option<CubeTensor>, last: bool, software_forms: bool) -> Forward {
    let p = plan(sh, software_forms && software(&xz), mask.is_some());
    let (xz, u) = (into_contiguous(xz), into_contiguous(u));
    let b_rec = b_rec.map_or_else(|| u.clone(), into_contiguous); // read by GRU only
    let masked = mask.is_some();
    let mask = mask.map_or_else(|| u.clone(), into_contiguous); // read when masked only
    let hs = empty(&xz, vec![sh.batch, sh.seq, sh.units]);
    let hlast = if last { empty(&xz, vec![sh.batch, 1, sh.units]) } else { empty(&xz, vec![1]) };
    let pre = empty(&xz, vec![sh.batch, sh.seq, sh.width()]);
    let cs = if sh.cell == Cell::SimpleRnn { empty(&xz, vec![1]) } else { empty(&xz, vec![sh.batch, sh.seq, sh.units]) };
    // SAFETY: every index the kernel reads or writes is in bounds for these shapes: rows past
    // `batch` are skipped, units and gate columns loop below `units` and `g·u`, and the
    // 1-element stand-ins (`b_rec` outside GRU, `cs` for SimpleRNN) are never touched.
    unsafe {
        rnn_cube::forward_kernel::launch_unchecked(
            &xz.client,
            CubeCount::Static(p.cubes, 1, 1),
            CubeDim::new_1d(p.forward_threads),
            xz.clone().into_tensor_arg(),
            u.into_tensor_arg(),
            b_rec.into_tensor_arg(),
            mask.into_tensor_arg(),
            hs.clone().into_tensor_arg(),
            hlast.clone().into_tensor_arg(),
            pre.clone().into_tensor_arg(),
            cs.clone().into_tensor_arg(),
            p.cell,
            p.act,
            sh.units,
            p.gates,
            p.tile,
            sh.backwards,
            masked,
            last,
            p.unrolled,
            f32_type(),
        );
    }
    Forward { hs, hlast, pre, cs }
}

/// The backward step: BPTT in one dispatch, then `dU = prevᵀ · drec` as one
/// matmul over all `batch·seq` rows and GRU's `db_rec` as one sum.
#[derive(Debug)]
struct FusedRecurrentGpu;

impl<const N: usize> Backward<Cube, N> for FusedRecurrentGpu {
    type State = State;

    fn backward(self, ops: Ops<State, N>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let (xz_node, u_node, b_node) = (ops.parents[0].clone(), ops.parents[1].clone(), ops.parents.get(2).cloned().flatten());
        let dhs = into_contiguous(grads.consume::<Cube>(&ops.node));
        let State { shape: sh, u, saved, mask, last, software_forms } = ops.state;
        let p = plan(&sh, software_forms && software(&dhs), mask.is_some());
        let (rows, width) = (sh.batch * sh.seq, sh.width());
        let gru = sh.cell == Cell::Gru;
        let dxz = empty(&dhs, vec![sh.batch, sh.seq, width]);
        let drec = if gru { empty(&dhs, vec![sh.batch, sh.seq, width]) } else { empty(&dhs, vec![1]) };
        let prev = empty(&dhs, vec![sh.batch, sh.seq, sh.units]);
        // SAFETY: as in `forward`; `drec` is a stand-in outside GRU and only GRU writes it.
        unsafe {
            rnn_cube::backward_kernel::launch_unchecked(
                &dhs.client,
                CubeCount::Static(p.cubes, 1, 1),
                CubeDim::new_1d(p.threads),
                into_contiguous(u).into_tensor_arg(),
                dhs.clone().into_tensor_arg(),
                saved.pre.into_tensor_arg(),
                saved.cs.into_tensor_arg(),
                saved.hs.into_tensor_arg(),
                mask.clone().map_or_else(|| dhs.clone(), into_contiguous).into_tensor_arg(),
                dxz.clone().into_tensor_arg(),
                drec.clone().into_tensor_arg(),
                prev.clone().into_tensor_arg(),
                p.cell,
                p.act,
                sh.units,
                p.gates,
                p.tile,
                sh.backwards,
                mask.is_some(),
                last,
                p.per,
                f32_type(),
            );
        }
        let recurrent = Cube::float_reshape(if gru { drec } else { dxz.clone() }, [rows, width].into());
        if let Some(node) = u_node {
            let du = match mask {
                None => gemm_cube::matmul(Cube::float_transpose(Cube::float_reshape(prev, [rows, sh.units].into())), recurrent.clone(), None, !software_forms),
                Some(mask) => masked_recurrent_grad(&sh, prev, recurrent.clone(), mask),
            };
            grads.register::<Cube>(node.id, du);
        }
        if let (Some(node), true) = (b_node, gru) {
            grads.register::<Cube>(node.id, Cube::float_reshape(Cube::float_sum_dim(recurrent, 0), [width].into()));
        }
        if let Some(node) = xz_node {
            grads.register::<Cube>(node.id, dxz);
        }
    }
}

/// `dU` `[u, g·u]` under recurrent dropout: per gate `(prev ⊙ mask[g])ᵀ · drec[:, gate g]`,
/// as one batched matmul over the gates.
fn masked_recurrent_grad(sh: &rnn::Shape, prev: CubeTensor, drec: CubeTensor, mask: CubeTensor) -> CubeTensor {
    let (g, b, t, u) = (sh.cell.gates(), sh.batch, sh.seq, sh.units);
    let prev = Cube::float_reshape(prev, [1, b, t, u].into());
    let mask = Cube::float_reshape(into_contiguous(mask), [g, b, 1, u].into());
    let pm = Cube::float_reshape(Cube::float_mul(prev, mask), [g, b * t, u].into()); // [g, batch·seq, u]
    let drec = Cube::float_swap_dims(Cube::float_reshape(drec, [b * t, g, u].into()), 0, 1); // [g, batch·seq, u]
    let du = Cube::float_matmul(Cube::float_transpose(pm), drec); // [g, u, u]
    Cube::float_reshape(into_contiguous(Cube::float_swap_dims(du, 0, 1)), [u, g * u].into())
}
