//! BPE and WordPiece trained on the training texts with Hugging Face `tokenizers`, over Kiln's
//! own words (normalised, `lower`, `filters`, stopwords dropped): each word becomes pieces.

use std::collections::{HashMap, HashSet};

use tokenizers::models::bpe::{BPE, BpeTrainer};
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::{AddedToken, Model, Trainer};

use super::vocab::Counts;
use crate::error::{KilnError, Result};

/// WordPiece's mark on a piece that continues a word (`##ing`).
const CONTINUE: &str = "##";

#[derive(Debug, Clone)]
enum Pieces {
    Bpe(BPE),
    Wordpiece(WordPiece),
}

/// A trained subword vocabulary whose ids are all below `num_words`.
#[derive(Debug, Clone)]
pub struct Subword {
    model: Pieces,
    unk: (u32, String),
    specials: usize,
    num_words: usize,
}

/// What `train` gives back: the model and its pieces' counts over the training words.
pub struct Trained {
    pub subword: Subword,
    pub counts: Counts,
}

/// Train on `texts`, split into words by `split`. `specials` take ids 0, 1, …; `unk` is one
/// of them. The vocabulary has at most `num_words` pieces: the characters kept are the most
/// frequent that fit beside the specials (others become `unk`), merges fill the rest.
pub fn train(
    wordpiece: bool,
    texts: &[String],
    split: &(dyn Fn(&str) -> Vec<String> + Sync),
    specials: &[&str],
    unk: &str,
    num_words: usize,
) -> Result<Trained> {
    let fail = |e: tokenizers::Error| KilnError::config("tokens", format!("subword training failed: {e}"));
    // `tokenizers` counts words with rayon unless told otherwise (its TOKENIZERS_PARALLELISM
    // reads as "on" in wasm32, where there is no environment). rayon-core falls back to the
    // calling thread there, but one thread everywhere is the plain promise: nothing spawns,
    // and the page and the command line count alike.
    tokenizers::utils::parallelism::set_parallelism(false);
    let mut words = Counts::default();
    for word in texts.iter().flat_map(|t| split(t)) {
        words.add(&word, 1);
    }
    let (alphabet, continuations) = alphabet(&words, num_words.saturating_sub(specials.len()), wordpiece);
    // The continuation pieces go in as specials so that their ids do not depend on hash order.
    let tokens = specials.iter().map(|s| s.to_string()).chain(continuations);
    let mut builder = BpeTrainer::builder()
        .vocab_size(num_words)
        .show_progress(false)
        .special_tokens(tokens.map(|t| AddedToken::from(t, true)).collect())
        .limit_alphabet(alphabet.len())
        .initial_alphabet(alphabet);
    if wordpiece {
        builder = builder.continuing_subword_prefix(CONTINUE.into());
    }
    let mut trainer = builder.build();
    trainer.feed(texts.iter(), |t| Ok(split(t))).map_err(fail)?;
    let mut bpe = BPE::builder().unk_token(unk.to_string()).build().map_err(fail)?;
    trainer.train(&mut bpe).map_err(fail)?;
    let model = if wordpiece { Pieces::Wordpiece(WordPiece::from_bpe(&bpe)) } else { Pieces::Bpe(bpe) };
    let unk_id = match &model {
        Pieces::Bpe(m) => m.token_to_id(unk),
        Pieces::Wordpiece(m) => m.token_to_id(unk),
    };
    let unk_id = unk_id.ok_or_else(|| KilnError::config("tokens", format!("{unk} is missing from the subwords")))?;
    let subword = Subword { model, unk: (unk_id, unk.to_string()), specials: specials.len(), num_words };
    let mut counts = Counts::default();
    for (word, n) in words.iter() {
        for (_, piece) in subword.pieces(word) {
            counts.add(&piece, *n);
        }
    }
    Ok(Trained { subword, counts })
}

/// The most frequent characters that fit in `budget` ids (a WordPiece character that also
/// continues words needs two: `c` and `##c`), and those `##c` pieces, sorted.
fn alphabet(words: &Counts, budget: usize, wordpiece: bool) -> (HashSet<char>, Vec<String>) {
    let mut chars: HashMap<char, (u64, bool)> = HashMap::new();
    for (word, n) in words.iter() {
        for (i, c) in word.chars().enumerate() {
            let entry = chars.entry(c).or_default();
            entry.0 += n;
            entry.1 |= i > 0;
        }
    }
    let mut sorted: Vec<(char, (u64, bool))> = chars.into_iter().collect();
    sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let (mut left, mut kept, mut continuations) = (budget, HashSet::new(), Vec::new());
    for (c, (_, continues)) in sorted {
        let cost = 1 + usize::from(wordpiece && continues);
        if cost > left {
            break;
        }
        left -= cost;
        kept.insert(c);
        if wordpiece && continues {
            continuations.push(format!("{CONTINUE}{c}"));
        }
    }
    continuations.sort();
    (kept, continuations)
}

impl Subword {
    /// The pieces of one word with their ids (`unk` for what the vocabulary cannot spell).
    pub fn pieces(&self, word: &str) -> Vec<(u32, String)> {
        let tokens = match &self.model {
            Pieces::Bpe(m) => m.tokenize(word),
            Pieces::Wordpiece(m) => m.tokenize(word),
        };
        match tokens {
            Ok(tokens) => tokens
                .into_iter()
                .map(|t| if (t.id as usize) < self.num_words { (t.id, t.value) } else { self.unk.clone() })
                .collect(),
            Err(_) => vec![self.unk.clone()],
        }
    }

    /// The id of `piece` when it is a piece of its own (not a special token).
    pub fn id(&self, piece: &str) -> Option<u32> {
        let id = match &self.model {
            Pieces::Bpe(m) => m.token_to_id(piece),
            Pieces::Wordpiece(m) => m.token_to_id(piece),
        }?;
        ((id as usize) >= self.specials && (id as usize) < self.num_words).then_some(id)
    }

    pub fn token(&self, id: u32) -> Option<String> {
        match &self.model {
            Pieces::Bpe(m) => m.id_to_token(id),
            Pieces::Wordpiece(m) => m.id_to_token(id),
        }
    }

    /// Pieces in the vocabulary, specials included.
    pub fn size(&self) -> usize {
        let n = match &self.model {
            Pieces::Bpe(m) => m.get_vocab_size(),
            Pieces::Wordpiece(m) => m.get_vocab_size(),
        };
        n.min(self.num_words)
    }
}
