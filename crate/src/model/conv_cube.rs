//! `Conv1D` on the GPU as Kiln's matmul over the input's windows: [`windows`] copies
//! each output step's `kernel_size` (dilated, zero-padded) input rows side by side,
//! `[batch·out, kernel_size·in]`, in ONE dispatch, and `gemm_cube::linear` multiplies
//! them by Keras' kernel read as `[kernel_size·in, filters]`, the bias in its epilogue.
//! The backward of the windows is ONE gather (every input cell sums the window cells
//! it was copied to; no atomics, which WebGPU lacks for floats).
//!
//! burn's direct and transposed convolutions were ~16 % of M3's step on SwiftShader;
//! building the windows from burn ops (a pad, `kernel_size` slices, a concatenation)
//! cost a dispatch each and made M2 slower.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::{Autodiff, Cube, DispatchKindConversion, DispatchTensor, GradientCheckpointingStrategy};
use burn::prelude::Tensor as BurnTensor;
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;
use kiln_kernels::conv::Shape;

use super::gemm_cube::{MAX_CUBES, f32_type};

/// Threads per workgroup: an output cell each.
const THREADS: u32 = 256;

/// A convolution's sizes, fixed when its kernels compile (`out`: its output steps,
/// `left`: the zero padding before the first step).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Geometry {
    steps: usize,
    channels: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
    left: usize,
    out: usize,
}

impl Geometry {
    fn of(sh: &Shape) -> Self {
        let (steps, channels, kernel, stride, dilation, left) = (sh.steps, sh.channels, sh.kernel, sh.stride, sh.dilation, sh.pad.0);
        Self { steps, channels, kernel, stride, dilation, left, out: sh.out_steps() }
    }
}

/// This thread's cell: workgroups beyond 65,535 continue in y.
#[cube]
fn cell() -> usize {
    ((CUBE_POS_Y * CUBE_COUNT_X + CUBE_POS_X) * CUBE_DIM_X + UNIT_POS_X) as usize
}

/// `cols[b·out + o, k·in + c] = x[b, o·stride + k·dilation − left, c]`, zero in the
/// padding. `x` `[batch, steps, in]` may be a strided view; `cols` is contiguous.
#[cube(launch_unchecked)]
fn windows_kernel<F: Float>(
    x: &Tensor<F>,
    cols: &mut Tensor<F>,
    #[comptime] g: Geometry,
    #[define(F)] _dtype: ElemType,
) {
    let (steps, channels, kernel, stride, dilation, left, out) = comptime!((g.steps, g.channels, g.kernel, g.stride, g.dilation, g.left, g.out));
    let e = cell();
    if e < cols.len() {
        let width = comptime!(kernel * channels);
        let (r, col) = (e / width, e % width);
        let (b, o) = (r / out, r % out);
        let (k, c) = (col / channels, col % channels);
        let t = o * stride + k * dilation; // in the padded input
        let mut v = F::new(0.0_f32);
        if t >= left && t < left + steps {
            v = x[b * x.stride(0) + (t - left) * x.stride(1) + c * x.stride(2)];
        }
        cols[e] = v;
    }
}

/// The windows' backward: `dx[b, t, c] = Σ_k dcols[b·out + o, k·in + c]` over the
/// windows `o` whose `k`-th row is input step `t`. `dcols` and `dx` are contiguous.
#[cube(launch_unchecked)]
fn unwindows_kernel<F: Float>(
    dcols: &Tensor<F>,
    dx: &mut Tensor<F>,
    #[comptime] g: Geometry,
    #[define(F)] _dtype: ElemType,
) {
    let (steps, channels, kernel, stride, dilation, left, out) = comptime!((g.steps, g.channels, g.kernel, g.stride, g.dilation, g.left, g.out));
    let e = cell();
    if e < dx.len() {
        let width = comptime!(kernel * channels);
        let (bt, c) = (e / channels, e % channels);
        let (b, t) = (bt / steps, bt % steps);
        let tp = t + left; // in the padded input
        let mut acc = F::new(0.0_f32);
        #[unroll]
        for k in 0..kernel {
            let shift = k * dilation;
            if tp >= shift {
                let o = (tp - shift) / stride;
                if o * stride + shift == tp && o < out {
                    acc += dcols[(b * out + o) * width + k * channels + c];
                }
            }
        }
        dx[e] = acc;
    }
}

/// Workgroups for `cells` threads' worth of work, `(x, y)` with `x ≤ 65,535`.
fn grid(cells: usize) -> CubeCount {
    let groups = cells.div_ceil(THREADS as usize).max(1);
    let x = groups.min(MAX_CUBES);
    CubeCount::Static(x as u32, groups.div_ceil(x) as u32, 1)
}

/// One dispatch: `x` `[batch, steps, in]` → the windows `[batch·out, kernel·in]`.
fn to_windows(sh: &Shape, x: CubeTensor) -> CubeTensor {
    let out = sh.out_steps();
    let dims = vec![sh.batch * out, sh.kernel * sh.channels];
    let cols = empty_device_dtype(x.client.clone(), x.device.clone(), dims.into(), x.dtype);
    // SAFETY: `e < cols.len()` guards the write; a read happens only for 0 ≤ t − left <
    // steps, with b < batch (r < batch·out) and c < in, inside x's shape and strides.
    unsafe {
        windows_kernel::launch_unchecked(
            &x.client,
            grid(sh.batch * out * sh.kernel * sh.channels),
            CubeDim::new_1d(THREADS),
            x.clone().into_tensor_arg(),
            cols.clone().into_tensor_arg(),
            Geometry::of(sh),
            f32_type(),
        );
    }
    cols
}

/// One dispatch: the windows' gradient `[batch·out, kernel·in]` → `dx` `[batch, steps, in]`.
fn from_windows(sh: &Shape, dcols: CubeTensor) -> CubeTensor {
    let dcols = into_contiguous(dcols);
    let dims = vec![sh.batch, sh.steps, sh.channels];
    let dx = empty_device_dtype(dcols.client.clone(), dcols.device.clone(), dims.into(), dcols.dtype);
    // SAFETY: `e < dx.len()` guards the write; reads need o < out and k < kernel, c < in,
    // b < batch: inside dcols' `[batch·out, kernel·in]`.
    unsafe {
        unwindows_kernel::launch_unchecked(
            &dcols.client,
            grid(sh.batch * sh.steps * sh.channels),
            CubeDim::new_1d(THREADS),
            dcols.clone().into_tensor_arg(),
            dx.clone().into_tensor_arg(),
            Geometry::of(sh),
            f32_type(),
        );
    }
    dx
}

/// The convolution's windows of `x` `[batch, steps, in]` as `[batch·out, kernel·in]`
/// (`out = sh.out_steps()`), one autodiff operation. The caller checks
/// `gemm_cube::linear_available` and that `sh` matches `x`.
pub fn windows(sh: Shape, x: BurnTensor<3>) -> BurnTensor<2> {
    const CUBE: &str = "a cubecl tensor (fused_gpu::linear_available)";
    match x.device().gradient_checkpointing_strategy() {
        None => BurnTensor::from_primitive::<Cube>(to_windows(&sh, x.try_into_primitive::<Cube>().expect(CUBE))),
        Some(GradientCheckpointingStrategy::Disabled) => tracked::<NoCheckpointing>(sh, x),
        Some(GradientCheckpointingStrategy::Balanced) => tracked::<BalancedCheckpointing>(sh, x),
    }
}

fn tracked<C: CheckpointStrategy>(sh: Shape, x: BurnTensor<3>) -> BurnTensor<2>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Cube, C>>,
{
    const AD: &str = "an autodiff cubecl tensor (fused_gpu::linear_available)";
    let x = x.try_into_primitive::<Autodiff<Cube, C>>().expect(AD);
    let xp = x.primitive().clone();
    let out = match Windows.prepare::<C>([x.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => prep.finish(sh, to_windows(&sh, xp)),
        OpsKind::UnTracked(prep) => prep.finish(to_windows(&sh, xp)),
    };
    BurnTensor::from_primitive::<Autodiff<Cube, C>>(out)
}

#[derive(Debug)]
struct Windows;

impl Backward<Cube, 1> for Windows {
    type State = Shape;

    fn backward(self, ops: Ops<Shape, 1>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let dcols = grads.consume::<Cube>(&ops.node);
        if let Some(node) = ops.parents[0].clone() {
            grads.register::<Cube>(node.id, from_windows(&ops.state, dcols));
        }
    }
}
