"""Reference behaviour of Keras 3's EarlyStopping, ModelCheckpoint and
ReduceLROnPlateau, and of fit(class_weight=...), for tests/callbacks.rs.

Run: /work/kvenv/bin/python tools/keras_ref/callbacks.py   (writes tests/fixtures/callbacks_keras.json)

Each callback case runs a real `model.fit` on a tiny model; a first callback
overwrites the epoch's logs with a scripted (loss, accuracy, val_loss,
val_accuracy) before the callbacks under test see them, and a last one records
the weights after every epoch, so the weights left after training (EarlyStopping's
`restore_best_weights`) and those ModelCheckpoint saved can be traced to an epoch.
The callbacks run with verbose=1; their messages are captured per epoch.
"""

import contextlib
import glob
import io
import json
import os
import re
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from sklearn.utils.class_weight import compute_class_weight  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "callbacks_keras.json")
KEYS = ["loss", "accuracy", "val_loss", "val_accuracy"]

# Scripted sequences: one value per epoch for the monitored key; the other keys get
# a fixed filler so that only the monitored one matters.
FALLING = [0.5, 0.4, 0.45, 0.41, 0.39, 0.42, 0.43, 0.44, 0.38, 0.37]
RISING = [0.6, 0.7, 0.69, 0.75, 0.75, 0.74, 0.76, 0.7605, 0.7, 0.71]
PLATEAU = [0.5, 0.5, 0.5, 0.49995, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]


def early(**kw):
    return ("early_stopping", kw)


def checkpoint(**kw):
    return ("checkpoint", kw)


def reduce_lr(**kw):
    return ("reduce_lr", kw)


# (name, callback, monitored sequence, epochs, learning rate)
CASES = [
    ("es_val_loss_patience2", early(monitor="val_loss", patience=2), FALLING, 10, 1e-3),
    ("es_patience0", early(monitor="val_loss"), FALLING, 10, 1e-3),
    ("es_min_delta_restore", early(monitor="val_loss", patience=1, min_delta=0.02, restore_best_weights=True),
     FALLING, 10, 1e-3),
    ("es_val_accuracy_no_stop_restore",
     early(monitor="val_accuracy", patience=10, restore_best_weights=True), RISING, 10, 1e-3),
    ("es_accuracy_min_delta_patience3", early(monitor="accuracy", patience=3, min_delta=0.01), RISING, 10, 1e-3),
    ("es_loss_mode_max", early(monitor="loss", mode="max", patience=1), FALLING, 10, 1e-3),
    ("es_val_accuracy_mode_min_restore",
     early(monitor="val_accuracy", mode="min", patience=2, restore_best_weights=True), RISING, 10, 1e-3),
    ("es_restore_best_is_last", early(monitor="val_loss", patience=5, restore_best_weights=True),
     [0.5, 0.45, 0.44, 0.43], 4, 1e-3),
    ("es_plateau_min_delta", early(monitor="val_loss", patience=3, min_delta=1e-4), PLATEAU, 12, 1e-3),
    ("ckpt_best_val_loss", checkpoint(monitor="val_loss", save_best_only=True), FALLING, 10, 1e-3),
    ("ckpt_best_val_accuracy", checkpoint(monitor="val_accuracy", save_best_only=True), RISING, 10, 1e-3),
    ("ckpt_best_accuracy_mode_min", checkpoint(monitor="accuracy", mode="min", save_best_only=True), RISING, 10, 1e-3),
    ("ckpt_every_epoch", checkpoint(monitor="val_loss"), FALLING, 6, 1e-3),
    ("ckpt_best_plateau", checkpoint(monitor="val_loss", save_best_only=True), PLATEAU, 12, 1e-3),
    ("rlr_patience2", reduce_lr(monitor="val_loss", factor=0.5, patience=2), FALLING, 10, 1e-3),
    ("rlr_patience1_cooldown2", reduce_lr(monitor="val_loss", factor=0.1, patience=1, cooldown=2), FALLING, 10, 1e-2),
    ("rlr_min_lr", reduce_lr(monitor="val_loss", factor=0.2, patience=1, min_lr=1e-4), FALLING, 10, 1e-3),
    ("rlr_val_accuracy", reduce_lr(monitor="val_accuracy", factor=0.5, patience=1, min_delta=0.02), RISING, 10, 1e-3),
    ("rlr_plateau_min_delta", reduce_lr(monitor="val_loss", factor=0.5, patience=2, min_delta=1e-4), PLATEAU, 12, 1e-3),
    ("rlr_loss_mode_max_patience0", reduce_lr(monitor="loss", mode="max", factor=0.5, patience=0), FALLING, 6, 1e-3),
]


def scripted_logs(monitor, values, epoch):
    logs = {k: 0.5 + 0.01 * epoch for k in KEYS}
    logs[monitor] = values[epoch]
    return logs


class Script(keras.callbacks.Callback):
    """First callback: epoch markers in the output, the scripted logs, the learning rate trained with."""

    def __init__(self, monitor, values):
        super().__init__()
        self.monitor, self.values, self.lrs = monitor, values, []

    def on_epoch_begin(self, epoch, logs=None):
        self.lrs.append(float(self.model.optimizer.learning_rate.numpy()))

    def on_epoch_end(self, epoch, logs=None):
        print(f"@@EPOCH {epoch + 1}")
        logs.clear()
        logs.update(scripted_logs(self.monitor, self.values, epoch))

    def on_train_end(self, logs=None):
        print("@@END")


class Snapshots(keras.callbacks.Callback):
    """Last callback: the weights after each epoch."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


def which_epoch(weights, snapshots):
    for i, snap in enumerate(snapshots):
        if all(np.array_equal(a, b) for a, b in zip(weights, snap)):
            return i + 1
    return None


def tiny_model(lr):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def messages(text):
    """Captured output → {epoch: [lines]} and the lines printed at the end of training."""
    per_epoch, end, current = {}, [], None
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("@@EPOCH"):
            current = int(line.split()[1])
            per_epoch[current] = []
        elif line == "@@END":
            current = "end"
        elif current == "end":
            end.append(line)
        elif current is not None:
            per_epoch[current].append(line)
        else:
            raise RuntimeError(f"output before the first epoch: {line}")
    return per_epoch, end


def callback_case(name, callback, values, epochs, lr, tmp):
    kind, kw = callback
    monitor = kw["monitor"]
    x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
    y = np.array([0, 1] * 4, dtype=np.float32)
    model = tiny_model(lr)
    if kind == "early_stopping":
        cb = keras.callbacks.EarlyStopping(verbose=1, **kw)
    elif kind == "checkpoint":
        path = os.path.join(tmp, name + "_e{epoch:02d}.weights.h5")
        cb = keras.callbacks.ModelCheckpoint(path, save_weights_only=True, verbose=1, **kw)
    else:
        cb = keras.callbacks.ReduceLROnPlateau(verbose=1, **kw)
    script, snaps = Script(monitor, values), Snapshots()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0, callbacks=[script, cb, snaps])
    per_epoch, end = messages(out.getvalue())
    ran = len(snaps.weights)
    saved = sorted(int(m.group(1)) for f in glob.glob(os.path.join(tmp, name + "_e*.weights.h5"))
                   if (m := re.search(r"_e(\d+)\.weights\.h5$", f)))
    final = which_epoch(model.get_weights(), snaps.weights)
    return {
        "name": name,
        "callback": kind,
        "config": {**{"mode": "auto"}, **kw},
        "learning_rate": lr,
        "epochs": epochs,
        "logs": [scripted_logs(monitor, values, e) for e in range(min(epochs, len(values)))],
        "epochs_run": ran,
        "stopped_early": ran if kind == "early_stopping" and ran < epochs else None,
        "weights_after_training": final,
        "saved_epochs": saved,
        "learning_rates": script.lrs,
        "notes": [per_epoch.get(e, []) for e in range(1, ran + 1)],
        "end_notes": end,
    }


def class_weight_case():
    """One full-batch epoch at lr 0 of a sigmoid Dense(1) whose logits are `z`:
    Keras' reported loss and accuracy with and without class weights."""
    z = np.array([-2.0, -0.5, 0.3, 1.5, -1.0, 2.5, -0.8, -0.2], dtype=np.float32)
    y = np.array([0, 1, 1, 1, 0, 1, 1, 0], dtype=np.float32)
    weights = {0: 1.0, 1: 3.0}
    balanced = compute_class_weight("balanced", classes=np.array([0, 1]), y=y[:6].astype(int))
    out = {"logits": z.tolist(), "labels": y.astype(int).tolist(), "given": [weights[0], weights[1]],
           "balanced_of_first_6": balanced.tolist()}
    for key, cw in [("unweighted", None), ("weighted", weights)]:
        model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy",
                      metrics=["accuracy"])
        h = model.fit(z.reshape(-1, 1), y, batch_size=len(z), epochs=1, shuffle=False, verbose=0, class_weight=cw)
        out[key] = {"loss": h.history["loss"][0], "accuracy": h.history["accuracy"][0]}
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cases = [callback_case(*c, tmp) for c in CASES]
    fixture = {"keras": keras.__version__, "cases": cases, "class_weight": class_weight_case()}
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} callback cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
