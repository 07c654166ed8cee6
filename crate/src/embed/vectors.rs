//! Trained word vectors and what the page asks of them (gensim's `KeyedVectors`).

use std::collections::HashMap;

use crate::dto::Similar;
use crate::error::{KilnError, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Vectors {
    /// Most frequent first for trained vectors; the file's order for loaded ones.
    words: Vec<String>,
    /// Corpus counts (0 for vectors read from a file, which has none).
    counts: Vec<u64>,
    dim: usize,
    /// Row-major `[words, dim]`.
    data: Vec<f32>,
    index: HashMap<String, usize>,
}

impl Vectors {
    /// `data` is row-major `[words.len(), dim]`; words must be distinct.
    pub fn new(words: Vec<String>, counts: Vec<u64>, dim: usize, data: Vec<f32>) -> Result<Self> {
        if counts.len() != words.len() || data.len() != words.len() * dim {
            return Err(KilnError::Data(format!(
                "{} words, {} counts and {} values do not make {}-dimensional vectors",
                words.len(),
                counts.len(),
                data.len(),
                dim
            )));
        }
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if index.insert(w.clone(), i).is_some() {
                return Err(KilnError::Data(format!("the word `{w}` appears twice")));
            }
        }
        Ok(Self { words, counts, dim, data, index })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Row-major `[len, dim]`.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index.get(word).map(|&i| self.row(i))
    }

    pub(super) fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    fn position(&self, word: &str) -> Result<usize> {
        self.index.get(word).copied().ok_or_else(|| KilnError::Data(format!("`{word}` is not in the vocabulary")))
    }

    /// gensim's `similar_by_word`: the `topn` words nearest to `word` by cosine, itself excluded.
    pub fn similar_by_word(&self, word: &str, topn: usize) -> Result<Vec<Similar>> {
        self.most_similar(&[word], &[], topn)
    }

    /// gensim's `most_similar(positive, negative, topn)`: the mean of the inputs' unit vectors
    /// weighted +1 / −1 (`a − b + c` for analogies), unit-normed, against every unit vector;
    /// input words are excluded. Ties keep frequency order.
    pub fn most_similar(&self, positive: &[&str], negative: &[&str], topn: usize) -> Result<Vec<Similar>> {
        if positive.is_empty() && negative.is_empty() {
            return Err(KilnError::Data("most_similar needs at least one word".into()));
        }
        let mut mean = vec![0.0f64; self.dim];
        let mut inputs = Vec::new();
        let weighted = positive.iter().map(|w| (w, 1.0)).chain(negative.iter().map(|w| (w, -1.0)));
        for (word, weight) in weighted {
            let i = self.position(word)?;
            inputs.push(i);
            let unit = unit(self.row(i));
            mean.iter_mut().zip(unit).for_each(|(m, u)| *m += weight * u);
        }
        let n = inputs.len() as f64;
        let query = unit_f64(mean.iter().map(|m| m / n).collect());
        let mut scored: Vec<(usize, f64)> = (0..self.len())
            .filter(|i| !inputs.contains(i))
            .map(|i| (i, cosine(self.row(i), &query)))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1)); // stable: ties keep frequency order
        Ok(scored.into_iter().take(topn).map(|(i, s)| Similar { word: self.words[i].clone(), similarity: s }).collect())
    }

    /// An Embedding's weights `[rows, dim]`, row-major: row `i` is the vector of `token(i)`
    /// when it has one, else `init()` per value. Returns the matrix and how many rows got vectors.
    pub fn embedding_matrix(
        &self,
        rows: usize,
        dim: usize,
        token: impl Fn(usize) -> Option<String>,
        mut init: impl FnMut() -> f32,
    ) -> Result<(Vec<f32>, usize)> {
        if dim != self.dim {
            return Err(KilnError::config(
                "output_dim",
                format!("the Embedding is {dim}-dimensional but the word2vec vectors are {}-dimensional", self.dim),
            ));
        }
        let mut matrix = Vec::with_capacity(rows * dim);
        let mut covered = 0;
        for i in 0..rows {
            match token(i).and_then(|t| self.get(&t)) {
                Some(v) => {
                    matrix.extend_from_slice(v);
                    covered += 1;
                }
                None => matrix.extend((0..dim).map(|_| init())),
            }
        }
        Ok((matrix, covered))
    }
}

/// `v / |v|` in f64 (a zero vector stays zero, as gensim's `unitvec`).
fn unit(v: &[f32]) -> Vec<f64> {
    unit_f64(v.iter().map(|&x| f64::from(x)).collect())
}

fn unit_f64(mut v: Vec<f64>) -> Vec<f64> {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Cosine of `v` with the unit vector `unit_query` (0 for a zero `v`).
fn cosine(v: &[f32], unit_query: &[f64]) -> f64 {
    let (dot, norm2) = v.iter().zip(unit_query).fold((0.0, 0.0), |(d, n), (&x, q)| {
        let x = f64::from(x);
        (d + x * q, n + x * x)
    });
    if norm2 > 0.0 { dot / norm2.sqrt() } else { 0.0 }
}
