//! Callbacks and class weights in whole runs on the synthetic corpus.

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::dto::{Checkpoint, ClassWeight, EarlyStopping, Mode, Monitor, ReduceLr, RunConfig, RunEvent};
use kiln::error::KilnError;
use kiln::train::{Run, block_on};

fn config(pairs: &[(&str, &str)]) -> RunConfig {
    let mut all = vec![
        ("model", "pooled"),
        ("data", "imdb-1k"),
        ("maxlen", "8"),
        ("num_words", "40"),
        ("batch_size", "16"),
        ("lr", "0.02"),
    ];
    all.extend_from_slice(pairs);
    RunConfig::from_pairs(all).unwrap()
}

/// A run on 64 training and 32 test reviews, ready to step.
fn start(cfg: RunConfig) -> Result<Run, KilnError> {
    let imdb = crate::common::corpus(96);
    let data = Dataset::imdb(&imdb, &crate::common::split(64, 96), cfg.data)?;
    Run::new(cfg, &data, &Device::flex())
}

/// Every event up to and including "done".
fn events(run: &mut Run) -> Vec<RunEvent> {
    let mut out = Vec::new();
    loop {
        let event = block_on(run.next()).unwrap();
        let done = matches!(event, RunEvent::Done { .. });
        out.push(event);
        if done {
            return out;
        }
    }
}

/// (epoch, loss, val_loss, val_accuracy, learning_rate, notes) of each epoch event.
type EpochRow = (usize, f64, f64, f64, f64, Vec<String>);

fn epochs(events: &[RunEvent]) -> Vec<EpochRow> {
    let row = |e: &RunEvent| match e {
        RunEvent::Epoch { epoch, loss, val_loss, val_accuracy, learning_rate, notes, .. } => {
            Some((*epoch, *loss, *val_loss, *val_accuracy, *learning_rate, notes.clone()))
        }
        _ => None,
    };
    events.iter().filter_map(row).collect()
}

#[test]
fn reduce_lr_on_plateau_lowers_the_rate_the_next_epochs_train_with() {
    // min_delta 100: only epoch 1 improves, so every later epoch is a plateau.
    let plateau = ReduceLr { factor: 0.5, patience: 1, min_delta: 100.0, ..ReduceLr::default() };
    let mut cfg = config(&[("epochs", "4")]);
    cfg.reduce_lr = Some(plateau.clone());
    let rows = epochs(&events(&mut start(cfg.clone()).unwrap()));
    let rates: Vec<f64> = rows.iter().map(|r| r.4).collect();
    assert_eq!(rates, [0.02, 0.02, 0.01, 0.005]);
    assert_eq!(rows[1].5, ["Epoch 2: ReduceLROnPlateau reducing learning rate to 0.01."]);
    assert!(rows[0].5.is_empty(), "{:?}", rows[0].5);
    // The trainer really uses it: at a near-zero rate the weights stop moving, so
    // epochs 3 and 4 validate to the same loss; at the unreduced rate they do not.
    for (factor, frozen) in [(1e-9, true), (0.999_999, false)] {
        cfg.reduce_lr = Some(ReduceLr { factor, ..plateau.clone() });
        let rows = epochs(&events(&mut start(cfg.clone()).unwrap()));
        let (v3, v4) = (rows[2].2, rows[3].2);
        assert_eq!((v3 - v4).abs() < 1e-6, frozen, "factor {factor}: val_loss {v3} then {v4}");
    }
}

#[test]
fn restore_checkpoint_brings_back_the_checkpoint_epochs_accuracy() {
    // Validation on the test set (validation_split 0), so the checkpoint epoch's
    // val_loss/val_accuracy are what the restored model must score on the test set.
    // mode max on val_loss keeps the worst epoch: an early one, not the last.
    let mut cfg = config(&[("epochs", "5")]);
    cfg.checkpoint = Some(Checkpoint { monitor: Monitor::ValLoss, mode: Mode::Max, save_best_only: true });
    let mut run = start(cfg).unwrap();
    assert!(block_on(run.restore_checkpoint()).unwrap_err().to_string().contains("after training"));
    let all = events(&mut run);
    let rows = epochs(&all);
    let best = rows.iter().fold(&rows[0], |b, r| if r.2 > b.2 { r } else { b });
    let Some(RunEvent::Done { checkpoint_epoch, test_accuracy: final_accuracy, restored_epoch: None, .. }) = all.last()
    else {
        panic!("{:?}", all.last())
    };
    assert_eq!(*checkpoint_epoch, Some(best.0));
    assert!(best.0 < 5, "val_loss should fall: {rows:?}");
    let improved = rows.iter().filter(|r| r.5.iter().any(|n| n.contains("improved from"))).count();
    assert!(improved >= 1 && rows[0].5[0].starts_with("Epoch 1: val_loss improved from None to "), "{rows:?}");
    for _ in 0..2 {
        match block_on(run.restore_checkpoint()).unwrap() {
            RunEvent::Done { test_loss, test_accuracy, restored_epoch, checkpoint_epoch, .. } => {
                assert_eq!((restored_epoch, checkpoint_epoch), (Some(best.0), Some(best.0)));
                assert!((test_loss - best.2).abs() < 1e-6 && (test_accuracy - best.3).abs() < 1e-9);
                assert!(test_loss > rows[4].2, "the restored model is the earlier, worse one");
            }
            other => panic!("{other:?}"),
        }
    }
    // The page's metrics follow the restored weights too.
    assert!((run.evaluation(0.5).unwrap().accuracy - best.3).abs() < 1e-9, "final accuracy was {final_accuracy}");
}

#[test]
fn a_run_without_checkpoint_has_nothing_to_restore() {
    let mut run = start(config(&[("epochs", "1")])).unwrap();
    let done = events(&mut run);
    assert!(matches!(done.last(), Some(RunEvent::Done { checkpoint_epoch: None, .. })));
    let err = block_on(run.restore_checkpoint()).unwrap_err().to_string();
    assert!(err.contains("no ModelCheckpoint"), "{err}");
}

#[test]
fn early_stopping_notes_say_when_it_stopped_and_what_it_restored() {
    let mut cfg = config(&[("epochs", "10"), ("validation_split", "0.25")]);
    // Keras' defaults (val_loss, mode auto) for what is not given.
    let es = r#"{"patience": 2, "min_delta": 100.0, "restore_best_weights": true}"#;
    cfg.early_stopping = Some(serde_json::from_str::<EarlyStopping>(es).unwrap());
    let rows = epochs(&events(&mut start(cfg).unwrap()));
    assert_eq!(rows.len(), 3);
    let last = &rows[2].5;
    assert_eq!(last, &["Epoch 3: early stopping", "Restoring model weights from the end of the best epoch: 1."]);
}

/// The first step's batch loss and the first epoch's (loss, val_loss).
fn first_losses(class_weight: Option<ClassWeight>) -> (f64, f64, f64) {
    let mut cfg = config(&[("epochs", "1"), ("validation_split", "0.25")]);
    cfg.class_weight = class_weight;
    let all = events(&mut start(cfg).unwrap());
    let batch = all.iter().find_map(|e| match e {
        RunEvent::Step { batch_loss, .. } => Some(*batch_loss),
        _ => None,
    });
    let rows = epochs(&all);
    (batch.unwrap(), rows[0].1, rows[0].2)
}

#[test]
fn class_weights_change_the_training_loss_but_not_validation() {
    let (batch, loss, val) = first_losses(None);
    let (w_batch, w_loss, w_val) = first_losses(Some(ClassWeight::Given(vec![1.0, 3.0])));
    // At the start every sample's loss is about ln 2, so weights 1 and 3 about double it.
    let ratio = w_batch / batch;
    assert!((1.5..2.5).contains(&ratio), "first batch: {w_batch} vs {batch}");
    assert!(w_loss > 1.5 * loss, "epoch loss {w_loss} vs {loss}");
    assert!(w_val < 1.0 && val < 1.0, "validation is unweighted: {w_val}, {val}");
    // The corpus is balanced, so "balanced" weighs both classes 1: the same run exactly.
    assert_eq!(first_losses(Some(ClassWeight::Balanced)), (batch, loss, val));
    let mut cfg = config(&[]);
    cfg.class_weight = Some(ClassWeight::Given(vec![1.0, 2.0, 3.0]));
    let err = start(cfg).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("class_weight") && err.contains("has 3 weights but the data has 2 classes"), "{err}");
}
