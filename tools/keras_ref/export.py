"""Reference values for Kiln's exports (tests/export.rs).

- `npy`: the exact bytes `np.save` writes for a few float32 arrays (scalar, 1-D, 2-D, 3-D),
  which Kiln's `.npy` writer must match byte for byte.
- `tokenizers`: Keras 2's `Tokenizer` (keras_preprocessing 1.1.2, the course notebooks' one)
  fitted with several option sets on a small corpus, and its `to_json()`; Kiln's
  `tokenizer_json` must give the same fields (the dicts compared as dicts: `word_docs` comes
  from Python sets, so its order is not reproducible).

Like with like: Kiln turns IMDB's `<br />` into spaces before its Tokenizer, so Keras gets
the same normalised text.

Run: /work/kvenv/bin/pip install numpy keras-preprocessing
     /work/kvenv/bin/python tools/keras_ref/export.py   (writes tests/fixtures/export_keras.json)
"""

import io
import json
import re
from pathlib import Path

import numpy as np
import keras_preprocessing
from keras_preprocessing.text import Tokenizer

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "export_keras.json"

TRAIN = [
    "The movie was GREAT!<br /><br />I don't think it's bad.",
    "Bad, bad... the plot; the acting? (the END)",
    "it's a tie: cat dog cat dog",
    "Café déjà-vu — naïve fun\tand\nnewlines \"quoted\" back\\slash",
    "이 영화 정말 재미있어요!! 최고 ㅋㅋㅋ 😀",
    "the the the movie movie great",
]

CASES = [
    {"name": "defaults", "args": {}},
    {"name": "num_words + oov", "args": {"num_words": 8, "oov_token": "<OOV>"}},
    {"name": "char_level", "args": {"char_level": True}},
    {"name": "no lower, own filters", "args": {"lower": False, "filters": "!.,?"}},
]


def normalize(text):
    return re.sub(r"<br />|<br/>|<br>", " ", text, flags=re.IGNORECASE)


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue().hex()


def main():
    rng = np.random.default_rng(7)
    npy = []
    for shape in [(), (5,), (3, 4), (2, 3, 2), (12, 2), (0,)]:
        values = rng.standard_normal(shape).astype("<f4") if shape != () else np.float32(1.5)
        array = np.asarray(values, dtype="<f4").reshape(shape)
        npy.append({"shape": list(shape), "values": [float(v) for v in array.ravel()], "hex": npy_bytes(array)})
    tokenizers = []
    for case in CASES:
        tokenizer = Tokenizer(**case["args"])
        tokenizer.fit_on_texts([normalize(t) for t in TRAIN])
        tokenizers.append({**case, "to_json": tokenizer.to_json()})
    OUT.write_text(json.dumps({
        "keras_preprocessing": keras_preprocessing.__version__,
        "numpy": np.__version__,
        "train": TRAIN,
        "npy": npy,
        "tokenizers": tokenizers,
    }, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
