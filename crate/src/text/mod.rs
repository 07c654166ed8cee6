//! Text → ids, with Keras 2 `Tokenizer` and `pad_sequences` semantics. Pure: no tensors.

mod normalize;
mod pad;
mod pipeline;
mod tokenizer;

pub use normalize::normalize;
pub use pad::{Padding, pad_sequences};
pub use pipeline::TextPipeline;
pub use tokenizer::{KERAS_FILTERS, Tokenizer, TokenizerConfig, text_to_word_sequence};
