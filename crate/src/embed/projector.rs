//! The TensorFlow Embedding Projector's pair of files (projector.tensorflow.org, "Load"):
//! `vectors.tsv`, one row of tab-separated values per word, and `metadata.tsv`, the words in
//! the same order, one per line (a single column has no header line).

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::Vectors;

/// The two files' contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectorFiles {
    pub vectors: String,
    pub metadata: String,
}

impl Vectors {
    /// Words holding a tab or a line break (which would shift the rows) and empty words are
    /// left out of both files, so row `i` of one is row `i` of the other.
    pub fn to_projector(&self) -> ProjectorFiles {
        let mut vectors = String::with_capacity(self.len() * self.dim() * 11);
        let mut metadata = String::with_capacity(self.len() * 8);
        for (i, word) in self.words().iter().enumerate() {
            if word.is_empty() || word.contains(['\t', '\n', '\r']) {
                continue;
            }
            metadata.push_str(word);
            metadata.push('\n');
            for (j, v) in self.row(i).iter().enumerate() {
                let _ = write!(vectors, "{}{v}", if j == 0 { "" } else { "\t" });
            }
            vectors.push('\n');
        }
        ProjectorFiles { vectors, metadata }
    }
}
