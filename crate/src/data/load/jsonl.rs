//! JSON lines: one object per line; its keys are the columns, in first-seen order.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::columns::{SAMPLE_ROWS, Sample};
use super::labels::Rows;
use crate::error::{KilnError, Result};

/// An object's entries in file order (serde_json's `Map` sorts them).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// Strings as they are, numbers and booleans as written, null as empty, arrays and objects as JSON.
fn cell(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Non-blank lines as objects, with their 1-based line numbers, until `f` returns `false`.
fn objects(name: &str, text: &str, mut f: impl FnMut(usize, Entries) -> Result<bool>) -> Result<()> {
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entries = serde_json::from_str::<Entries>(line).map_err(|e| {
            let message = e.to_string();
            let position = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&position).unwrap_or(&message);
            let at = if e.column() > 0 { format!("column {}: ", e.column()) } else { String::new() };
            KilnError::Data(format!("{name}: line {} is not a JSON object ({at}{message})", i + 1))
        })?;
        if !f(i + 1, entries)? {
            break;
        }
    }
    Ok(())
}

/// Columns (keys of the first rows) and those rows as cells.
pub(super) fn inspect(name: &str, text: &str) -> Result<Sample> {
    let mut sample = Sample { has_header: true, ..Sample::default() };
    let mut objects_seen = Vec::new();
    objects(name, text, |_, entries| {
        for (key, _) in &entries.0 {
            if !sample.columns.contains(key) {
                sample.columns.push(key.clone());
            }
        }
        objects_seen.push(entries);
        Ok(objects_seen.len() < SAMPLE_ROWS)
    })?;
    if objects_seen.is_empty() {
        return Err(KilnError::Data(format!("{name} has no JSON objects")));
    }
    sample.rows = objects_seen
        .into_iter()
        .map(|Entries(entries)| {
            let mut row = vec![String::new(); sample.columns.len()];
            for (key, value) in entries {
                if let Some(j) = sample.columns.iter().position(|c| *c == key) {
                    row[j] = cell(value);
                }
            }
            row
        })
        .collect();
    Ok(sample)
}

/// Every object's `text_key` and `label_key` values into `rows` (a missing key reads as empty).
pub(super) fn read(name: &str, text: &str, text_key: &str, label_key: &str, rows: &mut Rows) -> Result<()> {
    objects(name, text, |line, Entries(entries)| {
        let (mut text, mut label) = (String::new(), String::new());
        for (key, value) in entries {
            if key == text_key {
                text = cell(value);
            } else if key == label_key {
                label = cell(value);
            }
        }
        rows.push(line, text, &label, false);
        Ok(true)
    })
}
