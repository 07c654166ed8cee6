//! `kiln-train zoo [models=m1_lstm,m2_cnn,…] [key=value …]`: train presets one
//! after another on the benchmark split and print Kiln's test accuracy beside
//! Keras 3's on the same split (the peer harness's figures, kept in the presets).

use std::io::Write;

use crate::data::Dataset;
use crate::dto::{RunConfig, presets};

/// The peer harness's jobs, in its order.
const PEER_JOBS: [&str; 6] = ["m4_pooled", "m2_cnn", "m1_lstm", "m3_cnn_lstm", "m5_bilstm", "m1_post"];

pub fn run(args: &[String]) -> Result<(), String> {
    let (data_dir, _, pairs) = super::split_args(args)?;
    let models: Vec<String> = match pairs.iter().find(|(k, _)| *k == "models") {
        Some((_, v)) => v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        None => PEER_JOBS.iter().map(|s| s.to_string()).collect(),
    };
    let overrides: Vec<(&str, &str)> = pairs.iter().copied().filter(|(k, _)| *k != "models").collect();
    let known = presets();
    let mut configs = Vec::new();
    for name in &models {
        let mut settings = vec![("model", name.as_str())];
        settings.extend(overrides.iter().copied());
        configs.push(RunConfig::from_pairs(settings).map_err(|e| format!("{name}: {e}"))?);
    }
    let (imdb, split) = super::load(&data_dir)?;
    let mut rows = Vec::new();
    for config in configs {
        let keras = known.iter().find(|p| p.name == config.model).and_then(|p| p.keras_accuracy);
        eprintln!("== {} ==", config.model);
        let data = Dataset::imdb(&imdb, &split, config.data).map_err(|e| e.to_string())?;
        let result = super::train(config.clone(), &data, None)?;
        let accuracy = result["test_accuracy"].as_f64().unwrap_or(f64::NAN);
        let ms = result["ms_per_step_median"].as_f64().unwrap_or(f64::NAN);
        let epochs = result["epochs"].as_u64().unwrap_or(0);
        rows.push(format!(
            "| {} | {} | {epochs}/{} | {:.2} % | {} | {} | {ms:.0} |",
            config.model,
            config.data.train_size().unwrap_or(0),
            config.epochs,
            accuracy * 100.0,
            keras.map_or("–".into(), |k| format!("{:.2} %", k * 100.0)),
            keras.map_or("–".into(), |k| format!("{:+.2}", (accuracy - k) * 100.0)),
        ));
        print_table(&rows);
    }
    Ok(())
}

fn print_table(rows: &[String]) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\n| model | train reviews | epochs run/planned | Kiln test acc | Keras 3 test acc | Δ points | Kiln ms/step |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
    let _ = writeln!(out);
}
