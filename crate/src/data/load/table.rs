//! CSV and TSV: the delimiter sniffed from the first records (tab, comma or semicolon), quoted
//! fields with delimiters and newlines inside (the csv crate), one row per record.

use std::collections::HashMap;

use csv::{ByteRecord, ReaderBuilder};

use super::columns::{self, SAMPLE_ROWS, Sample};
use super::labels::Rows;
use crate::dto::Format;
use crate::error::{KilnError, Result};

/// Bytes from the start used to sniff the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
/// Records from the start used to sniff the delimiter.
const SNIFF_RECORDS: usize = 50;

fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b'\t' => "tab",
        b',' => "comma",
        _ => "semicolon",
    }
}

/// Calls `f(line, record)` for each record until it returns `false`.
fn records(bytes: &[u8], delimiter: u8, mut f: impl FnMut(usize, &ByteRecord) -> Result<bool>) -> Result<()> {
    let mut reader = ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut record = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                if !f(line, &record)? {
                    return Ok(());
                }
            }
            Err(e) => return Err(KilnError::Data(format!("cannot read the table: {e}"))),
        }
    }
}

/// The candidate that splits the first records into the same number (≥ 2) of fields most often;
/// ties go to the earlier candidate.
fn sniff_delimiter(text: &str, candidates: &[u8]) -> u8 {
    let bytes = text.as_bytes();
    let head = match bytes.get(..SNIFF_BYTES) {
        Some(head) => head.iter().rposition(|&b| b == b'\n').map_or(head, |end| &head[..end]),
        None => bytes,
    };
    let score = |delimiter: u8| {
        let mut widths: HashMap<usize, usize> = HashMap::new();
        let mut seen = 0;
        let _ = records(head, delimiter, |_, r| {
            *widths.entry(r.len()).or_default() += 1;
            seen += 1;
            Ok(seen < SNIFF_RECORDS)
        });
        let (width, count) = widths.into_iter().max_by_key(|&(w, c)| (c, w)).unwrap_or((0, 0));
        if width < 2 { 0.0 } else { count as f64 / seen as f64 }
    };
    let mut best = (candidates[0], score(candidates[0]));
    for &d in &candidates[1..] {
        let s = score(d);
        if s > best.1 {
            best = (d, s);
        }
    }
    best.0
}

/// The delimiter and the start of the table; `format` narrows the delimiter (TSV: tab; CSV:
/// comma or semicolon), `has_header` overrides the guess.
pub(super) fn inspect(
    name: &str,
    text: &str,
    format: Option<Format>,
    has_header: Option<bool>,
) -> Result<(Sample, u8)> {
    let candidates: &[u8] = match format {
        Some(Format::Tsv) => b"\t",
        Some(_) => b",;",
        None if name.to_ascii_lowercase().ends_with(".csv") => b",\t;",
        None => b"\t,;",
    };
    let delimiter = sniff_delimiter(text, candidates);
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    records(text.as_bytes(), delimiter, |line, r| {
        rows.push((line, r.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect()));
        Ok(rows.len() <= SAMPLE_ROWS)
    })?;
    let Some((_, first)) = rows.first() else {
        return Err(KilnError::Data(format!("{name} has no rows")));
    };
    let width = first.len();
    if width < 2 {
        return Err(one_column(name, text, delimiter));
    }
    if let Some((line, r)) = rows.iter().find(|(_, r)| r.len() != width) {
        return Err(ragged(name, *line, r.len(), width, delimiter));
    }
    let mut rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
    let has_header = has_header.unwrap_or_else(|| columns::looks_like_header(&rows[0], &rows[1..]));
    let mut sample = Sample { has_header, ..Sample::default() };
    if has_header {
        let header = rows.remove(0);
        let numbered = columns::numbered(width);
        let named = |(h, n): (String, String)| if h.trim().is_empty() { n } else { h };
        sample.columns = header.into_iter().zip(numbered).map(named).collect();
    } else {
        sample.columns = columns::numbered(width);
        sample.notes.push("no header row: the columns are numbered".into());
    }
    rows.truncate(SAMPLE_ROWS);
    sample.rows = rows;
    Ok((sample, delimiter))
}

/// Every data row's text and label cells into `rows`.
pub(super) fn read(
    name: &str,
    text: &str,
    delimiter: u8,
    sample: &Sample,
    (text_column, label_column): (usize, usize),
    rows: &mut Rows,
) -> Result<()> {
    let width = sample.columns.len();
    let mut skip_header = sample.has_header;
    records(text.as_bytes(), delimiter, |line, r| {
        if std::mem::take(&mut skip_header) {
            return Ok(true);
        }
        if r.len() != width {
            return Err(ragged(name, line, r.len(), width, delimiter));
        }
        let cell = |j: usize| {
            let not_utf8 = |_| KilnError::Data(format!("{name}: line {line}: a field is not UTF-8"));
            std::str::from_utf8(&r[j]).map_err(not_utf8)
        };
        rows.push(line, cell(text_column)?.to_string(), cell(label_column)?, false);
        Ok(true)
    })
}

fn ragged(name: &str, line: usize, found: usize, width: usize, delimiter: u8) -> KilnError {
    KilnError::Data(format!(
        "{name}: line {line} has {found} fields but the first row has {width} ({} separated). Check the delimiter, or \
         quote fields that contain it; a field that opens a quote (\") and never closes it swallows the lines after it",
        delimiter_name(delimiter)
    ))
}

/// One column: name the delimiters the first line does have.
fn one_column(name: &str, text: &str, delimiter: u8) -> KilnError {
    let first = text.lines().next().unwrap_or("");
    let others: Vec<&str> = [b'\t', b',', b';']
        .into_iter()
        .filter(|&d| d != delimiter && first.contains(d as char))
        .map(delimiter_name)
        .collect();
    let hint = match others.as_slice() {
        [] => "the first line has no tab, comma or semicolon".to_string(),
        found => {
            format!("the first line has {} characters: pick the matching format (TSV for tabs)", found.join(" and "))
        }
    };
    KilnError::Data(format!(
        "{name}: one column found with the {} delimiter, but Kiln needs a text column and a label column; {hint}",
        delimiter_name(delimiter)
    ))
}
