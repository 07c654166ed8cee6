//! Word2vec training as a state machine: each `next()` trains a chunk of the corpus and
//! reports, so the page's worker stays responsive between chunks.

use burn::prelude::Device;

use super::batched::BatchedTrainer;
use super::corpus::Corpus;
use super::cpu::CpuTrainer;
use super::sampling::{Lcg, Sampler, learning_rate};
use super::vectors::Vectors;
use crate::data::Dataset;
use crate::dto::{RunConfig, Word2VecConfig, Word2VecEvent};
use crate::error::{KilnError, Result};
use crate::text::TextPipeline;

/// Corpus words per `next()` (a chunk ends early at an epoch's end).
pub const CHUNK_WORDS: usize = 20_000;

enum Trainer {
    Cpu(CpuTrainer),
    Batched(Box<BatchedTrainer>),
}

pub struct Word2Vec {
    config: Word2VecConfig,
    corpus: Corpus,
    sampler: Sampler,
    rng: Lcg,
    trainer: Trainer,
    /// Until the first `next()`.
    prepared: Option<Word2VecEvent>,
    done: Option<Word2VecEvent>,
    epoch: usize, // 0-based
    sentence: usize,
    words_done: usize,
    total_words: usize,
    chunks: usize,
    /// Scratch: a sentence after sub-sampling, a pair's noise words.
    kept: Vec<u32>,
    noise: Vec<u32>,
}

impl Word2Vec {
    /// `device`: None → the CPU loop; Some(device) → the batched burn trainer on that device.
    pub fn new(config: &Word2VecConfig, run: &RunConfig, data: &Dataset, device: Option<Device>) -> Result<Self> {
        validate(config)?;
        let parts = data.parts(run.test_split, run.seed)?;
        let pipeline = TextPipeline::fit(&run.text, run.num_words, &parts.train.texts)?;
        let texts = parts.train.texts.iter().map(String::as_str);
        let corpus = Corpus::build(texts, |t| pipeline.tokens(t), config.min_count, config.max_vocab)?;
        Ok(Self::from_corpus(config, corpus, device))
    }

    /// Train on an already built corpus (`config` is assumed valid).
    pub fn from_corpus(config: &Word2VecConfig, corpus: Corpus, device: Option<Device>) -> Self {
        let dim = config.vector_size;
        let mut rng = Lcg::new(config.seed);
        // word2vec.c: uniform(-0.5, 0.5) / dim.
        let syn0: Vec<f32> = (0..corpus.words.len() * dim).map(|_| (rng.unit() - 0.5) / dim as f32).collect();
        let (trainer, backend) = match device {
            None => (Trainer::Cpu(CpuTrainer::new(syn0, dim)), "cpu"),
            Some(device) => {
                let backend = if device.clone().inner() == Device::flex() { "burn-cpu" } else { "webgpu" };
                (Trainer::Batched(Box::new(BatchedTrainer::new(syn0, dim, config.negative, device))), backend)
            }
        };
        let total_words = corpus.len() * config.epochs;
        let prepared = Word2VecEvent::Prepared {
            vocab_size: corpus.words.len(),
            corpus_words: corpus.len(),
            total_words,
            backend: backend.to_string(),
        };
        Self {
            sampler: Sampler::new(&corpus.counts, config.sample, config.window, config.negative),
            config: config.clone(),
            corpus,
            rng,
            trainer,
            prepared: Some(prepared),
            done: None,
            epoch: 0,
            sentence: 0,
            words_done: 0,
            total_words,
            chunks: 0,
            kept: Vec::new(),
            noise: Vec::new(),
        }
    }

    /// "prepared" first, then "progress" per chunk, then "done" (repeated after).
    pub async fn next(&mut self) -> Result<Word2VecEvent> {
        if let Some(prepared) = self.prepared.take() {
            return Ok(prepared);
        }
        if self.done.is_some() || self.epoch == self.config.epochs {
            return self.finish().await;
        }
        let epoch = self.epoch + 1;
        let (loss, pairs) = self.chunk().await?;
        self.chunks += 1;
        let loss = if pairs == 0 { 0.0 } else { loss / pairs as f64 };
        if !loss.is_finite() {
            return Err(KilnError::Diverged {
                epoch,
                step: self.chunks,
                value: format!("{loss}"),
                hint: "Lower alpha (gensim's default is 0.025).".into(),
            });
        }
        Ok(Word2VecEvent::Progress {
            epoch,
            words_done: self.words_done,
            total_words: self.total_words,
            loss,
            alpha: self.alpha(),
        })
    }

    /// Stop now: "done" with the words trained so far; the vectors stay usable.
    pub async fn finish(&mut self) -> Result<Word2VecEvent> {
        self.prepared = None;
        let done = Word2VecEvent::Done {
            vocab_size: self.corpus.words.len(),
            vector_size: self.config.vector_size,
            words_done: self.words_done,
        };
        Ok(self.done.get_or_insert(done).clone())
    }

    /// The input vectors (syn0), read back asynchronously from a GPU.
    pub async fn vectors(&self) -> Result<Vectors> {
        let data = match &self.trainer {
            Trainer::Cpu(t) => t.syn0().to_vec(),
            Trainer::Batched(t) => t.syn0().await?,
        };
        Vectors::new(self.corpus.words.clone(), self.corpus.counts.clone(), self.config.vector_size, data)
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    fn alpha(&self) -> f64 {
        learning_rate(self.config.alpha, self.config.min_alpha, self.words_done, self.total_words)
    }

    /// Train whole sentences until `CHUNK_WORDS` corpus words or the epoch's end; returns the
    /// summed pair loss and the number of pairs.
    async fn chunk(&mut self) -> Result<(f64, usize)> {
        let start = self.words_done;
        let (mut loss, mut pairs) = (0.0f64, 0usize);
        while self.sentence < self.corpus.sentences() && self.words_done - start < CHUNK_WORDS {
            let alpha = self.alpha() as f32;
            let Self { corpus, sampler, rng, trainer, kept, noise, .. } = self;
            let sentence = corpus.sentence(self.sentence);
            sampler.subsample(sentence, rng, kept);
            match trainer {
                Trainer::Cpu(t) => sampler.pairs(kept, rng, noise, |context, centre, noise| {
                    loss += f64::from(t.pair(context, centre, noise, alpha));
                    pairs += 1;
                }),
                Trainer::Batched(t) => {
                    sampler.pairs(kept, rng, noise, |context, centre, noise| t.pair(context, centre, noise, alpha))
                }
            }
            self.words_done += sentence.len();
            self.sentence += 1;
        }
        let alpha = self.alpha() as f32;
        if let Trainer::Batched(t) = &mut self.trainer {
            (loss, pairs) = t.read_loss(alpha).await?;
        }
        if self.sentence == self.corpus.sentences() {
            self.sentence = 0;
            self.epoch += 1;
        }
        Ok((loss, pairs))
    }
}

/// gensim's ranges, with messages a user can act on.
pub fn validate(c: &Word2VecConfig) -> Result<()> {
    let check = |ok: bool, field: &str, msg: String| if ok { Ok(()) } else { Err(KilnError::config(field, msg)) };
    check((1..=1000).contains(&c.vector_size), "vector_size", format!("must be 1 to 1000, got {}", c.vector_size))?;
    check(c.window >= 1, "window", "must be at least 1 (words on each side of the centre word)".into())?;
    check((1..=50).contains(&c.negative), "negative", format!("must be 1 to 50 noise words, got {}", c.negative))?;
    check((0.0..1.0).contains(&c.sample), "sample", format!("must be in [0, 1) (0 turns it off), got {}", c.sample))?;
    check((1..=100).contains(&c.epochs), "epochs", format!("must be 1 to 100, got {}", c.epochs))?;
    check(c.alpha > 0.0 && c.alpha.is_finite(), "alpha", format!("must be above 0, got {}", c.alpha))?;
    check(
        (0.0..=c.alpha).contains(&c.min_alpha),
        "min_alpha",
        format!("must be in [0, alpha = {}], got {}", c.alpha, c.min_alpha),
    )?;
    check(c.min_count >= 1, "min_count", "must be at least 1".into())?;
    check(c.max_vocab != Some(0), "max_vocab", "must be at least 1 word when given".into())
}
