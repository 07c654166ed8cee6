//! Numbers about a run: running means as Keras' progress bar shows them,
//! scikit-learn's classification metrics, the misclassified texts, and seed 004's
//! text-length statistics.

mod classify;
mod lengths;
mod mistakes;

pub use classify::{MAX_CURVE_POINTS, evaluate, pr_curve, roc_curve};
pub use lengths::{HISTOGRAM_BINS, length_stats};
pub use mistakes::misclassified;

/// A mean weighted by sample count (Keras averages over samples seen this epoch).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunningMean {
    sum: f64,
    count: f64,
}

impl RunningMean {
    pub fn add(&mut self, value: f64, weight: usize) {
        self.sum += value * weight as f64;
        self.count += weight as f64;
    }

    pub fn mean(&self) -> f64 {
        if self.count == 0.0 { 0.0 } else { self.sum / self.count }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_by_batch_size() {
        let mut m = RunningMean::default();
        m.add(1.0, 3);
        m.add(0.0, 1);
        assert_eq!(m.mean(), 0.75);
        assert_eq!(RunningMean::default().mean(), 0.0);
    }
}
