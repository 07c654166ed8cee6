//! Seed 000's baselines against scikit-learn (tests/fixtures/baselines_sklearn.json, written by
//! tools/sklearn_baselines.py): the TF-IDF / count matrices, LogisticRegression's coefficients
//! and probabilities, LinearSVC's decision values, the whole `Baseline` on a dataset, bad
//! settings, and an overfit check.

use std::collections::HashMap;

use kiln::baseline::{Baseline, Cd, Lbfgs, Linear, Vectorizer, VectorizerConfig, logreg, probabilities, svm};
use kiln::data::{Dataset, Labelled};
use kiln::dto::{BaselineConfig, BaselineKind, RunConfig};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    corpora: HashMap<String, Corpus>,
    vectorizers: Vec<VectorizerCase>,
    models: Vec<ModelCase>,
}

#[derive(Deserialize)]
struct Corpus {
    classes: Vec<String>,
    train: Vec<String>,
    train_labels: Vec<u32>,
    test: Vec<String>,
    test_labels: Vec<u32>,
}

/// A sparse row: `[column, value]` pairs.
type Row = Vec<(u32, f64)>;

#[derive(Deserialize)]
struct VectorizerCase {
    name: String,
    corpus: String,
    ngrams: usize,
    tfidf: bool,
    max_features: Option<usize>,
    features: Vec<String>,
    idf: Vec<f64>,
    train: Vec<Row>,
    test: Vec<Row>,
}

#[derive(Deserialize)]
struct ModelCase {
    name: String,
    corpus: String,
    kind: BaselineKind,
    ngrams: usize,
    tfidf: bool,
    max_features: Option<usize>,
    c: f64,
    coef: Vec<Vec<f64>>,
    intercept: Vec<f64>,
    /// `decision_function` on the test documents, `[n, rows]`.
    decision: Vec<Vec<f64>>,
    /// `predict_proba` on the test documents (LogisticRegression only).
    proba: Option<Vec<Vec<f64>>>,
    test_accuracy: f64,
}

thread_local! {
    /// The largest difference `close` has seen on this test's thread, to print the margin.
    static WORST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

fn worst() -> f64 {
    WORST.with(|w| w.replace(0.0))
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/baselines_sklearn.json");
    let text = std::fs::read_to_string(path).expect("run tools/sklearn_baselines.py to write the fixture");
    serde_json::from_str(&text).expect("baselines fixture")
}

fn tokens(docs: &[String]) -> impl Iterator<Item = Vec<&str>> {
    docs.iter().map(|d| d.split(' ').collect())
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    WORST.with(|w| w.set(w.get().max((got - want).abs())));
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want} (tolerance {tol})");
}

fn same_rows(got: &kiln::baseline::Csr, want: &[Row], what: &str) {
    assert_eq!(got.rows(), want.len(), "{what}: rows");
    for (i, row) in want.iter().enumerate() {
        let (cols, vals) = got.row(i);
        let want_cols: Vec<u32> = row.iter().map(|e| e.0).collect();
        assert_eq!(cols, want_cols.as_slice(), "{what}: row {i}'s columns");
        for (&v, &(c, w)) in vals.iter().zip(row) {
            close(v, w, 1e-9, &format!("{what}: [{i}, {c}]"));
        }
    }
}

#[test]
fn vectorizers_match_sklearn() {
    let f = fixture();
    for case in &f.vectorizers {
        let corpus = &f.corpora[&case.corpus];
        let config = VectorizerConfig { ngrams: case.ngrams, tfidf: case.tfidf, max_features: case.max_features };
        let (vectorizer, x) = Vectorizer::fit(tokens(&corpus.train), config).expect(&case.name);
        assert_eq!(vectorizer.features(), case.features.as_slice(), "{}: feature names", case.name);
        assert_eq!(vectorizer.idf().len(), case.idf.len(), "{}: idf", case.name);
        for (i, (&got, &want)) in vectorizer.idf().iter().zip(&case.idf).enumerate() {
            close(got, want, 1e-9, &format!("{}: idf[{i}]", case.name));
        }
        same_rows(&x, &case.train, &format!("{} train", case.name));
        same_rows(&vectorizer.transform(tokens(&corpus.test)), &case.test, &format!("{} test", case.name));
        eprintln!("{}: {} features, largest difference {:.1e}", case.name, case.features.len(), worst());
    }
}

#[test]
fn max_features_ties_keep_the_alphabetically_first() {
    // (docs, max_features, kept): counts b 3, a 2, c 2, d 2, e 1
    let docs = ["b a c", "b d", "b a c d e"];
    let cases: [(usize, &[&str]); 4] =
        [(1, &["b"]), (2, &["a", "b"]), (3, &["a", "b", "c"]), (4, &["a", "b", "c", "d"])];
    for (k, kept) in cases {
        let config = VectorizerConfig { ngrams: 1, tfidf: false, max_features: Some(k) };
        let (v, _) = Vectorizer::fit(docs.iter().map(|d| d.split(' ')), config).expect("fit");
        assert_eq!(v.features(), kept, "max_features={k}");
    }
}

/// The fixture case's features and model, fitted by Kiln.
fn fit(f: &Fixture, case: &ModelCase) -> (Vectorizer, Linear) {
    let corpus = &f.corpora[&case.corpus];
    let config = VectorizerConfig { ngrams: case.ngrams, tfidf: case.tfidf, max_features: case.max_features };
    let (vectorizer, x) = Vectorizer::fit(tokens(&corpus.train), config).expect(&case.name);
    let (y, k) = (&corpus.train_labels, corpus.classes.len());
    let model = match case.kind {
        BaselineKind::Logreg => logreg::fit(&x, y, k, case.c, &Lbfgs::default()),
        BaselineKind::Svm => svm::fit(&x, y, k, case.c, &Cd::default()),
    };
    (vectorizer, model)
}

#[test]
fn models_match_sklearn() {
    let f = fixture();
    for case in &f.models {
        let (vectorizer, model) = fit(&f, case);
        let name = &case.name;
        worst();
        assert!(model.converged, "{name}: not converged after {} iterations", model.iterations);
        // LogisticRegression: coefficients and probabilities to 1e-4; LinearSVC: decisions to 1e-3
        let tol = if case.kind == BaselineKind::Logreg { 1e-4 } else { 1e-3 };
        let d = model.features;
        assert_eq!(model.rows(), case.coef.len(), "{name}: coef rows");
        for (r, want) in case.coef.iter().enumerate() {
            assert_eq!(want.len(), d, "{name}: features");
            for (c, &w) in want.iter().enumerate() {
                close(model.coef[r * d + c], w, tol, &format!("{name}: coef[{r}, {c}]"));
            }
            close(model.intercept[r], case.intercept[r], tol, &format!("{name}: intercept[{r}]"));
        }
        let x_test = vectorizer.transform(tokens(&f.corpora[&case.corpus].test));
        let decisions = model.decisions(&x_test);
        for (i, want) in case.decision.iter().enumerate() {
            let got = &decisions[i * model.rows()..(i + 1) * model.rows()];
            for (r, (&g, &w)) in got.iter().zip(want).enumerate() {
                close(g, w, tol, &format!("{name}: decision[{i}, {r}]"));
            }
            if let Some(proba) = &case.proba {
                let p = probabilities(got);
                let p = if p.len() == 1 { vec![1.0 - p[0], p[0]] } else { p };
                for (c, (&g, &w)) in p.iter().zip(&proba[i]).enumerate() {
                    close(g, w, 1e-4, &format!("{name}: predict_proba[{i}, {c}]"));
                }
            }
        }
        eprintln!("{name}: {} iterations, largest difference {:.1e}", model.iterations, worst());
    }
}

fn dataset(classes: &[String], train: Labelled, test: Labelled) -> Dataset {
    Dataset { name: "corpus".into(), classes: classes.to_vec(), train, test: Some(test), ..Dataset::default() }
}

fn labelled(texts: &[String], labels: &[u32]) -> Labelled {
    Labelled { texts: texts.to_vec(), labels: labels.to_vec() }
}

fn config(kind: BaselineKind, ngrams: usize, tfidf: bool, max_features: Option<usize>, c: f64) -> BaselineConfig {
    BaselineConfig { kind, ngrams, tfidf, max_features, c }
}

#[test]
fn baseline_end_to_end_matches_sklearn() {
    // the whole path: the run's Keras tokens (the corpora are lower-case words), the split, the
    // fit, `predict` and the test set's evaluation
    let f = fixture();
    let run = RunConfig::from_pairs([("num_words", "100000")]).expect("run");
    for case in &f.models {
        let corpus = &f.corpora[&case.corpus];
        let data = dataset(
            &corpus.classes,
            labelled(&corpus.train, &corpus.train_labels),
            labelled(&corpus.test, &corpus.test_labels),
        );
        let cfg = config(case.kind, case.ngrams, case.tfidf, case.max_features, case.c);
        let baseline = Baseline::fit(&cfg, &run, &data).expect(&case.name);
        let report = baseline.report();
        assert_eq!(report.features, case.coef[0].len(), "{}: features", case.name);
        assert_eq!(report.params, case.coef.len() * (case.coef[0].len() + 1), "{}: params", case.name);
        assert_eq!((report.train_samples, report.test_samples), (corpus.train.len(), corpus.test.len()));
        close(report.evaluation.accuracy, case.test_accuracy, 1e-12, &format!("{}: test accuracy", case.name));
        for (i, text) in corpus.test.iter().enumerate() {
            let want = match &case.proba {
                Some(p) => p[i].clone(),
                None => match probabilities(&case.decision[i]).as_slice() {
                    [p] => vec![1.0 - p, *p],
                    p => p.to_vec(),
                },
            };
            let got = baseline.predict(text).expect("predict");
            assert_eq!(got.tokens.len(), text.split(' ').count(), "{}: tokens", case.name);
            for (c, (&g, &w)) in got.probabilities.iter().zip(&want).enumerate() {
                close(g, w, 1e-3, &format!("{}: text {i} P(class {c})", case.name));
            }
        }
        // the mistakes are the confusion matrix's off-diagonal, most confident first
        let wrong = baseline.misclassified(0.5, usize::MAX).expect("misclassified");
        let errors = ((1.0 - case.test_accuracy) * corpus.test.len() as f64).round() as usize;
        assert_eq!(wrong.len(), errors, "{}: misclassified", case.name);
        assert!(wrong.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        let binary = corpus.classes.len() == 2;
        assert_eq!(report.top_positive.len(), if binary { 15.min(report.features) } else { 0 });
        assert!(report.top_positive.windows(2).all(|w| w[0].weight >= w[1].weight));
        assert!(report.top_negative.windows(2).all(|w| w[0].weight <= w[1].weight));
    }
}

#[test]
fn names_and_unknown_tokens() {
    let f = fixture();
    let corpus = &f.corpora["binary"];
    let (train, test) = (labelled(&corpus.train, &corpus.train_labels), labelled(&corpus.test, &corpus.test_labels));
    let data = dataset(&corpus.classes, train, test);
    let run = RunConfig::from_pairs([("num_words", "1000")]).expect("run");
    let cases = [
        (config(BaselineKind::Logreg, 2, true, None, 1.0), "TF-IDF 1–2-grams + LogisticRegression"),
        (config(BaselineKind::Svm, 1, false, Some(5), 1.0), "Counts 1-grams + LinearSVC"),
        (config(BaselineKind::Logreg, 3, false, None, 1.0), "Counts 1–3-grams + LogisticRegression"),
    ];
    for (cfg, name) in cases {
        let baseline = Baseline::fit(&cfg, &run, &data).expect(name);
        assert_eq!(baseline.report().name, name);
        let p = baseline.predict("Superb, <br />UNSEEN superb!").expect("predict");
        assert_eq!(p.tokens, ["superb", "unseen", "superb"], "Keras tokens after the run's text settings");
        assert!(!p.known[1], "{name}: a word the training texts never had");
        close(p.probabilities.iter().sum(), 1.0, 1e-12, "probabilities sum to 1");
        assert_eq!(baseline.evaluation(0.5).expect("0.5"), baseline.report().evaluation);
    }
}

#[test]
fn bad_settings_say_what_is_wrong() {
    let f = fixture();
    let corpus = &f.corpora["binary"];
    let (train, test) = (labelled(&corpus.train, &corpus.train_labels), labelled(&corpus.test, &corpus.test_labels));
    let good = dataset(&corpus.classes, train.clone(), test.clone());
    let run = RunConfig::from_pairs([("num_words", "1000")]).expect("run");
    let logreg = |ngrams, max_features, c| config(BaselineKind::Logreg, ngrams, true, max_features, c);
    let one_class = labelled(&corpus.train[..3], &[1, 1, 1]);
    let cases = [
        (logreg(0, None, 1.0), good.clone(), "invalid setting `ngrams`: must be 1, 2 or 3"),
        (logreg(4, None, 1.0), good.clone(), "invalid setting `ngrams`: must be 1, 2 or 3 (the longest n-gram), got 4"),
        (logreg(2, None, 0.0), good.clone(), "invalid setting `c`: must be a positive finite number"),
        (logreg(2, None, -1.0), good.clone(), "invalid setting `c`"),
        (logreg(2, None, f64::NAN), good.clone(), "invalid setting `c`"),
        (logreg(2, None, f64::INFINITY), good.clone(), "invalid setting `c`"),
        (logreg(2, Some(0), 1.0), good.clone(), "invalid setting `max_features`: must be at least 1"),
        (logreg(2, None, 1.0), dataset(&corpus.classes, Labelled::default(), test.clone()), "has no training texts"),
        (
            logreg(2, None, 1.0),
            dataset(&corpus.classes, one_class, test.clone()),
            "training texts are all of one class (pos): a classifier needs at least two",
        ),
        (
            logreg(2, None, 1.0),
            dataset(&corpus.classes, labelled(&["? !".into()], &[0]), test.clone()),
            "all of one class (neg)",
        ),
        (
            logreg(2, None, 1.0),
            dataset(&corpus.classes, labelled(&["!".into(), "?".into()], &[0, 1]), test.clone()),
            "empty vocabulary",
        ),
    ];
    for (cfg, data, want) in cases {
        let err = Baseline::fit(&cfg, &run, &data).expect_err(want).to_string();
        assert!(err.contains(want), "{cfg:?}: got `{err}`, want `{want}`");
    }
    let baseline = Baseline::fit(&logreg(2, None, 1.0), &run, &good).expect("fit");
    for t in [-0.1, 1.5, f64::NAN] {
        assert!(baseline.evaluation(t).is_err(), "threshold {t}");
    }
}

#[test]
fn separable_data_is_fitted_exactly() {
    // every text carries its class's word: 100 % on the training texts themselves
    let words = [["dreadful", "dire"], ["lovely", "grand"], ["so-so", "middling"]];
    let filler = ["the", "film", "a", "plot", "was", "it"];
    for classes in [2, 3] {
        let mut data = Labelled::default();
        for i in 0..60 {
            let (c, j) = (i % classes, i / classes); // fillers spread evenly over the classes
            let text = format!("{} {} {} {}", filler[j % 6], words[c][j % 2], filler[(j / 6) % 6], filler[(j + 2) % 6]);
            data.push(text, c as u32);
        }
        let names: Vec<String> = ["neg", "pos", "meh"][..classes].iter().map(|s| s.to_string()).collect();
        let all = dataset(&names, data.clone(), data.clone());
        let run = RunConfig::from_pairs([("num_words", "1000")]).expect("run");
        for kind in [BaselineKind::Logreg, BaselineKind::Svm] {
            let baseline = Baseline::fit(&config(kind, 2, true, None, 100.0), &run, &all).expect("fit");
            let report = baseline.report();
            assert_eq!(report.evaluation.accuracy, 1.0, "{kind:?}, {classes} classes");
            assert!(baseline.misclassified(0.5, 10).expect("misclassified").is_empty());
            if classes == 2 {
                let top: Vec<&str> = report.top_positive.iter().take(2).map(|w| w.feature.as_str()).collect();
                assert!(top.iter().all(|w| words[1].contains(w)), "{kind:?}: top positive {top:?}");
                let top: Vec<&str> = report.top_negative.iter().take(2).map(|w| w.feature.as_str()).collect();
                assert!(top.iter().all(|w| words[0].contains(w)), "{kind:?}: top negative {top:?}");
            }
        }
    }
}
