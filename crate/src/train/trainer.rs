//! One optimisation step, and evaluation over a dataset.

use burn::optim::GradientsParams;
use burn::prelude::*;
use kiln_kernels::on_pool;

use super::loss::{Targets, loss_and_correct};
use super::optim::{KerasOptimizer, SavedState};
use crate::data::Encoded;
use crate::dto::RunConfig;
use crate::error::{KilnError, Result};
use crate::model::{Head, Model};

/// Mean loss and accuracy over some samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub loss: f64,
    pub accuracy: f64,
}

pub struct Trainer {
    /// `None` only while a step is applying the optimizer.
    model: Option<Model>,
    optim: KerasOptimizer,
    learning_rate: f64,
    /// Keras' `class_weight`, one per class; `None`: every sample weighs 1.
    class_weights: Option<Vec<f32>>,
    head: Head,
    divergence_hint: String,
    /// Plain device (evaluation) and its autodiff twin (training).
    device: Device,
    train_device: Device,
    /// Whether `device` is the CPU backend: its work then runs on a pool thread ([`pooled`]).
    cpu: bool,
}

impl Trainer {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: Model, head: Head, config: &RunConfig, device: Device) -> Self {
        let train_device = device.clone().autodiff();
        Self {
            model: Some(model),
            optim: KerasOptimizer::new(config),
            learning_rate: config.learning_rate(),
            class_weights: None,
            head,
            divergence_hint: divergence_hint(config),
            cpu: device.clone().inner() == Device::flex(),
            device,
            train_device,
        }
    }

    /// Scale each training sample's loss by its class' weight (Keras `fit(class_weight=…)`);
    /// evaluation stays unweighted, as in Keras.
    pub fn with_class_weights(mut self, weights: Option<Vec<f64>>) -> Self {
        self.class_weights = weights.map(|w| w.into_iter().map(|x| x as f32).collect());
        self
    }

    /// The learning rate the next steps use.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Change the learning rate (ReduceLROnPlateau); the optimizer's state is kept.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    /// Swap in other weights (EarlyStopping's `restore_best_weights`, a checkpoint).
    pub fn set_model(&mut self, model: Model) {
        self.model = Some(model);
    }

    pub fn model(&self) -> &Model {
        self.model.as_ref().expect("the model is only taken inside step()")
    }

    /// Seed the device's generator (dropout masks).
    pub fn seed(&self, seed: u64) {
        self.device.seed(seed);
    }

    /// The optimizer's state (moments, step counts), read asynchronously.
    pub async fn optimizer_state(&self) -> Result<Vec<SavedState>> {
        self.optim.read_state().await
    }

    /// Put a state from [`Trainer::optimizer_state`] back; it applies to parameters with the saved ids.
    pub fn load_optimizer(&mut self, state: Vec<SavedState>) -> Result<()> {
        self.optim.load_state(state)
    }

    pub fn model_mut(&mut self) -> &mut Model {
        self.model.as_mut().expect("the model is only taken inside step()")
    }

    /// Forward, backward, read the loss (asynchronously), and update the weights
    /// only if the loss is finite: a diverging step leaves the model as it was.
    pub async fn step(&mut self, data: &Encoded, rows: &[usize], at: (usize, usize)) -> Result<Metrics> {
        let model = self.model.take().expect("step() is never re-entered");
        let n = rows.len() as f64;
        let (model, grads, stats) = pooled(self.cpu, || {
            let (ids, labels) = data.batch(rows, &self.train_device);
            let logits = model.forward_logits(ids); // [batch, 1] or [batch, classes]
            let weights = self.sample_weights(&labels); // [batch, 1]
            let (loss_sum, correct) =
                loss_and_correct(logits, Targets::new(&labels, self.head, &self.train_device), weights);
            let grads = (loss_sum.clone() / n).backward();
            (model, grads, Tensor::cat(vec![loss_sum.detach(), correct], 0))
        });
        let stats = read(stats).await;
        let [loss_sum, correct] = match stats {
            Ok(v) => [v[0], v[1]],
            Err(e) => {
                self.model = Some(model);
                return Err(e);
            }
        };
        if !loss_sum.is_finite() {
            self.model = Some(model);
            return Err(KilnError::Diverged {
                epoch: at.0,
                step: at.1,
                value: format!("{}", loss_sum / n),
                hint: self.divergence_hint.clone(),
            });
        }
        let (cpu, optim, learning_rate) = (self.cpu, &mut self.optim, self.learning_rate);
        self.model = Some(pooled(cpu, || {
            let grads = GradientsParams::from_grads(grads, &model);
            optim.step(learning_rate, model, grads)
        }));
        Ok(Metrics { loss: loss_sum / n, accuracy: correct / n })
    }

    /// Mean loss and accuracy over `data`, in batches, with one read at the end.
    pub async fn evaluate(&self, data: &Encoded, batch_size: usize) -> Result<Metrics> {
        if data.is_empty() {
            return Err(KilnError::Data("nothing to evaluate: the set is empty".into()));
        }
        let model = self.model().valid();
        let rows: Vec<usize> = (0..data.len()).collect();
        let totals = pooled(self.cpu, || {
            let mut totals = Tensor::<1>::zeros([2], &self.device);
            for chunk in rows.chunks(batch_size.max(1)) {
                let (ids, labels) = data.batch(chunk, &self.device);
                let (loss, correct) =
                    loss_and_correct(model.forward_logits(ids), Targets::new(&labels, self.head, &self.device), None);
                totals = totals + Tensor::cat(vec![loss, correct], 0);
            }
            totals
        });
        let v = read(totals).await?;
        let n = data.len() as f64;
        Ok(Metrics { loss: v[0] / n, accuracy: v[1] / n })
    }
}

impl Trainer {
    /// Each row's class weight, or `None` without class weights.
    ///
    /// # Shapes
    /// - labels `[batch]` → `[batch, 1]`
    fn sample_weights(&self, labels: &[f32]) -> Option<Tensor<2>> {
        let weights = self.class_weights.as_ref()?;
        let w: Vec<f32> = labels.iter().map(|&l| weights.get(l as usize).copied().unwrap_or(1.0)).collect();
        Some(Tensor::from_data(TensorData::new(w, [labels.len(), 1]), &self.train_device))
    }

    /// Output probabilities for every row of `data`, read once at the end:
    /// P(class 1) for a sigmoid output, one per class for a softmax output.
    ///
    /// # Shapes
    /// - returns `[data.len() * width]` with `width` 1 or the number of classes
    pub async fn predict(&self, data: &Encoded, batch_size: usize) -> Result<(Vec<f32>, usize)> {
        let width = match self.head {
            Head::Sigmoid { .. } => 1,
            Head::Softmax { classes } => classes,
        };
        if data.is_empty() {
            return Ok((Vec::new(), width));
        }
        let model = self.model().valid();
        let rows: Vec<usize> = (0..data.len()).collect();
        let probs = pooled(self.cpu, || {
            let mut parts = Vec::new();
            for chunk in rows.chunks(batch_size.max(1)) {
                let (ids, _) = data.batch(chunk, &self.device);
                let logits = model.forward_logits(ids); // [chunk, width]
                let probs = match self.head {
                    Head::Sigmoid { .. } => burn::tensor::activation::sigmoid(logits),
                    Head::Softmax { .. } => burn::tensor::activation::softmax(logits, 1),
                };
                parts.push(probs.reshape([chunk.len() * width]));
            }
            Tensor::cat(parts, 0)
        });
        let probs = read(probs).await?;
        Ok((probs.into_iter().map(|p| p as f32).collect(), width))
    }
}

/// What usually makes this configuration diverge, most likely cause first.
pub fn divergence_hint(config: &RunConfig) -> String {
    use crate::dto::{Activation, LayerConfig as L};
    fn relu_recurrent(layer: &L) -> bool {
        match layer {
            L::SimpleRnn(c) | L::Lstm(c) | L::Gru(c) => c.activation == Activation::Relu,
            L::Bidirectional(b) => relu_recurrent(&b.layer),
            _ => false,
        }
    }
    let mut hints = Vec::new();
    if config.layers.iter().any(relu_recurrent) {
        hints.push("A recurrent layer uses activation=\"relu\": its state can grow without bound over long sequences; use Keras' default tanh.");
    }
    if config.learning_rate() > 0.01 {
        hints.push("The learning rate is high; try 0.001.");
    }
    if config.clipnorm.is_none() && config.clipvalue.is_none() {
        hints.push("Gradient clipping (clipnorm=1.0) keeps single steps from blowing up.");
    }
    if hints.is_empty() {
        hints.push("Try a lower learning rate or a smaller model.");
    }
    hints.join(" ")
}

/// `f`, on the CPU on a thread of rayon's pool ([`on_pool`]): the page's training worker is
/// not one, and each parallel loop of a step started from it paid a hand-over to the pool
/// and a wake-up. The GPU's launches stay where they were.
fn pooled<R: Send>(cpu: bool, f: impl FnOnce() -> R + Send) -> R {
    if cpu { on_pool(f) } else { f() }
}

/// The only place training reads the device, always asynchronously.
async fn read(t: Tensor<1>) -> Result<Vec<f64>> {
    let data = t.into_data_async().await.map_err(|e| KilnError::Backend(format!("reading results failed: {e:?}")))?;
    let v = data.try_to_vec::<f32>().map_err(|e| KilnError::Backend(format!("unexpected result type: {e:?}")))?;
    Ok(v.into_iter().map(f64::from).collect())
}
