//! Word2vec: planted pairs recovered by both trainers, the batched step against the CPU loop,
//! events, stopping early and config errors; the sampling (`word2vec/sampling.rs`) and the
//! vectors' operations (`word2vec/vectors.rs`).
#![cfg(not(target_family = "wasm"))]

use burn::prelude::Device;
use kiln::KilnError;
use kiln::data::{Dataset, Labelled};
use kiln::dto::{RunConfig, Word2VecConfig, Word2VecEvent};
use kiln::embed::sampling::Lcg;
use kiln::embed::{BatchedTrainer, CpuTrainer, Vectors, Word2Vec};
use kiln::train::block_on;

#[path = "word2vec/sampling.rs"]
mod sampling;
#[path = "word2vec/vectors.rs"]
mod vectors;

fn dataset(texts: Vec<String>) -> Dataset {
    let labels = vec![0; texts.len()];
    Dataset { train: Labelled { texts, labels }, test: Some(Labelled::default()), ..Dataset::default() }
}

fn run_config() -> RunConfig {
    RunConfig::preset("m1_lstm").unwrap()
}

/// `pairs` planted word pairs `a{p}`, `b{p}` in sentences of random filler words: each
/// sentence of pair `p` holds `c{p} a{p} d{p}` or `c{p} b{p} d{p}`, so a pair's words share
/// their neighbours. (Two words that only ever sit side by side in random filler share no
/// context beyond each other: gensim recovers such pairs in 3 of 60 tries.)
fn planted(pairs: usize, sentences: usize, seed: u64) -> Vec<String> {
    let mut rng = Lcg::new(seed);
    (0..sentences)
        .map(|s| {
            let mut words: Vec<String> = (0..10).map(|_| format!("f{}", rng.next_u32() % 30)).collect();
            let at = rng.next_u32() as usize % 8;
            let p = s % pairs;
            words[at] = format!("c{p}");
            words[at + 1] = format!("{}{p}", if rng.next_u32().is_multiple_of(2) { 'a' } else { 'b' });
            words[at + 2] = format!("d{p}");
            words.join(" ")
        })
        .collect()
}

fn small_config(epochs: usize) -> Word2VecConfig {
    Word2VecConfig { vector_size: 16, sample: 0.0, min_count: 1, epochs, alpha: 0.05, ..Word2VecConfig::default() }
}

fn train(config: &Word2VecConfig, texts: Vec<String>, device: Option<Device>) -> (Vec<Word2VecEvent>, Vectors) {
    let mut w2v = Word2Vec::new(config, &run_config(), &dataset(texts), device).unwrap();
    let mut events = Vec::new();
    loop {
        let event = block_on(w2v.next()).unwrap();
        let done = matches!(event, Word2VecEvent::Done { .. });
        events.push(event);
        if done {
            break;
        }
    }
    assert_eq!(block_on(w2v.next()).unwrap(), *events.last().unwrap(), "done repeats");
    (events, block_on(w2v.vectors()).unwrap())
}

fn check_planted(device: Option<Device>) {
    let pairs = 6;
    let (events, vectors) = train(&small_config(8), planted(pairs, 360, 7), device);
    let corpus_words = 3600;
    assert!(matches!(&events[0], Word2VecEvent::Prepared { vocab_size: 54, corpus_words: 3600, total_words: 28800, .. }));
    let progress: Vec<(usize, usize, f64)> = events
        .iter()
        .filter_map(|e| match e {
            Word2VecEvent::Progress { epoch, words_done, loss, .. } => Some((*epoch, *words_done, *loss)),
            _ => None,
        })
        .collect();
    let expected: Vec<(usize, usize)> = (1..=8).map(|e| (e, e * corpus_words)).collect();
    assert_eq!(progress.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(), expected);
    let (first, last) = (progress[0].2, progress[7].2);
    assert!(last < first, "the loss falls: {first} → {last}");
    assert_eq!(events.last().unwrap(), &Word2VecEvent::Done { vocab_size: 54, vector_size: 16, words_done: 28800 });
    for p in 0..pairs {
        for (word, partner) in [(format!("a{p}"), format!("b{p}")), (format!("b{p}"), format!("a{p}"))] {
            let nearest = vectors.similar_by_word(&word, 3).unwrap();
            assert_eq!(nearest[0].word, partner, "{word}: {nearest:?}");
        }
    }
}

#[test]
fn cpu_loop_recovers_planted_pairs() {
    check_planted(None);
}

#[test]
fn burn_trainer_recovers_planted_pairs() {
    check_planted(Some(Device::flex()));
}

/// With every row distinct within a batch, the batched step is exactly the CPU loop's.
#[test]
fn batched_step_matches_the_cpu_loop() {
    let (vocab, dim, negative) = (12, 8, 2);
    let mut rng = Lcg::new(3);
    let syn0: Vec<f32> = (0..vocab * dim).map(|_| rng.unit() - 0.5).collect();
    // (context, centre, noise): contexts distinct, targets distinct within each batch.
    let batches: [&[(u32, u32, [u32; 2])]; 3] = [
        &[(0, 1, [2, 3]), (4, 5, [6, 7])],
        &[(1, 0, [8, 9]), (5, 4, [10, 11]), (2, 3, [6, 7])],
        &[(0, 1, [2, 3]), (9, 7, [10, 5])],
    ];
    let mut cpu = CpuTrainer::new(syn0.clone(), dim);
    let mut batched = BatchedTrainer::new(syn0, dim, negative, Device::flex());
    for (i, batch) in batches.iter().enumerate() {
        let alpha = 0.5 / (i + 1) as f32;
        let mut cpu_loss = 0.0f64;
        for &(context, centre, noise) in *batch {
            cpu_loss += f64::from(cpu.pair(context, centre, &noise, alpha));
            batched.pair(context, centre, &noise, alpha);
        }
        let (loss, pairs) = block_on(batched.read_loss(alpha)).unwrap();
        assert_eq!(pairs, batch.len());
        assert!((loss - cpu_loss).abs() < 1e-5, "batch {i}: loss {loss} vs {cpu_loss}");
        let gpu = block_on(batched.syn0()).unwrap();
        for (j, (a, b)) in gpu.iter().zip(cpu.syn0()).enumerate() {
            assert!((a - b).abs() < 1e-6, "batch {i}, value {j}: {a} vs {b}");
        }
    }
}

#[test]
fn config_errors_name_the_field() {
    type Edit = fn(&mut Word2VecConfig);
    let cases: [(Edit, &str, &str); 12] = [
        (|c| c.vector_size = 0, "vector_size", "1 to 1000"),
        (|c| c.vector_size = 1001, "vector_size", "1 to 1000"),
        (|c| c.window = 0, "window", "at least 1"),
        (|c| c.negative = 0, "negative", "1 to 50"),
        (|c| c.negative = 51, "negative", "1 to 50"),
        (|c| c.sample = 1.0, "sample", "[0, 1)"),
        (|c| c.sample = -0.1, "sample", "[0, 1)"),
        (|c| c.epochs = 0, "epochs", "1 to 100"),
        (|c| c.epochs = 101, "epochs", "1 to 100"),
        (|c| c.alpha = 0.0, "alpha", "above 0"),
        (|c| c.min_count = 0, "min_count", "at least 1"),
        (|c| c.min_alpha = 0.5, "min_alpha", "alpha"),
    ];
    let data = dataset(planted(2, 20, 1));
    for (edit, field, message) in cases {
        let mut config = Word2VecConfig::default();
        edit(&mut config);
        match Word2Vec::new(&config, &run_config(), &data, None) {
            Err(KilnError::Config { field: f, message: m }) => {
                assert_eq!(f, field);
                assert!(m.contains(message), "{field}: {m}");
            }
            Err(e) => panic!("{field}: unexpected {e}"),
            Ok(_) => panic!("{field}: accepted"),
        }
    }
    let config = Word2VecConfig { min_count: 1000, ..Word2VecConfig::default() };
    let err = Word2Vec::new(&config, &run_config(), &data, None).err().unwrap();
    assert!(err.to_string().contains("lower min_count"), "{err}");
}

#[test]
fn finish_midway_gives_done_and_usable_vectors() {
    let texts = planted(3, 2500, 4); // 25,000 words: two chunks per epoch
    let mut w2v = Word2Vec::new(&small_config(3), &run_config(), &dataset(texts), None).unwrap();
    assert!(matches!(block_on(w2v.next()).unwrap(), Word2VecEvent::Prepared { corpus_words: 25_000, .. }));
    let Word2VecEvent::Progress { epoch: 1, words_done, .. } = block_on(w2v.next()).unwrap() else { panic!() };
    assert!((kiln::embed::CHUNK_WORDS..25_000).contains(&words_done), "{words_done}");
    let done = Word2VecEvent::Done { vocab_size: 42, vector_size: 16, words_done };
    assert_eq!(block_on(w2v.finish()).unwrap(), done);
    assert_eq!(block_on(w2v.next()).unwrap(), done);
    let vectors = block_on(w2v.vectors()).unwrap();
    assert_eq!((vectors.len(), vectors.dim()), (42, 16));
    assert!(vectors.data().iter().all(|x| x.is_finite()));
    assert_eq!(vectors.similar_by_word("a0", 5).unwrap().len(), 5);
}
