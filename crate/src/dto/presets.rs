//! The seed notebooks' models, with their hyper-parameters and reported accuracy.

use serde::{Deserialize, Serialize};

use super::layers::{Activation::*, LayerConfig as L};
use super::run::{DatasetName, Loss, OptimizerConfig, Padding, RunConfig};
use super::{EarlyStopping, Mode, Monitor, TextConfig};

mod seeds_000_001;
mod seeds_002_004;
mod zoo;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub name: String,
    pub title: String,
    /// Which notebook (or peer job) it comes from, in words.
    pub source: String,
    /// The test accuracy the notebook printed (its own data and split).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_accuracy: Option<f64>,
    /// Keras 3 on Kiln's benchmark split (`../shared/peers/keras`), where measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keras_accuracy: Option<f64>,
    pub config: RunConfig,
}

/// Old names kept working in URLs and scripts.
pub const ALIASES: [(&str, &str); 2] = [("lstm", "m1_lstm"), ("pooled", "m4_pooled")];

/// A run on the IMDB benchmark split with adam, binary cross-entropy and the test set as validation.
pub fn imdb(
    model: &str,
    layers: Vec<L>,
    num_words: usize,
    maxlen: usize,
    batch_size: usize,
    epochs: usize,
) -> RunConfig {
    RunConfig {
        data: DatasetName::Imdb20k,
        model: model.to_string(),
        layers,
        num_words,
        maxlen,
        padding: Padding::Pre,
        truncating: Padding::Pre,
        batch_size,
        epochs,
        optimizer: OptimizerConfig::Adam { learning_rate: 1e-3 },
        loss: Loss::BinaryCrossentropy,
        clipnorm: None,
        clipvalue: None,
        validation_split: 0.0,
        test_split: 0.2,
        shuffle: true,
        text: TextConfig::default(),
        class_weight: None,
        early_stopping: None,
        checkpoint: None,
        reduce_lr: None,
        seed: 1234,
    }
}

fn preset(
    name: &str,
    title: &str,
    source: &str,
    notebook: Option<f64>,
    keras: Option<f64>,
    config: RunConfig,
) -> Preset {
    Preset {
        name: name.into(),
        title: title.into(),
        source: source.into(),
        notebook_accuracy: notebook,
        keras_accuracy: keras,
        config,
    }
}

/// The notebooks' models: M1–M5 (also the Keras peer jobs), then one per seed-notebook model.
pub fn presets() -> Vec<Preset> {
    let out = || L::dense(1, Sigmoid);
    let conv_same = |filters, k| zoo::conv_same(filters, k, Relu);
    let mut m1_post = imdb("m1_post", vec![L::embedding(32), L::lstm(100), out()], 5000, 500, 64, 3);
    m1_post.padding = Padding::Post;
    let mut m2 = imdb("m2_cnn", zoo::cnn_1d(16), 10_000, 240, 512, 10);
    m2.validation_split = 0.2;
    m2.early_stopping = Some(EarlyStopping {
        monitor: Monitor::ValLoss,
        mode: Mode::Auto,
        patience: 2,
        min_delta: 0.0,
        restore_best_weights: true,
    });
    vec![
        preset(
            "m1_lstm",
            "M1 · LSTM(100)",
            "seed 002: Embedding(5000, 32) → LSTM(100) → Dense(1, sigmoid), maxlen 500, 3 epochs of 64",
            Some(0.8562),
            Some(0.8504),
            imdb("m1_lstm", vec![L::embedding(32), L::lstm(100), out()], 5000, 500, 64, 3),
        ),
        preset(
            "m2_cnn",
            "M2 · 1D-CNN",
            "seed 004: Embedding(10000, 16) → Conv1D(16, 7) → MaxPooling1D(5) → Conv1D(16, 7) → GlobalMaxPooling1D → Dense(8) → Dense(1); validation_split 0.2, EarlyStopping(patience 2)",
            None,
            Some(0.8444),
            m2,
        ),
        preset(
            "m3_cnn_lstm",
            "M3 · CNN + LSTM",
            "seed 002: Embedding(5000, 32) → Conv1D(32, 3, same) → MaxPooling1D(2) → LSTM(100) → Dense(1), maxlen 500, 3 epochs of 64",
            Some(0.8796),
            Some(0.8724),
            imdb("m3_cnn_lstm", vec![L::embedding(32), conv_same(32, 3), L::max_pooling1d(2), L::lstm(100), out()], 5000, 500, 64, 3),
        ),
        preset(
            "m4_pooled",
            "M4 · Pooled embeddings",
            "Embedding(10000, 16) → GlobalAveragePooling1D → Dense(16, relu) → Dense(1, sigmoid), maxlen 256, 10 epochs of 512",
            None,
            Some(0.8588),
            imdb(
                "m4_pooled",
                vec![L::embedding(16), L::global_average_pooling1d(), L::dense(16, Relu), out()],
                10_000,
                256,
                512,
                10,
            ),
        ),
        preset(
            "m5_bilstm",
            "M5 · Bi-LSTM(64)",
            "seed 000: Embedding(10000, 64) → Bidirectional(LSTM(64)) → Dense(1), maxlen 200, 2 epochs of 64",
            None,
            Some(0.8564),
            imdb("m5_bilstm", vec![L::embedding(64), L::bidirectional(L::lstm(64)), out()], 10_000, 200, 64, 2),
        ),
        preset(
            "m1_post",
            "M1 with post padding",
            "seed 004's lesson: M1 with padding='post' — the LSTM's last state has read hundreds of pads",
            None,
            Some(0.5182),
            m1_post,
        ),
    ]
    .into_iter()
    .chain(zoo::presets())
    .collect()
}
