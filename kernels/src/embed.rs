//! A `Conv1D` (or a recurrent layer's input projection, a `Conv1D` of kernel size 1)
//! straight after an `Embedding`, on the ids themselves.
//!
//! The embedded sequence only holds rows of the embedding table, so the convolution's
//! output at step `t` is `bias + Σ_j T[id(t·stride + j·dilation − pad), j]` with
//! `T = E_used · W` `[used, kernel·filters]`: one small matmul over the ids the batch
//! uses, then sums of table rows. M1 (`Embedding(5000, 32)` then `LSTM(100)`) projects
//! 32,000 tokens a step but uses a few thousand ids; M2's first `Conv1D(16, 7)` reads
//! 123,000 tokens of a 10,000-word vocabulary. Backward is the same trick in reverse:
//! the output gradient is summed per id and tap (`dT`), then `dW = E_usedᵀ·dT` and
//! `dE_used = dT·Wᵀ` are matmuls over the used ids, not over every token.
//!
//! Layouts as in [`crate::conv`]: ids `[batch, steps]`, table `[vocab, channels]`,
//! kernel `[kernel, channels, filters]`, y `[batch, out_steps, filters]`. Work is cut
//! in pieces of a fixed size (rows of `T`, batch rows, columns of `dT`), so the bits do
//! not depend on the number of threads.

use std::borrow::Cow;
use std::ops::Range;

use crate::buf::Lazy;
use crate::conv::Shape;
use crate::gemm::{Packed, matmul_acc_packed, matmul_tn, transpose};
use crate::rnn::{cut, map, split, threads};

/// Which ids a batch uses: `used[s]` is the id of slot `s` (in order of first
/// appearance), `slots[i]` the slot of token `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub used: Vec<u32>,
    pub slots: Vec<u32>,
}

impl Lookup {
    /// `None` when an id is outside `0..vocab` (the caller then leaves it to burn's
    /// embedding, which says so).
    pub fn new(ids: &[i64], vocab: usize) -> Option<Self> {
        const NONE: u32 = u32::MAX;
        let mut slot_of = vec![NONE; vocab];
        let mut used = Vec::new();
        let mut slots = Vec::with_capacity(ids.len());
        for &id in ids {
            let id = usize::try_from(id).ok().filter(|&id| id < vocab)?;
            if slot_of[id] == NONE {
                slot_of[id] = used.len() as u32;
                used.push(id as u32);
            }
            slots.push(slot_of[id]);
        }
        Some(Self { used, slots })
    }

    /// The table's used rows, `[used, channels]`.
    pub fn rows(&self, table: &[f32], channels: usize) -> Vec<f32> {
        let mut rows = Vec::with_capacity(self.used.len() * channels);
        for &id in &self.used {
            rows.extend_from_slice(&table[id as usize * channels..][..channels]);
        }
        rows
    }
}

/// Rows of `T` (and of `dE_used`) per piece.
const PIECE: usize = 64;

/// `rows` in pieces of [`PIECE`].
fn pieces(rows: usize) -> Vec<Range<usize>> {
    (0..rows.div_ceil(PIECE)).map(|i| i * PIECE..((i + 1) * PIECE).min(rows)).collect()
}

/// `a` `[rows, k]` · `b` `[k, n]` → `[rows, n]`, in pieces of rows.
fn matmul(rows: usize, k: usize, n: usize, a: &[f32], b: &[f32]) -> Vec<f32> {
    let packed = Packed::new(b, k, n);
    let mut c = vec![0.0f32; rows * n];
    let pieces = pieces(rows);
    let parts = cut(&mut c, &pieces, n);
    map(pieces.iter().cloned().zip(parts).collect(), |(r, c)| {
        matmul_acc_packed(r.len(), &a[r.start * k..r.end * k], k, &packed, c, n);
    });
    c
}

/// The kernel `[kernel, channels, filters]` as one matrix `[channels, kernel·filters]`.
fn taps_side_by_side(sh: &Shape, kernel: &[f32]) -> Vec<f32> {
    let (c, f, k) = (sh.channels, sh.filters, sh.kernel);
    let mut w = Vec::with_capacity(c * k * f);
    for i in 0..c {
        for j in 0..k {
            w.extend_from_slice(&kernel[(j * c + i) * f..][..f]);
        }
    }
    w
}

/// For output step `t`, each tap `j` that falls inside the sequence and its input step.
fn taps(sh: &Shape, t: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    (0..sh.kernel).filter_map(move |j| {
        let at = (t * sh.stride + j * sh.dilation).checked_sub(sh.pad.0)?;
        (at < sh.steps).then_some((j, at))
    })
}

/// `relu(v)` as burn's: NaN stays NaN.
#[inline]
fn relu(v: f32) -> f32 {
    if v.is_nan() || v > 0.0 { v } else { 0.0 }
}

/// `y = conv(table[ids], kernel) + bias` `[batch, out_steps, filters]`, relu when asked;
/// `rows` is `lookup.rows(table)`.
pub fn forward(sh: &Shape, lookup: &Lookup, rows: &[f32], kernel: &[f32], bias: &[f32], with_relu: bool) -> Vec<f32> {
    let (c, f, k, out) = (sh.channels, sh.filters, sh.kernel, sh.out_steps());
    let used = lookup.used.len();
    assert!(lookup.slots.len() == sh.batch * sh.steps && rows.len() == used * c);
    assert!(kernel.len() == k * c * f && bias.len() == f);
    let t = matmul(used, c, k * f, rows, &taps_side_by_side(sh, kernel)); // [used, k·f]
    let mut y = Lazy::new(sh.batch * out * f);
    let batch_rows: Vec<Range<usize>> = (0..sh.batch).map(|b| b..b + 1).collect();
    let parts = y.parts(&batch_rows, out * f);
    map((0..sh.batch).zip(parts).collect(), |(b, yb)| {
        let yb = if f == 0 { yb.filled(&[0.0]) } else { yb.filled(bias) };
        let slots = &lookup.slots[b * sh.steps..][..sh.steps];
        for (step, yt) in yb.chunks_exact_mut(f.max(1)).enumerate().take(out) {
            for (j, at) in taps(sh, step) {
                let row = &t[(slots[at] as usize * k + j) * f..][..f];
                yt.iter_mut().zip(row).for_each(|(y, v)| *y += v);
            }
            if with_relu {
                yt.iter_mut().for_each(|v| *v = relu(*v));
            }
        }
    });
    y.into_vec()
}

/// Gradients of [`forward`].
#[derive(Debug, Clone, Default)]
pub struct Grads {
    /// Of the used rows of the table, `[used, channels]` (slot order); empty unless asked for.
    pub rows: Vec<f32>,
    /// `[kernel, channels, filters]`.
    pub kernel: Vec<f32>,
    /// `[filters]`.
    pub bias: Vec<f32>,
}

/// From `dy` `[batch, out_steps, filters]`; `relu_out` is [`forward`]'s output when it
/// applied relu (`dy` is then masked where it is 0; NaN passes).
pub fn backward(sh: &Shape, lookup: &Lookup, rows: &[f32], kernel: &[f32], dy: &[f32], relu_out: Option<&[f32]>, want_rows: bool) -> Grads {
    let (c, f, k, out) = (sh.channels, sh.filters, sh.kernel, sh.out_steps());
    let (used, kf) = (lookup.used.len(), sh.kernel * sh.filters);
    assert!(lookup.slots.len() == sh.batch * sh.steps && rows.len() == used * c);
    assert!(kernel.len() == k * c * f && dy.len() == sh.batch * out * f);
    assert!(relu_out.is_none_or(|y| y.len() == dy.len()));
    // dy where the relu passed it, once (each band below reads all of it)
    let dz: Cow<'_, [f32]> = match relu_out {
        None => Cow::Borrowed(dy),
        Some(y) => {
            let mut dz = vec![0.0f32; dy.len()];
            let pieces = pieces(sh.batch);
            let parts = cut(&mut dz, &pieces, out * f);
            map(pieces.iter().cloned().zip(parts).collect(), |(r, dz)| {
                let span = r.start * out * f..r.end * out * f;
                for ((d, &g), &o) in dz.iter_mut().zip(&dy[span.clone()]).zip(&y[span]) {
                    *d = if o.is_nan() || o > 0.0 { g } else { 0.0 };
                }
            });
            Cow::Owned(dz)
        }
    };
    // dT[slot, j·f + o] = Σ dz[b, t, o] over the steps t whose tap j reads that slot: each
    // thread owns a band of dT's columns and walks every token, so nothing is shared
    let mut dt = vec![0.0f32; used * kf];
    let bands = split(kf, threads());
    let mut band_sums = map(bands.clone(), |cols| {
        let mut part = vec![0.0f32; used * cols.len()];
        for b in 0..sh.batch {
            let slots = &lookup.slots[b * sh.steps..][..sh.steps];
            for step in 0..out {
                let at_dy = (b * out + step) * f;
                for (j, at) in taps(sh, step) {
                    let lo = cols.start.max(j * f);
                    let hi = cols.end.min((j + 1) * f);
                    if lo >= hi {
                        continue;
                    }
                    let dst = &mut part[slots[at] as usize * cols.len() + lo - cols.start..][..hi - lo];
                    dst.iter_mut().zip(&dz[at_dy + lo - j * f..][..hi - lo]).for_each(|(d, g)| *d += g);
                }
            }
        }
        part
    });
    for (cols, part) in bands.iter().zip(band_sums.drain(..)) {
        for s in 0..used {
            dt[s * kf + cols.start..][..cols.len()].copy_from_slice(&part[s * cols.len()..][..cols.len()]);
        }
    }
    let mut bias = vec![0.0f32; f];
    for row in dz.chunks_exact(f.max(1)) {
        bias.iter_mut().zip(row).for_each(|(s, g)| *s += g);
    }
    // dW as [channels, k·f] back to [k, channels, f]
    let dw = matmul_tn(used, c, kf, rows, &dt);
    let mut dkernel = vec![0.0f32; k * c * f];
    for i in 0..c {
        for j in 0..k {
            dkernel[(j * c + i) * f..][..f].copy_from_slice(&dw[i * kf + j * f..][..f]);
        }
    }
    let rows = if want_rows { matmul(used, kf, c, &dt, &transpose(&taps_side_by_side(sh, kernel), c, kf)) } else { Vec::new() };
    Grads { rows, kernel: dkernel, bias }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gemm::tests::lcg;

    /// conv's shapes, and a projection's (kernel 1, wide).
    fn shapes() -> impl Iterator<Item = Shape> {
        let projection = Shape { batch: 5, steps: 13, channels: 32, filters: 40, kernel: 1, stride: 1, dilation: 1, pad: (0, 0) };
        crate::conv::tests::shapes().chain([projection])
    }

    /// Ids from a small vocabulary (so they repeat), with the padding id 0 common.
    fn ids(n: usize, vocab: usize) -> Vec<i64> {
        lcg(9, n, 1.0).iter().map(|v| ((v.abs() * 1.5 * vocab as f32) as i64).min(vocab as i64 - 1) * i64::from(*v > -0.3)).collect()
    }

    fn close(got: &[f32], want: &[f32], what: &str, sh: &Shape) {
        assert_eq!(got.len(), want.len(), "{what} {sh:?}");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-4 * (1.0 + w.abs()), "{what} {sh:?}: {g} vs {w}");
        }
    }

    #[test]
    fn lookup_keeps_first_appearance_and_refuses_ids_outside_the_vocabulary() {
        let lookup = Lookup::new(&[3, 0, 3, 1, 0], 4).unwrap();
        assert_eq!(lookup.used, [3, 0, 1]);
        assert_eq!(lookup.slots, [0, 1, 0, 2, 1]);
        assert_eq!(lookup.rows(&[0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5], 2), [3.0, 3.5, 0.0, 0.5, 1.0, 1.5]);
        assert_eq!(Lookup::new(&[0, 4], 4), None);
        assert_eq!(Lookup::new(&[-1], 4), None);
    }

    /// The same numbers as `conv` on the embedded sequence, forward and backward (the
    /// table's gradient is conv's input gradient summed per id), with and without relu.
    #[test]
    fn matches_conv_on_the_embedded_sequence() {
        for sh in shapes() {
            for relu in [false, true] {
                let (c, f, k, vocab) = (sh.channels, sh.filters, sh.kernel, 7);
                let ids = ids(sh.batch * sh.steps, vocab);
                let table = lcg(1, vocab * c, 1.0);
                let (kernel, bias) = (lcg(2, k * c * f, 1.0), lcg(3, f, 1.0));
                let x: Vec<f32> = ids.iter().flat_map(|&id| table[id as usize * c..][..c].to_vec()).collect();
                let lookup = Lookup::new(&ids, vocab).unwrap();
                let rows = lookup.rows(&table, c);
                let y = forward(&sh, &lookup, &rows, &kernel, &bias, relu);
                let want = crate::conv::forward(&sh, &x, &kernel, &bias, relu);
                close(&y, &want, "y", &sh);
                let dy = lcg(4, y.len(), 1.0);
                let relu_out = relu.then_some(&want[..]);
                let g = backward(&sh, &lookup, &rows, &kernel, &dy, relu_out, true);
                let cg = crate::conv::backward(&sh, &x, &kernel, &dy, relu_out, true);
                close(&g.kernel, &cg.kernel, "dkernel", &sh);
                close(&g.bias, &cg.bias, "dbias", &sh);
                let mut want_rows = vec![0.0f32; rows.len()];
                for (i, &s) in lookup.slots.iter().enumerate() {
                    want_rows[s as usize * c..][..c].iter_mut().zip(&cg.x[i * c..][..c]).for_each(|(a, v)| *a += v);
                }
                close(&g.rows, &want_rows, "drows", &sh);
                assert!(backward(&sh, &lookup, &rows, &kernel, &dy, relu_out, false).rows.is_empty());
            }
        }
    }
}
