//! Serde types shared with the page; `www/src/protocol.ts` mirrors them.

use serde::{Deserialize, Serialize};

use crate::error::{KilnError, Result};
pub use crate::text::Padding;

/// One Keras layer. Every `match` on it is exhaustive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerConfig {
    Embedding { output_dim: usize },
    Lstm { units: usize },
    #[serde(rename = "global_average_pooling1d")]
    GlobalAveragePooling1d,
    Dense { units: usize, activation: Activation },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Linear,
    Relu,
    Sigmoid,
    Tanh,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum OptimizerConfig {
    /// Keras defaults: β₁ 0.9, β₂ 0.999, ε 1e-7.
    Adam { learning_rate: f64 },
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
    /// The preset the layers came from (`lstm`, `pooled`).
    pub model: String,
    pub layers: Vec<LayerConfig>,
    pub num_words: usize,
    pub maxlen: usize,
    pub padding: Padding,
    pub truncating: Padding,
    pub batch_size: usize,
    pub epochs: usize,
    pub optimizer: OptimizerConfig,
    /// 0 = validate on the test set (Keras `validation_data=(x_test, y_test)`).
    pub validation_split: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub name: String,
    pub title: String,
    pub source: String,
    pub config: RunConfig,
}

/// The notebooks' models with their hyper-parameters.
pub fn presets() -> Vec<Preset> {
    use Activation::*;
    use LayerConfig::*;
    let base = |model: &str, layers, num_words, maxlen, batch_size, epochs| RunConfig {
        data: DatasetName::Imdb20k,
        model: model.to_string(),
        layers,
        num_words,
        maxlen,
        padding: Padding::Pre,
        truncating: Padding::Pre,
        batch_size,
        epochs,
        optimizer: OptimizerConfig::Adam { learning_rate: 1e-3 },
        validation_split: 0.0,
        seed: 1234,
    };
    vec![
        Preset {
            name: "lstm".into(),
            title: "LSTM".into(),
            source: "seed 002: Embedding(5000, 32) → LSTM(100) → Dense(1, sigmoid), maxlen 500, 3 epochs of 64".into(),
            config: base(
                "lstm",
                vec![Embedding { output_dim: 32 }, Lstm { units: 100 }, Dense { units: 1, activation: Sigmoid }],
                5000,
                500,
                64,
                3,
            ),
        },
        Preset {
            name: "pooled".into(),
            title: "Pooled embeddings".into(),
            source: "Embedding(10000, 16) → GlobalAveragePooling1D → Dense(16, relu) → Dense(1, sigmoid), maxlen 256, 10 epochs of 512".into(),
            config: base(
                "pooled",
                vec![
                    Embedding { output_dim: 16 },
                    GlobalAveragePooling1d,
                    Dense { units: 16, activation: Relu },
                    Dense { units: 1, activation: Sigmoid },
                ],
                10_000,
                256,
                512,
                10,
            ),
        },
    ]
}

impl RunConfig {
    pub fn preset(name: &str) -> Result<Self> {
        presets()
            .into_iter()
            .find(|p| p.name == name)
            .map(|p| p.config)
            .ok_or_else(|| KilnError::config("model", format!("unknown model `{name}` (lstm, pooled)")))
    }

    pub fn learning_rate(&self) -> f64 {
        match self.optimizer {
            OptimizerConfig::Adam { learning_rate } => learning_rate,
        }
    }

    /// Ranges a Keras user could mistype; layer shapes are checked when the model is built.
    pub fn validate(&self) -> Result<()> {
        let check = |ok: bool, field: &str, msg: &str| if ok { Ok(()) } else { Err(KilnError::config(field, msg)) };
        check(self.num_words >= 2, "num_words", "must be at least 2 (index 0 is padding)")?;
        check(self.num_words <= 1_000_000, "num_words", "must be at most 1,000,000")?;
        check(self.maxlen >= 1, "maxlen", "must be at least 1")?;
        check(self.maxlen <= 10_000, "maxlen", "must be at most 10,000")?;
        check(self.batch_size >= 1, "batch_size", "must be at least 1")?;
        check(self.batch_size <= 8_192, "batch_size", "must be at most 8,192")?;
        check(self.epochs >= 1, "epochs", "must be at least 1")?;
        check(self.epochs <= 1_000, "epochs", "must be at most 1,000")?;
        let lr = self.learning_rate();
        check(lr.is_finite() && lr > 0.0 && lr <= 10.0, "learning_rate", "must be a number in (0, 10]")?;
        check(
            self.validation_split.is_finite() && (0.0..1.0).contains(&self.validation_split),
            "validation_split",
            "must be in [0, 1): 0 validates on the test set",
        )?;
        check(!self.layers.is_empty(), "layers", "the model has no layers")?;
        Ok(())
    }

    /// Apply one `key=value` setting, with the URL's names (`lr` for the learning rate).
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        fn num<T: std::str::FromStr>(key: &str, value: &str) -> Result<T> {
            value.trim().parse().map_err(|_| KilnError::config(key, format!("`{value}` is not a valid number")))
        }
        match key {
            "data" => self.data = DatasetName::parse(value)?,
            "model" => {
                let preset = Self::preset(value)?;
                self.model = preset.model;
                self.layers = preset.layers;
            }
            "num_words" => self.num_words = num(key, value)?,
            "maxlen" => self.maxlen = num(key, value)?,
            "padding" => self.padding = Padding::parse(key, value)?,
            "truncating" => self.truncating = Padding::parse(key, value)?,
            "batch_size" => self.batch_size = num(key, value)?,
            "epochs" => self.epochs = num(key, value)?,
            "lr" | "learning_rate" => self.optimizer = OptimizerConfig::Adam { learning_rate: num(key, value)? },
            "validation_split" => self.validation_split = num(key, value)?,
            "seed" => self.seed = num(key, value)?,
            _ => return Err(KilnError::config(key, "unknown setting")),
        }
        Ok(())
    }

    /// A preset (`model=…`, default `lstm`) with `key=value` settings applied in order.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Result<Self> {
        let model = pairs.clone().into_iter().filter(|(k, _)| *k == "model").last().map(|(_, v)| v).unwrap_or("lstm");
        let mut config = Self::preset(model)?;
        for (k, v) in pairs {
            if k != "model" {
                config.set(k, v)?;
            }
        }
        config.validate()?;
        Ok(config)
    }
}

/// One row of Keras' `model.summary()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub name: String,
    pub kind: String,
    pub output_shape: Vec<Option<usize>>,
    pub params: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub rows: Vec<SummaryRow>,
    pub total_params: usize,
    pub trainable_params: usize,
    pub non_trainable_params: usize,
}

/// Keras' `History.history`, one entry per epoch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub loss: Vec<f64>,
    pub accuracy: Vec<f64>,
    pub val_loss: Vec<f64>,
    pub val_accuracy: Vec<f64>,
}

/// What one call of `Run::next` produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    Prepared {
        train_samples: usize,
        val_samples: usize,
        test_samples: usize,
        steps_per_epoch: usize,
        vocab_size: usize,
        summary: Summary,
    },
    Step {
        epoch: usize,
        step: usize,
        steps: usize,
        loss: f64,
        accuracy: f64,
        batch_loss: f64,
        batch_accuracy: f64,
    },
    Epoch { epoch: usize, loss: f64, accuracy: f64, val_loss: f64, val_accuracy: f64 },
    Done { test_loss: f64, test_accuracy: f64, history: History },
}
