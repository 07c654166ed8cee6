//! EarlyStopping, ModelCheckpoint and ReduceLROnPlateau against Keras 3 itself on
//! scripted logs (tests/fixtures/callbacks_keras.json, made by
//! tools/keras_ref/callbacks.py), class weights against Keras' weighted loss, and
//! both in whole runs on the tiny synthetic corpus.
#![cfg(not(target_family = "wasm"))]

mod common;

#[path = "callbacks/runs.rs"]
mod runs;

use burn::prelude::{Device, Tensor, TensorData};
use kiln::dto::{Checkpoint, ClassWeight, EarlyStopping, Mode, Monitor, ReduceLr, RunConfig};
use kiln::model::Head;
use kiln::train::callbacks::{Callbacks, EpochLogs};
use kiln::train::{Targets, class_weights, loss_and_correct};
use serde_json::Value;

fn fixture() -> Value {
    let path = format!("{}/../tests/fixtures/callbacks_keras.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture parses")
}

/// The callback a fixture case configures, on an otherwise empty run.
fn callbacks(case: &Value) -> Callbacks {
    let c = &case["config"];
    let monitor: Monitor = serde_json::from_value(c["monitor"].clone()).expect("monitor");
    let mode: Mode = serde_json::from_value(c["mode"].clone()).expect("mode");
    let f = |key: &str, default: f64| c[key].as_f64().unwrap_or(default);
    let n = |key: &str, default: u64| c[key].as_u64().unwrap_or(default) as usize;
    let b = |key: &str| c[key].as_bool().unwrap_or(false);
    let mut config: RunConfig = RunConfig::preset("m4_pooled").expect("preset");
    match case["callback"].as_str() {
        Some("early_stopping") => {
            let (patience, min_delta) = (n("patience", 0), f("min_delta", 0.0));
            let restore_best_weights = b("restore_best_weights");
            config.early_stopping = Some(EarlyStopping { monitor, mode, patience, min_delta, restore_best_weights });
        }
        Some("checkpoint") => {
            config.checkpoint = Some(Checkpoint { monitor, mode, save_best_only: b("save_best_only") });
        }
        Some("reduce_lr") => {
            let d = ReduceLr::default();
            config.reduce_lr = Some(ReduceLr {
                monitor,
                mode,
                factor: f("factor", d.factor),
                patience: n("patience", d.patience as u64),
                min_delta: f("min_delta", d.min_delta),
                cooldown: n("cooldown", 0),
                min_lr: f("min_lr", 0.0),
            });
        }
        other => panic!("unknown callback {other:?}"),
    }
    Callbacks::new(&config)
}

/// Keras' message as Kiln words it: no file path, no "finished saving" line.
fn kiln_words(note: &str) -> Option<String> {
    if note.contains("finished saving model") {
        return None;
    }
    match note.find("saving model to ") {
        Some(at) => Some(note[..at + "saving model".len()].to_string()),
        None => Some(note.to_string()),
    }
}

/// A new learning rate to 6 significant digits: Keras rounds `f32(lr) · factor` to
/// float32 again (0.01 · 0.1 → 0.0009999999), Kiln keeps the decimal (0.001).
fn rounded_rate(note: String) -> String {
    let prefix = "learning rate to ";
    let Some(at) = note.find(prefix) else { return note };
    let number = note[at + prefix.len()..].trim_end_matches('.');
    let lr: f64 = number.parse().unwrap_or_else(|_| panic!("learning rate in {note}"));
    format!("{}{lr:.5e}.", &note[..at + prefix.len()])
}

fn strings(v: &Value) -> Vec<String> {
    let notes = v.as_array().expect("list").iter().filter_map(|s| kiln_words(s.as_str().expect("string")));
    notes.map(rounded_rate).collect()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().expect("list").iter().map(|x| x.as_f64().expect("number")).collect()
}

#[test]
fn callbacks_do_what_keras_does_on_scripted_logs() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20, "{} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let mut cb = callbacks(case);
        let mut lr = case["learning_rate"].as_f64().expect("learning_rate");
        let epochs = case["epochs"].as_u64().expect("epochs") as usize;
        let (mut lrs, mut notes, mut saved, mut ran, mut stopped) = (vec![], vec![], vec![], 0, None);
        for (i, logs) in case["logs"].as_array().expect("logs").iter().enumerate().take(epochs) {
            let epoch = i + 1;
            let get = |k: &str| logs[k].as_f64().expect("log value");
            let (loss, accuracy, val_loss, val_accuracy) =
                (get("loss"), get("accuracy"), get("val_loss"), get("val_accuracy"));
            let logs = EpochLogs { loss, accuracy, val_loss, val_accuracy };
            lrs.push(lr);
            let v = cb.on_epoch_end(epoch, &logs, lr);
            notes.push(v.notes.into_iter().map(rounded_rate).collect::<Vec<_>>());
            if v.keep_checkpoint {
                saved.push(epoch);
            }
            lr = v.learning_rate.unwrap_or(lr);
            ran = epoch;
            if v.stop {
                stopped = Some(epoch);
                break;
            }
        }
        assert_eq!(ran as u64, case["epochs_run"].as_u64().unwrap(), "{name}: epochs run");
        assert_eq!(stopped.map(|e| e as u64), case["stopped_early"].as_u64(), "{name}: stopped early");
        let weights_after = cb.restore_epoch().unwrap_or(ran) as u64;
        assert_eq!(Some(weights_after), case["weights_after_training"].as_u64(), "{name}: weights after training");
        let keras_saved: Vec<usize> = numbers(&case["saved_epochs"]).iter().map(|&e| e as usize).collect();
        assert_eq!(saved, keras_saved, "{name}: epochs ModelCheckpoint saved");
        let keras_lrs = numbers(&case["learning_rates"]);
        assert_eq!(lrs.len(), keras_lrs.len(), "{name}");
        for (e, (got, want)) in lrs.iter().zip(&keras_lrs).enumerate() {
            assert!((got - want).abs() <= want * 1e-6, "{name}: epoch {} learning rate {got} vs Keras {want}", e + 1);
        }
        let keras_notes: Vec<Vec<String>> = case["notes"].as_array().unwrap().iter().map(strings).collect();
        assert_eq!(notes, keras_notes, "{name}: notes per epoch");
        assert_eq!(cb.on_train_end(), strings(&case["end_notes"]), "{name}: notes at the end");
    }
}

#[test]
fn class_weights_scale_the_loss_as_keras_does_and_leave_accuracy_alone() {
    let fixture = fixture();
    let f = &fixture["class_weight"];
    let device = Device::flex();
    let z: Vec<f32> = numbers(&f["logits"]).iter().map(|&v| v as f32).collect();
    let labels: Vec<f32> = numbers(&f["labels"]).iter().map(|&v| v as f32).collect();
    let n = z.len();
    let given = numbers(&f["given"]);
    let weights = class_weights(&ClassWeight::Given(given.clone()), &[], 2).unwrap();
    for (key, w) in [("unweighted", None), ("weighted", Some(weights))] {
        let logits = Tensor::<2>::from_data(TensorData::new(z.clone(), [n, 1]), &device);
        let targets = Targets::new(&labels, Head::Sigmoid { units: 1 }, &device);
        let w = w.map(|w| {
            let per_row: Vec<f32> = labels.iter().map(|&l| w[l as usize] as f32).collect();
            Tensor::<2>::from_data(TensorData::new(per_row, [n, 1]), &device)
        });
        let (loss, correct) = loss_and_correct(logits, targets, w);
        let loss = f64::from(loss.into_scalar::<f32>()) / n as f64;
        let accuracy = f64::from(correct.into_scalar::<f32>()) / n as f64;
        let (want_loss, want_acc) = (f[key]["loss"].as_f64().unwrap(), f[key]["accuracy"].as_f64().unwrap());
        assert!((loss - want_loss).abs() < 1e-5, "{key}: loss {loss} vs Keras {want_loss}");
        assert_eq!(accuracy, want_acc, "{key}: accuracy");
    }
    let first_6: Vec<u32> = numbers(&f["labels"]).iter().take(6).map(|&l| l as u32).collect();
    assert_eq!(class_weights(&ClassWeight::Balanced, &first_6, 2).unwrap(), numbers(&f["balanced_of_first_6"]));
}

#[test]
fn bad_class_weights_are_clear_errors() {
    let cases: [(ClassWeight, &[u32], &str); 3] = [
        (ClassWeight::Given(vec![1.0, 2.0, 3.0]), &[0, 1], "has 3 weights but the data has 2 classes"),
        (ClassWeight::Given(vec![1.0]), &[0, 1], "has 1 weights but the data has 2 classes"),
        (ClassWeight::Balanced, &[0, 0, 2], "class 1 has no training rows"),
    ];
    for (weights, labels, needle) in cases {
        let classes = if needle.contains("class 1") { 3 } else { 2 };
        let err = class_weights(&weights, labels, classes).unwrap_err().to_string();
        assert!(err.contains(needle) && err.contains("class_weight"), "{weights:?}: {err}");
    }
}
