//! Seeds 002 and 003 (IMDB, 20 Newsgroups) and 004 (the AIFFEL IMDB lesson).

use super::super::layers::{Activation::{self, *}, ActivationConfig, LayerConfig as L};
use super::super::run::Loss;
use super::zoo::*;
use super::{Preset, imdb, preset};

pub fn seed002() -> Vec<Preset> {
    let src = |model: &str, fit: &str| {
        format!("seed 002 (IMDB): {model}; top 5,000 words, maxlen 500, adam, 3 epochs of 64, {fit}")
    };
    let mut dropout = s002("s002_lstm_dropout", vec![L::embedding(32), L::dropout(0.2), L::lstm(100), L::dropout(0.2), out()]);
    dropout.validation_split = 0.2;
    vec![
        preset(
            "s002_lstm",
            "S002 · LSTM(100)",
            &src("Embedding(32) → LSTM(100) → Dense(1, sigmoid) (213,301 params)", "validation_data=(x_test, y_test)"),
            Some(0.8562),
            None,
            s002("s002_lstm", vec![L::embedding(32), L::lstm(100), out()]),
        ),
        preset(
            "s002_lstm_dropout",
            "S002 · LSTM with Dropout",
            &src("Embedding(32) → Dropout(0.2) → LSTM(100) → Dropout(0.2) → Dense(1, sigmoid) (213,301 params)", "validation_split 0.2"),
            Some(0.8493),
            None,
            dropout,
        ),
        preset(
            "s002_lstm_recurrent_dropout",
            "S002 · LSTM with recurrent dropout",
            &src("Embedding(32) → LSTM(100, dropout=0.2, recurrent_dropout=0.2) → Dense(1, sigmoid) (213,301 params)", "no validation"),
            Some(0.8714),
            None,
            s002("s002_lstm_recurrent_dropout", vec![L::embedding(32), lstm_dropout(100, 0.2, 0.2), out()]),
        ),
        preset(
            "s002_cnn_lstm",
            "S002 · Conv1D + MaxPool + LSTM",
            &src(
                "Embedding(32) → Conv1D(32, 3, same, relu) → MaxPooling1D(2) → LSTM(100) → Dense(1, sigmoid) (216,405 params)",
                "no validation",
            ),
            Some(0.8796),
            None,
            s002("s002_cnn_lstm", vec![L::embedding(32), conv_same(32, 3, Relu), L::max_pooling1d(2), L::lstm(100), out()]),
        ),
    ]
}

pub fn seed003() -> Vec<Preset> {
    let mut glove = imdb(
        "s003_glove_cnn",
        vec![
            frozen_embedding(100),
            L::conv1d(128, 5, Relu),
            L::max_pooling1d(5),
            L::conv1d(128, 5, Relu),
            L::max_pooling1d(5),
            L::conv1d(128, 5, Relu),
            L::global_max_pooling1d(),
            L::dense(128, Relu),
            L::dense(2, Softmax),
        ],
        20_000,
        1000,
        128,
        10,
    );
    glove.optimizer = rmsprop();
    glove.loss = Loss::SparseCategoricalCrossentropy;
    glove.validation_split = 0.2;
    let lstm = imdb("s003_lstm", vec![L::embedding(128), lstm_dropout(128, 0.2, 0.2), out()], 20_000, 80, 32, 15);
    let cnn_lstm = vec![
        L::embedding(128),
        L::dropout(0.25),
        L::conv1d(64, 5, Relu),
        L::max_pooling1d(4),
        L::lstm(70),
        L::dense(1, Activation::Linear),
        L::Activation(ActivationConfig { activation: Sigmoid }),
    ];
    vec![
        preset(
            "s003_lstm",
            "S003 · LSTM(128)",
            "seed 003 (IMDB): Embedding(20000, 128) → LSTM(128, dropout=0.2, recurrent_dropout=0.2) → Dense(1, sigmoid); maxlen 80, adam, 15 epochs of 32, validation_data=(x_test, y_test)",
            Some(0.81768),
            None,
            lstm,
        ),
        preset(
            "s003_cnn_lstm",
            "S003 · CNN + LSTM",
            "seed 003 (IMDB): Embedding(20000, 128) → Dropout(0.25) → Conv1D(64, 5, relu) → MaxPooling1D(4) → LSTM(70) → Dense(1) → Activation(sigmoid); maxlen 100, adam, 10 epochs of 30, validation_data=(x_test, y_test)",
            Some(0.85272),
            None,
            imdb("s003_cnn_lstm", cnn_lstm, 20_000, 100, 30, 10),
        ),
        preset(
            "s003_glove_cnn",
            "S003 · GloVe 1D CNN (frozen embedding)",
            "seed 003 (20 Newsgroups with frozen GloVe 100d; neither is available offline): Embedding(20000, 100, trainable=False) → [Conv1D(128, 5, relu) → MaxPooling1D(5)] ×2 → Conv1D(128, 5, relu) → GlobalMaxPooling1D → Dense(128, relu) → Dense(20, softmax), categorical_crossentropy. \
             Built here for imdb-20k: Dense(2, softmax) + sparse_categorical_crossentropy, and the frozen embedding keeps Keras' random init instead of GloVe. \
             MAX_SEQUENCE_LENGTH 1000, rmsprop, 10 epochs of 128, VALIDATION_SPLIT 0.2; accuracy printed on its validation split",
            Some(0.72118),
            None,
            glove,
        ),
    ]
}

pub fn seed004() -> Vec<Preset> {
    let src = |model: &str| {
        format!(
            "seed 004 (AIFFEL lesson, IMDB): {model}; vocab_size 10,000, maxlen 580 (mean + 2σ), padding='post' as its code has it \
             (the lesson finds 'pre' >10 points better for RNNs), adam, 20 epochs of 512, 10,000 reviews held out for validation"
        )
    };
    vec![
        preset(
            "s004_lstm8",
            "S004 · LSTM(8)",
            &src("Embedding(16) → LSTM(8) → Dense(8, relu) → Dense(1, sigmoid)"),
            None,
            None,
            s004("s004_lstm8", vec![L::embedding(16), L::lstm(8), L::dense(8, Relu), out()]),
        ),
        preset(
            "s004_cnn",
            "S004 · 1D-CNN",
            &src("Embedding(16) → Conv1D(16, 7, relu) → MaxPooling1D(5) → Conv1D(16, 7, relu) → GlobalMaxPooling1D → Dense(8, relu) → Dense(1, sigmoid)"),
            None,
            None,
            s004("s004_cnn", cnn_1d(16)),
        ),
        preset(
            "s004_global_max_pool",
            "S004 · GlobalMaxPooling only",
            &src("Embedding(16) → GlobalMaxPooling1D → Dense(8, relu) → Dense(1, sigmoid)"),
            None,
            None,
            s004("s004_global_max_pool", vec![L::embedding(16), L::global_max_pooling1d(), L::dense(8, Relu), out()]),
        ),
        preset(
            "s004_word2vec_cnn",
            "S004 · 1D-CNN, 300-d embedding",
            &src("the 1D-CNN with Embedding(10000, 300) that the notebook initialises from Google's Word2Vec (not available offline: Keras' random init here), trainable"),
            Some(0.8618),
            None,
            s004("s004_word2vec_cnn", cnn_1d(300)),
        ),
    ]
}

