//! Embeddings out and in: a trained run's Embedding as word vectors (rows by token id),
//! written as word2vec text and read back equal, the Embedding Projector's TSV pair, and
//! pretrained files read as word2vec or headerless GloVe, with bad files named.
#![cfg(not(target_family = "wasm"))]

mod common;

use std::io::Write;

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::dto::{RunConfig, RunEvent};
use kiln::embed::{TextFormat, Vectors};
use kiln::train::{Run, block_on};

/// A 1-epoch run on the shared tiny corpus, and its vocabulary size (the Embedding's used rows).
fn trained(pairs: &[(&str, &str)]) -> (Run, usize) {
    let mut all = vec![("model", "pooled"), ("data", "imdb-1k"), ("maxlen", "20"), ("num_words", "40"), ("batch_size", "8")];
    all.extend_from_slice(pairs);
    let mut config = RunConfig::from_pairs(all).unwrap();
    common::shrink(&mut config);
    let imdb = common::corpus(40);
    let data = Dataset::imdb(&imdb, &common::split(32, 40), kiln::dto::DatasetName::Imdb1k).unwrap();
    let mut run = Run::new(config, &data, &Device::flex()).unwrap();
    let mut vocab = 0;
    loop {
        match block_on(run.next()).unwrap() {
            RunEvent::Prepared { vocab_size, .. } => vocab = vocab_size,
            RunEvent::Done { .. } => return (run, vocab),
            _ => {}
        }
    }
}

/// `(text settings, the first Embedding row that has a token, its token)`: without `reserved`
/// id 0 is padding and has none; with it, id 0 is seed 004's `<PAD>`.
const CASES: [(&[(&str, &str)], usize, &str); 2] = [(&[], 1, ""), (&[("reserved", "1")], 0, "<PAD>")];

#[test]
fn a_runs_embedding_rows_become_vectors_and_survive_word2vec_text() {
    for (pairs, first_row, first_word) in CASES {
        let (run, vocab) = trained(pairs);
        let vectors = block_on(run.embedding_vectors()).unwrap();
        let layers = block_on(run.trainer().model().read_weights()).unwrap();
        let weight = &layers[0].weights[0];
        assert_eq!(weight.name, "embeddings");
        let dim = weight.shape[1];
        assert_eq!(vectors.dim(), dim);
        // every id below the vocabulary size but padding has a token (all below num_words here)
        let specials = if first_row == 0 { 4 } else { 0 };
        assert!(vocab > 10 && vocab < 40, "{vocab}");
        assert_eq!(vectors.len(), vocab - first_row, "{pairs:?}: {:?}", vectors.words());
        if !first_word.is_empty() {
            assert_eq!(vectors.words()[0], first_word);
        }
        for word in ["the", "great", "awful", "movie"] {
            assert!(vectors.get(word).is_some(), "{pairs:?}: `{word}` is in the vocabulary");
        }
        // rows in id order: the vectors are the Embedding's rows first_row, first_row + 1, …
        let rows = &weight.values[first_row * dim..(first_row + vectors.len()) * dim];
        assert_eq!(vectors.data(), rows, "{pairs:?}");
        // counts are the training texts' (most frequent first for Keras' ids)
        let counts = &vectors.counts()[specials..];
        assert!(counts.iter().all(|&c| c > 0) && counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");

        let text = vectors.to_text();
        assert!(text.starts_with(&format!("{} {dim}\n", vectors.len())), "{}", &text[..20]);
        let (back, format) = Vectors::read_text(&text).unwrap();
        assert_eq!(format, TextFormat::Word2vec);
        assert_eq!(back.words(), vectors.words());
        let bits = |d: &[f32]| d.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(back.data()), bits(vectors.data()), "{pairs:?}: every value reads back to the same f32");
        let similar = vectors.similar_by_word("great", 3).unwrap();
        assert_eq!(similar, back.similar_by_word("great", 3).unwrap());
        assert_eq!(vectors.map(5).len(), 5);
    }
}

#[test]
fn projector_tsv_has_a_row_per_word_and_a_column_per_dimension() {
    let (run, _) = trained(&[]);
    let vectors = block_on(run.embedding_vectors()).unwrap();
    let files = vectors.to_projector();
    let rows: Vec<Vec<f32>> =
        files.vectors.lines().map(|l| l.split('\t').map(|v| v.parse::<f32>().unwrap()).collect()).collect();
    let words: Vec<&str> = files.metadata.lines().collect();
    assert_eq!(rows.len(), vectors.len());
    assert_eq!(words, vectors.words().iter().map(String::as_str).collect::<Vec<_>>(), "one word per line, no header");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), vectors.dim());
        assert_eq!(row.as_slice(), vectors.get(words[i]).unwrap());
    }
    // a token holding a tab or a line break would shift the rows: left out of both files
    let odd = Vectors::new(vec!["a".into(), "b\tc".into(), "\n".into(), "d".into()], vec![0; 4], 2, (0..8).map(|x| x as f32).collect())
        .unwrap()
        .to_projector();
    assert_eq!(odd.metadata, "a\nd\n");
    assert_eq!(odd.vectors, "0\t1\n6\t7\n");
}

#[test]
fn word2vec_and_headerless_glove_text_are_read() {
    // (text, format, words, dim, the last word's vector)
    let cases: [(&str, TextFormat, &[&str], usize, &[f32]); 5] = [
        ("2 3\nthe 0.1 0.2 0.3\nfilm -1 0 1e-3\n", TextFormat::Word2vec, &["the", "film"], 3, &[-1.0, 0.0, 0.001]),
        ("the 0.1 0.2 0.3\nfilm -1 0 1e-3\n", TextFormat::Glove, &["the", "film"], 3, &[-1.0, 0.0, 0.001]),
        // Windows line ends, a BOM, trailing spaces and blank lines
        ("\u{feff}good 1 2\r\n\r\nbad 3 4 \r\n", TextFormat::Glove, &["good", "bad"], 2, &[3.0, 4.0]),
        // GloVe's punctuation tokens and a number as a word
        (", 0.5\n. -0.5\n1999 2\n", TextFormat::Glove, &[",", ".", "1999"], 1, &[2.0]),
        ("1 2\n재밌어요 0.5 -0.5\n", TextFormat::Word2vec, &["재밌어요"], 2, &[0.5, -0.5]),
    ];
    for (text, format, words, dim, last) in cases {
        let (v, found) = Vectors::from_bytes(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(found, format, "{text:?}");
        assert_eq!(v.words(), words.iter().map(|w| w.to_string()).collect::<Vec<_>>().as_slice(), "{text:?}");
        assert_eq!(v.dim(), dim, "{text:?}");
        assert_eq!(v.get(words[words.len() - 1]).unwrap(), last, "{text:?}");
    }
    // gzip is unpacked (`glove.6B.50d.txt.gz`, `vectors.txt.gz`)
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"the 1 2\nfilm 3 4\n").unwrap();
    let (v, format) = Vectors::from_bytes(&gz.finish().unwrap()).unwrap();
    assert_eq!((v.len(), v.dim(), format), (2, 2, TextFormat::Glove));
}

#[test]
fn bad_vector_files_are_refused_with_the_line_and_the_reason() {
    let binary: Vec<u8> = [&b"2 3\nthe "[..], &1.5f32.to_le_bytes(), &[0xff, 0xfe, 0x80, 0x81], b"\n"].concat();
    let cases: [(&[u8], &str); 13] = [
        (b"", "the file is empty; expected a word2vec header `count dim`"),
        (b"\n  \n", "the file is empty"),
        (b"<html><body>Not found</body></html>\n", "line 1: expected a word2vec header `count dim` (e.g. `3000 100`) or a GloVe line `word v1 … vn`, got `<html>"),
        (b"the\n", "line 1: expected a word2vec header"),
        (b"1 0\n", "line 1: the header must be `count dim` with dim at least 1"),
        (b"the 1 2\nfilm 3\n", "line 2: `film` has 1 values; the first line has 2"),
        (b"the 1 2\nfilm 3 4 5\n", "line 2: `film` has 3 values; the first line has 2"),
        (b"1 2\nx 0.5\n", "line 2: `x` has 1 values; the header says 2"),
        (b"the 1 2\nfilm 3 abc\n", "line 2: `abc` (a value of `film`) is not a finite number"),
        (b"the 1 2\nfilm 3 inf\n", "line 2: `inf` (a value of `film`) is not a finite number"),
        (b"the 1 2\nfilm 3 4\nthe 5 6\n", "line 3: `the` appears again (first on line 1)"),
        (b"3 2\nx 1 2\ny 3 4\n", "the header says 3 words but the file has 2"),
        (b"PK\x03\x04rest of a zip", "this is a zip archive; unzip it and pick one .txt file"),
    ];
    for (bytes, expected) in cases {
        let err = Vectors::from_bytes(bytes).unwrap_err().to_string();
        assert!(err.contains(expected), "{:?}: {err}", String::from_utf8_lossy(bytes));
    }
    let err = Vectors::from_bytes(&binary).unwrap_err().to_string();
    assert!(err.contains("line 2: not text: this looks like word2vec's binary format"), "{err}");
    // Latin-1 (é as one byte) on line 2 of GloVe text
    let err = Vectors::from_bytes(b"the 1 2\ncaf\xe9 3 4\n").unwrap_err().to_string();
    assert!(err.contains("line 2: not UTF-8 text"), "{err}");
    let err = Vectors::from_bytes(&[0x1f, 0x8b, 0, 1, 2]).unwrap_err().to_string();
    assert!(err.contains("the .gz file could not be unpacked"), "{err}");
}
