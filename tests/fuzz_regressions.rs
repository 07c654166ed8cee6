//! Inputs that crashed, exhausted memory or hung a parser under `./build.sh fuzz` (cargo fuzz,
//! fuzz/), or that reading the parsers for it turned up, replayed as their target runs them (`fuzz/src/lib.rs` is included here): each
//! must now be answered without a panic, and a refusal must say what is wrong and what to do.
//! The inputs are small files in tests/fixtures/fuzz/, named `TARGET-what`; every file there
//! is replayed, and one without a row in `FOUND` fails the test until it gets one.
//! `cargo test --test fuzz_regressions -- --nocapture` prints the table.
#![cfg(not(target_family = "wasm"))]

use std::panic::{AssertUnwindSafe, catch_unwind};

#[path = "../fuzz/src/lib.rs"]
mod replay;

/// What a file must give: refused with every key word in the message (case-insensitive), or
/// accepted with every key word in what was read.
#[derive(Clone, Copy)]
enum Expect {
    Refused(&'static [&'static str]),
    Accepted(&'static [&'static str]),
}
use Expect::{Accepted, Refused};

/// Each finding: its file, what it broke before the fix, and what it must give now.
const FOUND: &[(&str, &str, Expect)] = &[
    ("tokenizer-br-before-e-acute", "`<br` then a multi-byte letter: the <br> check sliced inside it (panic)", Accepted(&["3 texts"])),
    ("word_vectors-header-huge-count", "a header of 10^14 words sized a buffer by it (allocation abort)", Refused(&["header says 99999999999999 words", "the file has 1", "correct the count"])),
    ("keras_code-min-int-floordiv-minus-one", "-2**63 // -1 overflowed the division (panic, in release builds too)", Refused(&["layer 3 (Dense)", "must end with Dense(1"])),
    ("keras_code-min-int-negated", "-(-2**63) overflowed the negation (panic)", Refused(&["layer 3 (Dense)", "must end with Dense(1"])),
    ("word_vectors-header-huge-dim", "a header of 10^14 values a word sized a buffer by it (allocation abort)", Refused(&["line 2", "the header says 99999999999999", "correct the header"])),
];

fn target(file: &str) -> Option<fn(&[u8]) -> kiln::Result<String>> {
    let (name, _) = file.split_once('-')?;
    Some(match name {
        "data_file" => replay::data_file,
        "fasttext" => replay::fasttext,
        "archive" => replay::archive,
        "tokenizer" => replay::tokenizer,
        "keras_code" => replay::keras_code,
        "saved_run" => replay::saved_run,
        "word_vectors" => replay::word_vectors,
        _ => return None,
    })
}

/// What one file gives (`PANIC …` for a panic), and the problem with it, if any.
fn check(file: &str, bytes: &[u8]) -> (String, Option<String>) {
    let Some(run) = target(file) else { return (String::new(), Some(format!("{file}: name it TARGET-what"))) };
    let got = match catch_unwind(AssertUnwindSafe(|| run(bytes))) {
        Err(panic) => {
            let why = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            return (format!("PANIC {}", why.unwrap_or_default()), Some(format!("{file}: panicked")));
        }
        Ok(got) => got,
    };
    let Some(&(_, _, expect)) = FOUND.iter().find(|(f, _, _)| *f == file) else {
        let message = got.map_or_else(|e| e.to_string(), |read| read);
        return (message, Some(format!("{file}: add a row to FOUND")));
    };
    let (message, ok) = match (got, expect) {
        (Ok(read), Accepted(_)) => (read, true),
        (Err(e), Refused(_)) => (e.to_string(), true),
        (Ok(read), Refused(_)) => (format!("ACCEPTED {read}"), false),
        (Err(e), Accepted(_)) => (format!("REFUSED {e}"), false),
    };
    let (Accepted(words) | Refused(words)) = expect;
    let missing: Vec<&str> = words.iter().copied().filter(|w| !message.to_lowercase().contains(&w.to_lowercase())).collect();
    let problem = match (ok, missing.is_empty()) {
        (false, _) => Some(format!("{file}: {message}")),
        (true, false) => Some(format!("{file}: `{message}` should mention {missing:?}")),
        (true, true) => None,
    };
    (message, problem)
}

#[test]
fn every_fuzz_finding_is_answered_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("tests/fixtures/fuzz").map(|e| e.expect("an entry").path()).collect();
    files.sort();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut problems = Vec::new();
    println!("\n{:<36} {:>6}  message", "input", "bytes");
    for path in &files {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let bytes = std::fs::read(path).expect("a fixture");
        let (message, problem) = check(file, &bytes);
        println!("{file:<36} {:>6}  {}", bytes.len(), message.replace('\n', " "));
        problems.extend(problem);
    }
    std::panic::set_hook(hook);
    for (file, _, _) in FOUND {
        if !files.iter().any(|p| p.ends_with(file)) {
            problems.push(format!("{file}: the row's file is missing"));
        }
    }
    assert!(problems.is_empty(), "{} findings are not answered clearly:\n  {}", problems.len(), problems.join("\n  "));
}
