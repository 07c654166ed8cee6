//! Small dense matmuls that accumulate into `c`, with register tiles of 4 rows ×
//! `NR` columns: written out in simd128 for wasm, a loop LLVM vectorises natively
//! (SSE/AVX). Rows of `a` and `c` may sit `lda`/`ldc` apart, and may overlap in `a`:
//! a convolution window sliding over a channels-last sequence is such a matrix.

use crate::rnn::map;

pub(crate) const MR: usize = 4;
/// In wasm 4 × 8 keeps 8 accumulators, 2 panel vectors and a broadcast in registers: V8
/// has 16 xmm registers, and a 4 × 16 tile spilled (19 against 30 GFLOP/s in Chromium
/// for M1's `[64, 100] · [100, 400]`). Natively LLVM keeps 4 × 16 in registers, and
/// it is the faster one there (150 against 180 ms for 1000 of those matmuls).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const NR: usize = 8;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const NR: usize = 16;

/// `[rows, cols]` → `[cols, rows]`.
pub fn transpose(a: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0f32; rows * cols];
    for i in 0..rows {
        for j in 0..cols {
            t[j * rows + i] = a[i * cols + j];
        }
    }
    t
}

/// `c[m, n] += a[m, k] · b[k, n]`, all row-major and dense.
pub fn matmul_acc(m: usize, k: usize, n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    matmul_acc_strided(m, k, n, a, k, b, c, n);
}

/// `c[i, j] += Σ_p a[i·lda + p] · b[p, j]` for `i < m`, `j < n`, `p < k`; `c`'s rows
/// are `ldc` apart, `b` is dense `[k, n]`. Columns outermost, so a `k × 8` panel of
/// `b` stays in L1 while every row of `a` passes.
#[allow(clippy::too_many_arguments)]
pub fn matmul_acc_strided(m: usize, k: usize, n: usize, a: &[f32], lda: usize, b: &[f32], c: &mut [f32], ldc: usize) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    assert!(ldc >= n && a.len() >= (m - 1) * lda + k && b.len() >= k * n && c.len() >= (m - 1) * ldc + n);
    panels(m, k, n, A { a, row: lda, step: 1 }, b, None, c, ldc);
}

/// `c[m, n] += aᵀ · b`: `c[i, j] += Σ_p a[p·lda + i] · b[p, j]` for `p < k`, with `b`
/// dense `[k, n]` and `c` dense `[m, n]`; `a`'s rows may overlap (`lda < m`). The weight gradient of a convolution:
/// `a`'s rows are the input windows, `b` the output gradients.
pub fn matmul_tn_acc(m: usize, k: usize, n: usize, a: &[f32], lda: usize, b: &[f32], c: &mut [f32]) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    assert!(a.len() >= (k - 1) * lda + m && b.len() >= k * n && c.len() >= m * n);
    panels(m, k, n, A { a, row: 1, step: lda }, b, None, c, n);
}

/// `aᵀ · b` `[m, n]` for dense `a` `[rows, m]` and `b` `[rows, n]`: a weight gradient
/// summed over many rows (`batch·seq`). Blocks of [`ROWS`] rows run on their own (in
/// parallel with the `rayon` feature) and are added in order, so the bits do not
/// depend on the number of threads.
pub fn matmul_tn(rows: usize, m: usize, n: usize, a: &[f32], b: &[f32]) -> Vec<f32> {
    assert!(a.len() == rows * m && b.len() == rows * n, "aᵀ·b wants a [rows, m] and b [rows, n]");
    let blocks: Vec<_> = (0..rows.div_ceil(ROWS)).map(|i| i * ROWS..((i + 1) * ROWS).min(rows)).collect();
    let parts = map(blocks, |r| {
        let mut c = vec![0.0f32; m * n];
        matmul_tn_acc(m, r.len(), n, &a[r.start * m..r.end * m], m, &b[r.start * n..r.end * n], &mut c);
        c
    });
    let mut parts = parts.into_iter();
    let mut c = parts.next().unwrap_or_else(|| vec![0.0f32; m * n]);
    for part in parts {
        c.iter_mut().zip(part).for_each(|(s, v)| *s += v);
    }
    c
}

/// Rows per block of [`matmul_tn`].
const ROWS: usize = 1024;

/// The left operand: element `(i, p)` at `a[i·row + p·step]`.
#[derive(Clone, Copy)]
struct A<'a> {
    a: &'a [f32],
    row: usize,
    step: usize,
}

impl<'a> A<'a> {
    fn at_row(self, i: usize) -> A<'a> {
        A { a: &self.a[i * self.row..], ..self }
    }
}

/// `c[i, j] += Σ_p a(i, p) · b[p, j]` in blocks of [`KC`] values of `p`, so that a
/// block's 8-column panel of `b` stays in L1 while every row of `a` passes (a long
/// `k`, as in a weight gradient over `batch·seq` rows, streamed it from memory).
///
/// Rows go in chunks of [`MC`], each through every panel before the next: a tall `a`
/// (`[batch·seq, in]` in a layer's input projection) is then read from memory once,
/// where panels outermost read it once per panel (19 against 27 GFLOP/s in Chromium
/// for `[32000, 32] · [32, 400]`, 12 against 24 for `[32000, 400] · [400, 32]`).
#[allow(clippy::too_many_arguments)]
fn panels(m: usize, k: usize, n: usize, a: A<'_>, b: &[f32], packed: Option<&Packed<'_>>, c: &mut [f32], ldc: usize) {
    // more than one row tile reads each panel: pack `b` once for the whole product (a
    // weight gradient's [12800, 64]ᵀ·[12800, 256] went 25 → 33 GFLOP/s in V8)
    let own;
    let packed = match packed {
        None if m > MR && n >= NR => {
            own = Packed::new(b, k, n);
            Some(&own)
        }
        packed => packed,
    };
    for p0 in (0..k).step_by(KC) {
        let kb = KC.min(k - p0);
        for i0 in (0..m).step_by(MC) {
            let a = A { a: &a.a[p0 * a.step..], ..a }.at_row(i0);
            let packed = packed.map(|pk| Block { panels: &pk.panels, k, p0 });
            panels_block(MC.min(m - i0), kb, n, a, &b[p0 * n..], packed, &mut c[i0 * ldc..], ldc);
        }
    }
}

/// `b` `[k, n]` with its `NR`-column panels also laid out one after the other, each
/// `[k, NR]` contiguous: the tile then reads a panel as one stream (a row of `b` is
/// `n` values apart otherwise, and a panel touches a cache line per row). A matrix
/// multiplied at every step (a recurrent kernel) is packed once.
pub struct Packed<'a> {
    b: &'a [f32],
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl<'a> Packed<'a> {
    pub fn new(b: &'a [f32], k: usize, n: usize) -> Self {
        assert!(b.len() >= k * n, "b is [k, n]");
        let mut panels = Vec::with_capacity(n / NR * k * NR);
        for j0 in (0..n / NR).map(|j| j * NR) {
            for p in 0..k {
                panels.extend_from_slice(&b[p * n + j0..][..NR]);
            }
        }
        Self { b, k, n, panels }
    }
}

/// `c[i, j] += Σ_p a[i·lda + p] · b[p, j]` as [`matmul_acc_strided`], with `b` packed.
pub fn matmul_acc_packed(m: usize, a: &[f32], lda: usize, b: &Packed<'_>, c: &mut [f32], ldc: usize) {
    let (k, n) = (b.k, b.n);
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    assert!(ldc >= n && a.len() >= (m - 1) * lda + k && c.len() >= (m - 1) * ldc + n);
    panels(m, k, n, A { a, row: lda, step: 1 }, b.b, Some(b), c, ldc);
}

/// The `KC` rows of a packed `b` a block reads: from `p0`, of panels `k` rows long.
#[derive(Clone, Copy)]
struct Block<'a> {
    panels: &'a [f32],
    k: usize,
    p0: usize,
}

/// Values of `k` per block: a `KC × 8` panel of `b` is 8 KiB.
const KC: usize = 256;
/// Rows per chunk: a `MC × KC` block of `a` is 64 KiB.
const MC: usize = 64;

/// [`panels`] for one block: `NR`-column panels of `b`, then 4-column ones, then
/// single columns; rows in blocks of 4, then one at a time.
#[allow(clippy::too_many_arguments)]
fn panels_block(m: usize, k: usize, n: usize, a: A<'_>, b: &[f32], packed: Option<Block<'_>>, c: &mut [f32], ldc: usize) {
    let mut j0 = 0;
    if let Some(pk) = packed {
        while j0 + NR <= n {
            let panel = &pk.panels[(j0 / NR * pk.k + pk.p0) * NR..][..k * NR];
            rows::<NR>(m, k, NR, a, panel, 0, &mut c[j0..], ldc);
            j0 += NR;
        }
    }
    while j0 + NR <= n {
        rows::<NR>(m, k, n, a, b, j0, c, ldc);
        j0 += NR;
    }
    while j0 + 4 <= n {
        rows::<4>(m, k, n, a, b, j0, c, ldc);
        j0 += 4;
    }
    for j in j0..n {
        for i in 0..m {
            c[i * ldc + j] += (0..k).map(|p| a.a[i * a.row + p * a.step] * b[p * n + j]).sum::<f32>();
        }
    }
}

/// Every row of `c`'s `W`-column panel at `j0`.
#[allow(clippy::too_many_arguments)]
fn rows<const W: usize>(m: usize, k: usize, n: usize, a: A<'_>, b: &[f32], j0: usize, c: &mut [f32], ldc: usize) {
    let m_main = m / MR * MR;
    for i0 in (0..m_main).step_by(MR) {
        tile::<MR, W>(k, a.at_row(i0), b, n, j0, &mut c[i0 * ldc + j0..], ldc);
    }
    for i in m_main..m {
        tile::<1, W>(k, a.at_row(i), b, n, j0, &mut c[i * ldc + j0..], ldc);
    }
}

/// The register tile: `c[r·ldc + jj] += Σ_p a(r, p) · b[p, j0 + jj]` for `r < R`,
/// `jj < W` (4 or `NR`), `p < k`.
#[inline(always)]
fn tile<const R: usize, const W: usize>(k: usize, a: A<'_>, b: &[f32], n: usize, j0: usize, c: &mut [f32], ldc: usize) {
    assert!(W.is_multiple_of(4) && W <= NR && k > 0);
    assert!((R - 1) * a.row + (k - 1) * a.step < a.a.len() && (k - 1) * n + j0 + W <= b.len() && (R - 1) * ldc + W <= c.len());
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    // SAFETY: the asserts above bound every index the tile reads and writes.
    unsafe {
        simd::tile::<R, W>(k, a.a.as_ptr(), a.row, a.step, b.as_ptr().add(j0), n, c.as_mut_ptr(), ldc)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut acc = [[0.0f32; W]; R];
        for p in 0..k {
            let bp: &[f32; W] = b[p * n + j0..][..W].try_into().unwrap();
            for (r, acc_r) in acc.iter_mut().enumerate() {
                // SAFETY: the asserts above bound `r·row + p·step`; LLVM does not see it.
                let av = unsafe { *a.a.get_unchecked(r * a.row + p * a.step) };
                for jj in 0..W {
                    acc_r[jj] += av * bp[jj];
                }
            }
        }
        for (r, acc_r) in acc.iter().enumerate() {
            let row: &mut [f32; W] = (&mut c[r * ldc..][..W]).try_into().unwrap();
            for jj in 0..W {
                row[jj] += acc_r[jj];
            }
        }
    }
}

/// The tile in wasm SIMD, written out: LLVM's own vectorisation of the loop above
/// reached 18–23 GFLOP/s in Chromium where this reaches 30–34.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// `a·b + c`: one fused multiply-add where the engine has relaxed SIMD's.
    #[inline(always)]
    fn madd(a: v128, b: v128, c: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        return f32x4_relaxed_madd(a, b, c);
        #[cfg(not(target_feature = "relaxed-simd"))]
        f32x4_add(c, f32x4_mul(a, b))
    }

    /// # Safety
    /// `a + r·row + p·step` for `r < R`, `p < k`; `b + p·n + [0, W)`; `c + r·ldc + [0, W)`
    /// must all lie in their slices.
    #[inline(always)]
    pub(super) unsafe fn tile<const R: usize, const W: usize>(k: usize, a: *const f32, row: usize, step: usize, b: *const f32, n: usize, c: *mut f32, ldc: usize) {
        // SAFETY: the caller's contract bounds every pointer below.
        unsafe {
            let two = W == 8;
            let mut acc = [[f32x4_splat(0.0); 2]; R];
            let (mut ap, mut bp) = (a, b);
            for _ in 0..k {
                let b0 = v128_load(bp as *const v128);
                let b1 = if two { v128_load(bp.add(4) as *const v128) } else { b0 };
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    let av = v128_load32_splat(ap.add(r * row) as *const u32);
                    acc_r[0] = madd(av, b0, acc_r[0]);
                    if two {
                        acc_r[1] = madd(av, b1, acc_r[1]);
                    }
                }
                ap = ap.add(step);
                bp = bp.add(n);
            }
            for (r, acc_r) in acc.iter().enumerate() {
                let cr = c.add(r * ldc);
                v128_store(cr as *mut v128, f32x4_add(v128_load(cr as *const v128), acc_r[0]));
                if two {
                    let c1 = cr.add(4) as *mut v128;
                    v128_store(c1, f32x4_add(v128_load(c1), acc_r[1]));
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn lcg(seed: u64, n: usize, scale: f32) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                scale * (((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0)
            })
            .collect()
    }

    fn close(got: &[f32], want: &[f32], label: &str) {
        assert_eq!(got.len(), want.len(), "{label}: length");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{label}: {g} vs {w}");
        }
    }

    const SIZES: [(usize, usize, usize); 9] = [(1, 1, 1), (5, 3, 17), (4, 16, 16), (9, 7, 35), (64, 100, 400), (3, 40, 100), (6, 0, 5), (5, 600, 13), (150, 300, 21)];

    /// `want[i, j] += Σ_p a(i, p) · b[p, j]`, one multiply-add at a time.
    fn naive(want: &mut [f32], ldc: usize, (m, k, n): (usize, usize, usize), a: impl Fn(usize, usize) -> f32, b: &[f32]) {
        for i in 0..m {
            for j in 0..n {
                want[i * ldc + j] += (0..k).map(|p| a(i, p) * b[p * n + j]).sum::<f32>();
            }
        }
    }

    #[test]
    fn matmul_matches_naive() {
        for (m, k, n) in SIZES {
            for (lda, ldc) in [(k, n), (k + 3, n + 1), (1.max(k / 2), n)] {
                let (a, b) = (lcg(1, m * lda + k, 1.0), lcg(2, k * n, 1.0));
                let mut c = lcg(3, m * ldc, 1.0);
                let mut want = c.clone();
                naive(&mut want, ldc, (m, k, n), |i, p| a[i * lda + p], &b);
                let mut packed = c.clone();
                matmul_acc_strided(m, k, n, &a, lda, &b, &mut c, ldc);
                close(&c, &want, &format!("{m}×{k}×{n} lda {lda} ldc {ldc}"));
                matmul_acc_packed(m, &a, lda, &Packed::new(&b, k, n), &mut packed, ldc);
                close(&packed, &want, &format!("packed {m}×{k}×{n} lda {lda} ldc {ldc}"));
            }
            for lda in [m, m + 5, 3 * m, 1.max(m / 3)] {
                let (a, b) = (lcg(4, k * lda + m, 1.0), lcg(5, k * n, 1.0));
                let mut c = lcg(6, m * n, 1.0);
                let mut want = c.clone();
                naive(&mut want, n, (m, k, n), |i, p| a[p * lda + i], &b);
                matmul_tn_acc(m, k, n, &a, lda, &b, &mut c);
                close(&c, &want, &format!("ᵀ {m}×{k}×{n} lda {lda}"));
            }
        }
    }

    #[test]
    fn matmul_tn_matches_naive() {
        for (rows, m, n) in [(0, 3, 4), (1, 1, 1), (7, 5, 9), (2500, 12, 20), (1100, 70, 13)] {
            let (a, b) = (lcg(7, rows * m, 1.0), lcg(8, rows * n, 1.0));
            let mut want = vec![0.0f32; m * n];
            naive(&mut want, n, (m, rows, n), |i, p| a[p * m + i], &b);
            close(&matmul_tn(rows, m, n, &a, &b), &want, &format!("aᵀ·b {rows}×{m}×{n}"));
        }
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// `cargo test -p kiln-kernels --release -- --ignored gemm_timing --nocapture` (in wasm
    /// through tools/wasi-run.mjs): GFLOP/s of the recurrent layers' matmul shapes, best of 5.
    #[test]
    #[ignore]
    fn gemm_timing() {
        let lcg = tests::lcg;
        // (label, m, k, n, repeats, b packed once as the recurrent loops do): M1 h·U and
        // dz·Uᵀ, M5's, an input projection (b packed per call)
        for (label, m, k, n, reps, prepacked) in [
            ("M1 h·U", 64, 100, 400, 300, true),
            ("M1 dz·Uᵀ", 64, 400, 100, 300, true),
            ("M5 h·U", 64, 64, 256, 600, true),
            ("M5 dz·Uᵀ", 64, 256, 64, 600, true),
            ("x·W [12800,64]·[64,256]", 12800, 64, 256, 2, false),
        ] {
            let (a, b) = (lcg(1, m * k, 1.0), lcg(2, k * n, 1.0));
            let mut c = vec![0.0f32; m * n];
            let packed = Packed::new(&b, k, n);
            let best = (0..5)
                .map(|_| {
                    let t = std::time::Instant::now();
                    for _ in 0..reps {
                        if prepacked {
                            matmul_acc_packed(m, &a, k, &packed, &mut c, n);
                        } else {
                            matmul_acc(m, k, n, &a, &b, &mut c);
                        }
                    }
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::MAX, f64::min);
            println!("{label}: {:.1} GFLOP/s", 2.0 * (m * k * n * reps) as f64 / best / 1e9);
        }
        // the backward loop reads dz from dxz [batch, seq, g·u]: rows seq·g·u apart
        for (label, m, k, n, seq, reps) in [("M1 dz·Uᵀ in dxz", 64, 400, 100, 500, 300), ("M5 dz·Uᵀ in dxz", 64, 256, 64, 200, 600)] {
            let (a, b) = (lcg(1, m * seq * k, 1.0), lcg(2, k * n, 1.0));
            let mut c = vec![0.0f32; m * n];
            let best = (0..5)
                .map(|_| {
                    let t = std::time::Instant::now();
                    let packed = Packed::new(&b, k, n);
                    for r in 0..reps {
                        matmul_acc_packed(m, &a[(r % seq) * k..], seq * k, &packed, &mut c, n);
                    }
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::MAX, f64::min);
            println!("{label}: {:.1} GFLOP/s", 2.0 * (m * k * n * reps) as f64 / best / 1e9);
        }
        let (rows, m, n) = (12800, 64, 256);
        let (a, b) = (lcg(3, rows * m, 1.0), lcg(4, rows * n, 1.0));
        let best = (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(matmul_tn(rows, m, n, &a, &b));
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min);
        println!("dU aᵀ·b [12800,64]ᵀ·[12800,256]: {:.1} GFLOP/s", 2.0 * (rows * m * n) as f64 / best / 1e9);
    }
}
