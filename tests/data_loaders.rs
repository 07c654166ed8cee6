//! Users' data files → `Dataset`: every format, encodings, label mapping, cleaning, and bad input.
//! Compressed fixtures are made here with the same crates' encoders.

use std::io::Write;

use kiln::data::Dataset;
use kiln::data::load::{inspect, load};
use kiln::dto::{Format, LoadOptions};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(bytes).unwrap();
    bz.finish().unwrap()
}

fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, path, text.as_bytes()).unwrap();
    }
    gzip(&tar.into_inner().unwrap())
}

fn zip(files: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, text) in files {
        zip.start_file(*path, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn load_default(name: &str, bytes: &[u8]) -> Dataset {
    load(name, bytes, &LoadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `(text, class name)` of the train rows.
fn rows(data: &Dataset) -> Vec<(String, String)> {
    let train = &data.train;
    train.texts.iter().zip(&train.labels).map(|(t, &l)| (t.clone(), data.classes[l as usize].clone())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(t, l)| (t.to_string(), l.to_string())).collect()
}

#[test]
fn csv_with_quotes_delimiters_and_newlines_in_fields() {
    let csv = "text,label\n\"Hello, world\",1\n\"line one\nline two\",0\n\"she said \"\"hi\"\"\",1\r\nplain,0\n";
    let info = inspect("r.csv", csv.as_bytes()).unwrap();
    assert_eq!((info.format, info.has_header), (Format::Csv, true));
    assert_eq!(info.columns, ["text", "label"]);
    assert_eq!((info.text_column, info.label_column), (Some(0), Some(1)));
    assert_eq!(info.preview[1], vec!["line one\nline two".to_string(), "0".into()]);
    let data = load_default("r.csv", csv.as_bytes());
    assert_eq!(data.classes, ["0", "1"]);
    let expected = [("Hello, world", "1"), ("line one\nline two", "0"), ("she said \"hi\"", "1"), ("plain", "0")];
    assert_eq!(rows(&data), pairs(&expected));
    assert_eq!((data.report.rows, data.test.is_none()), (4, true));
}

#[test]
fn nsmc_tsv_in_korean_loads_as_is() {
    let second = "흠...포스터보고 초딩영화줄....오버연기조차 가볍지 않구나";
    let tsv = format!(
        "id\tdocument\tlabel\n9976970\t아 더빙.. 진짜 짜증나네요 목소리\t0\n3819312\t{second}\t1\n\
         10265843\t너무재밓었다그래서보는것을추천한다\t0\n9045019\t교도소 이야기구먼 ..솔직히 재미는 없다..평점 조정\t0\n"
    );
    let info = inspect("ratings_train.txt", tsv.as_bytes()).unwrap();
    assert_eq!((info.format, info.encoding.as_str(), info.has_header), (Format::Tsv, "utf-8", true));
    assert_eq!((info.text_column, info.label_column), (Some(1), Some(2)));
    assert_eq!(info.preview.len(), 4);
    let data = load_default("ratings_train.txt", tsv.as_bytes());
    assert_eq!((data.classes.clone(), data.report.rows), (vec!["0".to_string(), "1".into()], 4));
    assert_eq!(rows(&data)[1], (second.to_string(), "1".to_string()));
}

#[test]
fn headers_and_columns_are_guessed_or_chosen() {
    /// (file, text, has_header, columns, text column, label column)
    type Case = (&'static str, &'static str, bool, &'static [&'static str], usize, usize);
    let cases: [Case; 4] = [
        ("a.tsv", "1\ta long review\t1\n2\tbad one\t0\n3\tokay\t1\n", false, &["column 1", "column 2", "column 3"], 1, 2),
        ("b.csv", "phrase;grade\nhello there;1\nbad;0\nmeh;0\n", true, &["phrase", "grade"], 0, 1),
        ("c.csv", "\u{feff}Sentiment,Review\npos,loved every bit\nneg,hated it\n", true, &["Sentiment", "Review"], 1, 0),
        ("d.txt", "stars,body,source\n5,great great,web\n1,awful,web\n", true, &["stars", "body", "source"], 1, 0),
    ];
    for (name, text, header, columns, t, l) in cases {
        let info = inspect(name, text.as_bytes()).unwrap();
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        assert_eq!((info.has_header, &info.columns), (header, &columns), "{name}");
        assert_eq!((info.text_column, info.label_column), (Some(t), Some(l)), "{name}");
        assert_eq!(info.notes.iter().any(|n| n.contains("no header")), !header, "{name}");
        let data = load_default(name, text.as_bytes());
        assert_eq!(data.report.rows, text.lines().count() - usize::from(header), "{name}");
    }
    // The user's choice wins: the header read as a row (its label `stars` is then a stray value).
    let text: String = std::iter::once("stars,body\n".to_string())
        .chain((0..20).map(|i| format!("{},review {i}\n", if i % 3 == 0 { 1 } else { 5 })))
        .collect();
    let options =
        LoadOptions { has_header: Some(false), text_column: Some(1), label_column: Some(0), ..Default::default() };
    let data = load("d.csv", text.as_bytes(), &options).unwrap();
    assert_eq!((data.classes.clone(), data.report.dropped_bad_label), (vec!["1".to_string(), "5".into()], 1));
    assert_eq!((data.report.rows, data.train.texts[0].as_str()), (20, "review 0"));
}

#[test]
fn euc_kr_files_are_decoded() {
    let text = "document\tlabel\n정말 재미있는 영화\t1\n지루하고 별로였다\t0\n";
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
    assert!(!unmappable && std::str::from_utf8(&bytes).is_err());
    let info = inspect("ko.tsv", &bytes).unwrap();
    assert_eq!(info.encoding, "euc-kr");
    assert!(info.notes.contains(&"decoded as EUC-KR".to_string()), "{:?}", info.notes);
    let data = load_default("ko.tsv", &bytes);
    assert_eq!(rows(&data), pairs(&[("정말 재미있는 영화", "1"), ("지루하고 별로였다", "0")]));
    assert!(data.report.notes.contains(&"decoded as EUC-KR".to_string()));
}

#[test]
fn fasttext_plain_and_bz2() {
    let text = "__label__2 Great CD: my lovely Pat has one of the great voices\n\n\
                __label__1 Batteries died within a year\n__label__2 __label__3 works fine\n";
    for (name, bytes, compression) in
        [("train.ft.txt", text.as_bytes().to_vec(), "none"), ("train.ft.txt.bz2", bzip2(text.as_bytes()), "bzip2")]
    {
        let info = inspect(name, &bytes).unwrap();
        assert_eq!((info.format, info.compression.as_str()), (Format::FastText, compression));
        assert_eq!(info.preview[1], vec!["Batteries died within a year".to_string(), "1".into()]);
        let data = load_default(name, &bytes);
        assert_eq!(data.classes, ["1", "2"]);
        let expected = [
            ("Great CD: my lovely Pat has one of the great voices", "2"),
            ("Batteries died within a year", "1"),
            ("works fine", "2"),
        ];
        assert_eq!(rows(&data), pairs(&expected));
        assert!(data.report.notes.iter().any(|n| n.contains("more than one")), "{:?}", data.report.notes);
    }
}

#[test]
fn json_lines_keep_key_order_and_stringify_values() {
    let text = "{\"review\": \"good film\", \"stars\": 5, \"ok\": true}\n\n{\"stars\": 1, \"review\": \"bad film\"}\n\
                {\"review\": \"fine\", \"stars\": 5, \"extra\": null}\n";
    let info = inspect("r.jsonl", text.as_bytes()).unwrap();
    assert_eq!(info.format, Format::Jsonl);
    assert_eq!(info.columns, ["review", "stars", "ok", "extra"]);
    assert_eq!((info.text_column, info.label_column), (Some(0), Some(1)));
    assert_eq!(info.preview[0], ["good film", "5", "true", ""]);
    let data = load_default("r.jsonl", text.as_bytes());
    assert_eq!(data.classes, ["1", "5"]);
    assert_eq!(rows(&data), pairs(&[("good film", "5"), ("bad film", "1"), ("fine", "5")]));
}

#[test]
fn gzipped_csv_reads_like_the_csv() {
    let csv = "text,label\ngood,pos\nbad,neg\n";
    let info = inspect("r.csv.gz", &gzip(csv.as_bytes())).unwrap();
    assert_eq!((info.format, info.compression.as_str()), (Format::Csv, "gzip"));
    assert_eq!(load_default("r.csv.gz", &gzip(csv.as_bytes())).train, load_default("r.csv", csv.as_bytes()).train);
}

#[test]
fn aclimdb_tar_gz_has_train_and_test_parts() {
    let files = [
        ("aclImdb/README", "Large Movie Review Dataset"),
        ("aclImdb/imdbEr.txt", "0.1\n0.2"),
        ("aclImdb/test/neg/0_2.txt", "Dull."),
        ("aclImdb/test/pos/0_10.txt", "Superb <br />acting."),
        ("aclImdb/test/pos/1_8.txt", "Loved it."),
        ("aclImdb/train/neg/0_3.txt", "Awful film."),
        ("aclImdb/train/neg/1_1.txt", "Boring."),
        ("aclImdb/train/pos/0_9.txt", "Great film."),
        ("aclImdb/train/unsup/0_0.txt", "Unlabelled."),
        ("aclImdb/train/urls_pos.txt", "http://www.imdb.com/title/tt0453418/usercomments"),
        ("aclImdb/train/labeledBow.feat", "9 0:9 1:1"),
    ];
    let bytes = tar_gz(&files);
    let info = inspect("aclImdb_v1.tar.gz", &bytes).unwrap();
    assert_eq!((info.format, info.compression.as_str()), (Format::AclImdb, "gzip"));
    assert!(info.notes.contains(&"aclImdb/train/neg: 2 files".to_string()), "{:?}", info.notes);
    assert_eq!(info.preview.len(), 5);
    let data = load_default("aclImdb_v1.tar.gz", &bytes);
    assert_eq!(data.classes, ["neg", "pos"]);
    assert_eq!(rows(&data), pairs(&[("Awful film.", "neg"), ("Boring.", "neg"), ("Great film.", "pos")]));
    let test = data.test.as_ref().expect("a test part");
    assert_eq!(test.texts, ["Dull.", "Superb <br />acting.", "Loved it."]);
    assert_eq!(test.labels, [0, 1, 1]);
    assert_eq!(data.report.rows, 6);
}

#[test]
fn zip_of_class_folders_under_one_top_folder() {
    let files = [
        ("reviews/README.txt", "one folder per class"),
        ("reviews/happy/a.txt", "What a day"),
        ("reviews/sad/b.txt", "Rainy again"),
        ("reviews/angry/c.txt", "Stuck in traffic"),
        ("reviews/happy/d.txt", "Sunshine"),
        ("__MACOSX/reviews/happy/._a.txt", "\u{0}\u{5}"),
    ];
    let bytes = zip(&files);
    let info = inspect("moods.zip", &bytes).unwrap();
    assert_eq!((info.format, info.compression.as_str()), (Format::ZipFolders, "zip"));
    let data = load_default("moods.zip", &bytes);
    assert_eq!(data.classes, ["angry", "happy", "sad"]);
    let expected =
        [("What a day", "happy"), ("Rainy again", "sad"), ("Stuck in traffic", "angry"), ("Sunshine", "happy")];
    assert_eq!(rows(&data), pairs(&expected));
    assert!(data.report.notes.contains(&"skipped 1 .txt files beside the class folders".to_string()));
}

/// `n` rows of `label` cells under a `text,label` header, texts all different.
fn labelled_csv(labels: &[&str]) -> String {
    let mut csv = String::from("text,label\n");
    for (i, label) in labels.iter().enumerate() {
        csv.push_str(&format!("review number {i},{label}\n"));
    }
    csv
}

#[test]
fn labels_become_sorted_classes() {
    let mut stray: Vec<&str> = vec!["0", "1"].into_iter().cycle().take(40).collect();
    stray[4] = "n/a";
    stray[9] = " ";
    /// (labels, classes, class id of each kept row, dropped as bad labels)
    type Case<'a> = (Vec<&'a str>, Vec<&'a str>, Vec<u32>, usize);
    let cases: Vec<Case> = vec![
        (vec!["0", "1", "1", "0"], vec!["0", "1"], vec![0, 1, 1, 0], 0),
        (vec!["2", "1", " 2 "], vec!["1", "2"], vec![1, 0, 1], 0),
        (vec!["pos", "neg", "pos"], vec!["neg", "pos"], vec![1, 0, 1], 0),
        (vec!["positive", "neutral", "negative", "neutral"], vec!["negative", "neutral", "positive"], vec![2, 1, 0, 1], 0),
        (vec!["10", "9", "1", "10"], vec!["1", "9", "10"], vec![2, 1, 0, 2], 0),
        (vec!["pos", "", "neg"], vec!["neg", "pos"], vec![1, 0], 1),
        (stray.clone(), vec!["0", "1"], stray.iter().filter_map(|l| l.parse().ok()).collect(), 2),
    ];
    for (labels, classes, ids, dropped) in cases {
        let data = load_default("l.csv", labelled_csv(&labels).as_bytes());
        let classes: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
        assert_eq!((data.classes.clone(), data.report.dropped_bad_label), (classes, dropped), "{labels:?}");
        assert_eq!(data.train.labels, ids, "{labels:?}");
    }
    let data = load_default("l.csv", labelled_csv(&stray).as_bytes());
    let notes = &data.report.notes;
    assert!(notes.iter().any(|n| n.contains("dropped 2 rows") && n.contains("lines 6, 11")), "{notes:?}");
}

#[test]
fn cleaning_drops_empty_and_repeated_texts() {
    let csv = "document,label\ngood,1\n   ,0\nbad,0\ngood,1\n,1\nGood,1\nbad,1\n";
    let data = load_default("c.csv", csv.as_bytes());
    let report = &data.report;
    assert_eq!((report.rows, report.dropped_empty, report.dropped_duplicates), (3, 2, 2));
    assert_eq!(rows(&data), pairs(&[("good", "1"), ("bad", "0"), ("Good", "1")]));
}

#[test]
fn html_and_scripts_in_reviews_are_kept_verbatim() {
    let review = "<script>alert('x')</script><b>bold</b><br /><br />It was &amp; is great";
    let csv = format!("text,label\n\"{review}\",1\nplain,0\n");
    let data = load_default("x.csv", csv.as_bytes());
    assert_eq!(data.train.texts[0], review);
    assert_eq!(inspect("x.csv", csv.as_bytes()).unwrap().preview[0][0], review);
}

#[test]
fn a_20_mb_csv_loads_every_row() {
    let n = 250_000;
    let mut csv = String::with_capacity(21_000_000);
    csv.push_str("text,label\n");
    for i in 0..n {
        csv.push_str(&format!("\"review {i}: a film, some acting and a plot that goes on for a while\",{}\n", i % 2));
    }
    assert!(csv.len() > 18_000_000);
    let data = load_default("big.csv", csv.as_bytes());
    assert_eq!((data.report.rows, data.train.len(), data.classes.len()), (n, n, 2));
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let tsv = "id\tdocument\tlabel\n1\tgood\t1\n2\tbad\t0\n";
    let csv = labelled_csv(&["0", "1", "1"]);
    let truncated = |bytes: Vec<u8>| bytes[..bytes.len() / 2].to_vec();
    let words = "words ".repeat(20);
    let big_fasttext: String = (0..400).map(|i| format!("__label__{} review {i} {words}\n", i % 2 + 1)).collect();
    let many_labels: String = (0..80).map(|i| format!("{i},text number {i}\n")).collect();
    let many_labels = format!("a,b\n{many_labels}");
    let one_class = labelled_csv(&["1", "1", "1"]);
    let mut not_utf8 = b"text,label\nfine,1\nalso fine,0\ncaf\xE9 au lait,1\n".to_vec();
    not_utf8.extend_from_slice(b"more,0\n");
    let opts =
        |text_column, label_column, format| LoadOptions { text_column, label_column, format, ..Default::default() };
    let none = LoadOptions::default;
    let table = || csv.clone().into_bytes();
    let ragged = b"text,label\ngood,1\nbad, really bad,0\nok,1\n".to_vec();
    let bad_json = b"{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", label: 0}\n".to_vec();
    let array_line = b"{\"text\": \"a\", \"label\": 1}\n[\"b\", 0]\n".to_vec();
    let no_train = tar_gz(&[("aclImdb/README", "hi"), ("aclImdb/test/pos/1.txt", "x")]);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    // (file name, bytes, options, what the message must mention)
    let cases: Vec<(&str, Vec<u8>, LoadOptions, &[&str])> = vec![
        ("empty.csv", vec![], none(), &["empty.csv is empty"]),
        ("blank.csv", b"\n \n\n".to_vec(), none(), &["blank.csv is empty"]),
        ("model.csv", png, none(), &["model.csv looks like a binary file, not text"]),
        ("one.csv", b"just some text\nmore text\n".to_vec(), none(), &["one column", "no tab, comma or semicolon"]),
        ("r.csv", tsv.as_bytes().to_vec(), opts(None, None, Some(Format::Csv)), &["one column", "tab"]),
        ("r.csv", ragged, none(), &["line 3 has 3 fields", "first row has 2", "comma"]),
        ("r.csv", table(), opts(Some(5), None, None), &["no text column 6", "2 columns: `text`, `label`"]),
        ("r.csv", table(), opts(None, Some(2), None), &["no label column 3", "`text`, `label`"]),
        ("r.csv", table(), opts(Some(1), Some(1), None), &["both column `label`"]),
        ("r.csv", one_class.into_bytes(), none(), &["r.csv: only one class (`1`) in column `label`: a classifier needs"]),
        ("r.csv", many_labels.into_bytes(), opts(Some(0), Some(1), None), &["column `b` has 80 different", "text column"]),
        ("r.csv", not_utf8, none(), &["invalid UTF-8 at line 4 (byte 33)", "save the file as UTF-8"]),
        ("r.jsonl", bad_json, none(), &["line 2 is not a JSON object (column 15: key must be a string)"]),
        ("r.jsonl", array_line, none(), &["line 2 is not a JSON object"]),
        ("r.csv", table(), opts(None, None, Some(Format::FastText)), &["no line starts with `__label__`"]),
        ("r.csv.gz", truncated(gzip(csv.as_bytes())), none(), &["the .gz file is corrupt or cut short"]),
        ("t.txt.bz2", truncated(bzip2(big_fasttext.as_bytes())), none(), &["the .bz2 file is corrupt or cut short"]),
        ("t.txt.bz2", big_fasttext.clone().into_bytes(), none(), &["the .bz2 file is corrupt or cut short"]),
        ("z.zip", b"PK\x03\x04 not really a zip".to_vec(), none(), &["the .zip file is corrupt or cut short"]),
        ("z.zip", truncated(zip(&[("pos/a.txt", "good"), ("neg/b.txt", "bad")])), none(), &[".zip file is corrupt"]),
        ("z.zip", zip(&[("a.txt", "good"), ("b.csv", "bad")]), none(), &["no class folders of .txt files in the .zip"]),
        ("z.zip", zip(&[("pos/a.txt", "good"), ("pos/b.txt", "fine")]), none(), &["only one class (`pos`)"]),
        ("a.tar.gz", no_train, none(), &["no train/pos or train/neg folder in the .tar.gz", "aclImdb/test/pos"]),
        ("a.tar.gz", truncated(tar_gz(&[("a/train/pos/1.txt", &big_fasttext)])), none(), &["the .gz file is corrupt"]),
    ];
    for (name, bytes, options, expected) in cases {
        let message = match load(name, &bytes, &options) {
            Ok(data) => panic!("{name} ({expected:?}) loaded {} rows", data.report.rows),
            Err(e) => e.to_string(),
        };
        for part in expected {
            assert!(message.contains(part), "{name}: `{message}` should mention `{part}`");
        }
        if options == none() {
            // inspect refuses what load refuses, unless only the labels are wrong.
            let labels_only = ["only one class", "different labels"].iter().any(|p| message.contains(p));
            assert_eq!(inspect(name, &bytes).is_err(), !labels_only, "{name}: {message}");
        }
    }
}

#[test]
fn the_bundled_korean_sample_loads() {
    let data = kiln::data::load::ko_sample().unwrap();
    assert_eq!((data.name.as_str(), data.classes.clone()), ("ko-sample", vec!["0".to_string(), "1".into()]));
    assert!(data.report.rows >= 150 && data.test.is_none(), "{:?}", data.report);
    assert!(data.train.texts.iter().all(|t| t.chars().any(|c| ('가'..='힣').contains(&c))));
    assert_eq!(data.class_counts().len(), 2);
}
