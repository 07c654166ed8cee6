//! The word map: the most frequent words on the first two principal components of their
//! vectors (centred; power iteration, the second component kept orthogonal to the first).

use super::Vectors;
use super::sampling::Lcg;
use crate::dto::MapPoint;

const ITERATIONS: usize = 1000;

impl Vectors {
    /// The first `top` words (the most frequent for trained vectors) as 2-D points.
    pub fn map(&self, top: usize) -> Vec<MapPoint> {
        let (n, dim) = (top.min(self.len()), self.dim());
        if n == 0 {
            return Vec::new();
        }
        let mut mean = vec![0.0f64; dim];
        for i in 0..n {
            mean.iter_mut().zip(self.row(i)).for_each(|(m, &v)| *m += f64::from(v) / n as f64);
        }
        // Centred rows [n, dim].
        let x: Vec<Vec<f64>> =
            (0..n).map(|i| self.row(i).iter().zip(&mean).map(|(&v, m)| f64::from(v) - m).collect()).collect();
        let first = component(&x, dim, &[]);
        let second = component(&x, dim, std::slice::from_ref(&first));
        (0..n)
            .map(|i| MapPoint {
                word: self.words()[i].clone(),
                x: dot(&x[i], &first),
                y: dot(&x[i], &second),
                count: self.counts()[i] as usize,
            })
            .collect()
    }
}

/// The leading eigenvector of `XᵀX` orthogonal to `found`, by power iteration (`Xᵀ(X v)`
/// without forming `XᵀX`), its largest entry made positive; zero when no variance is left.
fn component(x: &[Vec<f64>], dim: usize, found: &[Vec<f64>]) -> Vec<f64> {
    let mut rng = Lcg::new(1);
    let mut v: Vec<f64> = (0..dim).map(|_| f64::from(rng.unit()) - 0.5).collect();
    for _ in 0..ITERATIONS {
        orthogonalise(&mut v, found);
        let mut next = vec![0.0; dim];
        for row in x {
            let p = dot(row, &v);
            next.iter_mut().zip(row).for_each(|(n, r)| *n += p * r);
        }
        orthogonalise(&mut next, found);
        let norm = dot(&next, &next).sqrt();
        if norm < 1e-300 {
            return vec![0.0; dim];
        }
        next.iter_mut().for_each(|n| *n /= norm);
        let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
        v = next;
        if change < 1e-13 {
            break;
        }
    }
    let largest = v.iter().copied().fold(0.0f64, |m, a| if a.abs() > m.abs() { a } else { m });
    if largest < 0.0 {
        v.iter_mut().for_each(|a| *a = -*a);
    }
    v
}

fn orthogonalise(v: &mut [f64], against: &[Vec<f64>]) {
    for u in against {
        let p = dot(v, u);
        v.iter_mut().zip(u).for_each(|(a, b)| *a -= p * b);
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
