//! `kiln-train baseline kind=logreg|svm ngrams=2 tfidf=true c=1.0 [max_features=N] data=imdb-20k
//! num_words=10000 …`: seed 000's TF-IDF / bag-of-words baseline on a run's split and text
//! settings (every other key is the run's). Prints the name, the features, the iterations, the
//! fit time, scikit-learn's classification report and a JSON line.

use std::time::Instant;

use crate::baseline::Baseline;
use crate::dto::{BaselineConfig, BaselineKind, RunConfig};

/// The baseline's own keys; the rest go to the `RunConfig`.
const KEYS: [&str; 5] = ["kind", "ngrams", "tfidf", "c", "max_features"];

pub fn run(args: &[String]) -> Result<(), String> {
    let (data_dir, file, pairs) = super::split_args(args)?;
    let (own, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| KEYS.contains(k));
    let config = baseline_config(&own)?;
    let run = RunConfig::from_pairs(rest.iter().copied()).map_err(|e| e.to_string())?;
    let data = super::dataset(&run, &data_dir, file)?;
    let start = Instant::now();
    let baseline = Baseline::fit(&config, &run, &data).map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let report = baseline.report();
    let e = &report.evaluation;
    println!("{} on {}", report.name, data.name);
    println!(
        "Train on {} samples, test on {}; {} features, {} parameters; {} iterations{}; fit in {seconds:.2}s",
        report.train_samples,
        report.test_samples,
        report.features,
        report.params,
        report.iterations,
        if report.converged { "" } else { " (not converged)" }
    );
    println!("{}", e.report_text);
    println!(
        "Accuracy: {:.4} - Precision: {:.4} - Recall: {:.4} - F1: {:.4} - AUC: {:.4}",
        e.accuracy, e.precision, e.recall, e.f1, e.auc
    );
    let words = |list: &[crate::dto::Weighted]| list.iter().map(|w| w.feature.clone()).collect::<Vec<_>>().join(", ");
    if !report.top_positive.is_empty() {
        println!("Top positive: {}\nTop negative: {}", words(&report.top_positive), words(&report.top_negative));
    }
    let result = serde_json::json!({
        "baseline": report.name, "data": data.name, "kind": config.kind, "ngrams": config.ngrams,
        "tfidf": config.tfidf, "c": config.c, "max_features": config.max_features.unwrap_or(run.num_words),
        "features": report.features, "params": report.params, "iterations": report.iterations,
        "converged": report.converged, "test_accuracy": e.accuracy, "f1": e.f1, "auc": e.auc,
        "fit_seconds": seconds,
    });
    println!("{result}");
    Ok(())
}

fn baseline_config(pairs: &[(&str, &str)]) -> Result<BaselineConfig, String> {
    let mut config = BaselineConfig::new(BaselineKind::Logreg);
    let bad = |k: &str, v: &str, what: &str| format!("invalid setting `{k}`: `{v}` is not {what}");
    for &(k, v) in pairs {
        match k {
            "kind" => {
                config.kind = match v {
                    "logreg" => BaselineKind::Logreg,
                    "svm" => BaselineKind::Svm,
                    _ => return Err(bad(k, v, "logreg or svm")),
                }
            }
            "ngrams" => config.ngrams = v.parse().map_err(|_| bad(k, v, "a whole number"))?,
            "tfidf" => {
                config.tfidf = match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(bad(k, v, "true or false")),
                }
            }
            "c" => config.c = v.parse().map_err(|_| bad(k, v, "a number"))?,
            "max_features" => config.max_features = Some(v.parse().map_err(|_| bad(k, v, "a whole number"))?),
            _ => unreachable!("only KEYS are passed"),
        }
    }
    Ok(config)
}
