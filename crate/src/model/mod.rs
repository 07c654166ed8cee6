//! Models built from Keras-like layer lists (`dto::LayerConfig`).

mod init;
mod layers;

use burn::prelude::*;

pub use init::Init;
pub use layers::{Dense, Embedding, Lstm, global_average_pooling_1d};

use crate::dto::{Activation, LayerConfig, Summary, SummaryRow};
use crate::error::{KilnError, Result};

/// A stateless layer (no parameters).
#[derive(Module, Debug)]
pub struct Pool {
    #[module(skip)]
    pub kind: PoolKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    GlobalAverage1d,
}

#[derive(Module, Debug)]
pub enum Layer {
    Embedding(Embedding),
    Lstm(Lstm),
    Pool(Pool),
    Dense(Dense),
}

/// What flows between layers (batch dimension implied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Ids { seq: usize },
    Seq { seq: usize, dim: usize },
    Flat { dim: usize },
}

impl Shape {
    fn keras(self) -> Vec<Option<usize>> {
        match self {
            Shape::Ids { seq } => vec![None, Some(seq)],
            Shape::Seq { seq, dim } => vec![None, Some(seq), Some(dim)],
            Shape::Flat { dim } => vec![None, Some(dim)],
        }
    }
}

enum Act {
    Ids(Tensor<2, Int>),
    Seq(Tensor<3>),
    Flat(Tensor<2>),
}

/// A Keras `Sequential` binary classifier: the last layer is `Dense(1, sigmoid)`.
#[derive(Module, Debug)]
pub struct Model {
    pub layers: Vec<Layer>,
}

/// The model plus Keras' summary of it.
pub struct Built {
    pub model: Model,
    pub summary: Summary,
}

/// Build `layers` for inputs of `maxlen` ids below `vocab_size`, checking shapes as Keras does.
pub fn build(layers: &[LayerConfig], vocab_size: usize, maxlen: usize, seed: u64, device: &Device) -> Result<Built> {
    let mut init = Init::new(seed);
    let mut shape = Shape::Ids { seq: maxlen };
    let mut built = Vec::with_capacity(layers.len());
    let mut rows = Vec::with_capacity(layers.len());
    let mut names: Vec<&'static str> = Vec::new();
    for (index, config) in layers.iter().enumerate() {
        let err = |message: String| KilnError::Layer { index: index + 1, kind: keras_name(config).into(), message };
        let (layer, out, params) = match (config, shape) {
            (LayerConfig::Embedding { output_dim }, Shape::Ids { seq }) => {
                positive(*output_dim, "output_dim").map_err(err)?;
                let layer = Embedding::new(vocab_size, *output_dim, &mut init, device);
                (Layer::Embedding(layer), Shape::Seq { seq, dim: *output_dim }, vocab_size * output_dim)
            }
            (LayerConfig::Lstm { units }, Shape::Seq { dim, .. }) => {
                positive(*units, "units").map_err(err)?;
                let layer = Lstm::new(dim, *units, &mut init, device);
                (Layer::Lstm(layer), Shape::Flat { dim: *units }, 4 * units * (dim + units + 1))
            }
            (LayerConfig::GlobalAveragePooling1d, Shape::Seq { dim, .. }) => {
                (Layer::Pool(Pool { kind: PoolKind::GlobalAverage1d }), Shape::Flat { dim }, 0)
            }
            (LayerConfig::Dense { units, activation }, Shape::Flat { dim }) => {
                positive(*units, "units").map_err(err)?;
                let layer = Dense::new(dim, *units, *activation, &mut init, device);
                (Layer::Dense(layer), Shape::Flat { dim: *units }, dim * units + units)
            }
            (config, shape) => return Err(err(expected_input(config, shape))),
        };
        let base = keras_name(config);
        let seen = names.iter().filter(|n| **n == base).count();
        names.push(base);
        let name = if seen == 0 { base.to_string() } else { format!("{base}_{seen}") };
        rows.push(SummaryRow { name, kind: base.to_string(), output_shape: out.keras(), params });
        built.push(layer);
        shape = out;
    }
    match layers.last() {
        Some(LayerConfig::Dense { units: 1, activation: Activation::Sigmoid }) => {}
        _ => {
            return Err(KilnError::Layer {
                index: layers.len(),
                kind: layers.last().map(keras_name).unwrap_or("output").into(),
                message: "a binary classifier must end with Dense(1, activation=\"sigmoid\")".into(),
            });
        }
    }
    let total: usize = rows.iter().map(|r| r.params).sum();
    let summary = Summary { rows, total_params: total, trainable_params: total, non_trainable_params: 0 };
    Ok(Built { model: Model { layers: built }, summary })
}

fn positive(value: usize, field: &str) -> std::result::Result<(), String> {
    if value == 0 { Err(format!("`{field}` must be at least 1")) } else { Ok(()) }
}

fn keras_name(config: &LayerConfig) -> &'static str {
    match config {
        LayerConfig::Embedding { .. } => "embedding",
        LayerConfig::Lstm { .. } => "lstm",
        LayerConfig::GlobalAveragePooling1d => "global_average_pooling1d",
        LayerConfig::Dense { .. } => "dense",
    }
}

fn expected_input(config: &LayerConfig, shape: Shape) -> String {
    let got = shape.keras().iter().map(|d| d.map_or("None".to_string(), |n| n.to_string())).collect::<Vec<_>>();
    let got = format!("({})", got.join(", "));
    if let Shape::Ids { .. } = shape {
        return format!("the model's input is integer ids of shape {got}: the first layer must be an Embedding");
    }
    let want = match config {
        LayerConfig::Embedding { .. } => "integer ids: Embedding must be the first layer",
        LayerConfig::Lstm { .. } | LayerConfig::GlobalAveragePooling1d => "a sequence of shape (None, steps, features)",
        LayerConfig::Dense { .. } => "a flat input of shape (None, features): add GlobalAveragePooling1D or a recurrent layer before it",
    };
    format!("expects {want}, got {got}")
}

impl Model {
    /// Logits of the sigmoid output (the last Dense without its activation).
    ///
    /// # Shapes
    /// - ids `[batch, maxlen]` → logits `[batch, 1]`
    pub fn forward_logits(&self, ids: Tensor<2, Int>) -> Tensor<2> {
        let (last, body) = self.layers.split_last().expect("built models are never empty");
        let mut x = Act::Ids(ids);
        for layer in body {
            x = layer.forward(x);
        }
        match (last, x) {
            (Layer::Dense(dense), Act::Flat(x)) => dense.linear(x),
            _ => unreachable!("build() checks that the model ends with Dense on a flat input"),
        }
    }
}

impl Layer {
    fn forward(&self, x: Act) -> Act {
        match (self, x) {
            (Layer::Embedding(l), Act::Ids(ids)) => Act::Seq(l.forward(ids)),
            (Layer::Lstm(l), Act::Seq(x)) => Act::Flat(l.forward(x)),
            (Layer::Pool(p), Act::Seq(x)) => match p.kind {
                PoolKind::GlobalAverage1d => Act::Flat(global_average_pooling_1d(x)),
            },
            (Layer::Dense(l), Act::Flat(x)) => Act::Flat(l.forward(x)),
            _ => unreachable!("build() checks every layer's input shape"),
        }
    }
}
