//! One Keras layer call (`layers.LSTM(64, return_sequences=True)`) → `LayerConfig`.
//! Argument names and defaults are Keras'; anything Kiln cannot honour is an error.

use super::args::CallArgs;
use super::draft::Draft;
use super::expr::Node;
use super::value::{Env, Value, as_call, callee_name, code_error};
use crate::dto::*;
use crate::error::Result;

/// Keras class names Kiln builds, with their aliases.
pub const LAYER_CLASSES: [&str; 22] = [
    "Embedding",
    "Dense",
    "Activation",
    "Dropout",
    "SpatialDropout1D",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "Bidirectional",
    "Conv1D",
    "Convolution1D",
    "MaxPooling1D",
    "MaxPool1D",
    "AveragePooling1D",
    "AvgPool1D",
    "GlobalMaxPooling1D",
    "GlobalMaxPool1D",
    "GlobalAveragePooling1D",
    "GlobalAvgPool1D",
    "BatchNormalization",
    "Flatten",
    "InputLayer",
];

/// A layer, or an `Input`/`InputLayer` that only gives the input length.
pub enum Read {
    Layer(LayerConfig),
    Input,
}

/// Read `node` (a layer call, or a name bound to one).
pub fn read_layer(node: &Node, env: &Env, d: &mut Draft) -> Result<Read> {
    let node = env.resolve(node);
    let Some((callee, args)) = as_call(node) else {
        return Err(code_error(node.pos, format!("expected a layer such as `layers.Dense(1)`, found `{}`", node.text)));
    };
    let class = callee_name(callee).unwrap_or("?");
    let mut a = CallArgs::new(class, node.pos, args, env);
    for ignored in ["name", "dtype"] {
        a.skip(ignored)?;
    }
    if class != "Embedding" {
        a.only_default("trainable", Value::Bool(true))?;
        if let Some(arg) = a.skip("input_dim")? {
            d.note(arg.pos, format!("`input_dim` of {class} is ignored: the input comes from the layer before"));
        }
    }
    for shape_arg in ["input_shape", "batch_input_shape", "shape"] {
        if let Some(arg) = a.skip(shape_arg)? {
            d.input_shape(&arg.value, env, shape_arg == "batch_input_shape");
        }
    }
    let layer = match class {
        "Input" | "InputLayer" => {
            a.skip("sparse")?;
            a.finish()?;
            return Ok(Read::Input);
        }
        "Embedding" => embedding(&mut a, d)?,
        "Dense" => {
            let units = dense_units(&mut a, d)?;
            LayerConfig::Dense(DenseConfig {
                units,
                activation: a.activation(Some(1), "activation")?.unwrap_or_default(),
            })
        }
        "Activation" => {
            let activation = a.activation(Some(0), "activation")?;
            LayerConfig::Activation(ActivationConfig {
                activation: activation
                    .ok_or_else(|| code_error(node.pos, "Activation() needs an activation, e.g. Activation('relu')"))?,
            })
        }
        "Dropout" | "SpatialDropout1D" => {
            a.skip("seed")?;
            if let Some(arg) = a.skip("noise_shape")? {
                d.note(arg.pos, "`noise_shape` is ignored");
            }
            let rate = a.f64_in(Some(0), "rate", |r| (0.0..1.0).contains(&r), "a number in [0, 1)")?;
            let rate =
                rate.ok_or_else(|| code_error(node.pos, format!("{class}() needs a rate, e.g. {class}(0.2)")))?;
            match class {
                "Dropout" => LayerConfig::Dropout(DropoutConfig { rate }),
                _ => LayerConfig::SpatialDropout1d(DropoutConfig { rate }),
            }
        }
        "SimpleRNN" | "LSTM" | "GRU" => recurrent(class, &mut a, d)?,
        "Bidirectional" => {
            let (inner_node, _) = a
                .value(Some(0), "layer")?
                .ok_or_else(|| code_error(node.pos, "Bidirectional() needs a layer, e.g. Bidirectional(LSTM(64))"))?;
            let inner = match read_layer(inner_node, env, d)? {
                Read::Layer(l @ (LayerConfig::Lstm(_) | LayerConfig::Gru(_) | LayerConfig::SimpleRnn(_))) => l,
                _ => return Err(code_error(inner_node.pos, "Bidirectional wraps a SimpleRNN, LSTM or GRU")),
            };
            let mode = a.choice(Some(1), "merge_mode", &["concat", "sum", "ave", "mul"])?;
            let merge_mode = match mode.as_deref() {
                Some("sum") => MergeMode::Sum,
                Some("ave") => MergeMode::Ave,
                Some("mul") => MergeMode::Mul,
                _ => MergeMode::Concat,
            };
            LayerConfig::Bidirectional(BidirectionalConfig { layer: Box::new(inner), merge_mode })
        }
        "Conv1D" | "Convolution1D" => conv1d(&mut a, node)?,
        "MaxPooling1D" | "MaxPool1D" | "AveragePooling1D" | "AvgPool1D" => {
            a.only_default("data_format", Value::Str("channels_last".into()))?;
            let pool = Pooling1dConfig {
                pool_size: a.usize_or_1tuple(Some(0), "pool_size")?.unwrap_or(2),
                strides: a.usize_or_1tuple(Some(1), "strides")?,
                padding: match a.choice(Some(2), "padding", &["valid", "same"])?.as_deref() {
                    Some("same") => PoolPadding::Same,
                    _ => PoolPadding::Valid,
                },
            };
            if class.starts_with("Max") { LayerConfig::MaxPooling1d(pool) } else { LayerConfig::AveragePooling1d(pool) }
        }
        "GlobalMaxPooling1D" | "GlobalMaxPool1D" | "GlobalAveragePooling1D" | "GlobalAvgPool1D" => {
            a.only_default("data_format", Value::Str("channels_last".into()))?;
            a.only_default("keepdims", Value::Bool(false))?;
            if class.starts_with("GlobalMax") {
                LayerConfig::global_max_pooling1d()
            } else {
                LayerConfig::global_average_pooling1d()
            }
        }
        "BatchNormalization" => {
            a.only_default("axis", Value::Int(-1))?;
            a.only_default("center", Value::Bool(true))?;
            a.only_default("scale", Value::Bool(true))?;
            LayerConfig::BatchNormalization(BatchNormalizationConfig {
                momentum: a
                    .f64_in(None, "momentum", |m| (0.0..1.0).contains(&m), "a number in [0, 1)")?
                    .unwrap_or(0.99),
                epsilon: a.f64_in(None, "epsilon", |e| e > 0.0, "a positive number")?.unwrap_or(1e-3),
            })
        }
        "Flatten" => {
            a.only_default("data_format", Value::Str("channels_last".into()))?;
            LayerConfig::flatten()
        }
        _ => {
            return Err(code_error(
                callee.pos,
                format!("unknown layer `{class}` (Kiln has: {})", LAYER_CLASSES.join(", ")),
            ));
        }
    };
    a.finish()?;
    Ok(Read::Layer(layer))
}

fn embedding(a: &mut CallArgs, d: &mut Draft) -> Result<LayerConfig> {
    let input_dim = match a.value(Some(0), "input_dim")? {
        None => return Err(code_error(a.pos, "Embedding() needs input_dim and output_dim, e.g. Embedding(10000, 32)")),
        Some((_, Some(Value::Int(n)))) if n >= 2 => Some(n as usize),
        Some((node, Some(v))) => {
            return Err(code_error(
                node.pos,
                format!("`input_dim` of Embedding must be a whole number ≥ 2, got {}", v.show()),
            ));
        }
        Some((node, None)) => {
            d.note(
                node.pos,
                format!(
                    "Embedding input_dim {} is not a constant Kiln can work out: it uses num_words",
                    a.env.describe(node)
                ),
            );
            None
        }
    };
    let output_dim =
        a.usize(Some(1), "output_dim")?.ok_or_else(|| code_error(a.pos, "Embedding() needs output_dim"))?;
    if let Some((node, v)) = a.value(None, "input_length")? {
        match v {
            Some(Value::Int(n)) if n > 0 => d.set_input_maxlen(n as usize),
            _ => d.note(node.pos, format!("input_length {} is not a constant Kiln can work out", a.env.describe(node))),
        }
    }
    let trainable = a.bool(None, "trainable")?.unwrap_or(true);
    // Seeds 003/004 start the Embedding from word vectors (`weights=[m]`, `Constant(m)`):
    // Kiln's are the page's own word2vec, trained under Word vectors.
    let pretrained = |arg: &str| format!("Embedding `{arg}=…` (pretrained vectors): the rows start from the word2vec vectors trained in the page (Word vectors panel)");
    let mut embeddings_initializer = EmbeddingInit::Uniform;
    if let Some(w) = a.skip("weights")? {
        embeddings_initializer = EmbeddingInit::Word2vec;
        d.note(w.pos, pretrained("weights"));
    }
    match a.value(None, "embeddings_initializer")? {
        None => {}
        Some((_, Some(Value::Str(s)))) if s == "uniform" => {}
        Some((node, _)) => {
            embeddings_initializer = EmbeddingInit::Word2vec;
            d.note(node.pos, pretrained("embeddings_initializer"));
        }
    }
    if let Some(m) = a.skip("mask_zero")? {
        d.note(m.pos, "`mask_zero` is ignored: Kiln does not mask padding");
    }
    if let Some(r) = a.skip("embeddings_regularizer")? {
        return Err(code_error(r.pos, "Kiln has no embeddings_regularizer"));
    }
    Ok(LayerConfig::Embedding(EmbeddingConfig { output_dim, input_dim, trainable, embeddings_initializer }))
}

/// `Dense(units)`; an output layer sized by the data (`len(labels_index)`) gets Kiln's classes.
fn dense_units(a: &mut CallArgs, d: &mut Draft) -> Result<usize> {
    let units = a.value(Some(0), "units")?;
    match units {
        None => Err(code_error(a.pos, "Dense() needs units, e.g. Dense(1, activation='sigmoid')")),
        Some((_, Some(Value::Int(n)))) if n > 0 => Ok(n as usize),
        Some((node, None)) => {
            let softmax = matches!(a.activation(Some(1), "activation")?, Some(Activation::Softmax));
            let classes = if softmax { 2 } else { 1 };
            d.note(
                node.pos,
                format!(
                    "Dense units {} is not a constant: Kiln's reviews have 2 classes, so it uses {classes}",
                    a.env.describe(node)
                ),
            );
            Ok(classes)
        }
        Some((node, Some(v))) => {
            Err(code_error(node.pos, format!("`units` of Dense must be a positive whole number, got {}", v.show())))
        }
    }
}

fn recurrent(class: &str, a: &mut CallArgs, d: &mut Draft) -> Result<LayerConfig> {
    let units = a
        .usize(Some(0), "units")?
        .ok_or_else(|| code_error(a.pos, format!("{class}() needs units, e.g. {class}(64)")))?;
    let unit_interval = |r: f64| (0.0..1.0).contains(&r);
    let config = RecurrentConfig {
        units,
        activation: a.activation(None, "activation")?.unwrap_or(Activation::Tanh),
        return_sequences: a.bool(None, "return_sequences")?.unwrap_or(false),
        dropout: a.f64_in(None, "dropout", unit_interval, "a number in [0, 1)")?.unwrap_or(0.0),
        recurrent_dropout: a.f64_in(None, "recurrent_dropout", unit_interval, "a number in [0, 1)")?.unwrap_or(0.0),
    };
    if class != "SimpleRNN" {
        a.only_default("recurrent_activation", Value::Str("sigmoid".into()))?;
    }
    a.only_default("use_bias", Value::Bool(true))?;
    a.only_default("return_state", Value::Bool(false))?;
    a.only_default("go_backwards", Value::Bool(false))?;
    a.only_default("stateful", Value::Bool(false))?;
    if class == "LSTM" {
        a.only_default("unit_forget_bias", Value::Bool(true))?;
    }
    if class == "GRU" {
        a.only_default("reset_after", Value::Bool(true))?;
    }
    for quiet in ["unroll", "implementation", "seed"] {
        a.skip(quiet)?;
    }
    for init in ["kernel_initializer", "recurrent_initializer", "bias_initializer"] {
        if let Some(arg) = a.skip(init)? {
            d.note(arg.pos, format!("`{init}` is ignored: Kiln uses Keras' default initialisers"));
        }
    }
    Ok(match class {
        "SimpleRNN" => LayerConfig::SimpleRnn(config),
        "LSTM" => LayerConfig::Lstm(config),
        _ => LayerConfig::Gru(config),
    })
}

fn conv1d(a: &mut CallArgs, node: &Node) -> Result<LayerConfig> {
    let filters = a
        .usize(Some(0), "filters")?
        .ok_or_else(|| code_error(node.pos, "Conv1D() needs filters and kernel_size, e.g. Conv1D(32, 3)"))?;
    let kernel_size =
        a.usize_or_1tuple(Some(1), "kernel_size")?.ok_or_else(|| code_error(node.pos, "Conv1D() needs kernel_size"))?;
    let strides = a.usize_or_1tuple(Some(2), "strides")?.unwrap_or(1);
    let padding = match a.choice(Some(3), "padding", &["valid", "same", "causal"])?.as_deref() {
        Some("same") => ConvPadding::Same,
        Some("causal") => ConvPadding::Causal,
        _ => ConvPadding::Valid,
    };
    a.only_default("data_format", Value::Str("channels_last".into()))?;
    let dilation_rate = a.usize_or_1tuple(Some(5), "dilation_rate")?.unwrap_or(1);
    if strides > 1 && dilation_rate > 1 {
        return Err(code_error(node.pos, "Conv1D: Keras does not allow strides > 1 together with dilation_rate > 1"));
    }
    let activation = a.activation(Some(6), "activation")?.unwrap_or_default();
    a.only_default("use_bias", Value::Bool(true))?;
    a.only_default("groups", Value::Int(1))?;
    Ok(LayerConfig::Conv1d(Conv1dConfig { filters, kernel_size, strides, padding, dilation_rate, activation }))
}
