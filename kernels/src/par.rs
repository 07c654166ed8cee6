//! The batch cut into ranges that run on their own: on rayon's pool with the `rayon`
//! feature (natively, and in the threaded wasm), else one after the other.

use std::ops::Range;

/// The threads the loops may use: rayon's pool with the `rayon` feature, else 1.
pub fn threads() -> usize {
    #[cfg(feature = "rayon")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "rayon"))]
    1
}

/// `batch` rows in `parts` contiguous ranges, as even as can be.
pub(crate) fn split(batch: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.clamp(1, batch.max(1));
    (0..parts).map(|i| batch * i / parts..batch * (i + 1) / parts).collect()
}

/// `f` over `items`, in order; on rayon's pool with the `rayon` feature.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    items.into_iter().map(f).collect()
}

/// Cuts a batch-major buffer of `row` values per batch row at `ranges`.
pub(crate) fn cut<'a>(mut buf: &'a mut [f32], ranges: &[Range<usize>], row: usize) -> Vec<&'a mut [f32]> {
    ranges
        .iter()
        .map(|r| {
            let (head, tail) = std::mem::take(&mut buf).split_at_mut(r.len() * row);
            buf = tail;
            head
        })
        .collect()
}
