//! A run saved whole — settings, where training stands, history, callbacks, weights (the
//! current ones, EarlyStopping's best, ModelCheckpoint's) and the optimizer's state — as one
//! safetensors file whose `__metadata__["kiln"]` holds the JSON. `Run::resume` rebuilds the
//! run from it and the same data, and carries on where it stopped.

use serde::{Deserialize, Serialize};

use super::{Phase, Run};
use crate::data::{Dataset, epoch_order};
use crate::dto::{History, RunConfig};
use crate::embed::Vectors;
use crate::error::{KilnError, Result};
use crate::metrics::RunningMean;
use crate::model::{LayerWeights, Model, Weight};
use crate::train::callbacks::Callbacks;
use burn::prelude::Device;

const FORMAT: &str = "kiln-run";
const VERSION: u32 = 1;
const OPTIMIZER: &str = "optimizer";

/// Where a saved run stands and what it needs to carry on (the JSON part of the file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedRun {
    pub format: String,
    pub version: u32,
    pub config: RunConfig,
    /// The dataset's name and training rows, and a fingerprint of the fitted vocabulary:
    /// resuming on other data is refused.
    pub dataset: String,
    pub train_rows: usize,
    pub vocabulary: u64,
    /// 1-based epoch and steps done in it; `finished`: training is over (evaluate only).
    pub epoch: usize,
    pub step: usize,
    pub finished: bool,
    pub loss: RunningMean,
    pub accuracy: RunningMean,
    pub history: History,
    pub callbacks: Callbacks,
    pub learning_rate: f64,
    pub stopped_early: Option<usize>,
    /// Each weight set's layers: `(name, shape, parameter id)` per array; the values are
    /// the tensors `"{set}/{layer}/{name}"`.
    pub weights: Vec<Vec<(String, Vec<usize>, u64)>>,
    pub best: Option<(usize, Vec<Vec<(String, Vec<usize>, u64)>>)>,
    pub checkpoint: Option<(usize, Vec<Vec<(String, Vec<usize>, u64)>>)>,
    /// The optimizer's state per variable: `(parameter id, steps, slots)`; the slots are the
    /// tensors `"optimizer/{id}/{slot}"`.
    pub optimizer: Vec<(u64, u64, usize)>,
}

type Layout = Vec<Vec<(String, Vec<usize>, u64)>>;

fn layout(layers: &[LayerWeights]) -> Layout {
    layers.iter().map(|l| l.weights.iter().map(|w| (w.name.clone(), w.shape.clone(), w.id)).collect()).collect()
}

async fn kept(kept: &Option<(usize, Model)>) -> Result<Option<(usize, Vec<LayerWeights>)>> {
    match kept {
        Some((epoch, model)) => Ok(Some((*epoch, model.read_weights().await?))),
        None => Ok(None),
    }
}

/// A float32 tensor of the file as values.
fn floats(file: &safetensors::SafeTensors, name: &str) -> Result<Vec<f32>> {
    let view = file.tensor(name).map_err(corrupt)?;
    if view.dtype() != safetensors::Dtype::F32 {
        return Err(corrupt(format!("{name} is not float32")));
    }
    Ok(view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

fn corrupt(why: impl std::fmt::Display) -> KilnError {
    KilnError::Data(format!(
        "this is not a readable Kiln run file ({why}): pick a .kiln file that Kiln's Saved runs › Download wrote, whole"
    ))
}

/// A file whose parts disagree: readable, but altered or damaged since Kiln wrote it.
fn inconsistent(why: impl std::fmt::Display) -> KilnError {
    KilnError::Data(format!(
        "this run file's weights and settings disagree ({why}): it was altered or damaged after Kiln saved it. \
         Download the run again or start a new one"
    ))
}

impl Run {
    /// Everything needed to carry on later, read asynchronously (any backend).
    pub async fn save(&self) -> Result<Vec<u8>> {
        let weights = self.trainer.model().read_weights().await?;
        let mut tensors: Vec<(String, Vec<u8>, Vec<usize>, safetensors::Dtype)> = Vec::new();
        let mut push_set = |set: &str, layers: &[LayerWeights]| {
            for l in layers {
                for w in &l.weights {
                    let bytes = w.values.iter().flat_map(|v| v.to_le_bytes()).collect();
                    tensors.push((format!("{set}/{}/{}", l.index, w.name), bytes, w.shape.clone(), safetensors::Dtype::F32));
                }
            }
        };
        push_set("model", &weights);
        let best = kept(&self.best_weights).await?;
        let checkpoint = kept(&self.checkpoint).await?;
        if let Some((_, b)) = &best {
            push_set("best", b);
        }
        if let Some((_, c)) = &checkpoint {
            push_set("checkpoint", c);
        }
        let optimizer = self.trainer.optimizer_state().await?;
        for state in &optimizer {
            for (i, slot) in state.slots.iter().enumerate() {
                let bytes = slot.iter().flat_map(|v| v.to_le_bytes()).collect();
                tensors.push((format!("{OPTIMIZER}/{}/{i}", state.id), bytes, vec![slot.len()], safetensors::Dtype::F32));
            }
        }
        let (finished, epoch, step) = match &self.phase {
            Phase::Test | Phase::Done(_) => (true, self.epoch, self.step),
            _ => (false, self.epoch, self.step),
        };
        let meta = SavedRun {
            format: FORMAT.into(),
            version: VERSION,
            config: self.config.clone(),
            dataset: self.dataset.clone(),
            train_rows: self.train.len(),
            vocabulary: self.vocabulary_fingerprint(),
            epoch,
            step,
            finished,
            loss: self.loss,
            accuracy: self.accuracy,
            history: self.history.clone(),
            callbacks: self.callbacks.clone(),
            learning_rate: self.trainer.learning_rate(),
            stopped_early: self.stopped_early,
            weights: layout(&weights),
            best: best.as_ref().map(|(e, w)| (*e, layout(w))),
            checkpoint: checkpoint.as_ref().map(|(e, w)| (*e, layout(w))),
            optimizer: optimizer.iter().map(|s| (s.id, s.steps, s.slots.len())).collect(),
        };
        let json = serde_json::to_string(&meta).map_err(|e| KilnError::Backend(format!("saving the run: {e}")))?;
        let views = tensors
            .iter()
            .map(|(name, bytes, shape, dtype)| Ok((name.clone(), safetensors::tensor::TensorView::new(*dtype, shape.clone(), bytes)?)))
            .collect::<std::result::Result<Vec<_>, safetensors::SafeTensorError>>()
            .map_err(|e| KilnError::Backend(format!("saving the run: {e}")))?;
        let info = Some([("kiln".to_string(), json)].into_iter().collect());
        safetensors::tensor::serialize(views, info).map_err(|e| KilnError::Backend(format!("saving the run: {e}")))
    }

    /// The JSON part of a run file, without building anything (for listings and checks).
    pub fn read_saved(bytes: &[u8]) -> Result<SavedRun> {
        let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes).map_err(corrupt)?;
        let json = metadata.metadata().as_ref().and_then(|m| m.get("kiln")).ok_or_else(|| corrupt("no Kiln metadata"))?;
        let saved: SavedRun = serde_json::from_str(json).map_err(corrupt)?;
        if saved.format != FORMAT || saved.version > VERSION {
            return Err(KilnError::Data(format!(
                "this run file is {} version {}; this Kiln reads {FORMAT} up to version {VERSION}: it was made by a newer \
                 Kiln, open it there (reload the page for the latest Kiln)",
                saved.format, saved.version
            )));
        }
        if !(saved.learning_rate.is_finite() && saved.learning_rate >= 0.0) {
            return Err(corrupt(format!("its learning rate is {}", saved.learning_rate)));
        }
        Ok(saved)
    }

    /// Rebuild a saved run on `data` (the same dataset it was trained on) and carry on from
    /// where it was saved; the first `next()` says "prepared" with a note on what was restored.
    pub fn resume(bytes: &[u8], data: &Dataset, device: &Device, vectors: Option<&Vectors>) -> Result<Self> {
        let saved = Self::read_saved(bytes)?;
        let file = safetensors::SafeTensors::deserialize(bytes).map_err(corrupt)?;
        let mut run = Self::with_vectors(saved.config.clone(), data, device, vectors)?;
        if run.dataset != saved.dataset || run.train.len() != saved.train_rows || run.vocabulary_fingerprint() != saved.vocabulary {
            return Err(KilnError::Data(format!(
                "this run was trained on {} ({} training rows); the data open now is {} ({} rows) or tokenises differently: open the run's data first",
                saved.dataset,
                saved.train_rows,
                run.dataset,
                run.train.len()
            )));
        }
        let weights = |set: &str, layout: &Layout| -> Result<Vec<LayerWeights>> {
            layout
                .iter()
                .enumerate()
                .map(|(index, arrays)| {
                    let weights = arrays
                        .iter()
                        .map(|(name, shape, id)| {
                            let values = floats(&file, &format!("{set}/{index}/{name}"))?;
                            Ok(Weight { name: name.clone(), shape: shape.clone(), values, id: *id })
                        })
                        .collect::<Result<_>>()?;
                    Ok(LayerWeights { index, weights })
                })
                .collect()
        };
        run.trainer.model_mut().load_weights(&weights("model", &saved.weights)?).map_err(inconsistent)?;
        let fresh = || run.trainer.model().clone();
        if let Some((epoch, layout)) = &saved.best {
            let mut model = fresh();
            model.load_weights(&weights("best", layout)?).map_err(inconsistent)?;
            run.best_weights = Some((*epoch, model));
        }
        if let Some((epoch, layout)) = &saved.checkpoint {
            let mut model = fresh();
            model.load_weights(&weights("checkpoint", layout)?).map_err(inconsistent)?;
            run.checkpoint = Some((*epoch, model));
        }
        let mut notes = vec![];
        let optimizer = saved
            .optimizer
            .iter()
            .map(|&(id, steps, slots)| {
                let slots = (0..slots).map(|i| floats(&file, &format!("{OPTIMIZER}/{id}/{i}"))).collect::<Result<_>>()?;
                Ok(crate::train::SavedState { id, steps, slots })
            })
            .collect::<Result<Vec<_>>>()?;
        run.trainer.load_optimizer(optimizer)?;
        run.trainer.set_learning_rate(saved.learning_rate);
        run.epoch = saved.epoch.max(1);
        run.step = saved.step;
        run.loss = saved.loss;
        run.accuracy = saved.accuracy;
        run.history = saved.history;
        run.callbacks = saved.callbacks;
        run.stopped_early = saved.stopped_early;
        run.order = epoch_order(run.train.len(), run.config.seed, run.epoch, run.config.shuffle);
        run.reseed();
        let steps = run.steps_per_epoch();
        if saved.finished {
            run.resume_to = Some(Phase::Test);
            notes.insert(0, format!("Opened a saved run trained for {} epochs", run.history.loss.len()));
        } else {
            if run.step > steps {
                return Err(corrupt(format!("step {} of an epoch of {steps} steps", run.step)));
            }
            run.resume_to = Some(if run.step == steps { Phase::EpochEnd } else { Phase::Training });
            notes.insert(0, format!("Resumed at epoch {}, step {} of {steps}", run.epoch, run.step));
        }
        if let crate::dto::RunEvent::Prepared { notes: n, .. } = &mut run.prepared {
            n.extend(notes);
        }
        Ok(run)
    }
}
