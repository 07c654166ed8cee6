//! Keras 3 `ModelCheckpoint` (keras/src/callbacks/model_checkpoint.py) saving
//! once per epoch; Kiln keeps the weights in memory instead of writing a file.

use super::{EpochLogs, Improvement};
use crate::dto::Checkpoint;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checkpointer {
    config: Checkpoint,
    /// ModelCheckpoint has no `min_delta`: any strict improvement counts.
    improvement: Improvement,
    best: Option<f64>,
}

impl Checkpointer {
    pub fn new(config: Checkpoint) -> Self {
        let improvement = Improvement::new(config.mode, config.monitor, 0.0);
        Self { config, improvement, best: None }
    }

    /// `on_epoch_end` (`epoch` 1-based): whether to save this epoch's weights, and
    /// Keras' message (without its `to {filepath}`).
    pub fn on_epoch_end(&mut self, epoch: usize, logs: &EpochLogs) -> (bool, String) {
        if !self.config.save_best_only {
            return (true, format!("Epoch {epoch}: saving model"));
        }
        let current = logs.get(self.config.monitor);
        let name = self.config.monitor.name();
        let best = self.best.map_or_else(|| "None".to_string(), |b| format!("{b:.5}"));
        if self.improvement.over(current, self.best) {
            self.best = Some(current);
            (true, format!("Epoch {epoch}: {name} improved from {best} to {current:.5}, saving model"))
        } else {
            (false, format!("Epoch {epoch}: {name} did not improve from {best}"))
        }
    }
}
