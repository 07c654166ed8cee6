//! A user's data file: what Kiln found in it, how to read it, and the data view.

use serde::{Deserialize, Serialize};

/// File formats Kiln reads (`sniff` guesses one from the name and first bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Tsv,
    /// `__label__2 text` lines (fastText), plain or `.bz2`.
    FastText,
    /// One JSON object per line.
    Jsonl,
    /// The aclImdb `.tar.gz`: `train/pos`, `train/neg`, `test/…` folders of `.txt` files.
    AclImdb,
    /// A zip with one folder of `.txt` files per class.
    ZipFolders,
}

/// What `inspect` saw in a file, before the user picks columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub file_name: String,
    pub bytes: usize,
    pub format: Format,
    /// `gzip`, `bzip2`, `zip` or `none`.
    pub compression: String,
    /// `utf-8` or `euc-kr` (decoded to UTF-8).
    pub encoding: String,
    /// Column names (header or `column 1`, …) for CSV, TSV and JSON lines; empty otherwise.
    pub columns: Vec<String>,
    pub has_header: bool,
    /// Guessed text and label columns (indices into `columns`).
    pub text_column: Option<usize>,
    pub label_column: Option<usize>,
    /// The first rows as cells (at most 5).
    pub preview: Vec<Vec<String>>,
    /// Things the user should know (`decoded as EUC-KR`, `no header row`).
    pub notes: Vec<String>,
}

/// The user's choices for reading a file; `None` takes `inspect`'s guess.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadOptions {
    pub format: Option<Format>,
    pub has_header: Option<bool>,
    pub text_column: Option<usize>,
    pub label_column: Option<usize>,
}

/// Rows in one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassCount {
    pub name: String,
    pub count: usize,
}

/// One example row for the data view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub text: String,
    pub label: String,
}

/// What loading kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    pub rows: usize,
    pub dropped_empty: usize,
    pub dropped_duplicates: usize,
    /// Rows dropped because their label was not one of the classes (row numbers, first 10).
    pub dropped_bad_label: usize,
    pub notes: Vec<String>,
}

/// One bar of the length histogram: texts with `from <= tokens < to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub from: usize,
    pub to: usize,
    pub count: usize,
}

/// Seed 004's look at text lengths (in tokens) before choosing `maxlen`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthStats {
    pub mean: f64,
    pub median: f64,
    pub max: usize,
    pub std: f64,
    /// `mean + 2σ`, seed 004's `maxlen`.
    pub mean_plus_2sd: f64,
    /// `int(mean + 2σ)`: the maxlen offered.
    pub suggested_maxlen: usize,
    /// Percent of texts with at most `maxlen` tokens.
    pub fit_percent: f64,
    pub maxlen: usize,
    pub histogram: Vec<Bin>,
}

/// The most frequent tokens and how much of the text `num_words` covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Distinct tokens in the training texts.
    pub size: usize,
    /// `(token, count)`, most frequent first.
    pub top: Vec<(String, u64)>,
    /// Percent of token occurrences whose id is below `num_words`.
    pub coverage_percent: f64,
    pub num_words: usize,
}

/// The data view shown before training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataView {
    pub name: String,
    pub train_rows: usize,
    pub test_rows: usize,
    pub classes: Vec<ClassCount>,
    pub report: LoadReport,
    pub examples: Vec<Example>,
    pub lengths: LengthStats,
    pub vocabulary: Vocabulary,
}
