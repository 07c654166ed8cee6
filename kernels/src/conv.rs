//! Keras' `Conv1D` on channels-last sequences, forward and backward, as strided
//! matmuls over the input itself: with `dilation == 1` the window of output step
//! `t` is the `kernel·channels` values starting at row `t·stride`, so the whole
//! convolution is one matmul whose rows overlap (no im2col copy, no layout change).
//!
//! Layouts are row-major: `x` `[batch, steps, channels]`, `kernel`
//! `[kernel, channels, filters]` (Keras'), `bias` `[filters]`, `y`
//! `[batch, out_steps, filters]`. Padding is zeros, `pad.0` steps before and `pad.1`
//! after (the caller turns Keras' `same`/`causal` into these).
//!
//! The batch is cut into groups of a fixed size that run on their own (in parallel
//! with the `rayon` feature); the weight gradient sums the groups' parts in order,
//! so the bits do not depend on the number of threads.

use std::borrow::Cow;

use crate::gemm::{matmul_acc_strided, matmul_tn_acc, transpose};
use crate::rnn::{cut, groups, map};

/// One convolution's sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub batch: usize,
    pub steps: usize,
    pub channels: usize,
    pub filters: usize,
    pub kernel: usize,
    pub stride: usize,
    pub dilation: usize,
    pub pad: (usize, usize),
}

impl Shape {
    fn padded(&self) -> usize {
        self.steps + self.pad.0 + self.pad.1
    }

    /// Output steps; 0 when the window is longer than the padded input.
    pub fn out_steps(&self) -> usize {
        let span = self.dilation * (self.kernel - 1) + 1;
        if self.stride == 0 || self.padded() < span { 0 } else { (self.padded() - span) / self.stride + 1 }
    }

}

/// `x` with its zero padding, `[batch, padded, channels]`.
fn padded<'a>(sh: &Shape, x: &'a [f32]) -> Cow<'a, [f32]> {
    if sh.pad == (0, 0) {
        return Cow::Borrowed(x);
    }
    let (c, lp) = (sh.channels, sh.padded());
    let mut xp = vec![0.0f32; sh.batch * lp * c];
    for b in 0..sh.batch {
        xp[(b * lp + sh.pad.0) * c..][..sh.steps * c].copy_from_slice(&x[b * sh.steps * c..][..sh.steps * c]);
    }
    Cow::Owned(xp)
}

/// `y = conv(x, kernel) + bias` `[batch, out_steps, filters]`, before the activation.
pub fn forward(sh: &Shape, x: &[f32], kernel: &[f32], bias: &[f32]) -> Vec<f32> {
    let (c, f, k, out, lp) = (sh.channels, sh.filters, sh.kernel, sh.out_steps(), sh.padded());
    assert!(x.len() == sh.batch * sh.steps * c && kernel.len() == k * c * f && bias.len() == f);
    let xp = padded(sh, x);
    // zeroed by one fast fill here, the bias written by each group on its own thread (a
    // collected flat_map of the bias was 7 % of M3's step, serial)
    let mut y = vec![0.0f32; sh.batch * out * f];
    let groups = groups(sh.batch);
    let parts = cut(&mut y, &groups, out * f);
    map(groups.iter().cloned().zip(parts).collect(), |(rows, ys)| {
        for row in ys.chunks_exact_mut(f.max(1)) {
            row.copy_from_slice(bias);
        }
        for (i, b) in rows.enumerate() {
            let xb = &xp[b * lp * c..][..lp * c];
            let yb = &mut ys[i * out * f..][..out * f];
            if sh.dilation == 1 {
                matmul_acc_strided(out, k * c, f, xb, sh.stride * c, kernel, yb, f);
            } else {
                for j in 0..k {
                    matmul_acc_strided(out, c, f, &xb[j * sh.dilation * c..], sh.stride * c, &kernel[j * c * f..][..c * f], yb, f);
                }
            }
        }
    });
    y
}

/// Gradients of [`forward`] from `dy` `[batch, out_steps, filters]`.
#[derive(Debug, Clone, Default)]
pub struct Grads {
    /// `[batch, steps, channels]`; empty unless asked for.
    pub x: Vec<f32>,
    /// `[kernel, channels, filters]`.
    pub kernel: Vec<f32>,
    /// `[filters]`.
    pub bias: Vec<f32>,
}

pub fn backward(sh: &Shape, x: &[f32], kernel: &[f32], dy: &[f32], want_x: bool) -> Grads {
    let (c, f, k, out, lp, d) = (sh.channels, sh.filters, sh.kernel, sh.out_steps(), sh.padded(), sh.dilation);
    assert!(x.len() == sh.batch * sh.steps * c && kernel.len() == k * c * f && dy.len() == sh.batch * out * f);
    let xp = padded(sh, x);
    // kernel[j]ᵀ `[filters, channels]` for each tap j
    let mut kt = Vec::with_capacity(k * c * f);
    for j in 0..k {
        kt.extend_from_slice(&transpose(&kernel[j * c * f..][..c * f], c, f));
    }
    let mut dxp = vec![0.0f32; if want_x { sh.batch * lp * c } else { 0 }];
    let groups = groups(sh.batch);
    let dx_parts = cut(&mut dxp, &groups, if want_x { lp * c } else { 0 });
    let sums = map(groups.iter().cloned().zip(dx_parts).collect(), |(rows, dxs)| {
        let mut dk = vec![0.0f32; k * c * f];
        let mut db = vec![0.0f32; f];
        for (i, b) in rows.enumerate() {
            let xb = &xp[b * lp * c..][..lp * c];
            let dyb = &dy[b * out * f..][..out * f];
            for row in dyb.chunks_exact(f) {
                db.iter_mut().zip(row).for_each(|(s, v)| *s += v);
            }
            if d == 1 {
                matmul_tn_acc(k * c, out, f, xb, sh.stride * c, dyb, &mut dk);
            } else {
                for j in 0..k {
                    matmul_tn_acc(c, out, f, &xb[j * d * c..], sh.stride * c, dyb, &mut dk[j * c * f..][..c * f]);
                }
            }
            if want_x {
                let dxb = &mut dxs[i * lp * c..][..lp * c];
                for j in 0..k {
                    matmul_acc_strided(out, f, c, dyb, f, &kt[j * f * c..][..f * c], &mut dxb[j * d * c..], sh.stride * c);
                }
            }
        }
        (dk, db)
    });
    let mut g = Grads { x: Vec::new(), kernel: vec![0.0; k * c * f], bias: vec![0.0; f] };
    for (dk, db) in sums {
        g.kernel.iter_mut().zip(dk).for_each(|(s, v)| *s += v);
        g.bias.iter_mut().zip(db).for_each(|(s, v)| *s += v);
    }
    if want_x {
        g.x = if sh.pad == (0, 0) {
            dxp
        } else {
            // row by row: a collected flat_map went value by value (serial, 2 % of M3's step)
            let mut x = Vec::with_capacity(sh.batch * sh.steps * c);
            for b in 0..sh.batch {
                x.extend_from_slice(&dxp[(b * lp + sh.pad.0) * c..][..sh.steps * c]);
            }
            x
        };
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gemm::tests::lcg;

    /// The definition, one multiply-add at a time.
    fn naive(sh: &Shape, x: &[f32], kernel: &[f32], bias: &[f32]) -> Vec<f32> {
        let (c, f, out) = (sh.channels, sh.filters, sh.out_steps());
        let mut y = vec![0.0f32; sh.batch * out * f];
        for b in 0..sh.batch {
            for t in 0..out {
                for o in 0..f {
                    let mut s = bias[o];
                    for j in 0..sh.kernel {
                        let r = (t * sh.stride + j * sh.dilation) as isize - sh.pad.0 as isize;
                        if r < 0 || r >= sh.steps as isize {
                            continue;
                        }
                        for i in 0..c {
                            s += x[(b * sh.steps + r as usize) * c + i] * kernel[(j * c + i) * f + o];
                        }
                    }
                    y[(b * out + t) * f + o] = s;
                }
            }
        }
        y
    }

    const SHAPES: [(usize, usize, usize, usize, usize, usize, usize, (usize, usize)); 8] = [
        // batch, steps, channels, filters, kernel, stride, dilation, pad
        (2, 9, 3, 4, 3, 1, 1, (0, 0)),
        (3, 12, 5, 17, 4, 2, 1, (1, 2)),
        (1, 7, 2, 3, 2, 1, 2, (0, 0)),
        (9, 11, 4, 16, 5, 3, 2, (2, 2)),
        (17, 20, 16, 16, 7, 1, 1, (0, 0)),
        (2, 5, 3, 5, 5, 1, 1, (4, 0)),
        (2, 1, 3, 2, 1, 1, 1, (0, 0)),
        (4, 6, 1, 1, 3, 2, 3, (3, 3)),
    ];

    fn shapes() -> impl Iterator<Item = Shape> {
        SHAPES.iter().map(|&(batch, steps, channels, filters, kernel, stride, dilation, pad)| Shape {
            batch, steps, channels, filters, kernel, stride, dilation, pad,
        })
    }

    #[test]
    fn forward_matches_the_definition() {
        for sh in shapes() {
            let (c, f, k) = (sh.channels, sh.filters, sh.kernel);
            let x = lcg(1, sh.batch * sh.steps * c, 1.0);
            let kernel = lcg(2, k * c * f, 1.0);
            let bias = lcg(3, f, 1.0);
            let got = forward(&sh, &x, &kernel, &bias);
            let want = naive(&sh, &x, &kernel, &bias);
            assert_eq!(got.len(), want.len(), "{sh:?}");
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-4 * (1.0 + w.abs()), "{sh:?}: {g} vs {w}");
            }
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        for sh in shapes() {
            let (c, f, k) = (sh.channels, sh.filters, sh.kernel);
            let args = [lcg(4, sh.batch * sh.steps * c, 1.0), lcg(5, k * c * f, 1.0), lcg(6, f, 1.0)];
            let r = lcg(7, sh.batch * sh.out_steps() * f, 1.0);
            let loss = |a: &[Vec<f32>; 3]| -> f64 {
                naive(&sh, &a[0], &a[1], &a[2]).iter().zip(&r).map(|(y, r)| f64::from(*y) * f64::from(*r)).sum()
            };
            let g = backward(&sh, &args[0], &args[1], &r, true);
            for (which, got) in [(0, &g.x), (1, &g.kernel), (2, &g.bias)] {
                assert_eq!(got.len(), args[which].len(), "{sh:?} arg {which}");
                // every value of the small cases, a sample of the large one
                for i in (0..got.len()).step_by(1 + got.len() / 64) {
                    let eps = 1e-2f32;
                    let mut a = args.clone();
                    a[which][i] += eps;
                    let plus = loss(&a);
                    a[which][i] -= 2.0 * eps;
                    let n = ((plus - loss(&a)) / (2.0 * f64::from(eps))) as f32;
                    assert!((got[i] - n).abs() < 2e-3 * (1.0 + n.abs()), "{sh:?} arg {which}[{i}]: {} vs {n}", got[i]);
                }
            }
            assert!(backward(&sh, &args[0], &args[1], &r, false).x.is_empty());
        }
    }
}
