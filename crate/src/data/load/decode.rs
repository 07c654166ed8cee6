//! Bytes → text: gzip and bzip2 streams, then UTF-8 (BOM stripped), UTF-16 with a BOM, or EUC-KR.

use std::borrow::Cow;
use std::io::Read;

use encoding_rs::{EUC_KR, Encoding, UTF_16BE, UTF_16LE};

use super::sniff::Compression;
use crate::error::{KilnError, Result};

/// Decompressed data larger than this is refused (wasm32 has 4 GiB in all): one compressed
/// file, or all the files of an archive together.
pub(super) const MAX_BYTES: u64 = 1 << 30;

/// Decoded text and what it was.
pub(super) struct Text<'a> {
    pub text: Cow<'a, str>,
    /// `utf-8`, `utf-16le`, `utf-16be` or `euc-kr`.
    pub encoding: &'static str,
}

impl Text<'_> {
    fn owned(self) -> Text<'static> {
        Text { text: Cow::Owned(self.text.into_owned()), encoding: self.encoding }
    }

    pub fn note(&self) -> Option<String> {
        match self.encoding {
            "utf-8" => None,
            "euc-kr" => Some("decoded as EUC-KR".into()),
            other => Some(format!("decoded as {}", other.to_uppercase())),
        }
    }
}

/// The error for a damaged compressed stream or archive.
pub(super) fn corrupt(name: &str, compression: Compression, e: impl std::fmt::Display) -> KilnError {
    KilnError::Data(format!("{name}: the {} file is corrupt or cut short: {e}", compression.suffix()))
}

/// The error for data that would inflate past `MAX_BYTES`.
pub(super) fn too_large(name: &str) -> KilnError {
    KilnError::Data(format!(
        "{name} holds more than 1 GiB once decompressed: too large for the page. Load a smaller part of it \
         (fewer rows or files)"
    ))
}

/// Read a whole stream, refusing more than `MAX_BYTES`.
pub(super) fn read_all(name: &str, compression: Compression, reader: impl Read) -> Result<Vec<u8>> {
    read_at_most(name, compression, reader, MAX_BYTES)
}

/// Read a whole stream, refusing more than `cap` bytes (what is left of an archive's budget).
pub(super) fn read_at_most(name: &str, compression: Compression, reader: impl Read, cap: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    reader.take(cap + 1).read_to_end(&mut out).map_err(|e| corrupt(name, compression, e))?;
    if out.len() as u64 > cap {
        return Err(too_large(name));
    }
    Ok(out)
}

/// The decompressing reader for `compression` over `bytes`.
pub(super) fn reader<'a>(compression: Compression, bytes: &'a [u8]) -> Box<dyn Read + 'a> {
    match compression {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        Compression::None | Compression::Zip => Box::new(bytes),
    }
}

/// Text from bytes that are UTF-8 (borrowed, no copy), UTF-16 with a BOM, or EUC-KR/CP949.
pub(super) fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<Text<'a>> {
    if let Some((encoding, label)) = utf16(bytes) {
        let (text, malformed) = encoding.decode_with_bom_removal(bytes);
        if malformed {
            return Err(KilnError::Data(format!("{name}: invalid {label}: save the file as UTF-8")));
        }
        return Ok(Text { text: Cow::Owned(text.into_owned()), encoding: label });
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let body = &bytes[bom..];
    super::sniff::check_text(name, body)?;
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Text { text: Cow::Borrowed(text), encoding: "utf-8" }),
        Err(e) => match EUC_KR.decode_without_bom_handling_and_without_replacement(body) {
            Some(text) => Ok(Text { text: Cow::Owned(text.into_owned()), encoding: "euc-kr" }),
            None => Err(bad_utf8(name, body, e.valid_up_to(), bom)),
        },
    }
}

/// `decode` for bytes already owned: valid UTF-8 becomes a `String` without a copy.
pub(super) fn decode_owned(name: &str, bytes: Vec<u8>) -> Result<Text<'static>> {
    if utf16(&bytes).is_some() || bytes.starts_with(b"\xEF\xBB\xBF") {
        return decode(name, &bytes).map(Text::owned);
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            super::sniff::check_text(name, text.as_bytes())?;
            Ok(Text { text: Cow::Owned(text), encoding: "utf-8" })
        }
        Err(e) => decode(name, e.as_bytes()).map(Text::owned),
    }
}

fn utf16(bytes: &[u8]) -> Option<(&'static Encoding, &'static str)> {
    if bytes.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, "utf-16le"))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, "utf-16be"))
    } else {
        None
    }
}

/// Names the first byte that is neither UTF-8 nor EUC-KR, with its line.
fn bad_utf8(name: &str, body: &[u8], offset: usize, bom: usize) -> KilnError {
    let line = body[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    KilnError::Data(format!(
        "{name}: invalid UTF-8 at line {line} (byte {}): save the file as UTF-8 (it is not EUC-KR either)",
        offset + bom
    ))
}
