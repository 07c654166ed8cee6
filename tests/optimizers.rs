//! Kiln's optimizers against Keras 3's own updates (tests/fixtures/keras_optimizers.json,
//! written by tools/keras_optimizers.py): four steps on the same weights and gradients, and
//! a state saved mid-way and loaded into a fresh optimizer carries on identically.
#![cfg(not(target_family = "wasm"))]

use burn::module::ParamId;
use burn::prelude::*;
use kiln::dto::{OptimizerConfig, RunConfig};
use kiln::train::{KerasOptimizer, block_on};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/keras_optimizers.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

/// The run settings of a fixture case, and its learning rate.
fn config(case: &Value) -> (RunConfig, f64) {
    let args = &case["args"];
    let get = |k: &str| args.get(k).and_then(Value::as_f64);
    let lr = get("learning_rate").unwrap();
    let mut config = RunConfig::from_pairs(vec![("model", "pooled")]).unwrap();
    config.optimizer = match case["optimizer"].as_str().unwrap() {
        "adam" => OptimizerConfig::Adam { learning_rate: lr },
        "rmsprop" => OptimizerConfig::Rmsprop { learning_rate: lr, rho: 0.9, momentum: get("momentum").unwrap_or(0.0) },
        "sgd" => OptimizerConfig::Sgd {
            learning_rate: lr,
            momentum: get("momentum").unwrap_or(0.0),
            nesterov: args.get("nesterov").and_then(Value::as_bool).unwrap_or(false),
        },
        "adagrad" => OptimizerConfig::Adagrad { learning_rate: lr },
        other => panic!("unknown optimizer {other}"),
    };
    config.clipnorm = get("clipnorm");
    config.clipvalue = get("clipvalue");
    (config, lr)
}

fn tensor(v: &[f32], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(v.to_vec(), [v.len()]), device)
}

fn values(t: Tensor<1>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

#[test]
fn every_optimizer_follows_keras_step_by_step() {
    follows_keras_on(Device::flex());
}

/// On the native wgpu adapter Adam's update is one GPU kernel (`train/adam_cube.rs`); the
/// others stay burn's elementwise operations there.
#[test]
fn every_optimizer_follows_keras_step_by_step_on_the_gpu() {
    follows_keras_on(Device::wgpu(Default::default()));
}

/// Adam's GPU kernel over a variable of many workgroups (not a multiple of one) against the
/// CPU's update, three steps.
#[test]
fn adam_on_the_gpu_matches_the_cpu_on_a_large_variable() {
    let n = 70_001;
    let value = |i: usize, k: usize| ((i * 7919 + k * 104_729) % 2001) as f32 / 1000.0 - 1.0;
    let (gpu, cpu) = (Device::wgpu(Default::default()), Device::flex());
    let mut config = RunConfig::from_pairs(vec![("model", "pooled")]).unwrap();
    config.optimizer = OptimizerConfig::Adam { learning_rate: 0.01 };
    let (mut a, mut b) = (KerasOptimizer::new(&config), KerasOptimizer::new(&config));
    let id = ParamId::new();
    let w0: Vec<f32> = (0..n).map(|i| value(i, 0)).collect();
    let (mut wa, mut wb) = (tensor(&w0, &gpu), tensor(&w0, &cpu));
    for step in 1..=3 {
        let g: Vec<f32> = (0..n).map(|i| value(i, step) * step as f32).collect();
        wa = a.update_variable(id, wa, tensor(&g, &gpu), 0.01);
        wb = b.update_variable(id, wb, tensor(&g, &cpu), 0.01);
    }
    let (got, want) = (values(wa), values(wb));
    let worst = got.iter().zip(&want).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "GPU and CPU differ by {worst}");
    let (sa, sb) = (block_on(a.read_state()).unwrap(), block_on(b.read_state()).unwrap());
    for (x, y) in sa[0].slots.iter().zip(&sb[0].slots) {
        let worst = x.iter().zip(y).map(|(p, q)| (p - q).abs() / q.abs().max(1e-3)).fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "the slots differ by {worst} (relative)");
    }
}

fn follows_keras_on(device: Device) {
    let f = fixture();
    let grads: Vec<Vec<f32>> = f["grads"].as_array().unwrap().iter().map(floats).collect();
    for case in f["cases"].as_array().unwrap() {
        let (config, lr) = config(case);
        let name = format!("{} {}", case["optimizer"], case["args"]);
        let mut optim = KerasOptimizer::new(&config);
        let id = ParamId::new();
        let mut w = tensor(&floats(&f["w0"]), &device);
        for (step, (g, want)) in grads.iter().zip(case["steps"].as_array().unwrap()).enumerate() {
            w = optim.update_variable(id, w, tensor(g, &device), lr);
            let (got, want) = (values(w.clone()), floats(want));
            let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(worst < 2e-6, "{name}, step {}: {got:?} vs Keras {want:?}", step + 1);
        }
    }
}

#[test]
fn a_saved_state_carries_on_in_a_fresh_optimizer() {
    let f = fixture();
    let device = Device::flex();
    let grads: Vec<Vec<f32>> = f["grads"].as_array().unwrap().iter().map(floats).collect();
    for case in f["cases"].as_array().unwrap() {
        let (config, lr) = config(case);
        let id = ParamId::new();
        let mut first = KerasOptimizer::new(&config);
        let mut w = tensor(&floats(&f["w0"]), &device);
        for g in &grads[..2] {
            w = first.update_variable(id, w, tensor(g, &device), lr);
        }
        let mut second = KerasOptimizer::new(&config);
        second.load_state(block_on(first.read_state()).unwrap()).unwrap();
        let mut w2 = w.clone();
        for g in &grads[2..] {
            w = first.update_variable(id, w, tensor(g, &device), lr);
            w2 = second.update_variable(id, w2, tensor(g, &device), lr);
        }
        assert_eq!(values(w), values(w2), "{}", case["optimizer"]);
    }
}
