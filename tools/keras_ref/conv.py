"""Reference values for Kiln's Conv1D, pooling, BatchNormalization and activations.

Run: /work/kvenv/bin/python tools/keras_ref/conv.py   (writes tests/fixtures/conv*.json)

Inputs and weights are not stored: both this script and tests/layers_conv.rs fill
them with `fill(n, salt)[i] = sin(0.37·i + salt)·scale` (computed in float64, then
cast to float32). Each case records Keras' output and the gradients of
sum(output · R) (R = fill(out, 9)) with respect to the input and the weights.
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures")
R_SALT = 9.0


def fill(shape, salt, scale=1.0):
    n = int(np.prod(shape))
    return (np.sin(0.37 * np.arange(n, dtype=np.float64) + salt) * scale).astype(np.float32).reshape(shape)


def flat(t):
    return [float(f"{v:.6g}") for v in np.asarray(t, dtype=np.float32).ravel()]


def run(layer, x, weights, training=False):
    """Output and gradients of sum(out · R) w.r.t. x and `weights` (a list of variables)."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x, training=training)
        r = tf.constant(fill(out.shape, R_SALT))
        loss = tf.reduce_sum(out * r)
    grads = tape.gradient(loss, [x] + weights)
    return out, grads


def conv_cases():
    cases = []
    shape = [2, 7, 2]
    for padding in ["valid", "same", "causal"]:
        for strides, dilation in [(1, 1), (2, 1), (1, 2)]:
            for k in [1, 2, 3]:
                i = len(cases)
                activation = ["linear", "relu", "tanh"][i % 3]
                layer = keras.layers.Conv1D(
                    2, k, strides=strides, padding=padding, dilation_rate=dilation, activation=activation
                )
                layer.build(shape)
                layer.kernel.assign(fill(layer.kernel.shape, 1.0, 0.8))
                layer.bias.assign(fill(layer.bias.shape, 2.0, 0.3))
                out, (gx, gk, gb) = run(layer, fill(shape, 0.5), [layer.kernel, layer.bias])
                config = {
                    "filters": 2,
                    "kernel_size": k,
                    "strides": strides,
                    "padding": padding,
                    "dilation_rate": dilation,
                    "activation": activation,
                }
                cases.append(
                    {
                        "config": config,
                        "input": shape,
                        "out_shape": list(out.shape),
                        "output": flat(out),
                        "grad_input": flat(gx),
                        "grad_kernel": flat(gk),
                        "grad_bias": flat(gb),
                    }
                )
    return cases


def pool_cases():
    cases = []
    shape = [2, 7, 2]
    for kind, cls in [("max", keras.layers.MaxPooling1D), ("average", keras.layers.AveragePooling1D)]:
        for padding in ["valid", "same"]:
            for pool, strides in [(2, None), (3, None), (2, 1), (3, 2), (2, 3)]:
                layer = cls(pool_size=pool, strides=strides, padding=padding)
                out, (gx,) = run(layer, fill(shape, 0.5, 2.0), [])
                config = {"pool_size": pool, "padding": padding}
                if strides is not None:
                    config["strides"] = strides
                cases.append(
                    {
                        "kind": kind,
                        "config": config,
                        "input": shape,
                        "out_shape": list(out.shape),
                        "output": flat(out),
                        "grad_input": flat(gx),
                    }
                )
    return cases


def norm_cases():
    cases = []
    for shape in [[4, 3], [2, 5, 3]]:
        for training in [True, False]:
            for momentum in [0.99, 0.9]:
                layer = keras.layers.BatchNormalization(momentum=momentum)
                layer.build(shape)
                d = shape[-1]
                layer.gamma.assign(1.0 + fill([d], 3.0, 0.5))
                layer.beta.assign(fill([d], 4.0, 0.5))
                layer.moving_mean.assign(fill([d], 5.0, 0.2))
                layer.moving_variance.assign(1.0 + fill([d], 6.0, 0.5))
                out, (gx, gg, gb) = run(layer, fill(shape, 0.5, 2.0) + 0.7, [layer.gamma, layer.beta], training)
                case = {
                    "config": {"momentum": momentum, "epsilon": float(layer.epsilon)},
                    "training": training,
                    "input": shape,
                    "output": flat(out),
                    "moving_mean": flat(layer.moving_mean),
                    "moving_variance": flat(layer.moving_variance),
                }
                # Kiln infers only off the autodiff device, so inference has no gradients.
                if training:
                    case.update(grad_input=flat(gx), grad_gamma=flat(gg), grad_beta=flat(gb))
                cases.append(case)
    return cases


def activation_cases():
    cases = []
    shape = [2, 6]
    for name in ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish"]:
        layer = keras.layers.Activation(name)
        out, (gx,) = run(layer, fill(shape, 0.5, 3.0), [])
        cases.append({"activation": name, "input": shape, "output": flat(out), "grad_input": flat(gx)})
    return cases


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"keras": keras.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    write("conv1d.json", conv_cases())
    write("conv_pool.json", pool_cases())
    write("conv_norm.json", norm_cases())
    write("conv_activations.json", activation_cases())
