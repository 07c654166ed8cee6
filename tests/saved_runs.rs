//! Saved runs natively: save → resume gives the same predictions, a run resumed at an epoch's
//! start draws the same curve as the uninterrupted one, and bad files are refused with a reason.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::dto::{RunConfig, RunEvent};
use kiln::train::{Run, block_on};

/// burn's CPU generator is one per process: tests that compare dropout draws take turns.
static RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn config(model: &str, pairs: &[(&str, &str)]) -> RunConfig {
    let mut all = vec![("model", model), ("data", "imdb-1k"), ("maxlen", "100"), ("num_words", "40"), ("batch_size", "8")];
    all.extend_from_slice(pairs);
    let mut config = RunConfig::from_pairs(all).unwrap();
    common::shrink(&mut config);
    config
}

fn data(n: usize) -> Dataset {
    let imdb = common::corpus(n);
    Dataset::imdb(&imdb, &common::split(n * 4 / 5, n), kiln::dto::DatasetName::Imdb1k).unwrap()
}

/// Events until (and including) the `epochs`-th "epoch" event, as a loss trace.
fn train_epochs(run: &mut Run, epochs: usize) -> Vec<f64> {
    let mut trace = vec![];
    let mut seen = 0;
    while seen < epochs {
        match block_on(run.next()).unwrap() {
            RunEvent::Step { batch_loss, .. } => trace.push(batch_loss),
            RunEvent::Epoch { val_loss, .. } => {
                trace.push(val_loss);
                seen += 1;
            }
            RunEvent::Done { .. } => panic!("the run ended before {epochs} epochs"),
            RunEvent::Prepared { .. } => {}
        }
    }
    trace
}

fn finish(run: &mut Run) -> (f64, Vec<f64>) {
    let RunEvent::Done { test_loss, history, .. } = block_on(run.finish()).unwrap() else { panic!("no done event") };
    (test_loss, history.loss)
}

/// Every kind of weight the zoo has: embedding, dense, LSTM, GRU, Bidirectional, Conv1D,
/// BatchNormalization, with dropout drawing from the generator.
const MODELS: [&str; 6] = ["pooled", "s002_lstm_dropout", "s001_cnn_bn", "s000_bilstm", "s001_simple_rnn2", "s003_cnn_lstm"];

#[test]
fn resumed_at_an_epoch_start_the_curve_is_the_uninterrupted_one() {
    let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
    for model in MODELS {
        let data = data(40);
        let cfg = config(model, &[("epochs", "2")]);
        let mut straight = Run::new(cfg.clone(), &data, &Device::flex()).unwrap();
        let whole = train_epochs(&mut straight, 2);
        let done = finish(&mut straight);

        let mut first = Run::new(cfg, &data, &Device::flex()).unwrap();
        let mut trace = train_epochs(&mut first, 1);
        let bytes = block_on(first.save()).unwrap();
        drop(first);
        let mut resumed = Run::resume(&bytes, &data, &Device::flex(), None).unwrap();
        let RunEvent::Prepared { notes, .. } = block_on(resumed.next()).unwrap() else { panic!("{model}: no prepared") };
        assert!(notes.iter().any(|n| n.contains("Resumed at epoch 2, step 0")), "{model}: {notes:?}");
        trace.extend(train_epochs(&mut resumed, 1));
        assert_eq!(trace, whole, "{model}: the resumed curve differs");
        assert_eq!(finish(&mut resumed), done, "{model}: the resumed run ends elsewhere");
    }
}

#[test]
fn a_saved_finished_run_predicts_the_same() {
    let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
    let data = data(40);
    let mut run = Run::new(config("s002_lstm_dropout", &[("epochs", "1")]), &data, &Device::flex()).unwrap();
    train_epochs(&mut run, 1);
    let (test_loss, _) = finish(&mut run);
    let bytes = block_on(run.save()).unwrap();
    let saved = Run::read_saved(&bytes).unwrap();
    assert!(saved.finished && !saved.optimizer.is_empty());
    let mut opened = Run::resume(&bytes, &data, &Device::flex(), None).unwrap();
    let RunEvent::Prepared { notes, .. } = block_on(opened.next()).unwrap() else { panic!() };
    assert!(notes[0].starts_with("Opened a saved run trained for 1 epochs"), "{notes:?}");
    let RunEvent::Done { test_loss: again, .. } = block_on(opened.next()).unwrap() else { panic!("no done") };
    assert_eq!(again, test_loss);
    for text in ["great wonderful film", "awful boring plot", "unseen words only"] {
        let a = block_on(run.predict(text)).unwrap();
        let b = block_on(opened.predict(text)).unwrap();
        assert_eq!(a, b, "{text}");
    }
    assert_eq!(opened.evaluation(0.5).unwrap(), run.evaluation(0.5).unwrap());
}

#[test]
fn a_run_paused_mid_epoch_carries_on_from_that_step() {
    let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
    let data = data(40);
    let mut run = Run::new(config("pooled", &[("epochs", "1")]), &data, &Device::flex()).unwrap();
    block_on(run.next()).unwrap(); // prepared
    block_on(run.next()).unwrap(); // step 1
    block_on(run.next()).unwrap(); // step 2
    let bytes = block_on(run.save()).unwrap();
    let mut resumed = Run::resume(&bytes, &data, &Device::flex(), None).unwrap();
    block_on(resumed.next()).unwrap(); // prepared
    // No dropout in this model: steps 3 and 4 and the epoch's end are the uninterrupted
    // run's, running means included.
    let RunEvent::Step { step: 3, steps: 4, .. } = block_on(resumed.next()).unwrap() else { panic!("not step 3 of 4") };
    block_on(run.next()).unwrap();
    for _ in 0..2 {
        let (a, b) = (block_on(run.next()).unwrap(), block_on(resumed.next()).unwrap());
        assert_eq!(a, b);
    }
}

#[test]
fn bad_run_files_are_refused_with_a_reason() {
    let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
    let data = data(40);
    let mut run = Run::new(config("pooled", &[("epochs", "1")]), &data, &Device::flex()).unwrap();
    train_epochs(&mut run, 1);
    let bytes = block_on(run.save()).unwrap();
    let other = self::data(60);
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped.truncate(last / 2);
    let mut foreign_model = Run::new(config("s000_lstm", &[("epochs", "1")]), &data, &Device::flex()).unwrap();
    train_epochs(&mut foreign_model, 1);
    let lstm = block_on(foreign_model.save()).unwrap();
    assert!(Run::read_saved(&lstm).is_ok());
    let cases: [(&str, Vec<u8>, &Dataset, &str); 4] = [
        ("empty", vec![], &data, "not a readable Kiln run file"),
        ("truncated", flipped, &data, "not a readable Kiln run file"),
        ("other data", bytes.clone(), &other, "open the run's data first"),
        ("json", br#"{"format":"kiln-run"}"#.to_vec(), &data, "not a readable Kiln run file"),
    ];
    for (what, file, data, expected) in cases {
        let err = Run::resume(&file, data, &Device::flex(), None).err().unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(err.to_string().contains(expected), "{what}: {err}");
    }
    // A weight layout from another model: the arrays do not fit.
    let mut model = run.trainer().model().clone();
    let weights = block_on(foreign_model.trainer().model().read_weights()).unwrap();
    let err = model.load_weights(&weights).unwrap_err().to_string();
    assert!(err.contains("do not fit this model"), "{err}");
}
