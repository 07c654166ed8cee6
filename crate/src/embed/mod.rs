//! Word embeddings trained in the page: word2vec (skip-gram with negative sampling) on the
//! loaded corpus, as Mikolov's word2vec.c and gensim train it.
//!
//! `corpus` (tokens → ids, vocabulary) → `sampling` (sub-sampling, windows, noise words,
//! learning rate; shared by both trainers) → `cpu` (word2vec.c's loop) or `batched` (burn, any
//! device) → `word2vec` (the state machine the worker drives) → `vectors` (gensim's
//! `KeyedVectors`: neighbours, analogies, the word map, Embedding weights) → `text_format`
//! (word2vec and GloVe text) and `projector` (the Embedding Projector's TSV pair).

mod batched;
mod corpus;
mod cpu;
mod map;
mod projector;
pub mod sampling;
mod text_format;
mod vectors;
mod word2vec;

pub use batched::{BatchedTrainer, PAIRS_PER_STEP};
pub use corpus::Corpus;
pub use cpu::{CpuTrainer, score};
pub use projector::ProjectorFiles;
pub use text_format::TextFormat;
pub use vectors::Vectors;
pub use word2vec::{CHUNK_WORDS, Word2Vec, validate};
