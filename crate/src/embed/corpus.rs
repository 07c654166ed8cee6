//! The training corpus as word ids: tokens interned to `u32` while tokenising (20k IMDB
//! reviews are ~5M tokens; a `String` each would not fit wasm32 memory), then the vocabulary
//! kept by `min_count` / `max_vocab`, most frequent first.

use std::collections::HashMap;

use crate::error::{KilnError, Result};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Corpus {
    /// Words by id, most frequent first (ties: first seen).
    pub words: Vec<String>,
    pub counts: Vec<u64>,
    /// Every kept token's id, sentence after sentence.
    pub ids: Vec<u32>,
    /// Where each sentence (text) ends in `ids`; texts left empty are dropped.
    pub ends: Vec<usize>,
}

impl Corpus {
    /// Tokenise `texts` with `tokens`, keep words seen at least `min_count` times (at most
    /// `max_vocab` of them, the most frequent: gensim's `max_final_vocab`, but cut at the rank
    /// rather than by raising `min_count`).
    pub fn build<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        tokens: impl Fn(&str) -> Vec<String>,
        min_count: usize,
        max_vocab: Option<usize>,
    ) -> Result<Self> {
        // Pass 1: first-seen ids and counts.
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut seen: Vec<u64> = Vec::new();
        let mut raw: Vec<u32> = Vec::new();
        let mut raw_ends: Vec<usize> = Vec::new();
        for text in texts {
            for token in tokens(text) {
                let id = match index.get(&token) {
                    Some(&id) => id,
                    None => {
                        let id = seen.len() as u32;
                        index.insert(token, id);
                        seen.push(0);
                        id
                    }
                };
                seen[id as usize] += 1;
                raw.push(id);
            }
            raw_ends.push(raw.len());
        }
        // Vocabulary: by count, ties in first-seen order (a stable sort of first-seen ids).
        let mut order: Vec<u32> = (0..seen.len() as u32).filter(|&i| seen[i as usize] >= min_count as u64).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(seen[i as usize]));
        order.truncate(max_vocab.unwrap_or(usize::MAX));
        if order.is_empty() {
            let most = seen.iter().max().copied().unwrap_or(0);
            return Err(KilnError::config(
                "min_count",
                match most {
                    0 => "the training texts have no tokens under these text settings".to_string(),
                    _ => format!(
                        "no word is seen {min_count} times (the most frequent is seen {most} times): lower min_count"
                    ),
                },
            ));
        }
        let mut new_id = vec![u32::MAX; seen.len()];
        order.iter().enumerate().for_each(|(new, &old)| new_id[old as usize] = new as u32);
        let mut words = vec![String::new(); order.len()];
        for (word, old) in index {
            if let Some(slot) = words.get_mut(new_id[old as usize] as usize) {
                *slot = word;
            }
        }
        // Pass 2, in place: the corpus in new ids, dropped words removed (they take no
        // window slot, as in word2vec.c).
        let mut ids = raw;
        let (mut kept, mut start) = (0, 0);
        let mut ends = Vec::with_capacity(raw_ends.len());
        for end in raw_ends {
            for i in start..end {
                let id = new_id[ids[i] as usize];
                if id != u32::MAX {
                    ids[kept] = id;
                    kept += 1;
                }
            }
            if kept > ends.last().copied().unwrap_or(0) {
                ends.push(kept);
            }
            start = end;
        }
        ids.truncate(kept);
        ids.shrink_to_fit();
        let counts = order.iter().map(|&old| seen[old as usize]).collect();
        Ok(Self { words, counts, ids, ends })
    }

    /// Sentence `i`'s word ids.
    pub fn sentence(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.ids[start..self.ends[i]]
    }

    pub fn sentences(&self) -> usize {
        self.ends.len()
    }

    /// Corpus words per pass (kept by the vocabulary, before sub-sampling).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}
