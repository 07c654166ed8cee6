//! scikit-learn's `LinearSVC(C, loss="hinge", dual=True, intercept_scaling=1)`: liblinear's dual
//! coordinate descent with shrinking (Hsieh et al. 2008, `solve_l2r_l1l2_svc`), the bias an extra
//! feature that is 1 in every row, so the intercept is regularised as liblinear does. More than
//! two classes: one-vs-rest, one problem per class.

use rand::{SeedableRng, rngs::SmallRng, seq::SliceRandom};

use super::linear::Linear;
use super::sparse::Csr;

/// Stopping rules, liblinear's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cd {
    /// Stop when the projected gradient's spread `max PG - min PG` is at most this (`eps`).
    pub tol: f64,
    /// Passes over the data (liblinear's `max_iter`).
    pub max_iter: usize,
    /// Seeds the order each pass visits the samples in.
    pub seed: u64,
}

impl Default for Cd {
    fn default() -> Self {
        // scikit-learn: tol=1e-4, max_iter=1000; tighter so decision values match to ~1e-3
        Self { tol: 1e-6, max_iter: 20_000, seed: 0 }
    }
}

/// Fit on `x` `[n, d]` with class ids `y` below `classes` (at least 2).
pub fn fit(x: &Csr, y: &[u32], classes: usize, c: f64, opts: &Cd) -> Linear {
    let d = x.cols;
    let positives: Vec<u32> = if classes == 2 { vec![1] } else { (0..classes as u32).collect() };
    let mut out = Linear { coef: Vec::new(), intercept: Vec::new(), features: d, iterations: 0, converged: true };
    for &k in &positives {
        let sign: Vec<f64> = y.iter().map(|&l| if l == k { 1.0 } else { -1.0 }).collect();
        let seed = opts.seed ^ u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let (w, passes, converged) = solve(x, &sign, c, opts, seed);
        out.coef.extend_from_slice(&w[..d]);
        out.intercept.push(w[d]); // × intercept_scaling = 1
        out.iterations = out.iterations.max(passes);
        out.converged &= converged;
    }
    out
}

/// One binary problem, labels `sign` ±1: `min ½‖w‖² + C Σ max(0, 1 - yᵢ w·[xᵢ, 1])` through its
/// dual `0 ≤ αᵢ ≤ C`. Returns `w` `[d + 1]` (the bias last), the passes and whether `tol` held.
fn solve(x: &Csr, sign: &[f64], c: f64, opts: &Cd, seed: u64) -> (Vec<f64>, usize, bool) {
    let (n, d) = (x.rows(), x.cols);
    let qd: Vec<f64> = (0..n).map(|i| x.sq_norm(i) + 1.0).collect(); // ‖[xᵢ, 1]‖²
    let mut alpha = vec![0.0; n];
    let mut w = vec![0.0; d + 1];
    let mut index: Vec<usize> = (0..n).collect();
    let mut active = n;
    let mut rng = SmallRng::seed_from_u64(seed);
    let (mut pg_max_old, mut pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut passes = 0;
    while passes < opts.max_iter {
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        index[..active].shuffle(&mut rng);
        let mut s = 0;
        while s < active {
            let i = index[s];
            let g = sign[i] * (x.dot(i, &w) + w[d]) - 1.0;
            let pg = if alpha[i] == 0.0 {
                if g > pg_max_old {
                    active -= 1; // shrink: bound at 0 and likely to stay
                    index.swap(s, active);
                    continue;
                }
                g.min(0.0)
            } else if alpha[i] == c {
                if g < pg_min_old {
                    active -= 1; // shrink: bound at C and likely to stay
                    index.swap(s, active);
                    continue;
                }
                g.max(0.0)
            } else {
                g
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).clamp(0.0, c);
                let delta = (alpha[i] - old) * sign[i];
                x.axpy(i, delta, &mut w[..d]);
                w[d] += delta;
            }
            s += 1;
        }
        passes += 1;
        if pg_max - pg_min <= opts.tol {
            if active == n {
                return (w, passes, true);
            }
            // converged on the shrunk set: check every sample once more
            active = n;
            (pg_max_old, pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
        pg_min_old = if pg_min >= 0.0 { f64::NEG_INFINITY } else { pg_min };
    }
    (w, passes, false)
}
