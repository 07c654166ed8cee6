//! What the recurrent-layer tests share: the LCG that tools/keras_ref/recurrent.py
//! also draws from, and a plain or bidirectional layer behind one interface.

#![allow(dead_code)] // each test binary uses a part

use burn::prelude::*;
use kiln::dto::{MergeMode, RecurrentConfig};
use kiln::model::{Bidirectional, Cell, Init, Recurrent};

/// Knuth's MMIX LCG, exactly as tools/keras_ref/recurrent.py draws x, weights and R.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn uniform(&mut self, n: usize, scale: f64) -> Vec<f32> {
        (0..n)
            .map(|_| {
                self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (scale * (((self.0 >> 40) as f64 / (1u64 << 24) as f64) * 2.0 - 1.0)) as f32
            })
            .collect()
    }

    pub fn tensor<const D: usize>(&mut self, shape: [usize; D], scale: f64, device: &Device) -> Tensor<D> {
        Tensor::from_data(TensorData::new(self.uniform(shape.iter().product(), scale), shape), device)
    }
}

pub enum Under {
    Plain(Recurrent),
    Bi(Bidirectional),
}

impl Under {
    pub fn new(cell: Cell, config: &RecurrentConfig, merge: Option<MergeMode>, input: usize, device: &Device) -> Self {
        let init = &mut Init::new(3);
        match merge {
            None => Self::Plain(Recurrent::new(cell, config, input, init, device)),
            Some(m) => Self::Bi(Bidirectional::new(cell, config, m, input, init, device)),
        }
    }

    /// The layer whose weight gradients the fixture records.
    pub fn last_direction(&self) -> &Recurrent {
        match self {
            Self::Plain(l) => l,
            Self::Bi(b) => &b.backward,
        }
    }

    /// Every direction's layer: one, or forward then backward.
    pub fn directions(&self) -> Vec<&Recurrent> {
        match self {
            Self::Plain(l) => vec![l],
            Self::Bi(b) => vec![&b.forward, &b.backward],
        }
    }

    pub fn directions_mut(&mut self) -> Vec<&mut Recurrent> {
        match self {
            Self::Plain(l) => vec![l],
            Self::Bi(b) => vec![&mut b.forward, &mut b.backward],
        }
    }

    /// `[batch, units]` or, with `return_sequences`, `[batch, seq, units]`, flattened to 2-D.
    pub fn forward(&self, x: Tensor<3>, sequences: bool) -> Tensor<2> {
        let [batch, seq, _] = x.dims();
        let flat = |y: Tensor<3>| {
            let units = y.dims()[2];
            y.reshape([batch * seq, units])
        };
        match (self, sequences) {
            (Self::Plain(l), false) => l.last(x),
            (Self::Plain(l), true) => flat(l.sequence(x)),
            (Self::Bi(b), false) => b.last(x),
            (Self::Bi(b), true) => flat(b.sequence(x)),
        }
    }
}

