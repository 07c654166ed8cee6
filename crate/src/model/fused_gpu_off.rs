//! `fused_gpu` in a build without the `gpu` feature (the threaded CPU-only wasm): no
//! device is a GPU, so the recurrent layers take the CPU kernels or the reference graph.

use burn::prelude::*;
use burn::tensor::DType;
use kiln_kernels::conv;
use kiln_kernels::rnn::{self, Cell};

pub fn available(_device: &Device, _dtype: DType, _cell: Cell, _units: usize) -> bool {
    false
}

pub fn states(_shape: rnn::Shape, _xz: Tensor<3>, _u: Tensor<2>, _b_rec: Option<Tensor<1>>, _mask: Option<Tensor<3>>, _last: bool, _software_forms: bool) -> Tensor<3> {
    unreachable!("fused_gpu::available is false without the `gpu` feature")
}

pub fn linear_available(_device: &Device, _dtype: DType) -> bool {
    false
}

pub fn linear(_x: Tensor<2>, _w: Tensor<2>, _bias: Option<Tensor<2>>, _rolled: bool) -> Tensor<2> {
    unreachable!("fused_gpu::linear_available is false without the `gpu` feature")
}

pub fn windows(_shape: conv::Shape, _x: Tensor<3>) -> Tensor<2> {
    unreachable!("fused_gpu::linear_available is false without the `gpu` feature")
}
