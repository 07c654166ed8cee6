//! SimpleRNN, LSTM and GRU, plain and in Bidirectional, against Keras 3: forward
//! values and gradients of sum(output · R) from tests/fixtures/recurrent_*.json
//! (made by tools/keras_ref/recurrent.py), parameter counts, and dropout.

use burn::module::{Module, Param};
use burn::prelude::*;
use kiln::dto::{Activation, MergeMode, RecurrentConfig};
use kiln::model::{Cell, Init, Recurrent};
use serde::Deserialize;

mod recurrent_common;
use recurrent_common::{Lcg, Under};

const FIXTURES: [(&str, Cell); 3] = [
    ("simple_rnn", Cell::SimpleRnn),
    ("lstm", Cell::Lstm),
    ("gru", Cell::Gru),
];

#[derive(Deserialize)]
struct Fixture {
    params: Vec<Count>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Count {
    input: usize,
    units: usize,
    bidirectional: bool,
    params: usize,
}

/// One Keras run; the gradients are for the last direction's weights.
#[derive(Deserialize)]
struct Case {
    seed: u64,
    batch: usize,
    seq: usize,
    input: usize,
    units: usize,
    return_sequences: bool,
    merge_mode: Option<MergeMode>,
    activation: String,
    output: Vec<f32>,
    grad_x: Vec<f32>,
    grad_kernel: Vec<f32>,
    grad_recurrent_kernel: Vec<f32>,
    grad_bias: Vec<f32>,
}

fn fixture(name: &str) -> Fixture {
    let path = format!("{}/../tests/fixtures/recurrent_{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Keras' weights, in `get_weights()` order.
fn load(layer: &mut Recurrent, rng: &mut Lcg, device: &Device) {
    let ([input, gu], [units, _], [bias]) = (layer.kernel.dims(), layer.recurrent_kernel.dims(), layer.bias.dims());
    layer.kernel = Param::from_tensor(rng.tensor([input, gu], 0.5, device));
    layer.recurrent_kernel = Param::from_tensor(rng.tensor([units, gu], 0.5, device));
    layer.bias = Param::from_tensor(rng.tensor([bias], 0.5, device));
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

/// `None` when every value is within 1e-4 (absolute and relative) of Keras'.
fn mismatch(what: &str, got: &[f32], want: &[f32]) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!("{what}: {} values, Keras has {}", got.len(), want.len()));
    }
    let (i, err) = got
        .iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs() / (1.0 + w.abs()))
        .enumerate()
        .fold((0, 0.0f32), |best, (i, e)| if e > best.1 || e.is_nan() { (i, e) } else { best });
    (err > 1e-4 || err.is_nan()).then(|| format!("{what}[{i}]: {} vs Keras {} (err {err:e})", got[i], want[i]))
}

/// Runs one fixture case on the autodiff CPU device; returns the mismatches.
fn check(cell: Cell, case: &Case) -> Vec<String> {
    let device = Device::flex().autodiff();
    let mut config = RecurrentConfig::new(case.units);
    config.activation = Activation::parse(&case.activation).expect("a Keras activation");
    config.return_sequences = case.return_sequences;
    let mut layer = Under::new(cell, &config, case.merge_mode, case.input, &device);
    let mut rng = Lcg(case.seed);
    let x = rng.tensor([case.batch, case.seq, case.input], 1.0, &device).require_grad();
    match &mut layer {
        Under::Plain(l) => load(l, &mut rng, &device),
        Under::Bi(b) => {
            load(&mut b.forward, &mut rng, &device);
            load(&mut b.backward, &mut rng, &device);
        }
    }
    let y = layer.forward(x.clone(), case.return_sequences);
    let r = rng.tensor(y.dims(), 1.0, &device);
    let grads = (y.clone() * r).sum().backward();
    let grad = |t: Tensor<2>| t.grad(&grads).map(values).unwrap_or_default();
    let last = layer.last_direction();
    [
        mismatch("output", &values(y), &case.output),
        mismatch("grad x", &x.grad(&grads).map(values).unwrap_or_default(), &case.grad_x),
        mismatch("grad kernel", &grad(last.kernel.val()), &case.grad_kernel),
        mismatch("grad recurrent_kernel", &grad(last.recurrent_kernel.val()), &case.grad_recurrent_kernel),
        mismatch("grad bias", &last.bias.val().grad(&grads).map(values).unwrap_or_default(), &case.grad_bias),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn matches_keras(name: &str, cell: Cell) {
    let fixture = fixture(name);
    let merges = [None, Some(MergeMode::Concat), Some(MergeMode::Sum), Some(MergeMode::Ave), Some(MergeMode::Mul)];
    for (sequences, merge) in [false, true].into_iter().flat_map(|s| merges.map(|m| (s, m))) {
        let found = fixture.cases.iter().any(|c| c.return_sequences == sequences && c.merge_mode == merge);
        assert!(found, "{name}: no case for return_sequences={sequences} merge_mode={merge:?}");
    }
    assert!(fixture.cases.iter().any(|c| c.seq == 1) && fixture.cases.iter().any(|c| c.activation == "relu"));
    let failures: Vec<String> = fixture
        .cases
        .iter()
        .flat_map(|case| {
            let label = format!(
                "{name} seed {} seq {} units {} sequences {} merge {:?} {}",
                case.seed, case.seq, case.units, case.return_sequences, case.merge_mode, case.activation
            );
            check(cell, case).into_iter().map(move |m| format!("{label}: {m}"))
        })
        .collect();
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn simple_rnn_matches_keras() {
    matches_keras("simple_rnn", Cell::SimpleRnn);
}

#[test]
fn lstm_matches_keras() {
    matches_keras("lstm", Cell::Lstm);
}

#[test]
fn gru_matches_keras() {
    matches_keras("gru", Cell::Gru);
}

#[test]
fn parameter_counts_match_keras() {
    let device = Device::flex();
    for (name, cell) in FIXTURES {
        for c in fixture(name).params {
            let directions = if c.bidirectional { 2 } else { 1 };
            assert_eq!(directions * cell.params(c.input, c.units), c.params, "{name} {} → {}", c.input, c.units);
            let layer = Under::new(cell, &RecurrentConfig::new(c.units), c.bidirectional.then_some(MergeMode::Concat), c.input, &device);
            let built = match layer {
                Under::Plain(l) => l.num_params(),
                Under::Bi(b) => b.num_params(),
            };
            assert_eq!(built, c.params, "{name} module {} → {}", c.input, c.units);
        }
    }
}

/// Outputs of a seeded layer (seed 3) on fixed inputs.
fn run(cell: Cell, config: &RecurrentConfig, device: &Device) -> Vec<f32> {
    let layer = Under::new(cell, config, None, 3, device);
    values(layer.forward(Lcg(9).tensor([4, 6, 3], 1.0, device), true))
}

fn with_dropout(units: usize, dropout: f64, recurrent_dropout: f64) -> RecurrentConfig {
    RecurrentConfig { dropout, recurrent_dropout, ..RecurrentConfig::new(units) }
}

#[test]
fn dropout_only_while_training() {
    for (name, cell) in FIXTURES {
        for (d, rd) in [(0.5, 0.0), (0.0, 0.5), (0.3, 0.4)] {
            let plain = Device::flex();
            let reference = run(cell, &RecurrentConfig::new(4), &plain);
            assert_eq!(run(cell, &with_dropout(4, d, rd), &plain), reference, "{name} ({d}, {rd}): identity in evaluation");
            let train = plain.autodiff();
            assert_eq!(run(cell, &RecurrentConfig::new(4), &train), reference, "{name}: same maths on autodiff");
            let a = run(cell, &with_dropout(4, d, rd), &train);
            assert_ne!(a, reference, "{name} ({d}, {rd}): dropout while training");
            assert_ne!(a, run(cell, &with_dropout(4, d, rd), &train), "{name} ({d}, {rd}): fresh masks per call");
            assert!(a.iter().all(|v| v.is_finite()), "{name} ({d}, {rd})");
        }
    }
}

#[test]
fn masks_that_keep_everything_change_nothing() {
    // keep = 1 − 1e-9: every mask is 1, so the shared and per-gate paths must give the plain outputs.
    let train = Device::flex().autodiff();
    for (name, cell) in FIXTURES {
        let reference = run(cell, &RecurrentConfig::new(4), &train);
        for (d, rd) in [(1e-9, 0.0), (0.0, 1e-9), (1e-9, 1e-9)] {
            let got = run(cell, &with_dropout(4, d, rd), &train);
            assert!(mismatch(name, &got, &reference).is_none(), "{name} ({d}, {rd})");
        }
    }
}

/// A linear SimpleRNN on `x = 1` with the given weights: `[batch, seq, units]` outputs.
fn linear_rnn(config: RecurrentConfig, kernel: f32, recurrent: f32, bias: f32) -> Vec<Vec<Vec<f32>>> {
    let (device, (batch, seq, u)) = (Device::flex().autodiff(), (64, 4, 8));
    let config = RecurrentConfig { activation: Activation::Linear, ..config };
    let mut layer = Recurrent::new(Cell::SimpleRnn, &config, u, &mut Init::new(1), &device);
    let eye = Tensor::<2>::eye(u, &device);
    layer.kernel = Param::from_tensor(eye.clone() * kernel);
    layer.recurrent_kernel = Param::from_tensor(eye * recurrent);
    layer.bias = Param::from_tensor(Tensor::full([u], bias, &device));
    let y = values(layer.sequence(Tensor::ones([batch, seq, u], &device)));
    y.chunks(seq * u).map(|b| b.chunks(u).map(<[f32]>::to_vec).collect()).collect()
}

#[test]
fn input_mask_is_fixed_across_steps_and_scaled() {
    // h_t = (1 ⊙ m)·I: the mask itself, the same at every step.
    let y = linear_rnn(with_dropout(8, 0.5, 0.0), 1.0, 0.0, 0.0);
    let kept: Vec<f32> = y.iter().flat_map(|b| b[0].clone()).collect();
    assert!(kept.iter().all(|&v| v == 0.0 || v == 2.0), "inverted scaling 1/(1 − 0.5)");
    let share = kept.iter().filter(|&&v| v == 2.0).count() as f64 / kept.len() as f64;
    assert!((0.35..0.65).contains(&share), "about half kept: {share}");
    assert!(y.iter().all(|b| b.iter().all(|h| h == &b[0])), "one mask per sequence");
}

#[test]
fn recurrent_mask_is_fixed_across_steps() {
    // h_1 = 1, h_t = 1 + m ⊙ h_{t-1}: with one mask, m = h_2 − 1 explains every step.
    let y = linear_rnn(with_dropout(8, 0.0, 0.5), 0.0, 1.0, 1.0);
    for b in &y {
        let m: Vec<f32> = b[1].iter().map(|v| v - 1.0).collect();
        assert!(m.iter().all(|&v| v == 0.0 || v == 2.0), "{m:?}");
        for t in 1..b.len() {
            let want: Vec<f32> = b[t - 1].iter().zip(&m).map(|(h, m)| 1.0 + m * h).collect();
            assert_eq!(b[t], want, "step {t}");
        }
    }
    assert!(y.iter().any(|b| b[1].contains(&1.0)) && y.iter().any(|b| b[1].contains(&3.0)));
}
