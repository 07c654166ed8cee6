//! A whole `model.fit(...)` + `evaluate(...)` as a state machine: each `next()`
//! does one unit of work (a batch, a validation pass, the test pass) and says
//! what happened, so the caller can draw, pause or stop between calls.

use burn::prelude::*;

use super::trainer::{Metrics, Trainer};
use crate::data::{Dataset, Encoded, Labelled, epoch_order};
use crate::dto::{Evaluation, History, Misclassified, Prediction, RunConfig, RunEvent};
use crate::error::{KilnError, Result};
use crate::metrics::{RunningMean, evaluate};
use crate::model;
use crate::text::{TextPipeline, pad_sequences};

enum Phase {
    Prepared,
    Training,
    EpochEnd,
    Test,
    Done(RunEvent),
}

pub struct Run {
    config: RunConfig,
    trainer: Trainer,
    pipeline: TextPipeline,
    classes: Vec<String>,
    train: Encoded,
    /// `None`: validate on the test set.
    val: Option<Encoded>,
    test: Encoded,
    test_texts: Vec<String>,
    /// The test set's probabilities once training is done (`[n * width]`).
    test_probs: Option<(Vec<f32>, usize)>,
    prepared: RunEvent,
    phase: Phase,
    epoch: usize, // 1-based
    step: usize,  // steps done in this epoch
    order: Vec<usize>,
    loss: RunningMean,
    accuracy: RunningMean,
    history: History,
    best: Option<Best>,
    stopped_early: Option<usize>,
}

/// EarlyStopping's memory: the best monitored value so far, its epoch and weights.
struct Best {
    value: f64,
    epoch: usize,
    wait: usize,
    model: Option<model::Model>,
}

impl Run {
    /// Tokenise, pad and build the model: everything before the first step.
    pub fn new(config: RunConfig, data: &Dataset, device: &Device) -> Result<Self> {
        config.validate()?;
        let parts = data.parts(config.test_split, config.seed)?;
        let pipeline = TextPipeline::fit(&config.text, config.num_words, &parts.train.texts)?;
        let encode = |part: &Labelled| Encoded::new(&pipeline, part, config.maxlen, config.padding, config.truncating);
        let mut train = encode(&parts.train);
        let test = encode(&parts.test);
        let val = (config.validation_split > 0.0).then(|| train.split_off_last(config.validation_split));
        if train.is_empty() || val.as_ref().is_some_and(Encoded::is_empty) || test.is_empty() {
            return Err(KilnError::config("validation_split", "leaves no training or validation samples"));
        }
        let num_classes = data.classes.len();
        if num_classes < 2 {
            return Err(KilnError::Data(format!(
                "{} has one class only ({}): a classifier needs at least two",
                data.name,
                data.classes.first().map_or("none", String::as_str)
            )));
        }
        let built =
            model::build(&config.layers, config.num_words, config.maxlen, config.seed, &device.clone().autodiff())?;
        check_head(built.head, &config, num_classes)?;
        device.seed(config.seed); // dropout masks
        let steps = train.len().div_ceil(config.batch_size);
        let prepared = RunEvent::Prepared {
            train_samples: train.len(),
            val_samples: val.as_ref().map_or(test.len(), Encoded::len),
            test_samples: test.len(),
            steps_per_epoch: steps,
            vocab_size: pipeline.vocab_size(),
            num_classes,
            summary: built.summary,
        };
        Ok(Self {
            trainer: Trainer::new(built.model, built.head, &config, device.clone()),
            order: epoch_order(train.len(), config.seed, 1, config.shuffle),
            config,
            pipeline,
            classes: data.classes.clone(),
            train,
            val,
            test,
            test_texts: parts.test.texts,
            test_probs: None,
            prepared,
            phase: Phase::Prepared,
            epoch: 1,
            step: 0,
            loss: RunningMean::default(),
            accuracy: RunningMean::default(),
            history: History::default(),
            best: None,
            stopped_early: None,
        })
    }

    /// Start the Embedding from a matrix (pretrained vectors), before the first step.
    pub fn set_embedding_matrix(&mut self, values: Vec<f32>) -> Result<()> {
        if !matches!(self.phase, Phase::Prepared | Phase::Training) || self.epoch > 1 || self.step > 0 {
            return Err(KilnError::config("embedding_matrix", "can only be set before training starts"));
        }
        self.trainer.model_mut().set_embedding_matrix(values)
    }

    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn steps_per_epoch(&self) -> usize {
        self.train.len().div_ceil(self.config.batch_size)
    }

    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done(_))
    }

    /// Do the next unit of work: "prepared", then a "step" per batch, an "epoch"
    /// after each epoch's last batch, and "done" after the test pass.
    pub async fn next(&mut self) -> Result<RunEvent> {
        match &self.phase {
            Phase::Prepared => {
                self.phase = Phase::Training;
                Ok(self.prepared.clone())
            }
            Phase::Training => self.train_step().await,
            Phase::EpochEnd => self.end_epoch().await,
            Phase::Test => self.finish().await,
            Phase::Done(event) => Ok(event.clone()),
        }
    }

    /// Stop training now and evaluate on the test set (also the normal ending).
    pub async fn finish(&mut self) -> Result<RunEvent> {
        if let Phase::Done(event) = &self.phase {
            return Ok(event.clone());
        }
        let restored_epoch = self.restore_best();
        let Metrics { loss, accuracy } = self.trainer.evaluate(&self.test, self.config.batch_size).await?;
        let probs = self.trainer.predict(&self.test, self.config.batch_size).await?;
        self.test_probs = Some(probs);
        let event = RunEvent::Done {
            test_loss: loss,
            test_accuracy: accuracy,
            history: self.history.clone(),
            evaluation: Box::new(self.evaluation(0.5)?),
            stopped_early: self.stopped_early,
            restored_epoch,
            checkpoint_epoch: None,
        };
        self.phase = Phase::Done(event.clone());
        Ok(event)
    }

    async fn train_step(&mut self) -> Result<RunEvent> {
        let steps = self.steps_per_epoch();
        let b = self.config.batch_size;
        let rows = &self.order[self.step * b..((self.step + 1) * b).min(self.order.len())];
        let batch = self.trainer.step(&self.train, rows, (self.epoch, self.step + 1)).await?;
        self.loss.add(batch.loss, rows.len());
        self.accuracy.add(batch.accuracy, rows.len());
        self.step += 1;
        if self.step == steps {
            self.phase = Phase::EpochEnd;
        }
        Ok(RunEvent::Step {
            epoch: self.epoch,
            step: self.step,
            steps,
            loss: self.loss.mean(),
            accuracy: self.accuracy.mean(),
            batch_loss: batch.loss,
            batch_accuracy: batch.accuracy,
        })
    }

    async fn end_epoch(&mut self) -> Result<RunEvent> {
        let val = self.trainer.evaluate(self.val.as_ref().unwrap_or(&self.test), self.config.batch_size).await?;
        let (loss, accuracy) = (self.loss.mean(), self.accuracy.mean());
        self.history.loss.push(loss);
        self.history.accuracy.push(accuracy);
        self.history.val_loss.push(val.loss);
        self.history.val_accuracy.push(val.accuracy);
        let event = RunEvent::Epoch {
            epoch: self.epoch,
            loss,
            accuracy,
            val_loss: val.loss,
            val_accuracy: val.accuracy,
            learning_rate: self.config.learning_rate(),
            notes: Vec::new(),
        };
        let stop = self.early_stopping(Metrics { loss, accuracy }, val);
        if stop {
            self.stopped_early = Some(self.epoch);
        }
        if stop || self.epoch == self.config.epochs {
            self.phase = Phase::Test;
        } else {
            self.epoch += 1;
            self.step = 0;
            self.loss = RunningMean::default();
            self.accuracy = RunningMean::default();
            self.order = epoch_order(self.train.len(), self.config.seed, self.epoch, self.config.shuffle);
            self.phase = Phase::Training;
        }
        Ok(event)
    }
}

/// After training: the test set's metrics, predictions and mistakes.
impl Run {
    fn test_probs(&self) -> Result<&(Vec<f32>, usize)> {
        self.test_probs.as_ref().ok_or_else(|| KilnError::config("evaluation", "the run has not finished training yet"))
    }

    /// The test set's metrics with positive predictions at `P(class 1) >= threshold`.
    pub fn evaluation(&self, threshold: f64) -> Result<Evaluation> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(KilnError::config("threshold", "must be between 0 and 1"));
        }
        let (probs, width) = self.test_probs()?;
        let labels: Vec<u32> = self.test.labels.iter().map(|&l| l as u32).collect();
        Ok(evaluate(probs, *width, &labels, &self.classes, threshold))
    }

    /// The model's probabilities for one typed text.
    pub async fn predict(&self, text: &str) -> Result<Prediction> {
        let tokens = self.pipeline.tokens(text);
        let known = tokens.iter().map(|t| self.pipeline.is_known(t)).collect();
        let ids = pad_sequences(
            &[self.pipeline.encode(text)],
            self.config.maxlen,
            self.config.padding,
            self.config.truncating,
            0,
        );
        let one = Encoded { ids, labels: vec![0.0], maxlen: self.config.maxlen };
        let (probs, width) = self.trainer.predict(&one, 1).await?;
        let probabilities: Vec<f64> = if width == 1 {
            vec![1.0 - f64::from(probs[0]), f64::from(probs[0])]
        } else {
            probs.iter().map(|&p| f64::from(p)).collect()
        };
        let best = probabilities.iter().enumerate().fold(0, |b, (i, &p)| if p > probabilities[b] { i } else { b });
        Ok(Prediction { label: self.classes.get(best).cloned().unwrap_or_default(), probabilities, tokens, known })
    }

    /// Test texts the model got wrong at `threshold`, most confident first.
    pub fn misclassified(&self, threshold: f64, limit: usize) -> Result<Vec<Misclassified>> {
        let (probs, width) = self.test_probs()?;
        let mut wrong = Vec::new();
        for (row, &label) in self.test.labels.iter().enumerate() {
            let p = &probs[row * width..(row + 1) * width];
            let (predicted, confidence) = if *width == 1 {
                let p1 = f64::from(p[0]);
                if p1 >= threshold { (1, p1) } else { (0, 1.0 - p1) }
            } else {
                p.iter().enumerate().fold(
                    (0, f64::MIN),
                    |b, (i, &v)| {
                        if f64::from(v) > b.1 { (i, f64::from(v)) } else { b }
                    },
                )
            };
            if predicted != label as usize {
                let name = |c: usize| self.classes.get(c).cloned().unwrap_or_else(|| c.to_string());
                wrong.push(Misclassified {
                    row,
                    text: self.test_texts[row].clone(),
                    label: name(label as usize),
                    predicted: name(predicted),
                    confidence,
                });
            }
        }
        wrong.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        wrong.truncate(limit);
        Ok(wrong)
    }

    /// The class names, by id.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Run {
    /// Keras' `EarlyStopping.on_epoch_end`: true when training should stop.
    fn early_stopping(&mut self, train: Metrics, val: Metrics) -> bool {
        let Some(es) = &self.config.early_stopping else {
            return false;
        };
        let lower_is_better = es.mode.lower_is_better(es.monitor);
        let value = match es.monitor {
            crate::dto::Monitor::ValLoss => val.loss,
            crate::dto::Monitor::ValAccuracy => val.accuracy,
            crate::dto::Monitor::Loss => train.loss,
            crate::dto::Monitor::Accuracy => train.accuracy,
        };
        let improved = match &self.best {
            None => true,
            Some(best) if lower_is_better => value < best.value - es.min_delta,
            Some(best) => value > best.value + es.min_delta,
        };
        if improved {
            let model = es.restore_best_weights.then(|| self.trainer.model().clone());
            self.best = Some(Best { value, epoch: self.epoch, wait: 0, model });
            return false;
        }
        let best = self.best.as_mut().expect("set on the first epoch");
        best.wait += 1;
        best.wait >= es.patience.max(1) && self.epoch > 1
    }

    /// `restore_best_weights`: put back the best epoch's weights; its epoch (1-based).
    fn restore_best(&mut self) -> Option<usize> {
        let best = self.best.as_mut()?;
        let model = best.model.take()?;
        let epoch = best.epoch;
        if epoch != self.history.loss.len() {
            self.trainer.set_model(model);
        }
        Some(epoch)
    }
}

/// The model's output must fit the loss and the labels, as Keras would insist at `fit`.
fn check_head(head: model::Head, config: &RunConfig, num_classes: usize) -> Result<()> {
    use crate::dto::Loss;
    let err = |message: String| Err(KilnError::config("loss", message));
    match (head, config.loss) {
        (model::Head::Sigmoid { .. }, Loss::BinaryCrossentropy) if num_classes == 2 => Ok(()),
        (model::Head::Sigmoid { .. }, Loss::BinaryCrossentropy) => err(format!(
            "the data has {num_classes} classes: end with Dense({num_classes}, activation=\"softmax\") and use sparse_categorical_crossentropy"
        )),
        (model::Head::Sigmoid { .. }, loss) => {
            err(format!("{} needs a softmax output; a Dense(1, sigmoid) output takes binary_crossentropy", loss.name()))
        }
        (model::Head::Softmax { .. }, Loss::BinaryCrossentropy) => err(
            "binary_crossentropy takes a Dense(1, activation=\"sigmoid\") output; a softmax output takes sparse_categorical_crossentropy".into(),
        ),
        (model::Head::Softmax { classes }, _) if classes != num_classes => err(format!(
            "the softmax output has {classes} units but the data has {num_classes} classes"
        )),
        (model::Head::Softmax { .. }, _) => Ok(()),
    }
}
