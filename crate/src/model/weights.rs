//! A model's weights as plain arrays, layer by layer in Keras' `get_weights()` order and
//! shapes, read asynchronously (the model may live on WebGPU) and loaded back with shape
//! checks. Saved runs, exports to Keras and TF.js, and the projector all start here.

use burn::module::{Param, ParamId, RunningState};
use burn::prelude::*;

use super::{Layer, Model, Recurrent};
use crate::error::{KilnError, Result};

/// One array of a layer: Keras' weight name (`kernel`, `recurrent_kernel`, `embeddings`, …),
/// its Keras shape, row-major values, and burn's parameter id (the optimizer's state is keyed
/// by it; 0 for the non-trainable moving statistics).
#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
    pub id: u64,
}

/// The weights of `config.layers[index]`, in Keras' `layer.get_weights()` order:
/// - Embedding: `embeddings (input_dim, output_dim)`
/// - Dense: `kernel (in, units)`, `bias (units)`
/// - SimpleRNN / LSTM / GRU: `kernel (in, g·u)`, `recurrent_kernel (u, g·u)`, `bias (g·u)`;
///   GRU's bias is `(2, 3u)` (input bias, recurrent bias: `reset_after=True`)
/// - Bidirectional: the forward layer's three, then the backward layer's three
///   (named `forward_kernel`, …, `backward_bias`)
/// - Conv1D: `kernel (kernel_size, in, filters)`, `bias (filters)`
/// - BatchNormalization: `gamma`, `beta`, `moving_mean`, `moving_variance`
/// - layers without weights: none
#[derive(Debug, Clone, PartialEq)]
pub struct LayerWeights {
    pub index: usize,
    pub weights: Vec<Weight>,
}

async fn read<const D: usize>(name: &str, id: u64, tensor: Tensor<D>, shape: Option<Vec<usize>>) -> Result<Weight> {
    let dims = tensor.dims().to_vec();
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| KilnError::Backend(format!("reading the weights failed: {e:?}")))?;
    let values = data.try_to_vec::<f32>().map_err(|e| KilnError::Backend(format!("unexpected weight type: {e:?}")))?;
    Ok(Weight { name: name.into(), shape: shape.unwrap_or(dims), values, id })
}

async fn param<const D: usize>(name: &str, p: &Param<Tensor<D>>) -> Result<Weight> {
    read(name, p.id.val(), p.val().detach(), None).await
}

async fn state(name: &str, s: &RunningState<Tensor<1>>) -> Result<Weight> {
    read(name, 0, s.value_sync(), None).await
}

async fn recurrent(prefix: &str, r: &Recurrent) -> Result<Vec<Weight>> {
    let name = |n: &str| format!("{prefix}{n}");
    let mut bias = param(&name("bias"), &r.bias).await?;
    if r.cell == super::Cell::Gru {
        bias.shape = vec![2, bias.values.len() / 2];
    }
    Ok(vec![param(&name("kernel"), &r.kernel).await?, param(&name("recurrent_kernel"), &r.recurrent_kernel).await?, bias])
}

impl Model {
    /// Every layer's weights (one entry per layer, empty for layers without weights).
    pub async fn read_weights(&self) -> Result<Vec<LayerWeights>> {
        let mut out = Vec::with_capacity(self.layers.len());
        for (index, layer) in self.layers.iter().enumerate() {
            let weights = match layer {
                Layer::Embedding(l) => vec![param("embeddings", &l.weight).await?],
                Layer::Dense(l) => vec![param("kernel", &l.kernel).await?, param("bias", &l.bias).await?],
                Layer::Recurrent(l) => recurrent("", l).await?,
                Layer::Bidirectional(l) => {
                    let mut w = recurrent("forward_", &l.forward).await?;
                    w.extend(recurrent("backward_", &l.backward).await?);
                    w
                }
                Layer::Conv1d(l) => vec![param("kernel", &l.kernel).await?, param("bias", &l.bias).await?],
                Layer::BatchNorm(l) => vec![
                    param("gamma", &l.gamma).await?,
                    param("beta", &l.beta).await?,
                    state("moving_mean", &l.moving_mean).await?,
                    state("moving_variance", &l.moving_variance).await?,
                ],
                Layer::Stateless(_) => vec![],
            };
            out.push(LayerWeights { index, weights });
        }
        Ok(out)
    }

    /// Put `layers` (as [`Model::read_weights`] gives them) into this model, keeping their
    /// parameter ids so an optimizer state saved beside them applies. Every layer and array
    /// must match this model's in count, name and size.
    pub fn load_weights(&mut self, layers: &[LayerWeights]) -> Result<()> {
        if layers.len() != self.layers.len() {
            return Err(mismatch(format!("{} layers saved, the model has {}", layers.len(), self.layers.len())));
        }
        for (layer, saved) in self.layers.iter_mut().zip(layers) {
            let mut arrays = saved.weights.iter();
            let mut next = |name: &str| {
                arrays.next().filter(|w| w.name == name).ok_or_else(|| {
                    mismatch(format!("layer {} has no saved `{name}` where the model expects one", saved.index))
                })
            };
            match layer {
                Layer::Embedding(l) => set(&mut l.weight, next("embeddings")?)?,
                Layer::Dense(l) => {
                    set(&mut l.kernel, next("kernel")?)?;
                    set(&mut l.bias, next("bias")?)?;
                }
                Layer::Recurrent(l) => set_recurrent(l, "", &mut next)?,
                Layer::Bidirectional(l) => {
                    set_recurrent(&mut l.forward, "forward_", &mut next)?;
                    set_recurrent(&mut l.backward, "backward_", &mut next)?;
                }
                Layer::Conv1d(l) => {
                    set(&mut l.kernel, next("kernel")?)?;
                    set(&mut l.bias, next("bias")?)?;
                }
                Layer::BatchNorm(l) => {
                    set(&mut l.gamma, next("gamma")?)?;
                    set(&mut l.beta, next("beta")?)?;
                    set_state(&l.moving_mean, next("moving_mean")?)?;
                    set_state(&l.moving_variance, next("moving_variance")?)?;
                }
                Layer::Stateless(_) => {}
            }
            if let Some(extra) = arrays.next() {
                return Err(mismatch(format!("layer {} has an unexpected saved `{}`", saved.index, extra.name)));
            }
        }
        Ok(())
    }
}

fn mismatch(why: String) -> KilnError {
    KilnError::config("weights", format!("the saved weights do not fit this model: {why}"))
}

fn set_recurrent<'a>(
    r: &mut Recurrent,
    prefix: &str,
    next: &mut impl FnMut(&str) -> Result<&'a Weight>,
) -> Result<()> {
    set(&mut r.kernel, next(&format!("{prefix}kernel"))?)?;
    set(&mut r.recurrent_kernel, next(&format!("{prefix}recurrent_kernel"))?)?;
    set(&mut r.bias, next(&format!("{prefix}bias"))?)
}

/// The values of `w` as a tensor of `like`'s shape and device (Keras' shape may differ, GRU's bias).
fn tensor_like<const D: usize>(like: &Tensor<D>, w: &Weight) -> Result<Tensor<D>> {
    let dims = like.dims();
    let expected: usize = dims.iter().product();
    if w.values.len() != expected {
        return Err(mismatch(format!("`{}` has {} values, the model's has {dims:?} = {expected}", w.name, w.values.len())));
    }
    if let Some(bad) = w.values.iter().position(|v| !v.is_finite()) {
        return Err(mismatch(format!("`{}` value {bad} is not a finite number", w.name)));
    }
    Ok(Tensor::from_data(TensorData::new(w.values.clone(), dims), &like.device()))
}

fn set<const D: usize>(p: &mut Param<Tensor<D>>, w: &Weight) -> Result<()> {
    let tensor = tensor_like(&p.val(), w)?;
    let mut fresh = Param::from_tensor(tensor);
    fresh.id = ParamId::from(w.id);
    *p = fresh;
    Ok(())
}

fn set_state(s: &RunningState<Tensor<1>>, w: &Weight) -> Result<()> {
    crate::model::norm::set_running(s, tensor_like(&s.value_sync(), w)?);
    Ok(())
}
