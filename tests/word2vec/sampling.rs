//! The sampling both trainers share, against the formulas of word2vec.c and gensim; the loss;
//! the corpus's vocabulary.

use kiln::embed::sampling::{Lcg, NoiseTable, Sampler, keep_probability, learning_rate};
use kiln::embed::{Corpus, score};

#[test]
fn score_is_the_negative_sampling_loss_and_gradient() {
    for f in [-40.0f32, -3.0, -0.5, 0.0, 0.7, 5.0, 40.0] {
        let sigmoid = 1.0 / (1.0 + (-f64::from(f)).exp());
        let (g, loss) = score(f, true);
        assert!((f64::from(g) - (1.0 - sigmoid)).abs() < 1e-6, "{f}");
        assert!((f64::from(loss) - (1.0 + (-f64::from(f)).exp()).ln()).abs() < 1e-5, "{f}");
        let (g, loss) = score(f, false);
        assert!((f64::from(g) + sigmoid).abs() < 1e-6, "{f}");
        assert!((f64::from(loss) - (1.0 + f64::from(f).exp()).ln()).abs() < 1e-5, "{f}");
    }
}

/// |observed − expected| within 5 binomial standard deviations.
fn close(observed: usize, n: usize, p: f64, what: &str) {
    let sd = (n as f64 * p * (1.0 - p)).sqrt().max(1.0);
    let expected = n as f64 * p;
    assert!((observed as f64 - expected).abs() < 5.0 * sd, "{what}: {observed} vs {expected:.1} ± {sd:.1}");
}

#[test]
fn subsampling_keeps_words_at_gensims_rate() {
    let counts = [5000u64, 1000, 200, 40, 8, 1];
    let total: u64 = counts.iter().sum();
    let sample = 1e-3 * 4.0; // threshold 25 words: every word but the rarest is thinned
    let sampler = Sampler::new(&counts, sample, 5, 5);
    let sentence: Vec<u32> = (0..counts.len() as u32).collect();
    let (mut rng, mut kept, mut seen) = (Lcg::new(11), Vec::new(), vec![0usize; counts.len()]);
    let n = 20_000;
    for _ in 0..n {
        sampler.subsample(&sentence, &mut rng, &mut kept);
        kept.iter().for_each(|&w| seen[w as usize] += 1);
    }
    for (w, &c) in counts.iter().enumerate() {
        let (f, t) = (c as f64, sample * total as f64);
        let p = (((f / t).sqrt() + 1.0) * t / f).min(1.0);
        assert!((keep_probability(c, total, sample) - p).abs() < 1e-12);
        close(seen[w], n, p, &format!("word {w} (count {c})"));
    }
    assert_eq!(keep_probability(5000, total, 0.0), 1.0, "sample 0 keeps everything");
}

#[test]
fn noise_words_follow_counts_to_the_three_quarters() {
    let counts = [1000u64, 300, 50, 20, 7, 1, 1, 400];
    let table = NoiseTable::new(&counts);
    let z: f64 = counts.iter().map(|&c| (c as f64).powf(0.75)).sum();
    let mut rng = Lcg::new(5);
    let mut seen = vec![0usize; counts.len()];
    let n = 200_000;
    (0..n).for_each(|_| seen[table.draw(&mut rng) as usize] += 1);
    for (w, &c) in counts.iter().enumerate() {
        let p = (c as f64).powf(0.75) / z;
        assert!((table.probability(w) - p).abs() < 1e-9, "word {w}: table {} vs {p}", table.probability(w));
        close(seen[w], n, p, &format!("noise word {w}"));
    }
}

#[test]
fn context_distances_follow_the_reduced_window() {
    let (len, window) = (3000usize, 5usize);
    let sampler = Sampler::new(&vec![1; len], 0.0, window, 3);
    let sentence: Vec<u32> = (0..len as u32).collect();
    let mut by_distance = vec![0usize; window + 2];
    let mut noise_ok = true;
    let (mut rng, mut noise) = (Lcg::new(9), Vec::new());
    sampler.pairs(&sentence, &mut rng, &mut noise, |context, centre, noise| {
        noise_ok &= noise.len() == 3 && noise.iter().all(|&n| (n as usize) < len);
        let c = centre as usize;
        if (window..len - window).contains(&c) {
            by_distance[(context as i64 - c as i64).unsigned_abs() as usize] += 1;
        }
    });
    assert!(noise_ok);
    assert_eq!(by_distance[0] + by_distance[window + 1], 0);
    let centres = len - 2 * window;
    for (d, &count) in by_distance.iter().enumerate().take(window + 1).skip(1) {
        // A window of b ∈ 1..=W (uniform) reaches distance d when b ≥ d: P = (W − d + 1) / W, on each side.
        let p = (window - d + 1) as f64 / window as f64;
        close(count / 2, centres, p, &format!("distance {d}"));
    }
}

#[test]
fn learning_rate_decays_linearly_to_min_alpha() {
    let cases = [(0, 0.025), (250, 0.025 - 0.0249 / 4.0), (500, 0.01255), (1000, 0.0001), (2000, 0.0001)];
    for (done, expected) in cases {
        assert!((learning_rate(0.025, 0.0001, done, 1000) - expected).abs() < 1e-12, "{done}");
    }
}

#[test]
fn corpus_counts_ties_and_sentences() {
    let texts = ["b a c a", "d", "c b e e", "a a"];
    let split = |t: &str| t.split(' ').map(String::from).collect::<Vec<_>>();
    // (min_count, max_vocab, words, counts, sentences)
    type Case = (usize, Option<usize>, &'static [&'static str], &'static [u64], &'static [&'static [&'static str]]);
    let cases: [Case; 3] = [
        (1, None, &["a", "b", "c", "e", "d"], &[4, 2, 2, 2, 1], &[&["b", "a", "c", "a"], &["d"], &["c", "b", "e", "e"], &["a", "a"]]),
        (2, None, &["a", "b", "c", "e"], &[4, 2, 2, 2], &[&["b", "a", "c", "a"], &["c", "b", "e", "e"], &["a", "a"]]),
        (1, Some(2), &["a", "b"], &[4, 2], &[&["b", "a", "a"], &["b"], &["a", "a"]]),
    ];
    for (min_count, max_vocab, words, counts, sentences) in cases {
        let corpus = Corpus::build(texts, split, min_count, max_vocab).unwrap();
        assert_eq!(corpus.words, words, "min_count {min_count}, max_vocab {max_vocab:?}");
        assert_eq!(corpus.counts, counts);
        let got: Vec<Vec<&str>> = (0..corpus.sentences())
            .map(|s| corpus.sentence(s).iter().map(|&i| corpus.words[i as usize].as_str()).collect())
            .collect();
        assert_eq!(got, sentences.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
    }
    let err = Corpus::build(texts, split, 5, None).unwrap_err();
    assert!(err.to_string().contains("lower min_count"), "{err}");
}

