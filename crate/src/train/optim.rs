//! Keras 3's optimizers — adam, rmsprop, sgd, adagrad — with Keras' update rules, defaults
//! and per-variable `clipnorm`/`clipvalue`. Kiln keeps their state itself (not in burn's
//! `ModuleOptimizer`) so a saved run can read it asynchronously (WebGPU) and a resumed run
//! can put it back on whichever device it trains on.

use std::collections::HashMap;

use burn::backend::Flex;
use burn::module::{ModuleMapper, Param, ParamId};
use burn::optim::GradientsParams;
use burn::prelude::*;
use kiln_kernels::adam;

use crate::dto::{OptimizerConfig, RunConfig};
use crate::error::{KilnError, Result};
use crate::model::{Model, cpu_kernels_available, f32s, flex_tensor};

#[derive(Debug, Clone, Copy)]
enum Rule {
    /// `m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²; w -= lr·√(1-β₂ᵗ)/(1-β₁ᵗ) · m/(√v + ε)`
    Adam { beta_1: f64, beta_2: f64, epsilon: f64 },
    /// `v = ρv + (1-ρ)g²; Δ = lr·g/√(v + ε)`; with momentum `m = μm + Δ; w -= m`, else `w -= Δ`
    Rmsprop { rho: f64, momentum: f64, epsilon: f64 },
    /// `m = μm - lr·g`; `w += m` (or `w += μm - lr·g`, nesterov); without momentum `w -= lr·g`
    Sgd { momentum: f64, nesterov: bool },
    /// `acc += g²` (from 0.1); `w -= lr·g/√(acc + ε)`
    Adagrad { initial: f64, epsilon: f64 },
}

impl Rule {
    /// How many state tensors a variable has.
    fn slots(self) -> usize {
        match self {
            Rule::Adam { .. } => 2,
            Rule::Rmsprop { momentum, .. } => 1 + usize::from(momentum > 0.0),
            Rule::Sgd { momentum, .. } => usize::from(momentum > 0.0),
            Rule::Adagrad { .. } => 1,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Clip {
    None,
    Norm(f64),
    Value(f64),
}

/// One variable's state: the steps it has taken and its slots (flattened to 1-D).
#[derive(Debug, Clone)]
struct State {
    steps: u64,
    slots: Vec<Tensor<1>>,
}

/// A saved variable state: parameter id, steps, slot values.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedState {
    pub id: u64,
    pub steps: u64,
    pub slots: Vec<Vec<f32>>,
}

pub struct KerasOptimizer {
    rule: Rule,
    clip: Clip,
    states: HashMap<ParamId, State>,
    /// Loaded from a saved run, put on the parameter's device at its next step.
    pending: HashMap<ParamId, SavedState>,
}

impl KerasOptimizer {
    pub fn new(config: &RunConfig) -> Self {
        let rule = match config.optimizer {
            OptimizerConfig::Adam { .. } => Rule::Adam { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
            OptimizerConfig::Rmsprop { rho, momentum, .. } => Rule::Rmsprop { rho, momentum, epsilon: 1e-7 },
            OptimizerConfig::Sgd { momentum, nesterov, .. } => Rule::Sgd { momentum, nesterov },
            OptimizerConfig::Adagrad { .. } => Rule::Adagrad { initial: 0.1, epsilon: 1e-7 },
        };
        let clip = match (config.clipnorm, config.clipvalue) {
            (Some(norm), _) => Clip::Norm(norm),
            (None, Some(value)) => Clip::Value(value),
            (None, None) => Clip::None,
        };
        Self { rule, clip, states: HashMap::new(), pending: HashMap::new() }
    }

    /// Apply `grads` to `model` with learning rate `lr`.
    pub fn step(&mut self, lr: f64, model: Model, grads: GradientsParams) -> Model {
        model.map(&mut Mapper { optim: self, grads, lr })
    }

    /// Every variable's state, read asynchronously.
    pub async fn read_state(&self) -> Result<Vec<SavedState>> {
        let mut out = Vec::with_capacity(self.states.len() + self.pending.len());
        for (id, state) in &self.states {
            let mut slots = Vec::with_capacity(state.slots.len());
            for slot in &state.slots {
                let data = slot
                    .clone()
                    .into_data_async()
                    .await
                    .map_err(|e| KilnError::Backend(format!("reading the optimizer state failed: {e:?}")))?;
                slots.push(data.try_to_vec::<f32>().map_err(|e| KilnError::Backend(format!("optimizer state: {e:?}")))?);
            }
            out.push(SavedState { id: id.val(), steps: state.steps, slots });
        }
        out.extend(self.pending.values().cloned());
        out.sort_by_key(|s| s.id);
        Ok(out)
    }

    /// Put a saved state back; each variable's slots go to its device at its next step.
    pub fn load_state(&mut self, saved: Vec<SavedState>) -> Result<()> {
        let slots = self.rule.slots();
        if let Some(bad) = saved.iter().find(|s| s.slots.len() != slots) {
            return Err(KilnError::Data(format!(
                "the saved optimizer state has {} slots for a variable; this optimizer keeps {slots}",
                bad.slots.len()
            )));
        }
        self.states.clear();
        self.pending = saved.into_iter().map(|s| (ParamId::from(s.id), s)).collect();
        Ok(())
    }

    /// The variable's state on `device` with `n` values per slot: kept, loaded, or fresh.
    fn state(&mut self, id: ParamId, n: usize, device: &Device) -> State {
        if let Some(state) = self.states.remove(&id) {
            return state;
        }
        let fresh = |v: f64| Tensor::<1>::full([n], v, device);
        if let Some(saved) = self.pending.remove(&id).filter(|s| s.slots.iter().all(|v| v.len() == n)) {
            let slots = saved.slots.into_iter().map(|v| Tensor::from_data(TensorData::new(v, [n]), device)).collect();
            return State { steps: saved.steps, slots };
        }
        let start = if let Rule::Adagrad { initial, .. } = self.rule { initial } else { 0.0 };
        State { steps: 0, slots: (0..self.rule.slots()).map(|_| fresh(start)).collect() }
    }

    /// One variable's update on the inner (non-autodiff) tensors, as `step` applies it to every parameter.
    ///
    /// # Shapes
    /// - w, g `[n]` → `[n]`
    pub fn update_variable(&mut self, id: ParamId, w: Tensor<1>, g: Tensor<1>, lr: f64) -> Tensor<1> {
        let [n] = w.dims();
        let g = match self.clip {
            Clip::None => g,
            // tf.clip_by_norm: g · c / max(‖g‖, c)
            Clip::Norm(c) => {
                let norm = g.clone().square().sum().sqrt(); // [1]
                g.clone() * (norm.clamp_min(c).recip() * c).unsqueeze::<1>().expand([n])
            }
            Clip::Value(c) => g.clamp(-c, c),
        };
        let mut state = self.state(id, n, &w.device());
        state.steps += 1;
        let t = state.steps as f64;
        let s = &mut state.slots;
        let w = match self.rule {
            Rule::Adam { beta_1, beta_2, epsilon } => {
                let alpha = lr * (1.0 - beta_2.powf(t)).sqrt() / (1.0 - beta_1.powf(t));
                if let Some((w, m, v)) = fused_adam(&w, &g, s, adam::Coefficients::new(beta_1, beta_2, epsilon, alpha)) {
                    s[0] = m;
                    s[1] = v;
                    w
                } else {
                    s[0] = s[0].clone() * beta_1 + g.clone() * (1.0 - beta_1);
                    s[1] = s[1].clone() * beta_2 + g.square() * (1.0 - beta_2);
                    w - s[0].clone() * alpha / (s[1].clone().sqrt() + epsilon)
                }
            }
            Rule::Rmsprop { rho, momentum, epsilon } => {
                s[0] = s[0].clone() * rho + g.clone().square() * (1.0 - rho);
                let increment = g * lr / (s[0].clone() + epsilon).sqrt();
                if momentum > 0.0 {
                    s[1] = s[1].clone() * momentum + increment;
                    w - s[1].clone()
                } else {
                    w - increment
                }
            }
            Rule::Sgd { momentum, nesterov } if momentum > 0.0 => {
                s[0] = s[0].clone() * momentum - g.clone() * lr;
                if nesterov { w + s[0].clone() * momentum - g * lr } else { w + s[0].clone() }
            }
            Rule::Sgd { .. } => w - g * lr,
            Rule::Adagrad { epsilon, .. } => {
                s[0] = s[0].clone() + g.clone().square();
                w - g * lr / (s[0].clone() + epsilon).sqrt()
            }
        };
        self.states.insert(id, state);
        w
    }
}

/// Adam's step in one pass where the variable lives (`kiln_kernels::adam` on the CPU,
/// `adam_cube`'s one dispatch on a GPU): the new `(w, m, v)`. `None` on another backend or dtype.
fn fused_adam(w: &Tensor<1>, g: &Tensor<1>, s: &[Tensor<1>], c: adam::Coefficients) -> Option<(Tensor<1>, Tensor<1>, Tensor<1>)> {
    let (device, dtype) = (w.device(), w.dtype());
    if cpu_kernels_available(&device, dtype) {
        // the flex tensors' own buffers, borrowed where contiguous
        let [n] = w.dims();
        let prim = |t: &Tensor<1>| t.clone().try_into_primitive::<Flex>().ok();
        let (w, g, m, v) = (prim(w)?, prim(g)?, prim(&s[0])?, prim(&s[1])?);
        let (w, m, v) = adam::step(&f32s(&w), &f32s(&g), &f32s(&m), &f32s(&v), c);
        let tensor = |x: Vec<f32>| Tensor::<1>::from_primitive::<Flex>(flex_tensor(x, [n]));
        return Some((tensor(w), tensor(m), tensor(v)));
    }
    #[cfg(feature = "gpu")]
    if super::adam_cube::available(&device, dtype) {
        return Some(super::adam_cube::step(w.clone(), g.clone(), s[0].clone(), s[1].clone(), c));
    }
    None
}

struct Mapper<'a> {
    optim: &'a mut KerasOptimizer,
    grads: GradientsParams,
    lr: f64,
}

impl ModuleMapper for Mapper<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let require_grad = tensor.is_require_grad();
        let checkpointing = tensor.gradient_checkpointing_strategy();
        let dims = tensor.dims();
        let n: usize = dims.iter().product();
        let inner = tensor.inner();
        let device = inner.device();
        let grad = if grad.device() != device { grad.to_device(&device) } else { grad };
        let updated = self.optim.update_variable(id, inner.reshape([n]), grad.reshape([n]), self.lr).reshape(dims);
        let mut tensor = Tensor::from_inner(updated);
        if let Some(strategy) = checkpointing {
            tensor = tensor.with_gradient_checkpointing_strategy(strategy);
        }
        if require_grad {
            tensor = tensor.require_grad();
        }
        Param::from_mapped_value(id, tensor, mapper)
    }
}
