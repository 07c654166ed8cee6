//! Models from layer lists: Keras' parameter counts, shapes and errors.

use burn::prelude::Device;
use kiln::dto::{Activation, LayerConfig, RunConfig};
use kiln::error::KilnError;
use kiln::model::build;

#[test]
fn presets_have_keras_parameter_counts() {
    // (preset, num_words, maxlen, Keras' total, per-layer params and output shapes)
    let cases: [(&str, usize, usize, usize, &[(&str, &[Option<usize>], usize)]); 2] = [
        (
            "lstm",
            5000,
            500,
            213_301,
            &[
                ("embedding", &[None, Some(500), Some(32)], 160_000),
                ("lstm", &[None, Some(100)], 53_200),
                ("dense", &[None, Some(1)], 101),
            ],
        ),
        (
            "pooled",
            10_000,
            256,
            160_289,
            &[
                ("embedding", &[None, Some(256), Some(16)], 160_000),
                ("global_average_pooling1d", &[None, Some(16)], 0),
                ("dense", &[None, Some(16)], 272),
                ("dense_1", &[None, Some(1)], 17),
            ],
        ),
    ];
    let device = Device::flex();
    for (name, num_words, maxlen, total, rows) in cases {
        let config = RunConfig::preset(name).unwrap();
        assert_eq!((config.num_words, config.maxlen), (num_words, maxlen), "{name} defaults");
        let built = build(&config.layers, config.num_words, config.maxlen, 1, &device).unwrap();
        assert_eq!(built.summary.total_params, total, "{name}");
        assert_eq!(built.summary.trainable_params, total);
        let got: Vec<_> = built.summary.rows.iter().map(|r| (r.name.as_str(), r.output_shape.as_slice(), r.params)).collect();
        assert_eq!(got, rows.to_vec(), "{name}");
        // The burn module holds exactly the parameters the summary counts.
        use burn::module::Module;
        assert_eq!(built.model.num_params(), total, "{name} module");
    }
}

#[test]
fn bad_layer_lists_name_the_layer_and_shapes() {
    let dense1 = LayerConfig::dense(1, Activation::Sigmoid);
    let emb = LayerConfig::embedding;
    let gap = LayerConfig::global_average_pooling1d;
    let strided_dilated_conv = match LayerConfig::conv1d(4, 3, Activation::Relu) {
        LayerConfig::Conv1d(mut c) => {
            (c.strides, c.dilation_rate) = (2, 2);
            LayerConfig::Conv1d(c)
        }
        other => other,
    };
    let cases: Vec<(Vec<LayerConfig>, usize, &str)> = vec![
        (vec![LayerConfig::lstm(4), dense1.clone()], 1, "Embedding"),
        (vec![emb(8), dense1.clone()], 2, "(None, 10, 1) is a sequence"),
        (vec![emb(8), emb(8), dense1.clone()], 2, "first layer"),
        (vec![emb(0), gap(), dense1.clone()], 1, "output_dim"),
        (vec![emb(8), gap(), LayerConfig::dense(1, Activation::Relu)], 3, "sigmoid"),
        (vec![emb(8), LayerConfig::lstm(0), dense1.clone()], 2, "units"),
        (vec![emb(8), strided_dilated_conv, gap(), dense1.clone()], 2, "dilation_rate"),
        (vec![emb(8), LayerConfig::conv1d(4, 11, Activation::Relu), gap(), dense1.clone()], 2, "negative dimension"),
        (vec![emb(8), LayerConfig::lstm(4), LayerConfig::lstm(4), dense1.clone()], 3, "return_sequences=True"),
        (vec![emb(8), LayerConfig::bidirectional(LayerConfig::dense(4, Activation::Relu)), dense1.clone()], 2, "Bidirectional takes"),
        (vec![emb(8), gap(), LayerConfig::dense(3, Activation::Sigmoid)], 3, "3 units"),
        (vec![emb(8), gap(), LayerConfig::dense(1, Activation::Softmax)], 3, "softmax over 1 unit"),
    ];
    for (layers, index, needle) in cases {
        match build(&layers, 50, 10, 1, &Device::flex()) {
            Err(e @ KilnError::Layer { index: i, .. }) => {
                assert_eq!(i, index, "{e}");
                assert!(e.to_string().contains(needle), "`{e}` should mention `{needle}`");
            }
            Err(e) => panic!("wrong error for {layers:?}: {e}"),
            Ok(_) => panic!("{layers:?} should not build"),
        }
    }
}

#[test]
fn bad_settings_are_errors_not_panics() {
    let cases = [
        ("batch_size", "0", "batch_size"),
        ("maxlen", "0", "maxlen"),
        ("num_words", "1", "num_words"),
        ("epochs", "0", "epochs"),
        ("lr", "-1", "learning_rate"),
        ("lr", "NaN", "learning_rate"),
        ("validation_split", "1", "validation_split"),
        ("batch_size", "ten", "batch_size"),
        ("padding", "middle", "padding"),
        ("model", "transformer", "model"),
        ("data", "imdb-3k", "data"),
        ("colour", "red", "colour"),
        ("clipnorm", "-1", "clipnorm"),
        ("optimizer", "lbfgs", "optimizer"),
        ("loss", "hinge", "loss"),
    ];
    for (key, value, field) in cases {
        let err = RunConfig::from_pairs([("model", "pooled"), (key, value)]).unwrap_err();
        assert!(matches!(&err, KilnError::Config { field: f, .. } if f == field), "{key}={value}: {err}");
    }
    let ok = RunConfig::from_pairs([("model", "pooled"), ("epochs", "2"), ("lr", "0.01")]).unwrap();
    assert_eq!((ok.epochs, ok.learning_rate(), ok.batch_size), (2, 0.01, 512));
}

#[test]
fn summarize_counts_like_build_without_allocating() {
    let device = Device::flex();
    for preset in kiln::dto::presets() {
        let c = preset.config;
        let built = build(&c.layers, c.num_words, c.maxlen, 1, &device).unwrap();
        let (summary, head) = kiln::model::summarize(&c.layers, c.num_words, c.maxlen).unwrap();
        assert_eq!((summary, head), (built.summary, built.head), "{}", preset.name);
    }
    // A million-word, 300-wide embedding: 300M parameters counted, none allocated.
    let layers = [LayerConfig::embedding(300), LayerConfig::global_average_pooling1d(), LayerConfig::dense(1, Activation::Sigmoid)];
    let (summary, _) = kiln::model::summarize(&layers, 1_000_000, 500).unwrap();
    assert_eq!(summary.total_params, 300_000_000 + 301);
    let err = kiln::model::summarize(&layers[1..], 100, 5).unwrap_err().to_string();
    assert!(err.contains("first layer must be an Embedding"), "{err}");
}
