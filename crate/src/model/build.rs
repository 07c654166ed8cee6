//! From a layer list to a model: Keras' shape checks, parameter counts and summary.

use burn::prelude::*;

use super::{
    BatchNorm, Bidirectional, Cell, Conv1d, Dense, Embedding, Init, Layer, Model, Op, Recurrent, Stateless, conv_output_len,
    pool_output_len,
};
use crate::dto::{Activation, LayerConfig, MergeMode, RecurrentConfig, Summary, SummaryRow};
use crate::error::{KilnError, Result};

/// Parameters a model may have: 400 MB of float32 weights, as much again for the gradients and
/// twice that for Adam's moments, within wasm32's 4 GiB.
pub const MAX_PARAMS: usize = 100_000_000;

/// What flows between layers (batch dimension implied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dims {
    Ids { seq: usize },
    Seq { seq: usize, dim: usize },
    Flat { dim: usize },
}

impl Dims {
    fn keras(self) -> Vec<Option<usize>> {
        match self {
            Dims::Ids { seq } => vec![None, Some(seq)],
            Dims::Seq { seq, dim } => vec![None, Some(seq), Some(dim)],
            Dims::Flat { dim } => vec![None, Some(dim)],
        }
    }

    fn show(self) -> String {
        let dims: Vec<String> = self.keras().iter().map(|d| d.map_or("None".into(), |n| n.to_string())).collect();
        format!("({})", dims.join(", "))
    }
}

/// The model's output: what the loss takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// `Dense(units, sigmoid)`: binary (units = 1).
    Sigmoid { units: usize },
    /// `Dense(classes, softmax)`.
    Softmax { classes: usize },
}

/// The model plus Keras' summary of it.
pub struct Built {
    pub model: Model,
    pub summary: Summary,
    pub head: Head,
}

/// One layer's result: the module, its output shape, trainable and frozen parameters.
struct Step {
    layer: Option<Layer>,
    out: Dims,
    trainable: usize,
    frozen: usize,
}

/// Build `layers` for inputs of `maxlen` ids below `vocab_size`, checking shapes as Keras does.
pub fn build(layers: &[LayerConfig], vocab_size: usize, maxlen: usize, seed: u64, device: &Device) -> Result<Built> {
    // Shapes and sizes first, so a model too large to allocate is refused before any weight is.
    let (_, summary, _, _) = walk(layers, vocab_size, maxlen, &mut None)?;
    check_size(layers, &summary)?;
    let mut init = Init::new(seed);
    let (built, summary, head, skip_tail) = walk(layers, vocab_size, maxlen, &mut Some((&mut init, device)))?;
    let layers = built.into_iter().flatten().collect();
    Ok(Built { model: Model { layers, skip_tail }, summary, head })
}

/// Keras' `model.summary()` and the output head without allocating any weights
/// (the page asks on every edit; an Embedding can be large).
pub fn summarize(layers: &[LayerConfig], vocab_size: usize, maxlen: usize) -> Result<(Summary, Head)> {
    let (_, summary, head, _) = walk(layers, vocab_size, maxlen, &mut None)?;
    Ok((summary, head))
}

/// The first layer that takes the model past `MAX_PARAMS` (the summary still counts any size).
fn check_size(layers: &[LayerConfig], summary: &Summary) -> Result<()> {
    let mut total = 0usize;
    for (index, (row, config)) in summary.rows.iter().zip(layers).enumerate() {
        total = total.saturating_add(row.params);
        if total > MAX_PARAMS {
            return Err(KilnError::Layer {
                index: index + 1,
                kind: config.class_name().into(),
                message: format!(
                    "brings the model to {total} parameters; Kiln trains at most {MAX_PARAMS} in the browser (weights, \
                     gradients and optimizer state must fit in its memory): make this layer smaller"
                ),
            });
        }
    }
    Ok(())
}

/// Where modules are made: `None` only checks shapes and counts parameters.
type Maker<'a> = Option<(&'a mut Init, &'a Device)>;

fn make(maker: &mut Maker, f: impl FnOnce(&mut Init, &Device) -> Layer) -> Option<Layer> {
    maker.as_mut().map(|(init, device)| f(init, device))
}

fn walk(layers: &[LayerConfig], vocab_size: usize, maxlen: usize, maker: &mut Maker) -> Result<(Vec<Option<Layer>>, Summary, Head, usize)> {
    if layers.is_empty() {
        return Err(KilnError::config("layers", "the model has no layers"));
    }
    let mut shape = Dims::Ids { seq: maxlen };
    let mut built = Vec::with_capacity(layers.len());
    let mut rows: Vec<SummaryRow> = Vec::with_capacity(layers.len());
    let (mut trainable, mut frozen) = (0usize, 0usize);
    for (index, config) in layers.iter().enumerate() {
        let step = layer(config, shape, vocab_size, maker).map_err(|message| KilnError::Layer {
            index: index + 1,
            kind: config.class_name().into(),
            message,
        })?;
        let base = config.keras_name();
        let seen = layers[..index].iter().filter(|c| c.keras_name() == base).count();
        let name = if seen == 0 { base.to_string() } else { format!("{base}_{seen}") };
        rows.push(SummaryRow {
            name,
            kind: config.class_name().into(),
            output_shape: step.out.keras(),
            params: step.trainable + step.frozen,
        });
        trainable = trainable.saturating_add(step.trainable);
        frozen = frozen.saturating_add(step.frozen);
        built.push(step.layer);
        shape = step.out;
    }
    let (head, skip_tail) = head(layers, shape)?;
    let summary = Summary { rows, total_params: trainable + frozen, trainable_params: trainable, non_trainable_params: frozen };
    Ok((built, summary, head, skip_tail))
}

fn layer(config: &LayerConfig, shape: Dims, vocab_size: usize, maker: &mut Maker) -> std::result::Result<Step, String> {
    use LayerConfig as L;
    use Dims::*;
    let stateless = |op: Op, out: Dims| Step { layer: Some(Layer::Stateless(Stateless { op })), out, trainable: 0, frozen: 0 };
    let learned = |layer: Option<Layer>, out: Dims, params: usize| Step { layer, out, trainable: params, frozen: 0 };
    Ok(match (config, shape) {
        (L::Embedding(c), Ids { seq }) => {
            positive(c.output_dim, "output_dim")?;
            let input_dim = c.input_dim.unwrap_or(vocab_size);
            if input_dim < vocab_size {
                return Err(format!(
                    "input_dim {input_dim} is smaller than num_words {vocab_size}: word ids up to {} would fall outside the table",
                    vocab_size - 1
                ));
            }
            let params = input_dim.saturating_mul(c.output_dim);
            let layer = make(maker, |init, device| Layer::Embedding(Embedding::new(input_dim, c.output_dim, c.trainable, init, device)));
            let out = Seq { seq, dim: c.output_dim };
            if c.trainable { learned(layer, out, params) } else { Step { layer, out, trainable: 0, frozen: params } }
        }
        (L::Dense(c), Flat { dim } | Seq { dim, .. }) => {
            positive(c.units, "units")?;
            let out = match shape {
                Seq { seq, .. } => Seq { seq, dim: c.units },
                _ => Flat { dim: c.units },
            };
            let layer = make(maker, |init, device| Layer::Dense(Dense::new(dim, c.units, c.activation, init, device)));
            learned(layer, out, dim.saturating_mul(c.units).saturating_add(c.units))
        }
        (L::Activation(c), Seq { .. } | Flat { .. }) => stateless(Op::Activation(c.activation), shape),
        (L::Dropout(c), Seq { .. } | Flat { .. }) => {
            rate(c.rate, "rate")?;
            stateless(Op::Dropout(c.rate), shape)
        }
        (L::SpatialDropout1d(c), Seq { .. }) => {
            rate(c.rate, "rate")?;
            stateless(Op::SpatialDropout1d(c.rate), shape)
        }
        (L::SimpleRnn(c) | L::Lstm(c) | L::Gru(c), Seq { seq, dim }) => {
            let cell = cell(config).expect("a recurrent layer");
            check_recurrent(c)?;
            let out = if c.return_sequences { Seq { seq, dim: c.units } } else { Flat { dim: c.units } };
            let layer = make(maker, |init, device| Layer::Recurrent(Recurrent::new(cell, c, dim, init, device)));
            learned(layer, out, cell.params(dim, c.units))
        }
        (L::Bidirectional(b), Seq { seq, dim }) => {
            let (Some(cell), L::SimpleRnn(c) | L::Lstm(c) | L::Gru(c)) = (cell(&b.layer), b.layer.as_ref()) else {
                return Err(format!("wraps {}: Bidirectional takes SimpleRNN, LSTM or GRU", b.layer.class_name()));
            };
            check_recurrent(c)?;
            let units = if b.merge_mode == MergeMode::Concat { c.units.saturating_mul(2) } else { c.units };
            let out = if c.return_sequences { Seq { seq, dim: units } } else { Flat { dim: units } };
            let layer = make(maker, |init, device| Layer::Bidirectional(Bidirectional::new(cell, c, b.merge_mode, dim, init, device)));
            learned(layer, out, cell.params(dim, c.units).saturating_mul(2))
        }
        (L::Conv1d(c), Seq { seq, dim }) => {
            positive(c.filters, "filters")?;
            positive(c.kernel_size, "kernel_size")?;
            positive(c.strides, "strides")?;
            positive(c.dilation_rate, "dilation_rate")?;
            if c.strides > 1 && c.dilation_rate > 1 {
                return Err("`strides` > 1 and `dilation_rate` > 1 cannot be combined (Keras raises the same error)".into());
            }
            let steps = conv_output_len(seq, c).ok_or_else(|| {
                format!(
                    "kernel_size {} (dilation {}) is longer than the {seq} steps of its input {}: Keras fails with a negative dimension",
                    c.kernel_size,
                    c.dilation_rate,
                    shape.show()
                )
            })?;
            let params = c.kernel_size.saturating_mul(dim).saturating_mul(c.filters).saturating_add(c.filters);
            let layer = make(maker, |init, device| Layer::Conv1d(Conv1d::new(c, dim, init, device)));
            learned(layer, Seq { seq: steps, dim: c.filters }, params)
        }
        (L::MaxPooling1d(p) | L::AveragePooling1d(p), Seq { seq, dim }) => {
            positive(p.pool_size, "pool_size")?;
            positive(p.strides.unwrap_or(1), "strides")?;
            let steps = pool_output_len(seq, p).ok_or_else(|| {
                format!("pool_size {} is longer than the {seq} steps of its input {}", p.pool_size, shape.show())
            })?;
            let op = if matches!(config, L::MaxPooling1d(_)) { Op::MaxPooling1d(p.clone()) } else { Op::AveragePooling1d(p.clone()) };
            stateless(op, Seq { seq: steps, dim })
        }
        (L::GlobalMaxPooling1d(_), Seq { dim, .. }) => stateless(Op::GlobalMaxPooling1d, Flat { dim }),
        (L::GlobalAveragePooling1d(_), Seq { dim, .. }) => stateless(Op::GlobalAveragePooling1d, Flat { dim }),
        (L::BatchNormalization(c), Seq { dim, .. } | Flat { dim }) => {
            if !(c.epsilon.is_finite() && c.epsilon > 0.0) {
                return Err("`epsilon` must be a positive number".into());
            }
            if !(0.0..1.0).contains(&c.momentum) {
                return Err("`momentum` must be in [0, 1)".into());
            }
            let layer = make(maker, |_, device| Layer::BatchNorm(BatchNorm::new(c, dim, device)));
            Step { layer, out: shape, trainable: dim.saturating_mul(2), frozen: dim.saturating_mul(2) }
        }
        (L::Flatten(_), Seq { seq, dim }) => stateless(Op::Flatten, Flat { dim: seq.saturating_mul(dim) }),
        (L::Flatten(_), Flat { .. }) => stateless(Op::Flatten, shape),
        (config, shape) => return Err(expected_input(config, shape)),
    })
}

fn cell(config: &LayerConfig) -> Option<Cell> {
    match config {
        LayerConfig::SimpleRnn(_) => Some(Cell::SimpleRnn),
        LayerConfig::Lstm(_) => Some(Cell::Lstm),
        LayerConfig::Gru(_) => Some(Cell::Gru),
        _ => None,
    }
}

fn check_recurrent(c: &RecurrentConfig) -> std::result::Result<(), String> {
    positive(c.units, "units")?;
    rate(c.dropout, "dropout")?;
    rate(c.recurrent_dropout, "recurrent_dropout")
}

fn positive(value: usize, field: &str) -> std::result::Result<(), String> {
    if value == 0 { Err(format!("`{field}` must be at least 1")) } else { Ok(()) }
}

fn rate(value: f64, field: &str) -> std::result::Result<(), String> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!("`{field}` must be in [0, 1), got {value}"))
    }
}

/// The classifier head: a final sigmoid or softmax on a flat output.
fn head(layers: &[LayerConfig], shape: Dims) -> Result<(Head, usize)> {
    let index = layers.len();
    let last = &layers[index - 1];
    let err = |message: String| KilnError::Layer { index, kind: last.class_name().into(), message };
    let Dims::Flat { dim } = shape else {
        return Err(err(format!(
            "the model's output {} is a sequence: end with a flat output, e.g. GlobalMaxPooling1D, Flatten, or return_sequences=False",
            shape.show()
        )));
    };
    let (activation, skip_tail) = match last {
        LayerConfig::Dense(d) => (d.activation, 0),
        LayerConfig::Activation(a) if index >= 2 => (a.activation, 1),
        _ => (Activation::Linear, 0),
    };
    match activation {
        Activation::Sigmoid if dim == 1 => Ok((Head::Sigmoid { units: 1 }, skip_tail)),
        Activation::Sigmoid => Err(err(format!(
            "a sigmoid output has {dim} units: two classes take Dense(1, activation=\"sigmoid\"), more take Dense(n, activation=\"softmax\")"
        ))),
        Activation::Softmax if dim >= 2 => Ok((Head::Softmax { classes: dim }, skip_tail)),
        Activation::Softmax => Err(err("a softmax over 1 unit is always 1: use Dense(1, activation=\"sigmoid\") for two classes".into())),
        _ => Err(err(
            "a classifier must end with Dense(1, activation=\"sigmoid\") (two classes) or Dense(n, activation=\"softmax\") (n classes)".into(),
        )),
    }
}

fn expected_input(config: &LayerConfig, shape: Dims) -> String {
    let got = shape.show();
    if let Dims::Ids { .. } = shape {
        return format!("the model's input is integer ids of shape {got}: the first layer must be an Embedding");
    }
    let want = match config {
        LayerConfig::Embedding(_) => "integer ids: Embedding must be the first layer".to_string(),
        LayerConfig::Dense(_) | LayerConfig::Activation(_) | LayerConfig::Dropout(_) | LayerConfig::BatchNormalization(_) => {
            "a sequence or a flat input".to_string()
        }
        _ => format!(
            "a sequence of shape (None, steps, features){}",
            if matches!(shape, Dims::Flat { .. }) {
                ": the layer before it returns a flat vector (set return_sequences=True on a recurrent layer, or remove the pooling)"
            } else {
                ""
            }
        ),
    };
    format!("expects {want}, got {got}")
}
