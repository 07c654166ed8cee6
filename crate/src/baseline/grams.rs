//! Counting n-grams of interned words: a word is a `u32` id, a bigram a `u64` pair and a
//! trigram a `u128` triple, so 20k IMDB reviews with bigrams (millions of distinct pairs) are
//! counted without building a string per n-gram.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Longest n-gram the keys hold.
pub const MAX_N: usize = 3;

/// An n-gram of word ids, packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gram {
    One(u32),
    Two(u64),
    Three(u128),
}

impl Gram {
    /// The n-gram of `ids` (1 to 3 of them).
    pub fn of(ids: &[u32]) -> Self {
        match *ids {
            [a] => Self::One(a),
            [a, b] => Self::Two(u64::from(a) << 32 | u64::from(b)),
            [a, b, c] => Self::Three(u128::from(a) << 64 | u128::from(b) << 32 | u128::from(c)),
            _ => unreachable!("n-grams are 1 to {MAX_N} words, got {}", ids.len()),
        }
    }

    /// The word ids, first to last.
    pub fn ids(self) -> Vec<u32> {
        match self {
            Self::One(a) => vec![a],
            Self::Two(k) => vec![(k >> 32) as u32, k as u32],
            Self::Three(k) => vec![(k >> 64) as u32, (k >> 32) as u32, k as u32],
        }
    }

    /// scikit-learn's `_word_ngrams` name: the words joined by a space.
    pub fn name(self, words: &[String]) -> String {
        self.ids().iter().map(|&i| words[i as usize].as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// Every n-gram of `ids` of length 1..=`n`, unigrams first, then bigrams, … (scikit-learn's
/// order; the order does not change any count).
pub fn each_gram(ids: &[u32], n: usize, mut f: impl FnMut(Gram)) {
    for len in 1..=n.min(ids.len()) {
        ids.windows(len).for_each(|w| f(Gram::of(w)));
    }
}

/// FxHash's multiply-rotate (rustc's hasher): the keys are packed integers, and SipHash's
/// resistance to chosen keys buys nothing here at several times the cost.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        chunks.remainder().iter().for_each(|&b| self.write_u64(u64::from(b)));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0.rotate_left(26) // the product's well-mixed high bits into the low ones hashbrown indexes by
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Counts of one n-gram over a corpus.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stat {
    /// Occurrences in all documents (`X.sum(axis=0)`).
    pub total: u64,
    /// Documents holding it.
    pub df: u32,
    /// The last document (1-based) counted in `df`.
    last: u32,
}

/// Per-n-gram counts, one table per length.
#[derive(Debug, Default)]
pub struct Counts {
    one: Vec<Stat>,
    two: FxMap<u64, Stat>,
    three: FxMap<u128, Stat>,
}

impl Counts {
    /// Count one occurrence of `gram` in document `doc` (0-based; documents in order).
    pub fn add(&mut self, gram: Gram, doc: usize) {
        let stat = match gram {
            Gram::One(a) => {
                if self.one.len() <= a as usize {
                    self.one.resize(a as usize + 1, Stat::default());
                }
                &mut self.one[a as usize]
            }
            Gram::Two(k) => self.two.entry(k).or_default(),
            Gram::Three(k) => self.three.entry(k).or_default(),
        };
        stat.total += 1;
        let tag = doc as u32 + 1;
        if stat.last != tag {
            stat.last = tag;
            stat.df += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.one.iter().filter(|s| s.total > 0).count() + self.two.len() + self.three.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every counted n-gram with its counts, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (Gram, Stat)> + '_ {
        let one = self.one.iter().enumerate().filter(|(_, s)| s.total > 0).map(|(a, s)| (Gram::One(a as u32), *s));
        let two = self.two.iter().map(|(&k, s)| (Gram::Two(k), *s));
        let three = self.three.iter().map(|(&k, s)| (Gram::Three(k), *s));
        one.chain(two).chain(three)
    }
}
