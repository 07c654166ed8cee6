"""gensim reads Kiln's downloaded embedding and finds the nearest words the page showed.

    /work/kvenv/bin/python tools/gensim_check.py out/kiln-embedding-word2vec.txt \
        [--tsv out] [--similar out/emb-similar.json]

- loads the file with `KeyedVectors.load_word2vec_format(path, binary=False)` and prints its
  size;
- `--tsv DIR`: DIR/vectors.tsv and DIR/metadata.tsv (the Embedding Projector pair) must hold the
  same words and values;
- `--similar FILE`: JSON `{"word": [{"word": w, "similarity": s}, …]}` as the page listed them
  (the e2e test `downloads` writes it); gensim's `similar_by_word(word, topn)` must give the same
  words in the same order and cosines within 1e-5.
Prints one JSON line last; exits 1 when a check fails. (venv: `python3 -m venv /work/kvenv &&
/work/kvenv/bin/pip install gensim`.)
"""

import argparse
import json
import sys

import numpy as np
from gensim.models import KeyedVectors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--tsv")
    ap.add_argument("--similar")
    args = ap.parse_args()
    kv = KeyedVectors.load_word2vec_format(args.path, binary=False)
    print(f"gensim {__import__('gensim').__version__}: {len(kv)} words x {kv.vector_size} dimensions from {args.path}")
    failures = []
    result = {"words": len(kv), "vector_size": kv.vector_size}

    if args.tsv:
        with open(f"{args.tsv}/metadata.tsv", encoding="utf-8") as f:
            words = [line.rstrip("\n") for line in f]
        vectors = np.loadtxt(f"{args.tsv}/vectors.tsv", delimiter="\t", dtype=np.float32, ndmin=2)
        same_words = words == list(kv.index_to_key)
        same_values = vectors.shape == kv.vectors.shape and np.array_equal(vectors, kv.vectors)
        print(f"projector TSV: {vectors.shape[0]} rows x {vectors.shape[1]} columns, "
              f"same words: {same_words}, same values: {same_values}")
        result["tsv_equal"] = bool(same_words and same_values)
        if not result["tsv_equal"]:
            failures.append("the TSV pair differs from the word2vec file")

    if args.similar:
        with open(args.similar, encoding="utf-8") as f:
            shown = json.load(f)
        for word, listed in shown.items():
            theirs = kv.similar_by_word(word, topn=len(listed))
            same = [w for w, _ in theirs] == [s["word"] for s in listed]
            gap = max(abs(s - t["similarity"]) for (_, s), t in zip(theirs, listed))
            print(f"similar_by_word({word!r}): gensim {[(w, round(s, 4)) for w, s in theirs[:5]]} ...; "
                  f"same words as the page: {same}, largest cosine difference {gap:.2e}")
            result[f"similar_{word}"] = {"same_words": same, "max_diff": gap}
            if not same or gap > 1e-5:
                failures.append(f"similar_by_word({word!r}) differs from the page's list")

    result["ok"] = not failures
    for f in failures:
        print(f"FAIL: {f}")
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
