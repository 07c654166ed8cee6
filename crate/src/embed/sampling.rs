//! The sampling both trainers share, as in Mikolov's word2vec.c and gensim: sub-sampling of
//! frequent words, a reduced window per centre word, noise words from counts^0.75, a seeded
//! LCG, and the learning rate's linear decay.

/// word2vec.c's linear congruential generator (`next_random * 25214903917 + 11`), kept to 48
/// bits and read from the top 32 as java.util.Random does: word2vec.c's `% window` on the low
/// bits of a power-of-two LCG repeats with a short period.
#[derive(Debug, Clone)]
pub struct Lcg {
    state: u64,
}

impl Lcg {
    const MASK: u64 = (1 << 48) - 1;

    pub fn new(seed: u64) -> Self {
        Self { state: (seed ^ 0x5DEE_CE66D) & Self::MASK }
    }

    pub fn next_u32(&mut self) -> u32 {
        self.state = self.state.wrapping_mul(25_214_903_917).wrapping_add(11) & Self::MASK;
        (self.state >> 16) as u32
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 / (1u32 << 24) as f32
    }
}

/// gensim's keep-probability of a word seen `count` times in a corpus of `total` words:
/// `(sqrt(f / (sample·total)) + 1) · (sample·total) / f`, at most 1; `sample` 0 keeps every word.
pub fn keep_probability(count: u64, total: u64, sample: f64) -> f64 {
    if sample <= 0.0 || count == 0 {
        return 1.0;
    }
    let threshold = sample * total as f64;
    let f = count as f64;
    (((f / threshold).sqrt() + 1.0) * threshold / f).min(1.0)
}

/// Noise words with probability `count^0.75 / Σ count^0.75`, drawn in O(1) from Walker's alias
/// table (word2vec.c's 10⁸-entry table would not fit the page's memory budget).
#[derive(Debug, Clone)]
pub struct NoiseTable {
    /// Keep column `i` when a 32-bit draw is below `keep[i]`; else take `alias[i]`.
    keep: Vec<u64>,
    alias: Vec<u32>,
}

impl NoiseTable {
    pub const POWER: f64 = 0.75;

    /// `counts` must not be empty.
    pub fn new(counts: &[u64]) -> Self {
        let n = counts.len();
        let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(Self::POWER)).collect();
        let sum: f64 = weights.iter().sum();
        // Vose's method: columns scaled to mean 1, small ones topped up from large ones.
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / sum).collect();
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What is left is 1 up to rounding.
        small.into_iter().chain(large).for_each(|i| scaled[i] = 1.0);
        let keep = scaled.iter().map(|p| (p * 4_294_967_296.0).round() as u64).collect();
        Self { keep, alias }
    }

    pub fn len(&self) -> usize {
        self.keep.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keep.is_empty()
    }

    pub fn draw(&self, rng: &mut Lcg) -> u32 {
        let column = ((u64::from(rng.next_u32()) * self.keep.len() as u64) >> 32) as usize;
        match u64::from(rng.next_u32()) < self.keep[column] {
            true => column as u32,
            false => self.alias[column],
        }
    }

    /// The probability the table gives word `i` (for tests: it should be `count^0.75 / Σ`).
    pub fn probability(&self, i: usize) -> f64 {
        let n = self.keep.len() as f64;
        let own = self.keep[i] as f64 / 4_294_967_296.0;
        let given: f64 = (0..self.keep.len())
            .filter(|&j| self.alias[j] as usize == i && j != i)
            .map(|j| 1.0 - self.keep[j] as f64 / 4_294_967_296.0)
            .sum();
        (own + given) / n
    }
}

/// The draws of one training pass: which words a sentence keeps, each centre word's window,
/// and the noise words of each (context, centre) pair.
#[derive(Debug, Clone)]
pub struct Sampler {
    /// Keep a word when a 32-bit draw is below this (2³² keeps it always).
    keep: Vec<u64>,
    noise: NoiseTable,
    window: usize,
    negative: usize,
}

impl Sampler {
    /// `counts` by word id (not empty), `total` their sum, `window` and `negative` at least 1.
    pub fn new(counts: &[u64], sample: f64, window: usize, negative: usize) -> Self {
        let total = counts.iter().sum();
        let keep = counts
            .iter()
            .map(|&c| (keep_probability(c, total, sample) * 4_294_967_296.0).round() as u64)
            .collect();
        Self { keep, noise: NoiseTable::new(counts), window, negative }
    }

    pub fn negative(&self) -> usize {
        self.negative
    }

    pub fn noise(&self) -> &NoiseTable {
        &self.noise
    }

    /// The words of `sentence` that survive sub-sampling, into `kept`.
    pub fn subsample(&self, sentence: &[u32], rng: &mut Lcg, kept: &mut Vec<u32>) {
        kept.clear();
        for &w in sentence {
            let keep = self.keep[w as usize];
            if keep > u64::from(u32::MAX) || u64::from(rng.next_u32()) < keep {
                kept.push(w);
            }
        }
    }

    /// word2vec.c's reduced window: `window - b` with `b` uniform in `0..window`.
    pub fn reduced_window(&self, rng: &mut Lcg) -> usize {
        self.window - (rng.next_u32() as usize % self.window)
    }

    /// Every training pair of a (sub-sampled) sentence, in word2vec.c's order: for each centre
    /// word, a reduced window, then each context word in it with `negative` noise words.
    /// `pair(context, centre, noise)`: the context word's input vector predicts the centre word
    /// against the noise words (word2vec.c's skip-gram; noise equal to the centre is the
    /// trainer's to skip).
    pub fn pairs(&self, sentence: &[u32], rng: &mut Lcg, noise: &mut Vec<u32>, mut pair: impl FnMut(u32, u32, &[u32])) {
        for (i, &centre) in sentence.iter().enumerate() {
            let w = self.reduced_window(rng);
            let (start, end) = (i.saturating_sub(w), (i + w + 1).min(sentence.len()));
            for (j, &context) in sentence.iter().enumerate().take(end).skip(start) {
                if j == i {
                    continue;
                }
                noise.clear();
                noise.extend((0..self.negative).map(|_| self.noise.draw(rng)));
                pair(context, centre, noise);
            }
        }
    }
}

/// gensim's learning rate after `done` of `total` words: linear from `alpha` to `min_alpha`.
pub fn learning_rate(alpha: f64, min_alpha: f64, done: usize, total: usize) -> f64 {
    let progress = (done as f64 / total.max(1) as f64).min(1.0);
    alpha - (alpha - min_alpha) * progress
}
