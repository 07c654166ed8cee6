//! Kiln's fused CPU kernels: plain Rust over `f32` slices, no burn, so they can be
//! built optimised even in the dev profile and auto-vectorise (SSE/AVX natively,
//! simd128 in wasm). Kiln wraps them as burn autodiff operations.

pub mod adam;
mod buf;
pub mod conv;
pub mod embed;
pub mod gemm;
pub mod pool;
pub mod rnn;

/// Runs `f` on a thread of rayon's pool (with the `rayon` feature; else here) and waits.
///
/// A parallel loop started from outside the pool (the page's training worker, which
/// wasm-bindgen-rayon cannot make a pool thread) hands its work over and sleeps until
/// woken, each time. Started from a pool thread they split among its threads directly.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "rayon")]
    if rayon::current_thread_index().is_none() {
        return rayon::scope(|_| f());
    }
    f()
}
