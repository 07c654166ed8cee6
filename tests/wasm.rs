//! Headless-browser tests (wasm-bindgen-test in Chromium): training on the CPU
//! backend and on WebGPU, reading the GPU only asynchronously.
#![cfg(target_family = "wasm")]

#[path = "common.rs"]
mod common;
#[path = "recurrent_common.rs"]
mod recurrent_common;
#[path = "embedded_common.rs"]
mod embedded_common;

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::dto::{RunConfig, RunEvent};
use kiln::train::Run;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A model with every kind of kernel the zoo adds: Conv1D (same), pooling,
/// BatchNormalization, a bidirectional GRU over a sequence, dropouts, softmax.
const MIXED: &str = r#"[
    {"kind": "embedding", "output_dim": 8},
    {"kind": "conv1d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"kind": "max_pooling1d", "pool_size": 2},
    {"kind": "batch_normalization"},
    {"kind": "spatial_dropout1d", "rate": 0.1},
    {"kind": "bidirectional", "layer": {"kind": "gru", "units": 8, "return_sequences": true}},
    {"kind": "global_max_pooling1d"},
    {"kind": "dropout", "rate": 0.1},
    {"kind": "dense", "units": 2, "activation": "softmax"}
]"#;

/// Train `steps` batches; return the first and last running losses.
async fn train_steps(model: &str, device: &Device, steps: usize) -> (f64, f64) {
    let imdb = common::corpus(64);
    let split = common::split(48, 64);
    let preset = if model == "mixed" { "pooled" } else { model };
    let mut config = RunConfig::from_pairs([
        ("model", preset),
        ("data", "imdb-1k"),
        ("maxlen", "8"),
        ("num_words", "40"),
        ("batch_size", "16"),
        ("epochs", "20"),
        ("lr", "0.02"),
    ])
    .unwrap();
    if model == "mixed" {
        config.set("layers", MIXED).unwrap();
        config.set("loss", "sparse_categorical_crossentropy").unwrap();
    }
    common::shrink(&mut config);
    let data = Dataset::imdb(&imdb, &split, config.data).unwrap();
    let mut run = Run::new(config, &data, device).unwrap();
    let mut losses = Vec::new();
    while losses.len() < steps {
        if let RunEvent::Step { batch_loss, .. } = run.next().await.unwrap() {
            losses.push(batch_loss);
        }
    }
    (losses[0], *losses.last().unwrap())
}

#[wasm_bindgen_test]
async fn cpu_backend_loss_falls() {
    kiln::web::start();
    for model in ["pooled", "lstm", "mixed"] {
        let (first, last) = train_steps(model, &Device::flex(), 30).await;
        assert!(last < first * 0.8, "{model} on CPU: {first} -> {last}");
    }
}

#[wasm_bindgen_test]
async fn webgpu_backend_loss_falls() {
    // What the page's start-up does: the module's static constructors (cubecl's registries)
    // run once, from Kiln's start function, which this test binary does not call by itself.
    kiln::web::start();
    // burn registers one WebGPU device per page, and async tests interleave: every WebGPU
    // check runs in this one test.
    let device = Device::wgpu_options().init_async().await.expect("headless Chromium has WebGPU (SwiftShader)");
    for (model, steps) in [("pooled", 30), ("lstm", 12), ("mixed", 12)] {
        let (first, last) = train_steps(model, &device, steps).await;
        assert!(last < first * 0.9, "{model} on WebGPU: {first} -> {last}");
    }
    word2vec_trains_on_cpu_and_webgpu_and_starts_an_embedding(&device).await;
    fused_recurrent_matches_reference(&device).await;
    conv1d_matches_reference(&device).await;
    adam_matches_the_cpu(&device).await;
}

/// Adam's one-dispatch update on WebGPU (train/adam_cube.rs) against the CPU's, three steps
/// over a variable of many workgroups, read back asynchronously (tests/optimizers.rs natively).
async fn adam_matches_the_cpu(gpu: &Device) {
    use burn::module::ParamId;
    use burn::prelude::*;
    use kiln::dto::OptimizerConfig;
    use kiln::train::KerasOptimizer;
    let n = 5_001;
    let value = |i: usize, k: usize| ((i * 7919 + k * 104_729) % 2001) as f32 / 1000.0 - 1.0;
    let tensor = |v: &[f32], d: &Device| Tensor::<1>::from_data(TensorData::new(v.to_vec(), [v.len()]), d);
    let mut config = RunConfig::from_pairs([("model", "pooled")]).unwrap();
    config.optimizer = OptimizerConfig::Adam { learning_rate: 0.01 };
    let (mut a, mut b) = (KerasOptimizer::new(&config), KerasOptimizer::new(&config));
    let id = ParamId::new();
    let w0: Vec<f32> = (0..n).map(|i| value(i, 0)).collect();
    let cpu = Device::flex();
    let (mut wa, mut wb) = (tensor(&w0, gpu), tensor(&w0, &cpu));
    for step in 1..=3 {
        let g: Vec<f32> = (0..n).map(|i| value(i, step) * step as f32).collect();
        wa = a.update_variable(id, wa, tensor(&g, gpu), 0.01);
        wb = b.update_variable(id, wb, tensor(&g, &cpu), 0.01);
    }
    let got = wa.into_data_async().await.expect("a GPU read").to_vec::<f32>().unwrap();
    let want = wb.into_data_async().await.unwrap().to_vec::<f32>().unwrap();
    let worst = got.iter().zip(&want).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "Adam on WebGPU and on the CPU differ by {worst}");
}

/// The same table on the CPU: `kiln_kernels::rnn` and its simd128 matmul tile.
#[wasm_bindgen_test]
async fn fused_recurrent_cpu_kernels_match_reference() {
    fused_recurrent_matches_reference(&Device::flex()).await;
}

/// The time-loop kernels (model/rnn_cube.rs on WebGPU, kiln_kernels::rnn on the
/// CPU) against the per-step reference graph on `base`'s backend: outputs and the gradients of x and of every parameter, with and
/// without dropout masks, read back asynchronously. (tests/recurrent_fused.rs runs
/// the full table natively.)
async fn fused_recurrent_matches_reference(base: &Device) {
    use burn::prelude::*;
    use kiln::dto::{MergeMode, RecurrentConfig};
    use kiln::model::{Cell, Path};
    use recurrent_common::{Lcg, Under};

    async fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data_async().await.expect("a GPU read").to_vec::<f32>().expect("f32 values")
    }
    async fn run(layer: &Under, x: &Tensor<3>, sequences: bool) -> Vec<Vec<f32>> {
        x.device().seed(1234); // the same dropout masks on both paths
        let x = x.clone().require_grad();
        let y = layer.forward(x.clone(), sequences);
        let r = Lcg(17).tensor(y.dims(), 1.0, &x.device());
        let mut out = vec![values(y.clone()).await];
        let grads = (y * r).sum().backward();
        out.push(values(x.grad(&grads).expect("x has a gradient")).await);
        for l in layer.directions() {
            out.push(values(l.kernel.val().grad(&grads).expect("a gradient")).await);
            out.push(values(l.recurrent_kernel.val().grad(&grads).expect("a gradient")).await);
            out.push(values(l.bias.val().grad(&grads).expect("a gradient")).await);
        }
        out
    }
    let device = base.clone().autodiff();
    for (cell, seq, units, batch, sequences, bidirectional, dropouts) in [
        (Cell::SimpleRnn, 7, 3, 5, true, false, 0.0),
        (Cell::Lstm, 1, 17, 1, false, true, 0.0),
        (Cell::Lstm, 33, 5, 5, true, true, 0.0),
        (Cell::Lstm, 12, 9, 6, false, false, 0.3),
        (Cell::Gru, 7, 17, 5, false, true, 0.0),
        (Cell::Gru, 9, 130, 6, false, false, 0.3),
    ] {
        let config = RecurrentConfig {
            return_sequences: sequences,
            dropout: dropouts,
            recurrent_dropout: dropouts,
            ..RecurrentConfig::new(units)
        };
        let mut layer = Under::new(cell, &config, bidirectional.then_some(MergeMode::Concat), 4, &device);
        let x = Lcg(seq as u64 * 31 + units as u64).tensor([batch, seq, 4], 1.0, &device);
        // on a software adapter (SwiftShader here) Auto takes the kernels' software forms, Rolled their GPU forms
        let mut runs = Vec::new();
        for path in [Path::Auto, Path::Rolled, Path::Reference] {
            layer.directions_mut().into_iter().for_each(|l| l.path = path);
            runs.push((path, run(&layer, &x, sequences).await));
        }
        let (_, reference) = runs.pop().expect("three runs");
        for (path, fused) in &runs {
            for (part, (got, want)) in fused.iter().zip(&reference).enumerate() {
                assert_eq!(got.len(), want.len());
                for (g, w) in got.iter().zip(want) {
                    let err = (g - w).abs() / w.abs().max(1.0);
                    assert!(err <= 1e-4, "{path:?} {cell:?} seq {seq} units {units}: part {part}: fused {g} vs reference {w}");
                }
            }
        }
    }
}

/// Kiln's CPU convolution (kiln_kernels::conv, simd128 here) against burn's
/// `conv1d` in wasm: output and gradients (tests/layers_conv.rs has the full table).
/// A Conv1D or recurrent layer on an Embedding's ids (the CPU's `fused_embed.rs`) against
/// the same model on the looked-up values, in the browser's wasm.
#[wasm_bindgen_test]
fn layers_on_embedding_ids_match_the_reference() {
    embedded_common::layers_on_ids_match_layers_on_looked_up_values();
}

#[wasm_bindgen_test]
async fn conv1d_cpu_kernel_matches_reference() {
    conv1d_matches_reference(&Device::flex()).await;
}

/// Kiln's convolution on `base`'s backend (the CPU kernel, or on WebGPU the windows kernel
/// and Kiln's matmul, model/conv_cube.rs) against burn's `conv1d`, read back asynchronously.
async fn conv1d_matches_reference(base: &Device) {
    use burn::prelude::*;
    use kiln::dto::{Activation, Conv1dConfig, ConvPadding};
    use kiln::model::{Conv1d, Init, Path};
    use recurrent_common::Lcg;
    async fn values(t: Tensor<1>) -> Vec<f32> {
        t.into_data_async().await.expect("a GPU read").to_vec::<f32>().expect("f32 values")
    }
    let device = base.clone().autodiff();
    for (padding, strides, dilation_rate) in [(ConvPadding::Valid, 1, 1), (ConvPadding::Same, 2, 1), (ConvPadding::Causal, 1, 2)] {
        let c = Conv1dConfig { filters: 17, kernel_size: 5, strides, padding, dilation_rate, activation: Activation::Relu };
        let mut parts = Vec::new();
        for path in [Path::Auto, Path::Reference] {
            let mut conv = Conv1d::new(&c, 6, &mut Init::new(2), &device);
            conv.path = path;
            let x = Lcg(7).tensor([10, 23, 6], 1.0, &device).require_grad();
            let out = conv.forward(x.clone());
            let grads = (out.clone() * out.clone()).sum().backward();
            let mut read = Vec::new();
            for t in [out.flatten::<1>(0, 2), x.grad(&grads).unwrap().flatten(0, 2), conv.kernel.val().grad(&grads).unwrap().flatten(0, 2)] {
                read.push(values(t).await);
            }
            parts.push(read);
        }
        let (fused, reference) = (&parts[0], &parts[1]);
        for (part, (got, want)) in fused.iter().zip(reference).enumerate() {
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() <= 1e-4 * w.abs().max(1.0), "{padding:?}: part {part}: {g} vs {w}");
            }
        }
    }
}

/// Subword training runs on the page's single thread: `tokenizers` would otherwise hand its
/// word counting to rayon, which has no threads to spawn in wasm32.
#[wasm_bindgen_test]
fn bpe_and_wordpiece_train_in_the_browser() {
    use kiln::dto::{TextConfig, TokenUnit};
    use kiln::text::TextPipeline;
    let texts: Vec<String> =
        ["the lower the newer", "low lower lowest", "이 영화 정말 최고"].iter().map(|s| s.to_string()).collect();
    for tokens in [TokenUnit::Bpe, TokenUnit::Wordpiece] {
        let p = TextPipeline::fit(&TextConfig { tokens, ..TextConfig::default() }, 40, &texts).unwrap();
        assert_eq!(p.tokens("the lower 영화").concat().replace("##", ""), "thelower영화", "{tokens:?}");
        assert!(p.encode("the lowest 영화").iter().all(|&i| i < 40), "{tokens:?}");
    }
}

/// The Korean sample as a run would see it (char tokens, Korean clean-up).
fn ko_sample() -> (RunConfig, Dataset) {
    let config = RunConfig::from_pairs([
        ("model", "pooled"),
        ("data", "ko-sample"),
        ("tokens", "char"),
        ("normalize", "korean"),
        ("maxlen", "40"),
        ("num_words", "2000"),
        ("batch_size", "16"),
        ("epochs", "1"),
    ])
    .unwrap();
    (config, kiln::data::load::ko_sample().unwrap())
}

/// TF-IDF + LogisticRegression and LinearSVC fit in the page's single thread, without `std::time`.
#[wasm_bindgen_test]
fn baselines_fit_in_the_browser() {
    use kiln::baseline::Baseline;
    use kiln::dto::{BaselineConfig, BaselineKind};
    let (config, data) = ko_sample();
    for kind in [BaselineKind::Logreg, BaselineKind::Svm] {
        let b = Baseline::fit(&BaselineConfig::new(kind), &config, &data).unwrap();
        let e = &b.report().evaluation;
        assert!(e.samples > 0 && (0.0..=1.0).contains(&e.accuracy), "{kind:?}: {e:?}");
        assert_eq!(b.predict("정말 최고의 영화").unwrap().probabilities.len(), 2);
    }
}

/// Word2vec's CPU loop and its batched trainer on WebGPU (read back asynchronously) both
/// train, and a run's Embedding then starts from the vectors on WebGPU (from `webgpu_backend_loss_falls`).
async fn word2vec_trains_on_cpu_and_webgpu_and_starts_an_embedding(gpu: &Device) {
    use kiln::dto::{EmbeddingInit, LayerConfig, Word2VecConfig, Word2VecEvent};
    use kiln::embed::Word2Vec;
    let (mut config, data) = ko_sample();
    let w2v = Word2VecConfig { vector_size: 8, min_count: 1, epochs: 1, ..Word2VecConfig::default() };
    let mut last = None;
    for device in [None, Some(gpu.clone())] {
        let gpu_run = device.is_some();
        let mut trainer = Word2Vec::new(&w2v, &config, &data, device).unwrap();
        let mut losses = Vec::new();
        loop {
            match trainer.next().await.unwrap() {
                Word2VecEvent::Progress { loss, .. } => losses.push(loss),
                Word2VecEvent::Done { vector_size, .. } => {
                    assert_eq!(vector_size, 8);
                    break;
                }
                Word2VecEvent::Prepared { .. } => {}
            }
        }
        assert!(!losses.is_empty() && losses.iter().all(|l| l.is_finite()), "gpu {gpu_run}: {losses:?}");
        last = Some(trainer.vectors().await.unwrap());
    }
    let vectors = last.unwrap();
    if let LayerConfig::Embedding(e) = &mut config.layers[0] {
        e.output_dim = 8;
        e.embeddings_initializer = EmbeddingInit::Word2vec;
    }
    let mut run = Run::with_vectors(config, &data, gpu, Some(&vectors)).unwrap();
    match run.next().await.unwrap() {
        RunEvent::Prepared { notes, .. } => assert!(notes.iter().any(|n| n.contains("word2vec")), "{notes:?}"),
        other => panic!("expected prepared, got {other:?}"),
    }
    assert!(matches!(run.next().await.unwrap(), RunEvent::Step { batch_loss, .. } if batch_loss.is_finite()));
}
