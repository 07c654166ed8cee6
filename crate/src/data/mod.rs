//! Labelled texts in, padded id batches out.

mod batch;
mod dataset;
mod imdb;
pub mod load;
mod view;

pub use batch::{Encoded, epoch_order};
pub use dataset::{Dataset, Labelled, Parts};
pub use imdb::{Imdb, Split};
pub use view::{Look, view};
