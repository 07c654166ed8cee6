//! A `Conv1D`, or a recurrent layer's input projection, straight after an `Embedding`,
//! as ONE burn operation on the CPU (flex) backend that reads the ids:
//! `kiln_kernels::embed` multiplies only the table rows the batch uses by the kernel,
//! then sums those products per token. The embedded `[batch, steps, dim]` sequence is
//! never made. Registered with burn's autodiff as fused_conv.rs is; never used on wgpu.

use std::fmt;
use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::{Autodiff, DispatchKindConversion, DispatchTensor, Flex, GradientCheckpointingStrategy};
use burn::prelude::*;
use kiln_kernels::{conv, rnn};
use kiln_kernels::embed::{self, Lookup};

use super::fused::{f32s, flex, register_recurrent};
use super::layers::Embedded;

/// `conv(table[ids], kernel) + bias`, then relu when `relu`: ids `[batch, steps]`, table
/// `[vocab, in]`, kernel `[kernel_size, in, filters]`, bias `[filters]` →
/// `[batch, out_steps, filters]`.
///
/// The caller checks `fused::available` first.
pub fn conv1d(shape: conv::Shape, x: &Embedded, kernel: Tensor<3>, bias: Tensor<1>, relu: bool) -> Tensor<3> {
    let (lookup, table) = (x.lookup.clone(), x.table.clone());
    match table.device().gradient_checkpointing_strategy() {
        None => {
            const FLEX: &str = "a flex tensor (fused::available)";
            let t = table.try_into_primitive::<Flex>().expect(FLEX);
            let k = kernel.try_into_primitive::<Flex>().expect(FLEX);
            let b = bias.try_into_primitive::<Flex>().expect(FLEX);
            let rows = lookup.rows(&f32s(&t), shape.channels);
            let y = embed::forward(&shape, &lookup, &rows, &f32s(&k), &f32s(&b), relu);
            Tensor::from_primitive::<Flex>(flex(y, [shape.batch, shape.out_steps(), shape.filters]))
        }
        Some(GradientCheckpointingStrategy::Disabled) => tracked::<NoCheckpointing>(shape, lookup, table, kernel, bias, relu),
        Some(GradientCheckpointingStrategy::Balanced) => tracked::<BalancedCheckpointing>(shape, lookup, table, kernel, bias, relu),
    }
}

fn tracked<C: CheckpointStrategy>(shape: conv::Shape, lookup: Arc<Lookup>, table: Tensor<2>, kernel: Tensor<3>, bias: Tensor<1>, relu: bool) -> Tensor<3>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Flex, C>>,
{
    const AD: &str = "an autodiff flex tensor (fused::available)";
    let [vocab, _] = table.dims();
    let t = table.try_into_primitive::<Autodiff<Flex, C>>().expect(AD);
    let k = kernel.try_into_primitive::<Autodiff<Flex, C>>().expect(AD);
    let b = bias.try_into_primitive::<Autodiff<Flex, C>>().expect(AD);
    let rows = lookup.rows(&f32s(t.primitive()), shape.channels); // [used, in]
    let y = embed::forward(&shape, &lookup, &rows, &f32s(k.primitive()), &f32s(b.primitive()), relu);
    let y = flex(y, [shape.batch, shape.out_steps(), shape.filters]);
    let out = match FusedEmbedConv.prepare::<C>([t.node(), k.node(), b.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            let relu_out = relu.then(|| y.clone());
            let state = State { shape, vocab, lookup, rows: Arc::new(rows), kernel: k.primitive().clone(), relu_out };
            prep.finish(state, y)
        }
        OpsKind::UnTracked(prep) => prep.finish(y),
    };
    Tensor::from_primitive::<Autodiff<Flex, C>>(out)
}

#[derive(Debug)]
struct FusedEmbedConv;

#[derive(Clone)]
struct State {
    shape: conv::Shape,
    vocab: usize,
    lookup: Arc<Lookup>,
    /// The table rows the batch used, `[used, in]`.
    rows: Arc<Vec<f32>>,
    kernel: FlexTensor,
    /// The output, when relu was applied: the gradient's mask.
    relu_out: Option<FlexTensor>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "State({:?}, {} ids used)", self.shape, self.lookup.used.len())
    }
}

impl Backward<Flex, 3> for FusedEmbedConv {
    type State = State;

    fn backward(self, ops: Ops<State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [t_node, k_node, b_node] = ops.parents;
        let dy = grads.consume::<Flex>(&ops.node);
        let State { shape: sh, vocab, lookup, rows, kernel, relu_out } = ops.state;
        let relu_out = relu_out.as_ref().map(f32s);
        let g = embed::backward(&sh, &lookup, &rows, &f32s(&kernel), &f32s(&dy), relu_out.as_deref(), t_node.is_some());
        if let Some(node) = t_node {
            grads.register::<Flex>(node.id, whole_table(&lookup, &g.rows, vocab, sh.channels));
        }
        if let Some(node) = k_node {
            grads.register::<Flex>(node.id, flex(g.kernel, [sh.kernel, sh.channels, sh.filters]));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, flex(g.bias, [sh.filters]));
        }
    }
}

/// The used rows' gradients `[used, dim]` as the whole table's `[vocab, dim]` (the other
/// rows get 0, as burn's embedding gives them).
fn whole_table(lookup: &Lookup, rows: &[f32], vocab: usize, dim: usize) -> FlexTensor {
    let mut dtable = vec![0.0f32; vocab * dim];
    for (s, &id) in lookup.used.iter().enumerate() {
        dtable[id as usize * dim..][..dim].copy_from_slice(&rows[s * dim..][..dim]);
    }
    flex(dtable, [vocab, dim])
}

/// Every state of a recurrent layer straight after an Embedding, `[batch, seq, units]`
/// in time order, as `fused::states` gives them from `xz = table[ids]·w + bias`: the
/// loop reads `E_used·w + bias`, one row per id the batch uses (`rnn::Inputs::Table`),
/// and the `[batch, seq, g·u]` projection is never written (51 MB a step for M1).
/// Gradients flow to the table, `w`, `bias`, `u` and `b_rec`. The caller checks `fused::available`; `mask` as `fused::states`.
pub fn states(shape: rnn::Shape, x: &Embedded, w: Tensor<2>, bias: Tensor<1>, u: Tensor<2>, b_rec: Tensor<1>, mask: Option<Tensor<3>>) -> Tensor<3> {
    let ([_, dim], lookup) = (x.table.dims(), x.lookup.clone());
    let mask = mask.map(|m| f32s(&m.inner().try_into_primitive::<Flex>().expect("a flex tensor (fused::available)")).into_owned());
    let params = [x.table.clone(), w, bias.unsqueeze_dim(0), u, b_rec.unsqueeze_dim(0)];
    match x.table.device().gradient_checkpointing_strategy() {
        None => {
            const FLEX: &str = "a flex tensor (fused::available)";
            let [t, w, bias, u, b_rec] = params.map(|t| t.try_into_primitive::<Flex>().expect(FLEX));
            let rows = lookup.rows(&f32s(&t), dim);
            let xz = embed::projected(&rows, dim, &f32s(&w), &f32s(&bias));
            let inputs = rnn::Inputs::Table { rows: &xz, slots: &lookup.slots };
            let (hs, _) = rnn::forward_on(&shape, inputs, &f32s(&u), Some(&f32s(&b_rec)), mask.as_deref(), false);
            Tensor::from_primitive::<Flex>(flex(hs, [shape.batch, shape.seq, shape.units]))
        }
        Some(GradientCheckpointingStrategy::Disabled) => states_tracked::<NoCheckpointing>(shape, lookup, params, mask),
        Some(GradientCheckpointingStrategy::Balanced) => states_tracked::<BalancedCheckpointing>(shape, lookup, params, mask),
    }
}

/// `params`: the table, `w`, `bias` `[1, g·u]`, `u`, `b_rec` `[1, g·u]`.
fn states_tracked<C: CheckpointStrategy>(shape: rnn::Shape, lookup: Arc<Lookup>, params: [Tensor<2>; 5], mask: Option<Vec<f32>>) -> Tensor<3>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Flex, C>>,
{
    const AD: &str = "an autodiff flex tensor (fused::available)";
    let [vocab, dim] = params[0].dims();
    let [t, w, bias, u, b_rec] = params.map(|t| t.try_into_primitive::<Autodiff<Flex, C>>().expect(AD));
    let rows = lookup.rows(&f32s(t.primitive()), dim);
    let xz = embed::projected(&rows, dim, &f32s(w.primitive()), &f32s(bias.primitive()));
    let inputs = rnn::Inputs::Table { rows: &xz, slots: &lookup.slots };
    let us = f32s(u.primitive());
    let b_recs = f32s(b_rec.primitive());
    let dims = [shape.batch, shape.seq, shape.units];
    let nodes = [t.node(), w.node(), bias.node(), u.node(), b_rec.node()];
    let out = match EmbeddedRecurrent.prepare::<C>(nodes).compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            let (hs, saved) = rnn::forward_on(&shape, inputs, &us, Some(&b_recs), mask.as_deref(), true);
            let state = RecurrentState {
                shape,
                vocab,
                dim,
                lookup,
                rows: Arc::new(rows),
                w: w.primitive().clone(),
                u: Arc::new(us.into_owned()),
                saved: Arc::new(saved.expect("saved when asked")),
                mask: mask.map(Arc::new),
            };
            prep.finish(state, flex(hs, dims))
        }
        OpsKind::UnTracked(prep) => prep.finish(flex(rnn::forward_on(&shape, inputs, &us, Some(&b_recs), mask.as_deref(), false).0, dims)),
    };
    Tensor::from_primitive::<Autodiff<Flex, C>>(out)
}

/// BPTT as `fused.rs`, then the projection's gradients from `dxz` by `embed::backward`
/// (a kernel of size 1): per id, not per token.
#[derive(Debug)]
struct EmbeddedRecurrent;

#[derive(Clone)]
struct RecurrentState {
    shape: rnn::Shape,
    vocab: usize,
    /// The table's width, the projection's input.
    dim: usize,
    lookup: Arc<Lookup>,
    /// The table rows the batch used, `[used, in]`.
    rows: Arc<Vec<f32>>,
    w: FlexTensor,
    u: Arc<Vec<f32>>,
    saved: Arc<rnn::Saved>,
    mask: Option<Arc<Vec<f32>>>,
}

impl fmt::Debug for RecurrentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecurrentState({:?}, {} ids used)", self.shape, self.lookup.used.len())
    }
}

impl Backward<Flex, 5> for EmbeddedRecurrent {
    type State = RecurrentState;

    fn backward(self, ops: Ops<RecurrentState, 5>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [t_node, w_node, b_node, u_node, brec_node] = ops.parents;
        let dhs = grads.consume::<Flex>(&ops.node);
        let RecurrentState { shape, vocab, dim, lookup, rows, w, u, saved, mask } = ops.state;
        let mask = mask.as_deref().map(|m| &m[..]);
        let g = rnn::backward(&shape, &u, &saved, &f32s(&dhs), mask);
        let (dxz, db_rec) = register_recurrent(&shape, g, mask, u_node.map(|n| n.id), grads);
        if let (Some(node), Some(db)) = (brec_node, db_rec) {
            grads.register::<Flex>(node.id, flex(db, [1, shape.width()]));
        }
        if t_node.is_none() && w_node.is_none() && b_node.is_none() {
            return;
        }
        let width = shape.width();
        let sh = conv::Shape { batch: shape.batch, steps: shape.seq, channels: dim, filters: width, kernel: 1, stride: 1, dilation: 1, pad: (0, 0) };
        let g = embed::backward(&sh, &lookup, &rows, &f32s(&w), &f32s(&dxz), None, t_node.is_some());
        if let Some(node) = t_node {
            grads.register::<Flex>(node.id, whole_table(&lookup, &g.rows, vocab, dim));
        }
        if let Some(node) = w_node {
            grads.register::<Flex>(node.id, flex(g.kernel, [dim, width]));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, flex(g.bias, [1, width]));
        }
    }
}

/// `GlobalAveragePooling1D` straight after an Embedding, `[batch, dim]`: each batch row's
/// mean of its tokens' table rows (`embed::mean`), without the `[batch, steps, dim]`
/// values (M4). The caller checks `fused::available`.
pub fn mean(x: &Embedded) -> Tensor<2> {
    let ([batch, _], [_, dim], lookup) = (x.ids.dims(), x.table.dims(), x.lookup.clone());
    match x.table.device().gradient_checkpointing_strategy() {
        None => {
            let t = x.table.clone().try_into_primitive::<Flex>().expect("a flex tensor (fused::available)");
            let y = embed::mean(&lookup, &lookup.rows(&f32s(&t), dim), batch, dim);
            Tensor::from_primitive::<Flex>(flex(y, [batch, dim]))
        }
        Some(GradientCheckpointingStrategy::Disabled) => mean_tracked::<NoCheckpointing>(lookup, x.table.clone(), batch),
        Some(GradientCheckpointingStrategy::Balanced) => mean_tracked::<BalancedCheckpointing>(lookup, x.table.clone(), batch),
    }
}

fn mean_tracked<C: CheckpointStrategy>(lookup: Arc<Lookup>, table: Tensor<2>, batch: usize) -> Tensor<2>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Flex, C>>,
{
    let [vocab, dim] = table.dims();
    let t = table.try_into_primitive::<Autodiff<Flex, C>>().expect("an autodiff flex tensor (fused::available)");
    let y = flex(embed::mean(&lookup, &lookup.rows(&f32s(t.primitive()), dim), batch, dim), [batch, dim]);
    let out = match EmbeddedMean.prepare::<C>([t.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => prep.finish(MeanState { batch, vocab, dim, lookup }, y),
        OpsKind::UnTracked(prep) => prep.finish(y),
    };
    Tensor::from_primitive::<Autodiff<Flex, C>>(out)
}

#[derive(Debug)]
struct EmbeddedMean;

#[derive(Clone)]
struct MeanState {
    batch: usize,
    vocab: usize,
    dim: usize,
    lookup: Arc<Lookup>,
}

impl fmt::Debug for MeanState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MeanState([{}, {}], {} ids used)", self.batch, self.dim, self.lookup.used.len())
    }
}

impl Backward<Flex, 1> for EmbeddedMean {
    type State = MeanState;

    fn backward(self, ops: Ops<MeanState, 1>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [t_node] = ops.parents;
        let dy = grads.consume::<Flex>(&ops.node);
        let MeanState { batch, vocab, dim, lookup } = ops.state;
        if let Some(node) = t_node {
            let drows = embed::mean_backward(&lookup, &f32s(&dy), batch, dim);
            grads.register::<Flex>(node.id, whole_table(&lookup, &drows, vocab, dim));
        }
    }
}
