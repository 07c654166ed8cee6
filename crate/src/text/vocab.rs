//! Token counts over the training texts and the data view's vocabulary summary.

use std::collections::HashMap;

use crate::dto::Vocabulary;

/// Token counts in first-seen order (Keras' `word_counts` OrderedDict).
#[derive(Debug, Clone, Default)]
pub struct Counts {
    order: Vec<(String, u64)>,
    position: HashMap<String, usize>,
}

impl Counts {
    pub fn add(&mut self, token: &str, n: u64) {
        match self.position.get(token) {
            Some(&i) => self.order[i].1 += n,
            None => {
                self.position.insert(token.to_string(), self.order.len());
                self.order.push((token.to_string(), n));
            }
        }
    }

    /// In first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = &(String, u64)> {
        self.order.iter()
    }

    /// Most frequent first, ties in first-seen order.
    pub fn by_count(self) -> Vec<(String, u64)> {
        let mut sorted = self.order;
        sorted.sort_by_key(|w| std::cmp::Reverse(w.1)); // stable: ties keep first-seen order
        sorted
    }
}

/// `size` distinct tokens, the `top` most frequent, and the share of occurrences `known` covers.
pub fn summarize(by_count: &[(String, u64)], top: usize, num_words: usize, known: impl Fn(&str) -> bool) -> Vocabulary {
    let total: u64 = by_count.iter().map(|(_, c)| c).sum();
    let covered: u64 = by_count.iter().filter(|(t, _)| known(t)).map(|(_, c)| c).sum();
    Vocabulary {
        size: by_count.len(),
        top: by_count.iter().take(top).cloned().collect(),
        coverage_percent: if total == 0 { 0.0 } else { 100.0 * covered as f64 / total as f64 },
        num_words,
    }
}
