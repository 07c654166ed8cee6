//! `MaxPooling1D` as ONE burn operation on the CPU (flex) backend: `kiln_kernels::pool`
//! over the channels-last input, registered with burn's autodiff as a custom
//! `Backward` step, as fused_conv.rs does for `Conv1D`. burn's `max_pool1d` swaps to
//! channels first, pools in 2-D and reshapes (copies) its indices for the backward
//! pass: 15 % of M2's step in wasm. Never used on wgpu (the buffers are read
//! synchronously).

use std::fmt;
use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::{Autodiff, DispatchKindConversion, DispatchTensor, Flex, GradientCheckpointingStrategy};
use burn::prelude::*;
use kiln_kernels::pool;

use super::fused::{f32s, flex};

/// x `[batch, steps, channels]` → `[batch, out_steps, channels]`.
///
/// The caller checks `fused::available` first.
pub fn max_pool1d(shape: pool::Shape, x: Tensor<3>) -> Tensor<3> {
    let dims = [shape.batch, shape.out_steps(), shape.channels];
    match x.device().gradient_checkpointing_strategy() {
        None => {
            let x = x.try_into_primitive::<Flex>().expect("a flex tensor (fused::available)");
            Tensor::from_primitive::<Flex>(flex(pool::forward(&shape, &f32s(&x)).0, dims))
        }
        Some(GradientCheckpointingStrategy::Disabled) => tracked::<NoCheckpointing>(shape, x, dims),
        Some(GradientCheckpointingStrategy::Balanced) => tracked::<BalancedCheckpointing>(shape, x, dims),
    }
}

fn tracked<C: CheckpointStrategy>(shape: pool::Shape, x: Tensor<3>, dims: [usize; 3]) -> Tensor<3>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Flex, C>>,
{
    let x = x.try_into_primitive::<Autodiff<Flex, C>>().expect("an autodiff flex tensor (fused::available)");
    let (y, arg) = pool::forward(&shape, &f32s(x.primitive()));
    let out = match FusedMaxPool.prepare::<C>([x.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => prep.finish(State { shape, arg: Arc::new(arg) }, flex(y, dims)),
        OpsKind::UnTracked(prep) => prep.finish(flex(y, dims)),
    };
    Tensor::from_primitive::<Autodiff<Flex, C>>(out)
}

#[derive(Debug)]
struct FusedMaxPool;

/// The shape and, for each output value, the input step that won its window.
#[derive(Clone)]
struct State {
    shape: pool::Shape,
    arg: Arc<Vec<u32>>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "State({:?})", self.shape)
    }
}

impl Backward<Flex, 1> for FusedMaxPool {
    type State = State;

    fn backward(self, ops: Ops<State, 1>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [x_node] = ops.parents;
        let dy = grads.consume::<Flex>(&ops.node);
        let State { shape: sh, arg } = ops.state;
        if let Some(node) = x_node {
            grads.register::<Flex>(node.id, flex(pool::backward(&sh, &arg, &f32s(&dy)), [sh.batch, sh.steps, sh.channels]));
        }
    }
}
