//! Conv1D, pooling, BatchNormalization and the activations against Keras 3, plus
//! dropout's training and inference behaviour. The fixtures come from
//! tools/keras_ref/conv.py; inputs and weights are not stored but filled by
//! `fill()`, the same formula the script uses.

use burn::module::{Module, Param, RunningState};
use burn::optim::GradientsParams;
use burn::prelude::*;
use kiln::dto::{Activation, BatchNormalizationConfig, Conv1dConfig, ConvPadding, Pooling1dConfig};
use kiln::model::{
    BatchNorm, Conv1d, Init, Path, apply, average_pooling_1d, conv_output_len, dropout, max_pooling_1d, max_pooling_1d_on,
    pool_output_len, spatial_dropout_1d,
};
use serde::Deserialize;

const R_SALT: f64 = 9.0;

/// `sin(0.37·i + salt)·scale`, as tools/keras_ref/conv.py fills inputs and weights.
fn fill(n: usize, salt: f64, scale: f64) -> Vec<f32> {
    (0..n).map(|i| ((0.37 * i as f64 + salt).sin() * scale) as f32).collect()
}

fn tensor<const D: usize>(values: Vec<f32>, shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

fn close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-4 + 1e-4 * w.abs(), "{what}[{i}]: got {g}, Keras {w}\n got {got:?}\nwant {want:?}");
    }
}

/// `sum(out · R)`, the scalar whose gradients the fixtures record.
fn weighted_sum<const D: usize>(out: Tensor<D>) -> Tensor<1> {
    let shape = out.dims();
    let r = tensor(fill(shape.iter().product(), R_SALT, 1.0), shape, &out.device());
    (out * r).sum()
}

fn grad<const D: usize>(t: &Tensor<D>, grads: &burn::tensor::Gradients) -> Vec<f32> {
    values(t.grad(grads).expect("a gradient"))
}

fn fixture<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    #[derive(Deserialize)]
    struct File<T> {
        cases: Vec<T>,
    }
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    serde_json::from_str::<File<T>>(&text).expect("fixture parses").cases
}

fn train_device() -> Device {
    Device::flex().autodiff()
}

#[derive(Deserialize)]
struct ConvCase {
    config: Conv1dConfig,
    input: [usize; 3],
    out_shape: [usize; 3],
    output: Vec<f32>,
    grad_input: Vec<f32>,
    grad_kernel: Vec<f32>,
    grad_bias: Vec<f32>,
}

#[test]
fn conv1d_matches_keras() {
    conv1d_matches_keras_on(train_device());
}

/// The Keras fixtures on the GPU (the native wgpu adapter, Mesa's lavapipe here), where
/// Conv1D is Kiln's windows and matmul (conv_cube.rs).
#[test]
fn conv1d_gpu_matches_keras() {
    conv1d_matches_keras_on(Device::wgpu(Default::default()).autodiff());
}

fn conv1d_matches_keras_on(device: Device) {
    let cases = fixture::<ConvCase>("conv1d.json");
    assert_eq!(cases.len(), 27);
    for case in cases {
        let c = &case.config;
        let name = format!("{:?} k={} s={} d={}", c.padding, c.kernel_size, c.strides, c.dilation_rate);
        let [batch, steps, input] = case.input;
        assert_eq!(conv_output_len(steps, c), Some(case.out_shape[1]), "{name}: length");
        let mut conv = Conv1d::new(c, input, &mut Init::new(1), &device);
        let kernel_shape = [c.kernel_size, input, c.filters];
        conv.kernel = Param::from_tensor(tensor(fill(kernel_shape.iter().product(), 1.0, 0.8), kernel_shape, &device));
        conv.bias = Param::from_tensor(tensor(fill(c.filters, 2.0, 0.3), [c.filters], &device));
        let x = tensor(fill(batch * steps * input, 0.5, 1.0), case.input, &device).require_grad();
        let out = conv.forward(x.clone());
        assert_eq!(out.dims(), case.out_shape, "{name}: shape");
        close(&values(out.clone()), &case.output, &format!("{name} output"));
        let grads = weighted_sum(out).backward();
        close(&grad(&x, &grads), &case.grad_input, &format!("{name} dx"));
        close(&grad(&conv.kernel.val(), &grads), &case.grad_kernel, &format!("{name} dkernel"));
        close(&grad(&conv.bias.val(), &grads), &case.grad_bias, &format!("{name} dbias"));
    }
}

/// Kiln's CPU convolution (`Path::Auto` on flex) against burn's `conv1d`
/// (`Path::Reference`) on sine-filled values: outputs and all three gradients, for every
/// padding, strides, dilations, odd sizes and batches of more than one group.
#[test]
fn conv1d_cpu_kernel_matches_burns_conv() {
    conv1d_matches_burns_conv(Device::flex());
}

/// The same table on the GPU (the native wgpu adapter, Mesa's lavapipe here): Kiln's
/// windows and matmul (conv_cube.rs) against burn's `conv1d`.
#[test]
fn conv1d_gpu_windows_match_burns_conv() {
    conv1d_matches_burns_conv(Device::wgpu(Default::default()));
}

fn conv1d_matches_burns_conv(inference_device: Device) {
    use ConvPadding::{Causal, Same, Valid};
    use Activation::{Relu, Tanh};
    // batch, steps, in, filters, kernel, strides, dilation, padding, activation (relu is
    // fused into the kernel's pass, the others follow it)
    let cases = [
        (3, 20, 16, 16, 7, 1, 1, Valid, Relu),
        (11, 13, 5, 17, 4, 2, 1, Same, Tanh),
        (2, 9, 3, 4, 3, 1, 2, Causal, Relu),
        (17, 12, 8, 3, 5, 3, 2, Same, Relu),
        (1, 4, 2, 33, 4, 1, 1, Valid, Tanh),
        (4, 6, 1, 1, 1, 2, 1, Causal, Relu),
        (9, 15, 6, 5, 3, 1, 1, Same, Relu),
    ];
    for (batch, steps, input, filters, kernel_size, strides, dilation_rate, padding, activation) in cases {
        let c = Conv1dConfig { filters, kernel_size, strides, padding, dilation_rate, activation };
        let name = format!("{c:?} batch {batch} steps {steps} in {input}");
        let device = inference_device.clone().autodiff();
        let run = |path: Path| {
            let mut conv = Conv1d::new(&c, input, &mut Init::new(5), &device);
            conv.bias = Param::from_tensor(tensor(fill(filters, 3.0, 0.5), [filters], &device));
            conv.path = path;
            let x = tensor(fill(batch * steps * input, 0.7, 1.0), [batch, steps, input], &device).require_grad();
            let out = conv.forward(x.clone());
            let grads = weighted_sum(out.clone()).backward();
            let g = [grad(&x, &grads), grad(&conv.kernel.val(), &grads), grad(&conv.bias.val(), &grads)];
            (out.dims(), values(out), g)
        };
        let (dims, out, g) = run(Path::Auto);
        let (ref_dims, ref_out, ref_g) = run(Path::Reference);
        assert_eq!(dims, ref_dims, "{name}: shape");
        close(&out, &ref_out, &format!("{name} output"));
        for (what, (got, want)) in ["dx", "dkernel", "dbias"].iter().zip(g.iter().zip(&ref_g)) {
            close(got, want, &format!("{name} {what}"));
        }
        // without autodiff (evaluation) the same values
        let inference = Conv1d::new(&c, input, &mut Init::new(5), &inference_device);
        let x = tensor(fill(batch * steps * input, 0.7, 1.0), [batch, steps, input], &inference_device);
        let mut reference = inference.clone();
        reference.path = Path::Reference;
        close(&values(inference.forward(x.clone())), &values(reference.forward(x)), &format!("{name} inference"));
    }
}

#[test]
fn conv1d_init_is_keras_glorot_with_zero_bias() {
    let conv = Conv1d::new(&conv1d_config(16, 5), 8, &mut Init::new(3), &Device::flex());
    assert_eq!(conv.kernel.dims(), [5, 8, 16]);
    assert_eq!(conv.num_params(), 5 * 8 * 16 + 16);
    let limit = (6.0f32 / (5.0 * 8.0 + 5.0 * 16.0)).sqrt();
    let kernel = values(conv.kernel.val());
    assert!(kernel.iter().all(|v| v.abs() <= limit));
    assert!(kernel.iter().any(|v| v.abs() > 0.9 * limit), "the limit uses fan = k·in + k·filters");
    assert!(values(conv.bias.val()).iter().all(|&v| v == 0.0));
}

#[derive(Deserialize)]
struct PoolCase {
    kind: String,
    config: Pooling1dConfig,
    input: [usize; 3],
    out_shape: [usize; 3],
    output: Vec<f32>,
    grad_input: Vec<f32>,
}

#[test]
fn pooling_matches_keras() {
    let cases = fixture::<PoolCase>("conv_pool.json");
    assert_eq!(cases.len(), 20);
    for case in cases {
        let p = &case.config;
        let name = format!("{} {:?} pool={} strides={:?}", case.kind, p.padding, p.pool_size, p.strides);
        let [batch, steps, d] = case.input;
        assert_eq!(pool_output_len(steps, p), Some(case.out_shape[1]), "{name}: length");
        let x = tensor(fill(batch * steps * d, 0.5, 2.0), case.input, &train_device()).require_grad();
        let out = match case.kind.as_str() {
            "max" => max_pooling_1d(x.clone(), p),
            _ => average_pooling_1d(x.clone(), p),
        };
        assert_eq!(out.dims(), case.out_shape, "{name}: shape");
        close(&values(out.clone()), &case.output, &format!("{name} output"));
        let grads = weighted_sum(out).backward();
        close(&grad(&x, &grads), &case.grad_input, &format!("{name} dx"));
    }
}

/// Kiln's CPU max pooling (`Path::Auto` on flex; `pooling_matches_keras` checks it
/// against Keras) against burn's `max_pool1d` (`Path::Reference`, as WebGPU uses) on
/// random values: output and dx, with and without autodiff, for both paddings, strides
/// other than the pool size and batches of more than one group.
#[test]
fn max_pooling_cpu_kernel_matches_burns_pool() {
    use kiln::dto::PoolPadding::{Same, Valid};
    // batch, steps, channels, pool_size, strides, padding
    let cases = [(3, 20, 16, 5, None, Valid), (11, 13, 5, 2, Some(1), Same), (17, 9, 3, 3, Some(2), Same), (2, 7, 1, 4, Some(3), Valid), (1, 1, 2, 1, None, Same)];
    for (batch, steps, channels, pool_size, strides, padding) in cases {
        let p = Pooling1dConfig { pool_size, strides, padding };
        let name = format!("{p:?} batch {batch} steps {steps} channels {channels}");
        let run = |path: Path, device: &Device| {
            let x = tensor(fill(batch * steps * channels, 0.3, 1.0), [batch, steps, channels], device);
            let x = if device.is_autodiff() { x.require_grad() } else { x };
            let out = max_pooling_1d_on(x.clone(), &p, path);
            let dims = out.dims();
            if !device.is_autodiff() {
                return (dims, values(out), Vec::new());
            }
            let grads = weighted_sum(out.clone()).backward();
            (dims, values(out), grad(&x, &grads))
        };
        for device in [train_device(), Device::flex()] {
            let (dims, out, dx) = run(Path::Auto, &device);
            let (ref_dims, ref_out, ref_dx) = run(Path::Reference, &device);
            assert_eq!(dims, ref_dims, "{name}: shape");
            close(&out, &ref_out, &format!("{name} output"));
            close(&dx, &ref_dx, &format!("{name} dx"));
        }
    }
}

/// M2's chain, Conv1D(relu) → MaxPooling1D(5) → Conv1D(relu) → the max over time, on
/// Kiln's kernels against burn's: behind the poolings most of each convolution's output
/// gradient is zero, so the kernel's sparse backward path is the one compared here.
#[test]
fn conv_pool_chain_matches_burn_where_the_gradient_is_sparse() {
    let (batch, steps, emb) = (13, 60, 16);
    let pool = Pooling1dConfig { pool_size: 5, strides: None, padding: kiln::dto::PoolPadding::Valid };
    let device = train_device();
    let run = |path: Path| {
        let mut conv1 = Conv1d::new(&conv1d_config(16, 7), emb, &mut Init::new(7), &device);
        let mut conv2 = Conv1d::new(&conv1d_config(16, 7), 16, &mut Init::new(8), &device);
        conv1.bias = Param::from_tensor(tensor(fill(16, 4.0, 0.1), [16], &device));
        (conv1.path, conv2.path) = (path, path);
        let x = tensor(fill(batch * steps * emb, 0.9, 1.0), [batch, steps, emb], &device).require_grad();
        let h = max_pooling_1d_on(conv1.forward(x.clone()), &pool, path);
        let out = conv2.forward(h).max_dim(1); // [batch, 1, 16]
        let grads = weighted_sum(out.clone()).backward();
        let g = [grad(&x, &grads), grad(&conv1.kernel.val(), &grads), grad(&conv1.bias.val(), &grads), grad(&conv2.kernel.val(), &grads)];
        (values(out), g)
    };
    let (out, g) = run(Path::Auto);
    let (ref_out, ref_g) = run(Path::Reference);
    close(&out, &ref_out, "output");
    for (what, (got, want)) in ["dx", "conv1 dkernel", "conv1 dbias", "conv2 dkernel"].iter().zip(g.iter().zip(&ref_g)) {
        assert!(got.iter().any(|v| *v != 0.0), "{what}: all zero");
        close(got, want, what);
    }
}

#[derive(Deserialize)]
struct NormCase {
    config: BatchNormalizationConfig,
    training: bool,
    input: Vec<usize>,
    output: Vec<f32>,
    grad_input: Option<Vec<f32>>,
    grad_gamma: Option<Vec<f32>>,
    grad_beta: Option<Vec<f32>>,
    moving_mean: Vec<f32>,
    moving_variance: Vec<f32>,
}

/// A BatchNorm with the fixture's gamma, beta and starting moving statistics.
fn keras_batch_norm(config: &BatchNormalizationConfig, d: usize, device: &Device) -> BatchNorm {
    let shifted = |salt, scale| fill(d, salt, scale).into_iter().map(|v| 1.0 + v).collect::<Vec<_>>();
    let mut bn = BatchNorm::new(config, d, device);
    bn.gamma = Param::from_tensor(tensor(shifted(3.0, 0.5), [d], device));
    bn.beta = Param::from_tensor(tensor(fill(d, 4.0, 0.5), [d], device));
    bn.moving_mean = RunningState::new(tensor(fill(d, 5.0, 0.2), [d], device));
    bn.moving_variance = RunningState::new(tensor(shifted(6.0, 0.5), [d], device));
    bn
}

#[test]
fn batch_normalization_matches_keras_in_training_and_inference() {
    let cases = fixture::<NormCase>("conv_norm.json");
    assert_eq!(cases.len(), 8);
    for case in cases {
        let name = format!("{:?} training={} momentum={}", case.input, case.training, case.config.momentum);
        let device = if case.training { train_device() } else { Device::flex() };
        let d = *case.input.last().expect("a shape");
        let bn = keras_batch_norm(&case.config, d, &device);
        let n: usize = case.input.iter().product();
        let x: Vec<f32> = fill(n, 0.5, 2.0).into_iter().map(|v| v + 0.7).collect();
        let (out, grads) = match case.input[..] {
            [b, d] => output_and_grads(tensor(x, [b, d], &device), |x| bn.forward2(x)),
            [b, s, d] => output_and_grads(tensor(x, [b, s, d], &device), |x| bn.forward3(x)),
            _ => panic!("{name}: rank"),
        };
        close(&out, &case.output, &format!("{name} output"));
        if let (Some(dx), Some(dgamma), Some(dbeta)) = (&case.grad_input, &case.grad_gamma, &case.grad_beta) {
            let (got_dx, grads) = grads.expect("training has gradients");
            close(&got_dx, dx, &format!("{name} dx"));
            close(&grad(&bn.gamma.val(), &grads), dgamma, &format!("{name} dgamma"));
            close(&grad(&bn.beta.val(), &grads), dbeta, &format!("{name} dbeta"));
        }
        let (mean, variance) = bn.moving_stats();
        close(&values(mean), &case.moving_mean, &format!("{name} moving_mean"));
        close(&values(variance), &case.moving_variance, &format!("{name} moving_variance"));
    }
}

/// `f(x)` and, on an autodiff device, the gradients of `sum(f(x) · R)` (that of `x` apart).
fn output_and_grads<const D: usize>(
    x: Tensor<D>,
    f: impl Fn(Tensor<D>) -> Tensor<D>,
) -> (Vec<f32>, Option<(Vec<f32>, burn::tensor::Gradients)>) {
    if !x.device().is_autodiff() {
        return (values(f(x)), None);
    }
    let x = x.require_grad();
    let out = f(x.clone());
    let got = values(out.clone());
    let grads = weighted_sum(out).backward();
    (got, Some((grad(&x, &grads), grads)))
}

#[test]
fn batch_norm_state_is_counted_but_gets_no_gradient_and_survives_valid() {
    let config = BatchNormalizationConfig { momentum: 0.5, epsilon: 1e-3 };
    let device = train_device();
    let bn = BatchNorm::new(&config, 3, &device);
    assert_eq!(bn.num_params(), 4 * 3, "gamma, beta, moving_mean, moving_variance");
    let x = tensor(fill(12, 0.5, 2.0), [4, 3], &device);
    let grads = weighted_sum(bn.forward2(x.clone())).backward();
    assert_eq!(GradientsParams::from_grads(grads, &bn).len(), 2, "only gamma and beta train");
    // The trained moving statistics follow the model to the inference device.
    let (mean, _) = bn.moving_stats();
    let mean = values(mean);
    assert!(mean.iter().any(|v| v.abs() > 1e-3), "the moving mean moved: {mean:?}");
    let valid = bn.valid();
    close(&values(valid.moving_stats().0), &mean, "moving_mean after valid()");
    let twice = values(valid.forward2(x.clone().inner()));
    assert_eq!(twice, values(valid.forward2(x.inner())), "inference is deterministic and stateless");
}

#[derive(Deserialize)]
struct ActivationCase {
    activation: Activation,
    input: [usize; 2],
    output: Vec<f32>,
    grad_input: Vec<f32>,
}

#[test]
fn activations_match_keras() {
    let cases = fixture::<ActivationCase>("conv_activations.json");
    assert_eq!(cases.len(), Activation::ALL.len());
    for case in cases {
        let name = case.activation.name();
        let [rows, cols] = case.input;
        let x = tensor(fill(rows * cols, 0.5, 3.0), case.input, &train_device()).require_grad();
        let out = apply(case.activation, x.clone());
        close(&values(out.clone()), &case.output, &format!("{name} output"));
        let grads = weighted_sum(out).backward();
        close(&grad(&x, &grads), &case.grad_input, &format!("{name} dx"));
    }
}

#[test]
fn dropout_is_the_identity_at_inference() {
    let x = tensor(fill(2 * 5 * 4, 0.5, 1.0), [2, 5, 4], &Device::flex());
    let want = values(x.clone());
    assert_eq!(values(dropout(x.clone(), 0.5)), want);
    assert_eq!(values(spatial_dropout_1d(x, 0.5)), want);
}

#[test]
fn dropout_zeroes_and_rescales_while_training() {
    let (rate, n) = (0.4, 4000);
    let x = Tensor::<2>::ones([n / 8, 8], &train_device()).require_grad();
    let out = dropout(x.clone(), rate);
    let got = values(out.clone());
    let scale = 1.0 / (1.0 - rate as f32);
    assert!(got.iter().all(|&v| v == 0.0 || (v - scale).abs() < 1e-6), "values are 0 or 1/(1-rate)");
    let dropped = got.iter().filter(|&&v| v == 0.0).count() as f64 / n as f64;
    assert!((dropped - rate).abs() < 0.05, "dropped {dropped}, rate {rate}");
    // The gradient is the same mask, rescaled.
    let grads = out.sum().backward();
    assert_eq!(grad(&x, &grads), got);
}

#[test]
fn spatial_dropout_shares_one_mask_across_steps() {
    let (batch, steps, d, rate) = (8, 12, 16, 0.5);
    let x: Vec<f32> = fill(batch * steps * d, 0.5, 1.0).iter().map(|v| v + 2.0).collect();
    let x = tensor(x, [batch, steps, d], &train_device());
    let input = values(x.clone());
    let got = values(spatial_dropout_1d(x, rate));
    let (mut dropped, scale) = (0, 1.0 / (1.0 - rate as f32));
    for b in 0..batch {
        for c in 0..d {
            let at = |t: usize| (b * steps + t) * d + c;
            let kept = got[at(0)] != 0.0;
            dropped += usize::from(!kept);
            for t in 0..steps {
                let want = if kept { input[at(t)] * scale } else { 0.0 };
                assert!((got[at(t)] - want).abs() < 1e-5, "sample {b} channel {c} step {t}");
            }
        }
    }
    let share = dropped as f64 / (batch * d) as f64;
    assert!((0.3..0.7).contains(&share), "{dropped} of {} channels dropped", batch * d);
}

#[test]
fn a_conv_model_trains_and_evaluates_with_keras_counts() {
    use kiln::dto::{ConvPadding, LayerConfig as L, PoolPadding};
    let conv = |padding, strides| L::Conv1d(Conv1dConfig { padding, strides, ..conv1d_config(4, 3) });
    let pool = |padding| Pooling1dConfig { pool_size: 3, strides: Some(2), padding };
    let layers = [
        L::embedding(6),
        conv(ConvPadding::Same, 2),
        L::batch_normalization(),
        L::SpatialDropout1d(kiln::dto::DropoutConfig { rate: 0.3 }),
        L::MaxPooling1d(pool(PoolPadding::Same)),
        conv(ConvPadding::Causal, 1),
        L::AveragePooling1d(pool(PoolPadding::Valid)),
        L::flatten(),
        L::batch_normalization(),
        L::dropout(0.5),
        L::dense(3, Activation::Softmax),
    ];
    let built = kiln::model::build(&layers, 50, 20, 7, &train_device()).expect("builds");
    let s = &built.summary;
    // Keras: conv 3·6·4+4, BN 4·4 (half frozen), conv 3·4·4+4, Flatten [2·4], BN 4·8, Dense 8·3+3.
    assert_eq!(s.total_params, 300 + 76 + 16 + 52 + 32 + 27);
    assert_eq!(s.non_trainable_params, 2 * 4 + 2 * 8);
    assert_eq!(built.model.num_params(), s.total_params, "RunningState counts in num_params()");
    let ids: Vec<i64> = (0..80).map(|i| i % 50).collect();
    let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [4, 20]), &train_device());
    let logits = built.model.forward_logits(ids.clone());
    assert_eq!(logits.dims(), [4, 3]);
    let grads = GradientsParams::from_grads(logits.sum().backward(), &built.model);
    assert_eq!(grads.len(), 1 + 2 + 2 + 2 + 2 + 2, "embedding, 2 convs, 2 BNs, dense: no moving stats");
    let eval = built.model.valid().forward_logits(ids.inner());
    assert!(values(eval).iter().all(|v| v.is_finite()));
}

fn conv1d_config(filters: usize, kernel_size: usize) -> Conv1dConfig {
    Conv1dConfig {
        filters,
        kernel_size,
        strides: 1,
        padding: Default::default(),
        dilation_rate: 1,
        activation: Activation::Relu,
    }
}
