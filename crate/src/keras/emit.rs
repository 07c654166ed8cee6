//! `RunConfig` → Keras 3 Python that builds, compiles and fits the same run.
//! Only non-default arguments are written, so the code reads like a notebook's.

use std::fmt::Write;

use crate::dto::*;

pub fn to_code(c: &RunConfig) -> String {
    let mut out = String::new();
    let w = &mut out;
    let data = serde_json::to_value(c.data).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let pad = format!("maxlen=maxlen, padding={}, truncating={}", py_padding(c.padding), py_padding(c.truncating));
    let _ = writeln!(w, "# Kiln run `{}` on {data}: Kiln tokenises its IMDB reviews like Keras 2's", c.model);
    let _ = writeln!(w, "# Tokenizer(num_words=num_words); Keras' own IMDB below is the closest stand-in.");
    let _ = writeln!(w, "import keras\nfrom keras import layers\n");
    let _ = writeln!(w, "keras.utils.set_random_seed({})", c.seed);
    let _ = writeln!(w, "num_words = {}\nmaxlen = {}\n", c.num_words, c.maxlen);
    w.push_str(&super::tokenizer::code(c));
    let _ = writeln!(w, "(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=num_words)");
    let _ = writeln!(w, "x_train = keras.utils.pad_sequences(x_train, {pad})");
    let _ = writeln!(w, "x_test = keras.utils.pad_sequences(x_test, {pad})");
    if c.loss == Loss::CategoricalCrossentropy {
        let _ =
            writeln!(w, "y_train, y_test = keras.utils.to_categorical(y_train), keras.utils.to_categorical(y_test)");
    }
    if c.layers.iter().any(|l| matches!(l, LayerConfig::Embedding(e) if e.embeddings_initializer == EmbeddingInit::Word2vec)) {
        let _ = writeln!(w, "\n# Seed 004's embedding_matrix: the word2vec vectors Kiln trained (Word vectors → Download),");
        let _ = writeln!(w, "# one row per Tokenizer index; words without a vector keep Keras' uniform start.");
        let _ = writeln!(w, "import numpy as np\nfrom gensim.models import KeyedVectors");
        let _ = writeln!(w, "word2vec = KeyedVectors.load_word2vec_format(\"kiln-word2vec.txt\", binary=False)");
        let _ = writeln!(w, "embedding_matrix = np.random.uniform(-0.05, 0.05, (num_words, word2vec.vector_size))");
        let _ = writeln!(w, "# keras.datasets.imdb numbers words from 3 (index_from); with your own Tokenizer use its word_index");
        let _ = writeln!(w, "for word, i in keras.datasets.imdb.get_word_index().items():");
        let _ = writeln!(w, "    if i + 3 < num_words and word in word2vec:\n        embedding_matrix[i + 3] = word2vec[word]");
    }
    let _ = writeln!(w, "\nmodel = keras.Sequential([\n    keras.Input(shape=(maxlen,)),");
    for layer in &c.layers {
        let _ = writeln!(w, "    {},", layer_code(layer));
    }
    let _ = writeln!(w, "])");
    let _ = writeln!(w, "model.compile(\n    optimizer={},", optimizer_code(c));
    let _ = writeln!(w, "    loss=\"{}\",\n    metrics=[\"accuracy\"],\n)\nmodel.summary()", c.loss.name());
    let mut fit = format!("x_train, y_train, batch_size={}, epochs={}", c.batch_size, c.epochs);
    if c.validation_split > 0.0 {
        let _ = write!(fit, ", validation_split={}", py_float(c.validation_split));
    } else {
        fit.push_str(", validation_data=(x_test, y_test)");
    }
    if !c.shuffle {
        fit.push_str(", shuffle=False");
    }
    fit_callbacks(w, c, &mut fit);
    let _ = writeln!(w, "model.fit({fit})\nmodel.evaluate(x_test, y_test)");
    out
}

fn py_padding(p: Padding) -> &'static str {
    match p {
        Padding::Pre => "\"pre\"",
        Padding::Post => "\"post\"",
    }
}

/// A float Python reads back as the same f64 (`0.001`, `1.0`).
fn py_float(x: f64) -> String {
    let s = x.to_string();
    if s.contains(['.', 'e', 'i', 'N']) { s } else { format!("{s}.0") }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// `Class(positional, name=value)` with the arguments that differ from Keras' defaults.
fn call(class: &str, mut args: Vec<String>, named: Vec<(&str, Option<String>)>) -> String {
    args.extend(named.into_iter().filter_map(|(k, v)| v.map(|v| format!("{k}={v}"))));
    format!("layers.{class}({})", args.join(", "))
}

fn unless<T: PartialEq>(value: T, default: T, show: impl Fn(T) -> String) -> Option<String> {
    (value != default).then(|| show(value))
}

fn activation(a: Activation) -> String {
    format!("\"{}\"", a.name())
}

pub fn layer_code(layer: &LayerConfig) -> String {
    let class = layer.class_name();
    match layer {
        LayerConfig::Embedding(e) => {
            let dim = e.input_dim.map_or("num_words".to_string(), |d| d.to_string());
            call(
                class,
                vec![dim, e.output_dim.to_string()],
                vec![
                    (
                        "embeddings_initializer",
                        (e.embeddings_initializer == EmbeddingInit::Word2vec)
                            .then(|| "keras.initializers.Constant(embedding_matrix)".to_string()),
                    ),
                    ("trainable", unless(e.trainable, true, |b| py_bool(b).into())),
                ],
            )
        }
        LayerConfig::Dense(d) => call(
            class,
            vec![d.units.to_string()],
            vec![("activation", unless(d.activation, Activation::Linear, activation))],
        ),
        LayerConfig::Activation(a) => call(class, vec![activation(a.activation)], vec![]),
        LayerConfig::Dropout(d) | LayerConfig::SpatialDropout1d(d) => call(class, vec![py_float(d.rate)], vec![]),
        LayerConfig::SimpleRnn(r) | LayerConfig::Lstm(r) | LayerConfig::Gru(r) => call(
            class,
            vec![r.units.to_string()],
            vec![
                ("activation", unless(r.activation, Activation::Tanh, activation)),
                ("return_sequences", unless(r.return_sequences, false, |b| py_bool(b).into())),
                ("dropout", unless(r.dropout, 0.0, py_float)),
                ("recurrent_dropout", unless(r.recurrent_dropout, 0.0, py_float)),
            ],
        ),
        LayerConfig::Bidirectional(b) => {
            let mode = serde_json::to_value(b.merge_mode).ok().and_then(|v| v.as_str().map(|s| format!("\"{s}\"")));
            call(
                class,
                vec![layer_code(&b.layer)],
                vec![("merge_mode", mode.filter(|_| b.merge_mode != MergeMode::Concat))],
            )
        }
        LayerConfig::Conv1d(c) => {
            let padding = serde_json::to_value(c.padding).ok().and_then(|v| v.as_str().map(|s| format!("\"{s}\"")));
            call(
                class,
                vec![c.filters.to_string(), c.kernel_size.to_string()],
                vec![
                    ("strides", unless(c.strides, 1, |s| s.to_string())),
                    ("padding", padding.filter(|_| c.padding != ConvPadding::Valid)),
                    ("dilation_rate", unless(c.dilation_rate, 1, |s| s.to_string())),
                    ("activation", unless(c.activation, Activation::Linear, activation)),
                ],
            )
        }
        LayerConfig::MaxPooling1d(p) | LayerConfig::AveragePooling1d(p) => call(
            class,
            vec![p.pool_size.to_string()],
            vec![
                ("strides", p.strides.map(|s| s.to_string())),
                ("padding", unless(p.padding, PoolPadding::Valid, |_| "\"same\"".into())),
            ],
        ),
        LayerConfig::GlobalMaxPooling1d(_) | LayerConfig::GlobalAveragePooling1d(_) | LayerConfig::Flatten(_) => {
            call(class, vec![], vec![])
        }
        LayerConfig::BatchNormalization(b) => call(
            class,
            vec![],
            vec![("momentum", unless(b.momentum, 0.99, py_float)), ("epsilon", unless(b.epsilon, 1e-3, py_float))],
        ),
    }
}

fn optimizer_code(c: &RunConfig) -> String {
    let mut args = vec![format!("learning_rate={}", py_float(c.learning_rate()))];
    let (class, extra) = match c.optimizer {
        OptimizerConfig::Adam { .. } => ("Adam", vec![]),
        OptimizerConfig::Adagrad { .. } => ("Adagrad", vec![]),
        OptimizerConfig::Rmsprop { rho, momentum, .. } => {
            ("RMSprop", vec![("rho", unless(rho, 0.9, py_float)), ("momentum", unless(momentum, 0.0, py_float))])
        }
        OptimizerConfig::Sgd { momentum, nesterov, .. } => (
            "SGD",
            vec![
                ("momentum", unless(momentum, 0.0, py_float)),
                ("nesterov", unless(nesterov, false, |b| py_bool(b).into())),
            ],
        ),
    };
    let extra =
        extra.into_iter().chain([("clipnorm", c.clipnorm.map(py_float)), ("clipvalue", c.clipvalue.map(py_float))]);
    args.extend(extra.filter_map(|(k, v)| v.map(|v| format!("{k}={v}"))));
    format!("keras.optimizers.{class}({})", args.join(", "))
}

/// `fit`'s callbacks, in the order Kiln runs them (`callbacks=[early_stopping,
/// checkpoint, reduce_lr]`), and its `class_weight`, with the lines that build them.
fn fit_callbacks(w: &mut String, c: &RunConfig, fit: &mut String) {
    let mut names = Vec::new();
    let mut add = |w: &mut String, name: &'static str, class: &str, args: String| {
        let _ = writeln!(w, "{name} = keras.callbacks.{class}({args})");
        names.push(name);
    };
    let flag = |b: bool| b.then(|| py_bool(b).to_string());
    if let Some(es) = &c.early_stopping {
        let args = vec![
            ("patience", Some(es.patience.to_string())),
            ("min_delta", unless(es.min_delta, 0.0, py_float)),
            ("restore_best_weights", flag(es.restore_best_weights)),
        ];
        add(w, "early_stopping", "EarlyStopping", monitored(es.monitor, es.mode, args));
    }
    if let Some(cp) = &c.checkpoint {
        let args = monitored(cp.monitor, cp.mode, vec![("save_best_only", flag(cp.save_best_only))]);
        add(w, "checkpoint", "ModelCheckpoint", format!("\"kiln_checkpoint.keras\", {args}"));
    }
    if let Some(r) = &c.reduce_lr {
        let d = ReduceLr::default();
        let args = vec![
            ("factor", unless(r.factor, d.factor, py_float)),
            ("patience", unless(r.patience, d.patience, |p| p.to_string())),
            ("min_delta", unless(r.min_delta, d.min_delta, py_float)),
            ("cooldown", unless(r.cooldown, d.cooldown, |p| p.to_string())),
            ("min_lr", unless(r.min_lr, d.min_lr, py_float)),
        ];
        add(w, "reduce_lr", "ReduceLROnPlateau", monitored(r.monitor, r.mode, args));
    }
    if !names.is_empty() {
        let _ = write!(fit, ", callbacks=[{}]", names.join(", "));
    }
    match &c.class_weight {
        Some(ClassWeight::Given(weights)) => {
            let items: Vec<String> =
                weights.iter().enumerate().map(|(i, v)| format!("{i}: {}", py_float(*v))).collect();
            let _ = write!(fit, ", class_weight={{{}}}", items.join(", "));
        }
        Some(ClassWeight::Balanced) => {
            let _ = writeln!(w, "import numpy as np\nfrom sklearn.utils.class_weight import compute_class_weight");
            let _ = writeln!(w, "labels = y_train.argmax(-1) if y_train.ndim > 1 else y_train");
            let balanced = "compute_class_weight(\"balanced\", classes=np.unique(labels), y=labels)";
            let _ = writeln!(w, "class_weight = dict(enumerate({balanced}))");
            fit.push_str(", class_weight=class_weight");
        }
        None => {}
    }
}

/// `monitor="val_loss"`, `mode` unless `auto`, then the other arguments given.
fn monitored(monitor: Monitor, mode: Mode, rest: Vec<(&str, Option<String>)>) -> String {
    let mode = serde_json::to_value(mode).ok().and_then(|v| v.as_str().map(|s| format!("\"{s}\"")));
    let head = [("monitor", Some(format!("\"{}\"", monitor.name()))), ("mode", mode.filter(|m| m != "\"auto\""))];
    let args: Vec<String> =
        head.into_iter().chain(rest).filter_map(|(k, v)| v.map(|v| format!("{k}={v}"))).collect();
    args.join(", ")
}
