//! A fitted linear model, `coef_` and `intercept_` as scikit-learn keeps them: one row for two
//! classes (towards class 1), one row per class for more.

use super::sparse::Csr;

#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// `coef_`, `[rows, features]` row-major; `rows` is 1 for two classes.
    pub coef: Vec<f64>,
    /// `intercept_`, `[rows]`.
    pub intercept: Vec<f64>,
    pub features: usize,
    /// Optimiser iterations (L-BFGS) or passes over the data (coordinate descent; the most
    /// of the one-vs-rest problems).
    pub iterations: usize,
    pub converged: bool,
}

impl Linear {
    /// Decision values per output: 1 for two classes, one per class for more.
    pub fn rows(&self) -> usize {
        self.intercept.len()
    }

    /// Weights and intercepts.
    pub fn params(&self) -> usize {
        self.coef.len() + self.intercept.len()
    }

    /// `decision_function` of one sparse row: `x · coef_ᵀ + intercept_`, `[rows]`.
    pub fn decision(&self, row: &[(u32, f64)]) -> Vec<f64> {
        let w = |k: usize| &self.coef[k * self.features..(k + 1) * self.features];
        let dot = |k: usize| row.iter().map(|&(c, v)| v * w(k)[c as usize]).sum::<f64>();
        (0..self.rows()).map(|k| self.intercept[k] + dot(k)).collect()
    }

    /// `decision_function` of every row of `x`, `[x.rows(), rows]` row-major.
    pub fn decisions(&self, x: &Csr) -> Vec<f64> {
        (0..x.rows())
            .flat_map(|i| {
                let (cols, vals) = x.row(i);
                let row: Vec<(u32, f64)> = cols.iter().copied().zip(vals.iter().copied()).collect();
                self.decision(&row)
            })
            .collect()
    }
}

/// Decision values to probabilities: the sigmoid of a single value (P(class 1)), the softmax
/// of several. `LogisticRegression.predict_proba`; for `LinearSVC` a monotone score.
pub fn probabilities(decision: &[f64]) -> Vec<f64> {
    match decision {
        [z] => vec![sigmoid(*z)],
        zs => {
            let max = zs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let exp: Vec<f64> = zs.iter().map(|z| (z - max).exp()).collect();
            let sum: f64 = exp.iter().sum();
            exp.iter().map(|e| e / sum).collect()
        }
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
