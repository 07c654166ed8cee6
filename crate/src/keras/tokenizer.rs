//! Keras 2's `Tokenizer(num_words, filters, lower, split, char_level, oov_token)` ⇄ the run's
//! text settings. A notebook's Tokenizer is the whole tokenizer: what it does not say takes
//! Keras' default. Normalisation, stopwords, seed 004's ids and subwords have no Tokenizer
//! argument: reading keeps the run's, and the code written back says them in comments.

use std::fmt::Write;

use super::args::CallArgs;
use super::draft::Draft;
use super::expr::{Arg, Node};
use super::value::{Env, Value};
use crate::dto::{Normalize, RunConfig, TextConfig, TokenUnit};
use crate::error::{KilnError, Result};

/// The text arguments of `Tokenizer(...)` (`num_words` is read beside it). A value Kiln
/// cannot use becomes a note and keeps Keras' default.
pub fn read(node: &Node, args: &[Arg], env: &Env, d: &mut Draft) {
    let mut a = CallArgs::new("Tokenizer", node.pos, args, env);
    let keras = TextConfig::default();
    let base = &d.config.text;
    let mut text =
        TextConfig { normalize: base.normalize, stopwords: base.stopwords.clone(), reserved: base.reserved, ..keras };
    let _ = a.get(Some(0), "num_words");
    match a.value(Some(1), "filters") {
        Ok(Some((_, Some(Value::Str(s))))) => text.filters = s,
        Ok(Some((v, _))) => d.note(v.pos, format!("Tokenizer filters {} is not a string Kiln can work out", v.text)),
        other => soft(d, other),
    }
    match a.bool(Some(2), "lower") {
        Ok(Some(lower)) => text.lower = lower,
        other => soft(d, other),
    }
    match a.value(Some(3), "split") {
        Ok(Some((_, Some(Value::Str(s))))) if s == " " => {}
        Ok(Some((v, _))) => d.note(v.pos, format!("Tokenizer split={}: Kiln splits on ' ' only", v.text)),
        other => soft(d, other),
    }
    match a.bool(Some(4), "char_level") {
        Ok(Some(true)) => text.tokens = TokenUnit::Char,
        other => soft(d, other),
    }
    match a.value(Some(5), "oov_token") {
        Ok(Some((_, Some(Value::Str(s))))) if !s.trim().is_empty() => text.oov_token = Some(s),
        Ok(Some((_, Some(Value::None)))) => {}
        Ok(Some((v, _))) => d.note(v.pos, format!("Tokenizer oov_token {} is not a word Kiln can use", v.text)),
        other => soft(d, other),
    }
    let _ = a.get(Some(6), "document_count");
    if let Ok(Some((v, value))) = a.value(None, "analyzer")
        && value != Some(Value::None)
    {
        d.note(v.pos, format!("Tokenizer analyzer={}: Kiln splits with filters and split", v.text));
    }
    if let Err(KilnError::Code { message, .. }) = a.finish() {
        d.note(node.pos, message);
    }
    d.config.text = text;
}

/// A reader error becomes a note; what was read stays Keras' default.
fn soft<T>(d: &mut Draft, got: Result<Option<T>>) {
    if let Err(KilnError::Code { line, column, message }) = got {
        d.note(super::lexer::Pos { line, column }, message);
    }
}

/// Lines that build the run's tokenizer after `num_words = …`, or comments that say what Kiln
/// does that Keras' Tokenizer cannot. Nothing for Keras' defaults.
pub fn code(c: &RunConfig) -> String {
    let t = &c.text;
    let keras = TextConfig::default();
    let mut out = String::new();
    let w = &mut out;
    match t.normalize {
        Normalize::Html => {}
        Normalize::Korean => {
            let _ = writeln!(w, "# Kiln cleans each text first: re.sub(\"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]\", \"\", text)");
        }
        Normalize::English => {
            let _ = writeln!(w, "# Kiln cleans each text first: lower-cased, \\W → ' ', then only a-z, 0-9, spaces");
        }
        Normalize::None => {
            let _ = writeln!(w, "# Kiln keeps each text as it is (no <br /> clean-up)");
        }
    }
    if !t.stopwords.is_empty() {
        let _ = writeln!(w, "# Kiln drops these stopwords after splitting: {}", t.stopwords.join(" "));
    }
    if t.reserved {
        let _ = writeln!(w, "# Kiln numbers tokens as keras.datasets.imdb does: <PAD> 0, <BOS> 1 first, <UNK> 2, ");
        let _ = writeln!(w, "# <UNUSED> 3, tokens from 4 by frequency");
    }
    let mut args = vec!["num_words=num_words".to_string()];
    match t.tokens {
        TokenUnit::Bpe | TokenUnit::Wordpiece => {
            let kind = if t.tokens == TokenUnit::Bpe { "BPE" } else { "WordPiece" };
            let _ = writeln!(w, "# Kiln splits words into {kind} pieces (Hugging Face tokenizers, num_words pieces)");
            let _ = writeln!(w, "# trained on the training texts, after Keras' lower and filters");
            return out;
        }
        TokenUnit::Char => args.push("char_level=True".into()),
        TokenUnit::Word => {}
    }
    if t.filters != keras.filters {
        args.push(format!("filters={}", py_str(&t.filters)));
    }
    if !t.lower {
        args.push("lower=False".into());
    }
    if let Some(oov) = &t.oov_token {
        args.push(format!("oov_token={}", py_str(oov)));
    }
    if args.len() > 1 {
        let _ = writeln!(w, "# Kiln's tokenizer as Keras 2 has it (pip install keras-preprocessing), for your texts:");
        let _ = writeln!(w, "from keras_preprocessing.text import Tokenizer");
        let _ = writeln!(w, "tokenizer = Tokenizer({})", args.join(", "));
    }
    out
}

/// A Python string literal for `s`.
fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
