//! `length_stats` by hand.

use super::close;
use kiln::metrics::length_stats;

#[test]
fn lengths_by_hand() {
    // sorted 1 1 2 3 4 5 6 9: mean 31/8, median (3 + 4) / 2; squared deviations sum to 52.875
    let s = length_stats(&[3, 1, 4, 1, 5, 9, 2, 6], 5);
    let std = (52.875f64 / 8.0).sqrt();
    for (what, got, want) in [
        ("mean", s.mean, 3.875),
        ("median", s.median, 3.5),
        ("std", s.std, std),
        ("mean_plus_2sd", s.mean_plus_2sd, 3.875 + 2.0 * std), // 9.017
        ("fit_percent", s.fit_percent, 75.0),                  // 6 of 8 have at most 5 tokens
    ] {
        close(got, want, what);
    }
    assert_eq!((s.max, s.suggested_maxlen, s.maxlen), (9, 9, 5));
    // max 9: ten bars of width 1, the last [9, 10)
    let counts: Vec<usize> = s.histogram.iter().map(|b| b.count).collect();
    assert_eq!(counts, [0, 2, 1, 1, 1, 1, 1, 0, 0, 1]);
    assert_eq!(s.histogram.last().map(|b| (b.from, b.to)), Some((9, 10)));
}

#[test]
fn histogram_widths() {
    // (longest text, bar width, bars): width = ceil((max + 1) / 30)
    for (max, width, bars) in [(0, 1, 1), (29, 1, 30), (59, 2, 30), (60, 3, 21), (299, 10, 30), (300, 11, 28)] {
        let s = length_stats(&[0, max / 2, max], 10);
        let got: Vec<usize> = s.histogram.iter().map(|b| b.to - b.from).collect();
        assert_eq!(got, vec![width; bars], "max {max}");
        assert_eq!(s.histogram.iter().map(|b| b.count).sum::<usize>(), 3, "max {max}");
        assert!(s.histogram.last().is_some_and(|b| b.from <= max && max < b.to), "max {max}");
    }
}

#[test]
fn no_texts() {
    let s = length_stats(&[], 100);
    assert_eq!((s.mean, s.std, s.median, s.max, s.fit_percent), (0.0, 0.0, 0.0, 0, 0.0));
    assert_eq!((s.suggested_maxlen, s.maxlen, s.histogram.len()), (1, 100, 0));
}
