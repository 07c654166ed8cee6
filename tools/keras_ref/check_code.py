"""Run the Keras 3 code `kiln::keras::to_code` writes for each preset, on dummy data.

Not run by CI. Write the presets' code, then run it:

    export CARGO_TARGET_DIR=/work/kt
    KILN_KERAS_CODE_OUT=/tmp/kiln_code cargo test -p kiln --test keras_code roundtrip
    /work/kvenv/bin/python tools/keras_ref/check_code.py /tmp/kiln_code

Each file is executed as written, except that `keras.datasets.imdb.load_data` returns
64 random reviews per split (no download) and `fit` is capped at one epoch. It prints
the model's parameter count and the compiled optimizer, and fails on any exception.
"""

import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402


def dummy_load_data(num_words=None, **_):
    rng = np.random.default_rng(0)
    vocab = num_words or 1000

    def split():
        x = [list(rng.integers(1, vocab, size=rng.integers(5, 300))) for _ in range(64)]
        return x, rng.integers(0, 2, size=64)

    return split(), split()


def main(folder):
    keras.datasets.imdb.load_data = dummy_load_data
    fit = keras.Model.fit
    keras.Model.fit = lambda self, *a, **kw: fit(self, *a, **{**kw, "epochs": 1, "verbose": 0})
    keras.Model.summary = lambda self, *a, **kw: None
    failed = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py"):
            continue
        code = open(os.path.join(folder, name)).read()
        scope = {}
        start = time.time()
        try:
            exec(compile(code, name, "exec"), scope)
            model = scope["model"]
            opt = model.optimizer
            print(f"ok   {name:28} params {model.count_params():>9,}  {type(opt).__name__}"
                  f"(lr={float(opt.learning_rate):g})  {time.time() - start:.1f}s")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/kiln_code")
