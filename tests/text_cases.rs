//! Tokenizer and padding against Keras 2 (`keras_preprocessing` 1.1.2) outputs on fixed texts.
//! Expected values were printed by Keras on `text.replace("<br />", " ")`, which is Kiln's normaliser.

use kiln::text::{KERAS_FILTERS, Padding, Tokenizer, TokenizerConfig, normalize, pad_sequences, text_to_word_sequence};

const TEXTS: [&str; 6] = [
    "The movie was GREAT!<br /><br />I don't think it's bad.",
    "Bad, bad... the plot; the acting? (the END)",
    "it's a tie: cat dog cat dog",
    "Café déjà-vu — naïve fun\tand\nnewlines",
    "",
    "don't DON'T dont",
];

fn fitted(num_words: Option<usize>, oov: Option<&str>) -> Tokenizer {
    let mut t = Tokenizer::new(TokenizerConfig { num_words, oov_token: oov.map(str::to_string), ..Default::default() });
    t.fit_on_texts(TEXTS);
    t
}

#[test]
fn words_like_keras_text_to_word_sequence() {
    let cases: [(&str, &[&str]); 6] = [
        (TEXTS[0], &["the", "movie", "was", "great", "i", "don't", "think", "it's", "bad"]),
        (TEXTS[1], &["bad", "bad", "the", "plot", "the", "acting", "the", "end"]),
        (TEXTS[2], &["it's", "a", "tie", "cat", "dog", "cat", "dog"]),
        (TEXTS[3], &["café", "déjà", "vu", "—", "naïve", "fun", "and", "newlines"]),
        (TEXTS[4], &[]),
        (TEXTS[5], &["don't", "don't", "dont"]),
    ];
    for (text, want) in cases {
        assert_eq!(text_to_word_sequence(&normalize(text), KERAS_FILTERS, true, ' '), want, "{text:?}");
    }
}

#[test]
fn normalise_removes_html_breaks_only() {
    let cases = [
        ("a<br />b", "a b"),
        ("a<br/>b<BR>c", "a b c"),
        ("x < y <b>", "x < y <b>"),
        ("<br /><br />", "  "),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(normalize(input), want, "{input:?}");
    }
}

#[test]
fn word_index_by_frequency_ties_in_first_seen_order() {
    let t = fitted(None, None);
    let want = [
        "the", "don't", "bad", "it's", "cat", "dog", "movie", "was", "great", "i", "think", "plot", "acting", "end", "a",
        "tie", "café", "déjà", "vu", "—", "naïve", "fun", "and", "newlines", "dont",
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(t.word_index(w), Some(i as u32 + 1), "{w}");
        assert_eq!(t.index_word(i as u32 + 1), Some(*w));
    }
    assert_eq!(t.word_count(), want.len());
}

#[test]
fn texts_to_sequences_like_keras() {
    let unseen = "unseen words the cat";
    let cases: [(Option<usize>, Option<&str>, [&[u32]; 7]); 3] = [
        (
            None,
            None,
            [
                &[1, 7, 8, 9, 10, 2, 11, 4, 3],
                &[3, 3, 1, 12, 1, 13, 1, 14],
                &[4, 15, 16, 5, 6, 5, 6],
                &[17, 18, 19, 20, 21, 22, 23, 24],
                &[],
                &[2, 2, 25],
                &[1, 5],
            ],
        ),
        (Some(6), None, [&[1, 2, 4, 3], &[3, 3, 1, 1, 1], &[4, 5, 5], &[], &[], &[2, 2], &[1, 5]]),
        (
            Some(6),
            Some("<OOV>"),
            [
                &[2, 1, 1, 1, 1, 3, 1, 5, 4],
                &[4, 4, 2, 1, 2, 1, 2, 1],
                &[5, 1, 1, 1, 1, 1, 1],
                &[1, 1, 1, 1, 1, 1, 1, 1],
                &[],
                &[3, 3, 1],
                &[1, 1, 2, 1],
            ],
        ),
    ];
    for (num_words, oov, want) in cases {
        let t = fitted(num_words, oov);
        let texts = TEXTS.iter().copied().chain([unseen]);
        let got = t.texts_to_sequences(texts);
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g, w, "num_words {num_words:?} oov {oov:?}");
        }
    }
}

#[test]
fn pad_sequences_every_combination() {
    let seqs = vec![vec![1, 2, 3, 4, 5], vec![1, 2], vec![], vec![7, 8, 9]];
    use Padding::{Post, Pre};
    let cases = [
        (Pre, Pre, [3, 4, 5, 0, 1, 2, 0, 0, 0, 7, 8, 9]),
        (Pre, Post, [1, 2, 3, 0, 1, 2, 0, 0, 0, 7, 8, 9]),
        (Post, Pre, [3, 4, 5, 1, 2, 0, 0, 0, 0, 7, 8, 9]),
        (Post, Post, [1, 2, 3, 1, 2, 0, 0, 0, 0, 7, 8, 9]),
    ];
    for (padding, truncating, want) in cases {
        assert_eq!(pad_sequences(&seqs, 3, padding, truncating, 0), want, "{padding:?} {truncating:?}");
    }
    assert_eq!(pad_sequences(&[vec![5]], 4, Pre, Pre, 9), [9, 9, 9, 5]);
    assert!(pad_sequences(&seqs, 0, Pre, Pre, 0).is_empty());
}
