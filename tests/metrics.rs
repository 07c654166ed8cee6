//! `evaluate` and `length_stats`: small cases worked by hand (here and in lengths.rs),
//! scikit-learn's and numpy's answers on seeded random cases (sklearn.rs), and properties
//! of the threshold.

#[path = "metrics/lengths.rs"]
mod lengths;
#[path = "metrics/sklearn.rs"]
mod sklearn;

use kiln::dto::{CurvePoint, Evaluation, ReportRow};
use kiln::metrics::{MAX_CURVE_POINTS, evaluate};

const TOL: f64 = 1e-9;

pub fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= TOL, "{what}: got {got}, want {want}");
}

/// `(x, y, threshold)` triples, thresholds given as the f32 scores they are.
fn points(list: &[(f64, f64, f32)]) -> Vec<CurvePoint> {
    list.iter().map(|&(x, y, t)| CurvePoint { x, y, threshold: f64::from(t) }).collect()
}

pub fn same_curve(got: &[CurvePoint], want: &[CurvePoint], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {} points, want {}\n got {got:?}\nwant {want:?}", got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(g.x, w.x, &format!("{what}[{i}].x"));
        close(g.y, w.y, &format!("{what}[{i}].y"));
        close(g.threshold, w.threshold, &format!("{what}[{i}].threshold"));
    }
}

pub fn same_rows(got: &[ReportRow], want: &[ReportRow], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: rows");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((&g.label, g.support), (&w.label, w.support), "{what}: row");
        close(g.precision, w.precision, &format!("{what} {} precision", w.label));
        close(g.recall, w.recall, &format!("{what} {} recall", w.label));
        close(g.f1, w.f1, &format!("{what} {} f1", w.label));
    }
}

fn row(label: &str, precision: f64, recall: f64, f1: f64, support: usize) -> ReportRow {
    ReportRow { label: label.into(), precision, recall, f1, support }
}

#[test]
fn binary_by_hand() {
    // score: 0.9 0.8 0.8 0.5 0.3 0.1
    // label:  1   1   0   1   1   0      threshold 0.5, strict: 0.5 is negative
    // pred:   1   1   1   0   0   0      TP 2, FP 1, FN 2, TN 1
    let probs = [0.9, 0.8, 0.8, 0.5, 0.3, 0.1];
    let e = evaluate(&probs, 1, &[1, 1, 0, 1, 1, 0], &names(&["neg", "pos"]), 0.5);
    let scalars = [
        ("accuracy", e.accuracy, 3.0 / 6.0),
        ("precision", e.precision, 2.0 / 3.0),         // TP / (TP + FP)
        ("recall", e.recall, 2.0 / 4.0),               // TP / (TP + FN)
        ("specificity", e.specificity, 1.0 / 2.0),     // TN / (TN + FP)
        ("f1", e.f1, 4.0 / 7.0),                       // 2·2 / (2·2 + 2 + 1)
        ("f2", e.f2, 10.0 / 19.0),                     // 5·2 / (5·2 + 4·2 + 1)
        // negatives 0.8, 0.1 against positives 0.9 0.8 0.5 0.3: (1 + ½) + 4 of 8 pairs
        ("auc", e.auc, 5.5 / 8.0),
        // recall steps of ¼ at 0.9, 0.8, 0.5, 0.3 with precision 1, 2/3, 3/4, 4/5
        ("average_precision", e.average_precision, 193.0 / 240.0),
    ];
    for (what, got, want) in scalars {
        close(got, want, what);
    }
    assert_eq!(e.confusion, vec![vec![1, 1], vec![2, 2]]);
    assert_eq!(e.samples, 6);
    // (fp, tp) per distinct score: (0,1) (1,2) (1,3) (1,4) (2,4); (1,3) lies on the line
    // between its neighbours, dropped. Thresholds: the next distinct score below.
    let roc = points(&[(0.0, 0.0, 1.0), (0.0, 0.25, 0.8), (0.5, 0.5, 0.5), (0.5, 1.0, 0.1), (1.0, 1.0, 0.0)]);
    same_curve(&e.roc, &roc, "roc");
    let pr = [(0.0, 1.0, 1.0), (0.25, 1.0, 0.8), (0.5, 2.0 / 3.0, 0.5), (0.75, 0.75, 0.3), (1.0, 0.8, 0.1)];
    same_curve(&e.pr, &points(&[pr.as_slice(), &[(1.0, 4.0 / 6.0, 0.0)]].concat()), "pr");
    // neg: precision 1/3, recall 1/2, F1 2/5; pos: 2/3, 1/2, 4/7
    let report = [
        row("neg", 1.0 / 3.0, 0.5, 0.4, 2),
        row("pos", 2.0 / 3.0, 0.5, 4.0 / 7.0, 4),
        row("macro avg", 0.5, 0.5, (0.4 + 4.0 / 7.0) / 2.0, 6),
        row("weighted avg", (2.0 / 3.0 + 8.0 / 3.0) / 6.0, 0.5, (0.8 + 16.0 / 7.0) / 6.0, 6),
    ];
    same_rows(&e.report, &report, "report");
    let text = "              precision    recall  f1-score   support\n\n\
                \x20        neg       0.33      0.50      0.40         2\n\
                \x20        pos       0.67      0.50      0.57         4\n\n\
                \x20   accuracy                           0.50         6\n\
                \x20  macro avg       0.50      0.50      0.49         6\n\
                weighted avg       0.56      0.50      0.51         6\n";
    assert_eq!(e.report_text, text, "\n{}", e.report_text);
}

#[test]
fn three_classes_by_hand() {
    // rows (probabilities; label → argmax, the first on ties):
    // [.7 .2 .1] 0→0   [.3 .4 .3] 0→1   [.1 .8 .1] 1→1   [.2 .2 .6] 1→2   [.4 .4 .2] 2→0
    let probs = [0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.4, 0.4, 0.2];
    let e = evaluate(&probs, 3, &[0, 0, 1, 1, 2], &names(&["a", "b", "c"]), 0.99);
    assert_eq!(e.confusion, vec![vec![1, 1, 0], vec![0, 1, 1], vec![1, 0, 0]]);
    // a: TP1 FP1 FN1 TN2; b: TP1 FP1 FN1 TN2; c: TP0 FP1 FN1 TN3
    let scalars = [
        ("accuracy", e.accuracy, 2.0 / 5.0),
        ("precision", e.precision, (0.5 + 0.5 + 0.0) / 3.0),
        ("recall", e.recall, (0.5 + 0.5 + 0.0) / 3.0),
        ("f1", e.f1, (0.5 + 0.5 + 0.0) / 3.0),
        ("f2", e.f2, (0.5 + 0.5 + 0.0) / 3.0), // 5·1 / (5·1 + 4·1 + 1) = ½ for a and b
        ("specificity", e.specificity, (2.0 / 3.0 + 2.0 / 3.0 + 3.0 / 4.0) / 3.0),
        // one-vs-rest: a {.7 .3} vs {.1 .2 .4}: 5/6; b {.8 .2} vs {.2 .4 .4}: 3.5/6; c {.2} vs {.1 .3 .1 .6}: 2/4
        ("auc", e.auc, (5.0 / 6.0 + 3.5 / 6.0 + 0.5) / 3.0),
        // a: ½·1 + ½·⅔; b: ½·1 + ½·⅖; c: 1·⅓
        ("average_precision", e.average_precision, (5.0 / 6.0 + 0.7 + 1.0 / 3.0) / 3.0),
    ];
    for (what, got, want) in scalars {
        close(got, want, what);
    }
    // micro curves pool 15 (score, is-that-class) pairs: 5 positives, 10 negatives
    let ends = |c: &[CurvePoint]| (c.first().map(|p| (p.x, p.y)), c.last().map(|p| (p.x, p.y)));
    assert_eq!(ends(&e.roc), (Some((0.0, 0.0)), Some((1.0, 1.0))));
    assert_eq!(e.pr.last().map(|p| (p.x, p.y)), Some((1.0, 5.0 / 15.0)));
}

#[test]
fn empty_and_odd_input() {
    let two = names(&["neg", "pos"]);
    let e = evaluate(&[], 1, &[], &two, 0.5);
    assert_eq!((e.samples, e.accuracy, e.auc, e.average_precision, e.roc.len()), (0, 0.0, 0.5, 0.0, 0));
    assert_eq!(e.confusion, vec![vec![0, 0], vec![0, 0]]);
    serde_json::to_string(&e).expect("an empty evaluation is JSON");

    // NaN counts as 0; a label that is no class (7) is left out; missing probabilities count as 0
    let e = evaluate(&[f32::NAN, 0.9, 0.2, 0.8], 1, &[0, 1, 7, 1, 1], &two, 0.5);
    assert_eq!(e.samples, 4);
    assert_eq!(e.confusion, vec![vec![1, 0], vec![1, 2]]);
    let json = serde_json::to_string(&e).expect("JSON");
    assert!(!json.contains("null"), "every number must be finite: {json}");

    // one class only: AUC undefined → 0.5, no ROC curve; all positive → AP 1
    let e = evaluate(&[0.3, 0.6, 0.9], 1, &[1, 1, 1], &two, 0.5);
    assert_eq!((e.auc, e.average_precision, e.roc.len()), (0.5, 1.0, 0));
    assert!(!serde_json::to_string(&e).expect("JSON").contains("null"));
}

/// A small xorshift, so the sweep needs no crate.
fn uniform(seed: &mut u64) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed >> 40) as f32 / (1u64 << 24) as f32
}

#[test]
fn threshold_sweep() {
    let mut seed = 0x5eed;
    let labels: Vec<u32> = (0..500).map(|_| u32::from(uniform(&mut seed) < 0.4)).collect();
    // scores in hundredths, leaning towards the truth: many ties, some exactly on the thresholds
    let probs: Vec<f32> =
        labels.iter().map(|&l| ((uniform(&mut seed) * 0.7 + 0.3 * l as f32) * 100.0).round() / 100.0).collect();
    let two = names(&["neg", "pos"]);
    let sweep: Vec<Evaluation> = (0..=100).map(|t| evaluate(&probs, 1, &labels, &two, t as f64 / 100.0)).collect();
    for pair in sweep.windows(2) {
        let (lo, hi) = (&pair[0], &pair[1]);
        assert!(hi.recall <= lo.recall, "recall rose from {} to {} at {}", lo.recall, hi.recall, hi.threshold);
        assert!(hi.specificity >= lo.specificity, "specificity fell at threshold {}", hi.threshold);
        assert_eq!((hi.auc, hi.average_precision), (lo.auc, lo.average_precision), "AUC and AP ignore the threshold");
    }
    assert_eq!((sweep[100].recall, sweep[100].precision), (0.0, 0.0), "nothing above 1: zero_division=0");
    // every ROC and PR point is what `evaluate` says at that point's threshold
    let e = &sweep[50];
    for p in &e.roc {
        let at = evaluate(&probs, 1, &labels, &two, p.threshold);
        close(at.recall, p.y, &format!("tpr at {}", p.threshold));
        close(1.0 - at.specificity, p.x, &format!("fpr at {}", p.threshold));
    }
    for p in e.pr.iter().skip(1) {
        let at = evaluate(&probs, 1, &labels, &two, p.threshold);
        close(at.recall, p.x, &format!("recall at {}", p.threshold));
        close(at.precision, p.y, &format!("precision at {}", p.threshold));
    }
}

#[test]
fn softmax_of_two_uses_the_second_column() {
    // the same P(class 1) as one sigmoid column or a two-column softmax; a tie [.5 .5] is negative
    let sigmoid = [0.2, 0.5, 0.7, 0.9];
    let softmax: Vec<f32> = sigmoid.iter().flat_map(|&p| [1.0 - p, p]).collect();
    let labels = [0, 1, 1, 0];
    let two = names(&["neg", "pos"]);
    let (a, b) = (evaluate(&sigmoid, 1, &labels, &two, 0.5), evaluate(&softmax, 2, &labels, &two, 0.5));
    assert_eq!(a, b);
    assert_eq!(a.confusion, vec![vec![1, 1], vec![1, 1]]);
}

#[test]
fn large_input() {
    // 25,000 rows of 5 classes (the size of IMDB's test set): sorting, not pairwise work,
    // and curves cut to MAX_CURVE_POINTS for the page
    let mut seed = 0xbead;
    let labels: Vec<u32> = (0..25_000).map(|_| (uniform(&mut seed) * 5.0) as u32).collect();
    let probs: Vec<f32> = labels.iter().flat_map(|&l| (0..5).map(move |c| if c == l { 0.4 } else { 0.15 })).collect();
    let probs: Vec<f32> = probs.iter().map(|&p| p + uniform(&mut seed) * 0.2).collect();
    let start = std::time::Instant::now();
    let e = evaluate(&probs, 5, &labels, &names(&["a", "b", "c", "d", "e"]), 0.5);
    eprintln!("25,000 × 5 evaluated in {:?}", start.elapsed());
    assert_eq!(e.samples, 25_000);
    assert!(e.roc.len() <= MAX_CURVE_POINTS && e.pr.len() <= MAX_CURVE_POINTS);
    assert!(e.auc > 0.8 && e.accuracy > 0.5, "auc {} accuracy {}", e.auc, e.accuracy);
}
