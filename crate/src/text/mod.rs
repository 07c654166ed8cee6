//! Text → ids, with Keras 2 `Tokenizer` and `pad_sequences` semantics, Korean clean-up and
//! subword vocabularies. Pure: no tensors.

mod korean;
mod normalize;
mod pad;
mod pipeline;
mod subword;
mod tokenizer;
mod vocab;

pub use korean::{KOREAN_STOPWORDS, is_hangul, normalize_korean};
pub use normalize::{normalize, normalize_as, normalize_english};
pub use pad::{Padding, pad_sequences};
pub use pipeline::{RESERVED, SUBWORD_SPECIALS, TextPipeline};
pub use tokenizer::{KERAS_FILTERS, Tokenizer, TokenizerConfig, text_to_char_sequence, text_to_word_sequence};
