//! One preset per model of the seed notebooks (`s000_…` to `s004_…`), with each notebook's
//! `compile(...)`/`fit(...)` arguments. Where the notebook's data is not IMDB (Korean comments,
//! Amazon reviews, 20 Newsgroups, NSMC) the architecture and settings are the notebook's and the
//! data is Kiln's `imdb-20k`; `source` says so, and says what the notebook left unprinted.

use super::super::layers::{
    Activation::{self, *},
    ConvPadding, EmbeddingConfig, LayerConfig as L, RecurrentConfig,
};
use super::super::run::{OptimizerConfig, Padding, RunConfig};
use super::super::{EarlyStopping, Mode, Monitor};
use super::seeds_000_001::{seed000, seed001};
use super::seeds_002_004::{seed002, seed003, seed004};
use super::{Preset, imdb};

pub(super) fn out() -> L {
    L::dense(1, Sigmoid)
}

/// `LSTM(units, return_sequences, activation)`.
pub(super) fn lstm(units: usize, return_sequences: bool, activation: Activation) -> L {
    L::Lstm(RecurrentConfig { activation, return_sequences, ..RecurrentConfig::new(units) })
}

pub(super) fn lstm_dropout(units: usize, dropout: f64, recurrent_dropout: f64) -> L {
    L::Lstm(RecurrentConfig { dropout, recurrent_dropout, ..RecurrentConfig::new(units) })
}

pub(super) fn simple_rnn_seq(units: usize) -> L {
    L::SimpleRnn(RecurrentConfig { return_sequences: true, ..RecurrentConfig::new(units) })
}

pub(super) fn conv_same(filters: usize, kernel_size: usize, activation: Activation) -> L {
    match L::conv1d(filters, kernel_size, activation) {
        L::Conv1d(mut c) => {
            c.padding = ConvPadding::Same;
            L::Conv1d(c)
        }
        other => other,
    }
}

/// Seed 004's 1D-CNN (also M2): Embedding → Conv1D(16, 7) → MaxPooling1D(5) → Conv1D(16, 7) →
/// GlobalMaxPooling1D → Dense(8, relu) → Dense(1, sigmoid).
pub(super) fn cnn_1d(embedding_dim: usize) -> Vec<L> {
    vec![
        L::embedding(embedding_dim),
        L::conv1d(16, 7, Relu),
        L::max_pooling1d(5),
        L::conv1d(16, 7, Relu),
        L::global_max_pooling1d(),
        L::dense(8, Relu),
        out(),
    ]
}

pub(super) fn frozen_embedding(output_dim: usize) -> L {
    L::Embedding(EmbeddingConfig { output_dim, input_dim: None, trainable: false, embeddings_initializer: Default::default() })
}

pub(super) fn rmsprop() -> OptimizerConfig {
    OptimizerConfig::Rmsprop { learning_rate: 1e-3, rho: 0.9, momentum: 0.0 }
}

/// Keras' `EarlyStopping(monitor="val_loss", patience)`: the best weights are not restored.
pub(super) fn early_stopping(patience: usize) -> Option<EarlyStopping> {
    Some(EarlyStopping {
        monitor: Monitor::ValLoss,
        mode: Mode::Auto,
        patience,
        min_delta: 0.0,
        restore_best_weights: false,
    })
}

/// Seed 000 (Korean toxic comments; vocab_size and max_len not printed: 10,000 and 200 as in M5):
/// Embedding(vocab, 100), adam, 30 epochs of 32, validation_split 0.2, EarlyStopping(val_loss, 10).
pub(super) fn s000(name: &str, layers: Vec<L>) -> RunConfig {
    let mut c = imdb(name, layers, 10_000, 200, 32, 30);
    c.validation_split = 0.2;
    c.early_stopping = early_stopping(10);
    c
}

/// Seed 001 (Amazon reviews): Tokenizer(8192), maxlen 128, padding='post', rmsprop, validation_split 0.2.
pub(super) fn s001(name: &str, layers: Vec<L>, batch_size: usize, epochs: usize, patience: Option<usize>) -> RunConfig {
    let mut c = imdb(name, layers, 8192, 128, batch_size, epochs);
    c.padding = Padding::Post;
    c.optimizer = rmsprop();
    c.validation_split = 0.2;
    c.early_stopping = patience.and_then(early_stopping);
    c
}

/// Seed 002: top 5,000 words, maxlen 500, Embedding(32), adam, 3 epochs of 64.
pub(super) fn s002(name: &str, layers: Vec<L>) -> RunConfig {
    imdb(name, layers, 5000, 500, 64, 3)
}

/// Seed 004 (IMDB lesson): 10,000 words, maxlen = mean + 2σ of Keras' IMDB lengths (580, the
/// lesson's formula), padding='post' as in its code, adam, 20 epochs of 512, 10,000 of the 25,000
/// training reviews held out (validation_split 0.4).
pub(super) fn s004(name: &str, layers: Vec<L>) -> RunConfig {
    let mut c = imdb(name, layers, 10_000, 580, 512, 20);
    c.padding = Padding::Post;
    c.validation_split = 0.4;
    c
}

/// Every seed notebook's models, in seed order.
pub fn presets() -> Vec<Preset> {
    [seed000(), seed001(), seed002(), seed003(), seed004()].concat()
}
