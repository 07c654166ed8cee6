//! One optimisation step, and evaluation over a dataset.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use super::loss::{binary_cross_entropy_with_logits, correct_predictions};
use crate::data::Encoded;
use crate::dto::{OptimizerConfig, RunConfig};
use crate::error::{KilnError, Result};
use crate::model::Model;

/// Mean loss and accuracy over some samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub loss: f64,
    pub accuracy: f64,
}

pub struct Trainer {
    /// `None` only while a step is applying the optimizer.
    model: Option<Model>,
    optim: ModuleOptimizer,
    learning_rate: f64,
    /// Plain device (evaluation) and its autodiff twin (training).
    device: Device,
    train_device: Device,
}

impl Trainer {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: Model, config: &RunConfig, device: Device) -> Self {
        let (optim, learning_rate) = match config.optimizer {
            OptimizerConfig::Adam { learning_rate } => (AdamConfig::new().with_epsilon(1e-7).init(), learning_rate),
        };
        let train_device = device.clone().autodiff();
        Self { model: Some(model), optim, learning_rate, device, train_device }
    }

    pub fn model(&self) -> &Model {
        self.model.as_ref().expect("the model is only taken inside step()")
    }

    /// Forward, backward, read the loss (asynchronously), and update the weights
    /// only if the loss is finite: a diverging step leaves the model as it was.
    pub async fn step(&mut self, data: &Encoded, rows: &[usize], at: (usize, usize)) -> Result<Metrics> {
        let (ids, labels) = data.batch(rows, &self.train_device);
        let model = self.model.take().expect("step() is never re-entered");
        let logits = model.forward_logits(ids); // [batch, 1]
        let n = rows.len() as f64;
        let loss_sum = binary_cross_entropy_with_logits(logits.clone(), labels.clone());
        let correct = correct_predictions(logits.detach(), labels);
        let loss = loss_sum.clone() / n;
        let grads = loss.backward();
        let stats = read(Tensor::cat(vec![loss_sum.detach(), correct], 0)).await;
        let [loss_sum, correct] = match stats {
            Ok(v) => [v[0], v[1]],
            Err(e) => {
                self.model = Some(model);
                return Err(e);
            }
        };
        if !loss_sum.is_finite() {
            self.model = Some(model);
            return Err(KilnError::Diverged { epoch: at.0, step: at.1, value: format!("{}", loss_sum / n) });
        }
        let grads = GradientsParams::from_grads(grads, &model);
        self.model = Some(self.optim.step(self.learning_rate, model, grads));
        Ok(Metrics { loss: loss_sum / n, accuracy: correct / n })
    }

    /// Mean loss and accuracy over `data`, in batches, with one read at the end.
    pub async fn evaluate(&self, data: &Encoded, batch_size: usize) -> Result<Metrics> {
        if data.is_empty() {
            return Err(KilnError::Data("nothing to evaluate: the set is empty".into()));
        }
        let model = self.model().valid();
        let rows: Vec<usize> = (0..data.len()).collect();
        let mut totals = Tensor::<1>::zeros([2], &self.device);
        for chunk in rows.chunks(batch_size.max(1)) {
            let (ids, labels) = data.batch(chunk, &self.device);
            let logits = model.forward_logits(ids);
            let loss = binary_cross_entropy_with_logits(logits.clone(), labels.clone());
            totals = totals + Tensor::cat(vec![loss, correct_predictions(logits, labels)], 0);
        }
        let v = read(totals).await?;
        let n = data.len() as f64;
        Ok(Metrics { loss: v[0] / n, accuracy: v[1] / n })
    }
}

/// The only place training reads the device, always asynchronously.
async fn read(t: Tensor<1>) -> Result<Vec<f64>> {
    let data = t.into_data_async().await.map_err(|e| KilnError::Backend(format!("reading results failed: {e:?}")))?;
    let v = data.try_to_vec::<f32>().map_err(|e| KilnError::Backend(format!("unexpected result type: {e:?}")))?;
    Ok(v.into_iter().map(f64::from).collect())
}
