//! A whole `model.fit(...)` + `evaluate(...)` as a state machine: each `next()`
//! does one unit of work (a batch, a validation pass, the test pass) and says
//! what happened, so the caller can draw, pause or stop between calls.

use burn::prelude::*;

use super::trainer::{Metrics, Trainer};
use crate::data::{Encoded, Imdb, Split, Subset, epoch_order};
use crate::dto::{History, RunConfig, RunEvent};
use crate::error::{KilnError, Result};
use crate::metrics::RunningMean;
use crate::model;
use crate::text::{Tokenizer, TokenizerConfig};

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
    train: Encoded,
    /// `None`: validate on the test set.
    val: Option<Encoded>,
    test: Encoded,
    prepared: RunEvent,
    phase: Phase,
    epoch: usize, // 1-based
    step: usize,  // steps done in this epoch
    order: Vec<usize>,
    loss: RunningMean,
    accuracy: RunningMean,
    history: History,
}

impl Run {
    /// Tokenise, pad and build the model: everything before the first step.
    pub fn new(config: RunConfig, imdb: &Imdb, split: &Split, device: &Device) -> Result<Self> {
        config.validate()?;
        let subset = Subset::take(imdb, split, config.data);
        let mut tokenizer = Tokenizer::new(TokenizerConfig { num_words: Some(config.num_words), ..Default::default() });
        tokenizer.fit_on_texts(subset.train_texts.iter().map(String::as_str));
        let encode = |texts: &[String], labels: &[u8]| {
            Encoded::new(&tokenizer, texts, labels, config.maxlen, config.padding, config.truncating)
        };
        let mut train = encode(&subset.train_texts, &subset.train_labels);
        let test = encode(&subset.test_texts, &subset.test_labels);
        let val = (config.validation_split > 0.0).then(|| train.split_off_last(config.validation_split));
        if train.is_empty() || val.as_ref().is_some_and(Encoded::is_empty) || test.is_empty() {
            return Err(KilnError::config("validation_split", "leaves no training or validation samples"));
        }
        let built = model::build(&config.layers, config.num_words, config.maxlen, config.seed, &device.clone().autodiff())?;
        let steps = train.len().div_ceil(config.batch_size);
        let prepared = RunEvent::Prepared {
            train_samples: train.len(),
            val_samples: val.as_ref().map_or(test.len(), Encoded::len),
            test_samples: test.len(),
            steps_per_epoch: steps,
            vocab_size: config.num_words.min(tokenizer.word_count() + 1),
            summary: built.summary,
        };
        Ok(Self {
            trainer: Trainer::new(built.model, &config, device.clone()),
            order: epoch_order(train.len(), config.seed, 1),
            config,
            train,
            val,
            test,
            prepared,
            phase: Phase::Prepared,
            epoch: 1,
            step: 0,
            loss: RunningMean::default(),
            accuracy: RunningMean::default(),
            history: History::default(),
        })
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
        let Metrics { loss, accuracy } = self.trainer.evaluate(&self.test, self.config.batch_size).await?;
        let event = RunEvent::Done { test_loss: loss, test_accuracy: accuracy, history: self.history.clone() };
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
        let event = RunEvent::Epoch { epoch: self.epoch, loss, accuracy, val_loss: val.loss, val_accuracy: val.accuracy };
        if self.epoch == self.config.epochs {
            self.phase = Phase::Test;
        } else {
            self.epoch += 1;
            self.step = 0;
            self.loss = RunningMean::default();
            self.accuracy = RunningMean::default();
            self.order = epoch_order(self.train.len(), self.config.seed, self.epoch);
            self.phase = Phase::Training;
        }
        Ok(event)
    }
}
