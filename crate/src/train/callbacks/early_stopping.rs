//! Keras 3 `EarlyStopping` (keras/src/callbacks/early_stopping.py), without
//! `baseline` and `start_from_epoch` (Kiln has neither).

use super::{EpochLogs, Improvement};
use crate::dto::EarlyStopping;

/// What EarlyStopping decided at the end of an epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EarlyStop {
    /// `restore_best_weights`: keep this epoch's weights as the best so far.
    pub keep_weights: bool,
    pub stop: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EarlyStopper {
    config: EarlyStopping,
    improvement: Improvement,
    wait: usize,
    best: Option<f64>,
    /// The epoch of the kept weights (`restore_best_weights` only), 1-based.
    kept: Option<usize>,
    stopped: Option<usize>,
}

impl EarlyStopper {
    pub fn new(config: EarlyStopping) -> Self {
        let improvement = Improvement::new(config.mode, config.monitor, config.min_delta);
        Self { config, improvement, wait: 0, best: None, kept: None, stopped: None }
    }

    /// `on_epoch_end` (`epoch` 1-based). Keras counts the wait before comparing,
    /// resets it on an improvement, and never stops after the first epoch.
    pub fn on_epoch_end(&mut self, epoch: usize, logs: &EpochLogs) -> EarlyStop {
        let current = logs.get(self.config.monitor);
        let mut keep_weights = false;
        if self.config.restore_best_weights && self.kept.is_none() {
            (self.kept, keep_weights) = (Some(epoch), true);
        }
        self.wait += 1;
        if self.improvement.over(current, self.best) {
            self.best = Some(current);
            self.wait = 0;
            if self.config.restore_best_weights {
                (self.kept, keep_weights) = (Some(epoch), true);
            }
            return EarlyStop { keep_weights, stop: false };
        }
        let stop = self.wait >= self.config.patience && epoch > 1;
        if stop {
            self.stopped = Some(epoch);
        }
        EarlyStop { keep_weights, stop }
    }

    /// The epoch whose weights `on_train_end` puts back.
    pub fn restore_epoch(&self) -> Option<usize> {
        self.kept.filter(|_| self.config.restore_best_weights)
    }

    pub fn stopped_epoch(&self) -> Option<usize> {
        self.stopped
    }

    /// `on_train_end`'s messages.
    pub fn on_train_end(&self) -> Vec<String> {
        let stopped = self.stopped.map(|e| format!("Epoch {e}: early stopping"));
        let restored =
            self.restore_epoch().map(|e| format!("Restoring model weights from the end of the best epoch: {e}."));
        stopped.into_iter().chain(restored).collect()
    }
}
