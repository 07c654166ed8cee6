//! Users' data files → `Dataset`: CSV and TSV (delimiter and header sniffed), fastText lines
//! (plain or `.bz2`), JSON lines, aclImdb's `.tar.gz` and zips of class folders; UTF-8, UTF-16 or
//! EUC-KR. `inspect` says what a file looks like, `load` reads it with the user's choices.
//!
//! Flow: `sniff` (compression, format) → `decode` (decompress once, text borrowed when it is
//! UTF-8) → `table` / `jsonl` / `fasttext` / `archive` push rows → `labels` (classes) → `clean`.

mod archive;
mod clean;
mod columns;
mod decode;
mod fasttext;
mod jsonl;
mod labels;
mod sniff;
mod table;

use std::io::Read;

use columns::Sample;
use labels::Rows;
use sniff::Compression;

use super::Dataset;
use crate::dto::{Format, Inspection, LoadOptions, LoadReport};
use crate::error::{KilnError, Result};

/// Rows shown by `inspect`, and the characters kept of each cell.
const PREVIEW_ROWS: usize = 5;
const PREVIEW_CHARS: usize = 300;

/// A file with its compression undone: text, or an archive still to walk.
enum Opened<'a> {
    Text { name: String, text: decode::Text<'a> },
    Archive,
}

fn open<'a>(name: &str, bytes: &'a [u8]) -> Result<(Opened<'a>, Compression)> {
    if bytes.is_empty() {
        return Err(KilnError::Data(format!("{name} is empty")));
    }
    let compression = sniff::compression(name, bytes)?;
    let text = match compression {
        Compression::Zip => return Ok((Opened::Archive, compression)),
        Compression::Gzip | Compression::Bzip2 => {
            let mut first = Vec::new();
            let peek = decode::reader(compression, bytes).take(512).read_to_end(&mut first);
            peek.map_err(|e| decode::corrupt(name, compression, e))?;
            if sniff::is_tar(&first) {
                return Ok((Opened::Archive, compression));
            }
            decode::decode_owned(name, decode::read_all(name, compression, decode::reader(compression, bytes))?)?
        }
        Compression::None => decode::decode(name, bytes)?,
    };
    if text.text.trim().is_empty() {
        return Err(KilnError::Data(format!("{name} is empty (only blank lines)")));
    }
    Ok((Opened::Text { name: sniff::inner_name(name).to_string(), text }, compression))
}

/// A text file's format and the start of its table (empty for fastText).
struct Layout {
    format: Format,
    sample: Sample,
    delimiter: u8,
}

fn layout(name: &str, text: &str, options: &LoadOptions) -> Result<Layout> {
    let format = options.format.unwrap_or_else(|| sniff::text_format(name, text));
    let (sample, delimiter) = match format {
        Format::FastText => (Sample { rows: fasttext::preview(text, PREVIEW_ROWS), ..Sample::default() }, 0),
        Format::Jsonl => (jsonl::inspect(name, text)?, 0),
        Format::Csv | Format::Tsv => table::inspect(name, text, options.format, options.has_header)?,
        Format::AclImdb | Format::ZipFolders => {
            return Err(KilnError::Data(format!("{name} is a text file, not a .tar.gz or .zip of folders")));
        }
    };
    let format = match format {
        Format::Csv | Format::Tsv if delimiter == b'\t' => Format::Tsv,
        Format::Csv | Format::Tsv => Format::Csv,
        other => other,
    };
    Ok(Layout { format, sample, delimiter })
}

fn preview(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let cut = |r: &Vec<String>| r.iter().map(|c| columns::preview_cell(c, PREVIEW_CHARS)).collect();
    rows.iter().take(PREVIEW_ROWS).map(cut).collect()
}

/// What the file looks like: format, encoding, columns, guessed text/label columns, 5 preview rows.
pub fn inspect(file_name: &str, bytes: &[u8]) -> Result<Inspection> {
    let (opened, compression) = open(file_name, bytes)?;
    let mut out = Inspection {
        file_name: file_name.to_string(),
        bytes: bytes.len(),
        format: Format::ZipFolders,
        compression: compression.name().to_string(),
        encoding: "utf-8".to_string(),
        columns: Vec::new(),
        has_header: false,
        text_column: None,
        label_column: None,
        preview: Vec::new(),
        notes: Vec::new(),
    };
    match opened {
        Opened::Archive => {
            let folders = archive::Folders::read(file_name, compression, bytes, PREVIEW_ROWS)?;
            folders.check(file_name, compression)?;
            out.format = if compression == Compression::Zip { Format::ZipFolders } else { Format::AclImdb };
            out.preview = preview(&folders.preview(PREVIEW_ROWS));
            out.notes = folders.notes();
        }
        Opened::Text { name, text } => {
            let layout = layout(&name, &text.text, &LoadOptions::default())?;
            out.format = layout.format;
            out.encoding = text.encoding.to_string();
            out.notes.extend(text.note());
            out.preview = preview(&layout.sample.rows);
            (out.text_column, out.label_column) = columns::guess(&layout.sample.columns, &layout.sample.rows);
            out.notes.extend(layout.sample.notes);
            out.has_header = layout.sample.has_header;
            out.columns = layout.sample.columns;
        }
    }
    Ok(out)
}

/// Read the file into a Dataset with the user's choices (None = inspect's guess).
pub fn load(file_name: &str, bytes: &[u8], options: &LoadOptions) -> Result<Dataset> {
    let (opened, compression) = open(file_name, bytes)?;
    let (mut rows, mut notes) = (Rows::default(), Vec::new());
    let source = match opened {
        Opened::Archive => {
            let folders = archive::Folders::read(file_name, compression, bytes, usize::MAX)?;
            folders.check(file_name, compression)?;
            notes.extend(folders.notes());
            folders.into_rows(&mut rows);
            "the class folders".to_string()
        }
        Opened::Text { name, text: decoded } => {
            notes.extend(decoded.note());
            let text = &decoded.text;
            let Layout { format, sample, delimiter } = layout(&name, text, options)?;
            notes.extend(sample.notes.iter().cloned());
            if format == Format::FastText {
                notes.extend(fasttext::read(file_name, text, &mut rows)?);
                "the __label__ prefixes".to_string()
            } else {
                let (t, l) = choose(file_name, &sample, options)?;
                let (text_key, label_key) = (&sample.columns[t], &sample.columns[l]);
                if format == Format::Jsonl {
                    jsonl::read(file_name, text, text_key, label_key, &mut rows)?;
                } else {
                    table::read(file_name, text, delimiter, &sample, (t, l), &mut rows)?;
                }
                format!("column `{label_key}`")
            }
        }
    };
    dataset(file_name, rows, &source, notes)
}

/// Kiln's bundled Korean reviews, `data/ko-sample.tsv` (NSMC's `id\tdocument\tlabel`).
pub fn ko_sample() -> Result<Dataset> {
    const KO_SAMPLE: &str = include_str!("../../../../data/ko-sample.tsv");
    let mut data = load("ko-sample.tsv", KO_SAMPLE.as_bytes(), &LoadOptions::default())?;
    data.name = "ko-sample".to_string();
    Ok(data)
}

/// The text and label columns: the user's or the guess, in range and different.
fn choose(name: &str, sample: &Sample, options: &LoadOptions) -> Result<(usize, usize)> {
    let (text, label) = columns::guess(&sample.columns, &sample.rows);
    let text = columns::pick(name, &sample.columns, options.text_column, text, "text")?;
    let label = columns::pick(name, &sample.columns, options.label_column, label, "label")?;
    if text == label {
        return Err(KilnError::Data(format!(
            "{name}: the text and the label are both column `{}`: pick two different columns",
            sample.columns[text]
        )));
    }
    Ok((text, label))
}

/// Classes, then cleaning, then the report.
fn dataset(name: &str, rows: Rows, source: &str, mut notes: Vec<String>) -> Result<Dataset> {
    let labels::Classified { classes, mut train, mut test, dropped_bad_label, notes: label_notes } =
        labels::classify(name, rows, source)?;
    notes.extend(label_notes);
    let mut dropped = clean::clean(&mut train);
    if let Some(test) = &mut test {
        let more = clean::clean(test);
        dropped.empty += more.empty;
        dropped.duplicates += more.duplicates;
    }
    if train.is_empty() {
        return Err(KilnError::Data(format!(
            "{name}: no rows left once empty and repeated texts are dropped: check that the text column is the one \
             holding the texts"
        )));
    }
    let report = LoadReport {
        rows: train.len() + test.as_ref().map_or(0, |t| t.len()),
        dropped_empty: dropped.empty,
        dropped_duplicates: dropped.duplicates,
        dropped_bad_label,
        notes,
    };
    Ok(Dataset { name: name.to_string(), classes, train, test, val: None, report })
}
