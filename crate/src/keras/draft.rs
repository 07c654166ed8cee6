//! The run being read: `base` overwritten by what the code says, hints that are
//! settled at the end (num_words, maxlen), and notes for what was read past.

use super::expr::Node;
use super::lexer::Pos;
use super::value::{Env, Value};
use crate::dto::{LayerConfig, RunConfig};

pub struct Draft {
    pub config: RunConfig,
    /// Notes with their line, sorted by line at the end.
    notes: Vec<(usize, String)>,
    /// `Tokenizer(num_words=…)` / `imdb.load_data(num_words=…)`, when a constant.
    pub num_words: Option<usize>,
    /// `pad_sequences(maxlen=…)`.
    pub pad_maxlen: Option<usize>,
    /// `Input(shape=(n,))`, `input_length=n`, `input_shape=(n,)`.
    pub input_maxlen: Option<usize>,
    pub saw_fit: bool,
    pub saw_compile: bool,
}

impl Draft {
    pub fn new(base: &RunConfig) -> Self {
        let mut config = base.clone();
        config.model = "custom".into();
        Self {
            config,
            notes: Vec::new(),
            num_words: None,
            pad_maxlen: None,
            input_maxlen: None,
            saw_fit: false,
            saw_compile: false,
        }
    }

    pub fn note(&mut self, pos: Pos, message: impl Into<String>) {
        let note = (pos.line, format!("line {}: {}", pos.line, message.into()));
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub fn set_input_maxlen(&mut self, n: usize) {
        self.input_maxlen = Some(n);
    }

    /// `shape=(maxlen,)`, `input_shape=(maxlen,)` or `batch_input_shape=(None, maxlen)`.
    pub fn input_shape(&mut self, node: &Node, env: &Env, batch: bool) {
        let dims = match env.eval(node) {
            Some(Value::Seq(dims)) => dims,
            _ => {
                self.note(node.pos, format!("input shape `{}` is not a constant Kiln can work out", node.text));
                return;
            }
        };
        let dims = if batch { dims.get(1..).unwrap_or_default().to_vec() } else { dims };
        match dims.first() {
            Some(Value::Int(n)) if *n > 0 => self.input_maxlen = Some(*n as usize),
            Some(Value::None) => {}
            _ => self.note(node.pos, format!("input shape `{}`: Kiln reads only (maxlen,)", node.text)),
        }
    }

    /// Settle num_words, maxlen and the embeddings' input_dim once the whole cell is read.
    pub fn finish(mut self, layers: Vec<LayerConfig>, model_pos: Pos) -> (RunConfig, Vec<String>) {
        let first_dim = layers.iter().find_map(|l| match l {
            LayerConfig::Embedding(e) => e.input_dim,
            _ => None,
        });
        match (self.num_words, first_dim) {
            (Some(n), _) | (None, Some(n)) => self.config.num_words = n,
            (None, None) => {
                let n = self.config.num_words;
                self.note(model_pos, format!("the code gives no vocabulary size: Kiln keeps num_words = {n}"));
            }
        }
        let num_words = self.config.num_words;
        self.config.layers = layers.into_iter().map(|l| with_input_dim(l, num_words)).collect();
        match (self.pad_maxlen, self.input_maxlen) {
            (Some(p), Some(i)) if p != i => {
                self.note(
                    model_pos,
                    format!("pad_sequences maxlen {p} and the model's input length {i} differ: Kiln uses {p}"),
                );
                self.config.maxlen = p;
            }
            (Some(n), _) | (None, Some(n)) => self.config.maxlen = n,
            (None, None) => {
                let n = self.config.maxlen;
                self.note(model_pos, format!("the code gives no sequence length: Kiln keeps maxlen = {n}"));
            }
        }
        if !self.saw_compile {
            self.note(model_pos, "no model.compile(...): Kiln keeps the current optimizer and loss");
        }
        if !self.saw_fit {
            self.note(model_pos, "no model.fit(...): Kiln keeps the current epochs, batch_size and validation");
        }
        self.notes.sort_by_key(|(line, _)| *line);
        (self.config, self.notes.into_iter().map(|(_, n)| n).collect())
    }
}

/// An embedding whose input_dim is the run's num_words says so by `None`.
fn with_input_dim(layer: LayerConfig, num_words: usize) -> LayerConfig {
    match layer {
        LayerConfig::Embedding(mut e) => {
            e.input_dim = e.input_dim.filter(|d| *d != num_words);
            LayerConfig::Embedding(e)
        }
        other => other,
    }
}
