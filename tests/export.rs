//! Exports natively: `.npy` bytes equal numpy's, `tokenizer.to_json()` equals Keras 2's
//! (fixtures from `tools/keras_ref/export.py`), and for every preset the Keras zip's layout,
//! its `weights.npz` read back equal to the model's weights, and the TF.js `model.json`'s
//! topology and manifest; a GRU is refused for TF.js with the reason.
#![cfg(not(target_family = "wasm"))]

mod common;

use std::io::Read;

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::dto::{LayerConfig, RunConfig, presets};
use kiln::export::{npy, read_npz, tokenizer_json};
use kiln::text::{Tokenizer, TokenizerConfig, KERAS_FILTERS};
use kiln::train::{Run, block_on};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/export_keras.json")).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn npy_bytes_are_numpys() {
    for case in fixture()["npy"].as_array().unwrap() {
        let shape: Vec<usize> = serde_json::from_value(case["shape"].clone()).unwrap();
        let values: Vec<f32> = case["values"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        assert_eq!(hex(&npy(&shape, &values).unwrap()), case["hex"].as_str().unwrap(), "shape {shape:?}");
    }
    assert!(npy(&[2, 3], &[1.0; 5]).is_err(), "a shape that does not fit the values is refused");
}

/// The JSON strings inside Keras' config, parsed.
fn inner(config: &Value, key: &str) -> Value {
    serde_json::from_str(config[key].as_str().unwrap_or_else(|| panic!("{key} is not a string"))).unwrap()
}

#[test]
fn tokenizer_json_is_keras_to_json() {
    let f = fixture();
    let train: Vec<String> = serde_json::from_value(f["train"].clone()).unwrap();
    for case in f["tokenizers"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let args = &case["args"];
        let mut tokenizer = Tokenizer::new(TokenizerConfig {
            num_words: args["num_words"].as_u64().map(|n| n as usize),
            filters: args["filters"].as_str().unwrap_or(KERAS_FILTERS).to_string(),
            lower: args["lower"].as_bool().unwrap_or(true),
            split: ' ',
            oov_token: args["oov_token"].as_str().map(str::to_string),
            char_level: args["char_level"].as_bool().unwrap_or(false),
        });
        tokenizer.fit_on_texts(train.iter().map(String::as_str));
        let ours_text = tokenizer_json(&tokenizer);
        let keras_text = case["to_json"].as_str().unwrap();
        let ours: Value = serde_json::from_str(&ours_text).unwrap();
        let keras: Value = serde_json::from_str(keras_text).unwrap();
        assert_eq!(ours["class_name"], "Tokenizer");
        let (o, k) = (&ours["config"], &keras["config"]);
        for key in ["num_words", "filters", "lower", "split", "char_level", "oov_token", "document_count"] {
            assert_eq!(o[key], k[key], "{name}: {key}");
        }
        for key in ["word_counts", "word_docs", "index_docs", "index_word", "word_index"] {
            assert_eq!(inner(o, key), inner(k, key), "{name}: {key}");
        }
        // Everything but the set-ordered dicts is Keras' text exactly (key order and escapes).
        for key in ["word_counts", "index_word", "word_index", "filters"] {
            assert_eq!(o[key], k[key], "{name}: {key} as text");
        }
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(o), keys(k), "{name}: config keys");
    }
}

fn data(n: usize) -> Dataset {
    let imdb = common::corpus(n);
    Dataset::imdb(&imdb, &common::split(n * 4 / 5, n), kiln::dto::DatasetName::Imdb1k).unwrap()
}

/// A preset shrunk for a fast test: small vocabulary, narrow layers (its maxlen: the
/// convolutions and poolings need it).
fn small(config: &RunConfig) -> RunConfig {
    let mut c = config.clone();
    c.num_words = 40;
    c.epochs = 1;
    c.batch_size = 8;
    c.validation_split = 0.0;
    common::shrink(&mut c);
    c
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}")).1
}

fn has_gru(layers: &[LayerConfig]) -> bool {
    layers.iter().any(|l| match l {
        LayerConfig::Gru(_) => true,
        LayerConfig::Bidirectional(b) => matches!(*b.layer, LayerConfig::Gru(_)),
        _ => false,
    })
}

/// One preset: the Keras zip's files, npz round trip, expected.json, and the TF.js model.json.
fn check(config: RunConfig, data: &Dataset) {
    let name = config.model.clone();
    let mut run = Run::new(config.clone(), data, &Device::flex()).unwrap();
    block_on(run.finish()).unwrap();
    let weights = block_on(run.trainer().model().read_weights()).unwrap();

    let files = unzip(&block_on(run.export_keras()).unwrap());
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(names, ["expected.json", "model.py", "tokenizer.json", "weights.npz"], "{name}");

    let arrays = read_npz(file(&files, "weights.npz")).unwrap();
    let ours: Vec<_> = weights.iter().flat_map(|l| &l.weights).collect();
    assert_eq!(arrays.len(), ours.len(), "{name}: one array per weight");
    for (a, w) in arrays.iter().zip(&ours) {
        assert!(a.name.ends_with(&format!(".{}", w.name)), "{name}: {} for {}", a.name, w.name);
        assert_eq!((&a.shape, &a.values), (&w.shape, &w.values), "{name}: {}", a.name);
    }

    let py = String::from_utf8(file(&files, "model.py").to_vec()).unwrap();
    for a in &arrays {
        assert!(py.contains(&format!("\"{}\"", a.name)), "{name}: model.py does not load {}", a.name);
    }
    for layer in &config.layers {
        assert!(py.contains(&format!("layers.{}(", layer.class_name())), "{name}: model.py lacks {}", layer.class_name());
    }

    let expected: Value = serde_json::from_slice(file(&files, "expected.json")).unwrap();
    let rows = expected["x"].as_array().unwrap();
    assert_eq!(rows.len(), kiln::export::SAMPLES.min(data.parts(0.2, 1).unwrap().test.texts.len()), "{name}");
    assert!(rows.iter().all(|r| r.as_array().unwrap().len() == config.maxlen), "{name}: rows of maxlen ids");
    let probs = expected["probabilities"].as_array().unwrap();
    assert_eq!(probs.len(), rows.len(), "{name}");
    for p in probs.iter().flat_map(|p| p.as_array().unwrap()) {
        let p = p.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{name}: probability {p}");
    }
    let tokenizer: Value = serde_json::from_slice(file(&files, "tokenizer.json")).unwrap();
    assert_eq!(tokenizer["class_name"], "Tokenizer", "{name}");

    if has_gru(&config.layers) {
        let err = block_on(run.export_tfjs()).unwrap_err().to_string();
        assert!(err.contains("GRU") && err.contains("reset_after"), "{name}: {err}");
        return;
    }
    let (model, bin) = block_on(run.export_tfjs_files()).unwrap();
    let topology = &model["modelTopology"]["config"]["layers"];
    assert_eq!(topology.as_array().unwrap().len(), config.layers.len(), "{name}: one topology layer per layer");
    assert_eq!(topology[0]["config"]["batch_input_shape"], serde_json::json!([null, config.maxlen]), "{name}");
    let specs = model["weightsManifest"][0]["weights"].as_array().unwrap();
    assert_eq!(specs.len(), ours.len(), "{name}");
    let mut seen = std::collections::HashSet::new();
    let mut floats = 0;
    for (spec, w) in specs.iter().zip(&ours) {
        let tf_name = spec["name"].as_str().unwrap();
        assert!(seen.insert(tf_name.to_string()), "{name}: {tf_name} twice");
        assert!(tf_name.ends_with(&format!("/{}", w.name.trim_start_matches("forward_").trim_start_matches("backward_"))), "{name}: {tf_name}");
        assert_eq!(spec["shape"], serde_json::json!(w.shape), "{name}: {tf_name}");
        floats += w.values.len();
    }
    assert_eq!(bin.len(), floats * 4, "{name}: the shard holds every value");
    // TF.js refuses Flatten on a flat tensor (Keras' no-op after global pooling): it is written as linear.
    for pair in topology.as_array().unwrap().windows(2) {
        let class = |i: usize| pair[i]["class_name"].as_str().unwrap_or_default().to_string();
        assert!(!(class(0).starts_with("Global") && class(1) == "Flatten"), "{name}: Flatten after {}", class(0));
    }
    let text = model.to_string();
    if text.contains("\"LSTM\"") {
        assert!(text.contains("\"recurrent_activation\":\"sigmoid\""), "{name}: TF.js' LSTM defaults to hard_sigmoid");
    }
}

#[test]
fn every_preset_exports_to_keras_and_tfjs() {
    let data = data(40);
    for preset in presets() {
        check(small(&preset.config), &data);
    }
}

#[test]
fn a_gru_exports_to_keras_but_tfjs_refuses_it() {
    let data = data(40);
    let mut config = small(&presets()[0].config);
    config.model = "custom_gru".into();
    config.layers = vec![LayerConfig::embedding(8), LayerConfig::bidirectional(LayerConfig::gru(8)), LayerConfig::dense(1, kiln::dto::Activation::Sigmoid)];
    check(config.clone(), &data);
    config.layers[1] = LayerConfig::gru(8);
    check(config, &data);
}

#[test]
fn subword_runs_have_no_keras_tokenizer() {
    let data = data(40);
    let mut config = small(&presets()[0].config);
    config.text.tokens = kiln::dto::TokenUnit::Bpe;
    let run = Run::new(config, &data, &Device::flex()).unwrap();
    let err = run.tokenizer_json().unwrap_err().to_string();
    assert!(err.contains("BPE") && err.contains("Tokenizer"), "{err}");
    let files = unzip(&block_on(run.export_keras()).unwrap());
    assert!(files.iter().all(|(n, _)| n != "tokenizer.json"), "no tokenizer.json for a subword run");
}
