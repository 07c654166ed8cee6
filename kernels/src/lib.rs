//! Kiln's fused CPU kernels: plain Rust over `f32` slices, no burn, so they can be
//! built optimised even in the dev profile and auto-vectorise (SSE/AVX natively,
//! simd128 in wasm). Kiln wraps them as burn autodiff operations.

pub mod adam;
pub mod conv;
pub mod gemm;
pub mod pool;
pub mod rnn;
