//! The data view before training: classes, what loading dropped, examples,
//! text lengths in tokens (seed 004's maxlen rule) and the vocabulary.

use super::Dataset;
use crate::dto::{ClassCount, DataView, Example, RunConfig};
use crate::error::Result;
use crate::metrics::length_stats;
use crate::text::TextPipeline;

/// Examples shown per class.
const EXAMPLES_PER_CLASS: usize = 2;
/// Most frequent tokens listed.
const TOP_TOKENS: usize = 30;

/// Look at `data` as a run with `config` would: the training texts are tokenised
/// with the run's text settings, so lengths and coverage match what the model sees.
pub fn view(data: &Dataset, config: &RunConfig) -> Result<DataView> {
    Ok(Look::new(data, config)?.at(config.maxlen))
}

/// The data view before `maxlen` is applied: tokenising is the slow part, and
/// the page asks again for every maxlen the user types.
#[derive(Debug, Clone)]
pub struct Look {
    view: DataView,
    /// Tokens per training text.
    lengths: Vec<usize>,
}

impl Look {
    pub fn new(data: &Dataset, config: &RunConfig) -> Result<Self> {
        let (view, lengths) = look(data, config)?;
        Ok(Self { view, lengths })
    }

    /// The view with the length statistics for `maxlen`.
    pub fn at(&self, maxlen: usize) -> DataView {
        DataView { lengths: length_stats(&self.lengths, maxlen), ..self.view.clone() }
    }

    /// What `new` depends on: the same key gives the same look.
    pub fn key(config: &RunConfig) -> String {
        let key = (config.data, &config.text, config.num_words, config.test_split, config.seed);
        serde_json::to_string(&key).unwrap_or_default()
    }
}

fn look(data: &Dataset, config: &RunConfig) -> Result<(DataView, Vec<usize>)> {
    let parts = data.parts(config.test_split, config.seed)?;
    let pipeline = TextPipeline::fit(&config.text, config.num_words, &parts.train.texts)?;
    let lengths: Vec<usize> = parts.train.texts.iter().map(|t| pipeline.encode(t).len()).collect();
    let classes = data
        .classes
        .iter()
        .zip(data.class_counts())
        .map(|(name, count)| ClassCount { name: name.clone(), count })
        .collect();
    let view = DataView {
        name: data.name.clone(),
        train_rows: parts.train.len(),
        test_rows: parts.test.len(),
        classes,
        report: data.report.clone(),
        examples: examples(data),
        lengths: length_stats(&lengths, config.maxlen),
        vocabulary: pipeline.vocabulary(TOP_TOKENS),
    };
    Ok((view, lengths))
}

/// The first few training texts of each class, classes interleaved.
fn examples(data: &Dataset) -> Vec<Example> {
    let mut out = Vec::new();
    for round in 0..EXAMPLES_PER_CLASS {
        for (class, name) in data.classes.iter().enumerate() {
            let row = data.train.labels.iter().enumerate().filter(|(_, l)| **l as usize == class).nth(round);
            if let Some((row, _)) = row {
                out.push(Example { text: data.train.texts[row].clone(), label: name.clone() });
            }
        }
    }
    out
}
