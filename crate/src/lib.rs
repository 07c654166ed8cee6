//! Kiln: Keras-style text classifiers trained in the browser.
//!
//! Data flows one way, and so do the modules:
//! `text` (normalise → tokenize → pad) → `data` (datasets, batches) →
//! `model` (layers from serde configs) → `train` (steps, evaluation) →
//! `metrics` → events for the page (`dto`). `web` is the only wasm module.
//! `baseline` is seed 000's classical side: TF-IDF or bag-of-words features on the same
//! tokens and split, with scikit-learn's LogisticRegression or LinearSVC in plain Rust.

pub mod baseline;
#[cfg(not(target_family = "wasm"))]
pub mod cli;
pub mod data;
pub mod dto;
pub mod error;
pub mod keras;
pub mod metrics;
pub mod model;
pub mod text;
pub mod train;

#[cfg(target_family = "wasm")]
pub mod web;

pub use error::{KilnError, Result};
