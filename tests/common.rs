//! A tiny synthetic sentiment corpus shared by the native tests.

use kiln::data::{Imdb, Split};
use kiln::dto::RunConfig;

/// `n` reviews: positive ones use good words, negative ones bad words, with shared filler.
pub fn corpus(n: usize) -> Imdb {
    let good = ["great", "wonderful", "loved", "superb"];
    let bad = ["awful", "boring", "hated", "dreadful"];
    let filler = ["the", "movie", "plot", "actor", "was", "a", "film"];
    let mut imdb = Imdb::default();
    for i in 0..n {
        let label = (i % 2) as u8;
        let words = if label == 1 { &good } else { &bad };
        let text = format!(
            "{} {} {} {}<br />{}!",
            filler[i % 7],
            words[i % 4],
            filler[(i / 7) % 7],
            words[(i / 4) % 4],
            filler[(i + 3) % 7]
        );
        imdb.texts.push(text);
        imdb.labels.push(label);
    }
    imdb
}

/// The corpus as class ids.
#[allow(dead_code)]
pub fn labelled(imdb: &Imdb) -> kiln::data::Labelled {
    kiln::data::Labelled { texts: imdb.texts.clone(), labels: imdb.labels.iter().map(|&l| u32::from(l)).collect() }
}

/// First `train` rows for training, the rest for testing.
#[allow(dead_code)]
pub fn split(train: usize, total: usize) -> Split {
    Split { train: (0..train).collect(), test: (train..total).collect() }
}

/// The same architecture with 8-wide embeddings and recurrent layers, for fast tests.
#[allow(dead_code)]
pub fn shrink(config: &mut RunConfig) {
    use kiln::dto::LayerConfig::*;
    fn small(layer: &mut kiln::dto::LayerConfig) {
        match layer {
            Embedding(c) => c.output_dim = 8,
            SimpleRnn(c) | Lstm(c) | Gru(c) => c.units = 8,
            Bidirectional(b) => small(&mut b.layer),
            Conv1d(c) => c.filters = 8,
            _ => {}
        }
    }
    config.layers.iter_mut().for_each(small);
}
