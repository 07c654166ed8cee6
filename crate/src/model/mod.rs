//! Models built from Keras-like layer lists (`dto::LayerConfig`).

mod build;
mod conv;
#[cfg(feature = "gpu")]
mod conv_cube;
mod fused;
mod fused_conv;
mod fused_embed;
mod fused_pool;
#[cfg(feature = "gpu")]
mod fused_gpu;
#[cfg(feature = "gpu")]
mod gemm_cube;
#[cfg(not(feature = "gpu"))]
#[path = "fused_gpu_off.rs"]
mod fused_gpu;
mod init;
mod layers;
mod norm;
mod recurrent;
#[cfg(feature = "gpu")]
mod rnn_cube;
mod weights;

use burn::prelude::*;

pub use build::{Built, Head, build, summarize};
pub use conv::{Conv1d, average_pooling_1d, conv_output_len, max_pooling_1d, max_pooling_1d_on, pool_output_len};
pub use init::Init;
pub use layers::{Dense, Embedded, Embedding, Sequence, apply, global_average_pooling_1d, global_max_pooling_1d};
pub use norm::{BatchNorm, dropout, spatial_dropout_1d};
pub use recurrent::{Bidirectional, Cell, Path, Recurrent, use_reference_path, use_rolled_kernels};
pub use weights::{LayerWeights, Weight};
/// Whether Kiln's CPU (flex) or GPU (cubecl) kernels run on a device in a dtype; the
/// optimizer's fused Adam takes them too, with the flex buffers' helpers.
pub(crate) use fused::{available as cpu_kernels_available, f32s, flex as flex_tensor};
#[cfg(feature = "gpu")]
pub(crate) use fused_gpu::linear_available as gpu_kernels_available;
/// The GPU kernels' launch constants, shared with the optimizer's (`train/adam_cube.rs`).
#[cfg(feature = "gpu")]
pub(crate) use gemm_cube::{MAX_CUBES, f32_type};

use crate::dto::{Activation, Pooling1dConfig};

/// A layer without parameters; its config says what it does.
#[derive(Module, Debug)]
pub struct Stateless {
    #[module(skip)]
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Activation(Activation),
    Dropout(f64),
    SpatialDropout1d(f64),
    MaxPooling1d(Pooling1dConfig),
    AveragePooling1d(Pooling1dConfig),
    GlobalMaxPooling1d,
    GlobalAveragePooling1d,
    Flatten,
}

#[derive(Module, Debug)]
pub enum Layer {
    Embedding(Embedding),
    Dense(Dense),
    Recurrent(Recurrent),
    Bidirectional(Bidirectional),
    Conv1d(Conv1d),
    BatchNorm(BatchNorm),
    Stateless(Stateless),
}

/// What flows between layers.
enum Act {
    Ids(Tensor<2, Int>), // [batch, steps]
    Embedded(Embedded),  // an Embedding's ids and table, not yet looked up (CPU)
    Seq(Tensor<3>),      // [batch, steps, features]
    Flat(Tensor<2>),     // [batch, features]
}

/// A Keras `Sequential` classifier ending in sigmoid (binary) or softmax.
#[derive(Module, Debug)]
pub struct Model {
    pub layers: Vec<Layer>,
    /// How many trailing layer entries the logits skip: 1 for a final
    /// `Activation(sigmoid|softmax)`, 0 when the last Dense carries it.
    #[module(skip)]
    pub skip_tail: usize,
}

impl Model {
    /// Keras' `Embedding(..., weights=[matrix])`: start the first Embedding from
    /// `values` (row-major `[input_dim, output_dim]`), e.g. pretrained word vectors.
    pub fn set_embedding_matrix(&mut self, values: Vec<f32>) -> crate::error::Result<()> {
        use burn::module::Param;
        let Some(Layer::Embedding(embedding)) = self.layers.iter_mut().find(|l| matches!(l, Layer::Embedding(_))) else {
            return Err(crate::error::KilnError::config("embedding_matrix", "the model has no Embedding layer"));
        };
        let [rows, cols] = embedding.weight.dims();
        if values.len() != rows * cols {
            return Err(crate::error::KilnError::config(
                "embedding_matrix",
                format!("has {} values; the Embedding needs {rows} × {cols} = {}", values.len(), rows * cols),
            ));
        }
        if let Some(bad) = values.iter().position(|v| !v.is_finite()) {
            return Err(crate::error::KilnError::config(
                "embedding_matrix",
                format!("value {bad} (row {}, column {}) is not a finite number", bad / cols, bad % cols),
            ));
        }
        let device = embedding.weight.device();
        embedding.weight = Param::from_tensor(Tensor::from_data(TensorData::new(values, [rows, cols]), &device));
        Ok(())
    }

    /// The output before its final sigmoid or softmax.
    ///
    /// # Shapes
    /// - ids `[batch, maxlen]` → logits `[batch, 1]` (sigmoid) or `[batch, classes]` (softmax)
    pub fn forward_logits(&self, ids: Tensor<2, Int>) -> Tensor<2> {
        let body = &self.layers[..self.layers.len() - self.skip_tail];
        let (last, body) = body.split_last().expect("build() never makes an empty model");
        let mut x = Act::Ids(ids);
        for layer in body {
            x = layer.forward(x);
        }
        match (last, x) {
            (Layer::Dense(dense), Act::Flat(x)) if self.skip_tail == 0 => dense.linear(x),
            (layer, x) => match layer.forward(x) {
                Act::Flat(x) => x,
                _ => unreachable!("build() checks that the output is flat"),
            },
        }
    }
}

impl Layer {
    fn forward(&self, x: Act) -> Act {
        use Act::*;
        match (self, x) {
            (Layer::Embedding(l), Ids(ids)) => match l.lazy(&ids) {
                Some(e) => Embedded(e),
                None => Seq(l.forward(ids)),
            },
            // the layers that can read the ids themselves; the others get the values
            (Layer::Recurrent(l), Embedded(e)) if l.config.return_sequences => Seq(l.sequence(e)),
            (Layer::Recurrent(l), Embedded(e)) => Flat(l.last(e)),
            (Layer::Bidirectional(l), Embedded(e)) if l.forward.config.return_sequences => Seq(l.sequence(e)),
            (Layer::Bidirectional(l), Embedded(e)) => Flat(l.last(e)),
            (Layer::Conv1d(l), Embedded(e)) => Seq(l.forward(e)),
            // M4: the mean of the table rows, without the values
            (Layer::Stateless(Stateless { op: Op::GlobalAveragePooling1d }), Embedded(e)) => Flat(fused_embed::mean(&e)),
            (layer, Embedded(e)) => layer.forward(Seq(Sequence::from(e).values())),
            (Layer::Dense(l), Flat(x)) => Flat(l.forward(x)),
            (Layer::Dense(l), Seq(x)) => Seq(l.forward_seq(x)),
            (Layer::Recurrent(l), Seq(x)) if l.config.return_sequences => Seq(l.sequence(x)),
            (Layer::Recurrent(l), Seq(x)) => Flat(l.last(x)),
            (Layer::Bidirectional(l), Seq(x)) if l.forward.config.return_sequences => Seq(l.sequence(x)),
            (Layer::Bidirectional(l), Seq(x)) => Flat(l.last(x)),
            (Layer::Conv1d(l), Seq(x)) => Seq(l.forward(x)),
            (Layer::BatchNorm(l), Seq(x)) => Seq(l.forward3(x)),
            (Layer::BatchNorm(l), Flat(x)) => Flat(l.forward2(x)),
            (Layer::Stateless(s), x) => s.op.forward(x),
            _ => unreachable!("build() checks every layer's input shape"),
        }
    }
}

impl Op {
    fn forward(&self, x: Act) -> Act {
        use Act::*;
        match (self, x) {
            (Op::Activation(a), Seq(x)) => Seq(apply(*a, x)),
            (Op::Activation(a), Flat(x)) => Flat(apply(*a, x)),
            (Op::Dropout(rate), Seq(x)) => Seq(dropout(x, *rate)),
            (Op::Dropout(rate), Flat(x)) => Flat(dropout(x, *rate)),
            (Op::SpatialDropout1d(rate), Seq(x)) => Seq(spatial_dropout_1d(x, *rate)),
            (Op::MaxPooling1d(p), Seq(x)) => Seq(max_pooling_1d(x, p)),
            (Op::AveragePooling1d(p), Seq(x)) => Seq(average_pooling_1d(x, p)),
            (Op::GlobalMaxPooling1d, Seq(x)) => Flat(global_max_pooling_1d(x)),
            (Op::GlobalAveragePooling1d, Seq(x)) => Flat(global_average_pooling_1d(x)),
            (Op::Flatten, Seq(x)) => {
                let [batch, steps, d] = x.dims();
                Flat(x.reshape([batch, steps * d]))
            }
            (Op::Flatten, Flat(x)) => Flat(x),
            _ => unreachable!("build() checks every layer's input shape"),
        }
    }
}
