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
    /// Keras `char_level=True`: every character is a token, spaces included; `lower` applies,
    /// `filters` and `split` do not.
    #[serde(default)]
    pub char_level: bool,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self {
            num_words: None,
            filters: KERAS_FILTERS.to_string(),
            lower: true,
            split: ' ',
            oov_token: None,
            char_level: false,
        }
    }
}

/// Keras `text_to_word_sequence`: lower-case, filtered characters become `split`, empty words dropped.
pub fn text_to_word_sequence(text: &str, filters: &str, lower: bool, split: char) -> Vec<String> {
    let lowered;
    let text = match lower {
        true if text.is_ascii() => {
            lowered = text.to_ascii_lowercase();
            &lowered
        }
        true => {
            lowered = text.to_lowercase(); // as Python's str.lower(), final sigma included
            &lowered
        }
        false => text,
    };
    let mut ascii = [false; 128];
    filters.chars().chain([split]).filter(char::is_ascii).for_each(|c| ascii[c as usize] = true);
    let breaks = |c: char| if c.is_ascii() { ascii[c as usize] } else { c == split || filters.contains(c) };
    text.split(breaks).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Keras' `char_level` split: the (lower-cased) text's characters, spaces and punctuation included.
pub fn text_to_char_sequence(text: &str, lower: bool) -> Vec<String> {
    let text = if lower { text.to_lowercase() } else { text.to_string() };
    text.chars().map(String::from).collect()
}

/// Keras 2 `Tokenizer`: word index by descending count, ties in first-seen order, 1-based.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tokenizer {
    pub config: TokenizerConfig,
    /// Words by index - 1 (`index_word`), the OOV token first when there is one.
    words: Vec<String>,
    /// Counts in first-seen order, as Keras' `word_counts` OrderedDict.
    word_counts: Vec<(String, u64)>,
    /// Keras' `word_docs`: how many texts hold each word of `word_counts` (same order).
    word_docs: Vec<u64>,
    /// Keras' `document_count`: texts fitted.
    document_count: u64,
    index: HashMap<String, u32>,
}

impl Tokenizer {
    pub fn new(config: TokenizerConfig) -> Self {
        Self { config, ..Self::default() }
    }

    /// The tokens of an already normalised text, as Keras splits it (words, or characters).
    pub fn split(&self, text: &str) -> Vec<String> {
        match self.config.char_level {
            true => text_to_char_sequence(text, self.config.lower),
            false => text_to_word_sequence(text, &self.config.filters, self.config.lower, self.config.split),
        }
    }

    /// Count words over `texts` and rebuild the index (Keras `fit_on_texts`); IMDB's `<br />`
    /// become spaces first.
    pub fn fit_on_texts<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        let split: Vec<Vec<String>> = texts.into_iter().map(|t| self.split(&normalize(t))).collect();
        self.fit_on_tokens(split);
    }

    /// Count already split texts and rebuild the index (Keras `fit_on_texts` given lists of tokens).
    pub fn fit_on_tokens<T: AsRef<str>>(&mut self, texts: impl IntoIterator<Item = impl IntoIterator<Item = T>>) {
        let mut position: HashMap<String, usize> =
            self.word_counts.iter().enumerate().map(|(i, (w, _))| (w.clone(), i)).collect();
        let mut seen_in_text = Vec::new();
        for text in texts {
            self.document_count += 1;
            for word in text {
                let word = word.as_ref();
                let i = match position.get(word) {
                    Some(&i) => {
                        self.word_counts[i].1 += 1;
                        i
                    }
                    None => {
                        position.insert(word.to_string(), self.word_counts.len());
                        self.word_counts.push((word.to_string(), 1));
                        self.word_docs.push(0);
                        self.word_counts.len() - 1
                    }
                };
                seen_in_text.push(i);
            }
            seen_in_text.sort_unstable();
            seen_in_text.dedup();
            seen_in_text.drain(..).for_each(|i| self.word_docs[i] += 1);
        }
        // Keras puts the OOV token first even when the texts hold it too; `dict(zip(…))` then
        // keeps the later index for it, which this `collect` does as well.
        self.words = self.config.oov_token.iter().cloned().chain(self.by_count().map(|(w, _)| w.clone())).collect();
        self.index = self.words.iter().enumerate().map(|(i, w)| (w.clone(), i as u32 + 1)).collect();
    }

    /// `(word, count)` most frequent first, ties in first-seen order (the word index's order).
    pub fn by_count(&self) -> impl Iterator<Item = &(String, u64)> {
        let mut sorted: Vec<&(String, u64)> = self.word_counts.iter().collect();
        sorted.sort_by_key(|w| std::cmp::Reverse(w.1)); // stable: ties keep first-seen order
        sorted.into_iter()
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

    /// Keras' `word_counts`, `word_docs` and `document_count` (`to_json()`'s fields).
    pub fn word_counts(&self) -> impl Iterator<Item = (&str, u64, u64)> {
        self.word_counts.iter().zip(&self.word_docs).map(|((w, c), d)| (w.as_str(), *c, *d))
    }

    pub fn document_count(&self) -> u64 {
        self.document_count
    }

    /// Distinct words seen by `fit_on_texts` (`len(word_counts)`).
    pub fn distinct_words(&self) -> usize {
        self.word_counts.len()
    }

    /// The embedding's input size: `num_words`, or every word + padding.
    pub fn vocab_size(&self) -> usize {
        self.config.num_words.unwrap_or(self.words.len() + 1)
    }

    /// Keras `texts_to_sequences` for one text.
    pub fn text_to_sequence(&self, text: &str) -> Vec<u32> {
        self.tokens_to_sequence(&self.split(&normalize(text)))
    }

    /// Keras `texts_to_sequences` for one already split text.
    pub fn tokens_to_sequence<T: AsRef<str>>(&self, tokens: &[T]) -> Vec<u32> {
        let limit = self.config.num_words.filter(|&n| n > 0);
        let oov = self.config.oov_token.as_ref().and_then(|t| self.word_index(t));
        tokens
            .iter()
            .filter_map(|w| match self.word_index(w.as_ref()) {
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
