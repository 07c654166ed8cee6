//! NumPy's `.npy` (format 1.0) and `.npz` (a zip of `.npy` files, as `np.savez` writes):
//! float32 arrays written for Keras' `np.load`, and read back for the round-trip tests.

use std::io::{Cursor, Read, Write};

use crate::error::{KilnError, Result};

/// One named array: row-major float32 values of `shape` (`[]` is a scalar).
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

const MAGIC: &[u8] = b"\x93NUMPY";

/// Python's repr of a shape tuple: `()`, `(5,)`, `(2, 3)`.
fn shape_repr(shape: &[usize]) -> String {
    match shape {
        [] => "()".into(),
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// `np.save` of a little-endian float32 array, byte for byte: magic, version 1.0, the header
/// dict padded with spaces so the data starts at a multiple of 64 bytes, then the values.
pub fn npy(shape: &[usize], values: &[f32]) -> Result<Vec<u8>> {
    let expected: usize = shape.iter().product();
    if expected != values.len() {
        return Err(KilnError::Export(format!("shape {shape:?} needs {expected} values, got {}", values.len())));
    }
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {}, }}", shape_repr(shape));
    // numpy leaves room to grow the first axis in place (21 digits), then pads to 64 bytes.
    if let Some(first) = shape.first() {
        header.push_str(&" ".repeat(21usize.saturating_sub(first.to_string().len())));
    }
    let unpadded = MAGIC.len() + 2 + 2 + header.len() + 1;
    header.push_str(&" ".repeat(64 - unpadded % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + header.len() + values.len() * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    values.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    Ok(out)
}

/// `np.savez(file, **arrays)`: every array as `{name}.npy` in an uncompressed zip.
pub fn npz(arrays: &[NpyArray]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for a in arrays {
        zip.start_file(format!("{}.npy", a.name), options).map_err(zip_error)?;
        zip.write_all(&npy(&a.shape, &a.values)?).map_err(|e| KilnError::Export(e.to_string()))?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

pub(super) fn zip_error(e: zip::result::ZipError) -> KilnError {
    KilnError::Export(format!("writing the zip failed: {e}"))
}

fn bad(why: impl std::fmt::Display) -> KilnError {
    KilnError::Data(format!("not a float32 .npy array: {why}"))
}

/// Read one `.npy` written as [`npy`] writes it (little-endian float32, C order).
pub fn read_npy(name: &str, bytes: &[u8]) -> Result<NpyArray> {
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(bad("no NUMPY magic"));
    }
    let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = bytes.get(10..10 + len).and_then(|h| std::str::from_utf8(h).ok()).ok_or_else(|| bad("short header"))?;
    if !header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False") {
        return Err(bad(format!("header {header}")));
    }
    let dims = header.split("'shape': (").nth(1).and_then(|s| s.split(')').next()).ok_or_else(|| bad("no shape"))?;
    let shape = dims
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse::<usize>().map_err(bad))
        .collect::<Result<Vec<_>>>()?;
    let data = &bytes[10 + len..];
    let values: Vec<f32> = data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    if values.len() != shape.iter().product::<usize>() || !data.len().is_multiple_of(4) {
        return Err(bad(format!("{} bytes for shape {shape:?}", data.len())));
    }
    Ok(NpyArray { name: name.into(), shape, values })
}

/// Every array of an `.npz`, in the zip's order (`np.load(file).files`).
pub fn read_npz(bytes: &[u8]) -> Result<Vec<NpyArray>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let mut out = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(bad)?;
        let name = file.name().trim_end_matches(".npy").to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).map_err(bad)?;
        out.push(read_npy(&name, &data)?);
    }
    Ok(out)
}
