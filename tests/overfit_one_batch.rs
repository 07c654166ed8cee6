//! Every architecture can overfit one small batch on the CPU backend.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::prelude::Device;
use kiln::data::Encoded;
use kiln::dto::RunConfig;
use kiln::model::build;
use kiln::text::TextPipeline;
use kiln::train::{Trainer, block_on};

#[test]
fn each_preset_architecture_overfits_one_batch() {
    // (preset, layer overrides to keep it tiny, steps, loss bound)
    let cases = [("pooled", 300, 0.05), ("lstm", 150, 0.05)];
    let imdb = common::corpus(16);
    for (preset, steps, bound) in cases {
        let mut config = RunConfig::preset(preset).unwrap();
        config.maxlen = 8;
        config.num_words = 50;
        config.set("lr", "0.01").unwrap();
        common::shrink(&mut config);
        let pipeline = TextPipeline::fit(&config.text, 50, &imdb.texts).unwrap();
        let data = Encoded::new(&pipeline, &common::labelled(&imdb), 8, config.padding, config.truncating);
        let device = Device::flex();
        let built = build(&config.layers, 50, 8, 7, &device.clone().autodiff()).unwrap();
        let mut trainer = Trainer::new(built.model, built.head, &config, device);
        let rows: Vec<usize> = (0..16).collect();
        let first = block_on(trainer.step(&data, &rows, (1, 1))).unwrap();
        let mut last = first;
        for s in 1..steps {
            last = block_on(trainer.step(&data, &rows, (1, s + 1))).unwrap();
        }
        assert!(first.loss > 0.5, "{preset}: starts near chance ({})", first.loss);
        assert!(last.loss < bound, "{preset}: loss {} after {steps} steps", last.loss);
        assert_eq!(last.accuracy, 1.0, "{preset}");
        let eval = block_on(trainer.evaluate(&data, 5)).unwrap();
        assert!((eval.loss - last.loss).abs() < 0.05 && eval.accuracy == 1.0, "{preset}: evaluate {eval:?}");
    }
}
