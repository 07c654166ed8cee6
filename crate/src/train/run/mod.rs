//! A whole `model.fit(...)` + `evaluate(...)` as a state machine: each `next()`
//! does one unit of work (a batch, a validation pass, the test pass) and says
//! what happened, so the caller can draw, pause or stop between calls.

mod after;
mod export;
mod embedding;
mod saved;

pub use saved::SavedRun;

use burn::prelude::*;

use super::callbacks::{Callbacks, EpochLogs};
use super::loss::class_weights;
use super::trainer::Trainer;
use crate::data::{Dataset, Encoded, Labelled, epoch_order};
use crate::dto::{History, RunConfig, RunEvent};
use crate::error::{KilnError, Result};
use crate::metrics::RunningMean;
use crate::embed::Vectors;
use crate::model;
use crate::text::TextPipeline;

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
    callbacks: Callbacks,
    /// EarlyStopping's `restore_best_weights`: the best epoch's weights, put back when training ends.
    best_weights: Option<(usize, model::Model)>,
    /// ModelCheckpoint's weights and their epoch, restorable after training.
    checkpoint: Option<(usize, model::Model)>,
    /// The weights at the end of the last epoch whose loss and val_loss were finite:
    /// what a run whose loss turns NaN/Inf is evaluated with (without best weights).
    last_finite: Option<(usize, model::Model)>,
    /// A step's loss was NaN/Inf: training ended there.
    diverged: bool,
    stopped_early: Option<usize>,
    /// The dataset's name, for saved runs.
    dataset: String,
    /// Where a resumed run goes after "prepared".
    resume_to: Option<Phase>,
}

impl Run {
    /// Tokenise, pad and build the model: everything before the first step.
    pub fn new(config: RunConfig, data: &Dataset, device: &Device) -> Result<Self> {
        Self::with_vectors(config, data, device, None)
    }

    /// [`Run::new`], with word vectors for an Embedding whose `embeddings_initializer` is `word2vec`.
    pub fn with_vectors(config: RunConfig, data: &Dataset, device: &Device, vectors: Option<&Vectors>) -> Result<Self> {
        config.validate()?;
        let parts = data.parts(config.test_split, config.seed)?;
        let pipeline = TextPipeline::fit(&config.text, config.num_words, &parts.train.texts)?;
        let encode = |part: &Labelled| Encoded::new(&pipeline, part, config.maxlen, config.padding, config.truncating);
        let mut train = encode(&parts.train);
        let test = encode(&parts.test);
        // A validation file (Keras `validation_data=`) wins over `validation_split`.
        let val = match &parts.val {
            Some(v) => Some(encode(v)),
            None => (config.validation_split > 0.0).then(|| train.split_off_last(config.validation_split)),
        };
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
        let mut built =
            model::build(&config.layers, config.num_words, config.maxlen, config.seed, &device.clone().autodiff())?;
        let notes = start_from_vectors(&mut built.model, &config, &pipeline, vectors)?;
        check_head(built.head, &config, num_classes)?;
        // Over the training rows before `validation_split`, like compute_class_weight(y=y_train).
        let weights = config.class_weight.as_ref().map(|w| class_weights(w, &parts.train.labels, num_classes));
        let trainer =
            Trainer::new(built.model, built.head, &config, device.clone()).with_class_weights(weights.transpose()?);
        let steps = train.len().div_ceil(config.batch_size);
        let prepared = RunEvent::Prepared {
            train_samples: train.len(),
            val_samples: val.as_ref().map_or(test.len(), Encoded::len),
            test_samples: test.len(),
            steps_per_epoch: steps,
            vocab_size: pipeline.vocab_size(),
            num_classes,
            summary: built.summary,
            notes,
        };
        Ok(Self {
            trainer,
            callbacks: Callbacks::new(&config),
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
            best_weights: None,
            checkpoint: None,
            last_finite: None,
            diverged: false,
            stopped_early: None,
            dataset: data.name.clone(),
            resume_to: None,
        }
        .reseeded())
    }

    /// Dropout masks from the seed and the epoch, so a run resumed at an epoch's start
    /// draws what the uninterrupted run would have.
    fn reseed(&self) {
        self.trainer.seed(self.config.seed.wrapping_add(self.epoch as u64 * 0x9E37_79B9));
    }

    fn reseeded(self) -> Self {
        self.reseed();
        self
    }

    /// FNV-1a over the tokens of every id: runs on the same data and settings agree.
    fn vocabulary_fingerprint(&self) -> u64 {
        let ids: Vec<u32> = (0..self.pipeline.vocab_size() as u32).collect();
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for token in self.pipeline.decode(&ids) {
            for b in token.bytes().chain([0]) {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
        }
        hash
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
                self.phase = self.resume_to.take().unwrap_or(Phase::Training);
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
        // Keras 3 puts the best weights back whether or not training stopped early.
        let mut restored_epoch = self.callbacks.restore_epoch();
        if let Some((_, model)) = self.best_weights.take() {
            self.trainer.set_model(model);
        } else if let Some((epoch, model)) = self.last_finite.take().filter(|_| self.diverged) {
            // Diverged: the step before may already be blowing up; the last finite epoch is not.
            self.trainer.set_model(model);
            restored_epoch = Some(epoch);
        }
        self.test_pass(restored_epoch).await
    }

    async fn train_step(&mut self) -> Result<RunEvent> {
        let steps = self.steps_per_epoch();
        let b = self.config.batch_size;
        let rows = &self.order[self.step * b..((self.step + 1) * b).min(self.order.len())];
        let batch = match self.trainer.step(&self.train, rows, (self.epoch, self.step + 1)).await {
            Err(e @ KilnError::Diverged { .. }) => {
                self.diverged = true;
                return Err(e);
            }
            other => other?,
        };
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
        let logs = EpochLogs { loss, accuracy, val_loss: val.loss, val_accuracy: val.accuracy };
        let learning_rate = self.trainer.learning_rate();
        let verdict = self.callbacks.on_epoch_end(self.epoch, &logs, learning_rate);
        let kept = |run: &Self| Some((run.epoch, run.trainer.model().clone()));
        if verdict.keep_best {
            self.best_weights = kept(self);
        }
        if verdict.keep_checkpoint {
            self.checkpoint = kept(self);
        }
        if loss.is_finite() && val.loss.is_finite() {
            self.last_finite = kept(self);
        }
        if let Some(lr) = verdict.learning_rate {
            self.trainer.set_learning_rate(lr);
        }
        if verdict.stop {
            self.stopped_early = Some(self.epoch);
        }
        let last = verdict.stop || self.epoch == self.config.epochs;
        let mut notes = verdict.notes;
        if last {
            notes.extend(self.callbacks.on_train_end());
        }
        let event = RunEvent::Epoch {
            epoch: self.epoch,
            loss,
            accuracy,
            val_loss: val.loss,
            val_accuracy: val.accuracy,
            learning_rate,
            notes,
        };
        if last {
            self.phase = Phase::Test;
        } else {
            self.epoch += 1;
            self.step = 0;
            self.loss = RunningMean::default();
            self.accuracy = RunningMean::default();
            self.order = epoch_order(self.train.len(), self.config.seed, self.epoch, self.config.shuffle);
            self.reseed();
            self.phase = Phase::Training;
        }
        Ok(event)
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

/// Seed 004's `Constant(embedding_matrix)`: the first Embedding, when it asks for `word2vec`,
/// starts each row whose token has a vector from it and the rest from Keras' uniform ±0.05.
fn start_from_vectors(
    model: &mut model::Model,
    config: &RunConfig,
    pipeline: &TextPipeline,
    vectors: Option<&Vectors>,
) -> Result<Vec<String>> {
    let first = config.layers.iter().find_map(|l| match l {
        crate::dto::LayerConfig::Embedding(e) => Some(e),
        _ => None,
    });
    let Some(e) = first.filter(|e| e.embeddings_initializer == crate::dto::EmbeddingInit::Word2vec) else {
        return Ok(vec![]);
    };
    let vectors = vectors.ok_or_else(|| {
        KilnError::config(
            "embeddings_initializer",
            "`word2vec` needs word vectors: train them or load a word2vec/GloVe .txt under Word vectors first, or start the Embedding from `uniform`",
        )
    })?;
    let rows = e.input_dim.unwrap_or(config.num_words);
    let token = |i: usize| pipeline.decode(&[i as u32]).pop().filter(|t| t != "?");
    let mut init = model::Init::new(config.seed.wrapping_add(1));
    let (matrix, covered) = vectors.embedding_matrix(rows, e.output_dim, token, || init.embedding_value())?;
    model.set_embedding_matrix(matrix)?;
    let frozen = if e.trainable { "fine-tuned" } else { "frozen" };
    Ok(vec![format!("Embedding: {covered} of {rows} rows start from word2vec ({frozen}); the rest from uniform ±0.05")])
}
