//! Adam's update of one variable in one pass over its values. Written with burn's tensor
//! operations it is a dozen passes (each allocating its result); Kiln's optimizer
//! (`crate/src/train/optim.rs`) calls this on the CPU and `adam_cube` on the GPU, with the
//! same f32 coefficients and the same order of operations.

/// Adam's coefficients for one step, each rounded to f32 as burn's scalar operations round
/// them: β₁, 1-β₁, β₂, 1-β₂, `α = lr·√(1-β₂ᵗ)/(1-β₁ᵗ)`, ε.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficients {
    pub beta_1: f32,
    pub one_minus_beta_1: f32,
    pub beta_2: f32,
    pub one_minus_beta_2: f32,
    pub alpha: f32,
    pub epsilon: f32,
}

impl Coefficients {
    /// From Keras' hyper-parameters and `alpha`, computed in f64 as Kiln's optimizer does.
    pub fn new(beta_1: f64, beta_2: f64, epsilon: f64, alpha: f64) -> Self {
        Coefficients {
            beta_1: beta_1 as f32,
            one_minus_beta_1: (1.0 - beta_1) as f32,
            beta_2: beta_2 as f32,
            one_minus_beta_2: (1.0 - beta_2) as f32,
            alpha: alpha as f32,
            epsilon: epsilon as f32,
        }
    }
}

/// `m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²; w -= (m·α)/(√v + ε)`: the new `(w, m, v)`.
/// All four slices have the same length.
pub fn step(w: &[f32], g: &[f32], m: &[f32], v: &[f32], c: Coefficients) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    assert!(g.len() == w.len() && m.len() == w.len() && v.len() == w.len(), "adam::step: slices of different lengths");
    let n = w.len();
    let (mut w2, mut m2, mut v2) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let (g, m, v) = (&g[..n], &m[..n], &v[..n]); // one length: the loop vectorises
    for i in 0..n {
        let gi = g[i];
        let mi = m[i] * c.beta_1 + gi * c.one_minus_beta_1;
        let vi = v[i] * c.beta_2 + gi * gi * c.one_minus_beta_2;
        m2[i] = mi;
        v2[i] = vi;
        w2[i] = w[i] - mi * c.alpha / (vi.sqrt() + c.epsilon);
    }
    (w2, m2, v2)
}
