//! Labelled texts in, padded id batches out.

mod batch;
mod imdb;

pub use batch::{Encoded, epoch_order};
pub use imdb::{Imdb, Split, Subset};
