//! fastText lines: `__label__2 some text`; the class is the label's suffix.

use super::labels::Rows;
use crate::error::{KilnError, Result};

const PREFIX: &str = "__label__";

/// A line's first label (empty if it has none), how many labels it has, and its text.
fn split(line: &str) -> (&str, usize, &str) {
    let (mut first, mut count, mut rest) = ("", 0, line.trim_start());
    while let Some(after) = rest.strip_prefix(PREFIX) {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        if count == 0 {
            first = &after[..end];
        }
        count += 1;
        rest = after[end..].trim_start();
    }
    (first, count, rest.trim_end())
}

/// Non-blank lines with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty())
}

/// The first lines as `[text, label]`.
pub(super) fn preview(text: &str, n: usize) -> Vec<Vec<String>> {
    let row = |(label, _, text): (&str, usize, &str)| vec![text.to_string(), label.to_string()];
    lines(text).take(n).map(|(_, l)| row(split(l))).collect()
}

/// Every line into `rows`; a line without a label gets an empty one (dropped as a bad label).
pub(super) fn read(name: &str, text: &str, rows: &mut Rows) -> Result<Vec<String>> {
    let (mut labelled, mut multi) = (0, 0);
    for (line, l) in lines(text) {
        let (label, count, body) = split(l);
        labelled += usize::from(count > 0);
        multi += usize::from(count > 1);
        rows.push(line, body.to_string(), label, false);
    }
    if labelled == 0 {
        return Err(KilnError::Data(format!("{name}: no line starts with `{PREFIX}`: not a fastText file")));
    }
    let mut notes = Vec::new();
    if multi > 0 {
        notes.push(format!("{multi} lines have more than one {PREFIX} label: the first is used"));
    }
    Ok(notes)
}
