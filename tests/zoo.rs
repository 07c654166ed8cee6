//! The model zoo: every preset's summary equals Keras 3's (tests/fixtures/zoo_keras.json, from
//! tools/keras_ref/zoo.py), every preset validates and round-trips, and every architecture
//! overfits one small batch.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::prelude::Device;
use kiln::data::{Encoded, Labelled};
use kiln::dto::{LayerConfig, Preset, RunConfig, Summary, TextConfig, presets};
use kiln::model::build;
use kiln::text::TextPipeline;
use kiln::train::{Trainer, block_on};
use serde::Deserialize;

const FIXTURE: &str = include_str!("fixtures/zoo_keras.json");

/// One Keras model as zoo.py recorded it.
#[derive(Deserialize)]
struct KerasModel {
    /// The preset it was built from; the key itself may name a variant (`…@20`).
    preset: String,
    /// A variant: the last Dense layer with this many units.
    #[serde(default)]
    classes: Option<usize>,
    /// `[name, class, output shape, params]` per layer, as `model.summary()` prints them.
    layers: Vec<(String, String, Vec<Option<usize>>, usize)>,
    total: usize,
    trainable: usize,
    non_trainable: usize,
    /// The total the notebook's own `model.summary()` printed (Keras 2), where it printed one.
    #[serde(default)]
    notebook_total: Option<usize>,
}

#[derive(Deserialize)]
struct Fixture {
    keras: String,
    models: std::collections::BTreeMap<String, KerasModel>,
}

fn fixture() -> Fixture {
    serde_json::from_str(FIXTURE).expect("tests/fixtures/zoo_keras.json parses")
}

/// `presets()` as JSON at `$KILN_PRESETS_JSON`, for tools/keras_ref/zoo.py.
#[test]
#[ignore = "writes the presets for tools/keras_ref/zoo.py"]
fn dump_presets() {
    let path = std::env::var("KILN_PRESETS_JSON").expect("KILN_PRESETS_JSON names the output file");
    std::fs::write(path, serde_json::to_string_pretty(&presets()).unwrap()).unwrap();
}

fn layers_for(preset: &Preset, classes: Option<usize>) -> Vec<LayerConfig> {
    let mut layers = preset.config.layers.clone();
    if let (Some(n), Some(LayerConfig::Dense(d))) = (classes, layers.last_mut()) {
        d.units = n;
    }
    layers
}

#[test]
fn every_preset_has_keras_summary() {
    let fixture = fixture();
    assert!(fixture.keras.starts_with("3."), "fixture from Keras {}", fixture.keras);
    let all = presets();
    for preset in &all {
        assert!(
            fixture.models.values().any(|m| m.preset == preset.name),
            "{}: no Keras reference (run zoo.py)",
            preset.name
        );
    }
    let device = Device::flex();
    for (key, keras) in &fixture.models {
        let preset =
            all.iter().find(|p| p.name == keras.preset).unwrap_or_else(|| panic!("{key}: no preset {}", keras.preset));
        let cfg = &preset.config;
        let built = build(&layers_for(preset, keras.classes), cfg.num_words, cfg.maxlen, cfg.seed, &device)
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        let Summary { rows, total_params, trainable_params, non_trainable_params } = built.summary;
        assert_eq!(rows.len(), keras.layers.len(), "{key}: layer count");
        for (i, (row, (name, class, shape, params))) in rows.iter().zip(&keras.layers).enumerate() {
            let at = format!("{key} layer {} ({name})", i + 1);
            assert_eq!(&row.name, name, "{at}: name");
            assert_eq!(&row.kind, class, "{at}: class");
            assert_eq!(&row.output_shape, shape, "{at}: output shape");
            assert_eq!(row.params, *params, "{at}: params");
        }
        assert_eq!(
            (total_params, trainable_params, non_trainable_params),
            (keras.total, keras.trainable, keras.non_trainable),
            "{key}: total / trainable / non-trainable"
        );
        if let Some(printed) = keras.notebook_total {
            assert_eq!(total_params, printed, "{key}: the notebook's model.summary() total");
        }
    }
}

#[test]
fn notebook_totals_are_checked() {
    // The totals the notebooks print: seed 001's SimpleRNN×2, LSTM×2, CNN+LSTM; seed 002's four models.
    let fixture = fixture();
    let printed: Vec<(&str, usize)> =
        fixture.models.values().filter_map(|m| m.notebook_total.map(|t| (m.preset.as_str(), t))).collect();
    for (name, total) in
        [("s001_simple_rnn2", 589_417), ("s001_lstm2", 278_817), ("s001_cnn_lstm", 547_137), ("s002_lstm", 213_301)]
    {
        assert!(printed.contains(&(name, total)), "{name}: {total} not in {printed:?}");
    }
}

#[test]
fn every_preset_validates_and_round_trips() {
    let all = presets();
    let unique: std::collections::HashSet<_> = all.iter().map(|p| &p.name).collect();
    assert_eq!(unique.len(), all.len(), "duplicate preset names");
    for preset in &all {
        preset.config.validate().unwrap_or_else(|e| panic!("{}: {e}", preset.name));
        assert_eq!(preset.config.model, preset.name);
        assert_eq!(RunConfig::preset(&preset.name).unwrap(), preset.config, "{}", preset.name);
        let json = serde_json::to_string(preset).unwrap();
        let back: Preset = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, preset, "{}: serde round trip", preset.name);
        assert!(
            preset.keras_accuracy.is_none() || !preset.name.starts_with('s'),
            "{}: keras_accuracy is measured, not copied",
            preset.name
        );
        if let Some(acc) = preset.notebook_accuracy {
            assert!((0.5..1.0).contains(&acc), "{}: notebook accuracy {acc}", preset.name);
        }
    }
}

/// Every seed-notebook architecture, shrunk (8-wide embeddings, recurrent and conv layers; maxlen
/// 20, or the shortest its conv stack accepts, so that valid pooling drops no step of the short
/// reviews), learns 16 synthetic reviews on the CPU with adam(0.01) and the preset's loss: the loss
/// falls below half its start and below 0.35. (rmsprop(0.01), seed 003's optimizer, sits at ln 2
/// for the whole budget on the deep GloVe CNN, whose activations start near 0.01; adam does not.)
#[test]
fn every_zoo_architecture_overfits_one_batch() {
    const WORDS: usize = 50;
    const STEPS: usize = 60;
    let imdb = common::corpus(16);
    let pipeline = TextPipeline::fit(&TextConfig::default(), WORDS, &imdb.texts).unwrap();
    let part = Labelled { texts: imdb.texts.clone(), labels: imdb.labels.iter().map(|&l| u32::from(l)).collect() };
    let rows: Vec<usize> = (0..16).collect();
    let device = Device::flex();
    let mut failures = Vec::new();
    for preset in presets().into_iter().filter(|p| p.name.starts_with('s')) {
        let mut config = preset.config.clone();
        config.num_words = WORDS;
        config.set("optimizer", "adam").unwrap();
        config.set("lr", "0.01").unwrap();
        common::shrink(&mut config);
        let train_device = device.clone().autodiff();
        let Some((maxlen, built)) =
            (20..=400).find_map(|n| build(&config.layers, WORDS, n, 7, &train_device).ok().map(|b| (n, b)))
        else {
            failures.push(format!("{}: no maxlen up to 400 builds", preset.name));
            continue;
        };
        config.maxlen = maxlen;
        let data = Encoded::new(&pipeline, &part, maxlen, config.padding, config.truncating);
        let mut trainer = Trainer::new(built.model, built.head, &config, device.clone());
        let mut losses = Vec::with_capacity(STEPS);
        for s in 1..=STEPS {
            match block_on(trainer.step(&data, &rows, (1, s))) {
                Ok(m) => losses.push(m.loss),
                Err(e) => {
                    failures.push(format!("{}: step {s}: {e}", preset.name));
                    break;
                }
            }
        }
        if let (Some(&first), Some(&last)) = (losses.first(), losses.last())
            && losses.len() == STEPS
            && !(last < 0.5 * first && last < 0.35)
        {
            failures
                .push(format!("{} (maxlen {maxlen}): loss {first:.3} → {last:.3} after {STEPS} steps", preset.name));
        }
    }
    assert!(failures.is_empty(), "{} presets did not overfit:\n{}", failures.len(), failures.join("\n"));
}
