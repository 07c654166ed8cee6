//! scikit-learn's `CountVectorizer` / `TfidfVectorizer` on documents that are already tokens
//! (`tokenizer=str.split, lowercase=False, token_pattern=None`): n-grams 1..=n joined by a
//! space, `max_features` by total count, columns in alphabetical order, smooth idf and
//! l2-normalised rows.

use std::collections::BinaryHeap;

use super::grams::{Counts, FxMap, Gram, MAX_N, each_gram};
use super::sparse::Csr;
use crate::error::{KilnError, Result};

/// Word id of a token the training documents never had: no kept n-gram contains it.
const UNSEEN: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VectorizerConfig {
    /// `ngram_range=(1, ngrams)`, 1 to 3.
    pub ngrams: usize,
    /// `TfidfVectorizer()` (smooth idf, l2 rows); false: `CountVectorizer()` (raw counts).
    pub tfidf: bool,
    /// Keep the `max_features` n-grams most frequent over the corpus; `None`: all.
    pub max_features: Option<usize>,
}

/// A fitted vocabulary: n-gram → column, and the idf weights.
#[derive(Debug, Clone)]
pub struct Vectorizer {
    config: VectorizerConfig,
    /// Every training token's id (n-grams are keyed by ids).
    words: FxMap<String, u32>,
    columns: FxMap<Gram, u32>,
    /// Column names (`get_feature_names_out()`), alphabetical.
    features: Vec<String>,
    /// `idf_` per column; empty for counts.
    idf: Vec<f64>,
}

impl Vectorizer {
    /// `fit_transform`: learn the vocabulary of `docs` and return their matrix `[docs, features]`.
    ///
    /// `max_features` keeps the n-grams with the largest total counts (`_limit_features`); of
    /// n-grams tied at the cut, the alphabetically first are kept (what a stable sort of
    /// scikit-learn's alphabetical columns would keep; its `argsort` is not stable, so on such a
    /// tie scikit-learn may keep others).
    pub fn fit<D, T>(docs: impl IntoIterator<Item = D>, config: VectorizerConfig) -> Result<(Self, Csr)>
    where
        D: IntoIterator<Item = T>,
        T: AsRef<str> + Into<String>,
    {
        if !(1..=MAX_N).contains(&config.ngrams) {
            return Err(KilnError::config("ngrams", format!("must be 1 to {MAX_N}, got {}", config.ngrams)));
        }
        if config.max_features == Some(0) {
            return Err(KilnError::config("max_features", "must be at least 1"));
        }
        let mut words = FxMap::default();
        let mut names: Vec<String> = Vec::new();
        let mut counts = Counts::default();
        let mut ids_per_doc = Vec::new();
        for (d, doc) in docs.into_iter().enumerate() {
            let ids: Vec<u32> = doc
                .into_iter()
                .map(|t| match words.get(t.as_ref()) {
                    Some(&id) => id,
                    None => {
                        let id = names.len() as u32;
                        names.push(t.as_ref().to_string());
                        words.insert(t.into(), id);
                        id
                    }
                })
                .collect();
            each_gram(&ids, config.ngrams, |g| counts.add(g, d));
            ids_per_doc.push(ids);
        }
        if counts.is_empty() {
            return Err(KilnError::Data("empty vocabulary: the training texts have no tokens".into()));
        }
        let mut kept = select(&counts, &names, config.max_features);
        kept.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let n = ids_per_doc.len() as f64;
        // smooth_idf: as if one more document held every n-gram once
        let idf = match config.tfidf {
            true => kept.iter().map(|&(_, _, df)| ((1.0 + n) / (1.0 + f64::from(df))).ln() + 1.0).collect(),
            false => Vec::new(),
        };
        let columns = kept.iter().enumerate().map(|(c, &(_, g, _))| (g, c as u32)).collect();
        let features = kept.into_iter().map(|(name, _, _)| name).collect();
        let fitted = Self { config, words, columns, features, idf };
        let mut x = Csr::new(fitted.features.len());
        ids_per_doc.iter().for_each(|ids| x.push_row(fitted.row(ids)));
        Ok((fitted, x))
    }

    /// `transform`: n-grams outside the vocabulary are ignored.
    pub fn transform<D, T>(&self, docs: impl IntoIterator<Item = D>) -> Csr
    where
        D: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let mut x = Csr::new(self.features.len());
        for doc in docs {
            x.push_row(self.row_of(doc));
        }
        x
    }

    /// One document's row: `(column, value)`, columns ascending.
    pub fn row_of<T: AsRef<str>>(&self, doc: impl IntoIterator<Item = T>) -> Vec<(u32, f64)> {
        let ids: Vec<u32> = doc.into_iter().map(|t| self.words.get(t.as_ref()).copied().unwrap_or(UNSEEN)).collect();
        self.row(&ids)
    }

    fn row(&self, ids: &[u32]) -> Vec<(u32, f64)> {
        let mut hits = Vec::new();
        each_gram(ids, self.config.ngrams, |g| hits.extend(self.columns.get(&g)));
        hits.sort_unstable();
        let mut row: Vec<(u32, f64)> = Vec::new();
        for c in hits {
            match row.last_mut() {
                Some((last, count)) if *last == c => *count += 1.0,
                _ => row.push((c, 1.0)),
            }
        }
        if self.config.tfidf {
            row.iter_mut().for_each(|(c, v)| *v *= self.idf[*c as usize]);
            let norm = row.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
            if norm > 0.0 {
                row.iter_mut().for_each(|(_, v)| *v /= norm);
            }
        }
        row
    }

    pub fn config(&self) -> VectorizerConfig {
        self.config
    }

    /// Column names, alphabetical (`get_feature_names_out()`).
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// `idf_` per column; empty for counts.
    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// Whether `token` is a kept feature on its own (a unigram column).
    pub fn is_known(&self, token: &str) -> bool {
        self.words.get(token).is_some_and(|&id| self.columns.contains_key(&Gram::One(id)))
    }
}

/// The kept n-grams, `(name, gram, df)`, in no particular order: all of them, or the
/// `max_features` with the largest totals, ties at the cut broken alphabetically.
fn select(counts: &Counts, names: &[String], max_features: Option<usize>) -> Vec<(String, Gram, u32)> {
    let named = |(g, s): (Gram, super::grams::Stat)| (g.name(names), g, s.df);
    let k = match max_features {
        Some(k) if k < counts.len() => k,
        _ => return counts.iter().map(named).collect(),
    };
    let mut totals: Vec<u64> = counts.iter().map(|(_, s)| s.total).collect();
    let cut = *totals.select_nth_unstable_by(k - 1, |a, b| b.cmp(a)).1; // the k-th largest total
    let mut kept: Vec<_> = counts.iter().filter(|(_, s)| s.total > cut).map(named).collect();
    let need = k - kept.len(); // ≥ 1: the k-th itself totals `cut`
    // the `need` alphabetically first of the tied, without naming them all at once
    let mut tied: BinaryHeap<(String, Gram, u32)> = BinaryHeap::with_capacity(need + 1);
    for entry in counts.iter().filter(|(_, s)| s.total == cut) {
        let entry = named(entry);
        if tied.len() < need {
            tied.push(entry);
        } else if tied.peek().is_some_and(|last| entry < *last) {
            tied.pop();
            tied.push(entry);
        }
    }
    kept.extend(tied);
    kept
}
