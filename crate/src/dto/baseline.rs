//! Seed 000's classical baselines: bag-of-words or TF-IDF features and a linear
//! model, on the same split and text settings as the networks.

use serde::{Deserialize, Serialize};

use super::eval::Evaluation;

/// The linear model on the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineKind {
    /// scikit-learn `LogisticRegression(C, penalty="l2", solver="lbfgs")`.
    Logreg,
    /// scikit-learn `LinearSVC(C, loss="hinge")` (liblinear's dual coordinate descent).
    Svm,
}

impl BaselineKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Logreg => "LogisticRegression",
            Self::Svm => "LinearSVC",
        }
    }
}

/// `TfidfVectorizer(ngram_range=(1, ngrams), max_features, use_idf=tfidf)` + the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineConfig {
    pub kind: BaselineKind,
    /// Longest n-gram: 1 = words, 2 = words and word pairs.
    #[serde(default = "two")]
    pub ngrams: usize,
    /// TF-IDF weights (smooth idf, l2-normalised rows); false: raw counts (bag of words).
    #[serde(default = "yes")]
    pub tfidf: bool,
    /// Keep the most frequent n-grams; `None`: the run's `num_words`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_features: Option<usize>,
    /// Inverse regularisation strength (scikit-learn's `C`).
    #[serde(default = "one")]
    pub c: f64,
}

impl BaselineConfig {
    pub fn new(kind: BaselineKind) -> Self {
        Self { kind, ngrams: 2, tfidf: true, max_features: None, c: 1.0 }
    }
}

/// An n-gram and its weight in a binary model (positive: towards class 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weighted {
    pub feature: String,
    pub weight: f64,
}

/// A fitted baseline, as the comparison table and the evaluation panel show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineReport {
    /// "TF-IDF 1–2-grams + LogisticRegression".
    pub name: String,
    pub config: BaselineConfig,
    /// Columns kept after `max_features`.
    pub features: usize,
    /// Weights and intercepts.
    pub params: usize,
    pub train_samples: usize,
    pub test_samples: usize,
    /// Optimiser iterations (L-BFGS) or passes over the data (coordinate descent).
    pub iterations: usize,
    pub converged: bool,
    /// The test set at threshold 0.5 (the SVM's decision value 0).
    pub evaluation: Evaluation,
    /// Binary models: the n-grams pushing hardest towards each class (15 each).
    pub top_positive: Vec<Weighted>,
    pub top_negative: Vec<Weighted>,
}

fn two() -> usize {
    2
}
fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}
