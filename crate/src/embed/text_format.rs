//! Word vectors as text: the word2vec format (gensim's `save_word2vec_format(binary=False)` /
//! `load_word2vec_format(binary=False)`: a header `count dim`, then `word v1 … vdim` per line)
//! and GloVe's (the same lines without the header: `load_word2vec_format(no_header=True)`).

use std::collections::HashMap;
use std::fmt::Write;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::Vectors;
use crate::error::{KilnError, Result};

/// Which text layout a file had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// A `count dim` header line first.
    Word2vec,
    /// No header (Stanford's `glove.6B.100d.txt`).
    Glove,
}

impl TextFormat {
    pub fn name(self) -> &'static str {
        match self {
            Self::Word2vec => "word2vec",
            Self::Glove => "GloVe",
        }
    }
}

const EXPECTED: &str = "a word2vec header `count dim` (e.g. `3000 100`) or a GloVe line `word v1 … vn`";

fn err(line: usize, msg: String) -> KilnError {
    KilnError::Data(format!("word vectors, line {line}: {msg}"))
}

/// At most 60 characters of `line`, for messages.
fn clip(line: &str) -> String {
    match line.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

impl Vectors {
    /// Every value is written with the shortest digits that read back to the same `f32`.
    /// Tokens holding whitespace (the space of character tokens) are left out: the format
    /// splits on spaces, so gensim could not read their lines.
    pub fn to_text(&self) -> String {
        let kept = |w: &&String| !w.chars().any(char::is_whitespace);
        let mut out = String::with_capacity(self.len() * (self.dim() * 11 + 12));
        let _ = writeln!(out, "{} {}", self.words().iter().filter(kept).count(), self.dim());
        for (i, word) in self.words().iter().enumerate() {
            if !kept(&word) {
                continue;
            }
            out.push_str(word);
            for v in self.row(i) {
                let _ = write!(out, " {v}");
            }
            out.push('\n');
        }
        out
    }

    /// Read word2vec or GloVe text; errors name the line and what is wrong with it.
    pub fn from_text(text: &str) -> Result<Self> {
        Self::read_text(text).map(|(v, _)| v)
    }

    /// A user's file: gzip is unpacked, then the text must be UTF-8 (gensim's default encoding).
    /// Binary word2vec files, zips and other encodings are refused with what to do instead.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, TextFormat)> {
        let unpacked;
        let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes)
                .read_to_end(&mut out)
                .map_err(|e| KilnError::Data(format!("word vectors: the .gz file could not be unpacked: {e}")))?;
            unpacked = out;
            &unpacked[..]
        } else {
            bytes
        };
        if bytes.starts_with(b"PK\x03\x04") {
            return Err(KilnError::Data(
                "word vectors: this is a zip archive; unzip it and pick one .txt file (e.g. glove.6B.100d.txt)".into(),
            ));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::read_text(text),
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                let first = std::str::from_utf8(good).unwrap_or("").lines().next().unwrap_or("");
                if line >= 2 && header(first).is_some() {
                    return Err(err(
                        line,
                        "not text: this looks like word2vec's binary format; save it with \
                         `save_word2vec_format(path, binary=False)` and load the .txt"
                            .into(),
                    ));
                }
                Err(err(line, "not UTF-8 text (gensim reads UTF-8): save the file as UTF-8".into()))
            }
        }
    }

    /// [`Vectors::from_text`], also saying which format the text had.
    pub fn read_text(text: &str) -> Result<(Self, TextFormat)> {
        let mut lines = text
            .trim_start_matches('\u{feff}')
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((first_no, first)) = lines.next() else {
            return Err(KilnError::Data(format!("word vectors: the file is empty; expected {EXPECTED}")));
        };
        let (format, count, dim, body): (_, _, _, Vec<(usize, &str)>) = match header(first) {
            Some(Ok((count, dim))) => (TextFormat::Word2vec, Some(count), dim, lines.collect()),
            Some(Err(())) => {
                return Err(err(first_no, format!("the header must be `count dim` with dim at least 1, got `{}`", clip(first))));
            }
            None => {
                let fields: Vec<&str> = first.split_whitespace().collect();
                let numbers = fields.len() >= 2 && fields[1..].iter().all(|f| f.parse::<f32>().is_ok());
                if !numbers {
                    return Err(err(first_no, format!("expected {EXPECTED}, got `{}`", clip(first))));
                }
                (TextFormat::Glove, None, fields.len() - 1, std::iter::once((first_no, first)).chain(lines).collect())
            }
        };
        let expected = |found: usize| match format {
            TextFormat::Word2vec => format!("has {found} values; the header says {dim}: correct the header (`count dim`) or the line"),
            TextFormat::Glove => format!("has {found} values; the first line has {dim}"),
        };
        // Each line left holds one word: a header that counts more is refused before it sizes
        // anything, and values take two bytes at least (a digit and a space).
        if let Some(count) = count.filter(|&c| c > body.len()) {
            return Err(miscount(count, body.len()));
        }
        let rows = count.unwrap_or(body.len());
        let mut words = Vec::with_capacity(rows);
        let mut data = Vec::with_capacity(rows.saturating_mul(dim).min(text.len() / 2));
        let mut first_line: HashMap<String, usize> = HashMap::with_capacity(rows);
        for (n, line) in body {
            let mut fields = line.trim_end().split([' ', '\t']).filter(|f| !f.is_empty());
            let Some(word) = fields.next() else { continue };
            if let Some(first) = first_line.insert(word.to_string(), n) {
                return Err(err(n, format!("`{word}` appears again (first on line {first})")));
            }
            let before = data.len();
            for field in fields {
                match field.parse::<f32>() {
                    Ok(v) if v.is_finite() => data.push(v),
                    _ => return Err(err(n, format!("`{}` (a value of `{word}`) is not a finite number", clip(field)))),
                }
            }
            let found = data.len() - before;
            if found != dim {
                return Err(err(n, format!("`{}` {}", clip(word), expected(found))));
            }
            words.push(word.to_string());
        }
        if let Some(count) = count.filter(|&c| c != words.len()) {
            return Err(miscount(count, words.len()));
        }
        let counts = vec![0; words.len()];
        Ok((Self::new(words, counts, dim, data)?, format))
    }
}

fn miscount(count: usize, found: usize) -> KilnError {
    KilnError::Data(format!(
        "word vectors: the header says {count} words but the file has {found}: correct the count in the first line \
         (`count dim`)"
    ))
}

/// `Some(Ok((count, dim)))` for a word2vec header, `Some(Err(()))` for two whole numbers that
/// are not one (dim 0), `None` for any other line.
fn header(line: &str) -> Option<std::result::Result<(usize, usize), ()>> {
    let numbers: Vec<&str> = line.split_whitespace().collect();
    match numbers[..] {
        [c, d] => match (c.parse::<usize>(), d.parse::<usize>()) {
            (Ok(c), Ok(d)) if d > 0 => Some(Ok((c, d))),
            (Ok(_), Ok(_)) => Some(Err(())),
            _ => None,
        },
        _ => None,
    }
}
