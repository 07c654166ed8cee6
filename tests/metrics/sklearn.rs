//! scikit-learn's and numpy's answers on seeded random cases: tests/fixtures/metrics_sklearn.json,
//! written by tools/sklearn_ref.py.

use super::{close, same_curve, same_rows};
use kiln::dto::{CurvePoint, Evaluation, LengthStats, ReportRow};
use kiln::metrics::{MAX_CURVE_POINTS, evaluate, length_stats, pr_curve, roc_curve};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    evaluate: Vec<EvalCase>,
    lengths: Vec<LengthCase>,
}

#[derive(Deserialize)]
struct EvalCase {
    name: String,
    probs: Vec<f64>,
    width: usize,
    labels: Vec<u32>,
    classes: Vec<String>,
    threshold: f64,
    expected: Expected,
}

#[derive(Deserialize)]
struct Expected {
    samples: usize,
    accuracy: f64,
    precision: f64,
    recall: f64,
    specificity: f64,
    f1: f64,
    f2: f64,
    /// null where scikit-learn says NaN (one class present)
    auc: Option<f64>,
    average_precision: f64,
    confusion: Vec<Vec<usize>>,
    report: Vec<ReportRow>,
    report_text: String,
    roc: Vec<(f64, f64, f64)>,
    pr: Vec<(f64, f64, f64)>,
}

#[derive(Deserialize)]
struct LengthCase {
    name: String,
    lengths: Vec<usize>,
    maxlen: usize,
    expected: LengthStats,
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/metrics_sklearn.json");
    let text = std::fs::read_to_string(path).expect("run tools/sklearn_ref.py to write the fixture");
    serde_json::from_str(&text).expect("metrics fixture")
}

/// The scores and truths the curves rank: P(class 1) for two classes, every
/// (class probability, is that class) pair for more.
fn ranked(c: &EvalCase, probs: &[f32]) -> (Vec<f32>, Vec<bool>) {
    if c.classes.len() == 2 {
        let scores = c.labels.iter().enumerate().map(|(r, _)| probs[r * c.width + c.width - 1]).collect();
        (scores, c.labels.iter().map(|&l| l == 1).collect())
    } else {
        let k = c.classes.len();
        (probs.to_vec(), c.labels.iter().flat_map(|&l| (0..k).map(move |j| l as usize == j)).collect())
    }
}

/// `thinned` keeps at most MAX_CURVE_POINTS of `full`, in order, with both ends.
fn thinned_from(thinned: &[CurvePoint], full: &[CurvePoint], what: &str) {
    assert!(thinned.len() <= MAX_CURVE_POINTS, "{what}: {} points", thinned.len());
    assert_eq!(thinned.len(), full.len().min(MAX_CURVE_POINTS), "{what}: thinned more than needed");
    assert_eq!((thinned.first(), thinned.last()), (full.first(), full.last()), "{what}: ends");
    let mut rest = full.iter();
    for p in thinned {
        assert!(rest.any(|q| q == p), "{what}: {p:?} is not on the full curve in order");
    }
}

fn check_case(c: &EvalCase) {
    let probs: Vec<f32> = c.probs.iter().map(|&p| p as f32).collect();
    let e: Evaluation = evaluate(&probs, c.width, &c.labels, &c.classes, c.threshold);
    let x = &c.expected;
    let what = |m: &str| format!("{}: {m}", c.name);
    assert_eq!(e.samples, x.samples, "{}", what("samples"));
    let scalars = [
        ("accuracy", e.accuracy, x.accuracy),
        ("precision", e.precision, x.precision),
        ("recall", e.recall, x.recall),
        ("specificity", e.specificity, x.specificity),
        ("f1", e.f1, x.f1),
        ("f2", e.f2, x.f2),
        // scikit-learn: NaN with one class; Kiln: 0.5 (documented in metrics/classify)
        ("auc", e.auc, x.auc.unwrap_or(0.5)),
        ("average_precision", e.average_precision, x.average_precision),
    ];
    for (m, got, want) in scalars {
        close(got, want, &what(m));
    }
    assert_eq!(e.confusion, x.confusion, "{}", what("confusion"));
    same_rows(&e.report, &x.report, &what("report"));
    assert_eq!(e.report_text, x.report_text, "{}:\n{}\nscikit-learn:\n{}", c.name, e.report_text, x.report_text);
    let (scores, truth) = ranked(c, &probs);
    let curve = |list: &[(f64, f64, f64)]| -> Vec<CurvePoint> {
        list.iter().map(|&(x, y, threshold)| CurvePoint { x, y, threshold }).collect()
    };
    let (roc, pr) = (roc_curve(&scores, &truth), pr_curve(&scores, &truth));
    same_curve(&roc, &curve(&x.roc), &what("roc"));
    same_curve(&pr, &curve(&x.pr), &what("pr"));
    thinned_from(&e.roc, &roc, &what("roc"));
    thinned_from(&e.pr, &pr, &what("pr"));
}

#[test]
fn evaluate_matches_scikit_learn() {
    let cases = fixture().evaluate;
    assert!(cases.len() >= 8);
    assert!(cases.iter().any(|c| c.expected.pr.len() > MAX_CURVE_POINTS), "a case must exercise thinning");
    cases.iter().for_each(check_case);
}

#[test]
fn length_stats_match_numpy() {
    for c in fixture().lengths {
        let got = length_stats(&c.lengths, c.maxlen);
        let x = &c.expected;
        let what = |m: &str| format!("{}: {m}", c.name);
        for (m, g, w) in [
            ("mean", got.mean, x.mean),
            ("median", got.median, x.median),
            ("std", got.std, x.std),
            ("mean_plus_2sd", got.mean_plus_2sd, x.mean_plus_2sd),
            ("fit_percent", got.fit_percent, x.fit_percent),
        ] {
            close(g, w, &what(m));
        }
        assert_eq!((got.max, got.suggested_maxlen, got.maxlen), (x.max, x.suggested_maxlen, x.maxlen), "{}", c.name);
        assert_eq!(got.histogram, x.histogram, "{}", what("histogram"));
        assert!(got.histogram.len() <= 30, "{}", what("bins"));
    }
}
