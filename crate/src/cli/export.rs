//! `export=keras:PATH|tfjs:PATH|tokenizer:PATH` (repeatable): after training, write the
//! Keras zip, the TF.js zip or Keras' `tokenizer.to_json()` to PATH.

use crate::train::{Run, block_on};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Keras,
    Tfjs,
    Tokenizer,
}

/// What to export where.
pub type Exports = Vec<(Target, String)>;

/// The `export=` arguments, and the others.
pub fn split(args: &[String]) -> Result<(Exports, Vec<String>), String> {
    let mut exports = Vec::new();
    let mut rest = Vec::new();
    for arg in args {
        let Some(value) = arg.strip_prefix("export=") else {
            rest.push(arg.clone());
            continue;
        };
        let (target, path) = match value.split_once(':') {
            Some(("keras", p)) => (Target::Keras, p),
            Some(("tfjs", p)) => (Target::Tfjs, p),
            Some(("tokenizer", p)) => (Target::Tokenizer, p),
            _ => return Err(format!("export={value}: expected export=keras:PATH, export=tfjs:PATH or export=tokenizer:PATH")),
        };
        if path.is_empty() {
            return Err(format!("export={value}: the path is empty"));
        }
        exports.push((target, path.to_string()));
    }
    Ok((exports, rest))
}

/// Write each export of the finished run.
pub fn write(run: &Run, exports: &[(Target, String)]) -> Result<(), String> {
    for (target, path) in exports {
        let bytes = match target {
            Target::Keras => block_on(run.export_keras()),
            Target::Tfjs => block_on(run.export_tfjs()),
            Target::Tokenizer => run.tokenizer_json().map(String::into_bytes),
        }
        .map_err(|e| e.to_string())?;
        std::fs::write(path, &bytes).map_err(|e| format!("{path}: {e}"))?;
        println!("Exported {target:?} to {path} ({} bytes)", bytes.len());
    }
    Ok(())
}
