//! A plain register-tiled matmul for the recurrent layers' big products on the GPU
//! (`dU = prevᵀ·drec` over all `batch·seq` rows, the input projection and its
//! gradients). Each thread keeps a 4×4 block of the output in registers and walks
//! its share of `k`: 8 loads for 16 multiply-adds, no workgroup memory, no barrier.
//! Long `k` is split over workgroups (`CUBE_COUNT_Z`) and the parts summed after,
//! so a `[100, 6400]·[6400, 400]` weight gradient still fills the GPU.
//!
//! burn's own matmul here (no autotune in the page) ran these shapes at ~150 MFLOP/s
//! on SwiftShader, slower than the recurrent loop itself.

use burn::backend::ops::FloatTensorOps;
use burn::backend::Cube;
use burn_cubecl::ops::numeric::empty_device_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::ir::{ElemType, FloatKind};
use cubecl::prelude::*;

/// Output rows (and columns) per thread.
const BLOCK: usize = 4;
/// Threads per workgroup side: a workgroup covers `32 × 32` of the output.
const SIDE: u32 = 8;
/// Workgroups worth splitting `k` for, and the shortest `k` run a split gets.
const WANT_CUBES: usize = 64;
const MIN_RUN: usize = 256;

/// `out[s, i, j] = Σ a[i, kk]·b[kk, j]` over split `s`'s run of `kk`. `a` `[m, k]` and
/// `b` `[k, p]` may be strided views (a transpose is a swap of strides); `out`
/// `[splits, m, p]` is contiguous.
#[cube(launch_unchecked)]
fn matmul_kernel<F: Float>(a: &Tensor<F>, b: &Tensor<F>, out: &mut Tensor<F>, #[define(F)] _dtype: ElemType) {
    let m = a.shape(0);
    let k = a.shape(1);
    let p = b.shape(1);
    let (am, ak) = (a.stride(0), a.stride(1));
    let (bk, bp) = (b.stride(0), b.stride(1));
    let i0 = (CUBE_POS_Y as usize * CUBE_DIM_Y as usize + UNIT_POS_Y as usize) * BLOCK;
    let j0 = (CUBE_POS_X as usize * CUBE_DIM_X as usize + UNIT_POS_X as usize) * BLOCK;
    let split = CUBE_POS_Z as usize;
    let run = k.div_ceil(CUBE_COUNT_Z as usize);
    let k0 = split * run;
    let k1 = select(k0 + run < k, k0 + run, k);
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
    let mut kk = k0;
    while kk < k1 {
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
        kk += 1;
    }
    #[unroll]
    for r in 0..BLOCK {
        #[unroll]
        for c in 0..BLOCK {
            let (i, j) = (i0 + r, j0 + c);
            if i < m && j < p {
                out[(split * m + i) * p + j] = acc[r * BLOCK + c];
            }
        }
    }
}

/// `a·b` for `a` `[m, k]` and `b` `[k, p]` (contiguous or transposed views) as a
/// `[m, p]` tensor: one dispatch, and a sum over dim 0 when `k` is split.
pub fn matmul(a: CubeTensor, b: CubeTensor) -> CubeTensor {
    let dims = |t: &CubeTensor| t.meta.logical_shape().map(|s| s.to_vec()).unwrap_or_default();
    let (sa, sb) = (dims(&a), dims(&b));
    assert!(sa.len() == 2 && sb.len() == 2 && sa[1] == sb[0], "gemm_cube::matmul takes [m, k]·[k, p], got {sa:?}·{sb:?}");
    let (m, k, p) = (sa[0], sa[1], sb[1]);
    let (rows, cols) = (m.div_ceil(BLOCK * SIDE as usize), p.div_ceil(BLOCK * SIDE as usize));
    let splits = WANT_CUBES.div_ceil(rows * cols).min(k / MIN_RUN).max(1);
    if m == 0 || p == 0 || k == 0 {
        return Cube::float_zeros([m, p].into(), &a.device, a.dtype.into());
    }
    let out = empty_device_dtype(a.client.clone(), a.device.clone(), vec![splits, m, p].into(), a.dtype);
    {
        // SAFETY: reads are clamped to row m − 1 / column p − 1 and to kk < k; writes are
        // guarded by i < m, j < p and land in split `CUBE_POS_Z` < splits.
        unsafe {
            matmul_kernel::launch_unchecked(
                &out.client,
                CubeCount::Static(cols as u32, rows as u32, splits as u32),
                CubeDim::new_2d(SIDE, SIDE),
                a.into_tensor_arg(),
                b.into_tensor_arg(),
                out.clone().into_tensor_arg(),
                ElemType::Float(FloatKind::F32),
            );
        }
    }
    if splits == 1 {
        Cube::float_reshape(out, [m, p].into())
    } else {
        Cube::float_reshape(Cube::float_sum_dim(out, 0), [m, p].into())
    }
}

#[cfg(test)]
mod tests {
    use burn::prelude::*;
    use burn::tensor::Distribution;

    use super::super::fused_gpu;

    /// Kiln's GPU matmul and its gradients against burn's, on the native wgpu adapter
    /// (Mesa's lavapipe here): odd sizes, transposed views, one workgroup's edge, and
    /// `k` long enough to be split over workgroups and summed.
    #[test]
    fn matmul_and_gradients_match_burn() {
        let device = Device::wgpu(Default::default()).autodiff();
        device.seed(3);
        // (m, k, p, a transposed, b transposed)
        let cases = [(1, 1, 1, false, false), (5, 7, 3, true, false), (33, 600, 45, false, true), (40, 2000, 9, true, true), (100, 1100, 70, true, false)];
        for (m, k, p, at, bt) in cases {
            let a = Tensor::<2>::random(if at { [k, m] } else { [m, k] }, Distribution::Normal(0.0, 1.0), &device);
            let b = Tensor::<2>::random(if bt { [p, k] } else { [k, p] }, Distribution::Normal(0.0, 1.0), &device);
            let r = Tensor::<2>::random([m, p], Distribution::Normal(0.0, 1.0), &device);
            let run = |kiln: bool| {
                let (a, b) = (a.clone().require_grad(), b.clone().require_grad());
                let (va, vb) = (if at { a.clone().transpose() } else { a.clone() }, if bt { b.clone().transpose() } else { b.clone() });
                let y = if kiln { fused_gpu::matmul(va, vb) } else { va.matmul(vb) };
                let grads = (y.clone() * r.clone()).sum().backward();
                [y.into_data(), a.grad(&grads).expect("a has a gradient").into_data(), b.grad(&grads).expect("b has a gradient").into_data()]
            };
            let (kiln, burn) = (run(true), run(false));
            for ((what, x), y) in ["a·b", "da", "db"].iter().zip(kiln).zip(burn) {
                let (x, y) = (x.try_to_vec::<f32>().unwrap(), y.try_to_vec::<f32>().unwrap());
                assert_eq!(x.len(), y.len());
                // sums of k products of N(0, 1) values: rounding grows like √k
                let worst = x.iter().zip(&y).map(|(x, y)| (x - y).abs() / ((k as f32).sqrt() + y.abs())).fold(0.0, f32::max);
                assert!(worst < 1e-5, "[{m}, {k}]·[{k}, {p}] (a transposed {at}, b transposed {bt}): {what} off by {worst}");
            }
        }
    }
}
