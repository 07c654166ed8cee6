use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::normalize;

/// Keras' default `Tokenizer(filters=…)`: punctuation, tab and newline, not the apostrophe.
pub const KERAS_FILTERS: &str = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenizerConfig {
    /// Keep ids `< num_words` (Keras: the `num_words - 1` most frequent words). `None` keeps all.
    pub num_words: Option<usize>,
    pub filters: String,
    pub lower: bool,
    pub split: char,
    pub oov_token: Option<String>,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self { num_words: None, filters: KERAS_FILTERS.to_string(), lower: true, split: ' ', oov_token: None }
    }
}

/// Keras `text_to_word_sequence`: lower-case, filtered characters become `split`, empty words dropped.
pub fn text_to_word_sequence(text: &str, filters: &str, lower: bool, split: char) -> Vec<String> {
    let text = if lower { text.to_lowercase() } else { text.to_string() };
    let mapped: String = text.chars().map(|c| if filters.contains(c) { split } else { c }).collect();
    mapped.split(split).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Keras 2 `Tokenizer`: word index by descending count, ties in first-seen order, 1-based.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tokenizer {
    pub config: TokenizerConfig,
    /// Words by index - 1 (`index_word`), the OOV token first when there is one.
    words: Vec<String>,
    /// Counts in first-seen order, as Keras' `word_counts` OrderedDict.
    word_counts: Vec<(String, u64)>,
    index: HashMap<String, u32>,
}

impl Tokenizer {
    pub fn new(config: TokenizerConfig) -> Self {
        Self { config, ..Self::default() }
    }

    fn words_of(&self, text: &str) -> Vec<String> {
        text_to_word_sequence(&normalize(text), &self.config.filters, self.config.lower, self.config.split)
    }

    /// Count words over `texts` and rebuild the index (Keras `fit_on_texts`).
    pub fn fit_on_texts<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        let mut position: HashMap<String, usize> =
            self.word_counts.iter().enumerate().map(|(i, (w, _))| (w.clone(), i)).collect();
        for text in texts {
            for word in self.words_of(text) {
                match position.get(&word) {
                    Some(&i) => self.word_counts[i].1 += 1,
                    None => {
                        position.insert(word.clone(), self.word_counts.len());
                        self.word_counts.push((word, 1));
                    }
                }
            }
        }
        let mut sorted: Vec<&(String, u64)> = self.word_counts.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1)); // stable: ties keep first-seen order
        self.words = self.config.oov_token.iter().cloned().chain(sorted.into_iter().map(|(w, _)| w.clone())).collect();
        self.index = self.words.iter().enumerate().map(|(i, w)| (w.clone(), i as u32 + 1)).collect();
    }

    /// Keras `word_index[word]`.
    pub fn word_index(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
    }

    /// Keras `index_word[index]`.
    pub fn index_word(&self, index: u32) -> Option<&str> {
        self.words.get((index as usize).checked_sub(1)?).map(String::as_str)
    }

    /// Words in the index (`len(word_index)`).
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// The embedding's input size: `num_words`, or every word + padding.
    pub fn vocab_size(&self) -> usize {
        self.config.num_words.unwrap_or(self.words.len() + 1)
    }

    /// Keras `texts_to_sequences` for one text.
    pub fn text_to_sequence(&self, text: &str) -> Vec<u32> {
        let limit = self.config.num_words.filter(|&n| n > 0);
        let oov = self.config.oov_token.as_ref().and_then(|t| self.word_index(t));
        self.words_of(text)
            .iter()
            .filter_map(|w| match self.word_index(w) {
                Some(i) if limit.is_some_and(|n| i as usize >= n) => oov,
                Some(i) => Some(i),
                None => oov,
            })
            .collect()
    }

    pub fn texts_to_sequences<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<Vec<u32>> {
        texts.into_iter().map(|t| self.text_to_sequence(t)).collect()
    }
}
