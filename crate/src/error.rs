//! One error type for the whole crate; `web.rs` turns it into a `JsError`.

use thiserror::Error;

pub type Result<T> = std::result::Result<T, KilnError>;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum KilnError {
    /// A setting the user gave is out of range or inconsistent.
    #[error("invalid setting `{field}`: {message}")]
    Config { field: String, message: String },
    /// A layer list that cannot be built (Keras would fail at `model.add`).
    #[error("layer {index} ({kind}): {message}")]
    Layer { index: usize, kind: String, message: String },
    /// Keras code that Kiln cannot read; `line` and `column` are 1-based.
    #[error("line {line}, column {column}: {message}")]
    Code { line: usize, column: usize, message: String },
    /// The dataset file or split could not be read.
    #[error("data: {0}")]
    Data(String),
    /// Loss became NaN or infinite; the run keeps the last finite epoch's weights (or the step before's).
    /// `hint` says what usually causes it for this model and settings.
    #[error("training diverged: loss is {value} at epoch {epoch}, step {step}. Training stops there and keeps the last good weights (the last epoch with a finite loss, or the step before). {hint}")]
    Diverged { epoch: usize, step: usize, value: String, hint: String },
    /// The backend failed (device lost, out of memory, read-back failure).
    #[error("backend: {0}")]
    Backend(String),
    /// A model or tokenizer that the chosen export format cannot express.
    #[error("export: {0}")]
    Export(String),
}

impl KilnError {
    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Self::Config { field: field.to_string(), message: message.into() }
    }
}
