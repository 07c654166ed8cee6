//! What each fuzz target does with its input, shared with tests/fuzz_regressions.rs (which
//! includes this file) so a saved finding replays exactly as the fuzzer ran it. Each function
//! only parses (nothing is trained) and returns the first refusal, or a line on what was read.

use std::io::Write;

use kiln::Result;
use kiln::data::load::{inspect, load};
use kiln::dto::{Format, LoadOptions, Normalize, RunConfig, TextConfig, TokenUnit};
use kiln::embed::Vectors;
use kiln::text::{KERAS_FILTERS, Padding, TextPipeline, pad_sequences};
use kiln::train::Run;

/// `inspect`, then `load` (both run even when the first refuses), as the page reads a file.
fn read_file(name: &str, bytes: &[u8], options: &LoadOptions) -> Result<String> {
    let inspected = inspect(name, bytes);
    let loaded = load(name, bytes, options);
    inspected?;
    let data = loaded?;
    Ok(format!("{} rows, classes {:?}", data.report.rows, data.classes))
}

const NAMES: [&str; 8] = [
    "reviews.csv",
    "reviews.tsv",
    "reviews.txt",
    "reviews.jsonl",
    "train.ft.txt",
    "reviews.csv.gz",
    "train.ft.txt.bz2",
    "reviews.zip",
];
const FORMATS: [Format; 4] = [Format::Csv, Format::Tsv, Format::FastText, Format::Jsonl];

/// A data file: bits 0–2 of the first byte pick the file name (so the suffix checks and the
/// format sniffing both run); bits 3–7 the page's defaults (0), or a format, a header choice
/// and columns as a user would pick them. The rest is the file.
pub fn data_file(data: &[u8]) -> Result<String> {
    let Some((&first, bytes)) = data.split_first() else { return Ok("no input".into()) };
    let options = match first >> 3 {
        0 => LoadOptions::default(),
        n => LoadOptions {
            format: (n & 1 == 1).then(|| FORMATS[usize::from(n >> 1) & 3]),
            has_header: Some(n & 8 == 8),
            text_column: Some(usize::from(n >> 4)),
            label_column: Some(usize::from(n & 2 == 0)),
        },
    };
    read_file(NAMES[usize::from(first & 7)], bytes, &options)
}

/// fastText lines (`__label__2 text`), named as Amazon's `train.ft.txt` and read as fastText.
pub fn fasttext(bytes: &[u8]) -> Result<String> {
    let options = LoadOptions { format: Some(Format::FastText), ..LoadOptions::default() };
    read_file("train.ft.txt", bytes, &options)
}

/// `(path, contents)` pairs from `path\0contents\0path\0contents…`.
fn entries(bytes: &[u8]) -> Vec<(String, &[u8])> {
    let mut parts = bytes.split(|&b| b == 0);
    let mut out = Vec::new();
    while let (Some(path), Some(contents)) = (parts.next(), parts.next()) {
        out.push((String::from_utf8_lossy(path).into_owned(), contents));
    }
    out
}

fn tar(bytes: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, contents) in entries(bytes) {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        // Paths tar refuses to write (absolute, `..`, too long) are left out.
        if header.set_path(&path).is_err() {
            continue;
        }
        header.set_cksum();
        let _ = builder.append(&header, contents);
    }
    builder.into_inner().unwrap_or_default()
}

fn zip(bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, contents) in entries(bytes) {
        if zip.start_file(path, zip::write::SimpleFileOptions::default()).is_ok() {
            let _ = zip.write_all(contents);
        }
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    let _ = bz.write_all(bytes);
    bz.finish().unwrap_or_default()
}

/// Archives of class folders. The first byte picks the mode: the rest as raw zip or tar.gz
/// bytes (the decoders), or as `path\0contents\0…` entries packed here into a valid tar.gz,
/// tar.bz2 or zip (the folder walker behind them).
pub fn archive(data: &[u8]) -> Result<String> {
    let Some((&mode, rest)) = data.split_first() else { return Ok("no input".into()) };
    let (name, file) = match mode % 5 {
        0 => ("reviews.zip", rest.to_vec()),
        1 => ("aclImdb_v1.tar.gz", rest.to_vec()),
        2 => ("aclImdb_v1.tar.gz", gzip(&tar(rest))),
        3 => ("aclImdb_v1.tar.bz2", bzip2(&tar(rest))),
        _ => ("reviews.zip", zip(rest)),
    };
    read_file(name, &file, &LoadOptions::default())
}

const UNITS: [TokenUnit; 4] = [TokenUnit::Word, TokenUnit::Char, TokenUnit::Bpe, TokenUnit::Wordpiece];
const NORMALIZE: [Normalize; 4] = [Normalize::Html, Normalize::Korean, Normalize::English, Normalize::None];

/// The text pipeline on UTF-8 lines: fit (Keras words or characters, BPE or WordPiece), then
/// encode, decode and pad every line. Byte 1 picks the unit, normalisation, `lower`,
/// `reserved`, an OOV token and stopwords; byte 2 `num_words` (2–65, small so subword training
/// is fast), padding and `maxlen`, and with bit 7 the first line is the `filters`. Checks the
/// pipeline's promise that every id is below `num_words`.
pub fn tokenizer(data: &[u8]) -> Result<String> {
    let [a, b, rest @ ..] = data else { return Ok("no input".into()) };
    let Ok(text) = std::str::from_utf8(rest) else { return Ok("not UTF-8".into()) };
    let mut lines = text.split('\n');
    let filters = match b & 0x80 {
        0 => KERAS_FILTERS.to_string(),
        _ => lines.next().unwrap_or_default().to_string(),
    };
    let texts: Vec<String> = lines.map(str::to_string).collect();
    let config = TextConfig {
        tokens: UNITS[usize::from(a & 3)],
        normalize: NORMALIZE[usize::from(a >> 2 & 3)],
        lower: a & 0x10 == 0,
        reserved: a & 0x20 != 0,
        oov_token: (a & 0x40 != 0).then(|| "<OOV>".to_string()),
        stopwords: match a & 0x80 {
            0 => vec![],
            _ => vec!["the".into(), "영화".into(), "A".into()],
        },
        filters,
    };
    let num_words = 2 + usize::from(b & 0x3f);
    let pipeline = TextPipeline::fit(&config, num_words, &texts)?;
    let ids = pipeline.encode_all(&texts);
    for (text, seq) in texts.iter().zip(&ids) {
        assert!(seq.iter().all(|&id| (id as usize) < num_words), "ids {seq:?} of {text:?} reach num_words {num_words}");
        let _ = pipeline.decode(seq);
        let _ = pipeline.tokens(text);
    }
    let _ = pipeline.vocabulary(10);
    let padding = if b & 0x40 == 0 { Padding::Pre } else { Padding::Post };
    let maxlen = 1 + usize::from(b & 7);
    assert_eq!(pad_sequences(&ids, maxlen, padding, padding, 0).len(), ids.len() * maxlen);
    Ok(format!("{} texts, {} ids", texts.len(), pipeline.vocab_size()))
}

/// The Keras code box: parse a cell, then what the page does on every edit (the model's
/// summary) and the code written back from the settings read.
pub fn keras_code(data: &[u8]) -> Result<String> {
    static BASE: std::sync::OnceLock<RunConfig> = std::sync::OnceLock::new();
    let Ok(code) = std::str::from_utf8(data) else { return Ok("not UTF-8".into()) };
    let base = BASE.get_or_init(|| RunConfig::preset("pooled").expect("a built-in preset"));
    let config = kiln::keras::parse(code, base)?.config;
    let (summary, _) = kiln::model::summarize(&config.layers, config.num_words, config.maxlen)?;
    let _ = kiln::keras::to_code(&config);
    Ok(format!("{} layers, {} parameters", config.layers.len(), summary.total_params))
}

/// A saved run file (`.kiln`: safetensors with the run's JSON in its metadata), as
/// `readSavedRun` reads it before anything is built.
pub fn saved_run(bytes: &[u8]) -> Result<String> {
    let info = Run::read_saved(bytes)?;
    Ok(format!("epoch {}, step {}", info.epoch, info.step))
}

/// Word vectors as text (word2vec with its `count dim` header, or GloVe), plain or gzip; what
/// is read is written back as text.
pub fn word_vectors(bytes: &[u8]) -> Result<String> {
    let (vectors, format) = Vectors::from_bytes(bytes)?;
    let _ = vectors.to_text();
    Ok(format!("{} words of {} ({})", vectors.len(), vectors.dim(), format.name()))
}
