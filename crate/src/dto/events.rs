//! What the model and a run report back: `summary()`, `History`, run events.

use serde::{Deserialize, Serialize};

use super::Evaluation;

/// One row of Keras' `model.summary()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// `embedding`, `dense_1`: Keras' layer names.
    pub name: String,
    /// Keras' class name: `Embedding`, `LSTM`.
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
        num_classes: usize,
        summary: Summary,
        /// How the weights started, when not Keras' defaults (word2vec rows covered).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<String>,
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
    /// `learning_rate`: the rate this epoch trained with; `notes`: what the callbacks
    /// did, in Keras' words (`val_loss improved from 0.41 to 0.38`).
    Epoch {
        epoch: usize,
        loss: f64,
        accuracy: f64,
        val_loss: f64,
        val_accuracy: f64,
        learning_rate: f64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<String>,
    },
    /// `stopped_early`: EarlyStopping ended training before `epochs`;
    /// `restored_epoch`: the epoch whose weights were restored (1-based);
    /// `checkpoint_epoch`: the epoch ModelCheckpoint holds, restorable afterwards.
    Done {
        test_loss: f64,
        test_accuracy: f64,
        history: History,
        /// The test set's metrics at threshold 0.5.
        evaluation: Box<Evaluation>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stopped_early: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restored_epoch: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checkpoint_epoch: Option<usize>,
    },
}
