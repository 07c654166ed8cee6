//! Keras layers as serde configs: `kind` is Keras' layer name in snake_case and
//! every field is the Keras argument of the same name, with Keras' default.

use serde::{Deserialize, Serialize};

/// One Keras layer. Every `match` on it is exhaustive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LayerConfig {
    Embedding(EmbeddingConfig),
    Dense(DenseConfig),
    Activation(ActivationConfig),
    Dropout(DropoutConfig),
    #[serde(rename = "spatial_dropout1d")]
    SpatialDropout1d(DropoutConfig),
    #[serde(rename = "simple_rnn")]
    SimpleRnn(RecurrentConfig),
    Lstm(RecurrentConfig),
    Gru(RecurrentConfig),
    Bidirectional(BidirectionalConfig),
    #[serde(rename = "conv1d")]
    Conv1d(Conv1dConfig),
    #[serde(rename = "max_pooling1d")]
    MaxPooling1d(Pooling1dConfig),
    #[serde(rename = "average_pooling1d")]
    AveragePooling1d(Pooling1dConfig),
    #[serde(rename = "global_max_pooling1d")]
    GlobalMaxPooling1d(Empty),
    #[serde(rename = "global_average_pooling1d")]
    GlobalAveragePooling1d(Empty),
    BatchNormalization(BatchNormalizationConfig),
    Flatten(Empty),
}

/// A layer without arguments (`{"kind": "flatten"}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// `Embedding(input_dim, output_dim)`; `input_dim` defaults to the run's `num_words`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingConfig {
    pub output_dim: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_dim: Option<usize>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub trainable: bool,
    /// `uniform` (Keras' default) or `word2vec`: the rows of words the page's word2vec
    /// knows start from its vectors (Keras `embeddings_initializer=Constant(matrix)`).
    #[serde(default, skip_serializing_if = "EmbeddingInit::is_uniform")]
    pub embeddings_initializer: EmbeddingInit,
}

/// Where an Embedding's weights start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbeddingInit {
    /// Keras' `RandomUniform(-0.05, 0.05)`.
    #[default]
    Uniform,
    /// Vectors trained in the page; words without one keep the uniform start.
    Word2vec,
}

impl EmbeddingInit {
    pub fn is_uniform(&self) -> bool {
        *self == Self::Uniform
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenseConfig {
    pub units: usize,
    #[serde(default)]
    pub activation: Activation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivationConfig {
    pub activation: Activation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropoutConfig {
    pub rate: f64,
}

/// `SimpleRNN`, `LSTM` and `GRU` (`reset_after=True`) share these arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrentConfig {
    pub units: usize,
    #[serde(default = "tanh")]
    pub activation: Activation,
    #[serde(default)]
    pub return_sequences: bool,
    #[serde(default)]
    pub dropout: f64,
    #[serde(default)]
    pub recurrent_dropout: f64,
}

impl RecurrentConfig {
    /// Keras' defaults for `units`.
    pub fn new(units: usize) -> Self {
        Self { units, activation: Activation::Tanh, return_sequences: false, dropout: 0.0, recurrent_dropout: 0.0 }
    }
}

/// `Bidirectional(layer, merge_mode)`: `layer` is a `simple_rnn`, `lstm` or `gru`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidirectionalConfig {
    pub layer: Box<LayerConfig>,
    #[serde(default)]
    pub merge_mode: MergeMode,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeMode {
    #[default]
    Concat,
    Sum,
    Ave,
    Mul,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conv1dConfig {
    pub filters: usize,
    pub kernel_size: usize,
    #[serde(default = "one")]
    pub strides: usize,
    #[serde(default)]
    pub padding: ConvPadding,
    #[serde(default = "one")]
    pub dilation_rate: usize,
    #[serde(default)]
    pub activation: Activation,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvPadding {
    #[default]
    Valid,
    Same,
    Causal,
}

/// `MaxPooling1D` / `AveragePooling1D`; `strides` defaults to `pool_size`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pooling1dConfig {
    #[serde(default = "two")]
    pub pool_size: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strides: Option<usize>,
    #[serde(default)]
    pub padding: PoolPadding,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolPadding {
    #[default]
    Valid,
    Same,
}

/// `BatchNormalization()` over the last axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchNormalizationConfig {
    #[serde(default = "momentum")]
    pub momentum: f64,
    #[serde(default = "bn_epsilon")]
    pub epsilon: f64,
}

impl Default for BatchNormalizationConfig {
    fn default() -> Self {
        Self { momentum: momentum(), epsilon: bn_epsilon() }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    #[default]
    Linear,
    Relu,
    Sigmoid,
    Tanh,
    Softmax,
    Elu,
    Selu,
    Gelu,
    Swish,
}

impl Activation {
    pub const ALL: [Activation; 9] = [
        Self::Linear,
        Self::Relu,
        Self::Sigmoid,
        Self::Tanh,
        Self::Softmax,
        Self::Elu,
        Self::Selu,
        Self::Gelu,
        Self::Swish,
    ];

    /// Keras' string for it (`"relu"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Relu => "relu",
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Softmax => "softmax",
            Self::Elu => "elu",
            Self::Selu => "selu",
            Self::Gelu => "gelu",
            Self::Swish => "swish",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "silu" => Some(Self::Swish),
            "None" | "none" => Some(Self::Linear),
            _ => Self::ALL.into_iter().find(|a| a.name() == s),
        }
    }
}

impl LayerConfig {
    /// Keras' base name for the layer (`model.summary()` numbers repeats: `dense_1`).
    pub fn keras_name(&self) -> &'static str {
        match self {
            Self::Embedding(_) => "embedding",
            Self::Dense(_) => "dense",
            Self::Activation(_) => "activation",
            Self::Dropout(_) => "dropout",
            Self::SpatialDropout1d(_) => "spatial_dropout1d",
            Self::SimpleRnn(_) => "simple_rnn",
            Self::Lstm(_) => "lstm",
            Self::Gru(_) => "gru",
            Self::Bidirectional(_) => "bidirectional",
            Self::Conv1d(_) => "conv1d",
            Self::MaxPooling1d(_) => "max_pooling1d",
            Self::AveragePooling1d(_) => "average_pooling1d",
            Self::GlobalMaxPooling1d(_) => "global_max_pooling1d",
            Self::GlobalAveragePooling1d(_) => "global_average_pooling1d",
            Self::BatchNormalization(_) => "batch_normalization",
            Self::Flatten(_) => "flatten",
        }
    }

    /// Keras' class name (`GlobalAveragePooling1D`), as the summary prints it.
    pub fn class_name(&self) -> &'static str {
        match self {
            Self::Embedding(_) => "Embedding",
            Self::Dense(_) => "Dense",
            Self::Activation(_) => "Activation",
            Self::Dropout(_) => "Dropout",
            Self::SpatialDropout1d(_) => "SpatialDropout1D",
            Self::SimpleRnn(_) => "SimpleRNN",
            Self::Lstm(_) => "LSTM",
            Self::Gru(_) => "GRU",
            Self::Bidirectional(_) => "Bidirectional",
            Self::Conv1d(_) => "Conv1D",
            Self::MaxPooling1d(_) => "MaxPooling1D",
            Self::AveragePooling1d(_) => "AveragePooling1D",
            Self::GlobalMaxPooling1d(_) => "GlobalMaxPooling1D",
            Self::GlobalAveragePooling1d(_) => "GlobalAveragePooling1D",
            Self::BatchNormalization(_) => "BatchNormalization",
            Self::Flatten(_) => "Flatten",
        }
    }

    // Short constructors with Keras' defaults, for presets and tests.
    pub fn embedding(output_dim: usize) -> Self {
        Self::Embedding(EmbeddingConfig { output_dim, input_dim: None, trainable: true, embeddings_initializer: EmbeddingInit::Uniform })
    }
    pub fn dense(units: usize, activation: Activation) -> Self {
        Self::Dense(DenseConfig { units, activation })
    }
    pub fn lstm(units: usize) -> Self {
        Self::Lstm(RecurrentConfig::new(units))
    }
    pub fn gru(units: usize) -> Self {
        Self::Gru(RecurrentConfig::new(units))
    }
    pub fn simple_rnn(units: usize) -> Self {
        Self::SimpleRnn(RecurrentConfig::new(units))
    }
    pub fn conv1d(filters: usize, kernel_size: usize, activation: Activation) -> Self {
        Self::Conv1d(Conv1dConfig {
            filters,
            kernel_size,
            strides: 1,
            padding: ConvPadding::Valid,
            dilation_rate: 1,
            activation,
        })
    }
    pub fn max_pooling1d(pool_size: usize) -> Self {
        Self::MaxPooling1d(Pooling1dConfig { pool_size, strides: None, padding: PoolPadding::Valid })
    }
    pub fn dropout(rate: f64) -> Self {
        Self::Dropout(DropoutConfig { rate })
    }
    pub fn bidirectional(layer: LayerConfig) -> Self {
        Self::Bidirectional(BidirectionalConfig { layer: Box::new(layer), merge_mode: MergeMode::Concat })
    }
    pub fn global_average_pooling1d() -> Self {
        Self::GlobalAveragePooling1d(Empty {})
    }
    pub fn global_max_pooling1d() -> Self {
        Self::GlobalMaxPooling1d(Empty {})
    }
    pub fn flatten() -> Self {
        Self::Flatten(Empty {})
    }
    pub fn batch_normalization() -> Self {
        Self::BatchNormalization(BatchNormalizationConfig::default())
    }
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn tanh() -> Activation {
    Activation::Tanh
}
fn one() -> usize {
    1
}
fn two() -> usize {
    2
}
fn momentum() -> f64 {
    0.99
}
fn bn_epsilon() -> f64 {
    1e-3
}
