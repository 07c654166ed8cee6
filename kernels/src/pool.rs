//! Keras' `MaxPooling1D` on channels-last sequences, forward and backward, in one
//! pass over the input: burn's own goes through a 2-D pool on a channels-first copy
//! and an index tensor reshaped (copied) for the backward pass.
//!
//! Layouts are row-major: `x` `[batch, steps, channels]`, `y` `[batch, out_steps,
//! channels]`. Padding (`pad.0` steps before, `pad.1` after) is never the maximum, as
//! in Keras' `same`. Ties go to the first step of the window. Batch rows run in
//! groups (in parallel with the `rayon` feature); no result depends on the grouping.

use crate::rnn::{cut, groups, map};

/// One pooling's sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub batch: usize,
    pub steps: usize,
    pub channels: usize,
    pub size: usize,
    pub stride: usize,
    pub pad: (usize, usize),
}

impl Shape {
    /// Output steps; 0 when the window is longer than the padded input.
    pub fn out_steps(&self) -> usize {
        let padded = self.steps + self.pad.0 + self.pad.1;
        if self.stride == 0 || self.size == 0 || padded < self.size { 0 } else { (padded - self.size) / self.stride + 1 }
    }

    /// The input steps of output step `t`'s window.
    fn window(&self, t: usize) -> std::ops::Range<usize> {
        let start = (t * self.stride).saturating_sub(self.pad.0);
        let end = (t * self.stride + self.size).saturating_sub(self.pad.0).min(self.steps);
        start..end.max(start)
    }

}

/// `y` `[batch, out_steps, channels]` and, for each of its values, the input step it
/// came from (what [`backward`] needs). A window of padding alone gives `-inf`.
pub fn forward(sh: &Shape, x: &[f32]) -> (Vec<f32>, Vec<u32>) {
    let (c, out) = (sh.channels, sh.out_steps());
    assert_eq!(x.len(), sh.batch * sh.steps * c, "x is [batch, steps, channels]");
    let mut y = vec![f32::NEG_INFINITY; sh.batch * out * c];
    let mut arg = vec![0u32; sh.batch * out * c];
    let groups = groups(sh.batch);
    let jobs: Vec<_> = groups.iter().cloned().zip(cut(&mut y, &groups, out * c)).zip(cut(&mut arg, &groups, out * c)).collect();
    map(jobs, |((rows, ys), args)| {
        for (i, b) in rows.enumerate() {
            let xb = &x[b * sh.steps * c..][..sh.steps * c];
            for t in 0..out {
                let yr = &mut ys[(i * out + t) * c..][..c];
                let ar = &mut args[(i * out + t) * c..][..c];
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                if c % 4 == 0 {
                    simd::window(xb, c, sh.window(t), yr, ar);
                    continue;
                }
                for s in sh.window(t) {
                    // selects, not branches: the loop vectorises
                    for ((yv, av), &xv) in yr.iter_mut().zip(ar.iter_mut()).zip(&xb[s * c..][..c]) {
                        let gt = xv > *yv;
                        *yv = if gt { xv } else { *yv };
                        *av = if gt { s as u32 } else { *av };
                    }
                }
            }
        }
    });
    (y, arg)
}

/// One window in wasm SIMD, four channels at a time with the running maximum and its
/// step in registers: the scalar loop did not vectorise in wasm (5 ms of M2's forward
/// pass at batch 512, as much as its second convolution).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// `yr`, `ar` `[c]` (c a multiple of 4): the maximum of `xb`'s rows `window` and the
    /// first row that holds it; `-inf` and 0 for an empty window.
    pub(super) fn window(xb: &[f32], c: usize, window: std::ops::Range<usize>, yr: &mut [f32], ar: &mut [u32]) {
        assert!(c % 4 == 0 && yr.len() == c && ar.len() == c && window.end * c <= xb.len());
        for ch in (0..c).step_by(4) {
            let (mut y, mut a) = (f32x4_splat(f32::NEG_INFINITY), u32x4_splat(0));
            for s in window.clone() {
                // SAFETY: s < window.end and ch + 4 <= c, asserted above
                let x = unsafe { v128_load(xb.as_ptr().add(s * c + ch) as *const v128) };
                let gt = f32x4_gt(x, y);
                y = v128_bitselect(x, y, gt);
                a = v128_bitselect(u32x4_splat(s as u32), a, gt);
            }
            // SAFETY: ch + 4 <= c = yr.len() = ar.len()
            unsafe {
                v128_store(yr.as_mut_ptr().add(ch) as *mut v128, y);
                v128_store(ar.as_mut_ptr().add(ch) as *mut v128, a);
            }
        }
    }
}

/// `dx` `[batch, steps, channels]` from `dy` `[batch, out_steps, channels]`: each
/// output's gradient goes to the step that won its window.
pub fn backward(sh: &Shape, arg: &[u32], dy: &[f32]) -> Vec<f32> {
    let (c, out) = (sh.channels, sh.out_steps());
    assert!(arg.len() == sh.batch * out * c && dy.len() == arg.len(), "dy and the steps are [batch, out_steps, channels]");
    let mut dx = vec![0.0f32; sh.batch * sh.steps * c];
    let groups = groups(sh.batch);
    let jobs: Vec<_> = groups.iter().cloned().zip(cut(&mut dx, &groups, sh.steps * c)).collect();
    map(jobs, |(rows, dxs)| {
        for (i, b) in rows.enumerate() {
            let dxb = &mut dxs[i * sh.steps * c..][..sh.steps * c];
            for t in 0..out {
                let (at, window) = ((b * out + t) * c, sh.window(t));
                for ch in 0..c {
                    // a window that never beat -inf (padding, NaN) has no step to send to
                    if window.contains(&(arg[at + ch] as usize)) {
                        dxb[arg[at + ch] as usize * c + ch] += dy[at + ch];
                    }
                }
            }
        }
    });
    dx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gemm::tests::lcg;

    /// The definition: the largest value of each window, padding excluded.
    fn naive(sh: &Shape, x: &[f32]) -> Vec<f32> {
        let (c, out) = (sh.channels, sh.out_steps());
        let mut y = Vec::new();
        for b in 0..sh.batch {
            for t in 0..out {
                for ch in 0..c {
                    let lo = (t * sh.stride) as isize - sh.pad.0 as isize;
                    let m = (lo..lo + sh.size as isize)
                        .filter(|&s| s >= 0 && (s as usize) < sh.steps)
                        .map(|s| x[(b * sh.steps + s as usize) * c + ch])
                        .fold(f32::NEG_INFINITY, f32::max);
                    y.push(m);
                }
            }
        }
        y
    }

    const SHAPES: [(usize, usize, usize, usize, usize, (usize, usize)); 6] =
        [(1, 1, 1, 1, 1, (0, 0)), (3, 10, 4, 2, 2, (0, 0)), (2, 11, 3, 5, 5, (0, 0)), (9, 13, 16, 3, 2, (1, 1)), (2, 7, 5, 4, 1, (1, 2)), (4, 9, 2, 3, 3, (0, 1))];

    #[test]
    fn forward_matches_the_definition() {
        for (batch, steps, channels, size, stride, pad) in SHAPES {
            let sh = Shape { batch, steps, channels, size, stride, pad };
            let x = lcg(11, batch * steps * channels, 1.0);
            assert_eq!(forward(&sh, &x).0, naive(&sh, &x), "{sh:?}");
        }
    }

    /// The gradient of `Σ r ⊙ y`: `r` at each window's winning input, summed over windows.
    #[test]
    fn backward_routes_to_the_maximum() {
        for (batch, steps, channels, size, stride, pad) in SHAPES {
            let sh = Shape { batch, steps, channels, size, stride, pad };
            let x = lcg(12, batch * steps * channels, 1.0);
            let (y, arg) = forward(&sh, &x);
            let r = lcg(13, y.len(), 1.0);
            let dx = backward(&sh, &arg, &r);
            let mut want = vec![0.0f32; x.len()];
            let (c, out) = (channels, sh.out_steps());
            for b in 0..batch {
                for t in 0..out {
                    for ch in 0..c {
                        let at = (b * out + t) * c + ch;
                        let s = (0..steps).find(|&s| x[(b * steps + s) * c + ch] == y[at]).expect("the maximum is an input");
                        want[(b * steps + s) * c + ch] += r[at];
                    }
                }
            }
            assert_eq!(dx, want, "{sh:?}");
        }
    }
}
