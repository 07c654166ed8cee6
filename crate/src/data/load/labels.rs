//! Raw label values → class names and ids: numeric labels sort as numbers, others as strings;
//! empty and stray values are dropped; one class, or a "label" column that looks like text, is refused.

use std::collections::HashMap;

use crate::data::Labelled;
use crate::error::{KilnError, Result};

/// More distinct labels than this, or than half the rows, means the wrong column.
const MAX_CLASSES: usize = 50;
/// Share of numeric labels above which non-numeric ones are strays.
const NUMERIC_SHARE: f64 = 0.95;

/// Rows as read: texts with interned raw labels and where each came from.
#[derive(Debug, Default)]
pub(super) struct Rows {
    texts: Vec<String>,
    labels: Vec<u32>,
    /// Line of each row in the file (text formats) or its number in the archive.
    lines: Vec<usize>,
    test: Vec<bool>,
    values: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Rows {
    pub fn push(&mut self, line: usize, text: String, label: &str, test: bool) {
        let label = label.trim();
        let id = match self.ids.get(label) {
            Some(&id) => id,
            None => {
                let id = self.values.len() as u32;
                self.values.push(label.to_string());
                self.ids.insert(label.to_string(), id);
                id
            }
        };
        self.texts.push(text);
        self.labels.push(id);
        self.lines.push(line);
        self.test.push(test);
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }
}

/// Rows split into classes: the train part, the test part if any rows were test rows.
#[derive(Debug)]
pub(super) struct Classified {
    pub classes: Vec<String>,
    pub train: Labelled,
    pub test: Option<Labelled>,
    pub dropped_bad_label: usize,
    pub notes: Vec<String>,
}

/// An empty label, or one pandas, numpy or Python write for a missing value: dropped, not a class.
fn missing(value: &str) -> bool {
    value.is_empty() || ["nan", "null", "none", "n/a", "#n/a"].iter().any(|m| value.eq_ignore_ascii_case(m))
}

fn number(value: &str) -> Option<f64> {
    value.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Classes from `rows` of file `name`; `source` names where labels came from (`` column `label` ``).
pub(super) fn classify(name: &str, rows: Rows, source: &str) -> Result<Classified> {
    if rows.len() == 0 {
        return Err(KilnError::Data(format!("{name}: no rows to read: the file needs rows with a text and a label")));
    }
    let mut counts = vec![0usize; rows.values.len()];
    for &l in &rows.labels {
        counts[l as usize] += 1;
    }
    let numeric: usize = rows.values.iter().zip(&counts).filter(|(v, _)| number(v).is_some()).map(|(_, c)| c).sum();
    let present: usize = rows.values.iter().zip(&counts).filter(|(v, _)| !missing(v)).map(|(_, c)| c).sum();
    let numbers_only = numeric > 0 && numeric as f64 >= NUMERIC_SHARE * present as f64;
    let valid: Vec<bool> = rows.values.iter().map(|v| !missing(v) && (!numbers_only || number(v).is_some())).collect();
    let mut names: Vec<(usize, &String)> = rows.values.iter().enumerate().filter(|(i, _)| valid[*i]).collect();
    let kept: usize = names.iter().map(|(i, _)| counts[*i]).sum();
    if names.is_empty() {
        return Err(KilnError::Data(format!(
            "{name}: no labels in {source}: every label is empty or missing (NaN, null): pick the label column"
        )));
    }
    if names.len() > MAX_CLASSES || (names.len() > 5 && names.len() * 2 > kept) {
        return Err(KilnError::Data(format!(
            "{name}: {source} has {} different labels in {kept} rows: that looks like text, not classes. \
             Did you pick the text column as the label? A label column holds a few values such as 0/1 or pos/neg",
            names.len()
        )));
    }
    if let [(_, only)] = names.as_slice() {
        return Err(KilnError::Data(format!("{name}: only one class (`{only}`) in {source}: a classifier needs two")));
    }
    if numbers_only {
        names.sort_by(|a, b| number(a.1).unwrap_or(0.0).total_cmp(&number(b.1).unwrap_or(0.0)));
    } else {
        names.sort_by(|a, b| a.1.cmp(b.1));
    }
    let mut class_of = vec![None; rows.values.len()];
    for (class, (value, _)) in names.iter().enumerate() {
        class_of[*value] = Some(class as u32);
    }
    let classes: Vec<String> = names.into_iter().map(|(_, n)| n.clone()).collect();
    let (mut train, mut test, mut bad_lines) = (Labelled::default(), Labelled::default(), Vec::new());
    let parts = rows.texts.into_iter().zip(rows.labels).zip(rows.lines).zip(rows.test);
    for (((text, label), line), is_test) in parts {
        match class_of[label as usize] {
            Some(class) if is_test => test.push(text, class),
            Some(class) => train.push(text, class),
            None => bad_lines.push(line),
        }
    }
    let mut notes = Vec::new();
    if !bad_lines.is_empty() {
        let what = if numbers_only { "empty, missing (NaN) or not a number" } else { "empty or missing (NaN)" };
        let (n, at) = (bad_lines.len(), lines(&bad_lines));
        notes.push(format!("dropped {n} rows whose label in {source} is {what}: {at}"));
    }
    let test = (!test.is_empty()).then_some(test);
    Ok(Classified { classes, train, test, dropped_bad_label: bad_lines.len(), notes })
}

/// `line 4, 9, 12 …` for the first few.
pub(super) fn lines(lines: &[usize]) -> String {
    let first: Vec<String> = lines.iter().take(10).map(ToString::to_string).collect();
    let more = if lines.len() > 10 { ", …" } else { "" };
    format!("line{} {}{more}", if lines.len() > 1 { "s" } else { "" }, first.join(", "))
}
