"""Keras 3's model.summary() for every Kiln preset: per-layer class, output shape and
parameters, and the trainable / non-trainable totals.

Run: /work/kvenv/bin/python tools/keras_ref/zoo.py            (writes tests/fixtures/zoo_keras.json)
     /work/kvenv/bin/python tools/keras_ref/zoo.py --presets-json FILE   (skip the cargo call)

The presets come from Kiln itself (`cargo test -p kiln --test zoo dump_presets -- --ignored`
with KILN_PRESETS_JSON set), so this script builds exactly what tests/zoo.rs builds. Each layer
config is Kiln's serde JSON, whose fields are Keras' argument names.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "zoo_keras.json")

# Totals the notebooks' own model.summary() printed (Keras 2).
NOTEBOOK_TOTALS = {
    "s001_simple_rnn2": 589_417,
    "s001_lstm2": 278_817,
    "s001_cnn_lstm": 547_137,
    "s002_lstm": 213_301,
    "s002_lstm_dropout": 213_301,
    "s002_lstm_recurrent_dropout": 213_301,
    "s002_cnn_lstm": 216_405,
}

# Variants: (preset, classes of the last Dense). Seed 003's GloVe CNN ends in Dense(20, softmax)
# on 20 Newsgroups; Kiln's preset has 2 classes for IMDB.
VARIANTS = [("s003_glove_cnn", 20)]

RECURRENT = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def layer(c, num_words):
    kind = c["kind"]
    if kind == "embedding":
        return keras.layers.Embedding(c.get("input_dim") or num_words, c["output_dim"], trainable=c.get("trainable", True))
    if kind == "dense":
        return keras.layers.Dense(c["units"], activation=c.get("activation", "linear"))
    if kind == "activation":
        return keras.layers.Activation(c["activation"])
    if kind == "dropout":
        return keras.layers.Dropout(c["rate"])
    if kind == "spatial_dropout1d":
        return keras.layers.SpatialDropout1D(c["rate"])
    if kind in RECURRENT:
        return RECURRENT[kind](
            c["units"],
            activation=c.get("activation", "tanh"),
            return_sequences=c.get("return_sequences", False),
            dropout=c.get("dropout", 0.0),
            recurrent_dropout=c.get("recurrent_dropout", 0.0),
        )
    if kind == "bidirectional":
        return keras.layers.Bidirectional(layer(c["layer"], num_words), merge_mode=c.get("merge_mode", "concat"))
    if kind == "conv1d":
        return keras.layers.Conv1D(
            c["filters"],
            c["kernel_size"],
            strides=c.get("strides", 1),
            padding=c.get("padding", "valid"),
            dilation_rate=c.get("dilation_rate", 1),
            activation=c.get("activation", "linear"),
        )
    if kind in ("max_pooling1d", "average_pooling1d"):
        cls = keras.layers.MaxPooling1D if kind == "max_pooling1d" else keras.layers.AveragePooling1D
        return cls(c.get("pool_size", 2), strides=c.get("strides"), padding=c.get("padding", "valid"))
    if kind == "global_max_pooling1d":
        return keras.layers.GlobalMaxPooling1D()
    if kind == "global_average_pooling1d":
        return keras.layers.GlobalAveragePooling1D()
    if kind == "batch_normalization":
        return keras.layers.BatchNormalization(momentum=c.get("momentum", 0.99), epsilon=c.get("epsilon", 1e-3))
    if kind == "flatten":
        return keras.layers.Flatten()
    raise ValueError(f"zoo.py does not know layer kind {kind!r}")


def count(weights):
    return int(sum(np.prod(w.shape) for w in weights))


def summary(config, classes=None):
    keras.backend.clear_session()  # layer names start again at `dense`, as in a fresh notebook
    layers = [dict(c) for c in config["layers"]]
    if classes is not None:
        layers[-1]["units"] = classes
    model = keras.Sequential([keras.Input((config["maxlen"],), dtype="int32")] + [layer(c, config["num_words"]) for c in layers])
    rows = [[l.name, type(l).__name__, list(l.output.shape), int(l.count_params())] for l in model.layers]
    trainable = count(model.trainable_weights)
    frozen = count(model.non_trainable_weights)
    assert trainable + frozen == model.count_params()
    return {"layers": rows, "total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}


def load_presets(path):
    if path:
        with open(path) as f:
            return json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "presets.json")
        env = dict(os.environ, KILN_PRESETS_JSON=out)
        env.setdefault("CARGO_TARGET_DIR", "/work/kt")
        cmd = ["cargo", "test", "-q", "-p", "kiln", "--test", "zoo", "dump_presets", "--", "--ignored"]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)
        with open(out) as f:
            return json.load(f)


def write(models):
    """One line per model: small and diffable."""
    lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in models.items()]
    with open(OUT, "w") as f:
        f.write('{"keras": %s, "models": {\n%s\n}}\n' % (json.dumps(keras.__version__), ",\n".join(lines)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets-json", help="presets as `dump_presets` writes them (default: run it)")
    args = parser.parse_args()
    presets = {p["name"]: p for p in load_presets(args.presets_json)}
    models = {}
    for name, preset in presets.items():
        models[name] = {"preset": name, **summary(preset["config"])}
        if name in NOTEBOOK_TOTALS:
            models[name]["notebook_total"] = NOTEBOOK_TOTALS[name]
    for name, classes in VARIANTS:
        models[f"{name}@{classes}"] = {"preset": name, "classes": classes, **summary(presets[name]["config"], classes)}
    for key, m in models.items():
        printed = m.get("notebook_total")
        flag = "" if printed in (None, m["total"]) else f"  (notebook printed {printed:,})"
        print(f"{key:32} {m['total']:>12,} total {m['non_trainable']:>10,} non-trainable{flag}")
    write(models)
    print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT):,} bytes)")


if __name__ == "__main__":
    main()
