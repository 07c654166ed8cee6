//! L-BFGS (Nocedal & Wright, Algorithms 7.4 and 7.5) with a strong-Wolfe line search
//! (Algorithms 3.5 and 3.6, cubic interpolation), the minimiser under `LogisticRegression`.
//!
//! Written by hand rather than taken from the `argmin` crate: argmin 0.11 brings anyhow, paste,
//! num-traits, argmin-math, rand 0.9 (beside the crate's rand 0.10), rand_xoshiro and web-time
//! (its executor times every iteration, a JavaScript call in wasm32) for ~150 lines of algorithm.

use std::collections::VecDeque;

/// Stopping rules, scipy's `L-BFGS-B` options as scikit-learn sets them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lbfgs {
    /// Correction pairs kept (`maxcor`).
    pub memory: usize,
    /// Stop when the largest gradient component is at most this (`gtol`).
    pub gtol: f64,
    /// Stop when an iteration lowers f by at most `ftol · max(|f|, 1)` (`ftol`).
    pub ftol: f64,
    pub max_iter: usize,
    /// Function evaluations per line search (`maxls`).
    pub max_evals: usize,
}

impl Default for Lbfgs {
    fn default() -> Self {
        // scikit-learn's `tol` is 1e-4 and `max_iter` 100; Kiln converges further so that
        // the coefficients, not only the accuracy, match a tightly converged scikit-learn.
        Self { memory: 10, gtol: 1e-10, ftol: 64.0 * f64::EPSILON, max_iter: 2000, max_evals: 50 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub f: f64,
    pub iterations: usize,
    /// A stopping rule held (not `max_iter`, not a failed line search).
    pub converged: bool,
}

/// Minimise `f` from `x`; `f(x, grad)` returns f(x) and writes ∇f(x) into `grad`.
pub fn minimize(mut f: impl FnMut(&[f64], &mut [f64]) -> f64, mut x: Vec<f64>, opts: &Lbfgs) -> Minimum {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new(); // (s, y, 1 / s·y)
    let done = |x, f, iterations, converged| Minimum { x, f, iterations, converged };
    for iter in 0..opts.max_iter {
        if norm_inf(&g) <= opts.gtol {
            return done(x, fx, iter, true);
        }
        let mut d = direction(&g, &pairs);
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            pairs.clear(); // not a descent direction: restart from steepest descent
            d = g.iter().map(|v| -v).collect();
            slope = -dot(&g, &g);
        }
        // scipy's first step: a unit move along the gradient
        let step = if pairs.is_empty() { (1.0 / dot(&d, &d).sqrt()).min(1.0) } else { 1.0 };
        let Some(found) = wolfe(&mut f, &x, fx, slope, &d, step, opts.max_evals) else {
            return done(x, fx, iter, false);
        };
        let s: Vec<f64> = found.x.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = found.g.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > f64::EPSILON * dot(&y, &y) {
            if pairs.len() == opts.memory {
                pairs.pop_front();
            }
            pairs.push_back((s, y, 1.0 / sy));
        }
        let drop = fx - found.f;
        (x, fx, g) = (found.x, found.f, found.g);
        if drop <= opts.ftol * fx.abs().max(1.0) {
            return done(x, fx, iter + 1, true);
        }
    }
    done(x, fx, opts.max_iter, norm_inf(&g) <= opts.gtol)
}

/// `-H g` by the two-loop recursion, `H₀ = (s·y / y·y) I` from the newest pair.
fn direction(g: &[f64], pairs: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q: Vec<f64> = g.to_vec();
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y, rho) in pairs.iter().rev() {
        let a = rho * dot(s, &q);
        axpy(-a, y, &mut q);
        alphas.push(a);
    }
    if let Some((s, y, _)) = pairs.back() {
        let gamma = dot(s, y) / dot(y, y);
        q.iter_mut().for_each(|v| *v *= gamma);
    }
    for ((s, y, rho), a) in pairs.iter().zip(alphas.into_iter().rev()) {
        let b = rho * dot(y, &q);
        axpy(a - b, s, &mut q);
    }
    q.iter_mut().for_each(|v| *v = -*v);
    q
}

struct Point {
    step: f64,
    x: Vec<f64>,
    f: f64,
    g: Vec<f64>,
    /// ∇f · d
    slope: f64,
}

/// A step along `d` meeting the strong Wolfe conditions (c₁ = 1e-4, c₂ = 0.9); `None` when
/// `max_evals` evaluations find none, unless some step lowered f (rounding near the optimum).
fn wolfe(
    f: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    f0: f64,
    slope0: f64,
    d: &[f64],
    first: f64,
    max_evals: usize,
) -> Option<Point> {
    let (c1, c2) = (1e-4, 0.9);
    let mut eval = |step: f64| {
        let x: Vec<f64> = x0.iter().zip(d).map(|(a, b)| a + step * b).collect();
        let mut g = vec![0.0; x.len()];
        let fx = f(&x, &mut g);
        let slope = dot(&g, d);
        Point { step, x, f: fx, g, slope }
    };
    let armijo = |p: &Point| p.f <= f0 + c1 * p.step * slope0;
    let curvature = |p: &Point| p.slope.abs() <= -c2 * slope0;
    let start = Point { step: 0.0, x: x0.to_vec(), f: f0, g: vec![], slope: slope0 };
    // bracketing (Algorithm 3.5): grow the step until it overshoots
    let (mut lo, mut hi) = (start, None::<Point>);
    let mut step = first;
    let mut evals = 0;
    while evals < max_evals {
        let p = eval(step);
        evals += 1;
        if !p.f.is_finite() || !armijo(&p) || (lo.step > 0.0 && p.f >= lo.f) {
            hi = Some(p);
            break;
        }
        if curvature(&p) {
            return Some(p);
        }
        if p.slope >= 0.0 {
            hi = Some(std::mem::replace(&mut lo, p));
            break;
        }
        step = p.step * 2.0;
        lo = p;
    }
    // zoom (Algorithm 3.6) between `lo` (meets Armijo, lowest f) and `hi`
    while let Some(h) = hi.as_mut().filter(|_| evals < max_evals) {
        let step = interpolate(&lo, h);
        let p = eval(step);
        evals += 1;
        if !p.f.is_finite() || !armijo(&p) || p.f >= lo.f {
            *h = p;
        } else {
            if curvature(&p) {
                return Some(p);
            }
            if p.slope * (h.step - lo.step) >= 0.0 {
                *h = std::mem::replace(&mut lo, p);
            } else {
                lo = p;
            }
        }
        if (h.step - lo.step).abs() <= f64::EPSILON * lo.step.abs().max(1.0) {
            break;
        }
    }
    (lo.step > 0.0 && lo.f < f0).then_some(lo)
}

/// The minimiser of the cubic through `a` and `b` (values and slopes), kept in the middle 80 %
/// of the interval; the midpoint when the cubic has none.
fn interpolate(a: &Point, b: &Point) -> f64 {
    let width = b.step - a.step;
    let d1 = a.slope + b.slope - 3.0 * (a.f - b.f) / (a.step - b.step);
    let disc = d1 * d1 - a.slope * b.slope;
    let mid = a.step + 0.5 * width;
    if disc.is_nan() || disc < 0.0 || !b.f.is_finite() {
        return mid;
    }
    let d2 = disc.sqrt() * width.signum();
    let t = b.step - width * (b.slope + d2 - d1) / (b.slope - a.slope + 2.0 * d2);
    let (lo, hi) = (a.step.min(b.step), a.step.max(b.step));
    let margin = 0.1 * (hi - lo);
    if t.is_finite() { t.clamp(lo + margin, hi - margin) } else { mid }
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
}

fn norm_inf(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}
