//! Evaluation as the seeds print it: scikit-learn's metrics, curves and report.

use serde::{Deserialize, Serialize};

/// A point of the ROC curve (`fpr`, `tpr`) or the PR curve (`recall`, `precision`)
/// with the threshold that gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub x: f64,
    pub y: f64,
    pub threshold: f64,
}

/// One row of scikit-learn's `classification_report`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// A class name, `macro avg` or `weighted avg`.
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Metrics of predicted probabilities against true classes at one threshold.
/// Two classes: class 1 (the second name) is positive. More classes: precision,
/// recall, specificity, F1 and F2 are macro averages, AUC is macro one-vs-rest,
/// and the curves pool every class-vs-rest decision (micro average).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub classes: Vec<String>,
    /// Probability of the positive class above which (strictly, as Keras'
    /// `binary_accuracy`) a text is predicted positive (binary only; multi-class
    /// predicts the most probable class).
    pub threshold: f64,
    pub samples: usize,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub specificity: f64,
    pub f1: f64,
    pub f2: f64,
    /// ROC-AUC of the scores (ties counted half); macro one-vs-rest for multi-class.
    pub auc: f64,
    /// Area under the PR curve, scikit-learn's `average_precision_score`.
    pub average_precision: f64,
    pub roc: Vec<CurvePoint>,
    pub pr: Vec<CurvePoint>,
    /// `confusion[true][predicted]`, counts.
    pub confusion: Vec<Vec<usize>>,
    /// Per class, then `macro avg`, `weighted avg`.
    pub report: Vec<ReportRow>,
    /// scikit-learn's `classification_report` text.
    pub report_text: String,
}

/// One text the model got wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Misclassified {
    /// Row in the test set.
    pub row: usize,
    pub text: String,
    pub label: String,
    pub predicted: String,
    /// Probability of the predicted class.
    pub confidence: f64,
}

/// The model's answer for one typed text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Probability per class (`classes` order).
    pub probabilities: Vec<f64>,
    pub label: String,
    /// The tokens the model saw, after normalising; unknown ones are marked by `known`.
    pub tokens: Vec<String>,
    pub known: Vec<bool>,
}
