//! Kiln: Keras-style text classifiers trained in the browser.
//!
//! Data flows one way, and so do the modules:
//! `text` (normalise → tokenize → pad) → `data` (datasets, batches) →
//! `model` (layers from serde configs) → `train` (steps, evaluation) →
//! `metrics` → events for the page (`dto`). `embed` trains word2vec vectors on the same
//! texts (an Embedding can start from them). `baseline` is seed 000's classical side:
//! TF-IDF or bag-of-words features on the same tokens and split, with scikit-learn's
//! LogisticRegression or LinearSVC in plain Rust. `web` is the only wasm module.

pub mod baseline;
#[cfg(not(target_family = "wasm"))]
pub mod cli;
pub mod data;
pub mod dto;
pub mod embed;
pub mod error;
pub mod export;
pub mod keras;
pub mod metrics;
pub mod model;
pub mod text;
pub mod train;

#[cfg(target_family = "wasm")]
pub mod web;

pub use error::{KilnError, Result};
