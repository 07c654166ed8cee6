//! word2vec.c's skip-gram negative-sampling update, one (context, centre) pair at a time,
//! single-threaded.

/// Input vectors (syn0) and output vectors (syn1neg), row-major `[vocab, dim]`.
pub struct CpuTrainer {
    dim: usize,
    syn0: Vec<f32>,
    syn1: Vec<f32>,
    /// The context vector's accumulated update over the centre word and its noise words.
    neu1e: Vec<f32>,
}

impl CpuTrainer {
    /// `syn0`: the initial input vectors `[vocab, dim]`; syn1neg starts at zero.
    pub fn new(syn0: Vec<f32>, dim: usize) -> Self {
        let syn1 = vec![0.0; syn0.len()];
        Self { dim, syn0, syn1, neu1e: vec![0.0; dim] }
    }

    pub fn syn0(&self) -> &[f32] {
        &self.syn0
    }

    /// One SGD step on `-log σ(u·v_centre) - Σ log σ(-u·v_noise)` with `u` the context word's
    /// input vector (noise words equal to the centre are skipped, as in word2vec.c).
    /// Returns that loss, before the step.
    pub fn pair(&mut self, context: u32, centre: u32, noise: &[u32], alpha: f32) -> f32 {
        let dim = self.dim;
        let l1 = context as usize * dim;
        let input = &mut self.syn0[l1..l1 + dim];
        self.neu1e.fill(0.0);
        let mut loss = 0.0;
        let targets = std::iter::once((centre, true)).chain(noise.iter().filter(|&&n| n != centre).map(|&n| (n, false)));
        for (target, label) in targets {
            let l2 = target as usize * dim;
            let output = &mut self.syn1[l2..l2 + dim];
            let (g, l) = score(dot(input, output), label);
            loss += l;
            let g = g * alpha;
            for ((e, o), i) in self.neu1e.iter_mut().zip(output.iter_mut()).zip(input.iter()) {
                *e += g * *o;
                *o += g * *i;
            }
        }
        input.iter_mut().zip(&self.neu1e).for_each(|(i, e)| *i += e);
        loss
    }
}

/// For logit `f`: the gradient factor `label - σ(f)` and the loss `-log σ(±f)`, stable for any `f`.
pub fn score(f: f32, label: bool) -> (f32, f32) {
    let e = (-f.abs()).exp(); // in (0, 1]
    let sigmoid = if f >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
    let log1p = e.ln_1p(); // -log σ(±f) = max(∓f, 0) + ln(1 + e^-|f|)
    match label {
        true => (1.0 - sigmoid, (-f).max(0.0) + log1p),
        false => (-sigmoid, f.max(0.0) + log1p),
    }
}

/// A dot product in 8 lanes so the compiler can vectorise it.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}
