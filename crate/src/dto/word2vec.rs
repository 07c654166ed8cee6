//! Word2vec trained in the page on the loaded corpus (skip-gram with negative
//! sampling), and what the page asks of the vectors.

use serde::{Deserialize, Serialize};

/// gensim's `Word2Vec(sg=1, ...)` arguments, with Mikolov's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Word2VecConfig {
    #[serde(default = "d100")]
    pub vector_size: usize,
    /// Largest distance to a context word (each centre word draws its own window from 1..=window).
    #[serde(default = "d5")]
    pub window: usize,
    /// Noise words per (word, context) pair, drawn from counts^0.75.
    #[serde(default = "d5")]
    pub negative: usize,
    /// Sub-sampling of frequent words (`sample`); 0 turns it off.
    #[serde(default = "sample")]
    pub sample: f64,
    /// Words seen fewer times are dropped.
    #[serde(default = "d5")]
    pub min_count: usize,
    /// Passes over the corpus.
    #[serde(default = "d5")]
    pub epochs: usize,
    /// Learning rate, decaying linearly to `min_alpha` over all passes.
    #[serde(default = "alpha")]
    pub alpha: f64,
    #[serde(default = "min_alpha")]
    pub min_alpha: f64,
    #[serde(default = "seed")]
    pub seed: u64,
    /// Keep at most this many words, the most frequent (`max_final_vocab`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_vocab: Option<usize>,
}

impl Default for Word2VecConfig {
    fn default() -> Self {
        Self {
            vector_size: 100,
            window: 5,
            negative: 5,
            sample: 1e-3,
            min_count: 5,
            epochs: 5,
            alpha: 0.025,
            min_alpha: 0.0001,
            seed: 1,
            max_vocab: None,
        }
    }
}

/// What `Word2Vec::next()` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Word2VecEvent {
    /// The vocabulary is built.
    Prepared {
        vocab_size: usize,
        /// Corpus words kept by `min_count`, per pass (before sub-sampling).
        corpus_words: usize,
        /// Every pass together.
        total_words: usize,
        /// "cpu" (Mikolov's loop) or "webgpu" (batched on the GPU).
        backend: String,
    },
    /// A chunk of training.
    Progress {
        epoch: usize, // 1-based
        /// Corpus words processed over all passes so far.
        words_done: usize,
        total_words: usize,
        /// Mean negative-sampling loss per (word, context) pair over this chunk.
        loss: f64,
        /// The learning rate at the chunk's end.
        alpha: f64,
    },
    Done {
        vocab_size: usize,
        vector_size: usize,
        words_done: usize,
    },
}

/// A word and its cosine similarity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similar {
    pub word: String,
    pub similarity: f64,
}

/// A word on the 2-D map (the first two principal components of the top words).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPoint {
    pub word: String,
    pub x: f64,
    pub y: f64,
    pub count: usize,
}

fn d100() -> usize {
    100
}
fn d5() -> usize {
    5
}
fn sample() -> f64 {
    1e-3
}
fn alpha() -> f64 {
    0.025
}
fn min_alpha() -> f64 {
    0.0001
}
fn seed() -> u64 {
    1
}
