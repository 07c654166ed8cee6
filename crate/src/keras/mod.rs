//! Keras code in, Keras code out: read the model a notebook builds
//! (`Sequential`/`model.add`, functional `x = layer(x)` chains, `compile`, `fit`)
//! into a `RunConfig`, and write a `RunConfig` back as Keras 3 Python.
//!
//! The reader is a small tokenizer (`lexer`), a recursive-descent parser for the
//! Python subset cells use (`expr`), and an interpreter that walks the statements
//! (`interp`) with readers for layers (`layer_read`) and run settings (`settings`).
//! Lines that build nothing Kiln needs (imports, prints, plots, data loading) are
//! skipped; a line that builds the model but cannot be read is an error.

mod args;
mod callbacks;
mod draft;
mod emit;
mod expr;
mod interp;
mod layer_read;
mod lexer;
mod settings;
mod stmt;
mod tokenizer;
mod value;

use crate::dto::RunConfig;
use crate::error::{KilnError, Result};

pub use emit::layer_code;
pub use layer_read::LAYER_CLASSES;

/// A parsed notebook cell: the run it describes, and what was read but not used.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub config: RunConfig,
    /// Human-readable notes on lines or arguments that were skipped (e.g. `metrics=`).
    pub notes: Vec<String>,
}

/// Tokens in one statement at most; a notebook's longest lines have a few hundred.
const MAX_TOKENS: usize = 10_000;

/// Read Keras code; settings the code does not give are taken from `base`.
/// Errors are `KilnError::Code` pointing at the line and column.
pub fn parse(text: &str, base: &RunConfig) -> Result<Parsed> {
    let mut interp = interp::Interp::new(draft::Draft::new(base));
    for line in lexer::logical_lines(text) {
        for stmt in line.split(|t| t.tok == lexer::Tok::Op(";")).filter(|s| !s.is_empty()) {
            if stmt.len() > MAX_TOKENS {
                // Data pasted into the box: the parser's messages would cost time squared in its length.
                let pos = stmt[0].pos;
                let message = format!(
                    "this statement has {} tokens; Kiln reads up to {MAX_TOKENS} per statement: paste the model's code, not data",
                    stmt.len()
                );
                if builds_model(stmt) {
                    return Err(value::code_error(pos, message));
                }
                interp.draft.note(pos, format!("skipped: {message}"));
                continue;
            }
            match stmt::parse_stmt(stmt) {
                Ok(s) => interp.run(&s)?,
                Err((pos, message)) if builds_model(stmt) => return Err(value::code_error(pos, message)),
                Err(_) => {}
            }
        }
    }
    let Some(model) = interp.models.pop() else {
        return Err(KilnError::Code {
            line: 1,
            column: 1,
            message: "found no model: Kiln reads `Sequential()` with `model.add(...)`, `Sequential([...])` or `Model(inputs, outputs)`".into(),
        });
    };
    if model.layers.is_empty() {
        return Err(value::code_error(model.pos, "the model has no layers"));
    }
    if !interp.models.is_empty() {
        let n = interp.models.len() + 1;
        interp.draft.note(model.pos, format!("the code builds {n} models: Kiln uses the last one"));
    }
    let (config, notes) = interp.draft.finish(model.layers, model.pos);
    Ok(Parsed { config, notes })
}

/// Whether a statement that failed to parse was meant to build or train the model.
fn builds_model(stmt: &[lexer::Token]) -> bool {
    const WORDS: [&str; 13] = [
        "Sequential",
        "Model",
        "Input",
        "EarlyStopping",
        "ModelCheckpoint",
        "ReduceLROnPlateau",
        "Tokenizer",
        "pad_sequences",
        "Adam",
        "RMSprop",
        "SGD",
        "Adagrad",
        "Bidirectional",
    ];
    stmt.iter().enumerate().any(|(i, t)| match &t.tok {
        lexer::Tok::Name(n) => {
            let after_dot = i > 0 && stmt[i - 1].tok == lexer::Tok::Op(".");
            WORDS.contains(&n.as_str())
                || LAYER_CLASSES.contains(&n.as_str())
                || (after_dot && matches!(n.as_str(), "add" | "compile" | "fit"))
        }
        _ => false,
    })
}

/// The Python (Keras 3) that builds, compiles and fits `config`.
pub fn to_code(config: &RunConfig) -> String {
    emit::to_code(config)
}
