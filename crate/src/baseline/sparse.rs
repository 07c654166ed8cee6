//! A compressed-sparse-row matrix (scipy's `csr_matrix`): documents × n-gram features.

/// Row `i` holds `values[indptr[i]..indptr[i + 1]]` in the columns `indices[…]`, sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f64>,
    pub cols: usize,
}

impl Csr {
    pub fn new(cols: usize) -> Self {
        Self { indptr: vec![0], indices: Vec::new(), values: Vec::new(), cols }
    }

    /// Append a row of `(column, value)` pairs, columns ascending and below `cols`.
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (u32, f64)>) {
        for (c, v) in entries {
            debug_assert!((c as usize) < self.cols, "column {c} of {}", self.cols);
            self.indices.push(c);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Row `i`'s columns and values.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let span = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[span.clone()], &self.values[span])
    }

    /// `x_i · w`; `w` has at least `cols` entries (a bias after them is not read).
    pub fn dot(&self, i: usize, w: &[f64]) -> f64 {
        let (cols, vals) = self.row(i);
        cols.iter().zip(vals).map(|(&c, &v)| v * w[c as usize]).sum()
    }

    /// `y += a · x_i`.
    pub fn axpy(&self, i: usize, a: f64, y: &mut [f64]) {
        let (cols, vals) = self.row(i);
        for (&c, &v) in cols.iter().zip(vals) {
            y[c as usize] += a * v;
        }
    }

    /// `‖x_i‖²`.
    pub fn sq_norm(&self, i: usize) -> f64 {
        self.row(i).1.iter().map(|v| v * v).sum()
    }

    /// The matrix as dense rows (tests and small fixtures).
    pub fn to_dense(&self) -> Vec<Vec<f64>> {
        (0..self.rows())
            .map(|i| {
                let mut row = vec![0.0; self.cols];
                self.axpy(i, 1.0, &mut row);
                row
            })
            .collect()
    }
}
