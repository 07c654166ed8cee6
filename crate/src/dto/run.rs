//! One training run: data, layers, `compile(...)` and `fit(...)` arguments.

use serde::{Deserialize, Serialize};

use super::layers::LayerConfig;
use crate::error::{KilnError, Result};
pub use crate::text::Padding;

/// Keras optimizers with Keras' defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum OptimizerConfig {
    /// β₁ 0.9, β₂ 0.999, ε 1e-7.
    Adam {
        #[serde(default = "lr_1e3")]
        learning_rate: f64,
    },
    /// ρ 0.9, no momentum, ε 1e-7, not centred.
    Rmsprop {
        #[serde(default = "lr_1e3")]
        learning_rate: f64,
        #[serde(default = "rho")]
        rho: f64,
        #[serde(default)]
        momentum: f64,
    },
    /// lr 0.01, no momentum.
    Sgd {
        #[serde(default = "lr_1e2")]
        learning_rate: f64,
        #[serde(default)]
        momentum: f64,
        #[serde(default)]
        nesterov: bool,
    },
    /// Initial accumulator 0.1, ε 1e-7.
    Adagrad {
        #[serde(default = "lr_1e3")]
        learning_rate: f64,
    },
}

impl OptimizerConfig {
    pub const NAMES: [&'static str; 4] = ["adam", "rmsprop", "sgd", "adagrad"];

    /// Keras' `optimizer="name"` with its default learning rate.
    pub fn named(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "adam" => Ok(Self::Adam { learning_rate: 1e-3 }),
            "rmsprop" => Ok(Self::Rmsprop { learning_rate: 1e-3, rho: 0.9, momentum: 0.0 }),
            "sgd" => Ok(Self::Sgd { learning_rate: 1e-2, momentum: 0.0, nesterov: false }),
            "adagrad" => Ok(Self::Adagrad { learning_rate: 1e-3 }),
            _ => Err(KilnError::config("optimizer", format!("unknown optimizer `{name}` (adam, rmsprop, sgd, adagrad)"))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Adam { .. } => "adam",
            Self::Rmsprop { .. } => "rmsprop",
            Self::Sgd { .. } => "sgd",
            Self::Adagrad { .. } => "adagrad",
        }
    }

    pub fn learning_rate(&self) -> f64 {
        match *self {
            Self::Adam { learning_rate } | Self::Adagrad { learning_rate } => learning_rate,
            Self::Rmsprop { learning_rate, .. } | Self::Sgd { learning_rate, .. } => learning_rate,
        }
    }

    pub fn set_learning_rate(&mut self, lr: f64) {
        match self {
            Self::Adam { learning_rate } | Self::Adagrad { learning_rate } => *learning_rate = lr,
            Self::Rmsprop { learning_rate, .. } | Self::Sgd { learning_rate, .. } => *learning_rate = lr,
        }
    }
}

/// Keras losses. The categorical ones take a softmax output of one unit per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    #[default]
    BinaryCrossentropy,
    /// One-hot targets (Kiln one-hot encodes the class ids itself).
    CategoricalCrossentropy,
    /// Integer class ids.
    SparseCategoricalCrossentropy,
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Self::BinaryCrossentropy => "binary_crossentropy",
            Self::CategoricalCrossentropy => "categorical_crossentropy",
            Self::SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
            KilnError::config(
                "loss",
                format!("unknown loss `{s}` (binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy)"),
            )
        })
    }
}

/// Keras `EarlyStopping(monitor="val_loss", patience, min_delta, restore_best_weights)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    #[serde(default = "val_loss")]
    pub monitor: Monitor,
    #[serde(default)]
    pub patience: usize,
    #[serde(default)]
    pub min_delta: f64,
    #[serde(default)]
    pub restore_best_weights: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Monitor {
    ValLoss,
    ValAccuracy,
    Loss,
    Accuracy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatasetName {
    #[serde(rename = "imdb-1k")]
    Imdb1k,
    #[serde(rename = "imdb-5k")]
    Imdb5k,
    #[serde(rename = "imdb-20k")]
    Imdb20k,
}

impl DatasetName {
    /// Training reviews taken from the front of the benchmark train split.
    pub fn train_size(self) -> usize {
        match self {
            Self::Imdb1k => 1_000,
            Self::Imdb5k => 5_000,
            Self::Imdb20k => 20_000,
        }
    }

    /// Test reviews: the 5,000 benchmark test reviews, or a proportional slice.
    pub fn test_size(self) -> usize {
        self.train_size() / 4
    }

    pub fn parse(s: &str) -> Result<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string()))
            .map_err(|_| KilnError::config("data", format!("unknown dataset `{s}` (imdb-1k, imdb-5k, imdb-20k)")))
    }
}

/// Everything one training run needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    pub data: DatasetName,
    /// The preset the layers came from (`m1_lstm`), or `custom`.
    pub model: String,
    pub layers: Vec<LayerConfig>,
    pub num_words: usize,
    pub maxlen: usize,
    pub padding: Padding,
    pub truncating: Padding,
    pub batch_size: usize,
    pub epochs: usize,
    pub optimizer: OptimizerConfig,
    #[serde(default)]
    pub loss: Loss,
    /// Keras' optimizer `clipnorm`: each gradient tensor scaled to at most this L2 norm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipnorm: Option<f64>,
    /// Keras' optimizer `clipvalue`: each gradient element clipped to ±this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipvalue: Option<f64>,
    /// 0 = validate on the test set (Keras `validation_data=(x_test, y_test)`).
    pub validation_split: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStopping>,
    pub seed: u64,
}

fn lr_1e3() -> f64 {
    1e-3
}
fn lr_1e2() -> f64 {
    1e-2
}
fn rho() -> f64 {
    0.9
}
fn val_loss() -> Monitor {
    Monitor::ValLoss
}
