//! Output buffers zeroed part by part, on the threads that then fill them.

use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::rnn::cut;

/// A buffer of `len` values whose parts ([`Lazy::parts`]) are written in full by their own
/// thread ([`Unwritten::filled`]) before the buffer is read ([`Lazy::into_vec`]).
///
/// An output zeroed up front (`vec![0.0; n]`) was one thread's pass over memory while the
/// others waited, and then went to memory before its owner wrote it again: M1's input
/// projection, `[64·500, 400]`, is 51 MB a step (`conv::forward`).
pub(crate) struct Lazy {
    buf: Vec<f32>,
    len: usize,
    written: AtomicUsize,
    cut: bool,
}

impl Lazy {
    pub(crate) fn new(len: usize) -> Self {
        Self { buf: Vec::with_capacity(len), len, written: AtomicUsize::new(0), cut: false }
    }

    /// The parts `[r.start·row, r.end·row)` for each of `ranges`, which must tile the buffer
    /// from 0; cut once.
    pub(crate) fn parts(&mut self, ranges: &[Range<usize>], row: usize) -> Vec<Unwritten<'_>> {
        assert!(!self.cut, "a Lazy buffer is cut once");
        self.cut = true;
        let mut at = 0;
        for r in ranges {
            assert_eq!(r.start, at, "the ranges tile the buffer from 0");
            at = r.end;
        }
        assert_eq!(at * row, self.len, "the ranges tile the whole buffer");
        let written = &self.written;
        let spare = &mut self.buf.spare_capacity_mut()[..self.len];
        cut(spare, ranges, row).into_iter().map(|values| Unwritten { values, written }).collect()
    }

    /// The values, once every part has been written.
    pub(crate) fn into_vec(mut self) -> Vec<f32> {
        assert_eq!(*self.written.get_mut(), self.len, "every part of a Lazy buffer written");
        // SAFETY: the parts tile 0..len (asserted in `parts`, cut once) and the count shows each
        // was written in full by `Unwritten::filled`.
        unsafe { self.buf.set_len(self.len) };
        self.buf
    }
}

/// One part of a [`Lazy`] buffer, not yet written.
pub(crate) struct Unwritten<'a> {
    values: &'a mut [MaybeUninit<f32>],
    written: &'a AtomicUsize,
}

impl<'a> Unwritten<'a> {
    /// The part with `pattern` repeated over it (zeros: `&[0.0]`; a bias row), as values.
    pub(crate) fn filled(self, pattern: &[f32]) -> &'a mut [f32] {
        assert!(!pattern.is_empty() && self.values.len().is_multiple_of(pattern.len()), "the pattern tiles the part");
        if let [value] = pattern {
            self.values.fill(MaybeUninit::new(*value));
        } else {
            for chunk in self.values.chunks_exact_mut(pattern.len()) {
                for (v, p) in chunk.iter_mut().zip(pattern) {
                    v.write(*p);
                }
            }
        }
        self.written.fetch_add(self.values.len(), Ordering::Relaxed);
        // SAFETY: every element was written just above.
        unsafe { &mut *(self.values as *mut [MaybeUninit<f32>] as *mut [f32]) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_written_on_their_own_make_the_whole() {
        let mut lazy = Lazy::new(12);
        let parts = lazy.parts(&[0..1, 1..3], 4);
        let filled: Vec<Vec<f32>> = parts.into_iter().zip([[1.0, 2.0], [0.0, 0.0]]).map(|(p, pat)| p.filled(&pat).to_vec()).collect();
        assert_eq!(filled, vec![vec![1.0, 2.0, 1.0, 2.0], vec![0.0; 8]]);
        assert_eq!(lazy.into_vec(), [1.0, 2.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    #[should_panic(expected = "every part of a Lazy buffer written")]
    fn a_part_left_unwritten_is_refused() {
        let mut lazy = Lazy::new(8);
        let mut parts = lazy.parts(&[0..1, 1..2], 4);
        parts.pop();
        parts.pop().map(|p| p.filled(&[0.0]));
        lazy.into_vec();
    }

    #[test]
    #[should_panic(expected = "tile the whole buffer")]
    fn ranges_short_of_the_buffer_are_refused() {
        Lazy::new(8).parts(&[0..1, 1..1], 4);
    }
}
