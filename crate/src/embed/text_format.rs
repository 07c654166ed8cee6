//! The word2vec text format (gensim's `save_word2vec_format(binary=False)` /
//! `load_word2vec_format(binary=False)`): a header `count dim`, then `word v1 … vdim` per line.

use std::collections::HashMap;
use std::fmt::Write;

use super::Vectors;
use crate::error::{KilnError, Result};

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

    /// Read the text format; errors name the line and what is wrong with it.
    pub fn from_text(text: &str) -> Result<Self> {
        let err = |line: usize, msg: String| KilnError::Data(format!("word2vec text, line {line}: {msg}"));
        let mut lines = text.trim_start_matches('\u{feff}').lines().enumerate().map(|(i, l)| (i + 1, l));
        let header = lines.next().map(|(_, l)| l.trim()).unwrap_or("");
        let numbers: Vec<&str> = header.split_whitespace().collect();
        let (count, dim) = match numbers[..] {
            [c, d] => match (c.parse::<usize>(), d.parse::<usize>()) {
                (Ok(c), Ok(d)) if d > 0 => (c, d),
                _ => return Err(err(1, format!("the header must be `count dim` with dim at least 1, got `{header}`"))),
            },
            _ => return Err(err(1, format!("expected the header `count dim` (e.g. `3000 100`), got `{header}`"))),
        };
        let mut words = Vec::with_capacity(count);
        let mut data = Vec::with_capacity(count * dim);
        let mut first_line: HashMap<String, usize> = HashMap::with_capacity(count);
        for (n, line) in lines {
            let mut fields = line.trim_end().split(' ').filter(|f| !f.is_empty());
            let Some(word) = fields.next() else { continue }; // blank line
            if let Some(first) = first_line.insert(word.to_string(), n) {
                return Err(err(n, format!("`{word}` appears again (first on line {first})")));
            }
            let before = data.len();
            for field in fields {
                match field.parse::<f32>() {
                    Ok(v) if v.is_finite() => data.push(v),
                    _ => return Err(err(n, format!("`{field}` (a value of `{word}`) is not a finite number"))),
                }
            }
            let found = data.len() - before;
            if found != dim {
                return Err(err(n, format!("`{word}` has {found} values; the header says {dim}")));
            }
            words.push(word.to_string());
        }
        if words.len() != count {
            return Err(KilnError::Data(format!(
                "word2vec text: the header says {count} words but the file has {}",
                words.len()
            )));
        }
        let counts = vec![0; words.len()];
        Self::new(words, counts, dim, data)
    }
}
