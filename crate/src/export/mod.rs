//! A trained model taken elsewhere: to Keras 3 (a zip with `weights.npz`, a generated
//! `model.py` that rebuilds the model and loads them, the tokenizer and Kiln's own
//! probabilities for the first test reviews), to TF.js (`model.json` in the Layers format +
//! one weight shard, for `tf.loadLayersModel`), and the tokenizer alone as Keras'
//! `tokenizer.to_json()`. Pure: the caller reads the weights (asynchronously) and predicts.

mod keras;
mod npz;
mod tfjs;
mod tokenizer_json;

use std::io::{Cursor, Write};

use serde::Serialize;

pub use keras::keras_zip;
pub use npz::{NpyArray, npy, npz, read_npy, read_npz};
pub use tfjs::{tfjs_files, tfjs_zip};
pub use tokenizer_json::{py_string, tokenizer_json};

use crate::dto::{LayerConfig, RunConfig};
use crate::error::{KilnError, Result};
use crate::model::LayerWeights;

/// How many test reviews `expected.json` carries.
pub const SAMPLES: usize = 8;

/// Kiln's own predictions for the first test reviews, to check an export against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// The run's preset or model name.
    pub model: String,
    pub maxlen: usize,
    pub num_words: usize,
    pub classes: Vec<String>,
    pub texts: Vec<String>,
    /// The padded ids the model read, `[n][maxlen]`.
    pub x: Vec<Vec<u32>>,
    /// The model's output per text: `[n][1]` (sigmoid) or `[n][classes]` (softmax).
    pub probabilities: Vec<Vec<f32>>,
}

/// Everything an export needs from a run.
pub struct Export<'a> {
    pub config: &'a RunConfig,
    /// `model.read_weights()`: one entry per layer of `config.layers`.
    pub weights: &'a [LayerWeights],
    /// `tokenizer.to_json()`, or why there is none (subword vocabularies).
    pub tokenizer: std::result::Result<String, String>,
    pub expected: Expected,
}

/// Keras' automatic layer names: the snake_case class name, `_1`, `_2`, … for repeats
/// (a Bidirectional's inner layer is named before the wrapper, as Keras creates it first).
/// Returns `(name, inner name)` per layer.
pub fn layer_names(layers: &[LayerConfig]) -> Vec<(String, Option<String>)> {
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    let mut next = |base: &'static str| {
        let n = seen.entry(base).or_insert(0);
        let name = if *n == 0 { base.to_string() } else { format!("{base}_{n}") };
        *n += 1;
        name
    };
    layers
        .iter()
        .map(|l| match l {
            LayerConfig::Bidirectional(b) => {
                let inner = next(b.layer.keras_name());
                (next(l.keras_name()), Some(inner))
            }
            _ => (next(l.keras_name()), None),
        })
        .collect()
}

/// A zip of `(path, bytes)` files (deflated), as the page downloads it.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).map_err(npz::zip_error)?;
        zip.write_all(bytes).map_err(|e| KilnError::Export(e.to_string()))?;
    }
    Ok(zip.finish().map_err(npz::zip_error)?.into_inner())
}

/// The weights must be one entry per layer, as `Model::read_weights` gives them.
fn check_weights(e: &Export) -> Result<()> {
    if e.weights.len() != e.config.layers.len() {
        return Err(KilnError::Export(format!(
            "{} layers of weights for a model of {} layers",
            e.weights.len(),
            e.config.layers.len()
        )));
    }
    Ok(())
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| KilnError::Export(e.to_string()))
}
