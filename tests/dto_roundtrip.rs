//! The JSON that crosses the wasm boundary has the field names of `www/src/protocol.ts`.

use kiln::dto::{History, LayerConfig, RunConfig, RunEvent, presets};
use serde_json::json;

#[test]
fn run_config_json_matches_protocol_ts() {
    // Written by hand in the shape protocol.ts declares.
    let from_ts = json!({
        "data": "imdb-1k", "model": "pooled",
        "layers": [
            {"kind": "embedding", "output_dim": 16},
            {"kind": "global_average_pooling1d"},
            {"kind": "dense", "units": 16, "activation": "relu"},
            {"kind": "dense", "units": 1, "activation": "sigmoid"}
        ],
        "num_words": 10000, "maxlen": 256, "padding": "pre", "truncating": "post",
        "batch_size": 512, "epochs": 10, "optimizer": {"kind": "adam", "learning_rate": 0.001},
        "loss": "binary_crossentropy", "validation_split": 0.0, "test_split": 0.2, "shuffle": true,
        "text": {"tokens": "word", "lower": true, "filters": "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n",
                 "normalize": "html", "reserved": false},
        "class_weight": "balanced",
        "early_stopping": {"monitor": "val_loss", "mode": "min", "patience": 2, "min_delta": 0.0, "restore_best_weights": true},
        "checkpoint": {"monitor": "val_accuracy", "mode": "max", "save_best_only": true},
        "reduce_lr": {"monitor": "val_loss", "mode": "auto", "factor": 0.5, "patience": 1, "min_delta": 0.0001,
                      "cooldown": 0, "min_lr": 0.0},
        "seed": 1234
    });
    let config: RunConfig = serde_json::from_value(from_ts.clone()).unwrap();
    assert_eq!(config.layers[1], LayerConfig::global_average_pooling1d());
    assert_eq!(serde_json::to_value(&config).unwrap(), from_ts);
}

#[test]
fn unknown_fields_and_kinds_are_rejected() {
    let mut bad = serde_json::to_value(&presets()[0].config).unwrap();
    bad["layers"][1] = json!({"kind": "transformer", "units": 4});
    let err = serde_json::from_value::<RunConfig>(bad).unwrap_err().to_string();
    assert!(err.contains("transformer"), "{err}");
    let mut extra = serde_json::to_value(&presets()[0].config).unwrap();
    extra["bacth_size"] = json!(3);
    assert!(serde_json::from_value::<RunConfig>(extra).is_err());
}

#[test]
fn events_are_type_tagged() {
    let cases = [
        (
            RunEvent::Step {
                epoch: 1,
                step: 2,
                steps: 3,
                loss: 0.5,
                accuracy: 0.75,
                batch_loss: 0.25,
                batch_accuracy: 1.0,
            },
            json!({"type": "step", "epoch": 1, "step": 2, "steps": 3, "loss": 0.5, "accuracy": 0.75, "batch_loss": 0.25, "batch_accuracy": 1.0}),
        ),
        (
            RunEvent::Epoch {
                epoch: 1,
                loss: 0.5,
                accuracy: 0.5,
                val_loss: 0.25,
                val_accuracy: 0.75,
                learning_rate: 0.001,
                notes: vec!["val_loss improved".into()],
            },
            json!({"type": "epoch", "epoch": 1, "loss": 0.5, "accuracy": 0.5, "val_loss": 0.25, "val_accuracy": 0.75,
                   "learning_rate": 0.001, "notes": ["val_loss improved"]}),
        ),
        (
            RunEvent::Done {
                test_loss: 0.5,
                test_accuracy: 0.5,
                history: History { loss: vec![0.5], ..Default::default() },
                evaluation: Box::new(kiln::metrics::evaluate(
                    &[0.75, 0.25],
                    1,
                    &[1, 0],
                    &["0".into(), "1".into()],
                    0.5,
                )),
                stopped_early: None,
                restored_epoch: Some(1),
                checkpoint_epoch: None,
            },
            json!({"type": "done", "test_loss": 0.5, "test_accuracy": 0.5,
                   "history": {"loss": [0.5], "accuracy": [], "val_loss": [], "val_accuracy": []}, "restored_epoch": 1}),
        ),
    ];
    for (event, want) in cases {
        let mut got = serde_json::to_value(&event).unwrap();
        // The evaluation's own fields are checked in tests/metrics.rs.
        if let Some(evaluation) = got.as_object_mut().unwrap().remove("evaluation") {
            assert_eq!(evaluation["accuracy"], json!(1.0), "{evaluation}");
        }
        assert_eq!(got, want);
    }
}

#[test]
fn presets_are_named_and_valid() {
    let names: Vec<_> = presets().into_iter().map(|p| p.name).collect();
    for want in ["m1_lstm", "m2_cnn", "m3_cnn_lstm", "m4_pooled", "m5_bilstm", "m1_post"] {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    let unique: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "duplicate preset names");
    // Old names still resolve.
    assert_eq!(RunConfig::preset("lstm").unwrap().model, "m1_lstm");
    assert_eq!(RunConfig::preset("pooled").unwrap().model, "m4_pooled");
    for p in presets() {
        p.config.validate().unwrap();
        assert_eq!(p.config.model, p.name);
    }
}

/// `tests/fixtures/protocol_sample.json` is also read by `tests/www/protocol.test.ts`,
/// where it must equal values typed with `protocol.ts`: one of every layer kind and
/// argument, every optimizer, loss and monitor, every event.
fn sample() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/protocol_sample.json"))
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &serde_json::Value) {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
    assert_eq!(&serde_json::to_value(&typed).unwrap(), value);
}

#[test]
fn protocol_sample_round_trips() {
    use kiln::dto::{EarlyStopping, Loss, Monitor, OptimizerConfig, Preset};
    let s = sample();
    round_trip::<RunConfig>(&s["config"]);
    round_trip::<Preset>(&s["preset"]);
    round_trip::<EarlyStopping>(&s["config"]["early_stopping"]);
    for (key, f) in [
        ("layers", round_trip::<LayerConfig> as fn(&serde_json::Value)),
        ("optimizers", round_trip::<OptimizerConfig>),
        ("losses", round_trip::<Loss>),
        ("monitors", round_trip::<Monitor>),
        ("events", round_trip::<RunEvent>),
    ] {
        let list = if key == "layers" { &s["config"]["layers"] } else { &s[key] };
        list.as_array().unwrap().iter().for_each(f);
    }
    use kiln::dto::{BaselineConfig, BaselineReport, MapPoint, Similar, Word2VecConfig, Word2VecEvent};
    s["baseline"]["configs"].as_array().unwrap().iter().for_each(round_trip::<BaselineConfig>);
    round_trip::<BaselineReport>(&s["baseline"]["report"]);
    s["word2vec"]["configs"].as_array().unwrap().iter().for_each(round_trip::<Word2VecConfig>);
    s["word2vec"]["events"].as_array().unwrap().iter().for_each(round_trip::<Word2VecEvent>);
    s["word2vec"]["similar"].as_array().unwrap().iter().for_each(round_trip::<Similar>);
    s["word2vec"]["map"].as_array().unwrap().iter().for_each(round_trip::<MapPoint>);
    // Every layer kind appears once at least.
    let kinds: std::collections::HashSet<&str> =
        s["config"]["layers"].as_array().unwrap().iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds.len(), 16, "{kinds:?}");
}

/// The page's and `kiln-train`'s `key=value` settings for text, splits, callbacks and class weights.
#[test]
fn keys_set_text_split_callback_and_class_weight_options() {
    use kiln::dto::{Checkpoint, ClassWeight, Mode, Monitor, Normalize, ReduceLr, TokenUnit};
    let c = RunConfig::from_pairs([
        ("tokens", "bpe"),
        ("lower", "0"),
        ("oov_token", "<OOV>"),
        ("normalize", "korean"),
        ("stopwords", "의, 가,,이"),
        ("reserved", "true"),
        ("test_split", "0.3"),
        ("shuffle", "false"),
        ("class_weight", "1,3"),
        ("monitor", "val_accuracy"),
        ("mode", "max"),
        ("min_delta", "0.01"),
        ("restore_best_weights", "0"),
        ("save_best_only", "0"),
        ("checkpoint", "val_accuracy"),
        ("reduce_lr_patience", "2"),
        ("reduce_lr_factor", "0.5"),
        ("reduce_lr_min_lr", "0.00001"),
    ])
    .unwrap();
    assert_eq!(c.text.tokens, TokenUnit::Bpe);
    assert!(!c.text.lower && c.text.reserved);
    assert_eq!(c.text.oov_token.as_deref(), Some("<OOV>"));
    assert_eq!(c.text.normalize, Normalize::Korean);
    assert_eq!(c.text.stopwords, ["의", "가", "이"]);
    assert_eq!((c.test_split, c.shuffle), (0.3, false));
    assert_eq!(c.class_weight, Some(ClassWeight::Given(vec![1.0, 3.0])));
    let es = c.early_stopping.clone().unwrap();
    assert_eq!((es.monitor, es.mode, es.min_delta, es.restore_best_weights), (Monitor::ValAccuracy, Mode::Max, 0.01, false));
    assert_eq!(c.checkpoint, Some(Checkpoint { monitor: Monitor::ValAccuracy, mode: Mode::Auto, save_best_only: false }));
    assert_eq!(c.reduce_lr, Some(ReduceLr { patience: 2, factor: 0.5, min_lr: 1e-5, ..ReduceLr::default() }));
    assert_eq!(RunConfig::from_pairs([("char_level", "1")]).unwrap().text.tokens, TokenUnit::Char);
    assert_eq!(RunConfig::from_pairs([("class_weight", "balanced")]).unwrap().class_weight, Some(ClassWeight::Balanced));
    for (key, value, message) in [
        ("tokens", "sentencepiece", "not one of word, char, bpe, wordpiece"),
        ("shuffle", "maybe", "not true or false"),
        ("test_split", "1", "must be in (0, 1)"),
        ("class_weight", "1,x", "not a valid number"),
        ("reduce_lr_factor", "2", "must be in (0, 1)"),
        ("mode", "up", "not one of auto, min, max"),
    ] {
        let err = RunConfig::from_pairs([(key, value)]).unwrap_err().to_string();
        assert!(err.contains(message), "{key}={value}: {err}");
    }
}
