//! The recurrent time loop as ONE burn operation on the CPU (flex) backend: the
//! forward and backward passes of `kiln_kernels::rnn` over the tensors' own f32
//! buffers, registered with burn's autodiff as a custom `Backward` step (burn's
//! `extension` feature exposes the `Autodiff<Flex>` primitives behind a `Tensor`).
//!
//! Never used on wgpu (fused_gpu.rs is the GPU twin): the buffers are read synchronously, which is only free
//! (and only allowed in wasm) on the CPU.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::ops::FloatTensorOps;
use burn::backend::{Autodiff, DispatchKindConversion, DispatchTensor, Flex, GradientCheckpointingStrategy};
use burn::prelude::*;
use burn::tensor::DType;
use kiln_kernels::{gemm, rnn};

/// Whether the CPU's big matmuls around the time loop (the input projection and its
/// gradients, `dU`) use Kiln's kernels: in wasm they beat burn-flex's gemm (26 against
/// 19 GFLOP/s for M1's projection in Chromium, and flex zeroes then copies every output);
/// natively gemm's AVX2/FMA kernels win.
pub const KILN_MATMULS: bool = cfg!(target_arch = "wasm32");

/// Whether the fused loop can run on `device` for a tensor of `dtype`: the CPU
/// backend, with or without autodiff, in f32.
pub fn available(device: &Device, dtype: DType) -> bool {
    dtype == DType::F32 && device.clone().inner() == Device::flex()
}

/// Every state of the time loop, `[batch, seq, units]` in time order, from the
/// projected inputs `xz = x·W + b` `[batch, seq, g·u]`, the recurrent kernel `u`
/// `[units, g·u]` and GRU's recurrent bias `[g·u]`. Gradients flow to all three.
/// `mask`: Keras' recurrent dropout `[g, batch, units]` (a constant).
///
/// The caller checks [`available`] first.
pub fn states(shape: rnn::Shape, xz: Tensor<3>, u: Tensor<2>, b_rec: Option<Tensor<1>>, mask: Option<Tensor<3>>) -> Tensor<3> {
    let device = xz.device();
    debug_assert!(available(&device, xz.dtype()));
    let b_rec = b_rec.unwrap_or_else(|| Tensor::zeros([1], &device)); // ignored outside GRU
    let mask = mask.map(|m| f32s(&m.inner().try_into_primitive::<Flex>().expect("a flex tensor (fused::available)")).into_owned());
    match device.gradient_checkpointing_strategy() {
        None => untracked(shape, xz, u, b_rec, mask),
        Some(GradientCheckpointingStrategy::Disabled) => tracked::<NoCheckpointing>(shape, xz, u, b_rec, mask),
        Some(GradientCheckpointingStrategy::Balanced) => tracked::<BalancedCheckpointing>(shape, xz, u, b_rec, mask),
    }
}

fn untracked(shape: rnn::Shape, xz: Tensor<3>, u: Tensor<2>, b_rec: Tensor<1>, mask: Option<Vec<f32>>) -> Tensor<3> {
    const FLEX: &str = "a flex tensor (fused::available)";
    let xz = xz.try_into_primitive::<Flex>().expect(FLEX);
    let u = u.try_into_primitive::<Flex>().expect(FLEX);
    let b_rec = b_rec.try_into_primitive::<Flex>().expect(FLEX);
    let (hs, _) = rnn::forward(&shape, &f32s(&xz), &f32s(&u), Some(&f32s(&b_rec)), mask.as_deref(), false);
    Tensor::from_primitive::<Flex>(flex(hs, [shape.batch, shape.seq, shape.units]))
}

fn tracked<C: CheckpointStrategy>(shape: rnn::Shape, xz: Tensor<3>, u: Tensor<2>, b_rec: Tensor<1>, mask: Option<Vec<f32>>) -> Tensor<3>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Flex, C>>,
{
    let xz = xz.try_into_primitive::<Autodiff<Flex, C>>().expect("an autodiff flex tensor (fused::available)");
    let u = u.try_into_primitive::<Autodiff<Flex, C>>().expect("an autodiff flex tensor (fused::available)");
    let b_rec = b_rec.try_into_primitive::<Autodiff<Flex, C>>().expect("an autodiff flex tensor (fused::available)");
    let (xs, us, bs) = (f32s(xz.primitive()), f32s(u.primitive()), f32s(b_rec.primitive()));
    let dims = [shape.batch, shape.seq, shape.units];
    let out = match FusedRecurrent.prepare::<C>([xz.node(), u.node(), b_rec.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            let (hs, saved) = rnn::forward(&shape, &xs, &us, Some(&bs), mask.as_deref(), true);
            let saved = Arc::new(saved.expect("saved when asked"));
            let state = State { shape, u: Arc::new(us.into_owned()), saved, mask: mask.map(Arc::new) };
            prep.finish(state, flex(hs, dims))
        }
        OpsKind::UnTracked(prep) => prep.finish(flex(rnn::forward(&shape, &xs, &us, Some(&bs), mask.as_deref(), false).0, dims)),
    };
    Tensor::from_primitive::<Autodiff<Flex, C>>(out)
}

/// The backward step: BPTT in `rnn::backward`, then `dU = prev_statesᵀ · d(recurrent
/// pre-activations)` as one matmul over all `batch·seq` rows ([`KILN_MATMULS`]).
#[derive(Debug)]
struct FusedRecurrent;

#[derive(Clone)]
struct State {
    shape: rnn::Shape,
    u: Arc<Vec<f32>>,
    saved: Arc<rnn::Saved>,
    mask: Option<Arc<Vec<f32>>>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "State({:?}, {} bytes saved)", self.shape, self.saved.bytes())
    }
}

impl Backward<Flex, 3> for FusedRecurrent {
    type State = State;

    fn backward(self, ops: Ops<State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [xz_node, u_node, b_node] = ops.parents;
        let dhs = grads.consume::<Flex>(&ops.node);
        let State { shape, u, saved, mask } = ops.state;
        let g = rnn::backward(&shape, &u, &saved, &f32s(&dhs), mask.as_deref().map(|m| &m[..]));
        let (dxz, db_rec) = register_recurrent(&shape, g, mask.as_deref().map(|m| &m[..]), u_node.map(|n| n.id), grads);
        if let (Some(node), Some(db)) = (b_node, db_rec) {
            grads.register::<Flex>(node.id, flex(db, [shape.width()]));
        }
        if let Some(node) = xz_node {
            grads.register::<Flex>(node.id, dxz.reshape([shape.batch, shape.seq, shape.width()].into()));
        }
    }
}

/// Registers the gradient of `U` (under `u`) from one backward pass; returns `dxz`
/// `[batch·seq, g·u]` and GRU's recurrent bias' gradient `[g·u]` (the caller registers it
/// in its node's shape: a gradient of another shape breaks the steps behind it).
pub(super) fn register_recurrent(shape: &rnn::Shape, g: rnn::Grads, mask: Option<&[f32]>, u: Option<NodeId>, grads: &mut Gradients) -> (FlexTensor, Option<Vec<f32>>) {
    let (rows, width) = (shape.batch * shape.seq, shape.width());
    let dxz = flex(g.xz, [rows, width]);
    let drec = g.recurrent.map_or_else(|| dxz.clone(), |r| flex(r, [rows, width])); // [batch·seq, g·u]
    if let Some(id) = u {
        let units = shape.units;
        let du = match mask {
            Some(mask) => flex(rnn::recurrent_grad(shape, &g.prev_states, &f32s(&drec), mask), [units, width]),
            None if KILN_MATMULS => flex(gemm::matmul_tn(rows, units, width, &g.prev_states, &f32s(&drec)), [units, width]),
            None => Flex::float_matmul(Flex::float_transpose(flex(g.prev_states, [rows, units])), drec), // [u, batch·seq]·…
        };
        grads.register::<Flex>(id, du);
    }
    (dxz, g.b_rec)
}

/// The values of a flex tensor, borrowed when contiguous.
pub(crate) fn f32s(t: &FlexTensor) -> Cow<'_, [f32]> {
    match t.as_slice::<f32>() {
        Some(values) => Cow::Borrowed(values),
        None => Cow::Owned(t.to_contiguous().as_slice::<f32>().expect("an f32 tensor (fused::available)").to_vec()),
    }
}

pub(crate) fn flex<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}
