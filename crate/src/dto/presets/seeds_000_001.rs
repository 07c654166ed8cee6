//! Seeds 000 (Korean toxic comments) and 001 (Amazon reviews): trained on imdb-20k.

use super::super::layers::{Activation::*, LayerConfig as L};
use super::zoo::*;
use super::{Preset, preset};

pub fn seed000() -> Vec<Preset> {
    let relu_lstm = |seq| lstm(128, seq, Relu);
    let src = |model: &str| {
        format!(
            "seed 000 (Korean toxic comments; trained here on imdb-20k): {model}. \
             adam, 30 epochs of 32, validation_split 0.2, EarlyStopping(val_loss, patience 10); \
             vocab_size and max_len not printed (10,000 and 200 here); the notebook reloads its best-val_acc checkpoint"
        )
    };
    vec![
        preset(
            "s000_dnn",
            "S000 · DNN",
            &src("baseline DNN, only its Word2Vec twin printed: Embedding(100) → Flatten → Dense(128, relu) ×2 → Dense(1, sigmoid) (Flatten is Kiln's guess)"),
            Some(0.642614),
            None,
            s000("s000_dnn", vec![L::embedding(100), L::flatten(), L::dense(128, Relu), L::dense(128, Relu), out()]),
        ),
        preset(
            "s000_lstm",
            "S000 · LSTM",
            &src("Embedding(100) → LSTM(128) → Dense(1, sigmoid) (code not printed: the LSTM_2layer cell with one tanh LSTM)"),
            Some(0.829670),
            None,
            s000("s000_lstm", vec![L::embedding(100), L::lstm(128), out()]),
        ),
        preset(
            "s000_lstm_2layer",
            "S000 · LSTM_2layer (relu)",
            &src("Embedding(100) → LSTM(128, return_sequences, relu) → LSTM(128, relu) → Dense(1, sigmoid): the relu LSTM's loss goes NaN"),
            Some(0.640797),
            None,
            s000("s000_lstm_2layer", vec![L::embedding(100), relu_lstm(true), relu_lstm(false), out()]),
        ),
        preset(
            "s000_bilstm",
            "S000 · Bi-LSTM (relu)",
            &src("Embedding(100) → Bidirectional(LSTM(128, relu)) → Dense(1, sigmoid) (code not printed; relu as in LSTM_2layer, whose 0.6408 it shares)"),
            Some(0.640797),
            None,
            s000("s000_bilstm", vec![L::embedding(100), L::bidirectional(relu_lstm(false)), out()]),
        ),
        preset(
            "s000_bilstm_2",
            "S000 · Bi-LSTM-2 (relu)",
            &src("Embedding(100) → Bidirectional(LSTM(128, return_sequences, relu)) → Bidirectional(LSTM(128, relu)) → Dense(1, sigmoid) (code not printed)"),
            Some(0.640797),
            None,
            s000(
                "s000_bilstm_2",
                vec![L::embedding(100), L::bidirectional(relu_lstm(true)), L::bidirectional(relu_lstm(false)), out()],
            ),
        ),
        preset(
            "s000_cnn",
            "S000 · 1D-CNN",
            &src("Embedding(100) → Conv1D(128, 3, relu) → GlobalMaxPooling1D → Dense(128, relu) → Dense(1, sigmoid) (code not printed)"),
            Some(0.843407),
            None,
            s000(
                "s000_cnn",
                vec![L::embedding(100), L::conv1d(128, 3, Relu), L::global_max_pooling1d(), L::dense(128, Relu), out()],
            ),
        ),
    ]
}

pub fn seed001() -> Vec<Preset> {
    let src = |model: &str, fit: &str| {
        format!(
            "seed 001 (Amazon reviews, fastText files; trained here on imdb-20k): {model}. \
             Tokenizer(8192), maxlen 128, padding='post', rmsprop, binary_crossentropy, validation_split 0.2, {fit}; \
             the notebook computes its test accuracy but does not print it"
        )
    };
    let conv = |k| L::conv1d(64, k, Relu);
    vec![
        preset(
            "s001_cnn_bn",
            "S001 · CNN with BatchNorm",
            &src(
                "Embedding(64) → Conv1D(64, 3) → BatchNorm → MaxPool1D(3) → Conv1D(64, 5) → BatchNorm → MaxPool1D(5) → Conv1D(64, 5) → GlobalMaxPool1D → Flatten → Dense(100, relu) → Dense(1, sigmoid)",
                "10 epochs of 64",
            ),
            None,
            None,
            s001(
                "s001_cnn_bn",
                vec![
                    L::embedding(64),
                    conv(3),
                    L::batch_normalization(),
                    L::max_pooling1d(3),
                    conv(5),
                    L::batch_normalization(),
                    L::max_pooling1d(5),
                    conv(5),
                    L::global_max_pooling1d(),
                    L::flatten(),
                    L::dense(100, Relu),
                    out(),
                ],
                64,
                10,
                None,
            ),
        ),
        preset(
            "s001_simple_rnn2",
            "S001 · SimpleRNN ×2",
            &src(
                "Embedding(64) → SimpleRNN(128, return_sequences) → SimpleRNN(128) → Dense(32) → Dense(100) → Dense(1, sigmoid) (summary 589,417 params; the hidden Dense activations are not printed: relu here)",
                "5 epochs of 128",
            ),
            None,
            None,
            s001(
                "s001_simple_rnn2",
                vec![L::embedding(64), simple_rnn_seq(128), L::simple_rnn(128), L::dense(32, Relu), L::dense(100, Relu), out()],
                128,
                5,
                None,
            ),
        ),
        preset(
            "s001_lstm2",
            "S001 · LSTM ×2",
            &src(
                "Embedding(32) → LSTM(32, return_sequences) → LSTM(32) → Dense(1, sigmoid) (summary 278,817 params)",
                "5 epochs (batch size not printed: 128 as in its other runs), EarlyStopping(patience 3)",
            ),
            None,
            None,
            s001("s001_lstm2", vec![L::embedding(32), lstm(32, true, Tanh), L::lstm(32), out()], 128, 5, Some(3)),
        ),
        preset(
            "s001_cnn_lstm",
            "S001 · CNN + LSTM",
            &src(
                "Embedding(64) → Dropout(0.25) → Conv1D(32, 3, relu) → LSTM(32, return_sequences) → LSTM(32) → Dense(1, sigmoid) (summary 547,137 params)",
                "5 epochs of 128, EarlyStopping(val_loss, patience 5)",
            ),
            None,
            None,
            s001(
                "s001_cnn_lstm",
                vec![L::embedding(64), L::dropout(0.25), L::conv1d(32, 3, Relu), lstm(32, true, Tanh), L::lstm(32), out()],
                128,
                5,
                Some(5),
            ),
        ),
    ]
}

