//! The whole text side of a run: normalise → split into tokens (Keras words or characters,
//! or subword pieces) → ids, fitted on the training texts with the run's `TextConfig` and
//! `num_words`. Every id it gives is below `num_words`.

use std::collections::HashSet;

use super::subword::{self, Subword};
use super::vocab::summarize;
use super::{Tokenizer, TokenizerConfig, normalize_as, text_to_char_sequence, text_to_word_sequence};
use crate::dto::{TextConfig, TokenUnit, Vocabulary};
use crate::error::{KilnError, Result};

/// Seed 004's dictionary: `<PAD>` 0, `<BOS>` 1, `<UNK>` 2, `<UNUSED>` 3, words from 4.
pub const RESERVED: [&str; 4] = ["<PAD>", "<BOS>", "<UNK>", "<UNUSED>"];
const BOS: u32 = 1;
const UNK: u32 = 2;
/// `keras.datasets.imdb`'s `index_from=3`: a word of Keras rank `r` gets id `r + 3`.
const INDEX_FROM: u32 = 3;
/// The subword vocabularies' own specials when `reserved` is off.
pub const SUBWORD_SPECIALS: [&str; 2] = ["[PAD]", "[UNK]"];

#[derive(Debug, Clone)]
enum Ids {
    /// Keras `Tokenizer` (words or `char_level`); with `reserved`, seed 004's layout on its ranks.
    Keras(Tokenizer),
    Subword(Box<Subword>),
}

#[derive(Debug, Clone)]
pub struct TextPipeline {
    config: TextConfig,
    num_words: usize,
    stopwords: HashSet<String>,
    ids: Ids,
    /// Training tokens (subword pieces for subwords), most frequent first.
    counts: Vec<(String, u64)>,
}

impl TextPipeline {
    /// Fit the vocabulary on `texts` (Keras `fit_on_texts`, or subword training).
    pub fn fit(config: &TextConfig, num_words: usize, texts: &[String]) -> Result<Self> {
        let reserved = reserved_ids(config);
        if num_words <= reserved.len() {
            return Err(KilnError::config(
                "num_words",
                format!(
                    "must be at least {} with these text settings: {} reserved, so {num_words} leaves no id for a word",
                    reserved.len() + 1,
                    reserved.iter().enumerate().map(|(i, r)| format!("{i} ({r})")).collect::<Vec<_>>().join(", "),
                ),
            ));
        }
        let lower = |w: &String| if config.lower { w.to_lowercase() } else { w.clone() };
        let stopwords = config.stopwords.iter().map(lower).collect();
        let ids = Ids::Keras(Tokenizer::default());
        let mut pipeline = Self { config: config.clone(), num_words, stopwords, ids, counts: vec![] };
        let unit = config.tokens;
        let (ids, counts) = match unit {
            TokenUnit::Word | TokenUnit::Char => {
                let mut tokenizer = Tokenizer::new(TokenizerConfig {
                    num_words: (!config.reserved).then_some(num_words),
                    filters: config.filters.clone(),
                    lower: config.lower,
                    split: ' ',
                    oov_token: config.oov_token.clone().filter(|_| !config.reserved),
                    char_level: unit == TokenUnit::Char,
                });
                tokenizer.fit_on_tokens(texts.iter().map(|t| pipeline.split(t)));
                let counts = tokenizer.by_count().cloned().collect();
                (Ids::Keras(tokenizer), counts)
            }
            TokenUnit::Bpe | TokenUnit::Wordpiece => {
                let unk = reserved[if config.reserved { UNK as usize } else { 1 }];
                let split = |t: &str| pipeline.split(t);
                let trained = subword::train(unit == TokenUnit::Wordpiece, texts, &split, &reserved, unk, num_words)?;
                (Ids::Subword(Box::new(trained.subword)), trained.counts.by_count())
            }
        };
        pipeline.ids = ids;
        pipeline.counts = counts;
        Ok(pipeline)
    }

    pub fn config(&self) -> &TextConfig {
        &self.config
    }

    /// The fitted Keras `Tokenizer` (words or `char_level`); `None` for subword vocabularies.
    /// With `reserved`, ids are its indices + 3 (`keras.datasets.imdb`'s `index_from=3`).
    pub fn keras_tokenizer(&self) -> Option<&Tokenizer> {
        match &self.ids {
            Ids::Keras(t) => Some(t),
            Ids::Subword(_) => None,
        }
    }

    /// Normalise, split as Keras would (words after `lower` and `filters`, or characters after
    /// `lower`), and drop stopwords.
    fn split(&self, text: &str) -> Vec<String> {
        let text = normalize_as(self.config.normalize, text);
        let tokens = match self.config.tokens {
            TokenUnit::Char => text_to_char_sequence(&text, self.config.lower),
            TokenUnit::Word | TokenUnit::Bpe | TokenUnit::Wordpiece => {
                text_to_word_sequence(&text, &self.config.filters, self.config.lower, ' ')
            }
        };
        match self.stopwords.is_empty() {
            true => tokens,
            false => tokens.into_iter().filter(|t| !self.stopwords.contains(t)).collect(),
        }
    }

    /// The tokens of `text` the model sees, before ids: words, characters or subword pieces.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        match &self.ids {
            Ids::Keras(_) => self.split(text),
            Ids::Subword(s) => self.split(text).iter().flat_map(|w| s.pieces(w)).map(|(_, p)| p).collect(),
        }
    }

    /// Whether `token` has an id of its own below `num_words` (not OOV/UNK, not a special).
    pub fn is_known(&self, token: &str) -> bool {
        match &self.ids {
            Ids::Keras(t) if self.config.reserved => {
                t.word_index(token).is_some_and(|r| ((r + INDEX_FROM) as usize) < self.num_words)
            }
            Ids::Keras(t) => {
                t.config.oov_token.as_deref() != Some(token)
                    && t.word_index(token).is_some_and(|i| (i as usize) < self.num_words)
            }
            Ids::Subword(s) => s.id(token).is_some(),
        }
    }

    /// Keras `texts_to_sequences` for one text; with `reserved`, `<BOS>` first and `<UNK>` for
    /// what is unseen or beyond `num_words` (`keras.datasets.imdb`'s encoding).
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let tokens = self.split(text);
        let bos = self.config.reserved.then_some(BOS);
        match &self.ids {
            Ids::Keras(t) if self.config.reserved => {
                let id = |w: &String| match t.word_index(w).map(|r| r + INDEX_FROM) {
                    Some(i) if (i as usize) < self.num_words => i,
                    _ => UNK,
                };
                bos.into_iter().chain(tokens.iter().map(id)).collect()
            }
            Ids::Keras(t) => t.tokens_to_sequence(&tokens),
            Ids::Subword(s) => bos.into_iter().chain(tokens.iter().flat_map(|w| s.pieces(w)).map(|(i, _)| i)).collect(),
        }
    }

    pub fn encode_all(&self, texts: &[String]) -> Vec<Vec<u32>> {
        texts.iter().map(|t| self.encode(t)).collect()
    }

    /// The token each id stands for (seed 004's `get_decoded_sentence`, `<BOS>` kept); ids
    /// without one (padding, Keras' unused ids) read `?`.
    pub fn decode(&self, ids: &[u32]) -> Vec<String> {
        ids.iter().map(|&id| self.token(id).unwrap_or_else(|| "?".into())).collect()
    }

    /// The token id `id` stands for (Keras `index_word[id]`), `None` for ids without one.
    pub fn token(&self, id: u32) -> Option<String> {
        match &self.ids {
            Ids::Keras(_) if self.config.reserved && id <= INDEX_FROM => Some(RESERVED[id as usize].to_string()),
            Ids::Keras(t) if self.config.reserved => t.index_word(id - INDEX_FROM).map(str::to_string),
            Ids::Keras(t) => t.index_word(id).map(str::to_string),
            Ids::Subword(s) => s.token(id),
        }
    }

    /// How often each training token occurred, most frequent first.
    pub fn counts(&self) -> &[(String, u64)] {
        &self.counts
    }

    /// The Embedding's `input_dim` the data needs: `num_words`, or fewer when the
    /// texts have fewer distinct tokens.
    pub fn vocab_size(&self) -> usize {
        let ids = match &self.ids {
            Ids::Keras(t) if self.config.reserved => t.word_count() + INDEX_FROM as usize + 1,
            Ids::Keras(t) => t.word_count() + 1,
            Ids::Subword(s) => s.size(),
        };
        self.num_words.min(ids)
    }

    /// The `top` most frequent tokens and the share of token occurrences `num_words` covers.
    pub fn vocabulary(&self, top: usize) -> Vocabulary {
        summarize(&self.counts, top, self.num_words, |t| self.is_known(t))
    }
}

/// The ids a configuration sets aside before the first token.
fn reserved_ids(config: &TextConfig) -> Vec<&'static str> {
    match (config.reserved, config.tokens) {
        (true, _) => RESERVED.to_vec(),
        (false, TokenUnit::Bpe | TokenUnit::Wordpiece) => SUBWORD_SPECIALS.to_vec(),
        (false, _) if config.oov_token.is_some() => vec!["padding", "the OOV token"],
        (false, _) => vec!["padding"],
    }
}
