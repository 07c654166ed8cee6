//! Seed 000's classical baselines in plain Rust: scikit-learn's `TfidfVectorizer` /
//! `CountVectorizer` on the tokens a run's text settings give, then `LogisticRegression` or
//! `LinearSVC`, on the run's split, evaluated like a network. No threads, no clock: it runs in
//! the browser's worker as it runs natively.

mod grams;
mod lbfgs;
mod linear;
pub mod logreg;
mod sparse;
pub mod svm;
mod tfidf;

pub use lbfgs::{Lbfgs, Minimum, minimize};
pub use linear::{Linear, probabilities};
pub use sparse::Csr;
pub use svm::Cd;
pub use tfidf::{Vectorizer, VectorizerConfig};

use crate::data::Dataset;
use crate::dto::{
    BaselineConfig, BaselineKind, BaselineReport, Evaluation, Misclassified, Prediction, RunConfig, Weighted,
};
use crate::error::{KilnError, Result};
use crate::metrics::{evaluate, misclassified};
use crate::text::TextPipeline;

/// n-grams listed per direction in the report.
pub const TOP_FEATURES: usize = 15;

/// A fitted baseline and its test-set predictions.
#[derive(Debug, Clone)]
pub struct Baseline {
    pipeline: TextPipeline,
    vectorizer: Vectorizer,
    model: Linear,
    classes: Vec<String>,
    test_texts: Vec<String>,
    test_labels: Vec<u32>,
    /// The test set's probabilities `[n, width]`: width 1 (P(class 1)) for two classes.
    test_probs: Vec<f32>,
    report: BaselineReport,
}

impl Baseline {
    /// Fit on `data`'s training part under `run`'s split (`test_split`, `seed`) and text settings
    /// (`run.text`, `run.num_words` for the TextPipeline); features from the tokens of
    /// `pipeline.tokens(text)`.
    ///
    /// The model trains on the whole training part: `validation_split` only holds out rows for
    /// a network's per-epoch validation and early stopping, which a convex fit does not need.
    pub fn fit(config: &BaselineConfig, run: &RunConfig, data: &Dataset) -> Result<Self> {
        validate(config)?;
        run.validate()?;
        let parts = data.parts(run.test_split, run.seed)?;
        let (train, test) = (&parts.train, &parts.test);
        let k = data.classes.len();
        check_labels(data, &train.labels)?;
        if test.labels.iter().any(|&l| l as usize >= k) {
            return Err(KilnError::Data(format!("{}: a test label is not one of the {k} classes", data.name)));
        }
        let pipeline = TextPipeline::fit(&run.text, run.num_words, &train.texts)?;
        let features = VectorizerConfig {
            ngrams: config.ngrams,
            tfidf: config.tfidf,
            max_features: Some(config.max_features.unwrap_or(run.num_words)),
        };
        let (vectorizer, x) = Vectorizer::fit(train.texts.iter().map(|t| pipeline.tokens(t)), features)?;
        let model = match config.kind {
            BaselineKind::Logreg => logreg::fit(&x, &train.labels, k, config.c, &Lbfgs::default()),
            BaselineKind::Svm => svm::fit(&x, &train.labels, k, config.c, &Cd { seed: run.seed, ..Cd::default() }),
        };
        let x_test = vectorizer.transform(test.texts.iter().map(|t| pipeline.tokens(t)));
        let test_probs: Vec<f32> =
            model.decisions(&x_test).chunks(model.rows()).flat_map(probabilities).map(|p| p as f32).collect();
        let evaluation = evaluate(&test_probs, model.rows(), &test.labels, &data.classes, 0.5);
        let (top_positive, top_negative) = top_weights(&model, vectorizer.features());
        let report = BaselineReport {
            name: name(config),
            config: config.clone(),
            features: vectorizer.features().len(),
            params: model.params(),
            train_samples: train.len(),
            test_samples: test.len(),
            iterations: model.iterations,
            converged: model.converged,
            evaluation,
            top_positive,
            top_negative,
        };
        Ok(Self {
            pipeline,
            vectorizer,
            model,
            classes: data.classes.clone(),
            test_texts: parts.test.texts,
            test_labels: parts.test.labels,
            test_probs,
            report,
        })
    }

    /// The test set at threshold 0.5, the top n-grams and the counts.
    pub fn report(&self) -> &BaselineReport {
        &self.report
    }

    /// The test set's metrics with positive predictions at score `> threshold`. The SVM's
    /// scores are `σ(decision)` (threshold 0.5 ⇔ decision 0; AUC unchanged by the monotone map).
    pub fn evaluation(&self, threshold: f64) -> Result<Evaluation> {
        check_threshold(threshold)?;
        Ok(evaluate(&self.test_probs, self.model.rows(), &self.test_labels, &self.classes, threshold))
    }

    /// Probabilities per class for one typed text, like `Run::predict`: `LogisticRegression`'s
    /// own; for `LinearSVC` the sigmoid (two classes) or softmax (one-vs-rest decisions) of its
    /// decision values, a score rather than a calibrated probability. `known`: the token is a
    /// kept feature.
    pub fn predict(&self, text: &str) -> Result<Prediction> {
        let tokens = self.pipeline.tokens(text);
        let known = tokens.iter().map(|t| self.vectorizer.is_known(t)).collect();
        let scores = probabilities(&self.model.decision(&self.vectorizer.row_of(&tokens)));
        let probabilities = match scores.as_slice() {
            [p] => vec![1.0 - p, *p],
            _ => scores,
        };
        let best = probabilities.iter().enumerate().fold(0, |b, (i, &p)| if p > probabilities[b] { i } else { b });
        Ok(Prediction { label: self.classes.get(best).cloned().unwrap_or_default(), probabilities, tokens, known })
    }

    /// Test texts the model got wrong at `threshold`, most confident first.
    pub fn misclassified(&self, threshold: f64, limit: usize) -> Result<Vec<Misclassified>> {
        check_threshold(threshold)?;
        let (probs, width) = (&self.test_probs, self.model.rows());
        Ok(misclassified(probs, width, &self.test_labels, &self.test_texts, &self.classes, threshold, limit))
    }

    /// The fitted weights (`coef_`, `intercept_`).
    pub fn model(&self) -> &Linear {
        &self.model
    }

    pub fn vectorizer(&self) -> &Vectorizer {
        &self.vectorizer
    }
}

fn validate(config: &BaselineConfig) -> Result<()> {
    if !(1..=3).contains(&config.ngrams) {
        let message = format!("must be 1, 2 or 3 (the longest n-gram), got {}", config.ngrams);
        return Err(KilnError::config("ngrams", message));
    }
    if !(config.c > 0.0 && config.c.is_finite()) {
        let message = format!("must be a positive finite number (scikit-learn's C), got {}", config.c);
        return Err(KilnError::config("c", message));
    }
    if config.max_features == Some(0) {
        return Err(KilnError::config("max_features", "must be at least 1 (leave it out for num_words)"));
    }
    Ok(())
}

/// Training texts exist, every label is a class, and at least two classes occur.
fn check_labels(data: &Dataset, labels: &[u32]) -> Result<()> {
    let k = data.classes.len();
    let name = |c: u32| data.classes.get(c as usize).map_or_else(|| c.to_string(), String::clone);
    let Some(&first) = labels.first() else {
        return Err(KilnError::Data(format!("{} has no training texts", data.name)));
    };
    if labels.iter().any(|&l| l as usize >= k) {
        return Err(KilnError::Data(format!("{}: a training label is not one of the {k} classes", data.name)));
    }
    if labels.iter().all(|&l| l == first) {
        return Err(KilnError::Data(format!(
            "{}'s training texts are all of one class ({}): a classifier needs at least two",
            data.name,
            name(first)
        )));
    }
    Ok(())
}

fn check_threshold(threshold: f64) -> Result<()> {
    match (0.0..=1.0).contains(&threshold) {
        true => Ok(()),
        false => Err(KilnError::config("threshold", "must be between 0 and 1")),
    }
}

/// "TF-IDF 1–2-grams + LogisticRegression", "Counts 1-grams + LinearSVC".
fn name(config: &BaselineConfig) -> String {
    let weights = if config.tfidf { "TF-IDF" } else { "Counts" };
    let range = if config.ngrams > 1 { format!("1–{}", config.ngrams) } else { "1".into() };
    format!("{weights} {range}-grams + {}", config.kind.name())
}

/// Two classes: the n-grams with the largest and the smallest weights (ties alphabetical).
fn top_weights(model: &Linear, features: &[String]) -> (Vec<Weighted>, Vec<Weighted>) {
    if model.rows() != 1 {
        return (Vec::new(), Vec::new());
    }
    let mut order: Vec<usize> = (0..features.len()).collect();
    order.sort_by(|&a, &b| model.coef[b].total_cmp(&model.coef[a]));
    let pick = |rows: &mut dyn Iterator<Item = &usize>| -> Vec<Weighted> {
        rows.take(TOP_FEATURES).map(|&c| Weighted { feature: features[c].clone(), weight: model.coef[c] }).collect()
    };
    let positive = pick(&mut order.iter());
    order.sort_by(|&a, &b| model.coef[a].total_cmp(&model.coef[b]));
    (positive, pick(&mut order.iter()))
}
