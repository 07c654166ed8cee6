//! What a file is, from its name and first bytes: compression, archive or text format.

use crate::dto::Format;
use crate::error::{KilnError, Result};

/// The outer layer of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Compression {
    None,
    Gzip,
    Bzip2,
    Zip,
}

impl Compression {
    /// `Inspection::compression`.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Gzip => "gzip",
            Self::Bzip2 => "bzip2",
            Self::Zip => "zip",
        }
    }

    /// The file suffix users know it by, for messages.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Gzip => ".gz",
            Self::Bzip2 => ".bz2",
            Self::Zip => ".zip",
        }
    }
}

fn ends_with(name: &str, suffix: &str) -> bool {
    name.to_ascii_lowercase().ends_with(suffix)
}

/// The compression the magic bytes show; a name that promises one the bytes lack is an error.
pub(super) fn compression(name: &str, bytes: &[u8]) -> Result<Compression> {
    let by_bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if bytes.starts_with(b"BZh") {
        Compression::Bzip2
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Compression::Zip
    } else {
        Compression::None
    };
    let suffixes = [
        (".gz", Compression::Gzip),
        (".tgz", Compression::Gzip),
        (".bz2", Compression::Bzip2),
        (".zip", Compression::Zip),
    ];
    let by_name = suffixes
        .into_iter()
        .find(|(suffix, _)| ends_with(name, suffix))
        .map(|(_, c)| c);
    match by_name {
        Some(claimed) if by_bytes == Compression::None => Err(KilnError::Data(format!(
            "{name}: the {} file is corrupt or cut short: it does not start like a {} file",
            claimed.suffix(),
            claimed.name()
        ))),
        _ => Ok(by_bytes),
    }
}

/// The name without a compression suffix: `train.ft.txt.bz2` → `train.ft.txt`.
pub(super) fn inner_name(name: &str) -> &str {
    for suffix in [".gz", ".bz2"] {
        if ends_with(name, suffix) {
            return &name[..name.len() - suffix.len()];
        }
    }
    name
}

/// A tar archive has `ustar` at byte 257 of its first block.
pub(super) fn is_tar(first_block: &[u8]) -> bool {
    first_block.get(257..262) == Some(b"ustar".as_slice())
}

/// NUL bytes near the start mean a binary file (text in UTF-8 or EUC-KR has none), or UTF-16
/// without its byte-order mark when they fall on every other byte.
pub(super) fn check_text(name: &str, bytes: &[u8]) -> Result<()> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        let nul_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
        let (even, odd) = (nul_at(0), nul_at(1));
        let (most, fewest) = (even.max(odd), even.min(odd));
        if most * 4 >= head.len() / 2 && fewest * 50 <= most {
            let order = if odd > even { "UTF-16LE" } else { "UTF-16BE" };
            return Err(KilnError::Data(format!(
                "{name} looks like {order} text without a byte-order mark: save the file as UTF-8"
            )));
        }
        return Err(KilnError::Data(format!(
            "{name} looks like a binary file, not text: save it as CSV, TSV, JSON lines or fastText"
        )));
    }
    Ok(())
}

/// The format of decoded text: fastText by its `__label__` prefix, JSON lines by a leading `{`,
/// otherwise a table (CSV or TSV, settled by the delimiter).
pub(super) fn text_format(name: &str, text: &str) -> Format {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if first.starts_with("__label__") {
        return Format::FastText;
    }
    let json_name = [".jsonl", ".ndjson", ".json"].iter().any(|s| ends_with(name, s));
    if first.starts_with('{') && (json_name || serde_json::from_str::<serde_json::Value>(first).is_ok()) {
        return Format::Jsonl;
    }
    if ends_with(name, ".tsv") { Format::Tsv } else { Format::Csv }
}
