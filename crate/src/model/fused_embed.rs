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
use kiln_kernels::conv;
use kiln_kernels::embed::{self, Lookup};

use super::fused::{f32s, flex};
use super::layers::Embedded;

/// `conv(table[ids], kernel) + bias`, then relu when `relu`: ids `[batch, steps]`, table
/// `[vocab, in]`, kernel `[kernel_size, in, filters]`, bias `[filters]` →
/// `[batch, out_steps, filters]`. `None` when an id is outside the table (the caller
/// then looks the ids up with burn's embedding, which reports it).
///
/// The caller checks `fused::available` first.
pub fn conv1d(shape: conv::Shape, x: &Embedded, kernel: Tensor<3>, bias: Tensor<1>, relu: bool) -> Option<Tensor<3>> {
    let [vocab, _] = x.table.dims();
    let ids: Vec<i64> = x.ids.to_data().iter::<i64>().collect();
    let lookup = Lookup::new(&ids, vocab)?;
    let table = x.table.clone();
    Some(match table.device().gradient_checkpointing_strategy() {
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
    })
}

fn tracked<C: CheckpointStrategy>(shape: conv::Shape, lookup: Lookup, table: Tensor<2>, kernel: Tensor<3>, bias: Tensor<1>, relu: bool) -> Tensor<3>
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
            let state = State { shape, vocab, lookup: Arc::new(lookup), rows: Arc::new(rows), kernel: k.primitive().clone(), relu_out };
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
            // the used rows' gradients into the whole table's (the other rows get 0, as
            // burn's embedding gives them)
            let c = sh.channels;
            let mut dtable = vec![0.0f32; vocab * c];
            for (s, &id) in lookup.used.iter().enumerate() {
                dtable[id as usize * c..][..c].copy_from_slice(&g.rows[s * c..][..c]);
            }
            grads.register::<Flex>(node.id, flex(dtable, [vocab, c]));
        }
        if let Some(node) = k_node {
            grads.register::<Flex>(node.id, flex(g.kernel, [sh.kernel, sh.channels, sh.filters]));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, flex(g.bias, [sh.filters]));
        }
    }
}
