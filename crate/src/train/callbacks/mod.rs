//! Keras 3's `EarlyStopping`, `ModelCheckpoint` and `ReduceLROnPlateau` as pure
//! state machines: each takes the epoch's logs at epoch end and says what to do
//! (keep these weights, stop, change the learning rate), with the notes Keras
//! prints at `verbose=1`. The run holds the weights; nothing here touches a tensor.

mod checkpoint;
mod early_stopping;
mod reduce_lr;

pub use checkpoint::Checkpointer;
pub use early_stopping::{EarlyStop, EarlyStopper};
pub use reduce_lr::LrReducer;

use crate::dto::{Mode, Monitor, RunConfig};

/// What Keras passes to `on_epoch_end` as `logs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochLogs {
    pub loss: f64,
    pub accuracy: f64,
    pub val_loss: f64,
    pub val_accuracy: f64,
}

impl EpochLogs {
    pub fn get(&self, monitor: Monitor) -> f64 {
        match monitor {
            Monitor::Loss => self.loss,
            Monitor::Accuracy => self.accuracy,
            Monitor::ValLoss => self.val_loss,
            Monitor::ValAccuracy => self.val_accuracy,
        }
    }
}

impl Monitor {
    /// The key in Keras' logs: `val_loss`, `accuracy`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ValLoss => "val_loss",
            Self::ValAccuracy => "val_accuracy",
            Self::Loss => "loss",
            Self::Accuracy => "accuracy",
        }
    }
}

/// Keras' `MonitorCallback`: the comparison `mode` picks, and `min_delta`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Improvement {
    lower_is_better: bool,
    min_delta: f64,
}

impl Improvement {
    fn new(mode: Mode, monitor: Monitor, min_delta: f64) -> Self {
        Self { lower_is_better: mode.lower_is_better(monitor), min_delta: min_delta.abs() }
    }

    /// `_is_improvement`: `monitor_op(value - min_delta, best)` with `min_delta`
    /// negated for `less`, so `value < best - δ` (min) or `value > best + δ` (max);
    /// the first value always improves.
    fn over(self, value: f64, best: Option<f64>) -> bool {
        match best {
            None => true,
            Some(best) if self.lower_is_better => value + self.min_delta < best,
            Some(best) => value - self.min_delta > best,
        }
    }
}

/// What the callbacks decided at the end of one epoch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EpochVerdict {
    /// Keras' messages, in callback order.
    pub notes: Vec<String>,
    /// EarlyStopping (`restore_best_weights`) keeps this epoch's weights.
    pub keep_best: bool,
    /// ModelCheckpoint saves this epoch's weights.
    pub keep_checkpoint: bool,
    /// ReduceLROnPlateau's new learning rate, for the next epoch.
    pub learning_rate: Option<f64>,
    pub stop: bool,
}

/// A run's callbacks, in the order `to_code` writes them:
/// `callbacks=[early_stopping, checkpoint, reduce_lr]`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Callbacks {
    pub early_stopping: Option<EarlyStopper>,
    pub checkpoint: Option<Checkpointer>,
    pub reduce_lr: Option<LrReducer>,
}

impl Callbacks {
    pub fn new(config: &RunConfig) -> Self {
        Self {
            early_stopping: config.early_stopping.clone().map(EarlyStopper::new),
            checkpoint: config.checkpoint.clone().map(Checkpointer::new),
            reduce_lr: config.reduce_lr.clone().map(LrReducer::new),
        }
    }

    /// `on_epoch_end` of each callback; `epoch` is 1-based, `learning_rate` the
    /// rate this epoch trained with.
    pub fn on_epoch_end(&mut self, epoch: usize, logs: &EpochLogs, learning_rate: f64) -> EpochVerdict {
        let mut v = EpochVerdict::default();
        if let Some(es) = &mut self.early_stopping {
            let EarlyStop { keep_weights, stop } = es.on_epoch_end(epoch, logs);
            (v.keep_best, v.stop) = (keep_weights, stop);
        }
        if let Some(c) = &mut self.checkpoint {
            let (save, note) = c.on_epoch_end(epoch, logs);
            v.keep_checkpoint = save;
            v.notes.push(note);
        }
        if let Some(r) = &mut self.reduce_lr
            && let Some((lr, note)) = r.on_epoch_end(epoch, logs, learning_rate)
        {
            v.learning_rate = Some(lr);
            v.notes.push(note);
        }
        v
    }

    /// `on_train_end`: EarlyStopping's messages.
    pub fn on_train_end(&self) -> Vec<String> {
        self.early_stopping.as_ref().map_or_else(Vec::new, EarlyStopper::on_train_end)
    }

    /// The epoch whose weights EarlyStopping puts back when training ends (Keras 3
    /// restores them whether or not training stopped early).
    pub fn restore_epoch(&self) -> Option<usize> {
        self.early_stopping.as_ref().and_then(EarlyStopper::restore_epoch)
    }
}
