//! Padded ids and labels, and the tensors of one batch.

use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng, seq::SliceRandom};

use super::Labelled;
use crate::text::{Padding, TextPipeline, pad_sequences};

/// `n` padded sequences of `maxlen` ids with their class ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Encoded {
    pub ids: Vec<u32>, // [n, maxlen]
    pub labels: Vec<f32>,
    pub maxlen: usize,
}

impl Encoded {
    pub fn new(pipeline: &TextPipeline, data: &Labelled, maxlen: usize, padding: Padding, truncating: Padding) -> Self {
        let seqs = pipeline.encode_all(&data.texts);
        let ids = pad_sequences(&seqs, maxlen, padding, truncating, 0);
        Self { ids, labels: data.labels.iter().map(|&l| l as f32).collect(), maxlen }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Keras `validation_split`: the last `fraction` of the rows, taken before shuffling.
    pub fn split_off_last(&mut self, fraction: f64) -> Self {
        let keep = ((self.len() as f64) * (1.0 - fraction)) as usize;
        let ids = self.ids.split_off(keep * self.maxlen);
        let labels = self.labels.split_off(keep);
        Self { ids, labels, maxlen: self.maxlen }
    }

    /// The rows `rows`: ids as a tensor, labels as class ids.
    ///
    /// # Shapes
    /// - ids `[rows.len(), maxlen]`, labels `[rows.len()]`
    pub fn batch(&self, rows: &[usize], device: &Device) -> (Tensor<2, Int>, Vec<f32>) {
        let mut ids = Vec::with_capacity(rows.len() * self.maxlen);
        for &r in rows {
            ids.extend(self.ids[r * self.maxlen..(r + 1) * self.maxlen].iter().map(|&i| i as i32));
        }
        let labels: Vec<f32> = rows.iter().map(|&r| self.labels[r]).collect();
        (Tensor::from_data(TensorData::new(ids, [rows.len(), self.maxlen]), device), labels)
    }
}

/// The row order of one epoch: shuffled (Keras `shuffle=True`) reproducibly from
/// the seed, or the data's order.
pub fn epoch_order(n: usize, seed: u64, epoch: usize, shuffle: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if !shuffle {
        return order;
    }
    let mut rng = SmallRng::seed_from_u64(seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    order.shuffle(&mut rng);
    order
}
