"""Reference values for Kiln's text pipeline (tests/text_options.rs).

Fits Keras 2's `Tokenizer` (keras_preprocessing 1.1.2, the one the course notebooks use)
with several option sets on a small corpus of English, Korean, punctuation and IMDB's
`<br />`, and records for each: Kiln's TextConfig, `word_index`, the tokens Keras splits
each text into, `texts_to_sequences` on the training texts and on unseen probe texts,
the most frequent words and the share of word occurrences that `num_words` keeps.

Like with like: Kiln normalises before tokenising, so Keras gets the same normalised
text (the notebooks' own `re.sub` lines). Stopwords are dropped from Keras' token lists
and the lists go to `fit_on_texts` / `texts_to_sequences`, as the NSMC tutorials do.
`reserved` (seed 004's `<PAD> <BOS> <UNK> <UNUSED>`) re-creates `keras.datasets.imdb`'s
encoding on the Tokenizer's ranks: `[1] + [r + 3 if r + 3 < num_words else 2]`.

Run: /work/kvenv/bin/pip install keras-preprocessing
     /work/kvenv/bin/python tools/keras_ref/text.py   (writes tests/fixtures/text_keras.json)
"""

import json
import re
from pathlib import Path

import keras_preprocessing
from keras_preprocessing.text import Tokenizer, text_to_word_sequence

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "text_keras.json"
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
KOREAN_STOPWORDS = ["의", "가", "이", "은", "들", "는", "좀", "잘", "걍", "과", "도", "를", "으로", "자", "에", "와", "한", "하다"]

TRAIN = [
    "The movie was GREAT!<br /><br />I don't think it's bad.",
    "Bad, bad... the plot; the acting? (the END)",
    "it's a tie: cat dog cat dog",
    "Café déjà-vu — naïve fun\tand\nnewlines",
    "",
    "이 영화 정말 재미있어요!! 최고 ㅋㅋㅋ",
    "영화가 너무 지루해요... 별로 ㅠㅠ 2점",
    "배우들 연기는 좋았는데 스토리가 별로<br />그래도 볼만함",
    "진짜 최고의 영화 10/10 강추!!! 영화 최고",
    "Mixed 한국어 and English, 영화 movie! the THE the",
    "!!! ... ???",
    "  spaced   out   under_score  ",
]
PROBES = ["unseen words the cat", "처음 보는 영화 정말 최고", "", "THE Movie 영화! 의 가", "ㅋㅋ bad bad bad"]


def normalise(how, text):
    if how == "html":
        return re.sub(r"(?i)<br />|<br/>|<br>", " ", text)
    if how == "korean":
        return re.sub("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", text)
    if how == "english":  # seed 001's `normalisation`
        return re.sub(r"[^a-z0-9\s]", "", re.sub(r"[\W]", " ", text.lower()))
    return text


def case(name, num_words, tokens="word", lower=True, filters=FILTERS, oov_token=None, normalize="html",
         stopwords=(), reserved=False):
    config = {"tokens": tokens, "lower": lower, "filters": filters, "normalize": normalize,
              "stopwords": list(stopwords), "reserved": reserved}
    if oov_token is not None:
        config["oov_token"] = oov_token
    char_level = tokens == "char"
    keras_oov = None if reserved else oov_token
    tok = Tokenizer(num_words=None if reserved else num_words, filters=filters, lower=lower,
                    char_level=char_level, oov_token=keras_oov)

    def split(text):
        text = normalise(normalize, text)
        seq = list(text.lower() if lower else text) if char_level else text_to_word_sequence(text, filters, lower)
        stop = {w.lower() if lower else w for w in stopwords}
        return [w for w in seq if w not in stop]

    # Lists of tokens: Keras takes each element as a token and lower-cases it again (a no-op here).
    tok.fit_on_texts([split(t) for t in TRAIN])

    def encode(texts):
        if not reserved:
            return tok.texts_to_sequences([split(t) for t in texts])
        out = []
        for t in texts:
            ids = [tok.word_index[w] + 3 if w in tok.word_index else 2 for w in split(t)]
            out.append([1] + [i if i < num_words else 2 for i in ids])
        return out

    counts = sorted(tok.word_counts.items(), key=lambda x: x[1], reverse=True)  # stable, as Keras sorts
    offset = 3 if reserved else 0
    kept = sum(c for w, c in counts if tok.word_index[w] + offset < num_words and w != keras_oov)
    total = sum(c for _, c in counts)
    return {
        "name": name,
        "config": config,
        "num_words": num_words,
        "word_index": tok.word_index,
        "tokens": [split(t) for t in TRAIN + PROBES],
        "train_sequences": encode(TRAIN),
        "probe_sequences": encode(PROBES),
        "distinct": len(tok.word_counts),
        "top": [[w, c] for w, c in counts[:8]],
        "coverage_percent": 100.0 * kept / total if total else 0.0,
    }


CASES = [
    case("word_defaults", 1000),
    case("word_num_words", 8),
    case("word_oov", 8, oov_token="<OOV>"),
    case("word_no_lower_no_filters", 1000, lower=False, filters=""),
    case("word_few_filters_oov", 12, filters="!?.", oov_token="[UNK]"),
    case("word_oov_in_texts", 1000, oov_token="the"),
    case("char_level", 1000, tokens="char"),
    case("char_level_oov_no_lower", 10, tokens="char", oov_token="<OOV>", lower=False),
    case("korean", 20, normalize="korean"),
    case("korean_stopwords_oov", 20, normalize="korean", stopwords=KOREAN_STOPWORDS, oov_token="<OOV>"),
    case("korean_char_level", 30, tokens="char", normalize="korean"),
    case("english", 15, normalize="english"),
    case("no_normalise", 1000, normalize="none"),
    case("english_stopwords", 1000, normalize="english", stopwords=["The", "a", "and"]),
    case("reserved", 10, reserved=True),
    case("reserved_korean", 12, normalize="korean", reserved=True),
]

OUT.write_text(json.dumps({
    "keras_preprocessing": keras_preprocessing.__version__,
    "train": TRAIN,
    "probes": PROBES,
    "cases": CASES,
}, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {OUT} ({len(CASES)} cases)")
