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
    /// A validation set from a separate file (Keras `validation_data=`), if the user gave one.
    pub val: Option<Labelled>,
    /// What loading kept and dropped.
    pub report: LoadReport,
}

/// The train and test texts of one run, and the validation file's if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub train: Labelled,
    pub test: Labelled,
    pub val: Option<Labelled>,
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
        // IMDB's labels are 0/1; tests feed more classes through the same path.
        let classes = imdb.labels.iter().copied().max().unwrap_or(1).max(1);
        Ok(Self {
            name: name.name().to_string(),
            classes: (0..=classes).map(|c| c.to_string()).collect(),
            train: pick(&split.train, train),
            test: Some(pick(&split.test, test)),
            val: None,
            report: LoadReport { rows: train + test, ..LoadReport::default() },
        })
    }

    /// The test part, or `test_split` of the rows drawn at random with `seed`
    /// (scikit-learn's `train_test_split(test_size=…, random_state=seed)`).
    pub fn parts(&self, test_split: f64, seed: u64) -> Result<Parts> {
        if let Some(test) = &self.test {
            return Ok(Parts { train: self.train.clone(), test: test.clone(), val: self.val.clone() });
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
        Ok(Parts { train: self.train.pick(train), test: self.train.pick(test), val: self.val.clone() })
    }

    /// Use `other`'s rows (train and test parts alike) as the validation set; its
    /// labels must be among this dataset's classes.
    pub fn with_validation(&self, other: &Dataset) -> Result<Self> {
        let mut val = Labelled::default();
        let rows = other.train.texts.iter().zip(&other.train.labels);
        let test_rows = other.test.iter().flat_map(|t| t.texts.iter().zip(&t.labels));
        for (text, &label) in rows.chain(test_rows) {
            let name = &other.classes[label as usize];
            let Some(id) = self.classes.iter().position(|c| c == name) else {
                return Err(KilnError::Data(format!(
                    "the validation file {} has label `{name}`, which {} does not have (classes: {})",
                    other.name,
                    self.name,
                    self.classes.join(", ")
                )));
            };
            val.push(text.clone(), id as u32);
        }
        if val.is_empty() {
            return Err(KilnError::Data(format!("the validation file {} has no rows", other.name)));
        }
        Ok(Self { val: Some(val), ..self.clone() })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str, classes: &[&str], rows: &[(&str, u32)]) -> Dataset {
        let mut train = Labelled::default();
        rows.iter().for_each(|&(t, l)| train.push(t.into(), l));
        Dataset { name: name.into(), classes: classes.iter().map(|c| c.to_string()).collect(), train, ..Dataset::default() }
    }

    #[test]
    fn test_split_holds_out_a_seeded_random_share() {
        let rows: Vec<(String, u32)> = (0..10).map(|i| (format!("t{i}"), i % 2)).collect();
        let rows: Vec<(&str, u32)> = rows.iter().map(|(t, l)| (t.as_str(), *l)).collect();
        let d = data("d", &["a", "b"], &rows);
        let p = d.parts(0.25, 7).unwrap();
        assert_eq!((p.train.len(), p.test.len()), (7, 3)); // ceil(10 × 0.25)
        let mut all: Vec<_> = p.train.texts.iter().chain(&p.test.texts).cloned().collect();
        all.sort();
        assert_eq!(all.len(), 10);
        all.dedup();
        assert_eq!(all.len(), 10, "every row once");
        assert_eq!(d.parts(0.25, 7).unwrap(), p, "same seed, same split");
        assert_ne!(d.parts(0.25, 8).unwrap().test, p.test, "another seed, another split");
        let err = data("tiny", &["a", "b"], &[("x", 0)]).parts(0.2, 1).unwrap_err().to_string();
        assert!(err.contains("tiny has 1 rows"), "{err}");
    }

    #[test]
    fn a_validation_file_maps_labels_by_class_name() {
        let train = data("train.tsv", &["neg", "pos"], &[("a", 0), ("b", 1)]);
        let val = data("val.tsv", &["pos"], &[("c", 0)]);
        let joined = train.with_validation(&val).unwrap();
        assert_eq!(joined.val.as_ref().unwrap().labels, vec![1]);
        assert_eq!(joined.parts(0.5, 1).unwrap().val, joined.val);
        let odd = data("odd.tsv", &["meh"], &[("d", 0)]);
        let err = train.with_validation(&odd).unwrap_err().to_string();
        assert!(err.contains("label `meh`") && err.contains("neg, pos"), "{err}");
    }
}
