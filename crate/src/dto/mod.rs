//! Serde types shared with the page; `www/src/protocol.ts` mirrors them.

mod data;
mod eval;
mod events;
mod layers;
mod presets;
mod run;
mod text;

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

use crate::error::{KilnError, Result};

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
            "lr" | "learning_rate" => self.optimizer.set_learning_rate(num(key, value)?),
            "optimizer" => self.optimizer = OptimizerConfig::named(value)?,
            "loss" => self.loss = Loss::parse(value)?,
            "clipnorm" => self.clipnorm = Some(num(key, value)?).filter(|v: &f64| *v != 0.0),
            "clipvalue" => self.clipvalue = Some(num(key, value)?).filter(|v: &f64| *v != 0.0),
            "patience" => {
                let patience = num(key, value)?;
                match &mut self.early_stopping {
                    Some(es) => es.patience = patience,
                    None => {
                        self.early_stopping = Some(EarlyStopping {
                            monitor: Monitor::ValLoss,
                            mode: Mode::Auto,
                            patience,
                            min_delta: 0.0,
                            restore_best_weights: true,
                        })
                    }
                }
            }
            "layers" => {
                self.layers = serde_json::from_str(value)
                    .map_err(|e| KilnError::config("layers", format!("not a valid layer list: {e}")))?;
                self.model = "custom".into();
            }
            "validation_split" => self.validation_split = num(key, value)?,
            "seed" => self.seed = num(key, value)?,
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
