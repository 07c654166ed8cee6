//! Tables (CSV, TSV, JSON lines) before loading: a header or not, and which column holds the
//! text and which the label.

use std::collections::HashSet;

use crate::error::{KilnError, Result};

/// Header names that mean "the text".
const TEXT_NAMES: [&str; 12] = [
    "text", "document", "review", "sentence", "comment", "content", "body", "message", "tweet", "reviews", "texts",
    "sentences",
];
/// Header names that mean "the label".
const LABEL_NAMES: [&str; 12] = [
    "label", "sentiment", "class", "target", "y", "rating", "polarity", "labels", "category", "score", "stars",
    "emotion",
];
/// Other header names seen beside them.
const OTHER_NAMES: [&str; 4] = ["id", "source", "title", "index"];

/// Rows kept from the start of a table for guessing and the preview.
pub(super) const SAMPLE_ROWS: usize = 200;

/// The start of a table.
#[derive(Debug, Default)]
pub(super) struct Sample {
    pub columns: Vec<String>,
    pub has_header: bool,
    /// The first data rows (after the header).
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

fn named(cell: &str, names: &[&str]) -> bool {
    let cell = cell.trim().to_lowercase();
    names.contains(&cell.as_str())
}

fn numeric(cell: &str) -> bool {
    cell.trim().parse::<f64>().is_ok()
}

/// A first row is a header when a cell is a known column name, or a non-numeric cell heads a
/// column whose other values are all numbers.
pub(super) fn looks_like_header(first: &[String], rest: &[Vec<String>]) -> bool {
    if first.iter().any(|c| named(c, &TEXT_NAMES) || named(c, &LABEL_NAMES) || named(c, &OTHER_NAMES)) {
        return true;
    }
    (0..first.len()).any(|j| {
        let below: Vec<&str> =
            rest.iter().filter_map(|r| r.get(j)).map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        !first[j].trim().is_empty() && !numeric(&first[j]) && !below.is_empty() && below.iter().all(|c| numeric(c))
    })
}

/// `column 1`, `column 2`, … for a table without a header.
pub(super) fn numbered(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("column {i}")).collect()
}

/// The guessed text column (by name, else the longest cells) and label column (by name, else the
/// one with the fewest distinct values).
pub(super) fn guess(columns: &[String], rows: &[Vec<String>]) -> (Option<usize>, Option<usize>) {
    let cells = |j: usize| rows.iter().filter_map(move |r| r.get(j));
    let by_name = |names: &[&str]| columns.iter().position(|c| named(c, names));
    let label_named = by_name(&LABEL_NAMES);
    let text = by_name(&TEXT_NAMES).or_else(|| {
        let mean = |j: usize| cells(j).map(|c| c.chars().count()).sum::<usize>() as f64 / rows.len().max(1) as f64;
        (0..columns.len()).filter(|&j| Some(j) != label_named).max_by(|&a, &b| mean(a).total_cmp(&mean(b)))
    });
    let label = label_named.filter(|&j| Some(j) != text).or_else(|| {
        let distinct = |j: usize| cells(j).map(|c| c.trim()).collect::<HashSet<_>>().len();
        (0..columns.len()).filter(|&j| Some(j) != text).min_by_key(|&j| (distinct(j), usize::MAX - j))
    });
    (text, label)
}

/// The user's column or the guess, checked against the columns there are.
pub(super) fn pick(
    name: &str,
    columns: &[String],
    chosen: Option<usize>,
    guessed: Option<usize>,
    role: &str,
) -> Result<usize> {
    let list = || columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    match chosen.or(guessed) {
        Some(j) if j < columns.len() => Ok(j),
        Some(j) => Err(KilnError::Data(format!(
            "{name}: there is no {role} column {} (index {j}): the file has {} columns: {}",
            j + 1,
            columns.len(),
            list()
        ))),
        None => Err(KilnError::Data(format!(
            "{name}: only one column ({}) found: Kiln needs a text column and a label column",
            list()
        ))),
    }
}

/// Cut a preview cell to `max` characters.
pub(super) fn preview_cell(cell: &str, max: usize) -> String {
    match cell.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &cell[..end]),
        None => cell.to_string(),
    }
}
