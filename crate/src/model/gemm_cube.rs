//! A plain register-tiled matmul for the recurrent layers' big products on the GPU
//! (`dU = prevᵀ·drec` over all `batch·seq` rows, the input projection with its bias,
//! and its gradients). Each thread keeps a 4×4 block of the output in registers and
//! walks all of `k`: 8 loads for 16 multiply-adds, no workgroup memory, no barrier,
//! ONE dispatch (WebGPU has no float atomics, so splitting a long `k` over workgroups
//! would cost a second dispatch to sum the parts). On a software adapter every product takes
//! [`panel_kernel`] instead, which reads fewer values a multiply-add.
//!
//! burn's own matmul here (no autotune in the page) ran these shapes at ~150 MFLOP/s
//! on SwiftShader, slower than the recurrent loop itself. [`linear`] is the projection
//! as one burn autodiff operation on it.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::{BalancedCheckpointing, CheckpointStrategy, NoCheckpointing};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, OpsPrep};
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Cube, DispatchDevice, DispatchKindConversion, DispatchTensor, GradientCheckpointingStrategy};
use burn::prelude::{Device, Tensor as BurnTensor};
use burn::tensor::DType;
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::ir::{ElemType, FloatKind};
use cubecl::prelude::*;

/// Output rows (and columns) per thread.
const BLOCK: usize = 4;
/// Threads per workgroup: `8 × 8`, a workgroup covering `32 × 32` of the output, or for
/// narrow outputs fewer columns and more rows (see [`workgroup`]).
const THREADS: u32 = 64;
/// WebGPU's guaranteed `maxComputeWorkgroupsPerDimension` (conv_cube's grids too).
pub(crate) const MAX_CUBES: usize = 65_535;

/// The element type the GPU kernels are launched with (`#[define(F)]`): Kiln trains in f32.
pub(crate) fn f32_type() -> ElemType {
    ElemType::Float(FloatKind::F32)
}

/// `out[i, j] = Σ a[i, kk]·b[kk, j] (+ bias[j])`. `a` `[m, k]` and `b` `[k, p]` may be
/// strided views (a transpose is a swap of strides); `bias` `[p]` (read with `biased`
/// only) and `out` `[m, p]` are contiguous.
#[cube(launch_unchecked)]
fn matmul_kernel<F: Float>(a: &Tensor<F>, b: &Tensor<F>, bias: &Tensor<F>, out: &mut Tensor<F>, #[comptime] biased: bool, #[define(F)] _dtype: ElemType) {
    let m = a.shape(0);
    let k = a.shape(1);
    let p = b.shape(1);
    let (am, ak) = (a.stride(0), a.stride(1));
    let (bk, bp) = (b.stride(0), b.stride(1));
    // row blocks beyond WebGPU's 65,535 workgroups a dimension continue in z
    let row_block = CUBE_POS_Z as usize * CUBE_COUNT_Y as usize + CUBE_POS_Y as usize;
    let i0 = (row_block * CUBE_DIM_Y as usize + UNIT_POS_Y as usize) * BLOCK;
    let j0 = (CUBE_POS_X as usize * CUBE_DIM_X as usize + UNIT_POS_X as usize) * BLOCK;
    // a thread past the edge reads the last row / column and writes nothing
    let mut ar = Array::<usize>::new(BLOCK);
    let mut bc = Array::<usize>::new(BLOCK);
    #[unroll]
    for r in 0..BLOCK {
        let i = i0 + r;
        let j = j0 + r;
        ar[r] = select(i < m, i, m - 1) * am;
        bc[r] = select(j < p, j, p - 1) * bp;
    }
    let mut acc = Array::<F>::new(BLOCK * BLOCK);
    #[unroll]
    for e in 0..BLOCK * BLOCK {
        acc[e] = F::new(0.0_f32);
    }
    let mut av = Array::<F>::new(BLOCK);
    let mut bv = Array::<F>::new(BLOCK);
    for kk in 0..k {
        let (ao, bo) = (kk * ak, kk * bk);
        #[unroll]
        for r in 0..BLOCK {
            av[r] = a[ar[r] + ao];
            bv[r] = b[bo + bc[r]];
        }
        #[unroll]
        for r in 0..BLOCK {
            #[unroll]
            for c in 0..BLOCK {
                acc[r * BLOCK + c] += av[r] * bv[c];
            }
        }
    }
    #[unroll]
    for c in 0..BLOCK {
        let j = j0 + c;
        if j < p {
            let mut add = F::new(0.0_f32);
            if comptime!(biased) {
                add = bias[j];
            }
            #[unroll]
            for r in 0..BLOCK {
                let i = i0 + r;
                if i < m {
                    out[i * p + j] = acc[r * BLOCK + c] + add;
                }
            }
        }
    }
}

/// The software form (an adapter that is a CPU, `software`): a thread owns `cols` output
/// columns and a set of rows (strided over the grid's `y`). It walks `k`
/// in chunks of `chunk` terms: it copies the chunk's `chunk × cols` panel of `b` into a private
/// array, then for each of its rows reads `chunk` values of `a` and adds their products to the
/// row's `cols` outputs (kept in `out` between chunks). Each read of `a` serves `cols`
/// multiply-adds and each read of `b` all the thread's rows, against 2 and 4 in
/// [`matmul_kernel`]'s 4×4 block. On SwiftShader every buffer read is a load, test and branch
/// per lane (and in Chromium a bounds test more), and a private array read at a constant index
/// one vector load (docs/build-notes.md). In the page it took M1's step 3.8–5.2 → 3.4–3.9 s and
/// M3's 2.9–3.0 → 2.2–2.4 s; natively, where buffer reads are cheaper, it is no faster.
#[cube(launch_unchecked)]
fn panel_kernel<F: Float>(
    a: &Tensor<F>,
    b: &Tensor<F>,
    bias: &Tensor<F>,
    out: &mut Tensor<F>,
    #[comptime] chunk: usize,
    #[comptime] cols: usize,
    #[comptime] biased: bool,
    #[define(F)] _dtype: ElemType,
) {
    let m = a.shape(0);
    let k = a.shape(1);
    let p = b.shape(1);
    let (am, ak) = (a.stride(0), a.stride(1));
    let (bk, bp) = (b.stride(0), b.stride(1));
    let zero = F::new(0.0_f32);
    let j0 = (CUBE_POS_X as usize * CUBE_DIM_X as usize + UNIT_POS_X as usize) * cols;
    // columns past p read the last one and are never written
    let mut jc = Array::<usize>::new(cols);
    let mut start = Array::<F>::new(cols);
    #[unroll]
    for c in 0..cols {
        let j = select(j0 + c < p, j0 + c, p - 1);
        jc[c] = j;
        start[c] = zero;
        if comptime!(biased) {
            start[c] = bias[j];
        }
    }
    let row0 = CUBE_POS_Y as usize * CUBE_DIM_Y as usize + UNIT_POS_Y as usize;
    let stride = CUBE_COUNT_Y as usize * CUBE_DIM_Y as usize;
    // the panel b[k0.., j0..], `w[kk·cols + c]`, zero past k; `ka[kk]` the offset of term kk in a row of `a`
    let mut w = Array::<F>::new(comptime!(chunk * cols));
    let mut ka = Array::<usize>::new(chunk);
    let mut k0 = 0;
    while k0 < k {
        #[unroll]
        for kk in 0..chunk {
            let live = k0 + kk < k;
            let kr = select(live, k0 + kk, k - 1);
            ka[kk] = kr * ak;
            #[unroll]
            for c in 0..cols {
                w[comptime!(kk * cols + c)] = select(live, b[kr * bk + jc[c] * bp], zero);
            }
        }
        let mut i = row0;
        while i < m {
            let row = i * p;
            // the first chunk starts from the bias (or zero); `select` would read `out` there too
            let mut acc = Array::<F>::new(cols);
            if k0 == 0 {
                #[unroll]
                for c in 0..cols {
                    acc[c] = start[c];
                }
            } else {
                #[unroll]
                for c in 0..cols {
                    acc[c] = out[row + jc[c]];
                }
            }
            #[unroll]
            for kk in 0..chunk {
                let av = a[i * am + ka[kk]];
                #[unroll]
                for c in 0..cols {
                    acc[c] += av * w[comptime!(kk * cols + c)];
                }
            }
            #[unroll]
            for c in 0..cols {
                if j0 + c < p {
                    out[row + j0 + c] = acc[c];
                }
            }
            i += stride;
        }
        k0 += chunk;
    }
}

/// [`panel_kernel`]'s terms a chunk and columns a thread: a `32 × 8` panel, whose 256
/// multiply-adds a row are written out. One shape for every product, so a model compiles two
/// panel kernels (with and without a bias), and a short `k` runs one partly empty chunk.
const CHUNK: usize = 32;
const COLS: usize = 8;
/// Threads a workgroup of [`panel_kernel`] has at most: small, so there are several per core.
const PANEL_GROUP: usize = 16;
/// About how many threads [`panel_kernel`] runs in all (fewer where `m` is short).
const PANEL_THREADS: usize = 256;

/// A software adapter (SwiftShader, lavapipe): wgpu reports it as a CPU, and cubecl then
/// knows of no card behind it. The kernels' software forms are measured there only
/// (docs/build-notes.md).
pub(super) fn software(t: &CubeTensor) -> bool {
    t.client.properties().identity.physical.is_none()
}

/// Which kernel [`product`] runs: [`matmul_kernel`] or [`panel_kernel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Block,
    Panel,
}

/// `a·b (+ bias)` for `a` `[m, k]` and `b` `[k, p]` (contiguous or transposed views) and
/// `bias` with `p` values, as a contiguous `[m, p]` tensor, in one dispatch: the panel
/// kernel on a software adapter, the block kernel on a GPU or for a layer on
/// `Path::Rolled` (`rolled`; [`form`]).
pub fn matmul(a: CubeTensor, b: CubeTensor, bias: Option<CubeTensor>, rolled: bool) -> CubeTensor {
    let form = form(software(&a), rolled);
    product(a, b, bias, form)
}

/// The panel kernel on a software adapter, unless the layer asks for the GPU forms there
/// (`Path::Rolled`: the page's `kernels=rolled`, to measure them side by side); else the block kernel.
fn form(software: bool, rolled: bool) -> Form {
    if software && !rolled { Form::Panel } else { Form::Block }
}

/// [`matmul`] with the kernel given (the tests run both on one adapter).
fn product(a: CubeTensor, b: CubeTensor, bias: Option<CubeTensor>, form: Form) -> CubeTensor {
    let dims = |t: &CubeTensor| t.meta.logical_shape().map(|s| s.to_vec()).unwrap_or_default();
    let (sa, sb) = (dims(&a), dims(&b));
    assert!(sa.len() == 2 && sb.len() == 2 && sa[1] == sb[0], "gemm_cube::matmul takes [m, k]·[k, p], got {sa:?}·{sb:?}");
    let (m, k, p) = (sa[0], sa[1], sb[1]);
    if m == 0 || p == 0 || k == 0 {
        let zeros = Cube::float_zeros([m, p].into(), &a.device, a.dtype.into());
        return match bias {
            Some(bias) => Cube::float_add(zeros, Cube::float_reshape(bias, [1, p].into())),
            None => zeros,
        };
    }
    let out = empty_device_dtype(a.client.clone(), a.device.clone(), vec![m, p].into(), a.dtype);
    let biased = bias.is_some();
    let bias = bias.map_or_else(|| b.clone(), into_contiguous); // a stand-in, never read, without a bias
    if form == Form::Panel {
        // column blocks across x, rows over the grid's y: each thread reads its panel once a
        // chunk for at least 16 rows, but at most 4,096 (lavapipe ended a loop after 65,535
        // turns, with no error)
        let blocks = p.div_ceil(COLS);
        let rows = m.div_ceil(16).min((PANEL_THREADS / blocks).max(1)).max(m.div_ceil(4096));
        // as few threads a workgroup past the last column as can be
        let x = blocks.div_ceil(blocks.div_ceil(PANEL_GROUP));
        // SAFETY: reads are clamped to column p − 1 and to kk < k; rows loop below m; writes
        // are guarded by j < p.
        unsafe {
            panel_kernel::launch_unchecked(
                &out.client,
                CubeCount::Static(blocks.div_ceil(x) as u32, rows as u32, 1),
                CubeDim::new_2d(x as u32, 1),
                a.into_tensor_arg(),
                b.into_tensor_arg(),
                bias.into_tensor_arg(),
                out.clone().into_tensor_arg(),
                CHUNK,
                COLS,
                biased,
                f32_type(),
            );
        }
        return out;
    }
    let (x, y) = workgroup(p);
    let (rows, cols) = (m.div_ceil(BLOCK * y as usize), p.div_ceil(BLOCK * x as usize));
    let (rows_y, rows_z) = (rows.min(MAX_CUBES), rows.div_ceil(MAX_CUBES)); // y·z ≥ rows
    // SAFETY: reads are clamped to row m − 1 / column p − 1 and to kk < k, and `bias` is
    // read below p; writes are guarded by i < m, j < p (row blocks past m in the last z
    // layer only read).
    unsafe {
        matmul_kernel::launch_unchecked(
            &out.client,
            CubeCount::Static(cols as u32, rows_y as u32, rows_z as u32),
            CubeDim::new_2d(x, y),
            a.into_tensor_arg(),
            b.into_tensor_arg(),
            bias.into_tensor_arg(),
            out.clone().into_tensor_arg(),
            biased,
            f32_type(),
        );
    }
    out
}

/// The workgroup's threads `(x, y)` for `p` output columns: 8 × 8, but as few columns as cover
/// `p` (a power of two) and the rest in rows, so narrow products (a convolution's 16 filters, a
/// Dense(1)) do not run threads whose columns are all past the edge: such a thread reads and
/// multiplies like the others and only skips the writes.
fn workgroup(p: usize) -> (u32, u32) {
    let x = p.div_ceil(BLOCK).next_power_of_two().min(8) as u32;
    (x, THREADS / x)
}

/// Whether `device` runs burn's cubecl backend in f32, where [`linear`] applies.
pub fn linear_available(device: &Device, dtype: DType) -> bool {
    dtype == DType::F32 && matches!(device.clone().inner().as_dispatch(), DispatchDevice::Cube(_))
}

/// `x·w + bias` (`[m, k]·[k, p] + [1, p]`) through Kiln's GPU matmul, one autodiff
/// operation of one dispatch whose backward uses the same kernel (`dx = dy·wᵀ`,
/// `dw = xᵀ·dy`) and one sum for `dbias`: the recurrent layers' input projection over
/// every timestep. `rolled`: the layer is on `Path::Rolled` ([`matmul`]). The caller checks
/// [`linear_available`].
pub fn linear(x: BurnTensor<2>, w: BurnTensor<2>, bias: Option<BurnTensor<2>>, rolled: bool) -> BurnTensor<2> {
    const CUBE: &str = "a cubecl tensor (fused_gpu::linear_available)";
    match x.device().gradient_checkpointing_strategy() {
        None => {
            let prim = |t: BurnTensor<2>| t.try_into_primitive::<Cube>().expect(CUBE);
            BurnTensor::from_primitive::<Cube>(matmul(prim(x), prim(w), bias.map(prim), rolled))
        }
        Some(GradientCheckpointingStrategy::Disabled) => linear_tracked::<NoCheckpointing>(x, w, bias, rolled),
        Some(GradientCheckpointingStrategy::Balanced) => linear_tracked::<BalancedCheckpointing>(x, w, bias, rolled),
    }
}

fn linear_tracked<C: CheckpointStrategy>(x: BurnTensor<2>, w: BurnTensor<2>, bias: Option<BurnTensor<2>>, rolled: bool) -> BurnTensor<2>
where
    DispatchTensor: DispatchKindConversion<Autodiff<Cube, C>>,
{
    const AD: &str = "an autodiff cubecl tensor (fused_gpu::linear_available)";
    let prim = |t: BurnTensor<2>| t.try_into_primitive::<Autodiff<Cube, C>>().expect(AD);
    let (x, w, bias) = (prim(x), prim(w), bias.map(prim));
    let (xp, wp, bp) = (x.primitive().clone(), w.primitive().clone(), bias.as_ref().map(|b| b.primitive().clone()));
    let out = match bias {
        Some(b) => record_linear(GpuLinear.prepare::<C>([x.node(), w.node(), b.node()]), xp, wp, bp, rolled),
        None => record_linear(GpuLinear.prepare::<C>([x.node(), w.node()]), xp, wp, bp, rolled),
    };
    BurnTensor::from_primitive::<Autodiff<Cube, C>>(out)
}

fn record_linear<C: CheckpointStrategy, const N: usize>(
    prep: OpsPrep<GpuLinear, Cube, LinearState, C, N>,
    x: CubeTensor,
    w: CubeTensor,
    bias: Option<CubeTensor>,
    rolled: bool,
) -> FloatTensor<Autodiff<Cube, C>>
where
    GpuLinear: Backward<Cube, N, State = LinearState>,
{
    match prep.compute_bound().stateful() {
        OpsKind::Tracked(prep) => prep.finish(LinearState(x.clone(), w.clone(), rolled), matmul(x, w, bias, rolled)),
        OpsKind::UnTracked(prep) => prep.finish(matmul(x, w, bias, rolled)),
    }
}

/// What the backward pass reads: `x`, `w` and the matmul's form (`rolled`).
#[derive(Clone, Debug)]
struct LinearState(CubeTensor, CubeTensor, bool);

#[derive(Debug)]
struct GpuLinear;

impl<const N: usize> Backward<Cube, N> for GpuLinear {
    type State = LinearState;

    fn backward(self, ops: Ops<LinearState, N>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let (x_node, w_node, b_node) = (ops.parents[0].clone(), ops.parents[1].clone(), ops.parents.get(2).cloned().flatten());
        let dy = grads.consume::<Cube>(&ops.node);
        let LinearState(x, w, rolled) = ops.state;
        if let Some(node) = b_node {
            grads.register::<Cube>(node.id, Cube::float_sum_dim(dy.clone(), 0)); // [1, p]
        }
        if let Some(node) = x_node {
            grads.register::<Cube>(node.id, matmul(dy.clone(), Cube::float_transpose(w), None, rolled));
        }
        if let Some(node) = w_node {
            grads.register::<Cube>(node.id, matmul(Cube::float_transpose(x), dy, None, rolled));
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::backend::Cube;
    use burn::prelude::*;
    use burn::tensor::Distribution;

    use super::{BLOCK, Form, form, linear, product, workgroup};

    #[test]
    fn the_panel_kernel_only_on_a_software_adapter_without_kernels_rolled() {
        for (software, rolled, want) in
            [(true, false, Form::Panel), (true, true, Form::Block), (false, false, Form::Block), (false, true, Form::Block)]
        {
            assert_eq!(form(software, rolled), want, "software {software}, rolled {rolled}");
        }
    }

    fn cube(t: Tensor<2>) -> burn_cubecl::tensor::CubeTensor {
        t.try_into_primitive::<Cube>().expect("a wgpu tensor")
    }

    /// `a·b (+ bias)` by [`product`]'s `form` against burn's matmul: the largest difference,
    /// scaled by `√k` (sums of `k` products of N(0, 1) values round like that).
    fn off(form: Form, a: Tensor<2>, b: Tensor<2>, bias: Option<Tensor<2>>) -> f32 {
        let k = a.dims()[1];
        let want = match &bias {
            Some(bias) => a.clone().matmul(b.clone()) + bias.clone(),
            None => a.clone().matmul(b.clone()),
        };
        let got = Tensor::<2>::from_primitive::<Cube>(product(cube(a), cube(b), bias.map(cube), form));
        let (got, want) = (got.into_data().try_to_vec::<f32>().unwrap(), want.into_data().try_to_vec::<f32>().unwrap());
        assert_eq!(got.len(), want.len());
        got.iter().zip(&want).map(|(g, w)| (g - w).abs() / ((k as f32).sqrt() + w.abs())).fold(0.0, f32::max)
    }

    /// Both kernels (a GPU takes the block kernel, a software adapter the panel kernel) on one
    /// adapter: edges of a block, a workgroup and a panel chunk, `k` in one chunk and in a ragged
    /// last chunk, strided views, narrow and wide outputs, with and without a bias.
    #[test]
    fn both_kernels_match_burn() {
        let device = Device::wgpu(Default::default());
        device.seed(5);
        let normal = |dims: [usize; 2]| Tensor::<2>::random(dims, Distribution::Normal(0.0, 1.0), &device);
        // (m, k, p, a transposed, b transposed, with a bias)
        let cases = [(1, 1, 1, false, false, false), (3, 5, 2, false, false, true), (17, 64, 9, true, false, false), (70, 65, 33, false, true, true), (100, 1300, 400, true, false, false), (2000, 32, 400, false, false, true), (4100, 400, 32, false, true, false)];
        for (m, k, p, at, bt, biased) in cases {
            let a = if at { normal([k, m]).transpose() } else { normal([m, k]) };
            let b = if bt { normal([p, k]).transpose() } else { normal([k, p]) };
            let bias = biased.then(|| normal([1, p]));
            for form in [Form::Block, Form::Panel] {
                let worst = off(form, a.clone(), b.clone(), bias.clone());
                assert!(worst < 1e-5, "{form:?}: [{m}, {k}]·[{k}, {p}] (a transposed {at}, b transposed {bt}, bias {biased}) off by {worst}");
            }
        }
    }

    /// [`linear`] (Kiln's GPU matmul) and its gradients against burn's matmul
    /// and add, on the native wgpu adapter (Mesa's lavapipe here): odd sizes, transposed
    /// views, a workgroup's edge, long `k`, with and without a bias.
    #[test]
    fn linear_and_gradients_match_burn() {
        let device = Device::wgpu(Default::default()).autodiff();
        device.seed(3);
        let normal = |dims: [usize; 2]| Tensor::<2>::random(dims, Distribution::Normal(0.0, 1.0), &device);
        // (m, k, p, a transposed, b transposed, with a bias)
        let cases = [(1, 1, 1, false, false, true), (5, 7, 3, true, false, false), (33, 600, 45, false, true, true), (40, 2000, 9, true, true, false), (100, 1100, 70, true, false, true)];
        for (m, k, p, at, bt, biased) in cases {
            let (a, b) = (normal(if at { [k, m] } else { [m, k] }), normal(if bt { [p, k] } else { [k, p] }));
            let (bias, r) = (normal([1, p]), normal([m, p]));
            let run = |kiln: bool, rolled: bool| {
                let (a, b, bias) = (a.clone().require_grad(), b.clone().require_grad(), bias.clone().require_grad());
                let (va, vb) = (if at { a.clone().transpose() } else { a.clone() }, if bt { b.clone().transpose() } else { b.clone() });
                let y = match (kiln, biased) {
                    (true, _) => linear(va, vb, biased.then(|| bias.clone()), rolled),
                    (false, true) => va.matmul(vb) + bias.clone(),
                    (false, false) => va.matmul(vb),
                };
                let grads = (y.clone() * r.clone()).sum().backward();
                let mut out = vec![y.into_data(), a.grad(&grads).expect("a has a gradient").into_data(), b.grad(&grads).expect("b has a gradient").into_data()];
                if biased {
                    out.push(bias.grad(&grads).expect("the bias has a gradient").into_data());
                }
                out
            };
            // a layer on Path::Rolled takes the block kernel on this software adapter too
            for rolled in [false, true] {
                let (kiln, burn) = (run(true, rolled), run(false, rolled));
                assert_eq!(kiln.len(), burn.len());
                for ((what, x), y) in ["x·w", "dx", "dw", "dbias"].iter().zip(kiln).zip(burn) {
                    let (x, y) = (x.try_to_vec::<f32>().unwrap(), y.try_to_vec::<f32>().unwrap());
                    assert_eq!(x.len(), y.len());
                    // sums of k (dbias: m) products of N(0, 1) values: rounding grows like √k
                    let worst = x.iter().zip(&y).map(|(x, y)| (x - y).abs() / ((k.max(m) as f32).sqrt() + y.abs())).fold(0.0, f32::max);
                    assert!(worst < 1e-5, "[{m}, {k}]·[{k}, {p}] (a transposed {at}, b transposed {bt}, bias {biased}, rolled {rolled}): {what} off by {worst}");
                }
            }
        }
    }

    /// More row blocks than WebGPU allows workgroups in one dimension (65,535): the block
    /// kernel's rest continue in z; the panel kernel's threads take at most 4,096 rows each.
    #[test]
    fn both_kernels_cover_more_rows_than_one_grid_dimension() {
        let device = Device::wgpu(Default::default());
        // [m, 1]·[1, 1]: a row block is 256 rows, and x and the output stay under the 128 MiB
        // a storage buffer may bind
        let m = 65_537 * BLOCK * workgroup(1).1 as usize;
        let x = Tensor::<2>::random([m, 1], Distribution::Normal(0.0, 1.0), &device);
        let w = Tensor::<2>::random([1, 1], Distribution::Normal(0.0, 1.0), &device);
        for form in [Form::Block, Form::Panel] {
            let worst = off(form, x.clone(), w.clone(), None);
            assert!(worst < 1e-5, "{form:?}: off by {worst}");
        }
    }
}
