//! A corpus of bad inputs fed through the entry points the page uses: a file read from bytes with
//! its name (`inspect` then `load`), run settings (URL pairs, or the page's JSON, then
//! `summarize` and `Run::new`), the Keras code box (`keras::parse`) and saved runs
//! (`Run::read_saved`, `Run::resume`). Every row must be answered without a panic, and a refusal
//! must say what is wrong and what to do (the key words per row). The inputs are made here; none
//! is committed. `cargo test --test bad_inputs -- --nocapture` prints the table.
#![cfg(not(target_family = "wasm"))]

mod common;

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

use burn::prelude::Device;
use kiln::data::Dataset;
use kiln::data::load::{inspect, load};
use kiln::dto::{LayerConfig, LoadOptions, RunConfig, RunEvent};
use kiln::train::{Run, block_on};
use kiln::Result;

/// What a row must give: refused with every key word in the message (case-insensitive), or
/// accepted with every key word in what it reports.
#[derive(Clone, Copy)]
enum Expect {
    Refused(&'static [&'static str]),
    Accepted(&'static [&'static str]),
}
use Expect::{Accepted, Refused};

/// One input: a name for the table, what it must give, and the page's path through Kiln.
struct Case {
    name: String,
    expect: Expect,
    run: Box<dyn FnOnce() -> Result<String>>,
}

fn case(name: impl Into<String>, expect: Expect, run: impl FnOnce() -> Result<String> + 'static) -> Case {
    Case { name: name.into(), expect, run: Box::new(run) }
}

// ------------------------------------------------------------------ fixtures --

/// Deterministic junk bytes (xorshift).
fn junk(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("in memory");
    gz.finish().expect("in memory")
}

fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(bytes).expect("in memory");
    bz.finish().expect("in memory")
}

fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in files {
        zip.start_file(*path, zip::write::SimpleFileOptions::default()).expect("in memory");
        zip.write_all(bytes).expect("in memory");
    }
    zip.finish().expect("in memory").into_inner()
}

fn half(bytes: Vec<u8>) -> Vec<u8> {
    bytes[..bytes.len() / 2].to_vec()
}

/// A small zip that inflates to more than 1 GiB: one 8 MiB text compressed once (8 KiB), then
/// copied raw 70 times into each of `pos/` and `neg/`.
fn zip_bomb() -> Vec<u8> {
    let text = "a good film, a bad film ".repeat(8 << 20 >> 4)[..8 << 20].to_string();
    let one = zip(&[("a.txt", text.as_bytes())]);
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).expect("in memory");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..140 {
        let file = source.by_index_raw(0).expect("in memory");
        let class = if i % 2 == 0 { "pos" } else { "neg" };
        out.raw_copy_file_rename(file, format!("{class}/{i}.txt")).expect("in memory");
    }
    out.finish().expect("in memory").into_inner()
}

/// `rows` lines `text,label` under a header.
fn csv(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut out = String::from("text,label\n");
    for (text, label) in rows {
        out.push_str(&format!("{text},{label}\n"));
    }
    out.into_bytes()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = if !bom {
        vec![]
    } else if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
    }
    out
}

const REVIEWS: &str = "text,label\ngreat film,1\nawful plot,0\nloved it,1\nboring,0\n";
const KOREAN: &str = "document\tlabel\n정말 재미있는 영화\t1\n지루하고 별로였다\t0\n최고의 배우들\t1\n";

// ---------------------------------------------------------------- data files --

/// The page's path for a picked file: `FileBuffer.inspect()`, then `load()` with the guesses.
fn file(name: &str, bytes: &[u8]) -> Result<String> {
    inspect(name, bytes)?;
    let data = load(name, bytes, &LoadOptions::default())?;
    Ok(format!("{} rows, classes {:?}; {}", data.report.rows, data.classes, data.report.notes.join("; ")))
}

fn data_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name: &str, expect: Expect, file_name: &'static str, bytes: Vec<u8>| {
        cases.push(case(name, expect, move || file(file_name, &bytes)));
    };
    add("empty file", Refused(&["empty"]), "empty.csv", vec![]);
    add("only blank lines", Refused(&["empty"]), "blank.csv", b"\n  \n\r\n".to_vec());
    add("binary junk", Refused(&["binary", "save it as CSV"]), "junk.csv", junk(4096, 7));
    add("junk without NUL bytes", Refused(&["UTF-8", "save"]), "junk.txt", junk(4096, 9).into_iter().map(|b| b | 0x80).collect());
    add("a PNG named .csv", Refused(&["binary", "save it as CSV"]), "photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec());
    let fasttext: String = (0..300).map(|i| format!("__label__{} review {i} with some words\n", i % 2 + 1)).collect();
    add("truncated bz2", Refused(&["corrupt or cut short", ".bz2"]), "train.ft.txt.bz2", half(bzip2(fasttext.as_bytes())));
    add("truncated gzip", Refused(&["corrupt or cut short", ".gz"]), "reviews.csv.gz", half(gzip(REVIEWS.as_bytes())));
    let classes = zip(&[("pos/a.txt", b"good film"), ("neg/b.txt", b"bad film")]);
    add("truncated zip", Refused(&["corrupt or cut short", ".zip"]), "reviews.zip", half(classes));
    add("gzip magic then junk", Refused(&["corrupt or cut short"]), "r.csv.gz", [&[0x1f, 0x8b][..], &junk(600, 3)].concat());
    add(".zip name on a CSV", Refused(&["does not start like a zip"]), "reviews.zip", REVIEWS.as_bytes().to_vec());
    add("zip bomb (1.1 GiB inflated)", Refused(&["GiB", "too large"]), "bomb.zip", zip_bomb());
    add("CSV with an unbalanced quote", Refused(&["quote"]), "q.csv", b"text,label\n\"great film,1\nawful,0\nfine,1\n".to_vec());
    add("1 MB single line", Refused(&["one column"]), "line.csv", "word ".repeat(200_000).into_bytes());
    add("1 MB review in a row", Accepted(&["2 rows"]), "long.csv", csv(&[(&"word ".repeat(200_000), "1"), ("short", "0")]));
    let mut latin1 = REVIEWS.as_bytes().to_vec();
    latin1.extend_from_slice(b"caf\xE9 cr\xE8me,1\n");
    add("Latin-1 bytes", Refused(&["invalid UTF-8 at line 6", "save the file as UTF-8"]), "latin1.csv", latin1);
    add("invalid UTF-8 (cut sequence)", Refused(&["UTF-8", "line 3"]), "cut.csv", b"text,label\nok,1\n\xE2\x82 x,0\n".to_vec());
    let (euc_kr, _, _) = encoding_rs::EUC_KR.encode(KOREAN);
    add("EUC-KR bytes", Accepted(&["decoded as EUC-KR", "3 rows"]), "nsmc.txt", euc_kr.into_owned());
    add("UTF-8 BOM", Accepted(&["4 rows"]), "bom.csv", [b"\xEF\xBB\xBF", REVIEWS.as_bytes()].concat());
    add("UTF-16LE with BOM", Accepted(&["UTF-16LE", "4 rows"]), "u16.csv", utf16(REVIEWS, false, true));
    add("UTF-16BE with BOM", Accepted(&["UTF-16BE", "4 rows"]), "u16be.csv", utf16(REVIEWS, true, true));
    add("UTF-16 without a BOM", Refused(&["UTF-16", "save the file as UTF-8"]), "u16.csv", utf16(REVIEWS, false, false));
    let lone_surrogate = [utf16(REVIEWS, false, true), vec![0x00, 0xD8, b'x', 0]].concat();
    add("UTF-16 with a lone surrogate", Refused(&["UTF-16", "save the file as UTF-8"]), "s.csv", lone_surrogate);
    add("labels with one class", Refused(&["only one class", "needs two"]), "one.csv", csv(&[("good", "1"), ("fine", "1"), ("great", "1")]));
    let nan = csv(&[("good", "1"), ("bad", "0"), ("meh", "NaN"), ("ok", "nan"), ("so so", "")]);
    add("NaN labels", Accepted(&["3 rows", "\"0\", \"1\"", "dropped 3 rows"]), "nan.csv", nan);
    add("all labels NaN", Refused(&["no labels", "NaN"]), "allnan.csv", csv(&[("good", "NaN"), ("bad", "NaN"), ("ok", "nan")]));
    add("non-numeric stray labels", Accepted(&["\"0\", \"1\"", "not a number"]), "stray.csv", {
        let label = |i: usize| if i == 7 { "positive" } else if i % 2 == 0 { "1" } else { "0" };
        let rows: Vec<(String, &str)> = (0..40).map(|i| (format!("review {i}"), label(i))).collect();
        csv(&rows.iter().map(|(t, l)| (t.as_str(), *l)).collect::<Vec<_>>())
    });
    let reviews: String = (0..20).map(|i| format!("{},review number {i}\n", i % 2)).collect();
    let reviews = format!("label,text\n{reviews}").into_bytes();
    add("label column first (guessed)", Accepted(&["20 rows", "\"0\", \"1\""]), "swap.csv", reviews.clone());
    add("all texts empty", Refused(&["no rows left", "text column"]), "empty_texts.csv", b"text,label\n,1\n \t,0\n\"\",1\n".to_vec());
    add("header only", Refused(&["no rows"]), "header.csv", b"text,label\n".to_vec());
    add("JSON lines, a broken line", Refused(&["line 2", "JSON"]), "r.jsonl", b"{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \n".to_vec());
    cases.push(case("texts picked as the labels", Refused(&["looks like text", "pick the text column"]), move || {
        let options = LoadOptions { text_column: Some(0), label_column: Some(1), ..Default::default() };
        load("swap.csv", &reviews, &options).map(|d| format!("{} rows", d.report.rows))
    }));
    cases.push(case("a 200 MB file of one column", Refused(&["one column"]), || {
        let line = "a review without any delimiter in it at all\n";
        let big = line.repeat((200 << 20) / line.len());
        file("big.txt", big.as_bytes())
    }));
    cases
}

// ----------------------------------------------------------------- settings --

fn data(n: usize) -> Dataset {
    let imdb = common::corpus(n);
    Dataset::imdb(&imdb, &common::split(n * 4 / 5, n), kiln::dto::DatasetName::Imdb1k).expect("the test corpus")
}

/// The page's path for settings: the model's summary on every edit, then `Run.create`.
fn start(config: RunConfig) -> Result<String> {
    let (summary, _) = kiln::model::summarize(&config.layers, config.num_words, config.maxlen)?;
    Run::new(config, &data(20), &Device::flex())?;
    Ok(format!("built, {} parameters", summary.total_params))
}

/// URL pairs (`?maxlen=0`), as the page reads its address and `kiln-train` its arguments.
fn pairs(pairs: &'static [(&'static str, &'static str)]) -> Result<String> {
    let mut all = vec![("model", "pooled"), ("data", "imdb-1k")];
    all.extend_from_slice(pairs);
    start(RunConfig::from_pairs(all)?)
}

/// The page's JSON settings with `edit` applied: `Run.create` validates them itself.
fn edited(edit: impl FnOnce(&mut RunConfig)) -> Result<String> {
    let mut config = RunConfig::preset("pooled")?;
    edit(&mut config);
    start(config)
}

fn layers(list: Vec<LayerConfig>) -> Result<String> {
    edited(move |c| c.layers = list)
}

fn setting_cases() -> Vec<Case> {
    use kiln::dto::Activation::{Relu, Sigmoid};
    let emb = || LayerConfig::embedding(8);
    let gap = LayerConfig::global_average_pooling1d;
    let out = || LayerConfig::dense(1, Sigmoid);
    vec![
        case("maxlen 0", Refused(&["maxlen", "at least 1"]), || pairs(&[("maxlen", "0")])),
        case("maxlen 10^9", Refused(&["maxlen", "at most 10,000"]), || pairs(&[("maxlen", "1000000000")])),
        case("num_words 1", Refused(&["num_words", "at least 2"]), || pairs(&[("num_words", "1")])),
        case("batch_size 0", Refused(&["batch_size", "at least 1"]), || pairs(&[("batch_size", "0")])),
        case("negative learning rate", Refused(&["learning_rate", "(0, 10]"]), || pairs(&[("lr", "-0.001")])),
        case("epochs 0", Refused(&["epochs", "at least 1"]), || pairs(&[("epochs", "0")])),
        case("epochs not a number", Refused(&["epochs", "not a valid number"]), || pairs(&[("epochs", "ten")])),
        case("unknown layer kind", Refused(&["layers", "unknown variant `transformer`"]), || {
            pairs(&[("layers", r#"[{"kind":"embedding","output_dim":8},{"kind":"transformer","heads":2}]"#)])
        }),
        case("no layers", Refused(&["no layers"]), || layers(vec![])),
        case("negative dropout", Refused(&["Dropout", "rate", "[0, 1)"]), move || {
            layers(vec![emb(), LayerConfig::dropout(-0.2), gap(), out()])
        }),
        case("dropout above 1", Refused(&["Dropout", "rate", "[0, 1)"]), move || {
            layers(vec![emb(), LayerConfig::dropout(1.5), gap(), out()])
        }),
        case("Dense before Embedding", Refused(&["layer 1", "first layer must be an Embedding"]), move || {
            layers(vec![LayerConfig::dense(8, Relu), emb(), gap(), out()])
        }),
        case("LSTM after Flatten", Refused(&["layer 3 (LSTM)", "return_sequences=True"]), move || {
            layers(vec![emb(), LayerConfig::flatten(), LayerConfig::lstm(4), out()])
        }),
        case("sequence output", Refused(&["sequence", "GlobalMaxPooling1D"]), move || layers(vec![emb(), out()])),
        case("Dense(10^12) head", Refused(&["parameters", "smaller"]), move || {
            layers(vec![emb(), gap(), LayerConfig::dense(1_000_000_000_000, Relu), out()])
        }),
        case("Embedding input_dim 10^10", Refused(&["parameters", "smaller"]), move || {
            let mut e = emb();
            if let LayerConfig::Embedding(c) = &mut e {
                c.input_dim = Some(10_000_000_000);
            }
            layers(vec![e, gap(), out()])
        }),
    ]
}

// ----------------------------------------------------------------- Keras code --

/// The code box: `parseKeras`, then the summary and `Run.create` as for any settings.
fn keras(code: &str) -> Result<String> {
    let parsed = kiln::keras::parse(code, &RunConfig::preset("pooled")?)?;
    start(parsed.config)
}

fn keras_cases() -> Vec<Case> {
    let code = |name: &str, expect: Expect, text: String| case(name, expect, move || keras(&text));
    let pool = "model.add(GlobalAveragePooling1D())";
    let model = |body: &str| {
        format!("model = Sequential()\nmodel.add(Embedding(1000, 8))\n{body}\nmodel.add(Dense(1, activation='sigmoid'))\n")
    };
    vec![
        code("empty code box", Refused(&["found no model", "Sequential()"]), String::new()),
        code("unclosed bracket", Refused(&["line 2", "unclosed `(`"]), "model = Sequential()\nmodel.add(Dense(1, activation='sigmoid')\n".into()),
        code("unknown layer class", Refused(&["line 3", "Transformer"]), model("model.add(layers.Transformer(4))")),
        code("Dense(-3)", Refused(&["line 3", "units"]), model("model.add(Dense(-3))")),
        code("Dropout(1.5)", Refused(&["rate", "[0, 1)"]), model(&format!("{pool}\nmodel.add(Dropout(1.5))"))),
        code("LSTM after Flatten", Refused(&["LSTM", "return_sequences=True"]), model("model.add(Flatten())\nmodel.add(LSTM(4))")),
        code("unknown optimizer", Refused(&["lbfgs", "adam"]), model(&format!("{pool}\nmodel.compile(optimizer='lbfgs')"))),
        code("fit(epochs=0)", Refused(&["epochs", "positive"]), model(&format!("{pool}\nmodel.fit(x, y, epochs=0)"))),
        code("3,000 nested brackets", Refused(&["line 2", "nested more than 100 deep"]), {
            format!("model = Sequential()\nmodel.add(Dense({}1{}))\n", "(".repeat(3000), ")".repeat(3000))
        }),
        code("3,000 minus signs", Refused(&["line 2", "nested more than 100 deep"]), {
            format!("model = Sequential()\nmodel.add(Dense({}1))\n", "-".repeat(3000))
        }),
        code("a 1 MB line of code", Refused(&["line 3", "tokens", "paste the model's code"]), {
            model(&format!("model.add(Dense({}1))", "1+".repeat(500_000)))
        }),
        code("a 1 MB data line, then a model", Accepted(&["built"]), {
            format!("x = [{}0]\n{}", "0, ".repeat(250_000), model(pool))
        }),
        code("junk bytes as code", Refused(&["found no model", "Sequential()"]), {
            String::from_utf8_lossy(&junk(2000, 11)).into_owned()
        }),
        code("Embedding(10**10, 8)", Refused(&["num_words", "at most 1,000,000"]), {
            "model = Sequential([Embedding(10**10, 8), GlobalAveragePooling1D(), Dense(1, activation='sigmoid')])\n".into()
        }),
    ]
}

// ---------------------------------------------------------------- saved runs --

fn small(model: &str) -> RunConfig {
    let pairs = [("model", model), ("data", "imdb-1k"), ("maxlen", "20"), ("num_words", "40"), ("batch_size", "8"), ("epochs", "2")];
    let mut config = RunConfig::from_pairs(pairs).expect("valid settings");
    common::shrink(&mut config);
    config
}

/// A real run of `model` on the test corpus saved after its first steps.
fn saved(model: &str) -> Vec<u8> {
    let mut run = Run::new(small(model), &data(40), &Device::flex()).expect("a small run");
    for _ in 0..3 {
        let event = block_on(run.next()).expect("a step");
        assert!(!matches!(event, RunEvent::Done { .. }));
    }
    block_on(run.save()).expect("saved")
}

/// The same tensors with the JSON part changed by `edit`.
fn tampered(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let file = safetensors::SafeTensors::deserialize(bytes).expect("a run file");
    let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes).expect("a run file");
    let mut json: serde_json::Value = serde_json::from_str(&metadata.metadata().as_ref().expect("metadata")["kiln"]).expect("JSON");
    edit(&mut json);
    let info = [("kiln".to_string(), json.to_string())].into_iter().collect();
    safetensors::tensor::serialize(file.tensors(), Some(info)).expect("serialised")
}

/// The same file with tensor `name` replaced by zeros of `shape` (float16 when it has 4 columns).
fn resized(bytes: &[u8], name: &str, shape: &[usize]) -> Vec<u8> {
    use safetensors::{Dtype, tensor::TensorView};
    let file = safetensors::SafeTensors::deserialize(bytes).expect("a run file");
    let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes).expect("a run file");
    let dtype = if shape.last() == Some(&4) { Dtype::F16 } else { Dtype::F32 };
    let zeros = vec![0u8; shape.iter().product::<usize>() * dtype.bitsize() / 8];
    let tensors: Vec<(String, TensorView)> = file
        .tensors()
        .into_iter()
        .map(|(n, view)| if n == name { (n, TensorView::new(dtype, shape.to_vec(), &zeros).expect("a view")) } else { (n, view) })
        .collect();
    safetensors::tensor::serialize(tensors, metadata.metadata().clone()).expect("serialised")
}

/// `Run.resume(bytes, data)` as the page calls it after `readSavedRun`.
fn resume(bytes: &[u8], data: &Dataset) -> Result<String> {
    let info = Run::read_saved(bytes)?;
    Run::resume(bytes, data, &Device::flex(), None)?;
    Ok(format!("resumed at epoch {}, step {}", info.epoch, info.step))
}

fn saved_run_cases() -> Vec<Case> {
    let pooled = saved("pooled");
    let lstm = saved("s000_lstm");
    let layers_of = |model: &str| serde_json::to_value(small(model).layers).expect("JSON");
    let (pooled_layers, lstm_layers) = (layers_of("pooled"), layers_of("s000_lstm"));
    let mut cases = Vec::new();
    let mut add = |name: &str, expect: Expect, bytes: Vec<u8>, rows: usize| {
        cases.push(case(name, expect, move || resume(&bytes, &data(rows))));
    };
    add("a real saved run (control)", Accepted(&["resumed at epoch 1, step 2"]), pooled.clone(), 40);
    add("empty run file", Refused(&["not a readable Kiln run file", ".kiln"]), vec![], 40);
    add("random bytes as a run", Refused(&["not a readable Kiln run file", ".kiln"]), junk(5000, 5), 40);
    add("a CSV as a run", Refused(&["not a readable Kiln run file", ".kiln"]), REVIEWS.as_bytes().to_vec(), 40);
    add("truncated run file", Refused(&["not a readable Kiln run file", ".kiln"]), half(pooled.clone()), 40);
    let mut huge_header = pooled.clone();
    huge_header[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    add("run header length 2^64", Refused(&["not a readable Kiln run file"]), huge_header, 40);
    add("run of other data", Refused(&["open the run's data first"]), pooled.clone(), 60);
    add("weights of A, settings of B", Refused(&["do not fit", "altered"]), tampered(&pooled, |j| j["config"]["layers"] = lstm_layers), 40);
    add("weights of B, settings of A", Refused(&["do not fit", "altered"]), tampered(&lstm, |j| j["config"]["layers"] = pooled_layers), 40);
    add("an embedding row cut off", Refused(&["do not fit", "altered"]), resized(&pooled, "model/0/embeddings", &[39, 8]), 40);
    add("a weight of float16", Refused(&["not float32", "not a readable Kiln run file"]), resized(&pooled, "model/0/embeddings", &[40, 4]), 40);
    add("step past the epoch's end", Refused(&["not a readable Kiln run file", "step 99"]), tampered(&pooled, |j| j["step"] = 99.into()), 40);
    add("a newer format version", Refused(&["version 7", "newer Kiln"]), tampered(&pooled, |j| j["version"] = 7.into()), 40);
    add("settings out of range", Refused(&["batch_size", "at least 1"]), tampered(&pooled, |j| j["config"]["batch_size"] = 0.into()), 40);
    add("negative saved learning rate", Refused(&["learning rate", "not a readable Kiln run file"]), tampered(&pooled, |j| {
        j["learning_rate"] = serde_json::json!(-1.0)
    }), 40);
    cases
}

// -------------------------------------------------------------------- runner --

/// What happened to one row, for the table.
struct Row {
    name: String,
    outcome: &'static str,
    message: String,
    problem: Option<String>,
}

fn check(case: Case) -> Row {
    let Case { name, expect, run } = case;
    let got = catch_unwind(AssertUnwindSafe(run));
    let (outcome, message, ok) = match (&got, expect) {
        (Err(panic), _) => {
            let why = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            ("PANIC", why.unwrap_or_default(), false)
        }
        (Ok(Ok(report)), Accepted(_)) => ("accepted", report.clone(), true),
        (Ok(Ok(report)), Refused(_)) => ("ACCEPTED", report.clone(), false),
        (Ok(Err(e)), Refused(_)) => ("refused", e.to_string(), true),
        (Ok(Err(e)), Accepted(_)) => ("REFUSED", e.to_string(), false),
    };
    let (Accepted(words) | Refused(words)) = expect;
    let missing: Vec<&str> = words.iter().copied().filter(|w| !message.to_lowercase().contains(&w.to_lowercase())).collect();
    let problem = match (ok, missing.is_empty()) {
        (false, _) => Some(format!("{name}: {outcome}: {message}")),
        (true, false) => Some(format!("{name}: `{message}` should mention {missing:?}")),
        (true, true) => None,
    };
    Row { name, outcome, message, problem }
}

fn cut(s: &str, n: usize) -> String {
    let one_line = s.replace('\n', " ");
    match one_line.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

#[test]
fn every_bad_input_is_refused_clearly_without_a_panic() {
    // Panics are caught and reported per row; keep their default messages out of the table.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let groups: [(&str, fn() -> Vec<Case>); 4] =
        [("file", data_cases), ("settings", setting_cases), ("keras", keras_cases), ("saved run", saved_run_cases)];
    let mut rows = Vec::new();
    for (group, cases) in groups {
        for case in cases() {
            let started = std::time::Instant::now();
            let row = check(case);
            rows.push((group, row, started.elapsed()));
        }
    }
    std::panic::set_hook(hook);
    println!("\n{:<10} {:<34} {:<9} {:>7}  message", "entry", "input", "outcome", "ms");
    for (group, row, took) in &rows {
        println!("{group:<10} {:<34} {:<9} {:>7}  {}", row.name, row.outcome, took.as_millis(), cut(&row.message, 160));
    }
    let problems: Vec<&String> = rows.iter().filter_map(|(_, r, _)| r.problem.as_ref()).collect();
    println!("\n{} inputs, {} problems", rows.len(), problems.len());
    assert!(rows.len() >= 30, "the corpus has {} inputs", rows.len());
    assert!(problems.is_empty(), "{} of {} inputs were not refused clearly:\n{}", problems.len(), rows.len(), {
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    });
}
