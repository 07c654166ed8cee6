use serde::{Deserialize, Serialize};

use crate::error::{KilnError, Result};

/// Where `pad_sequences` adds padding or cuts a long sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Padding {
    Pre,
    Post,
}

impl Padding {
    pub fn parse(field: &str, value: &str) -> Result<Self> {
        match value {
            "pre" => Ok(Self::Pre),
            "post" => Ok(Self::Post),
            _ => Err(KilnError::config(field, format!("`{value}` is not `pre` or `post`"))),
        }
    }
}

/// Keras `pad_sequences(seqs, maxlen, padding, truncating, value)`, row-major.
///
/// # Shapes
/// - returns `[seqs.len() * maxlen]`, i.e. `[n, maxlen]` flattened
pub fn pad_sequences(seqs: &[Vec<u32>], maxlen: usize, padding: Padding, truncating: Padding, value: u32) -> Vec<u32> {
    let mut out = vec![value; seqs.len() * maxlen];
    for (row, seq) in out.chunks_mut(maxlen.max(1)).zip(seqs) {
        if maxlen == 0 {
            break;
        }
        let kept = if seq.len() > maxlen {
            match truncating {
                Padding::Pre => &seq[seq.len() - maxlen..],
                Padding::Post => &seq[..maxlen],
            }
        } else {
            &seq[..]
        };
        let start = match padding {
            Padding::Pre => maxlen - kept.len(),
            Padding::Post => 0,
        };
        row[start..start + kept.len()].copy_from_slice(kept);
    }
    out
}
