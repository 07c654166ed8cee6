//! compile()/fit() options end to end: multi-class softmax, every optimizer with
//! clipping, EarlyStopping with restore_best_weights.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::prelude::Device;
use kiln::data::{Dataset, Imdb};
use kiln::dto::{Activation, EarlyStopping, LayerConfig, Loss, Mode, Monitor, RunConfig, RunEvent};
use kiln::error::KilnError;
use kiln::train::{Run, block_on};

fn config(pairs: &[(&str, &str)]) -> RunConfig {
    let mut all =
        vec![("model", "pooled"), ("data", "imdb-1k"), ("maxlen", "8"), ("num_words", "40"), ("batch_size", "16")];
    all.extend_from_slice(pairs);
    RunConfig::from_pairs(all).unwrap()
}

/// Every event of a run, or its error.
fn run_all(cfg: RunConfig, imdb: &Imdb, train: usize) -> Result<Vec<RunEvent>, KilnError> {
    let split = common::split(train, imdb.texts.len());
    let data = Dataset::imdb(imdb, &split, cfg.data)?;
    let mut run = Run::new(cfg, &data, &Device::flex())?;
    let mut events = Vec::new();
    loop {
        let event = block_on(run.next())?;
        let done = matches!(event, RunEvent::Done { .. });
        events.push(event);
        if done {
            return Ok(events);
        }
    }
}

/// Four classes, each with its own words.
fn four_classes(n: usize) -> Imdb {
    let words = [["sun", "beach"], ["rain", "storm"], ["snow", "ice"], ["wind", "gale"]];
    let filler = ["the", "day", "was", "very", "a", "bit"];
    let mut imdb = Imdb::default();
    for i in 0..n {
        let class = i % 4;
        imdb.texts.push(format!(
            "{} {} {} {}",
            filler[i % 6],
            words[class][i % 2],
            filler[(i / 6) % 6],
            words[class][(i / 2) % 2]
        ));
        imdb.labels.push(class as u8);
    }
    imdb
}

fn test_accuracy(events: &[RunEvent]) -> f64 {
    match events.last() {
        Some(RunEvent::Done { test_accuracy, .. }) => *test_accuracy,
        other => panic!("no done event: {other:?}"),
    }
}

#[test]
fn four_classes_train_with_softmax_and_either_categorical_loss() {
    let imdb = four_classes(160);
    for loss in [Loss::SparseCategoricalCrossentropy, Loss::CategoricalCrossentropy] {
        let mut cfg = config(&[("epochs", "15"), ("lr", "0.05")]);
        cfg.layers = vec![
            LayerConfig::embedding(8),
            LayerConfig::global_average_pooling1d(),
            LayerConfig::dense(4, Activation::Softmax),
        ];
        cfg.loss = loss;
        let events = run_all(cfg, &imdb, 120).unwrap();
        match &events[0] {
            RunEvent::Prepared { num_classes, .. } => assert_eq!(*num_classes, 4),
            other => panic!("{other:?}"),
        }
        assert!(test_accuracy(&events) > 0.9, "{loss:?}: {}", test_accuracy(&events));
    }
}

#[test]
fn a_head_that_does_not_fit_the_labels_is_a_clear_error() {
    let imdb = four_classes(40);
    let cases: Vec<(Vec<LayerConfig>, Loss, &str)> = vec![
        (vec![LayerConfig::dense(1, Activation::Sigmoid)], Loss::BinaryCrossentropy, "4 classes"),
        (vec![LayerConfig::dense(3, Activation::Softmax)], Loss::SparseCategoricalCrossentropy, "3 units"),
        (vec![LayerConfig::dense(4, Activation::Softmax)], Loss::BinaryCrossentropy, "softmax output takes"),
    ];
    for (head, loss, needle) in cases {
        let mut cfg = config(&[]);
        cfg.layers = [vec![LayerConfig::embedding(8), LayerConfig::global_average_pooling1d()], head].concat();
        cfg.loss = loss;
        let err = run_all(cfg, &imdb, 30).unwrap_err().to_string();
        assert!(err.contains(needle), "`{err}` should mention `{needle}`");
    }
}

#[test]
fn every_optimizer_learns_with_and_without_clipping() {
    let imdb = common::corpus(96);
    let cases = [
        ("adam", "0.02", None),
        ("rmsprop", "0.01", None),
        ("sgd", "3", None),
        ("adagrad", "0.1", None),
        ("adam", "0.02", Some(("clipnorm", "1.0"))),
        ("rmsprop", "0.01", Some(("clipvalue", "0.5"))),
    ];
    for (optimizer, lr, clip) in cases {
        let mut pairs = vec![("optimizer", optimizer), ("lr", lr), ("epochs", "25")];
        pairs.extend(clip);
        let events = run_all(config(&pairs), &imdb, 64).unwrap();
        let losses: Vec<f64> = events
            .iter()
            .filter_map(|e| if let RunEvent::Epoch { loss, .. } = e { Some(*loss) } else { None })
            .collect();
        let (first, last) = (losses[0], losses[losses.len() - 1]);
        assert!(last < first * 0.8, "{optimizer} {clip:?}: loss {first} → {last}");
    }
}

#[test]
fn sgd_momentum_and_nesterov_parse_and_learn() {
    let mut cfg = config(&[("epochs", "25")]);
    cfg.optimizer =
        serde_json::from_str(r#"{"kind": "sgd", "learning_rate": 0.5, "momentum": 0.9, "nesterov": true}"#).unwrap();
    let events = run_all(cfg, &common::corpus(96), 64).unwrap();
    assert!(test_accuracy(&events) > 0.8, "{}", test_accuracy(&events));
}

#[test]
fn early_stopping_stops_after_patience_and_restores_the_best_epoch() {
    // min_delta larger than any possible change: only the first epoch counts as
    // an improvement, so training stops after `patience` more epochs.
    let mut cfg = config(&[("epochs", "10"), ("lr", "0.02"), ("validation_split", "0.25")]);
    cfg.early_stopping = Some(EarlyStopping {
        monitor: Monitor::ValLoss,
        mode: Mode::Auto,
        patience: 2,
        min_delta: 100.0,
        restore_best_weights: true,
    });
    let events = run_all(cfg.clone(), &common::corpus(96), 64).unwrap();
    let epochs = events.iter().filter(|e| matches!(e, RunEvent::Epoch { .. })).count();
    assert_eq!(epochs, 3);
    match events.last() {
        Some(RunEvent::Done { stopped_early, restored_epoch, history, .. }) => {
            assert_eq!((*stopped_early, *restored_epoch, history.loss.len()), (Some(3), Some(1), 3));
        }
        other => panic!("{other:?}"),
    }
    // Without a min_delta the loss keeps improving, so all epochs run.
    cfg.early_stopping = Some(EarlyStopping { min_delta: 0.0, ..cfg.early_stopping.clone().unwrap() });
    cfg.epochs = 4;
    let events = run_all(cfg, &common::corpus(96), 64).unwrap();
    assert!(matches!(events.last(), Some(RunEvent::Done { stopped_early: None, .. })));
}

#[test]
fn an_embedding_starts_from_a_matrix_and_stays_frozen_when_not_trainable() {
    use kiln::model::Layer;
    let imdb = common::corpus(64);
    let split = common::split(48, 64);
    for trainable in [false, true] {
        let mut cfg = config(&[("epochs", "2"), ("lr", "0.05")]);
        if let LayerConfig::Embedding(e) = &mut cfg.layers[0] {
            e.trainable = trainable;
        }
        let data = Dataset::imdb(&imdb, &split, cfg.data).unwrap();
        let mut run = Run::new(cfg.clone(), &data, &Device::flex()).unwrap();
        let matrix: Vec<f32> = (0..40 * 16).map(|i| ((i % 7) as f32 - 3.0) * 0.01).collect();
        let err = run.set_embedding_matrix(vec![0.0; 10]).unwrap_err().to_string();
        assert!(err.contains("40 × 16"), "{err}");
        run.set_embedding_matrix(matrix.clone()).unwrap();
        while !matches!(block_on(run.next()).unwrap(), RunEvent::Done { .. }) {}
        let Layer::Embedding(e) = &run.trainer().model().layers[0] else { panic!("first layer") };
        let now = e.weight.val().into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(now == matrix, !trainable, "trainable={trainable}: the matrix should change only when trainable");
        assert!(run.set_embedding_matrix(matrix).is_err(), "refused after training");
    }
}
