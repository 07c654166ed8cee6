//! The same skip-gram negative-sampling objective in batches on a burn device (WebGPU in the
//! page, `Device::flex()` natively): gather the pairs' rows, logits, loss, autodiff, and a
//! plain SGD step added back into the rows.
//!
//! The step (the rate scaled for batching): each row moves by `alpha` times the *sum* of its
//! gradients over the batch's pairs, so a row used once — most rows: the vocabulary is large
//! and a batch is a few hundred words — moves exactly as word2vec.c's per-pair update would,
//! and gensim's `alpha` keeps its meaning. A row used `k > 32` times (a frequent word, a common
//! noise word) is scaled by `32 / k`: its `k` steps are all taken from the batch's starting
//! weights, so they cannot correct each other as sequential ones do, and on a small vocabulary
//! (hundreds of uses per row per batch) the plain sum diverges. On IMDB 20k (27k words) the cap
//! changes little: one epoch's last chunk has loss 2.54 with or without it, as in the CPU loop;
//! a plain mean per row (`1 / k`) instead barely trains a small vocabulary.

use std::collections::HashMap;

use burn::prelude::*;
use burn::tensor::IndexingUpdateOp;
use burn::tensor::activation::log_sigmoid;

use crate::error::{KilnError, Result};

/// Pairs per SGD step: ~300-700 corpus words at IMDB's ~6 pairs per kept word.
pub const PAIRS_PER_STEP: usize = 2048;

pub struct BatchedTrainer {
    device: Device,
    dim: usize,
    negative: usize,
    /// Input (syn0) and output (syn1neg) vectors `[vocab, dim]`, without autodiff; `None`
    /// only inside `step`.
    weights: Option<(Tensor<2>, Tensor<2>)>,
    /// Pending pairs: context ids `[n]`, targets `[n, 1 + negative]` (the centre word, then its
    /// noise words) and their signs (+1 centre, −1 noise, 0 noise equal to the centre).
    contexts: Vec<i32>,
    targets: Vec<i32>,
    signs: Vec<f32>,
    /// Summed loss of the steps since the last read (stays on the device), and their pairs.
    loss: Option<Tensor<1>>,
    pairs: usize,
}

impl BatchedTrainer {
    /// `syn0`: the initial input vectors `[vocab, dim]`; syn1neg starts at zero.
    pub fn new(syn0: Vec<f32>, dim: usize, negative: usize, device: Device) -> Self {
        let device = device.inner();
        let vocab = syn0.len() / dim;
        let syn0 = Tensor::from_data(TensorData::new(syn0, [vocab, dim]), &device);
        let syn1 = Tensor::zeros([vocab, dim], &device);
        Self {
            device,
            dim,
            negative,
            weights: Some((syn0, syn1)),
            contexts: Vec::with_capacity(PAIRS_PER_STEP),
            targets: Vec::with_capacity(PAIRS_PER_STEP * (1 + negative)),
            signs: Vec::with_capacity(PAIRS_PER_STEP * (1 + negative)),
            loss: None,
            pairs: 0,
        }
    }

    /// Queue one (context, centre, noise) pair; a full batch is stepped with `alpha`.
    pub fn pair(&mut self, context: u32, centre: u32, noise: &[u32], alpha: f32) {
        self.contexts.push(context as i32);
        self.targets.push(centre as i32);
        self.signs.push(1.0);
        for &n in noise {
            self.targets.push(n as i32);
            self.signs.push(if n == centre { 0.0 } else { -1.0 });
        }
        if self.contexts.len() == PAIRS_PER_STEP {
            self.step(alpha);
        }
    }

    /// Step what is queued, then read the summed loss and pair count since the last read
    /// (one asynchronous read-back).
    pub async fn read_loss(&mut self, alpha: f32) -> Result<(f64, usize)> {
        self.step(alpha);
        let pairs = std::mem::take(&mut self.pairs);
        let Some(loss) = self.loss.take() else { return Ok((0.0, pairs)) };
        let loss = loss
            .into_scalar_async::<f32>()
            .await
            .map_err(|e| KilnError::Backend(format!("reading the word2vec loss failed: {e:?}")))?;
        Ok((f64::from(loss), pairs))
    }

    /// The input vectors, row-major `[vocab, dim]`.
    pub async fn syn0(&self) -> Result<Vec<f32>> {
        let (syn0, _) = self.weights.as_ref().expect("weights are only taken inside step()");
        let data = syn0
            .clone()
            .into_data_async()
            .await
            .map_err(|e| KilnError::Backend(format!("reading the word2vec vectors failed: {e:?}")))?;
        data.try_into_vec::<f32>().map_err(|e| KilnError::Backend(format!("unexpected vector type: {e:?}")))
    }

    /// One SGD step on the queued pairs.
    ///
    /// # Shapes
    /// - contexts `[n]` → u `[n, dim]`; targets `[n·t]` → v `[n, t, dim]` with `t = 1 + negative`
    /// - logits and signs `[n, t]`; loss `[1]`
    fn step(&mut self, alpha: f32) {
        let n = self.contexts.len();
        if n == 0 {
            return;
        }
        let (t, dim, device) = (1 + self.negative, self.dim, &self.device);
        let contexts = std::mem::replace(&mut self.contexts, Vec::with_capacity(PAIRS_PER_STEP));
        let targets = std::mem::replace(&mut self.targets, Vec::with_capacity(PAIRS_PER_STEP * t));
        let signs = std::mem::replace(&mut self.signs, Vec::with_capacity(PAIRS_PER_STEP * t));
        let context_scale = Tensor::<2>::from_data(TensorData::new(row_scales(&contexts, &[]), [n, 1]), device);
        let target_scale = Tensor::<2>::from_data(TensorData::new(row_scales(&targets, &signs), [n * t, 1]), device);
        let contexts = Tensor::<1, Int>::from_data(TensorData::new(contexts, [n]), device);
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [n * t]), device);
        let signs = Tensor::<2>::from_data(TensorData::new(signs, [n, t]), device);
        let (syn0, syn1) = self.weights.take().expect("step() is never re-entered");
        // Gathered rows are the leaves: their gradients are the rows' updates.
        let u = syn0.clone().select(0, contexts.clone()).autodiff().require_grad(); // [n, dim]
        let v = syn1.clone().select(0, targets.clone()).autodiff().require_grad(); // [n·t, dim]
        let logits = (v.clone().reshape([n, t, dim]) * u.clone().unsqueeze_dim::<3>(1)).sum_dim(2); // [n, t, 1]
        let logits = logits.reshape([n, t]) * signs.clone(); // [n, t]: +u·v_centre, −u·v_noise
        // −log σ(u·v_centre) − Σ log σ(−u·v_noise); masked noise words weigh 0.
        let loss = -(log_sigmoid(logits) * signs.abs()).sum(); // [1]
        let grads = loss.backward();
        let (du, dv) = match (u.grad(&grads), v.grad(&grads)) {
            (Some(du), Some(dv)) => (du, dv),
            _ => unreachable!("u and v are leaves that require a gradient"),
        };
        let syn0 = syn0.select_assign(0, contexts, du * (context_scale * -alpha), IndexingUpdateOp::Add);
        let syn1 = syn1.select_assign(0, targets, dv * (target_scale * -alpha), IndexingUpdateOp::Add);
        self.weights = Some((syn0, syn1));
        let loss = loss.inner();
        self.loss = Some(match self.loss.take() {
            Some(sum) => sum + loss,
            None => loss,
        });
        self.pairs += n;
    }
}

/// Most per-pair steps a row takes in one batch.
const MAX_STEPS_PER_ROW: f32 = 32.0;

/// `min(1, MAX_STEPS_PER_ROW / k)` for each id used `k` times in the batch (ids whose `weights`
/// entry is 0 do not count).
fn row_scales(ids: &[i32], weights: &[f32]) -> Vec<f32> {
    let mut uses: HashMap<i32, u32> = HashMap::new();
    let counted = |i: usize| weights.get(i).is_none_or(|&w| w != 0.0);
    ids.iter().enumerate().filter(|&(i, _)| counted(i)).for_each(|(_, &id)| *uses.entry(id).or_default() += 1);
    ids.iter().map(|id| (MAX_STEPS_PER_ROW / uses.get(id).copied().unwrap_or(1) as f32).min(1.0)).collect()
}
