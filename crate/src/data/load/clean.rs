//! Seed 004's `dropna` and `drop_duplicates(subset=['document'])`: rows with empty text and rows
//! whose text repeats an earlier row's are dropped.

use std::collections::HashSet;

use crate::data::Labelled;

/// Rows dropped from one part.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dropped {
    pub empty: usize,
    pub duplicates: usize,
}

/// Drop empty and repeated texts in place, keeping the first of each; linear in the text size.
pub(super) fn clean(part: &mut Labelled) -> Dropped {
    let mut dropped = Dropped::default();
    let keep: Vec<bool> = {
        let mut seen: HashSet<&str> = HashSet::with_capacity(part.len());
        part.texts
            .iter()
            .map(|t| {
                if t.trim().is_empty() {
                    dropped.empty += 1;
                    false
                } else if !seen.insert(t.as_str()) {
                    dropped.duplicates += 1;
                    false
                } else {
                    true
                }
            })
            .collect()
    };
    retain(&mut part.texts, &keep);
    retain(&mut part.labels, &keep);
    dropped
}

/// Keep `items[i]` where `keep[i]` (`retain` visits in order).
fn retain<T>(items: &mut Vec<T>, keep: &[bool]) {
    let mut keep = keep.iter();
    items.retain(|_| keep.next().copied().unwrap_or(false));
}
