//! Keras' default initialisers, drawn on the host from a seeded generator so the
//! same seed gives the same weights on every backend.

use burn::prelude::*;
use rand::{RngExt, SeedableRng, rngs::SmallRng};

/// A seeded source of initial weights (one per model build).
pub struct Init {
    rng: SmallRng,
}

impl Init {
    pub fn new(seed: u64) -> Self {
        Self { rng: SmallRng::seed_from_u64(seed) }
    }

    fn uniform_vec(&mut self, n: usize, limit: f32) -> Vec<f32> {
        (0..n).map(|_| self.rng.random_range(-limit..=limit)).collect()
    }

    fn normal(&mut self) -> f32 {
        // Box–Muller; 1 - u keeps the log away from 0.
        let u1: f32 = 1.0 - self.rng.random::<f32>();
        let u2: f32 = self.rng.random::<f32>();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }

    /// One value of `RandomUniform(-0.05, 0.05)`, for embedding rows filled on the host.
    pub fn embedding_value(&mut self) -> f32 {
        self.rng.random_range(-0.05..=0.05)
    }

    /// `RandomUniform(-0.05, 0.05)`: Keras' Embedding default.
    pub fn embedding(&mut self, shape: [usize; 2], device: &Device) -> Tensor<2> {
        tensor(self.uniform_vec(shape[0] * shape[1], 0.05), shape, device)
    }

    /// `GlorotUniform`: limit `sqrt(6 / (fan_in + fan_out))` for a `[fan_in, fan_out]` kernel.
    pub fn glorot_uniform(&mut self, shape: [usize; 2], device: &Device) -> Tensor<2> {
        let limit = (6.0 / (shape[0] + shape[1]) as f32).sqrt();
        tensor(self.uniform_vec(shape[0] * shape[1], limit), shape, device)
    }

    /// `GlorotUniform` for a Conv1D kernel `[kernel_size, in, filters]`: Keras takes
    /// `fan_in = kernel_size·in` and `fan_out = kernel_size·filters`.
    pub fn glorot_uniform_conv(&mut self, shape: [usize; 3], device: &Device) -> Tensor<3> {
        let [k, input, filters] = shape;
        let limit = (6.0 / (k * input + k * filters) as f32).sqrt();
        tensor(self.uniform_vec(k * input * filters, limit), shape, device)
    }

    /// `Orthogonal(gain=1)`, for a `[rows, cols]` kernel: rows or columns orthonormal.
    pub fn orthogonal(&mut self, shape: [usize; 2], device: &Device) -> Tensor<2> {
        let [rows, cols] = shape;
        // Keras: QR of a normal [max, min] matrix, sign-fixed, transposed when rows < cols.
        let (tall, short) = (rows.max(cols), rows.min(cols));
        let mut q: Vec<Vec<f32>> = (0..short).map(|_| (0..tall).map(|_| self.normal()).collect()).collect();
        gram_schmidt(&mut q);
        // q[j] is column j of the [tall, short] matrix Q.
        let mut out = vec![0.0; rows * cols];
        for r in 0..rows {
            for c in 0..cols {
                out[r * cols + c] = if rows >= cols { q[c][r] } else { q[r][c] };
            }
        }
        tensor(out, shape, device)
    }

    pub fn zeros<const D: usize>(&mut self, shape: [usize; D], device: &Device) -> Tensor<D> {
        Tensor::zeros(shape, device)
    }
}

/// Modified Gram–Schmidt, twice for stability; Q's diagonal in R stays positive,
/// which is Keras' sign correction.
fn gram_schmidt(columns: &mut [Vec<f32>]) {
    for j in 0..columns.len() {
        for _ in 0..2 {
            for k in 0..j {
                let dot: f32 = columns[j].iter().zip(&columns[k]).map(|(a, b)| a * b).sum();
                let (done, rest) = columns.split_at_mut(j);
                rest[0].iter_mut().zip(&done[k]).for_each(|(a, b)| *a -= dot * b);
            }
        }
        let norm = columns[j].iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-12);
        columns[j].iter_mut().for_each(|a| *a /= norm);
    }
}

fn tensor<const D: usize>(values: Vec<f32>, shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_rows_are_orthonormal() {
        let mut init = Init::new(7);
        for (rows, cols) in [(4, 16), (16, 4), (5, 5)] {
            let device = Device::flex();
            let w = init.orthogonal([rows, cols], &device).into_data().try_to_vec::<f32>().unwrap();
            let (outer, inner) = if rows <= cols { (rows, cols) } else { (cols, rows) };
            let at = |i: usize, k: usize| if rows <= cols { w[i * cols + k] } else { w[k * cols + i] };
            for i in 0..outer {
                for j in 0..outer {
                    let dot: f32 = (0..inner).map(|k| at(i, k) * at(j, k)).sum();
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-4, "{rows}x{cols} ({i},{j}) = {dot}");
                }
            }
        }
    }

    #[test]
    fn glorot_limit_holds() {
        let w = Init::new(1).glorot_uniform([32, 400], &Device::flex()).into_data().try_to_vec::<f32>().unwrap();
        let limit = (6.0f32 / 432.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= limit));
        assert!(w.iter().any(|v| v.abs() > limit * 0.9));
    }
}
