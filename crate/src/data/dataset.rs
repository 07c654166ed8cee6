//! A dataset as a run sees it: class names and labelled texts, with or without a
//! test part of its own.

use rand::{SeedableRng, rngs::SmallRng, seq::SliceRandom};

use super::imdb::{Imdb, Split};
use crate::dto::{DatasetName, LoadReport};
use crate::error::{KilnError, Result};

/// Texts and their class ids (indices into `Dataset::classes`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labelled {
    pub texts: Vec<String>,
    pub labels: Vec<u32>,
}

impl Labelled {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn push(&mut self, text: String, label: u32) {
        self.texts.push(text);
        self.labels.push(label);
    }

    /// The rows `rows`, in that order.
    pub fn pick(&self, rows: &[usize]) -> Self {
        Self {
            texts: rows.iter().map(|&r| self.texts[r].clone()).collect(),
            labels: rows.iter().map(|&r| self.labels[r]).collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// `imdb-5k`, `ko-sample` or the file name.
    pub name: String,
    /// Class names by id: `["0", "1"]` for IMDB, the file's label values otherwise.
    pub classes: Vec<String>,
    pub train: Labelled,
    /// The data's own test part (the IMDB split, aclImdb's `test/`), if it has one.
    pub test: Option<Labelled>,
    /// What loading kept and dropped.
    pub report: LoadReport,
}

/// The train and test texts of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub train: Labelled,
    pub test: Labelled,
}

impl Dataset {
    /// An IMDB subset of the benchmark split: the first `train_size` train rows and
    /// the first `test_size` test rows.
    pub fn imdb(imdb: &Imdb, split: &Split, name: DatasetName) -> Result<Self> {
        let (Some(train), Some(test)) = (name.train_size(), name.test_size()) else {
            return Err(KilnError::config("data", format!("`{}` is not an IMDB subset", name.name())));
        };
        let pick = |rows: &[usize], n: usize| {
            let mut out = Labelled::default();
            for &i in rows.iter().take(n) {
                out.push(imdb.texts[i].clone(), u32::from(imdb.labels[i]));
            }
            out
        };
        Ok(Self {
            name: name.name().to_string(),
            classes: vec!["0".into(), "1".into()],
            train: pick(&split.train, train),
            test: Some(pick(&split.test, test)),
            report: LoadReport { rows: train + test, ..LoadReport::default() },
        })
    }

    /// The test part, or `test_split` of the rows drawn at random with `seed`
    /// (scikit-learn's `train_test_split(test_size=…, random_state=seed)`).
    pub fn parts(&self, test_split: f64, seed: u64) -> Result<Parts> {
        if let Some(test) = &self.test {
            return Ok(Parts { train: self.train.clone(), test: test.clone() });
        }
        if !(test_split > 0.0 && test_split < 1.0) {
            return Err(KilnError::config(
                "test_split",
                format!("{} has no test part of its own: test_split must be in (0, 1)", self.name),
            ));
        }
        let n = self.train.len();
        let n_test = ((n as f64) * test_split).ceil() as usize;
        if n_test == 0 || n_test >= n {
            return Err(KilnError::Data(format!(
                "{} has {n} rows: too few to hold out {:.0} % as a test set",
                self.name,
                test_split * 100.0
            )));
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut SmallRng::seed_from_u64(seed));
        let (test, train) = order.split_at(n_test);
        Ok(Parts { train: self.train.pick(train), test: self.train.pick(test) })
    }

    /// Rows per class over train and test.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for &l in self.train.labels.iter().chain(self.test.iter().flat_map(|t| t.labels.iter())) {
            if let Some(c) = counts.get_mut(l as usize) {
                *c += 1;
            }
        }
        counts
    }
}
