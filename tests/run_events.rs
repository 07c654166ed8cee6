//! A whole run natively: event order, Keras bookkeeping, falling loss, stop early.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::dto::{RunConfig, RunEvent};
use kiln::train::{Run, block_on};

fn config(pairs: &[(&str, &str)]) -> RunConfig {
    let mut all = vec![("model", "pooled"), ("data", "imdb-1k"), ("maxlen", "8"), ("num_words", "40"), ("lr", "0.02")];
    all.extend_from_slice(pairs);
    RunConfig::from_pairs(all).unwrap()
}

#[test]
fn events_follow_keras_fit_then_evaluate() {
    let imdb = common::corpus(100);
    let split = common::split(80, 100);
    let cfg = config(&[("epochs", "3"), ("batch_size", "32"), ("validation_split", "0.25")]);
    let data = Dataset::imdb(&imdb, &split, cfg.data).unwrap();
    let mut run = Run::new(cfg, &data, &Device::flex()).unwrap();
    let mut kinds = String::new();
    let history;
    let mut first_loss = None;
    loop {
        let event = block_on(run.next()).unwrap();
        match &event {
            RunEvent::Prepared { train_samples, val_samples, test_samples, steps_per_epoch, .. } => {
                // validation_split takes the last 25% of the 80 training rows, as Keras does.
                assert_eq!((*train_samples, *val_samples, *test_samples, *steps_per_epoch), (60, 20, 20, 2));
                kinds.push('P');
            }
            RunEvent::Step { step, steps, loss, accuracy, .. } => {
                assert!(*step >= 1 && step <= steps && loss.is_finite() && (0.0..=1.0).contains(accuracy));
                first_loss.get_or_insert(*loss);
                kinds.push('s');
            }
            RunEvent::Epoch { .. } => kinds.push('E'),
            RunEvent::Done { test_accuracy, history: h, .. } => {
                assert!((0.0..=1.0).contains(test_accuracy));
                history = Some(h.clone());
                kinds.push('D');
                break;
            }
        }
    }
    assert_eq!(kinds, "PssEssEssED");
    let h = history.unwrap();
    assert_eq!((h.loss.len(), h.val_accuracy.len()), (3, 3));
    assert!(h.loss[2] < first_loss.unwrap(), "loss falls: {h:?}");
    assert!(run.is_done());
    // After done, next() keeps answering done.
    assert!(matches!(block_on(run.next()).unwrap(), RunEvent::Done { .. }));
}

#[test]
fn stop_early_evaluates_the_test_set() {
    let imdb = common::corpus(60);
    let split = common::split(40, 60);
    let cfg = config(&[("epochs", "5"), ("batch_size", "8")]);
    let data = Dataset::imdb(&imdb, &split, cfg.data).unwrap();
    let mut run = Run::new(cfg, &data, &Device::flex()).unwrap();
    for _ in 0..3 {
        block_on(run.next()).unwrap();
    }
    match block_on(run.finish()).unwrap() {
        RunEvent::Done { history, test_accuracy, .. } => {
            assert!(history.loss.is_empty());
            assert!((0.0..=1.0).contains(&test_accuracy));
        }
        other => panic!("expected done, got {other:?}"),
    }
}

#[test]
fn same_seed_same_curve() {
    let imdb = common::corpus(40);
    let split = common::split(32, 40);
    let losses = |seed: &str| {
        let cfg = config(&[("epochs", "1"), ("batch_size", "8"), ("seed", seed)]);
        let data = Dataset::imdb(&imdb, &split, cfg.data).unwrap();
        let mut run = Run::new(cfg, &data, &Device::flex()).unwrap();
        (0..5)
            .filter_map(|_| match block_on(run.next()).unwrap() {
                RunEvent::Step { batch_loss, .. } => Some(batch_loss),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(losses("1"), losses("1"));
    assert_ne!(losses("1"), losses("2"));
}

#[test]
fn diverging_step_stops_and_keeps_the_weights() {
    use kiln::data::Encoded;
    use kiln::data::Labelled;
    use kiln::dto::OptimizerConfig;
    use kiln::dto::TextConfig;
    use kiln::error::KilnError;
    use kiln::text::TextPipeline;
    use kiln::train::Trainer;
    // A learning rate of 1e30 (the page refuses it; the trainer does not check)
    // pushes the weights to ~1e30, so the next forward pass overflows.
    let imdb = common::corpus(16);
    let mut cfg = config(&[]);
    cfg.optimizer = OptimizerConfig::Adam { learning_rate: 1e30 };
    let pipeline = TextPipeline::fit(&TextConfig::default(), 40, &imdb.texts).unwrap();
    let part = Labelled { texts: imdb.texts.clone(), labels: imdb.labels.iter().map(|&l| u32::from(l)).collect() };
    let data = Encoded::new(&pipeline, &part, 8, cfg.padding, cfg.truncating);
    let device = Device::flex();
    let built = kiln::model::build(&cfg.layers, 40, 8, 3, &device.clone().autodiff()).unwrap();
    let mut trainer = Trainer::new(built.model, built.head, &cfg, device);
    let rows: Vec<usize> = (0..16).collect();
    let mut outcome = Ok(());
    let weights = |t: &Trainer| match &t.model().layers[0] {
        kiln::model::Layer::Embedding(e) => e.weight.val().into_data(),
        _ => unreachable!(),
    };
    let mut before = None;
    for step in 1..=5 {
        before = Some(weights(&trainer));
        if let Err(e) = block_on(trainer.step(&data, &rows, (1, step))) {
            outcome = Err(e);
            break;
        }
    }
    match outcome {
        Err(KilnError::Diverged { epoch: 1, step, ref hint, .. }) => {
            assert!(step >= 2, "the first step is finite");
            assert!(hint.contains("learning rate is high"), "{hint}");
        }
        other => panic!("expected divergence, got {other:?}"),
    }
    assert_eq!(before.unwrap(), weights(&trainer), "the failed step changed nothing");
}

#[test]
fn divergence_hints_name_the_usual_causes() {
    use kiln::dto::{Activation, LayerConfig, RecurrentConfig};
    use kiln::train::divergence_hint;
    let relu_lstm = LayerConfig::Lstm(RecurrentConfig { activation: Activation::Relu, ..RecurrentConfig::new(8) });
    let relu_bi = LayerConfig::bidirectional(relu_lstm.clone());
    let cases: Vec<(Vec<LayerConfig>, f64, Option<f64>, &[&str], &[&str])> = vec![
        (vec![relu_lstm], 1e-3, None, &["relu", "clipnorm"], &["learning rate is high"]),
        (vec![relu_bi], 1e-3, Some(1.0), &["relu"], &["clipnorm"]),
        (vec![LayerConfig::lstm(8)], 0.5, None, &["learning rate is high", "clipnorm"], &["relu"]),
        (vec![LayerConfig::lstm(8)], 1e-3, Some(1.0), &["lower learning rate"], &["relu", "clipnorm"]),
    ];
    for (middle, lr, clipnorm, has, lacks) in cases {
        let mut cfg = config(&[]);
        cfg.layers =
            [vec![LayerConfig::embedding(8)], middle, vec![LayerConfig::dense(1, Activation::Sigmoid)]].concat();
        cfg.optimizer.set_learning_rate(lr);
        cfg.clipnorm = clipnorm;
        let hint = divergence_hint(&cfg);
        has.iter().for_each(|h| assert!(hint.contains(h), "`{hint}` should mention {h}"));
        lacks.iter().for_each(|h| assert!(!hint.contains(h), "`{hint}` should not mention {h}"));
    }
}
