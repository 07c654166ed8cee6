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
use std::ops::Range;

use crate::buf::Lazy;
use crate::gemm::{Packed, matmul_acc_packed, matmul_acc_strided, matmul_tn_acc, transpose};
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

/// `relu(v)` as burn's: NaN stays NaN, so a diverging run still shows it.
#[inline]
fn relu(v: f32) -> f32 {
    if v.is_nan() || v > 0.0 { v } else { 0.0 }
}

/// `y = conv(x, kernel) + bias` `[batch, out_steps, filters]`, then `relu` when asked.
///
/// A batch row at a time, each written in full by its thread: the bias, the product and the
/// relu while the row is in cache (an input projection's row, `[250, 400]` for M3, is 400 KB;
/// a group of 8 rows written with the bias first and multiplied after went to memory and
/// back, and `vec![0.0; n]` before it was a serial pass). The kernel is packed once.
pub fn forward(sh: &Shape, x: &[f32], kernel: &[f32], bias: &[f32], with_relu: bool) -> Vec<f32> {
    let (c, f, k, out, lp) = (sh.channels, sh.filters, sh.kernel, sh.out_steps(), sh.padded());
    assert!(x.len() == sh.batch * sh.steps * c && kernel.len() == k * c * f && bias.len() == f);
    let xp = padded(sh, x);
    let packed = (sh.dilation == 1).then(|| Packed::new(kernel, k * c, f));
    let mut y = Lazy::new(sh.batch * out * f);
    let rows: Vec<Range<usize>> = (0..sh.batch).map(|b| b..b + 1).collect();
    let parts = y.parts(&rows, out * f);
    map((0..sh.batch).zip(parts).collect(), |(b, yb)| {
        let yb = if f == 0 { yb.filled(&[0.0]) } else { yb.filled(bias) };
        let xb = &xp[b * lp * c..][..lp * c];
        match &packed {
            Some(packed) => matmul_acc_packed(out, xb, sh.stride * c, packed, yb, f),
            None => {
                for j in 0..k {
                    matmul_acc_strided(out, c, f, &xb[j * sh.dilation * c..], sh.stride * c, &kernel[j * c * f..][..c * f], yb, f);
                }
            }
        }
        if with_relu {
            yb.iter_mut().for_each(|v| *v = relu(*v));
        }
    });
    y.into_vec()
}

/// `y += a·x`.
#[inline]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
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

/// `relu_out` is [`forward`]'s output when it applied `relu`: `dy` is then the
/// gradient after the activation and is masked where the output is 0 (NaN passes).
pub fn backward(sh: &Shape, x: &[f32], kernel: &[f32], dy: &[f32], relu_out: Option<&[f32]>, want_x: bool) -> Grads {
    let (c, f, k, out, lp, d) = (sh.channels, sh.filters, sh.kernel, sh.out_steps(), sh.padded(), sh.dilation);
    assert!(x.len() == sh.batch * sh.steps * c && kernel.len() == k * c * f && dy.len() == sh.batch * out * f);
    assert!(relu_out.is_none_or(|y| y.len() == dy.len()));
    let xp = padded(sh, x);
    // With stride and dilation 1 the input gradient is one correlation of the output
    // gradient, padded by k − 1 zero rows each side, with the flipped kernel: row s of
    // dx is the window dy[s − k + 1 ..= s] `[k·filters]` · kflip `[k·filters, channels]`,
    // one matmul with k·filters terms where tap by tap gave k with filters terms (and k
    // passes over dx). Otherwise tap by tap with kernel[j]ᵀ `[filters, channels]`.
    let correlate = sh.stride == 1 && d == 1;
    let mut kt = Vec::with_capacity(k * c * f);
    for j in 0..k {
        let tap = if correlate { k - 1 - j } else { j };
        kt.extend_from_slice(&transpose(&kernel[tap * c * f..][..c * f], c, f));
    }
    // kernel as `[filters, k·channels]`: the sparse path's rows
    let kc = k * c;
    let kto = if d == 1 { transpose(kernel, kc, f) } else { Vec::new() };
    let mut dxp = vec![0.0f32; if want_x { sh.batch * lp * c } else { 0 }];
    let groups = groups(sh.batch);
    let dx_parts = cut(&mut dxp, &groups, if want_x { lp * c } else { 0 });
    let sums = map(groups.iter().cloned().zip(dx_parts).collect(), |(rows, dxs)| {
        let mut dk = vec![0.0f32; k * c * f];
        let mut db = vec![0.0f32; f];
        // dy with k − 1 zero rows each side, `[out + 2(k − 1), filters]`: only its middle is
        // rewritten; made at the first dense row (behind a pooling every row may go sparse)
        let mut dyp = Vec::new();
        let mut masked = vec![0.0f32; if relu_out.is_some() { out * f } else { 0 }];
        // the sparse path's kernel gradient, `[filters, k·channels]`
        let mut dkt = vec![0.0f32; if d == 1 { f * kc } else { 0 }];
        for (i, b) in rows.enumerate() {
            let xb = &xp[b * lp * c..][..lp * c];
            let mut dyb = &dy[b * out * f..][..out * f];
            if let Some(y) = relu_out {
                let yb = &y[b * out * f..][..out * f];
                for ((m, &g), &o) in masked.iter_mut().zip(dyb).zip(yb) {
                    *m = if o.is_nan() || o > 0.0 { g } else { 0.0 };
                }
                dyb = &masked;
            }
            let mut nonzero = 0;
            for row in dyb.chunks_exact(f) {
                for (s, &v) in db.iter_mut().zip(row) {
                    *s += v;
                    nonzero += usize::from(v != 0.0);
                }
            }
            // Behind a max pooling (and a relu) most of dy is zero: M2's first convolution
            // sees at most one step in 5 per filter, its second one in 40. Each nonzero
            // dy[t, o] then adds dy·window(t) to dk's row o and dy·kernel row o to dx's
            // window, skipping the zeros the matmuls would multiply (a third of the
            // values at most, where the dense path's better register use stops paying).
            if d == 1 && 3 * nonzero < out * f {
                let mut dxb = want_x.then(|| &mut dxs[i * lp * c..][..lp * c]);
                for (t, row) in dyb.chunks_exact(f).enumerate() {
                    let at = t * sh.stride * c;
                    for (o, &g) in row.iter().enumerate().filter(|(_, g)| **g != 0.0) {
                        axpy(&mut dkt[o * kc..][..kc], g, &xb[at..][..kc]);
                        if let Some(dxb) = dxb.as_deref_mut() {
                            axpy(&mut dxb[at..][..kc], g, &kto[o * kc..][..kc]);
                        }
                    }
                }
                continue;
            }
            if d == 1 {
                matmul_tn_acc(k * c, out, f, xb, sh.stride * c, dyb, &mut dk);
            } else {
                for j in 0..k {
                    matmul_tn_acc(c, out, f, &xb[j * d * c..], sh.stride * c, dyb, &mut dk[j * c * f..][..c * f]);
                }
            }
            if want_x && correlate {
                if dyp.is_empty() {
                    dyp = vec![0.0f32; (out + 2 * (k - 1)) * f];
                }
                dyp[(k - 1) * f..][..out * f].copy_from_slice(dyb);
                let dxb = &mut dxs[i * lp * c..][..lp * c];
                matmul_acc_strided(lp, k * f, c, &dyp, f, &kt, dxb, c);
            } else if want_x {
                let dxb = &mut dxs[i * lp * c..][..lp * c];
                for j in 0..k {
                    matmul_acc_strided(out, f, c, dyb, f, &kt[j * f * c..][..f * c], &mut dxb[j * d * c..], sh.stride * c);
                }
            }
        }
        for (o, row) in dkt.chunks_exact(kc).enumerate() {
            row.iter().enumerate().for_each(|(p, v)| dk[p * f + o] += v);
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
pub(crate) mod tests {
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

    pub(crate) fn shapes() -> impl Iterator<Item = Shape> {
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
            let got = forward(&sh, &x, &kernel, &bias, false);
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
            let g = backward(&sh, &args[0], &args[1], &r, None, true);
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
            assert!(backward(&sh, &args[0], &args[1], &r, None, false).x.is_empty());
        }
    }

    /// [`backward`] by the definition, in f64: (dx, dkernel, dbias).
    fn naive_backward(sh: &Shape, x: &[f32], kernel: &[f32], dy: &[f32]) -> [Vec<f64>; 3] {
        let (c, f, out) = (sh.channels, sh.filters, sh.out_steps());
        let (mut dx, mut dk, mut db) = (vec![0.0; x.len()], vec![0.0; kernel.len()], vec![0.0; f]);
        for b in 0..sh.batch {
            for t in 0..out {
                for o in 0..f {
                    let g = f64::from(dy[(b * out + t) * f + o]);
                    db[o] += g;
                    for j in 0..sh.kernel {
                        let r = (t * sh.stride + j * sh.dilation) as isize - sh.pad.0 as isize;
                        if r < 0 || r >= sh.steps as isize {
                            continue;
                        }
                        for i in 0..c {
                            let xi = (b * sh.steps + r as usize) * c + i;
                            dk[(j * c + i) * f + o] += g * f64::from(x[xi]);
                            dx[xi] += g * f64::from(kernel[(j * c + i) * f + o]);
                        }
                    }
                }
            }
        }
        [dx, dk, db]
    }

    /// Both paths of the backward pass against the definition: a dense dy (the
    /// matmuls), one with 9 values in 10 zero (the sparse path, as behind a pooling), and
    /// both in one batch.
    #[test]
    fn dense_and_sparse_gradients_match_the_definition() {
        for sh in shapes() {
            let (c, f, k) = (sh.channels, sh.filters, sh.kernel);
            let (x, kernel) = (lcg(12, sh.batch * sh.steps * c, 1.0), lcg(13, k * c * f, 1.0));
            let dense = lcg(14, sh.batch * sh.out_steps() * f, 1.0);
            let keep = lcg(15, dense.len(), 1.0);
            let sparse: Vec<f32> = dense.iter().zip(&keep).map(|(g, r)| if *r > 0.8 { *g } else { 0.0 }).collect();
            // batch rows alternately sparse and dense: one group of rows takes both paths
            let row = sh.out_steps() * f;
            let mixed: Vec<f32> = (0..dense.len()).map(|i| if (i / row.max(1)) % 2 == 0 { sparse[i] } else { dense[i] }).collect();
            for (what, dy) in [("dense", &dense), ("sparse", &sparse), ("mixed", &mixed)] {
                let g = backward(&sh, &x, &kernel, dy, None, true);
                let want = naive_backward(&sh, &x, &kernel, dy);
                for (name, got, want) in [("dx", &g.x, &want[0]), ("dkernel", &g.kernel, &want[1]), ("dbias", &g.bias, &want[2])] {
                    assert_eq!(got.len(), want.len(), "{sh:?} {what} {name}");
                    for (g, w) in got.iter().zip(want) {
                        assert!((f64::from(*g) - w).abs() < 1e-4 * (1.0 + w.abs()), "{sh:?} {what} {name}: {g} vs {w}");
                    }
                }
            }
        }
    }

    /// The fused relu: forward is relu of the plain output (NaN kept), backward the
    /// plain backward of the masked gradient, bit for bit.
    #[test]
    fn relu_is_applied_and_masks_the_gradient() {
        for sh in shapes() {
            let (c, f, k) = (sh.channels, sh.filters, sh.kernel);
            let mut x = lcg(8, sh.batch * sh.steps * c, 1.0);
            x[0] = f32::NAN; // one NaN input: NaN outputs stay NaN, as burn's relu
            let (kernel, bias) = (lcg(9, k * c * f, 1.0), lcg(10, f, 1.0));
            let plain = forward(&sh, &x, &kernel, &bias, false);
            let y = forward(&sh, &x, &kernel, &bias, true);
            for (p, v) in plain.iter().zip(&y) {
                let want = if p.is_nan() || *p > 0.0 { *p } else { 0.0 };
                assert!(want.to_bits() == v.to_bits(), "{sh:?}: relu({p}) gave {v}");
            }
            assert!(y.iter().any(|v| *v == 0.0) && y.iter().any(|v| *v > 0.0), "{sh:?}: both sides of the kink");
            let dy = lcg(11, y.len(), 1.0);
            let masked: Vec<f32> = dy.iter().zip(&y).map(|(g, o)| if o.is_nan() || *o > 0.0 { *g } else { 0.0 }).collect();
            let x = lcg(8, x.len(), 1.0);
            let (fused, plain) = (backward(&sh, &x, &kernel, &dy, Some(&y), true), backward(&sh, &x, &kernel, &masked, None, true));
            assert_eq!((fused.x, fused.kernel, fused.bias), (plain.x, plain.kernel, plain.bias), "{sh:?}");
        }
    }

    /// `cargo test -p kiln-kernels conv_timing -- --ignored --nocapture`: M2's two
    /// convolutions at batch 512 (16 → 16 filters, kernel 7, maxlen 240, pooled by 5).
    #[test]
    #[ignore]
    fn m2_conv_timing() {
        // dy behind MaxPooling1D(5) and a relu, then behind GlobalMaxPooling1D: about one
        // value in 6, then one in 40, is not zero
        for (steps, density) in [(240, 1.0 / 6.0), (46, 1.0 / 40.0)] {
            let sh = Shape { batch: 512, steps, channels: 16, filters: 16, kernel: 7, stride: 1, dilation: 1, pad: (0, 0) };
            let x = lcg(1, 512 * steps * 16, 1.0);
            let kernel = lcg(2, 7 * 16 * 16, 0.2);
            let bias = lcg(3, 16, 0.1);
            let keep = lcg(5, 512 * sh.out_steps() * 16, 0.5);
            let dy: Vec<f32> = lcg(4, keep.len(), 0.01).iter().zip(&keep).map(|(g, r)| if r + 0.5 < density { *g } else { 0.0 }).collect();
            // the fastest of seven rounds: the machine is shared
            let (mut fw, mut bw) = (f64::MAX, f64::MAX);
            for _ in 0..7 {
                let t0 = std::time::Instant::now();
                let y = forward(&sh, &x, &kernel, &bias, true);
                let t1 = t0.elapsed().as_secs_f64() * 1e3;
                let g = backward(&sh, &x, &kernel, &dy, Some(&y), true);
                let t2 = t0.elapsed().as_secs_f64() * 1e3;
                assert_eq!((y.len(), g.x.len()), (x.len() / steps * sh.out_steps(), x.len()));
                (fw, bw) = (fw.min(t1), bw.min(t2 - t1));
            }
            println!("steps {steps}: forward {fw:.2} ms, backward {bw:.2} ms");
        }
    }
}
