//! The TF.js export: `model.json` in the Layers format (`modelTopology`: the Keras 2
//! `Sequential` JSON that `tf.loadLayersModel` reads, `weightsManifest`: one group with every
//! array by TF.js' weight name) and `group1-shard1of1.bin` (the float32 values, little-endian).
//! TF.js' recurrent layers default to `hard_sigmoid`, so Keras' `sigmoid` is written out; its
//! GRU has no `reset_after=True` (Keras 3's GRU, and Kiln's), so a GRU is refused; a Flatten of
//! an already flat tensor (Keras' no-op) becomes a linear Activation, which TF.js accepts.

use serde_json::{Value, json};

use super::{Export, check_weights, json as to_json, layer_names, zip_files};
use crate::dto::{ConvPadding, LayerConfig, MergeMode, PoolPadding, RecurrentConfig};
use crate::error::{KilnError, Result};

pub const SHARD: &str = "group1-shard1of1.bin";

fn name_of<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn recurrent(class: &str, r: &RecurrentConfig, name: &str) -> Value {
    let mut config = json!({
        "name": name, "trainable": true, "dtype": "float32", "units": r.units,
        "activation": r.activation.name(), "use_bias": true, "return_sequences": r.return_sequences,
        "return_state": false, "go_backwards": false, "stateful": false, "unroll": false,
        "dropout": r.dropout, "recurrent_dropout": r.recurrent_dropout,
    });
    if class == "LSTM" {
        config["recurrent_activation"] = json!("sigmoid");
        config["unit_forget_bias"] = json!(true);
    }
    json!({"class_name": class, "config": config})
}

/// The rank of a layer's output (batch included) given its input's: Keras' Flatten of a
/// `(batch, n)` tensor is a no-op that TF.js refuses (it wants rank 3 or more).
fn output_rank(layer: &LayerConfig, rank: usize) -> usize {
    match layer {
        LayerConfig::Embedding(_) => rank + 1,
        LayerConfig::SimpleRnn(r) | LayerConfig::Lstm(r) | LayerConfig::Gru(r) => {
            if r.return_sequences { 3 } else { 2 }
        }
        LayerConfig::Bidirectional(b) => output_rank(&b.layer, rank),
        LayerConfig::GlobalMaxPooling1d(_) | LayerConfig::GlobalAveragePooling1d(_) | LayerConfig::Flatten(_) => 2,
        LayerConfig::Dense(_)
        | LayerConfig::Activation(_)
        | LayerConfig::Dropout(_)
        | LayerConfig::SpatialDropout1d(_)
        | LayerConfig::Conv1d(_)
        | LayerConfig::MaxPooling1d(_)
        | LayerConfig::AveragePooling1d(_)
        | LayerConfig::BatchNormalization(_) => rank,
    }
}

/// One layer's `{"class_name", "config"}` as Keras 2's `model.to_json()` writes it; `rank`
/// is its input's.
fn layer_json(index: usize, layer: &LayerConfig, name: &str, inner: Option<&str>, rank: usize) -> Result<Value> {
    let refuse = |why: &str| {
        Err(KilnError::Export(format!("TF.js cannot load layer {index} ({}): {why}", layer.class_name())))
    };
    let class = layer.class_name();
    let config = match layer {
        LayerConfig::Embedding(e) => json!({
            "name": name, "trainable": e.trainable, "dtype": "float32", "input_dim": e.input_dim,
            "output_dim": e.output_dim, "mask_zero": false,
        }),
        LayerConfig::Dense(d) => json!({
            "name": name, "trainable": true, "dtype": "float32", "units": d.units,
            "activation": d.activation.name(), "use_bias": true,
        }),
        LayerConfig::Activation(a) => json!({"name": name, "trainable": true, "dtype": "float32", "activation": a.activation.name()}),
        LayerConfig::Dropout(d) | LayerConfig::SpatialDropout1d(d) => {
            json!({"name": name, "trainable": true, "dtype": "float32", "rate": d.rate})
        }
        LayerConfig::SimpleRnn(r) | LayerConfig::Lstm(r) => return Ok(recurrent(class, r, name)),
        LayerConfig::Gru(_) => {
            return refuse("TF.js' GRU has no reset_after=True, the GRU Kiln trains (Keras 3's default); export to Keras instead, or use an LSTM");
        }
        LayerConfig::Bidirectional(b) => {
            let inner_name = inner.unwrap_or("rnn");
            let wrapped = match b.layer.as_ref() {
                LayerConfig::SimpleRnn(r) => recurrent("SimpleRNN", r, inner_name),
                LayerConfig::Lstm(r) => recurrent("LSTM", r, inner_name),
                LayerConfig::Gru(_) => {
                    return refuse("it wraps a GRU, and TF.js' GRU has no reset_after=True, the GRU Kiln trains (Keras 3's default); export to Keras instead, or use an LSTM");
                }
                other => return refuse(&format!("it wraps a {}", other.class_name())),
            };
            let mode = match b.merge_mode {
                MergeMode::Concat => "concat",
                MergeMode::Sum => "sum",
                MergeMode::Ave => "ave",
                MergeMode::Mul => "mul",
            };
            json!({"name": name, "trainable": true, "dtype": "float32", "layer": wrapped, "merge_mode": mode})
        }
        LayerConfig::Conv1d(c) => json!({
            "name": name, "trainable": true, "dtype": "float32", "filters": c.filters,
            "kernel_size": [c.kernel_size], "strides": [c.strides], "padding": name_of::<ConvPadding>(c.padding),
            "dilation_rate": [c.dilation_rate], "activation": c.activation.name(), "use_bias": true,
        }),
        LayerConfig::MaxPooling1d(p) | LayerConfig::AveragePooling1d(p) => json!({
            "name": name, "trainable": true, "dtype": "float32", "pool_size": [p.pool_size],
            "strides": [p.strides.unwrap_or(p.pool_size)], "padding": name_of::<PoolPadding>(p.padding),
        }),
        // Flatten of `(batch, n)` does nothing: a linear Activation keeps the layer and its name.
        LayerConfig::Flatten(_) if rank <= 2 => {
            return Ok(json!({"class_name": "Activation", "config": {"name": name, "trainable": true, "dtype": "float32", "activation": "linear"}}));
        }
        LayerConfig::GlobalMaxPooling1d(_) | LayerConfig::GlobalAveragePooling1d(_) | LayerConfig::Flatten(_) => {
            json!({"name": name, "trainable": true, "dtype": "float32"})
        }
        LayerConfig::BatchNormalization(b) => json!({
            "name": name, "trainable": true, "dtype": "float32", "axis": -1, "momentum": b.momentum,
            "epsilon": b.epsilon, "center": true, "scale": true,
        }),
    };
    Ok(json!({"class_name": class, "config": config}))
}

/// `model.json` and the weight shard.
pub fn tfjs_files(e: &Export) -> Result<(Value, Vec<u8>)> {
    check_weights(e)?;
    let names = layer_names(&e.config.layers);
    let mut layers = Vec::new();
    let mut specs = Vec::new();
    let mut bin = Vec::new();
    let mut rank = 2; // [batch, maxlen]
    for (index, ((layer, (name, inner)), weights)) in e.config.layers.iter().zip(&names).zip(e.weights).enumerate() {
        let mut value = layer_json(index, layer, name, inner.as_deref(), rank)?;
        rank = output_rank(layer, rank);
        if let (LayerConfig::Embedding(_), Some(w)) = (layer, weights.weights.first()) {
            value["config"]["input_dim"] = json!(w.shape.first());
        }
        if index == 0 {
            value["config"]["batch_input_shape"] = json!([null, e.config.maxlen]);
        }
        layers.push(value);
        for w in &weights.weights {
            // TF.js names: `{layer}/{weight}`; a Bidirectional's `{layer}/forward_{inner}/{weight}`.
            let tf_name = match (inner, w.name.split_once('_')) {
                (Some(inner), Some((side @ ("forward" | "backward"), rest))) => format!("{name}/{side}_{inner}/{rest}"),
                _ => format!("{name}/{}", w.name),
            };
            specs.push(json!({"name": tf_name, "shape": w.shape, "dtype": "float32"}));
            w.values.iter().for_each(|v| bin.extend_from_slice(&v.to_le_bytes()));
        }
    }
    let model = json!({
        "format": "layers-model",
        "generatedBy": "Kiln",
        "convertedBy": null,
        "modelTopology": {
            "class_name": "Sequential",
            "config": {"name": "sequential", "layers": layers},
            "keras_version": "2.15.0",
            "backend": "tensorflow",
        },
        "weightsManifest": [{"paths": [SHARD], "weights": specs}],
    });
    Ok((model, bin))
}

/// The TF.js zip: `model.json`, the shard, `expected.json` (Kiln's probabilities for the first
/// test reviews) and `tokenizer.json` when there is one.
pub fn tfjs_zip(e: &Export) -> Result<Vec<u8>> {
    let (model, bin) = tfjs_files(e)?;
    let mut files = vec![
        ("model.json".to_string(), to_json(&model)?),
        (SHARD.to_string(), bin),
        ("expected.json".to_string(), to_json(&e.expected)?),
    ];
    if let Ok(tokenizer) = &e.tokenizer {
        files.push(("tokenizer.json".to_string(), tokenizer.clone().into_bytes()));
    }
    zip_files(&files)
}
