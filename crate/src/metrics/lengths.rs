//! Seed 004's look at text lengths before choosing `maxlen`:
//! `np.mean`, `np.median`, `np.max`, `np.std` (population), and `maxlen = int(mean + 2σ)`.

use crate::dto::{Bin, LengthStats};

/// About this many equal-width bars in the length histogram.
pub const HISTOGRAM_BINS: usize = 30;

/// Statistics of `lengths` (tokens per text) and how many texts fit in `maxlen`.
///
/// `fit_percent` counts texts with `length <= maxlen` (nothing is cut from them); the seed
/// prints `np.sum(num_tokens < max_tokens) / len` against the unrounded `mean + 2σ`, which
/// for whole lengths is `<= int(mean + 2σ)` unless `mean + 2σ` is itself whole. The seed
/// prints a fraction; this is a percent. `suggested_maxlen` is at least 1.
/// The histogram has [`HISTOGRAM_BINS`] or fewer bars of one integer width from 0, each
/// holding `from <= length < to`; the last one holds the longest text. No texts: every
/// number 0 (but `suggested_maxlen` 1) and no bars.
pub fn length_stats(lengths: &[usize], maxlen: usize) -> LengthStats {
    let n = lengths.len() as f64;
    let max = lengths.iter().copied().max().unwrap_or(0);
    let (mean, std, median) = if lengths.is_empty() {
        (0.0, 0.0, 0.0)
    } else {
        let mean = lengths.iter().map(|&l| l as f64).sum::<f64>() / n;
        let var = lengths.iter().map(|&l| (l as f64 - mean).powi(2)).sum::<f64>() / n;
        let mut sorted = lengths.to_vec();
        sorted.sort_unstable();
        let mid = sorted.len() / 2;
        let median =
            if sorted.len() % 2 == 1 { sorted[mid] as f64 } else { (sorted[mid - 1] + sorted[mid]) as f64 / 2.0 };
        (mean, var.sqrt(), median)
    };
    let mean_plus_2sd = mean + 2.0 * std;
    let fit = lengths.iter().filter(|&&l| l <= maxlen).count();
    LengthStats {
        mean,
        median,
        max,
        std,
        mean_plus_2sd,
        suggested_maxlen: (mean_plus_2sd as usize).max(1),
        fit_percent: if lengths.is_empty() { 0.0 } else { 100.0 * fit as f64 / n },
        maxlen,
        histogram: histogram(lengths, max),
    }
}

/// Bars `[i·w, (i+1)·w)` with `w = ceil((max + 1) / HISTOGRAM_BINS)`, up to the one holding `max`.
fn histogram(lengths: &[usize], max: usize) -> Vec<Bin> {
    if lengths.is_empty() {
        return Vec::new();
    }
    let w = (max + 1).div_ceil(HISTOGRAM_BINS);
    let mut bins: Vec<Bin> = (0..=max / w).map(|i| Bin { from: i * w, to: (i + 1) * w, count: 0 }).collect();
    for &l in lengths {
        bins[l / w].count += 1;
    }
    bins
}
