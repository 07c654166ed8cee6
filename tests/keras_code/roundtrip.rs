//! `parse(to_code(c), base).config == c` for every preset and for hand-made runs
//! that use every layer kind, optimizer and setting. With `KILN_KERAS_CODE_OUT=dir`
//! their code is also written there for tools/keras_ref/check_code.py.

use kiln::dto::{Activation::*, *};
use kiln::keras::{parse, to_code};

fn round_trip(c: &RunConfig) {
    let code = to_code(c);
    let parsed = parse(&code, &super::base()).unwrap_or_else(|e| panic!("{e}\n{code}"));
    let mut want = c.clone();
    want.model = "custom".into();
    assert_eq!(parsed.config, want, "\n{code}");
    assert!(parsed.notes.iter().all(|n| !n.contains("Kiln keeps")), "{:?}", parsed.notes);
}

#[test]
fn every_preset_round_trips() {
    let out = std::env::var("KILN_KERAS_CODE_OUT").ok();
    for preset in presets() {
        round_trip(&preset.config);
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).expect("output dir");
            std::fs::write(format!("{dir}/{}.py", preset.name), to_code(&preset.config)).expect("write code");
        }
    }
}

fn rnn(mut layer: LayerConfig, f: impl Fn(&mut RecurrentConfig)) -> LayerConfig {
    if let LayerConfig::SimpleRnn(r) | LayerConfig::Lstm(r) | LayerConfig::Gru(r) = &mut layer {
        f(r);
    }
    layer
}

/// Runs that exercise every layer kind and every non-default argument `to_code` writes.
fn hand_made() -> Vec<RunConfig> {
    use LayerConfig as L;
    let base = RunConfig::preset("m4_pooled").expect("preset");
    let with = |layers: Vec<LayerConfig>, f: &dyn Fn(&mut RunConfig)| {
        let mut c = base.clone();
        c.layers = layers;
        f(&mut c);
        c
    };
    let pool = |pool_size, strides, padding| Pooling1dConfig { pool_size, strides, padding };
    let conv = Conv1dConfig {
        filters: 8,
        kernel_size: 3,
        strides: 1,
        padding: ConvPadding::Causal,
        dilation_rate: 2,
        activation: Gelu,
    };
    vec![
        with(
            vec![
                L::Embedding(EmbeddingConfig { output_dim: 8, input_dim: Some(12_345), trainable: false, embeddings_initializer: EmbeddingInit::Word2vec }),
                L::SpatialDropout1d(DropoutConfig { rate: 0.125 }),
                L::Conv1d(conv.clone()),
                L::MaxPooling1d(pool(3, Some(1), PoolPadding::Same)),
                L::AveragePooling1d(pool(2, None, PoolPadding::Valid)),
                L::BatchNormalization(BatchNormalizationConfig { momentum: 0.9, epsilon: 1e-5 }),
                rnn(L::simple_rnn(4), |r| (r.activation, r.return_sequences) = (Relu, true)),
                rnn(L::gru(4), |r| (r.return_sequences, r.dropout, r.recurrent_dropout) = (true, 0.1, 0.3)),
                L::Bidirectional(BidirectionalConfig {
                    layer: Box::new(rnn(L::lstm(4), |r| r.return_sequences = true)),
                    merge_mode: MergeMode::Ave,
                }),
                L::global_average_pooling1d(),
                L::Activation(ActivationConfig { activation: Swish }),
                L::dense(2, Softmax),
            ],
            &|c| {
                c.loss = Loss::CategoricalCrossentropy;
                c.optimizer = OptimizerConfig::Rmsprop { learning_rate: 3e-4, rho: 0.8, momentum: 0.5 };
                (c.clipnorm, c.clipvalue) = (Some(1.0), None);
                c.early_stopping = Some(EarlyStopping {
                    mode: Mode::Auto,
                    monitor: Monitor::ValAccuracy,
                    patience: 3,
                    min_delta: 1e-4,
                    restore_best_weights: true,
                });
                (c.padding, c.truncating, c.seed, c.validation_split) = (Padding::Post, Padding::Post, 42, 0.15);
            },
        ),
        with(
            vec![
                L::embedding(16),
                L::Conv1d(Conv1dConfig {
                    strides: 2,
                    padding: ConvPadding::Same,
                    dilation_rate: 1,
                    activation: Linear,
                    ..conv.clone()
                }),
                L::bidirectional(L::gru(8)),
                L::flatten(),
                L::dropout(0.5),
                L::dense(3, Selu),
                L::dense(1, Sigmoid),
            ],
            &|c| {
                c.optimizer = OptimizerConfig::Sgd { learning_rate: 0.05, momentum: 0.9, nesterov: true };
                c.clipvalue = Some(0.5);
                c.early_stopping = Some(EarlyStopping {
                    mode: Mode::Auto,
                    monitor: Monitor::Loss,
                    patience: 0,
                    min_delta: 0.0,
                    restore_best_weights: false,
                });
                (c.num_words, c.maxlen, c.batch_size, c.epochs) = (2_000, 64, 16, 4);
            },
        ),
        with(
            vec![
                L::embedding(4),
                rnn(L::simple_rnn(2), |_| {}),
                L::dense(2, Elu),
                L::Activation(ActivationConfig { activation: Softmax }),
            ],
            &|c| {
                c.optimizer = OptimizerConfig::Adagrad { learning_rate: 0.01 };
                c.loss = Loss::SparseCategoricalCrossentropy;
                c.early_stopping = Some(EarlyStopping {
                    mode: Mode::Auto,
                    monitor: Monitor::Accuracy,
                    patience: 1,
                    min_delta: 0.0,
                    restore_best_weights: false,
                });
            },
        ),
    ]
}

#[test]
fn hand_made_runs_with_every_layer_kind_round_trip() {
    let out = std::env::var("KILN_KERAS_CODE_OUT").ok();
    for (i, c) in hand_made().iter().enumerate() {
        round_trip(c);
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).expect("output dir");
            std::fs::write(format!("{dir}/hand_made_{i}.py"), to_code(c)).expect("write code");
        }
    }
}

#[test]
fn code_has_only_non_default_arguments() {
    let code = to_code(&RunConfig::preset("m1_lstm").expect("preset"));
    for line in [
        "layers.Embedding(num_words, 32),",
        "layers.LSTM(100),",
        "layers.Dense(1, activation=\"sigmoid\"),",
        "keras.Input(shape=(maxlen,)),",
    ] {
        assert!(code.contains(line), "{line}\n{code}");
    }
    assert!(code.contains("padding=\"pre\", truncating=\"pre\""), "{code}");
    assert!(code.contains("validation_data=(x_test, y_test)"), "{code}");
}

/// Runs with every callback, non-default callback arguments, class weights and `shuffle=False`.
fn with_callbacks() -> Vec<RunConfig> {
    let base = RunConfig::preset("m4_pooled").expect("preset");
    let es = EarlyStopping {
        monitor: Monitor::ValAccuracy,
        mode: Mode::Max,
        patience: 4,
        min_delta: 0.001,
        restore_best_weights: true,
    };
    let reduce = ReduceLr {
        monitor: Monitor::Loss,
        mode: Mode::Min,
        factor: 0.2,
        patience: 3,
        min_delta: 0.01,
        cooldown: 2,
        min_lr: 1e-5,
    };
    let mut all = base.clone();
    all.early_stopping = Some(es);
    all.checkpoint = Some(Checkpoint { monitor: Monitor::ValAccuracy, mode: Mode::Auto, save_best_only: true });
    all.reduce_lr = Some(reduce);
    all.class_weight = Some(ClassWeight::Given(vec![1.0, 3.5]));
    all.shuffle = false;
    let mut defaults = base.clone();
    defaults.checkpoint = Some(Checkpoint { monitor: Monitor::ValLoss, mode: Mode::Auto, save_best_only: false });
    defaults.reduce_lr = Some(ReduceLr::default());
    defaults.class_weight = Some(ClassWeight::Balanced);
    vec![all, defaults]
}

#[test]
fn callbacks_class_weights_and_shuffle_round_trip() {
    for (i, c) in with_callbacks().iter().enumerate() {
        round_trip(c);
        if let Ok(dir) = std::env::var("KILN_KERAS_CODE_OUT") {
            std::fs::create_dir_all(&dir).expect("output dir");
            std::fs::write(format!("{dir}/callbacks_{i}.py"), to_code(c)).expect("write code");
        }
    }
    let code = to_code(&with_callbacks()[0]);
    for line in [
        "keras.callbacks.ModelCheckpoint(\"kiln_checkpoint.keras\", monitor=\"val_accuracy\", save_best_only=True)",
        "ReduceLROnPlateau(monitor=\"loss\", mode=\"min\", factor=0.2, patience=3, min_delta=0.01, cooldown=2, min_lr=",
        "callbacks=[early_stopping, checkpoint, reduce_lr], class_weight={0: 1.0, 1: 3.5}",
        "shuffle=False",
    ] {
        assert!(code.contains(line), "{line}\n{code}");
    }
    assert!(to_code(&with_callbacks()[1]).contains("compute_class_weight(\"balanced\""));
}

#[test]
fn notebook_callbacks_and_class_weights_read() {
    let code = "from sklearn.utils.class_weight import compute_class_weight
model = keras.Sequential([layers.Embedding(500, 8), layers.GlobalMaxPooling1D(), layers.Dense(1, 'sigmoid')])
mc = ModelCheckpoint('best_model.h5', monitor='val_acc', mode='max', verbose=1, save_best_only=True)
rlr = keras.callbacks.ReduceLROnPlateau('val_loss', 0.5, 2, min_lr=1e-4)
weights = compute_class_weight(class_weight='balanced', classes=np.unique(y_train), y=y_train)
model.fit(x, y, shuffle=True, callbacks=[mc, rlr], class_weight=dict(enumerate(weights)))
";
    let parsed = parse(code, &super::base()).expect("reads");
    let c = parsed.config;
    let checkpoint = Checkpoint { monitor: Monitor::ValAccuracy, mode: Mode::Max, save_best_only: true };
    assert_eq!(c.checkpoint, Some(checkpoint));
    let reduce = ReduceLr { factor: 0.5, patience: 2, min_lr: 1e-4, ..ReduceLr::default() };
    assert_eq!((c.reduce_lr, c.class_weight, c.shuffle), (Some(reduce), Some(ClassWeight::Balanced), true));
    let noted = parsed.notes.iter().any(|n| n.contains("ModelCheckpoint") && n.contains("best_model.h5"));
    assert!(noted, "{:?}", parsed.notes);
    let cases: [(&str, Option<ClassWeight>, bool); 4] = [
        ("class_weight={0: 1, 1: 2.5}, shuffle=False", Some(ClassWeight::Given(vec![1.0, 2.5])), false),
        ("class_weight={1: 4.0}", Some(ClassWeight::Given(vec![1.0, 4.0])), true),
        ("class_weight=dict(enumerate([0.5, 2]))", Some(ClassWeight::Given(vec![0.5, 2.0])), true),
        ("class_weight=None", None, true),
    ];
    for (args, want, shuffle) in cases {
        let code = format!("model = keras.Sequential([layers.Dense(1)])\nmodel.fit(x, y, {args})");
        let c = parse(&code, &super::base()).unwrap_or_else(|e| panic!("{args}: {e}")).config;
        assert_eq!((c.class_weight, c.shuffle), (want, shuffle), "{args}");
    }
    for (args, needle) in [
        ("class_weight='balanced'", "class_weight is a dict"),
        ("callbacks=[ReduceLROnPlateau(factor=1.5)]", "`factor` of ReduceLROnPlateau"),
        ("callbacks=[ModelCheckpoint('m.keras', monitor='val_auc')]", "ModelCheckpoint monitors"),
        ("callbacks=[ModelCheckpoint('m.keras', save_freq=100)]", "save_freq"),
    ] {
        let code = format!("model = keras.Sequential([layers.Dense(1)])\nmodel.fit(x, y, {args})");
        let err = parse(&code, &super::base()).expect_err(args).to_string();
        assert!(err.contains(needle) && err.starts_with("line 2"), "{args}: {err}");
    }
}

#[test]
fn tokenizer_arguments_round_trip_and_read() {
    let base = RunConfig::preset("m4_pooled").expect("preset");
    let text = |f: &dyn Fn(&mut TextConfig)| {
        let mut c = base.clone();
        f(&mut c.text);
        c
    };
    for c in [
        text(&|t| t.oov_token = Some("<OOV>".into())),
        text(&|t| (t.tokens, t.lower) = (TokenUnit::Char, false)),
        text(&|t| t.filters = "!?\"\\\t\n'".into()),
    ] {
        round_trip(&c);
        assert!(to_code(&c).contains("tokenizer = Tokenizer(num_words=num_words, "), "{}", to_code(&c));
    }
    assert!(!to_code(&base).contains("tokenizer = "), "Keras' defaults write no Tokenizer");
    let korean = text(&|t| (t.normalize, t.stopwords) = (Normalize::Korean, vec!["의".into()]));
    assert!(to_code(&korean).contains("가-힣") && to_code(&korean).contains("stopwords after splitting: 의"));
    let model = "\nmodel = keras.Sequential([layers.Dense(1)])";
    let cell = format!("tokenizer = Tokenizer(5000, oov_token='<UNK>', lower=False){model}");
    let parsed = parse(&cell, &super::base()).expect("reads");
    let want = TextConfig { oov_token: Some("<UNK>".into()), lower: false, ..TextConfig::default() };
    assert_eq!((parsed.config.num_words, parsed.config.text), (5000, want));
    let cell = format!("t = Tokenizer(num_words=100, char_level='yes', split=','){model}");
    let parsed = parse(&cell, &super::base()).expect("bad Tokenizer arguments are notes");
    assert_eq!(parsed.config.text, TextConfig::default());
    let noted = |s: &str| parsed.notes.iter().any(|n| n.starts_with("line 1") && n.contains(s));
    assert!(noted("char_level") && noted("split=','"), "{:?}", parsed.notes);
}
