//! Keras' optimizers on burn's: Keras' defaults and update rules where burn's differ.

use burn::optim::momentum::MomentumConfig;
use burn::optim::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamConfig, ModuleOptimizer, RmsPropConfig, SgdConfig};

use super::adagrad::KerasAdagrad;

use crate::dto::{OptimizerConfig, RunConfig};

/// The optimizer of `config`, with its `clipnorm` or `clipvalue` (`validate` refuses both).
pub fn optimizer(config: &RunConfig) -> ModuleOptimizer {
    let clip = match (config.clipnorm, config.clipvalue) {
        (Some(norm), _) => Some(GradientClippingConfig::Norm(norm as f32)),
        (None, Some(value)) => Some(GradientClippingConfig::Value(value as f32)),
        (None, None) => None,
    };
    match config.optimizer {
        // Keras: β₁ 0.9, β₂ 0.999, ε 1e-7 (burn's ε default is 1e-5).
        OptimizerConfig::Adam { .. } => AdamConfig::new().with_epsilon(1e-7).with_grad_clipping(clip).init(),
        // Keras' `rho` is burn's `alpha`; burn's momentum default is 0.9, Keras' 0.
        OptimizerConfig::Rmsprop { rho, momentum, .. } => RmsPropConfig::new()
            .with_alpha(rho as f32)
            .with_momentum(momentum as f32)
            .with_epsilon(1e-7)
            .with_grad_clipping(clip)
            .init(),
        // Keras' momentum has no dampening (burn's default is 0.1).
        OptimizerConfig::Sgd { momentum, nesterov, .. } => {
            let momentum = (momentum > 0.0).then(|| MomentumConfig::new().with_momentum(momentum).with_dampening(0.0).with_nesterov(nesterov));
            SgdConfig::new().with_momentum(momentum).with_gradient_clipping(clip).init()
        }
        // Keras starts the accumulator at 0.1 (burn's AdaGrad at 0), ε 1e-7 inside the root.
        OptimizerConfig::Adagrad { .. } => {
            let optim = ModuleOptimizer::from(KerasAdagrad::default());
            match clip {
                Some(clip) => optim.with_grad_clipping(clip.init()),
                None => optim,
            }
        }
    }
}
