//! On the CPU a Conv1D or recurrent layer right after an Embedding reads the ids and
//! multiplies only the table rows the batch uses (`fused_embed.rs`). Whole models
//! against the same models whose layers take burn's reference ops on the looked-up
//! values: logits and every parameter's gradient, the Embedding's included. Run natively
//! (embedded_inputs.rs) and in Chromium (wasm.rs).

use burn::prelude::*;
use kiln::dto::{Activation, ConvPadding, LayerConfig as L, PoolPadding, Pooling1dConfig};
use kiln::model::{Layer, Model, Op, Path, Stateless, build};

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

/// Every parameter's gradient, in layer order, named.
fn gradients(model: &Model, grads: &burn::tensor::Gradients) -> Vec<(String, Vec<f32>)> {
    let mut out = Vec::new();
    let mut push = |name: String, t: Option<Vec<f32>>| out.push((name, t.unwrap_or_default()));
    let g2 = |t: Tensor<2>| t.grad(grads).map(values);
    let g1 = |t: Tensor<1>| t.grad(grads).map(values);
    let g3 = |t: Tensor<3>| t.grad(grads).map(values);
    for (i, layer) in model.layers.iter().enumerate() {
        match layer {
            Layer::Embedding(l) => push(format!("{i} table"), g2(l.weight.val())),
            Layer::Dense(l) => {
                push(format!("{i} dense kernel"), g2(l.kernel.val()));
                push(format!("{i} dense bias"), g1(l.bias.val()));
            }
            Layer::Conv1d(l) => {
                push(format!("{i} conv kernel"), g3(l.kernel.val()));
                push(format!("{i} conv bias"), g1(l.bias.val()));
            }
            Layer::Recurrent(l) => {
                push(format!("{i} kernel"), g2(l.kernel.val()));
                push(format!("{i} bias"), g1(l.bias.val()));
            }
            Layer::Bidirectional(l) => {
                for (d, r) in [("fwd", &l.forward), ("bwd", &l.backward)] {
                    push(format!("{i} {d} kernel"), g2(r.kernel.val()));
                    push(format!("{i} {d} bias"), g1(r.bias.val()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The model on burn's reference ops: Conv1D and recurrent layers on `Path::Reference`, and
/// `GlobalAveragePooling1D` (which has no path) as `AveragePooling1D(steps)` then `Flatten`.
fn reference(model: &mut Model, steps: usize) {
    for layer in &mut model.layers {
        match layer {
            Layer::Conv1d(l) => l.path = Path::Reference,
            Layer::Recurrent(l) => l.path = Path::Reference,
            Layer::Bidirectional(l) => (l.forward.path, l.backward.path) = (Path::Reference, Path::Reference),
            _ => {}
        }
    }
    let whole = Pooling1dConfig { pool_size: steps, strides: None, padding: PoolPadding::Valid };
    let stateless = |op| Layer::Stateless(Stateless { op });
    model.layers = std::mem::take(&mut model.layers)
        .into_iter()
        .flat_map(|l| match l {
            Layer::Stateless(Stateless { op: Op::GlobalAveragePooling1d }) => vec![stateless(Op::AveragePooling1d(whole.clone())), stateless(Op::Flatten)],
            l => vec![l],
        })
        .collect();
}

/// Logits and gradients of `sum(logits · r)`.
fn run(model: &Model, ids: &[i64], [batch, steps]: [usize; 2], device: &Device) -> (Vec<f32>, Vec<(String, Vec<f32>)>) {
    let ids = Tensor::<2, Int>::from_data(TensorData::new(ids.to_vec(), [batch, steps]), device);
    let logits = model.forward_logits(ids);
    let r = Tensor::<2>::from_data(TensorData::new((0..batch).map(|i| 1.0 - 0.3 * i as f32).collect::<Vec<_>>(), [batch, 1]), device);
    let grads = (logits.clone() * r).sum().backward();
    (values(logits), gradients(model, &grads))
}

fn conv(filters: usize, kernel: usize, padding: ConvPadding, strides: usize, activation: Activation) -> L {
    match L::conv1d(filters, kernel, activation) {
        L::Conv1d(mut c) => {
            (c.padding, c.strides) = (padding, strides);
            L::Conv1d(c)
        }
        _ => unreachable!(),
    }
}

/// On `Device::flex()`: training (autodiff) and evaluation.
pub fn layers_on_ids_match_layers_on_looked_up_values() {
    use Activation::*;
    let frozen = match L::embedding(6) {
        L::Embedding(mut e) => {
            e.trainable = false;
            L::Embedding(e)
        }
        _ => unreachable!(),
    };
    let seq = |mut l: L| {
        if let L::Lstm(c) | L::Gru(c) | L::SimpleRnn(c) = &mut l {
            c.return_sequences = true;
        }
        l
    };
    let cases: Vec<(&str, Vec<L>)> = vec![
        ("lstm (M1)", vec![L::embedding(8), L::lstm(5), L::dense(1, Sigmoid)]),
        ("gru, simple_rnn", vec![L::embedding(8), seq(L::gru(3)), L::simple_rnn(2), L::dense(1, Sigmoid)]),
        ("bi-lstm (M5)", vec![L::embedding(8), L::bidirectional(L::lstm(4)), L::dense(1, Sigmoid)]),
        ("bi-gru sequences", vec![L::embedding(8), L::bidirectional(seq(L::gru(3))), L::global_max_pooling1d(), L::dense(1, Sigmoid)]),
        ("conv same, rnn (M3)", vec![L::embedding(8), conv(6, 3, ConvPadding::Same, 1, Relu), L::max_pooling1d(2), L::simple_rnn(4), L::dense(1, Sigmoid)]),
        ("conv valid (M2)", vec![L::embedding(4), conv(5, 4, ConvPadding::Valid, 1, Relu), L::global_max_pooling1d(), L::dense(1, Sigmoid)]),
        ("conv strided causal, tanh", vec![L::embedding(5), conv(3, 3, ConvPadding::Causal, 2, Tanh), L::flatten(), L::dense(1, Sigmoid)]),
        ("frozen table", vec![frozen, conv(4, 2, ConvPadding::Valid, 1, Linear), L::lstm(3), L::dense(1, Sigmoid)]),
        ("pooled (M4)", vec![L::embedding(6), L::global_average_pooling1d(), L::dense(4, Relu), L::dense(1, Sigmoid)]),
    ];
    let (vocab, batch, steps) = (23, 5, 11);
    // ids repeat (so rows gather several tokens' gradients) and 0 pads the front, as pad_sequences does
    let ids: Vec<i64> = (0..batch * steps).map(|i| if i % steps < i / steps { 0 } else { ((i * 7 + i / 3) % vocab) as i64 }).collect();
    let device = Device::flex().autodiff();
    for (name, layers) in cases {
        let model = build(&layers, vocab, steps, 7, &device).unwrap_or_else(|e| panic!("{name}: {e}")).model;
        let mut on_values = model.clone();
        reference(&mut on_values, steps);
        let (logits, grads) = run(&model, &ids, [batch, steps], &device);
        let (want_logits, want_grads) = run(&on_values, &ids, [batch, steps], &device);
        let close = |a: &[f32], b: &[f32], what: &str| {
            assert_eq!(a.len(), b.len(), "{name} {what}");
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() <= 1e-5 * (1.0 + y.abs()), "{name} {what}: {x} vs {y}");
            }
        };
        close(&logits, &want_logits, "logits");
        // and in evaluation (no autodiff: the operations' untracked paths)
        let (inner, batch_ids) = (Device::flex(), TensorData::new(ids.clone(), [batch, steps]));
        let eval = |m: &Model| values(m.valid().forward_logits(Tensor::<2, Int>::from_data(batch_ids.clone(), &inner)));
        close(&eval(&model), &eval(&on_values), "evaluation logits");
        close(&eval(&model), &logits, "evaluation against training logits");
        for ((what, g), (_, w)) in grads.iter().zip(&want_grads) {
            assert!(what.contains("table") && name == "frozen table" || !g.is_empty(), "{name} {what}: no gradient");
            close(g, w, what);
        }
    }
}
