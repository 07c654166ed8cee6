//! Small dense matmuls that accumulate into `c`, with register tiles of 4 rows ×
//! 16 columns the compiler keeps in vector registers (SSE/AVX natively, simd128 in
//! wasm). Rows of `a` and `c` may sit `lda`/`ldc` apart, and may overlap in `a`:
//! a convolution window sliding over a channels-last sequence is such a matrix.

pub(crate) const MR: usize = 4;
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
/// are `ldc` apart, `b` is dense `[k, n]`. Columns outermost, so a `k × 16` panel of
/// `b` stays in L1 while every row of `a` passes.
#[allow(clippy::too_many_arguments)]
pub fn matmul_acc_strided(m: usize, k: usize, n: usize, a: &[f32], lda: usize, b: &[f32], c: &mut [f32], ldc: usize) {
    if m == 0 || n == 0 {
        return;
    }
    assert!(ldc >= n && a.len() >= (m - 1) * lda + k && b.len() >= k * n && c.len() >= (m - 1) * ldc + n);
    let n_main = n / NR * NR;
    let m_main = m / MR * MR;
    for j0 in (0..n_main).step_by(NR) {
        for i0 in (0..m_main).step_by(MR) {
            let mut acc = [[0.0f32; NR]; MR];
            let rows: [&[f32]; MR] = std::array::from_fn(|r| &a[(i0 + r) * lda..][..k]);
            for p in 0..k {
                let bp: &[f32; NR] = b[p * n + j0..][..NR].try_into().unwrap();
                for r in 0..MR {
                    let av = rows[r][p];
                    for jj in 0..NR {
                        acc[r][jj] += av * bp[jj];
                    }
                }
            }
            for r in 0..MR {
                let row: &mut [f32; NR] = (&mut c[(i0 + r) * ldc + j0..][..NR]).try_into().unwrap();
                for jj in 0..NR {
                    row[jj] += acc[r][jj];
                }
            }
        }
        for i in m_main..m {
            let row = &a[i * lda..][..k];
            row_panel(k, |p| row[p], b, n, j0, &mut c[i * ldc + j0..]);
        }
    }
    if n_main < n {
        for i in 0..m {
            let crow = &mut c[i * ldc + n_main..i * ldc + n];
            for p in 0..k {
                let av = a[i * lda + p];
                for (cv, bv) in crow.iter_mut().zip(&b[p * n + n_main..p * n + n]) {
                    *cv += av * bv;
                }
            }
        }
    }
}

/// `c[m, n] += aᵀ · b`: `c[i, j] += Σ_p a[p·lda + i] · b[p, j]` for `p < k`, with `b`
/// dense `[k, n]` and `c` dense `[m, n]`; `a`'s rows may overlap (`lda < m`). The weight gradient of a convolution:
/// `a`'s rows are the input windows, `b` the output gradients.
pub fn matmul_tn_acc(m: usize, k: usize, n: usize, a: &[f32], lda: usize, b: &[f32], c: &mut [f32]) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    assert!(a.len() >= (k - 1) * lda + m && b.len() >= k * n && c.len() >= m * n);
    let n_main = n / NR * NR;
    let m_main = m / MR * MR;
    for j0 in (0..n_main).step_by(NR) {
        for i0 in (0..m_main).step_by(MR) {
            let mut acc = [[0.0f32; NR]; MR];
            for p in 0..k {
                let ap: &[f32; MR] = a[p * lda + i0..][..MR].try_into().unwrap();
                let bp: &[f32; NR] = b[p * n + j0..][..NR].try_into().unwrap();
                for r in 0..MR {
                    for jj in 0..NR {
                        acc[r][jj] += ap[r] * bp[jj];
                    }
                }
            }
            for r in 0..MR {
                let row: &mut [f32; NR] = (&mut c[(i0 + r) * n + j0..][..NR]).try_into().unwrap();
                for jj in 0..NR {
                    row[jj] += acc[r][jj];
                }
            }
        }
        for i in m_main..m {
            row_panel(k, |p| a[p * lda + i], b, n, j0, &mut c[i * n + j0..]);
        }
    }
    if n_main < n {
        for p in 0..k {
            let brow = &b[p * n + n_main..p * n + n];
            for i in 0..m {
                let av = a[p * lda + i];
                for (cv, bv) in c[i * n + n_main..i * n + n].iter_mut().zip(brow) {
                    *cv += av * bv;
                }
            }
        }
    }
}

/// One row of `c`'s 16-column panel at `j0`: `c_row[..16] += Σ_p a(p) · b[p, j0..j0 + 16]`.
#[inline(always)]
fn row_panel(k: usize, a: impl Fn(usize) -> f32, b: &[f32], n: usize, j0: usize, c_row: &mut [f32]) {
    let mut acc = [0.0f32; NR];
    for p in 0..k {
        let av = a(p);
        let bp: &[f32; NR] = b[p * n + j0..][..NR].try_into().unwrap();
        for jj in 0..NR {
            acc[jj] += av * bp[jj];
        }
    }
    for (cv, v) in c_row[..NR].iter_mut().zip(acc) {
        *cv += v;
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

    const SIZES: [(usize, usize, usize); 7] = [(1, 1, 1), (5, 3, 17), (4, 16, 16), (9, 7, 35), (64, 100, 400), (3, 40, 100), (6, 0, 5)];

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
                matmul_acc_strided(m, k, n, &a, lda, &b, &mut c, ldc);
                close(&c, &want, &format!("{m}×{k}×{n} lda {lda} ldc {ldc}"));
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
}
