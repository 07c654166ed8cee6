//! Adam's update of one variable as ONE GPU dispatch (burn's cubecl backend: WebGPU in the
//! browser, wgpu natively). Written with burn's tensor operations the update is 12
//! elementwise kernels a variable, each a pass over the weights: M1's step went from 131 to
//! 65 dispatches in the page (2026-12-07); here each value is read and written once.
//! The arithmetic is `kiln_kernels::adam::step`'s (the CPU's), in its order, from the same
//! f32 coefficients.

use burn::backend::Cube;
use burn::prelude::{Device, Tensor as BurnTensor};
use burn::tensor::DType;
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::ir::ElemType;
use cubecl::prelude::*;
use kiln_kernels::adam::Coefficients;

use crate::model::{MAX_CUBES, f32_type};

/// Threads per workgroup; past `MAX_CUBES` workgroups the grid continues in y.
const THREADS: usize = 256;

/// `m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²; w -= (m·α)/(√v + ε)` elementwise.
#[cube(launch_unchecked)]
#[allow(clippy::too_many_arguments)]
fn adam_kernel<F: Float>(
    w: &Tensor<F>,
    g: &Tensor<F>,
    m: &Tensor<F>,
    v: &Tensor<F>,
    w_out: &mut Tensor<F>,
    m_out: &mut Tensor<F>,
    v_out: &mut Tensor<F>,
    beta_1: InputScalar,
    one_minus_beta_1: InputScalar,
    beta_2: InputScalar,
    one_minus_beta_2: InputScalar,
    alpha: InputScalar,
    epsilon: InputScalar,
    #[define(F)] _dtype: ElemType,
) {
    let i = (CUBE_POS_Y as usize * CUBE_COUNT_X as usize + CUBE_POS_X as usize) * CUBE_DIM_X as usize + UNIT_POS_X as usize;
    if i >= w.shape(0) {
        terminate!();
    }
    let (beta_1, one_minus_beta_1) = (beta_1.get::<F>(), one_minus_beta_1.get::<F>());
    let (beta_2, one_minus_beta_2) = (beta_2.get::<F>(), one_minus_beta_2.get::<F>());
    let (alpha, epsilon) = (alpha.get::<F>(), epsilon.get::<F>());
    let gi = g[i];
    let mi = m[i] * beta_1 + gi * one_minus_beta_1;
    let vi = v[i] * beta_2 + gi * gi * one_minus_beta_2;
    m_out[i] = mi;
    v_out[i] = vi;
    w_out[i] = w[i] - mi * alpha / (F::sqrt(vi) + epsilon);
}

/// Whether [`step`] can update tensors on `device` in `dtype`: f32 on a cubecl device.
pub fn available(device: &Device, dtype: DType) -> bool {
    crate::model::gpu_kernels_available(device, dtype)
}

/// Adam's step on `w`, `g` and its slots `m`, `v` (all `[n]`, on a GPU device: the caller
/// checks [`available`]): the new `(w, m, v)`, one dispatch.
pub fn step(w: BurnTensor<1>, g: BurnTensor<1>, m: BurnTensor<1>, v: BurnTensor<1>, c: Coefficients) -> (BurnTensor<1>, BurnTensor<1>, BurnTensor<1>) {
    const CUBE: &str = "a cubecl tensor (adam_cube::available)";
    let prim = |t: BurnTensor<1>| into_contiguous(t.try_into_primitive::<Cube>().expect(CUBE));
    let [n] = w.dims();
    let (w, g, m, v) = (prim(w), prim(g), prim(m), prim(v));
    let empty = || empty_device_dtype(w.client.clone(), w.device.clone(), vec![n].into(), w.dtype);
    let (w_out, m_out, v_out) = (empty(), empty(), empty());
    if n > 0 {
        let scalar = |x: f32| InputScalar::new(x, f32_type());
        let cubes = n.div_ceil(THREADS);
        let (x, y) = (cubes.min(MAX_CUBES), cubes.div_ceil(MAX_CUBES)); // x·y ≥ cubes
        // SAFETY: all seven tensors are contiguous `[n]`; threads at or past n return before
        // any access.
        unsafe {
            adam_kernel::launch_unchecked(
                &w_out.client,
                CubeCount::Static(x as u32, y as u32, 1),
                CubeDim::new_1d(THREADS as u32),
                w.into_tensor_arg(),
                g.into_tensor_arg(),
                m.into_tensor_arg(),
                v.into_tensor_arg(),
                w_out.clone().into_tensor_arg(),
                m_out.clone().into_tensor_arg(),
                v_out.clone().into_tensor_arg(),
                scalar(c.beta_1),
                scalar(c.one_minus_beta_1),
                scalar(c.beta_2),
                scalar(c.one_minus_beta_2),
                scalar(c.alpha),
                scalar(c.epsilon),
                f32_type(),
            );
        }
    }
    let tensor = |t: CubeTensor| BurnTensor::from_primitive::<Cube>(t);
    (tensor(w_out), tensor(m_out), tensor(v_out))
}
