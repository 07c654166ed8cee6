//! The Keras code box: every model cell of the seed notebooks
//! (tests/fixtures/keras_code/seedNNN_*.py) reads to its layers and settings,
//! bad code fails at the right line and column, and `to_code` round-trips.

#[path = "keras_code/errors.rs"]
mod errors;
#[path = "keras_code/roundtrip.rs"]
mod roundtrip;

use kiln::dto::{Activation::*, *};
use kiln::keras::{Parsed, parse};

/// A base run whose values no seed uses, so "kept from base" is visible.
pub fn base() -> RunConfig {
    let mut c = RunConfig::preset("m1_lstm").expect("preset");
    (c.num_words, c.maxlen, c.batch_size, c.epochs) = (777, 77, 7, 7);
    c.optimizer = OptimizerConfig::Sgd { learning_rate: 0.5, momentum: 0.0, nesterov: false };
    c.validation_split = 0.3;
    c
}

fn fixture(name: &str) -> Parsed {
    let path = format!("{}/../tests/fixtures/keras_code/{name}.py", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&text, &base()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Seed 004's `embeddings_initializer=Constant(embedding_matrix)`: the page's word2vec.
fn word2vec(mut layers: Vec<LayerConfig>) -> Vec<LayerConfig> {
    if let Some(LayerConfig::Embedding(e)) = layers.first_mut() {
        e.embeddings_initializer = EmbeddingInit::Word2vec;
    }
    layers
}

fn conv(filters: usize, k: usize, f: impl FnOnce(&mut Conv1dConfig)) -> LayerConfig {
    match LayerConfig::conv1d(filters, k, Relu) {
        LayerConfig::Conv1d(mut c) => {
            f(&mut c);
            LayerConfig::Conv1d(c)
        }
        other => other,
    }
}

fn rnn(layer: fn(usize) -> LayerConfig, units: usize, f: impl FnOnce(&mut RecurrentConfig)) -> LayerConfig {
    match layer(units) {
        LayerConfig::Lstm(mut r) => {
            f(&mut r);
            LayerConfig::Lstm(r)
        }
        other => other,
    }
}

/// (fixture, layers, num_words, maxlen, padding, optimizer, loss, batch_size, epochs, validation_split, patience)
type Case =
    (&'static str, Vec<LayerConfig>, usize, usize, Padding, &'static str, Loss, usize, usize, f64, Option<usize>);

/// Each seed cell with what the notebook builds (777 / 77 / 7 / sgd / 0.3 are `base()`'s, kept).
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use LayerConfig as L;
    let out = || L::dense(1, Sigmoid);
    let bce = Loss::BinaryCrossentropy;
    let (pre, post) = (Padding::Pre, Padding::Post);
    let emb = L::embedding;
    let drop = L::dropout;
    let m2_cnn = |d| vec![emb(d), conv(16, 7, |_| {}), L::max_pooling1d(5), conv(16, 7, |_| {}), L::global_max_pooling1d(), L::dense(8, Relu), out()];
    vec![
        ("seed000_lstm_2layer", vec![emb(100), rnn(L::lstm, 128, |r| (r.return_sequences, r.activation) = (true, Relu)), rnn(L::lstm, 128, |r| r.activation = Relu), out()], 777, 77, pre, "sgd", bce, 7, 7, 0.3, None),
        ("seed000_dnn", vec![L::dense(128, Relu), L::dense(128, Relu), out()], 777, 77, pre, "adam", bce, 32, 30, 0.2, Some(10)),
        ("seed000_dnn_rmsprop", vec![L::dense(128, Relu), L::dense(128, Relu), out()], 777, 77, pre, "rmsprop", bce, 32, 100, 0.2, Some(30)),
        (
            "seed001_cnn",
            vec![emb(64), conv(64, 3, |_| {}), L::batch_normalization(), L::max_pooling1d(3), conv(64, 5, |_| {}), L::batch_normalization(), L::max_pooling1d(5), conv(64, 5, |_| {}), L::global_max_pooling1d(), L::flatten(), L::dense(100, Relu), out()],
            8192, 128, post, "rmsprop", bce, 64, 10, 0.2, None,
        ),
        ("seed001_lstm", vec![emb(32), rnn(L::lstm, 32, |r| r.return_sequences = true), L::lstm(32), out()], 8192, 128, pre, "rmsprop", bce, 7, 7, 0.3, None),
        ("seed001_cnn_lstm", vec![emb(64), drop(0.25), conv(32, 3, |_| {}), rnn(L::lstm, 32, |r| r.return_sequences = true), L::lstm(32), out()], 8192, 128, pre, "rmsprop", bce, 128, 5, 0.2, Some(5)),
        ("seed002_lstm", vec![emb(32), L::lstm(100), out()], 5000, 500, pre, "adam", bce, 64, 3, 0.0, None),
        ("seed002_lstm_dropout", vec![emb(32), drop(0.2), L::lstm(100), drop(0.2), out()], 5000, 500, pre, "adam", bce, 64, 3, 0.2, None),
        ("seed002_lstm_recurrent_dropout", vec![emb(32), rnn(L::lstm, 100, |r| (r.dropout, r.recurrent_dropout) = (0.2, 0.2)), out()], 5000, 500, pre, "adam", bce, 64, 3, 0.0, None),
        ("seed002_cnn_lstm", vec![emb(32), conv(32, 3, |c| c.padding = ConvPadding::Same), L::max_pooling1d(2), L::lstm(100), out()], 5000, 500, pre, "adam", bce, 64, 3, 0.0, None),
        ("seed003_lstm", vec![emb(128), rnn(L::lstm, 128, |r| (r.dropout, r.recurrent_dropout) = (0.2, 0.2)), out()], 20_000, 80, pre, "adam", bce, 32, 15, 0.0, None),
        (
            "seed003_cnn_lstm",
            vec![emb(128), drop(0.25), conv(64, 5, |_| {}), L::max_pooling1d(4), L::lstm(70), L::dense(1, Linear), L::Activation(ActivationConfig { activation: Sigmoid })],
            20_000, 100, pre, "adam", bce, 30, 10, 0.0, None,
        ),
        (
            "seed003_glove_cnn",
            vec![
                L::Embedding(EmbeddingConfig { output_dim: 100, input_dim: None, trainable: false, embeddings_initializer: EmbeddingInit::Word2vec }),
                conv(128, 5, |_| {}), L::max_pooling1d(5), conv(128, 5, |_| {}), L::max_pooling1d(5), conv(128, 5, |_| {}),
                L::global_max_pooling1d(), L::dense(128, Relu), L::dense(2, Softmax),
            ],
            20_000, 1000, pre, "rmsprop", Loss::CategoricalCrossentropy, 128, 10, 0.0, None,
        ),
        ("seed004_lstm_sketch", vec![emb(4), L::lstm(8), L::dense(8, Relu), out()], 10, 77, pre, "sgd", bce, 7, 7, 0.3, None),
        ("seed004_cnn_sketch", m2_cnn(4), 10, 77, pre, "sgd", bce, 7, 7, 0.3, None),
        ("seed004_globalmax_sketch", vec![emb(4), L::global_max_pooling1d(), L::dense(8, Relu), out()], 10, 77, pre, "sgd", bce, 7, 7, 0.3, None),
        ("seed004_lstm_train", vec![emb(16), L::lstm(8), L::dense(8, Relu), out()], 10_000, 77, pre, "adam", bce, 512, 20, 0.0, None),
        ("seed004_word2vec_cnn", word2vec(m2_cnn(300)), 10_000, 77, pre, "adam", bce, 512, 20, 0.0, None),
    ]
}

#[test]
fn seed_cells_read_to_their_layers_and_settings() {
    for (name, layers, num_words, maxlen, padding, optimizer, loss, batch_size, epochs, split, patience) in cases() {
        let Parsed { config: c, notes } = fixture(name);
        assert_eq!(c.layers, layers, "{name}: layers");
        let got =
            (c.num_words, c.maxlen, c.padding, c.optimizer.name(), c.loss, c.batch_size, c.epochs, c.validation_split);
        assert_eq!(
            got,
            (num_words, maxlen, padding, optimizer, loss, batch_size, epochs, split),
            "{name}: settings; notes: {notes:?}"
        );
        assert_eq!(c.early_stopping.as_ref().map(|e| e.patience), patience, "{name}: EarlyStopping");
        assert_eq!(c.model, "custom");
        let (kept_num_words, kept_maxlen) = (num_words == 777, maxlen == 77);
        assert_eq!(notes.iter().any(|n| n.contains("num_words = 777")), kept_num_words, "{name}: {notes:?}");
        assert_eq!(notes.iter().any(|n| n.contains("maxlen = 77")), kept_maxlen, "{name}: {notes:?}");
    }
}

#[test]
fn seed_details_and_notes() {
    let cnn_lstm = fixture("seed001_cnn_lstm");
    let es = cnn_lstm.config.early_stopping.expect("EarlyStopping from `callbacks = [checkpoint, early_stopping]`");
    assert_eq!((es.monitor, es.restore_best_weights), (Monitor::ValLoss, false));
    assert!(cnn_lstm.notes.iter().any(|n| n.contains("ModelCheckpoint")), "{:?}", cnn_lstm.notes);
    let glove = fixture("seed003_glove_cnn");
    for needle in ["pretrained", "len(labels_index)", "min(MAX_NUM_WORDS"] {
        assert!(glove.notes.iter().any(|n| n.contains(needle)), "{needle}: {:?}", glove.notes);
    }
    assert_eq!(fixture("seed002_lstm").config.seed, 7, "numpy.random.seed(7)");
    let dnn = fixture("seed000_dnn").config;
    assert_eq!(dnn.early_stopping.map(|e| (e.monitor, e.min_delta)), Some((Monitor::ValLoss, 0.0)));
}

#[test]
fn prose_and_unrelated_python_are_skipped() {
    let code = "Here's some prose: it doesn't parse!\nrf = RandomForestClassifier(n_estimators=[10, 100])\nparams = {'C': [1, 10]}\nd = {k: v for k, v in x.items()}\nmodel = keras.Sequential([layers.Embedding(500, 8), layers.GlobalAveragePooling1D(), layers.Dense(1, activation=None)])\n";
    let parsed = parse(code, &base()).expect("reads");
    assert_eq!(parsed.config.layers[2], LayerConfig::dense(1, Linear));
    assert_eq!(parsed.config.num_words, 500);
}

#[test]
fn keras_spellings_old_and_new() {
    let code = "import tensorflow as tf
from tensorflow.keras.optimizers import Adam
vocab_size = 3000
opt = Adam(lr=2 * 1e-3, clipvalue=0.5)  # Keras 2's `lr`
inputs = tf.keras.Input(shape=(120,))
x = tf.keras.layers.Embedding(vocab_size + 1, 8, mask_zero=True)(inputs)
x = tf.keras.layers.SpatialDropout1D(0.1)(x)
x = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(16), merge_mode='sum')(x)
outputs = keras.layers.Dense(1, activation=tf.nn.sigmoid)(x)
model = tf.keras.Model(inputs=inputs, outputs=outputs)
model.compile(opt, 'binary_crossentropy')
model.fit(x_train, y_train, 16, 2, validation_split=0.1)
";
    let Parsed { config: c, notes } = parse(code, &base()).expect("reads");
    assert_eq!((c.num_words, c.maxlen, c.batch_size, c.epochs, c.validation_split), (3001, 120, 16, 2, 0.1));
    assert_eq!(
        (c.optimizer.clone(), c.clipvalue, c.clipnorm),
        (OptimizerConfig::Adam { learning_rate: 2e-3 }, Some(0.5), None)
    );
    let gru = LayerConfig::gru(16);
    let bi = LayerConfig::Bidirectional(BidirectionalConfig { layer: Box::new(gru), merge_mode: MergeMode::Sum });
    let spatial = LayerConfig::SpatialDropout1d(DropoutConfig { rate: 0.1 });
    assert_eq!(c.layers, vec![LayerConfig::embedding(8), spatial, bi, LayerConfig::dense(1, Sigmoid)]);
    assert!(notes.iter().any(|n| n.starts_with("line 6:") && n.contains("mask_zero")), "{notes:?}");
}
