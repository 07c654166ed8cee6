//! How text becomes ids: Keras `Tokenizer` options, Korean normalisation, subwords.

use serde::{Deserialize, Serialize};

use crate::text::KERAS_FILTERS;

/// What one id stands for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenUnit {
    /// Keras `Tokenizer()`: words split on spaces after `filters`.
    #[default]
    Word,
    /// Keras `Tokenizer(char_level=True)`: characters (Hangul syllables for Korean).
    Char,
    /// Byte-pair encoding trained on the training texts, `num_words` pieces.
    Bpe,
    /// WordPiece trained on the training texts, `num_words` pieces.
    Wordpiece,
}

/// Clean-up before tokenising.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalize {
    /// IMDB's `<br />` line breaks become spaces; nothing else changes.
    #[default]
    Html,
    /// The Korean seeds' `re.sub("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", text)`: keep Hangul and spaces.
    Korean,
    /// Seed 001: lower-case, keep `a-z`, digits and spaces.
    English,
    /// The text as it is.
    None,
}

/// Text settings of a run; every field has Keras' default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextConfig {
    pub tokens: TokenUnit,
    /// Keras `lower=True`.
    pub lower: bool,
    /// Keras `filters`: characters replaced by the split character.
    pub filters: String,
    /// Keras `oov_token`: unknown words map to it (index 1) instead of being dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oov_token: Option<String>,
    pub normalize: Normalize,
    /// Words dropped after normalising (the Korean seeds' `stopwords` list).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stopwords: Vec<String>,
    /// Seed 004's dictionary: `<PAD>` 0, `<BOS>` 1 (starts every text), `<UNK>` 2,
    /// `<UNUSED>` 3, words from 4 (`keras.datasets.imdb`'s `index_from=3`).
    pub reserved: bool,
}

impl Default for TextConfig {
    fn default() -> Self {
        Self {
            tokens: TokenUnit::Word,
            lower: true,
            filters: KERAS_FILTERS.to_string(),
            oov_token: None,
            normalize: Normalize::Html,
            stopwords: Vec::new(),
            reserved: false,
        }
    }
}
