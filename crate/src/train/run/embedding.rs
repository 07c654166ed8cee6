//! The trained run's first Embedding as word vectors (gensim's `KeyedVectors` over Keras'
//! `model.layers[0].get_weights()[0]` and the tokenizer's `index_word`), for nearest words,
//! the map and the word2vec / Embedding Projector downloads.

use std::collections::{HashMap, HashSet};

use super::Run;
use crate::embed::Vectors;
use crate::error::{KilnError, Result};

impl Run {
    /// Row `id` of the first Embedding is the vector of the token `id` stands for, in id order
    /// (most frequent first for Keras' tokenizer). Ids without a token (padding 0 without
    /// `reserved`, ids past the vocabulary) and repeats are left out; counts are the training
    /// texts' token counts (0 for reserved tokens). Read asynchronously: the model may be on WebGPU.
    pub async fn embedding_vectors(&self) -> Result<Vectors> {
        let layers = self.trainer.model().read_weights().await?;
        let Some(weight) = layers.iter().flat_map(|l| &l.weights).find(|w| w.name == "embeddings") else {
            return Err(KilnError::config("layers", "the model has no Embedding layer, so it has no word vectors"));
        };
        let (rows, dim) = match weight.shape[..] {
            [rows, dim] => (rows, dim), // [input_dim, output_dim]
            _ => return Err(KilnError::Backend(format!("the Embedding's weights have shape {:?}", weight.shape))),
        };
        let counts: HashMap<&str, u64> = self.pipeline.counts().iter().map(|(t, c)| (t.as_str(), *c)).collect();
        let mut seen = HashSet::new();
        let (mut words, mut word_counts, mut data) = (Vec::new(), Vec::new(), Vec::with_capacity(rows * dim));
        for id in 0..rows {
            let Some(token) = self.pipeline.token(id as u32) else { continue };
            if !seen.insert(token.clone()) {
                continue;
            }
            word_counts.push(counts.get(token.as_str()).copied().unwrap_or(0));
            words.push(token);
            data.extend_from_slice(&weight.values[id * dim..(id + 1) * dim]);
        }
        Vectors::new(words, word_counts, dim, data)
    }
}
