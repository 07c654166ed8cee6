//! `Conv1D` as ONE burn operation on the CPU (flex) backend: `kiln_kernels::conv`'s
//! strided matmuls over the channels-last input, registered with burn's autodiff as
//! a custom `Backward` step, as fused.rs does for the recurrent loop. burn's own
//! `conv1d` wants channels first and computes the kernel gradient as a convolution
//! over the batch (an im2col copy of every input window); this reads the input in
//! place. Never used on wgpu (the buffers are read synchronously).

use std::fmt;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::{Autodiff, DispatchKindConversion, DispatchTensor, Flex, GradientCheckpointingStrategy};
use burn::prelude::*;
use kiln_kernels::conv;

use super::fused::{f32s, flex};

/// `conv(x, kernel) + bias`, then relu when `relu` (in the same pass; backward masks
/// the gradient with the output): x `[batch, steps, in]`, kernel
/// `[kernel_size, in, filters]`, bias `[filters]` → `[batch, out_steps, filters]`.
///
/// The caller checks `fused::available` first.
pub fn conv1d(shape: conv::Shape, x: Tensor<3>, kernel: Tensor<3>, bias: Tensor<1>, relu: bool) -> Tensor<3> {
    match x.device().gradient_checkpointing_strategy() {
        None => {
            const FLEX: &str = "a flex tensor (fused::available)";
            let x = x.try_into_primitive::<Flex>().expect(FLEX);
            let k = kernel.try_into_primitive::<Flex>().expect(FLEX);
            let b = bias.try_into_primitive::<Flex>().expect(FLEX);
            let y = conv::forward(&shape, &f32s(&x), &f32s(&k), &f32s(&b), relu);
            Tensor::from_primitive::<Flex>(flex(y, [shape.batch, shape.out_steps(), shape.filters]))
        }
        Some(GradientCheckpointingStrategy::Disabled) => tracked::<NoCheckpointing>(shape, x, kernel, bias, relu),
        Some(GradientCheckpointingStrategy::Balanced) => tracked::<BalancedCheckpointing>(shape, x, kernel, bias, relu),
    }
}

fn tracked<C: CheckpointStrategy>(shape: conv::Shape, x: Tensor<3>, kernel: Tensor<3>, bias: Tensor<1>, relu: bool) -> Tensor<3>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Flex, C>>,
{
    const AD: &str = "an autodiff flex tensor (fused::available)";
    let x = x.try_into_primitive::<Autodiff<Flex, C>>().expect(AD);
    let k = kernel.try_into_primitive::<Autodiff<Flex, C>>().expect(AD);
    let b = bias.try_into_primitive::<Autodiff<Flex, C>>().expect(AD);
    let y = conv::forward(&shape, &f32s(x.primitive()), &f32s(k.primitive()), &f32s(b.primitive()), relu);
    let y = flex(y, [shape.batch, shape.out_steps(), shape.filters]);
    let out = match FusedConv.prepare::<C>([x.node(), k.node(), b.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            // the tensors themselves (shared buffers), not copies of their values
            let relu_out = relu.then(|| y.clone());
            let state = State { shape, x: x.primitive().clone(), kernel: k.primitive().clone(), relu_out };
            prep.finish(state, y)
        }
        OpsKind::UnTracked(prep) => prep.finish(y),
    };
    Tensor::from_primitive::<Autodiff<Flex, C>>(out)
}

#[derive(Debug)]
struct FusedConv;

#[derive(Clone)]
struct State {
    shape: conv::Shape,
    x: FlexTensor,
    kernel: FlexTensor,
    /// The output, when relu was applied: the gradient's mask.
    relu_out: Option<FlexTensor>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "State({:?})", self.shape)
    }
}

impl Backward<Flex, 3> for FusedConv {
    type State = State;

    fn backward(self, ops: Ops<State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [x_node, k_node, b_node] = ops.parents;
        let dy = grads.consume::<Flex>(&ops.node);
        let State { shape: sh, x, kernel, relu_out } = ops.state;
        let relu_out = relu_out.as_ref().map(f32s);
        let g = conv::backward(&sh, &f32s(&x), &f32s(&kernel), &f32s(&dy), relu_out.as_deref(), x_node.is_some());
        if let Some(node) = x_node {
            grads.register::<Flex>(node.id, flex(g.x, [sh.batch, sh.steps, sh.channels]));
        }
        if let Some(node) = k_node {
            grads.register::<Flex>(node.id, flex(g.kernel, [sh.kernel, sh.channels, sh.filters]));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, flex(g.bias, [sh.filters]));
        }
    }
}
