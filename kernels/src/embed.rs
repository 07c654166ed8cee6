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
use crate::rnn::{cut, map, threads};

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

    /// The slots in `parts` contiguous ranges holding about as many tokens each.
    pub fn bands(&self, parts: usize) -> Vec<Range<usize>> {
        let mut count = vec![0usize; self.used.len()];
        self.slots.iter().for_each(|&s| count[s as usize] += 1);
        let parts = parts.clamp(1, self.used.len().max(1));
        let (mut bands, mut start, mut seen) = (Vec::with_capacity(parts), 0, 0);
        for (s, n) in count.iter().enumerate() {
            // cut where the tokens so far come closest to the next share (·parts)
            let share = self.slots.len() * (bands.len() + 1);
            if bands.len() + 1 < parts && (seen + n) * parts >= share {
                let before = s > start && share - seen * parts < (seen + n) * parts - share;
                let end = if before { s } else { s + 1 };
                bands.push(start..end);
                start = end;
            }
            seen += n;
        }
        bands.push(start..self.used.len());
        bands
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

/// For input step `at`, each tap `j` that reads it and the output step it feeds:
/// `step·stride + j·dilation − pad.0 = at`, `step < out` (`sh.out_steps()`).
fn steps_fed(sh: &Shape, out: usize, at: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    (0..sh.kernel).filter_map(move |j| {
        let from = (at + sh.pad.0).checked_sub(j * sh.dilation)?;
        (from % sh.stride == 0 && from / sh.stride < out).then_some((j, from / sh.stride))
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
        // token by token: T's row for the token's id, `[k·f]`, is read once and each tap's
        // part added to the output step it feeds (a tap at a time, output step by step,
        // read k scattered rows per step: M2's 4.5 MB T went to memory 7 times a token)
        for (at, &slot) in slots.iter().enumerate() {
            let row = &t[slot as usize * k * f..][..k * f];
            for (j, step) in steps_fed(sh, out, at) {
                yb[step * f..][..f].iter_mut().zip(&row[j * f..][..f]).for_each(|(y, v)| *y += v);
            }
        }
        if with_relu {
            yb.iter_mut().for_each(|v| *v = relu(*v));
        }
    });
    y.into_vec()
}

/// A projection's table (a kernel of size 1, `w` `[channels, filters]`): `rows·w + bias`
/// `[used, filters]`, the row [`forward`] gives every token of an id. The recurrent
/// loop reads it in place of the projected sequence (`rnn::Inputs::Table`).
pub fn projected(rows: &[f32], channels: usize, w: &[f32], bias: &[f32]) -> Vec<f32> {
    let f = bias.len();
    assert!(channels > 0 && rows.len().is_multiple_of(channels) && w.len() == channels * f);
    let mut t = matmul(rows.len() / channels, channels, f, rows, w);
    for row in t.chunks_exact_mut(f.max(1)) {
        row.iter_mut().zip(bias).for_each(|(v, b)| *v += b);
    }
    t
}

/// `GlobalAveragePooling1D` of the embedded sequence, `[batch, channels]`: each batch row's
/// mean of its tokens' rows of `rows` (`lookup.rows(table)`, `[used, channels]`), which a
/// few thousand ids keep in cache where the `[batch, steps, channels]` values would not.
pub fn mean(lookup: &Lookup, rows: &[f32], batch: usize, channels: usize) -> Vec<f32> {
    let c = channels;
    let steps = lookup.slots.len() / batch.max(1);
    assert!(lookup.slots.len() == batch * steps && rows.len() == lookup.used.len() * c);
    let mut y = vec![0.0f32; batch * c];
    let pieces = pieces(batch);
    let parts = cut(&mut y, &pieces, c);
    map(pieces.iter().cloned().zip(parts).collect(), |(r, y)| {
        for (b, yb) in r.zip(y.chunks_exact_mut(c.max(1))) {
            for &slot in &lookup.slots[b * steps..][..steps] {
                yb.iter_mut().zip(&rows[slot as usize * c..][..c]).for_each(|(y, v)| *y += v);
            }
            yb.iter_mut().for_each(|v| *v /= steps as f32);
        }
    });
    y
}

/// The gradient of [`mean`] for the used rows, `[used, channels]`, from `dy` `[batch,
/// channels]`: each token adds its row's `dy / steps`; each thread owns a band of ids.
pub fn mean_backward(lookup: &Lookup, dy: &[f32], batch: usize, channels: usize) -> Vec<f32> {
    let c = channels;
    let steps = lookup.slots.len() / batch.max(1);
    assert!(lookup.slots.len() == batch * steps && dy.len() == batch * c);
    let scaled: Vec<f32> = dy.iter().map(|g| g / steps as f32).collect();
    let mut drows = vec![0.0f32; lookup.used.len() * c];
    let bands = lookup.bands(threads());
    let parts = cut(&mut drows, &bands, c);
    map(bands.iter().cloned().zip(parts).collect(), |(own, part)| {
        for (i, &slot) in lookup.slots.iter().enumerate() {
            let slot = slot as usize;
            if own.contains(&slot) {
                let row = &mut part[(slot - own.start) * c..][..c];
                row.iter_mut().zip(&scaled[i / steps * c..][..c]).for_each(|(d, g)| *d += g);
            }
        }
    });
    drows
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
    // dT[slot, j·f + o] = Σ dz[b, t, o] over the steps t whose tap j reads that slot, token by
    // token as forward: each thread owns a band of dT's rows (ids), as many tokens' worth as
    // the others, and walks every token, so nothing is shared
    let mut dt = vec![0.0f32; used * kf];
    let bands = lookup.bands(threads());
    let parts = cut(&mut dt, &bands, kf);
    map(bands.iter().cloned().zip(parts).collect(), |(own, part)| {
        for (i, &slot) in lookup.slots.iter().enumerate() {
            let slot = slot as usize;
            if !own.contains(&slot) {
                continue;
            }
            let (b, at) = (i / sh.steps, i % sh.steps);
            let row = &mut part[(slot - own.start) * kf..][..kf];
            for (j, step) in steps_fed(sh, out, at) {
                row[j * f..][..f].iter_mut().zip(&dz[(b * out + step) * f..][..f]).for_each(|(d, g)| *d += g);
            }
        }
    });
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
        assert_eq!(lookup.bands(2), [0..1, 1..3]); // 2 tokens of id 3, then 3 of the others
        assert_eq!(lookup.bands(1), [0..3]);
        assert_eq!(lookup.bands(9), [0..1, 1..2, 2..3]);
        assert_eq!(Lookup::new(&[], 4).unwrap().bands(2), [0..0]);
        assert_eq!(Lookup::new(&[0, 4], 4), None);
        assert_eq!(Lookup::new(&[-1], 4), None);
    }

    #[test]
    fn a_projections_table_gives_each_token_its_forward_row() {
        let (c, f, vocab) = (6, 10, 9);
        let sh = Shape { batch: 3, steps: 7, channels: c, filters: f, kernel: 1, stride: 1, dilation: 1, pad: (0, 0) };
        let ids = ids(sh.batch * sh.steps, vocab);
        let lookup = Lookup::new(&ids, vocab).unwrap();
        let rows = lookup.rows(&lcg(1, vocab * c, 1.0), c);
        let (w, bias) = (lcg(2, c * f, 1.0), lcg(3, f, 1.0));
        let table = projected(&rows, c, &w, &bias);
        let via_table: Vec<f32> = lookup.slots.iter().flat_map(|&s| table[s as usize * f..][..f].to_vec()).collect();
        assert_eq!(via_table, forward(&sh, &lookup, &rows, &w, &bias, false));
    }

    #[test]
    fn the_mean_of_the_rows_and_its_gradient() {
        let (batch, steps, c, vocab) = (5, 7, 3, 6);
        let ids = ids(batch * steps, vocab);
        let lookup = Lookup::new(&ids, vocab).unwrap();
        let table = lcg(1, vocab * c, 1.0);
        let y = mean(&lookup, &lookup.rows(&table, c), batch, c);
        let dy = lcg(2, batch * c, 1.0);
        let drows = mean_backward(&lookup, &dy, batch, c);
        for b in 0..batch {
            for i in 0..c {
                let want: f32 = ids[b * steps..][..steps].iter().map(|&id| table[id as usize * c + i]).sum::<f32>() / steps as f32;
                assert!((y[b * c + i] - want).abs() < 1e-6, "y[{b}, {i}]");
            }
        }
        for (s, &id) in lookup.used.iter().enumerate() {
            for i in 0..c {
                let want: f32 = (0..batch * steps).filter(|&t| ids[t] == i64::from(id)).map(|t| dy[t / steps * c + i] / steps as f32).sum();
                assert!((drows[s * c + i] - want).abs() < 1e-6, "drows[{s}, {i}]");
            }
        }
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
