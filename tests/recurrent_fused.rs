//! The fused recurrent loop (one autodiff operation on the CPU backend, model/fused.rs)
//! against the per-step reference graph: forward values and the gradients of the
//! input and of every parameter, for SimpleRNN, LSTM and GRU, sequence lengths 1, 7
//! and 33, odd sizes, both directions, return_sequences, and dropout masks.

use burn::module::Param;
use burn::prelude::*;
use kiln::dto::{Activation, MergeMode, RecurrentConfig};
use kiln::model::{Cell, Path};

mod recurrent_common;
use recurrent_common::{Lcg, Under};

const CELLS: [Cell; 3] = [Cell::SimpleRnn, Cell::Lstm, Cell::Gru];

/// The layer with non-zero biases, so the bias gradients and GRU's recurrent bias are exercised.
fn with_biases(cell: Cell, config: &RecurrentConfig, bidirectional: bool, input: usize, device: &Device) -> Under {
    let mut layer = Under::new(cell, config, bidirectional.then_some(MergeMode::Concat), input, device);
    let mut rng = Lcg(5);
    for l in layer.directions_mut() {
        let n = l.bias.dims()[0];
        l.bias = Param::from_tensor(rng.tensor([n], 0.5, device));
    }
    layer
}

fn set_path(layer: &mut Under, path: Path) {
    layer.directions_mut().into_iter().for_each(|l| l.path = path);
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

/// The output and the gradients of sum(output · R) w.r.t. x and every parameter.
fn run(layer: &Under, x: &Tensor<3>, sequences: bool, seed: Option<u64>) -> Vec<(String, Vec<f32>)> {
    let device = x.device();
    if let Some(seed) = seed {
        device.seed(seed);
    }
    let x = if device.is_autodiff() { x.clone().require_grad() } else { x.clone() };
    let y = layer.forward(x.clone(), sequences);
    let r = Lcg(17).tensor(y.dims(), 1.0, &device);
    let mut out = vec![("output".to_string(), values(y.clone()))];
    if !device.is_autodiff() {
        return out;
    }
    let grads = (y * r).sum().backward();
    out.push(("grad x".into(), x.grad(&grads).map(values).expect("x has a gradient")));
    for (d, l) in layer.directions().into_iter().enumerate() {
        let grad2 = |t: Tensor<2>| t.grad(&grads).map(values).expect("a gradient");
        out.push((format!("dir {d} grad kernel"), grad2(l.kernel.val())));
        out.push((format!("dir {d} grad recurrent_kernel"), grad2(l.recurrent_kernel.val())));
        out.push((format!("dir {d} grad bias"), l.bias.val().grad(&grads).map(values).expect("a gradient")));
    }
    out
}

/// The largest `|fused − reference| / max(1, |reference|)` and where.
fn worst(fused: &[(String, Vec<f32>)], reference: &[(String, Vec<f32>)]) -> (f32, String) {
    assert_eq!(fused.len(), reference.len());
    let mut worst = (0.0f32, String::new());
    for ((name, got), (_, want)) in fused.iter().zip(reference) {
        assert_eq!(got.len(), want.len(), "{name}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            let err = (g - w).abs() / w.abs().max(1.0);
            if err > worst.0 || err.is_nan() {
                worst = (if err.is_nan() { f32::INFINITY } else { err }, format!("{name}[{i}]: fused {g} vs reference {w}"));
            }
        }
    }
    worst
}

struct Case {
    cell: Cell,
    seq: usize,
    units: usize,
    batch: usize,
    sequences: bool,
    bidirectional: bool,
    activation: Activation,
    dropout: f64,
    recurrent_dropout: f64,
}

/// Runs both paths on one case; the description of the worst mismatch over 1e-5.
fn compare(case: &Case, device: &Device) -> Option<String> {
    compare_within(case, device, 1e-5)
}

fn compare_within(case: &Case, device: &Device, tolerance: f32) -> Option<String> {
    compare_path(case, device, tolerance, Path::Auto)
}

/// As `compare_within`, the fused side taking `path` (`Auto` or `Rolled`).
fn compare_path(case: &Case, device: &Device, tolerance: f32, path: Path) -> Option<String> {
    let input = 4;
    let config = RecurrentConfig {
        activation: case.activation,
        return_sequences: case.sequences,
        dropout: case.dropout,
        recurrent_dropout: case.recurrent_dropout,
        ..RecurrentConfig::new(case.units)
    };
    let mut layer = with_biases(case.cell, &config, case.bidirectional, input, device);
    let x = Lcg(case.seq as u64 * 31 + case.units as u64).tensor([case.batch, case.seq, input], 1.0, device);
    let seed = (case.dropout > 0.0 || case.recurrent_dropout > 0.0).then_some(1234);
    set_path(&mut layer, path);
    let fused = run(&layer, &x, case.sequences, seed);
    set_path(&mut layer, Path::Reference);
    let reference = run(&layer, &x, case.sequences, seed);
    let (err, at) = worst(&fused, &reference);
    (err > tolerance).then(|| {
        format!(
            "{path:?} {:?} seq {} units {} batch {} sequences {} bidirectional {} {:?} dropout {} recurrent_dropout {}: err {err:e} at {at}",
            case.cell, case.seq, case.units, case.batch, case.sequences, case.bidirectional, case.activation, case.dropout, case.recurrent_dropout
        )
    })
}

/// Every cell × seq {1, 7, 33} × units {1, 3, 17}, cycling batch {1, 5},
/// return_sequences, Bidirectional and a few activations through the combinations.
fn cases(dropout: f64) -> Vec<Case> {
    cases_with(dropout, 0.0)
}

fn cases_with(dropout: f64, recurrent_dropout: f64) -> Vec<Case> {
    let activations = [Activation::Tanh, Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Linear, Activation::Swish];
    let mut cases = Vec::new();
    for cell in CELLS {
        for (i, (seq, units)) in [1, 7, 33].into_iter().flat_map(|s| [1, 3, 17].map(|u| (s, u))).enumerate() {
            cases.push(Case {
                cell,
                seq,
                units,
                batch: [1, 5][i % 2],
                sequences: (i / 2) % 2 == 1,
                bidirectional: (i / 4) % 2 == 1 || i % 3 == 0,
                activation: activations[i % activations.len()],
                dropout,
                recurrent_dropout,
            });
        }
    }
    cases
}

fn all_match(cases: Vec<Case>, device: &Device) {
    all_match_within(cases, device, 1e-5);
}

fn all_match_within(cases: Vec<Case>, device: &Device, tolerance: f32) {
    let n = cases.len();
    let failures: Vec<String> = cases.iter().filter_map(|c| compare_within(c, device, tolerance)).collect();
    assert!(failures.is_empty(), "{} of {n} cases differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn fused_matches_reference_with_gradients() {
    all_match(cases(0.0), &Device::flex().autodiff());
}

#[test]
fn fused_matches_reference_in_inference() {
    all_match(cases(0.0), &Device::flex());
}

#[test]
fn fused_matches_reference_with_input_dropout() {
    // The same seed draws the same input masks on both paths.
    let cases = cases(0.4).into_iter().filter(|c| c.units != 1).collect();
    all_match(cases, &Device::flex().autodiff());
}

/// The GPU kernels (model/rnn_cube.rs) natively on wgpu (Mesa's lavapipe Vulkan
/// here; the wasm suite runs them on WebGPU in Chromium). GPU `exp`/`tanh` round
/// differently from the CPU's, hence 1e-4.
fn gpu() -> Device {
    Device::wgpu(Default::default())
}

#[test]
fn fused_gpu_matches_reference_with_gradients() {
    all_match_within(cases(0.0), &gpu().autodiff(), 1e-4);
}

#[test]
fn fused_gpu_rolled_matches_reference() {
    // Path::Auto takes the kernels' software forms on this software adapter (the unrolled forward,
    // four units a thread in the BPTT); Rolled takes the GPU forms a GPU runs
    let n = cases(0.0).len();
    let failures: Vec<String> = cases(0.0).iter().filter_map(|c| compare_path(c, &gpu().autodiff(), 1e-4, Path::Rolled)).collect();
    assert!(failures.is_empty(), "{} of {n} cases differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn fused_gpu_matches_reference_in_inference_and_other_activations() {
    let mut cases = cases(0.0);
    for cell in CELLS {
        for activation in [Activation::Elu, Activation::Selu] {
            cases.push(Case { cell, seq: 5, units: 3, batch: 2, sequences: true, bidirectional: true, activation, dropout: 0.0, recurrent_dropout: 0.0 });
        }
    }
    all_match_within(cases, &gpu(), 1e-4);
}

#[test]
fn fused_gpu_matches_reference_with_large_layers() {
    // more units than a workgroup has threads, several batch tiles and a ragged last one
    let device = gpu().autodiff();
    let cases = CELLS.map(|cell| Case {
        cell,
        seq: 9,
        units: 130,
        batch: 11,
        sequences: false,
        bidirectional: true,
        activation: Activation::Tanh,
        dropout: 0.0,
        recurrent_dropout: 0.3,
    });
    all_match_within(cases.into(), &device, 1e-4);
    // more units than the forward kernel's 256 threads: a thread takes two units
    let cases = CELLS.map(|cell| Case { cell, seq: 3, units: 300, batch: 3, sequences: true, bidirectional: false, activation: Activation::Tanh, dropout: 0.0, recurrent_dropout: 0.0 });
    all_match_within(cases.into(), &device, 1e-4);
}

#[test]
fn fused_matches_reference_with_recurrent_dropout() {
    // Keras' per-gate masks on h (and on x), drawn by the same seed on both paths.
    let cases = cases_with(0.2, 0.4).into_iter().filter(|c| c.units != 1).collect();
    all_match(cases, &Device::flex().autodiff());
}

#[test]
fn fused_gpu_matches_reference_with_recurrent_dropout() {
    let cases = cases_with(0.2, 0.4).into_iter().filter(|c| c.units != 1).collect();
    all_match_within(cases, &gpu().autodiff(), 1e-4);
}

#[test]
fn other_activations_fall_back() {
    // elu and selu are fused; softmax and gelu take the reference path.
    let device = Device::flex().autodiff();
    for cell in CELLS {
        for activation in [Activation::Elu, Activation::Selu, Activation::Softmax, Activation::Gelu] {
            let case = Case { cell, seq: 5, units: 3, batch: 2, sequences: true, bidirectional: true, activation, dropout: 0.0, recurrent_dropout: 0.0 };
            assert_eq!(compare(&case, &device), None);
        }
    }
}

/// This process' CPU time (Linux): wall time means little on a shared machine.
fn cpu_time() -> std::time::Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat(5) (the list starts at field 3), in clock ticks (100 Hz).
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    let ticks = tick(11) + tick(12);
    std::time::Duration::from_millis(ticks * 10)
}

/// `cargo test --test recurrent_fused -- --ignored --nocapture`: M1's LSTM(100) on
/// `[64, 500, 32]`, forward and backward, alternating the two paths.
#[test]
#[ignore]
fn m1_lstm_timing() {
    let device = Device::flex().autodiff();
    let mut layer = Under::new(Cell::Lstm, &RecurrentConfig::new(100), None, 32, &device);
    let x = Lcg(1).tensor([64, 500, 32], 1.0, &device);
    for round in 0..2 {
        for path in [Path::Auto, Path::Reference] {
            layer.directions_mut()[0].path = path;
            let (wall, cpu) = (std::time::Instant::now(), cpu_time());
            let y = layer.forward(x.clone().require_grad(), false);
            let grads = y.sum().backward();
            let g = layer.last_direction().recurrent_kernel.val().grad(&grads).unwrap();
            let sum: f32 = values(g).iter().sum();
            eprintln!("round {round} {path:?}: wall {:?}, cpu {:?} (sum dU {sum})", wall.elapsed(), cpu_time() - cpu);
        }
    }
}

/// `cargo test --test recurrent_fused m1_lstm_gpu_timing -- --ignored --nocapture`: M1's
/// LSTM(100) on `[64, seq, 32]` (`KILN_SEQ`, default 500; `KILN_ROLLED`: `Path::Rolled`), forward and backward on the GPU
/// kernels, wall time per round (the read-back waits for the queue). With
/// `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` wgpu runs on Chromium's
/// SwiftShader, the adapter the page gets here.
#[test]
#[ignore]
fn m1_lstm_gpu_timing() {
    let seq = std::env::var("KILN_SEQ").ok().and_then(|s| s.parse().ok()).unwrap_or(500);
    let device = gpu().autodiff();
    let mut layer = Under::new(Cell::Lstm, &RecurrentConfig::new(100), None, 32, &device);
    if std::env::var("KILN_ROLLED").is_ok() {
        set_path(&mut layer, Path::Rolled); // the kernels' GPU forms on a software adapter too
    }
    let x = Lcg(1).tensor([64, seq, 32], 1.0, &device);
    let rounds = std::env::var("KILN_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    for round in 0..rounds {
        let wall = std::time::Instant::now();
        let y = layer.forward(x.clone().require_grad(), false);
        let forward: f32 = values(y.clone()).iter().sum();
        let forward_wall = wall.elapsed();
        let grads = y.sum().backward();
        let g = layer.last_direction().recurrent_kernel.val().grad(&grads).unwrap();
        let sum: f32 = values(g).iter().sum();
        eprintln!("round {round}: forward {forward_wall:?}, forward+backward {:?} (sum h {forward}, sum dU {sum})", wall.elapsed());
    }
}
