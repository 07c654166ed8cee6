//! `kiln-train bench steps=N [warmup=W] key=value …`: the native half of `./build.sh bench`
//! (tools/bench.mjs). Trains the run's first `warmup + steps` batches (more epochs if an epoch
//! has fewer), without evaluating, and prints one JSON line: every step's wall time in ms (the
//! first, which allocates, is reported apart), the time to prepare the data and the model, and
//! the peak resident memory. The driver computes the median and p10/p90 from the list, the same
//! way for every target. `device=wgpu` trains on the first wgpu adapter instead of the CPU
//! (Vulkan natively: a real GPU, or Mesa's lavapipe); `rnn=reference` builds the recurrent
//! layers' per-step graph instead of the fused time loop, and Conv1D on burn's `conv1d`
//! instead of Kiln's CPU kernel, to measure one against the other.

use std::time::Instant;

use crate::dto::{RunConfig, RunEvent};
use crate::train::{Run, block_on};

pub fn run(args: &[String]) -> Result<(), String> {
    let (data_dir, file, mut pairs) = super::split_args(args)?;
    let (device, backend) = super::take_device(&mut pairs)?;
    let mut steps = 20usize;
    let mut warmup = 3usize;
    let mut settings = Vec::new();
    let mut rnn = "fused";
    for (k, v) in pairs {
        let num = || v.parse::<usize>().map_err(|_| format!("{k}: expected a count, got `{v}`"));
        match k {
            "steps" => steps = num()?.max(1),
            "warmup" => warmup = num()?,
            "rnn" => match v {
                "fused" => {}
                "reference" => {
                    crate::model::use_reference_path(true);
                    rnn = "reference";
                }
                _ => return Err(format!("rnn: expected fused or reference, got `{v}`")),
            },
            _ => settings.push((k, v)),
        }
    }
    let mut config = RunConfig::from_pairs(settings).map_err(|e| e.to_string())?;
    // enough epochs for the steps; the run stops after them, so the count does not matter
    config.epochs = config.epochs.max(1000);
    // no callback may end the run before the steps are done
    config.early_stopping = None;
    let t0 = Instant::now();
    let data = super::dataset(&config, &data_dir, file)?;
    let mut run = Run::with_vectors(config.clone(), &data, &device, None).map_err(|e| e.to_string())?;
    let mut prepare_ms = 0.0;
    let mut step_ms = Vec::new();
    let want = warmup + steps;
    while step_ms.len() < want {
        let t = Instant::now();
        let event = block_on(run.next()).map_err(|e| e.to_string())?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        match event {
            RunEvent::Prepared { .. } => prepare_ms = t0.elapsed().as_secs_f64() * 1e3,
            RunEvent::Step { .. } => step_ms.push(ms),
            RunEvent::Epoch { .. } => {}
            RunEvent::Done { .. } => break,
        }
    }
    let result = serde_json::json!({
        "model": config.model, "data": data.name, "batch": config.batch_size, "maxlen": config.maxlen,
        "backend": backend, "rnn": rnn, "profile": if cfg!(debug_assertions) { "dev" } else { "release" },
        "warmup": warmup, "prepare_ms": prepare_ms, "step_ms": step_ms,
        "peak_rss_bytes": peak_rss_bytes(),
    });
    println!("{result}");
    Ok(())
}

/// `VmHWM` of /proc/self/status (Linux), in bytes.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
