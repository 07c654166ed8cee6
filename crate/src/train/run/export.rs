//! A run's exports (`crate::export`): its current weights, read asynchronously (any
//! backend), its tokenizer, and its own probabilities for the first test reviews.

use super::Run;
use crate::data::Encoded;
use crate::error::{KilnError, Result};
use crate::export::{self, Expected, Export, SAMPLES};

impl Run {
    /// Keras' `tokenizer.to_json()` of the run's vocabulary; subword vocabularies have none.
    pub fn tokenizer_json(&self) -> Result<String> {
        match self.pipeline.keras_tokenizer() {
            Some(t) => Ok(export::tokenizer_json(t)),
            None => Err(KilnError::Export(
                "a BPE or WordPiece vocabulary is not a Keras Tokenizer, so it has no tokenizer.to_json(); train with word or char tokens to export one".into(),
            )),
        }
    }

    /// The first test reviews, their padded ids and the model's probabilities for them.
    async fn expected(&self) -> Result<Expected> {
        let maxlen = self.config.maxlen;
        let n = self.test.len().min(SAMPLES);
        let first = Encoded { ids: self.test.ids[..n * maxlen].to_vec(), labels: self.test.labels[..n].to_vec(), maxlen };
        let (probs, width) = self.trainer.predict(&first, n.max(1)).await?;
        Ok(Expected {
            model: self.config.model.clone(),
            maxlen,
            num_words: self.config.num_words,
            classes: self.classes.clone(),
            texts: self.test_texts[..n].to_vec(),
            x: first.ids.chunks(maxlen.max(1)).map(<[u32]>::to_vec).collect(),
            probabilities: probs.chunks(width.max(1)).map(<[f32]>::to_vec).collect(),
        })
    }

    async fn export_with<T>(&self, write: impl Fn(&Export) -> Result<T>) -> Result<T> {
        let weights = self.trainer.model().read_weights().await?;
        let export = Export {
            config: &self.config,
            weights: &weights,
            tokenizer: self.tokenizer_json().map_err(|e| e.to_string()),
            expected: self.expected().await?,
        };
        write(&export)
    }

    /// The Keras 3 zip: `model.py`, `weights.npz`, `tokenizer.json`, `expected.json`.
    pub async fn export_keras(&self) -> Result<Vec<u8>> {
        self.export_with(export::keras_zip).await
    }

    /// The TF.js zip: `model.json`, `group1-shard1of1.bin`, `tokenizer.json`, `expected.json`.
    /// A GRU is refused (TF.js has no `reset_after=True`).
    pub async fn export_tfjs(&self) -> Result<Vec<u8>> {
        self.export_with(export::tfjs_zip).await
    }

    /// TF.js' `model.json` and weight shard, unzipped (for tests and tools).
    pub async fn export_tfjs_files(&self) -> Result<(serde_json::Value, Vec<u8>)> {
        self.export_with(export::tfjs_files).await
    }
}
