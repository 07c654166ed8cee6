"""Keras 3's optimizer updates on fixed weights and gradients: the reference for
tests/optimizers.rs. Writes tests/fixtures/keras_optimizers.json.

    /work/kvenv/bin/python tools/keras_optimizers.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np  # noqa: E402
import keras  # noqa: E402

CASES = [
    ("adam", dict(learning_rate=0.01)),
    ("adam", dict(learning_rate=0.01, clipnorm=0.5)),
    ("rmsprop", dict(learning_rate=0.01)),
    ("rmsprop", dict(learning_rate=0.01, momentum=0.9, clipvalue=0.1)),
    ("sgd", dict(learning_rate=0.1)),
    ("sgd", dict(learning_rate=0.1, momentum=0.9)),
    ("sgd", dict(learning_rate=0.1, momentum=0.9, nesterov=True)),
    ("adagrad", dict(learning_rate=0.1)),
]


def main():
    rng = np.random.default_rng(1234)
    w0 = rng.normal(size=6).astype("float32")
    grads = [rng.normal(size=6).astype("float32") * s for s in (1.0, 0.3, 2.0, 0.05)]
    out = {"w0": w0.tolist(), "grads": [g.tolist() for g in grads], "cases": []}
    for name, kwargs in CASES:
        opt = keras.optimizers.get({"class_name": name, "config": kwargs})
        var = keras.Variable(w0.copy())
        steps = []
        for g in grads:
            opt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
            steps.append(np.asarray(var.numpy()).tolist())
        out["cases"].append({"optimizer": name, "args": kwargs, "steps": steps})
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "keras_optimizers.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {path}: {len(out['cases'])} cases (keras {keras.__version__})")


if __name__ == "__main__":
    main()
