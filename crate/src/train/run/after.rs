//! After training: the test pass, ModelCheckpoint's weights put back, and the test
//! set's metrics, predictions and mistakes.

use super::{Phase, Run};
use crate::data::Encoded;
use crate::dto::{Evaluation, Misclassified, Prediction, RunEvent};
use crate::error::{KilnError, Result};
use crate::metrics::{evaluate, misclassified};
use crate::text::pad_sequences;
use crate::train::Metrics;

impl Run {
    /// Evaluate the test set with the current weights (loss, accuracy, probabilities)
    /// and end the run with that "done" event.
    pub(super) async fn test_pass(&mut self, restored_epoch: Option<usize>) -> Result<RunEvent> {
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
            checkpoint_epoch: self.checkpoint.as_ref().map(|(epoch, _)| *epoch),
        };
        self.phase = Phase::Done(event.clone());
        Ok(event)
    }

    /// After training: put ModelCheckpoint's weights back, evaluate the test set
    /// again and return a fresh "done" event whose `restored_epoch` is the
    /// checkpoint's epoch. The checkpoint is kept, so this can be called again.
    pub async fn restore_checkpoint(&mut self) -> Result<RunEvent> {
        if !self.is_done() {
            return Err(KilnError::config("checkpoint", "can only be restored after training has finished"));
        }
        let Some((epoch, model)) = &self.checkpoint else {
            let why = match self.config.checkpoint {
                None => "the run has no ModelCheckpoint",
                Some(_) => "ModelCheckpoint saved no weights (no epoch finished)",
            };
            return Err(KilnError::config("checkpoint", format!("nothing to restore: {why}")));
        };
        let epoch = *epoch;
        self.trainer.set_model(model.clone());
        self.test_pass(Some(epoch)).await
    }

    fn test_probs(&self) -> Result<&(Vec<f32>, usize)> {
        self.test_probs.as_ref().ok_or_else(|| KilnError::config("evaluation", "the run has not finished training yet"))
    }

    /// The test set's metrics with positive predictions at `P(class 1) > threshold`.
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
        let labels: Vec<u32> = self.test.labels.iter().map(|&l| l as u32).collect();
        Ok(misclassified(probs, *width, &labels, &self.test_texts, &self.classes, threshold, limit))
    }

    /// The class names, by id.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }
}
