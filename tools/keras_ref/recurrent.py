"""Reference values for Kiln's recurrent layers (tests/layers_recurrent.rs).

For each case, builds the Keras 3 layer (SimpleRNN, LSTM or GRU, optionally in
Bidirectional), sets its weights, inputs x and a weighting R from a 64-bit LCG
the Rust test reproduces bit for bit, and records the forward output and the
gradients of sum(output * R) with respect to x and every weight (tf.GradientTape).
The forward layer's weight gradients are left out for Bidirectional (the same
code path as a plain layer; its x gradient still covers it), to keep the files small.

Run: /work/kvenv/bin/python tools/keras_ref/recurrent.py   (writes tests/fixtures/recurrent_*.json)
"""

import json
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

MASK = (1 << 64) - 1
OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
CLASSES = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


class Lcg:
    """Knuth's MMIX LCG; `uniform` gives 24-bit values in [-scale, scale)."""

    def __init__(self, seed):
        self.state = seed & MASK

    def uniform(self, n, scale):
        out = []
        for _ in range(n):
            self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
            out.append(scale * (((self.state >> 40) / float(1 << 24)) * 2.0 - 1.0))
        return np.array(out, dtype=np.float64).astype(np.float32)


def short(a):
    """Five significant digits: well inside the test's 1e-4 tolerance."""
    return [float(f"{v:.5g}") for v in np.asarray(a, dtype=np.float64).ravel()]


def case(cell, seed, batch=2, seq=5, inp=3, units=4, sequences=False, merge=None, activation="tanh"):
    rng = Lcg(seed)
    x = rng.uniform(batch * seq * inp, 1.0).reshape(batch, seq, inp)
    base = CLASSES[cell](units, activation=activation, return_sequences=sequences)
    layer = keras.layers.Bidirectional(base, merge_mode=merge) if merge else base
    layer.build((batch, seq, inp))
    directions = [layer.forward_layer, layer.backward_layer] if merge else [layer]
    for d in directions:  # kernel, recurrent_kernel, bias; GRU's bias [2, 3u] row-major
        d.set_weights([rng.uniform(int(np.prod(w.shape)), 0.5).reshape(w.shape) for w in d.get_weights()])
    xv = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xv)
        y = layer(xv, training=False)
        r = tf.constant(rng.uniform(int(np.prod(y.shape)), 1.0).reshape(y.shape))
        loss = tf.reduce_sum(y * r)
    weights = list(directions[-1].trainable_weights)
    grads = tape.gradient(loss, [xv] + weights)
    return {
        "cell": cell, "seed": seed, "batch": batch, "seq": seq, "input": inp, "units": units,
        "return_sequences": sequences, "merge_mode": merge, "activation": activation,
        "output_shape": list(y.shape), "output": short(y),
        "grad_x": short(grads[0]),
        "grad_kernel": short(grads[1]), "grad_recurrent_kernel": short(grads[2]), "grad_bias": short(grads[3]),
    }


def count_params(cell, inp, units, bidirectional):
    layer = CLASSES[cell](units)
    layer = keras.layers.Bidirectional(layer) if bidirectional else layer
    layer.build((None, 7, inp))
    return {"cell": cell, "input": inp, "units": units, "bidirectional": bidirectional, "params": layer.count_params()}


def cases(cell):
    seed = 1000 * list(CLASSES).index(cell)
    out = []
    for sequences in (False, True):
        for merge in (None, "concat", "sum", "ave", "mul"):
            out.append(case(cell, seed := seed + 1, sequences=sequences, merge=merge))
        out.append(case(cell, seed := seed + 1, seq=1, sequences=sequences))
        out.append(case(cell, seed := seed + 1, units=3, sequences=sequences))
        out.append(case(cell, seed := seed + 1, units=3, sequences=sequences, merge="concat"))
    out.append(case(cell, seed := seed + 1, sequences=True, activation="relu"))
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for cell in CLASSES:
        params = [count_params(cell, i, u, b) for i, u in ((3, 4), (128, 128), (32, 7)) for b in (False, True)]
        doc = {"keras": keras.__version__, "tensorflow": tf.__version__, "params": params, "cases": cases(cell)}
        path = OUT / f"recurrent_{cell}.json"
        path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
        print(path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
