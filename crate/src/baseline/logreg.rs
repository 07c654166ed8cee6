//! scikit-learn's `LogisticRegression(C, penalty="l2", solver="lbfgs", fit_intercept=True)`:
//! minimise `C · Σᵢ logloss + ½‖w‖²` (the intercept not penalised), sigmoid for two classes and
//! the multinomial softmax for more (scikit-learn ≥ 1.5). Like scikit-learn, the objective is
//! divided by `C · n` (the same minimiser, better scaled for the gradient tolerance).

use super::lbfgs::{Lbfgs, minimize};
use super::linear::{Linear, sigmoid};
use super::sparse::Csr;

/// Fit on `x` `[n, d]` with class ids `y` below `classes` (at least 2).
pub fn fit(x: &Csr, y: &[u32], classes: usize, c: f64, opts: &Lbfgs) -> Linear {
    let d = x.cols;
    let rows = if classes == 2 { 1 } else { classes };
    // θ = [coef `[rows, d]`, intercept `[rows]`], from zeros as scikit-learn starts
    let theta = vec![0.0; rows * (d + 1)];
    let penalty = 1.0 / (c * x.rows() as f64);
    let found = match rows {
        1 => minimize(|t, g| binary(x, y, penalty, t, g), theta, opts),
        _ => minimize(|t, g| multinomial(x, y, rows, penalty, t, g), theta, opts),
    };
    let (coef, intercept) = found.x.split_at(rows * d);
    let mut intercept = intercept.to_vec();
    if rows > 1 {
        // Softmax is unchanged by a shift of every intercept; L-BFGS from zeros keeps their
        // sum at 0 (each step is a mix of gradients, whose intercept parts sum to 0): drop the
        // rounding.
        let mean = intercept.iter().sum::<f64>() / rows as f64;
        intercept.iter_mut().for_each(|b| *b -= mean);
    }
    Linear { coef: coef.to_vec(), intercept, features: d, iterations: found.iterations, converged: found.converged }
}

/// `log(1 + eᶻ)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() }
}

/// Mean log loss of `y ∈ {0, 1}` under `σ(w·x + b)` plus `penalty/2 · ‖w‖²`, and its gradient.
fn binary(x: &Csr, y: &[u32], penalty: f64, theta: &[f64], grad: &mut [f64]) -> f64 {
    let d = x.cols;
    let (w, b) = (&theta[..d], theta[d]);
    grad.fill(0.0);
    let mut loss = 0.0;
    for (i, &label) in y.iter().enumerate() {
        let z = x.dot(i, w) + b;
        let t = f64::from(label.min(1));
        loss += softplus(z) - t * z;
        let r = sigmoid(z) - t;
        x.axpy(i, r, &mut grad[..d]);
        grad[d] += r;
    }
    finish(loss, w, penalty, y.len(), grad, d)
}

/// Mean cross-entropy of `y` under `softmax(W x + b)` plus `penalty/2 · ‖W‖²`, and its gradient.
fn multinomial(x: &Csr, y: &[u32], k: usize, penalty: f64, theta: &[f64], grad: &mut [f64]) -> f64 {
    let d = x.cols;
    let (w, b) = theta.split_at(k * d);
    grad.fill(0.0);
    let mut loss = 0.0;
    let mut z = vec![0.0; k];
    for (i, &label) in y.iter().enumerate() {
        z.iter_mut().enumerate().for_each(|(c, z)| *z = x.dot(i, &w[c * d..(c + 1) * d]) + b[c]);
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        loss += lse - z[label as usize];
        for c in 0..k {
            let r = (z[c] - lse).exp() - f64::from(u8::from(c == label as usize));
            x.axpy(i, r, &mut grad[c * d..(c + 1) * d]);
            grad[k * d + c] += r;
        }
    }
    finish(loss, w, penalty, y.len(), grad, k * d)
}

/// Divide the summed loss and gradient by `n` and add the penalty on the first `weights` entries.
fn finish(loss: f64, w: &[f64], penalty: f64, n: usize, grad: &mut [f64], weights: usize) -> f64 {
    let n = n as f64;
    grad.iter_mut().for_each(|g| *g /= n);
    grad[..weights].iter_mut().zip(w).for_each(|(g, w)| *g += penalty * w);
    loss / n + 0.5 * penalty * w.iter().map(|v| v * v).sum::<f64>()
}
