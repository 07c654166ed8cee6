//! Keras 3 `ReduceLROnPlateau` (keras/src/callbacks/reduce_lr_on_plateau.py).

use super::{EpochLogs, Improvement};
use crate::dto::ReduceLr;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LrReducer {
    config: ReduceLr,
    improvement: Improvement,
    best: Option<f64>,
    wait: usize,
    cooldown_counter: usize,
}

impl LrReducer {
    pub fn new(config: ReduceLr) -> Self {
        let improvement = Improvement::new(config.mode, config.monitor, config.min_delta);
        Self { config, improvement, best: None, wait: 0, cooldown_counter: 0 }
    }

    /// `on_epoch_end` (`epoch` 1-based, `learning_rate` the rate the epoch trained
    /// with): the new rate and Keras' message, when it reduces.
    ///
    /// Keras counts the cooldown down first (resetting the wait), then compares;
    /// only outside the cooldown does a plateau add to the wait, and at `patience`
    /// the rate becomes `max(lr · factor, min_lr)` if it is still above `min_lr`
    /// (compared in float32, as Keras' optimizer variable holds it).
    pub fn on_epoch_end(&mut self, epoch: usize, logs: &EpochLogs, learning_rate: f64) -> Option<(f64, String)> {
        let current = logs.get(self.config.monitor);
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.wait = 0;
        }
        if self.improvement.over(current, self.best) {
            self.best = Some(current);
            self.wait = 0;
            return None;
        }
        if self.cooldown_counter > 0 {
            return None;
        }
        self.wait += 1;
        if self.wait < self.config.patience || (learning_rate as f32) <= (self.config.min_lr as f32) {
            return None;
        }
        let lr = as_float32((learning_rate * self.config.factor).max(self.config.min_lr));
        (self.cooldown_counter, self.wait) = (self.config.cooldown, 0);
        Some((lr, format!("Epoch {epoch}: ReduceLROnPlateau reducing learning rate to {}.", lr as f32)))
    }
}

/// The float32 Keras' optimizer stores, as the f64 with the same shortest decimal
/// (0.001 · 0.1 → 0.0001, not 0.00010000000000000002).
fn as_float32(x: f64) -> f64 {
    (x as f32).to_string().parse().unwrap_or(x)
}
