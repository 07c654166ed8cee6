//! The training loop, one step at a time so the worker can yield between steps.

pub mod callbacks;
mod loss;
#[cfg(feature = "gpu")]
mod adam_cube;
mod optim;

pub use optim::{KerasOptimizer, SavedState};
mod run;
mod trainer;

pub use loss::{Targets, binary_cross_entropy_with_logits, class_weights, correct_predictions, loss_and_correct};
pub use run::{Run, SavedRun};
pub use trainer::{Metrics, Trainer, divergence_hint};

/// Drive an async call to completion natively (the CPU backend never waits).
#[cfg(not(target_family = "wasm"))]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}
