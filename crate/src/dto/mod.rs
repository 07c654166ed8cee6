//! Serde types shared with the page; `www/src/protocol.ts` mirrors them.

mod baseline;
mod data;
mod eval;
mod events;
mod layers;
mod presets;
mod run;
mod text;
mod word2vec;

pub use baseline::{BaselineConfig, BaselineKind, BaselineReport, Weighted};
pub use data::{
    Bin, ClassCount, DataView, Example, Format, Inspection, LengthStats, LoadOptions, LoadReport, Vocabulary,
};
pub use eval::{CurvePoint, Evaluation, Misclassified, Prediction, ReportRow};
pub use events::{History, RunEvent, Summary, SummaryRow};
pub use layers::*;
pub use presets::{Preset, presets};
pub use run::{
    Checkpoint, ClassWeight, DatasetName, EarlyStopping, Loss, Mode, Monitor, OptimizerConfig, Padding, ReduceLr,
    RunConfig,
};
pub use text::{Normalize, TextConfig, TokenUnit};
pub use word2vec::{MapPoint, Similar, Word2VecConfig, Word2VecEvent};

use crate::error::{KilnError, Result};

/// Keras' `EarlyStopping(monitor="val_loss", patience=…, restore_best_weights=True)`, as the page's
/// `patience` box makes it.
fn default_early_stopping(patience: usize) -> EarlyStopping {
    EarlyStopping { monitor: Monitor::ValLoss, mode: Mode::Auto, patience, min_delta: 0.0, restore_best_weights: true }
}

/// The preset a bare page or command line starts from.
pub const DEFAULT_PRESET: &str = "m1_lstm";

impl RunConfig {
    pub fn preset(name: &str) -> Result<Self> {
        let name = presets::ALIASES.iter().find(|(alias, _)| *alias == name).map_or(name, |(_, real)| real);
        presets().into_iter().find(|p| p.name == name).map(|p| p.config).ok_or_else(|| {
            let names: Vec<String> = presets().into_iter().map(|p| p.name).collect();
            KilnError::config("model", format!("unknown model `{name}` ({})", names.join(", ")))
        })
    }

    pub fn learning_rate(&self) -> f64 {
        self.optimizer.learning_rate()
    }

    /// Ranges a Keras user could mistype; layer shapes are checked when the model is built.
    pub fn validate(&self) -> Result<()> {
        let check = |ok: bool, field: &str, msg: &str| {
            if ok { Ok(()) } else { Err(KilnError::config(field, msg)) }
        };
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
        check(
            self.clipnorm.is_none() || self.clipvalue.is_none(),
            "clipvalue",
            "set clipnorm or clipvalue, not both (Keras refuses both too)",
        )?;
        for (field, value) in [("clipnorm", self.clipnorm), ("clipvalue", self.clipvalue)] {
            check(value.is_none_or(|v| v.is_finite() && v > 0.0), field, "must be a positive number")?;
        }
        if let OptimizerConfig::Rmsprop { rho, momentum, .. } = self.optimizer {
            check((0.0..1.0).contains(&rho), "rho", "must be in [0, 1)")?;
            check((0.0..1.0).contains(&momentum), "momentum", "must be in [0, 1)")?;
        }
        if let OptimizerConfig::Sgd { momentum, .. } = self.optimizer {
            check((0.0..1.0).contains(&momentum), "momentum", "must be in [0, 1)")?;
        }
        if let Some(es) = &self.early_stopping {
            check(es.min_delta.is_finite() && es.min_delta >= 0.0, "min_delta", "must be a number ≥ 0")?;
        }
        check(
            self.test_split.is_finite() && self.test_split > 0.0 && self.test_split < 1.0,
            "test_split",
            "must be in (0, 1): the share of a file's rows held out for testing",
        )?;
        if let Some(r) = &self.reduce_lr {
            check(r.factor.is_finite() && r.factor > 0.0 && r.factor < 1.0, "factor", "must be in (0, 1)")?;
            check(r.min_delta.is_finite() && r.min_delta >= 0.0, "min_delta", "must be a number ≥ 0")?;
            check(r.min_lr.is_finite() && r.min_lr >= 0.0, "min_lr", "must be a number ≥ 0")?;
        }
        if let Some(ClassWeight::Given(w)) = &self.class_weight {
            check(
                !w.is_empty() && w.iter().all(|v| v.is_finite() && *v >= 0.0) && w.iter().any(|v| *v > 0.0),
                "class_weight",
                "needs one weight ≥ 0 per class, not all 0",
            )?;
        }
        check(
            self.text.oov_token.as_ref().is_none_or(|t| !t.trim().is_empty()),
            "oov_token",
            "must not be empty (leave it unset for none)",
        )?;
        Ok(())
    }

    /// Apply one `key=value` setting, with the URL's names (`lr` for the learning rate).
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        fn num<T: std::str::FromStr>(key: &str, value: &str) -> Result<T> {
            value.trim().parse().map_err(|_| KilnError::config(key, format!("`{value}` is not a valid number")))
        }
        fn flag(key: &str, value: &str) -> Result<bool> {
            match value.trim() {
                "1" | "true" | "True" | "yes" => Ok(true),
                "0" | "false" | "False" | "no" => Ok(false),
                _ => Err(KilnError::config(key, format!("`{value}` is not true or false"))),
            }
        }
        /// A snake_case serde enum value.
        fn named<T: serde::de::DeserializeOwned>(key: &str, value: &str, choices: &str) -> Result<T> {
            serde_json::from_value(serde_json::Value::String(value.trim().to_string()))
                .map_err(|_| KilnError::config(key, format!("`{value}` is not one of {choices}")))
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
            "lr" | "learning_rate" => self.optimizer.set_learning_rate(num(key, value)?),
            "optimizer" => self.optimizer = OptimizerConfig::named(value)?,
            "loss" => self.loss = Loss::parse(value)?,
            "clipnorm" => self.clipnorm = Some(num(key, value)?).filter(|v: &f64| *v != 0.0),
            "clipvalue" => self.clipvalue = Some(num(key, value)?).filter(|v: &f64| *v != 0.0),
            "patience" => {
                let patience = num(key, value)?;
                self.early_stopping.get_or_insert_with(|| default_early_stopping(patience)).patience = patience;
            }
            "layers" => {
                self.layers = serde_json::from_str(value)
                    .map_err(|e| KilnError::config("layers", format!("not a valid layer list: {e}")))?;
                self.model = "custom".into();
            }
            "validation_split" => self.validation_split = num(key, value)?,
            "test_split" => self.test_split = num(key, value)?,
            "shuffle" => self.shuffle = flag(key, value)?,
            "seed" => self.seed = num(key, value)?,
            "tokens" => self.text.tokens = named(key, value, "word, char, bpe, wordpiece")?,
            "char_level" => {
                self.text.tokens = if flag(key, value)? { TokenUnit::Char } else { TokenUnit::Word };
            }
            "lower" => self.text.lower = flag(key, value)?,
            "filters" => self.text.filters = value.to_string(),
            "oov_token" => self.text.oov_token = Some(value.to_string()).filter(|v| !v.is_empty() && v != "None"),
            "normalize" => self.text.normalize = named(key, value, "html, korean, english, none")?,
            "stopwords" => {
                self.text.stopwords = value.split(',').map(str::trim).filter(|w| !w.is_empty()).map(String::from).collect();
            }
            "reserved" => self.text.reserved = flag(key, value)?,
            "class_weight" => {
                self.class_weight = match value.trim() {
                    "" | "none" | "None" => None,
                    "balanced" => Some(ClassWeight::Balanced),
                    list => Some(ClassWeight::Given(
                        list.split(',').map(|w| num(key, w)).collect::<Result<Vec<f64>>>()?,
                    )),
                }
            }
            "monitor" => {
                let monitor = named(key, value, "val_loss, val_accuracy, loss, accuracy")?;
                self.early_stopping.get_or_insert_with(|| default_early_stopping(0)).monitor = monitor;
            }
            "min_delta" => self.early_stopping.get_or_insert_with(|| default_early_stopping(0)).min_delta = num(key, value)?,
            "mode" => self.early_stopping.get_or_insert_with(|| default_early_stopping(0)).mode = named(key, value, "auto, min, max")?,
            "restore_best_weights" => {
                self.early_stopping.get_or_insert_with(|| default_early_stopping(0)).restore_best_weights = flag(key, value)?
            }
            "save_best_only" => {
                let save_best_only = flag(key, value)?;
                let default = Checkpoint { monitor: Monitor::ValLoss, mode: Mode::Auto, save_best_only };
                self.checkpoint.get_or_insert(default).save_best_only = save_best_only;
            }
            "reduce_lr_min_lr" => {
                self.reduce_lr = Some(ReduceLr { min_lr: num(key, value)?, ..self.reduce_lr.clone().unwrap_or_default() })
            }
            "checkpoint" => {
                self.checkpoint = match value.trim() {
                    "" | "none" | "None" => None,
                    monitor => Some(Checkpoint {
                        monitor: named(key, monitor, "val_loss, val_accuracy, loss, accuracy")?,
                        mode: self.checkpoint.as_ref().map_or(Mode::Auto, |c| c.mode),
                        save_best_only: self.checkpoint.as_ref().is_none_or(|c| c.save_best_only),
                    }),
                }
            }
            "reduce_lr_patience" => {
                self.reduce_lr = match value.trim() {
                    "" | "none" | "None" => None,
                    p => Some(ReduceLr { patience: num(key, p)?, ..self.reduce_lr.clone().unwrap_or_default() }),
                }
            }
            "reduce_lr_factor" => {
                self.reduce_lr = Some(ReduceLr { factor: num(key, value)?, ..self.reduce_lr.clone().unwrap_or_default() })
            }
            _ => return Err(KilnError::config(key, "unknown setting")),
        }
        Ok(())
    }

    /// A preset (`model=…`, default `lstm`) with `key=value` settings applied in order.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Result<Self> {
        let model =
            pairs.clone().into_iter().filter(|(k, _)| *k == "model").last().map(|(_, v)| v).unwrap_or(DEFAULT_PRESET);
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
