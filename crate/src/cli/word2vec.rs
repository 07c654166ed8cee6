//! `kiln-train word2vec data=imdb-20k [backend=cpu|burn|wgpu] [epochs=1 vector_size=… window=…
//! negative=… sample=… min_count=… alpha=… min_alpha=… seed=… max_vocab=…] [text settings]
//! [out=vectors.txt]`: word2vec on the run's training texts, as the page trains it.
//! Prints the vocabulary, the loss per chunk, words/s and the nearest words of a few
//! sentiment words, then a JSON line.

use std::time::Instant;

use burn::prelude::Device;

use crate::dto::{RunConfig, Word2VecConfig, Word2VecEvent};
use crate::embed::Word2Vec;
use crate::train::block_on;

const PROBES: [&str; 3] = ["great", "awful", "boring"];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut backend = "cpu".to_string();
    let mut out = None;
    let mut config = Word2VecConfig::default();
    let mut rest = Vec::new();
    for arg in args {
        let Some((key, value)) = arg.split_once('=') else { return Err(format!("expected key=value, got `{arg}`")) };
        let number = || value.parse::<f64>().map_err(|_| format!("{key}: `{value}` is not a number"));
        let count = || value.parse::<usize>().map_err(|_| format!("{key}: `{value}` is not a whole number"));
        match key {
            "backend" => backend = value.to_string(),
            "out" => out = Some(value.to_string()),
            "vector_size" => config.vector_size = count()?,
            "window" => config.window = count()?,
            "negative" => config.negative = count()?,
            "sample" => config.sample = number()?,
            "min_count" => config.min_count = count()?,
            "epochs" => config.epochs = count()?,
            "alpha" => config.alpha = number()?,
            "min_alpha" => config.min_alpha = number()?,
            "max_vocab" => config.max_vocab = Some(count()?),
            "seed" => {
                config.seed = value.parse().map_err(|_| format!("seed: `{value}` is not a whole number"))?;
                rest.push(arg.clone());
            }
            _ => rest.push(arg.clone()),
        }
    }
    let device = match backend.as_str() {
        "cpu" => None,
        "burn" => Some(Device::flex()),
        "wgpu" => Some(Device::wgpu(Default::default())),
        other => return Err(format!("backend must be cpu, burn or wgpu, got `{other}`")),
    };
    let (data_dir, _, pairs) = super::split_args(&rest)?;
    let run = RunConfig::from_pairs(pairs.iter().copied()).map_err(|e| e.to_string())?;
    let (imdb, split) = super::load(&data_dir)?;
    let data = crate::data::Dataset::imdb(&imdb, &split, run.data).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    let mut w2v = Word2Vec::new(&config, &run, &data, device).map_err(|e| e.to_string())?;
    let prepare_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut last_loss = f64::NAN;
    let (backend_name, vocab_size, corpus_words) = match block_on(w2v.next()).map_err(|e| e.to_string())? {
        Word2VecEvent::Prepared { vocab_size, corpus_words, total_words, backend } => {
            println!(
                "{}: {vocab_size} words (min_count {}), {corpus_words} corpus words per epoch, {total_words} in all; \
                 prepared in {prepare_s:.1}s; training on {backend}",
                data.name, config.min_count
            );
            (backend, vocab_size, corpus_words)
        }
        other => return Err(format!("expected prepared first, got {other:?}")),
    };
    let words_done = loop {
        match block_on(w2v.next()).map_err(|e| e.to_string())? {
            Word2VecEvent::Progress { epoch, words_done, total_words, loss, alpha } => {
                let rate = words_done as f64 / t1.elapsed().as_secs_f64();
                println!(
                    "epoch {epoch} - {words_done}/{total_words} words - loss {loss:.4} - alpha {alpha:.5} - {rate:.0} words/s"
                );
                last_loss = loss;
            }
            Word2VecEvent::Done { words_done, .. } => break words_done,
            Word2VecEvent::Prepared { .. } => return Err("prepared twice".into()),
        }
    };
    let seconds = t1.elapsed().as_secs_f64();
    let words_per_s = words_done as f64 / seconds;
    println!("trained {words_done} words in {seconds:.1}s: {words_per_s:.0} words/s");
    let vectors = block_on(w2v.vectors()).map_err(|e| e.to_string())?;
    let mut nearest = serde_json::Map::new();
    for probe in PROBES {
        match vectors.similar_by_word(probe, 10) {
            Ok(similar) => {
                let line: Vec<String> = similar.iter().map(|s| format!("{} {:.3}", s.word, s.similarity)).collect();
                println!("{probe}: {}", line.join(", "));
                nearest.insert(probe.into(), serde_json::to_value(&similar).unwrap_or_default());
            }
            Err(e) => println!("{probe}: {e}"),
        }
    }
    if let Some(path) = &out {
        std::fs::write(path, vectors.to_text()).map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path}");
    }
    let result = serde_json::json!({
        "data": data.name, "backend": backend_name, "vocab_size": vocab_size, "corpus_words": corpus_words,
        "epochs": config.epochs, "prepare_seconds": prepare_s, "seconds": seconds, "words_per_s": words_per_s,
        "last_loss": last_loss, "nearest": nearest,
    });
    println!("{result}");
    Ok(())
}
