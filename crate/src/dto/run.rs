//! One training run: data, layers, `compile(...)` and `fit(...)` arguments.

use serde::{Deserialize, Serialize};

use super::layers::LayerConfig;
use super::text::TextConfig;
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
            _ => {
                Err(KilnError::config("optimizer", format!("unknown optimizer `{name}` (adam, rmsprop, sgd, adagrad)")))
            }
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

/// Keras `EarlyStopping(monitor="val_loss", mode, patience, min_delta, restore_best_weights)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    #[serde(default = "val_loss")]
    pub monitor: Monitor,
    #[serde(default)]
    pub mode: Mode,
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

/// Keras' callback `mode`: `auto` takes `min` for losses and `max` otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Auto,
    Min,
    Max,
}

impl Mode {
    /// Whether a lower value of `monitor` is better.
    pub fn lower_is_better(self, monitor: Monitor) -> bool {
        match self {
            Self::Min => true,
            Self::Max => false,
            Self::Auto => matches!(monitor, Monitor::ValLoss | Monitor::Loss),
        }
    }
}

/// Keras `ModelCheckpoint(monitor, mode, save_best_only)`; the weights are kept
/// in memory, not written to a file, and can be put back after training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    #[serde(default = "val_loss")]
    pub monitor: Monitor,
    #[serde(default)]
    pub mode: Mode,
    /// `false`: keep the last epoch's weights; `true`: only an improvement replaces them.
    #[serde(default)]
    pub save_best_only: bool,
}

/// Keras `ReduceLROnPlateau(monitor, factor, patience, min_delta, cooldown, min_lr)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReduceLr {
    #[serde(default = "val_loss")]
    pub monitor: Monitor,
    #[serde(default)]
    pub mode: Mode,
    #[serde(default = "factor")]
    pub factor: f64,
    #[serde(default = "ten")]
    pub patience: usize,
    #[serde(default = "min_delta_lr")]
    pub min_delta: f64,
    #[serde(default)]
    pub cooldown: usize,
    #[serde(default)]
    pub min_lr: f64,
}

impl Default for ReduceLr {
    /// Keras' defaults: `val_loss`, factor 0.1, patience 10, min_delta 1e-4.
    fn default() -> Self {
        Self {
            monitor: Monitor::ValLoss,
            mode: Mode::Auto,
            factor: factor(),
            patience: ten(),
            min_delta: min_delta_lr(),
            cooldown: 0,
            min_lr: 0.0,
        }
    }
}

/// Keras `fit(class_weight=…)`: each sample's loss is scaled by its class' weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// scikit-learn's `compute_class_weight("balanced")`: `n / (classes × count)`.
    Balanced,
    /// One weight per class, in class order.
    Given(Vec<f64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatasetName {
    #[serde(rename = "imdb-1k")]
    Imdb1k,
    #[serde(rename = "imdb-5k")]
    Imdb5k,
    #[serde(rename = "imdb-20k")]
    Imdb20k,
    /// Kiln's bundled Korean movie reviews (`data/ko-sample.tsv`, NSMC's format).
    #[serde(rename = "ko-sample")]
    KoSample,
    /// The file the user loaded in the page.
    #[serde(rename = "file")]
    File,
}

impl DatasetName {
    /// IMDB: training reviews taken from the front of the benchmark train split.
    pub fn train_size(self) -> Option<usize> {
        match self {
            Self::Imdb1k => Some(1_000),
            Self::Imdb5k => Some(5_000),
            Self::Imdb20k => Some(20_000),
            Self::KoSample | Self::File => None,
        }
    }

    /// IMDB: the 5,000 benchmark test reviews, or a proportional slice.
    pub fn test_size(self) -> Option<usize> {
        self.train_size().map(|n| n / 4)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Imdb1k => "imdb-1k",
            Self::Imdb5k => "imdb-5k",
            Self::Imdb20k => "imdb-20k",
            Self::KoSample => "ko-sample",
            Self::File => "file",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
            KilnError::config("data", format!("unknown dataset `{s}` (imdb-1k, imdb-5k, imdb-20k, ko-sample, file)"))
        })
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
    /// 0 = validate on the test set (Keras `validation_data=(x_test, y_test)`), unless
    /// the data has its own validation part.
    pub validation_split: f64,
    /// Data without a test part (a user's file, the Korean sample): this fraction,
    /// drawn at random with `seed`, is held out as the test set.
    #[serde(default = "test_split")]
    pub test_split: f64,
    /// Keras `fit(shuffle=True)`: a new row order every epoch.
    #[serde(default = "yes")]
    pub shuffle: bool,
    #[serde(default)]
    pub text: TextConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_weight: Option<ClassWeight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStopping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_lr: Option<ReduceLr>,
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
fn test_split() -> f64 {
    0.2
}
fn yes() -> bool {
    true
}
fn factor() -> f64 {
    0.1
}
fn ten() -> usize {
    10
}
fn min_delta_lr() -> f64 {
    1e-4
}
fn val_loss() -> Monitor {
    Monitor::ValLoss
}
