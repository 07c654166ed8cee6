//! A fitted Keras `Tokenizer` as `tokenizer.to_json()` writes it (Keras 2 /
//! `tf.keras.preprocessing.text`), so `tokenizer_from_json(text)` rebuilds it: Python's
//! `json.dumps` layout (`", "` and `": "`, non-ASCII as `\uXXXX`), and the five dicts as
//! JSON strings inside the config, as Keras stores them.

use std::fmt::Write;

use crate::text::Tokenizer;

/// Python's `json.dumps(s)` (`ensure_ascii=True`) for one string.
pub fn py_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// `json.dumps(dict)` of `(key, value)` pairs already written as JSON.
fn py_dict(items: impl Iterator<Item = (String, String)>) -> String {
    let body: Vec<String> = items.map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", body.join(", "))
}

/// `tokenizer.to_json()`: `{"class_name": "Tokenizer", "config": {...}}` with Keras'
/// `get_config()` keys in its order.
pub fn tokenizer_json(t: &Tokenizer) -> String {
    let c = &t.config;
    let counts: Vec<(&str, u64, u64)> = t.word_counts().collect();
    let word_counts = py_dict(counts.iter().map(|(w, n, _)| (py_string(w), n.to_string())));
    let word_docs = py_dict(counts.iter().map(|(w, _, d)| (py_string(w), d.to_string())));
    // Keras: `index_docs[word_index[w]] = c` over word_docs; int keys become strings.
    let index_docs = py_dict(
        counts.iter().filter_map(|(w, _, d)| t.word_index(w).map(|i| (py_string(&i.to_string()), d.to_string()))),
    );
    let indexed: Vec<(u32, &str)> = (1..=t.word_count() as u32).filter_map(|i| t.index_word(i).map(|w| (i, w))).collect();
    // A word listed twice (the OOV token also in the texts) keeps its later index, as `dict(zip(…))`.
    let kept = |(i, w): &&(u32, &str)| t.word_index(w) == Some(*i);
    let word_index = py_dict(indexed.iter().filter(kept).map(|(i, w)| (py_string(w), i.to_string())));
    let index_word = py_dict(indexed.iter().filter(kept).map(|(i, w)| (py_string(&i.to_string()), py_string(w))));
    let config = [
        ("num_words", c.num_words.map_or("null".into(), |n| n.to_string())),
        ("filters", py_string(&c.filters)),
        ("lower", py_bool(c.lower)),
        ("split", py_string(&c.split.to_string())),
        ("char_level", py_bool(c.char_level)),
        ("oov_token", c.oov_token.as_deref().map_or("null".into(), py_string)),
        ("document_count", t.document_count().to_string()),
        ("word_counts", py_string(&word_counts)),
        ("word_docs", py_string(&word_docs)),
        ("index_docs", py_string(&index_docs)),
        ("index_word", py_string(&index_word)),
        ("word_index", py_string(&word_index)),
    ];
    let config = py_dict(config.into_iter().map(|(k, v)| (py_string(k), v)));
    py_dict([(py_string("class_name"), py_string("Tokenizer")), (py_string("config"), config)].into_iter())
}

fn py_bool(b: bool) -> String {
    if b { "true" } else { "false" }.into()
}
