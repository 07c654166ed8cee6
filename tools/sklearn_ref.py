"""scikit-learn's metrics for Kiln's `evaluate` and numpy's statistics for `length_stats`.

Run: /work/kvenv/bin/python tools/sklearn_ref.py      (writes tests/fixtures/metrics_sklearn.json)

Each case holds the inputs exactly as Kiln gets them (float32 probabilities, stored as the
doubles they equal) and scikit-learn's answers; tests/metrics.rs compares within 1e-9 and the
report text character for character. Where scikit-learn answers NaN (AUC and ROC with one
class) the fixture says null and the test expects Kiln's documented stand-in.

Curve thresholds are rewritten to Kiln's rule (positive iff score > threshold): a point's
threshold becomes the next distinct score below scikit-learn's (see curves.rs).
"""

import json
import math
import os
import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    classification_report,
    confusion_matrix,
    multilabel_confusion_matrix,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

warnings.simplefilter("ignore")  # UndefinedMetricWarning on the one-class cases is the point
ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "metrics_sklearn.json")


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def strict(t, scores):
    """scikit-learn's `score >= t` threshold as Kiln's `score > threshold` one."""
    uniq = np.unique(scores)  # ascending
    if np.isinf(t):
        return max(1.0, float(uniq[-1]))
    i = int(np.searchsorted(uniq, t))
    if i > 0:
        return float(uniq[i - 1])
    return 0.0 if t > 0 else float(t) - 1.0


def curves(y, s):
    """Full ROC (drop_intermediate=True) and PR curves, highest threshold first."""
    fpr, tpr, th = roc_curve(y, s)
    roc = [] if np.isnan(fpr).any() or np.isnan(tpr).any() else [
        [float(a), float(b), strict(t, s)] for a, b, t in zip(fpr, tpr, th)
    ]
    prec, rec, th = precision_recall_curve(y, s)
    pr = [[0.0, 1.0, strict(np.inf, s)]]
    pr += [[float(r), float(p), strict(t, s)] for p, r, t in reversed(list(zip(prec[:-1], rec[:-1], th)))]
    return roc, pr


def expected(probs, width, y, classes, threshold):
    k = len(classes)
    labels = list(range(k))
    if k == 2:
        s = probs[:, 0] if width == 1 else probs[:, 1]
        pred = (s > threshold).astype(int)
        auc = roc_auc_score(y, s) if len(np.unique(y)) == 2 else float("nan")
        ap = average_precision_score(y, s)
        roc, pr = curves(y, s)
    else:
        pred = probs.argmax(axis=1)
        auc = roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=labels)
        ap = average_precision_score(y, probs, average="macro")
        onehot = np.eye(k, dtype=int)[y]
        roc, pr = curves(onehot.ravel(), probs.ravel())
    p, r, f1, support = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    _, _, f2, _ = precision_recall_fscore_support(y, pred, labels=labels, beta=2, zero_division=0)
    mcm = multilabel_confusion_matrix(y, pred, labels=labels)
    tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
    spec = np.where(tn + fp > 0, tn / np.maximum(tn + fp, 1), 0.0)
    if k == 2:
        summary = dict(precision=p[1], recall=r[1], f1=f1[1], f2=f2[1], specificity=r[0])
    else:
        summary = dict(precision=p.mean(), recall=r.mean(), f1=f1.mean(), f2=f2.mean(), specificity=spec.mean())
    rep = classification_report(y, pred, labels=labels, target_names=classes, zero_division=0, output_dict=True)
    rows = [dict(label=name, precision=rep[name]["precision"], recall=rep[name]["recall"], f1=rep[name]["f1-score"],
                 support=int(rep[name]["support"])) for name in classes + ["macro avg", "weighted avg"]]
    return dict(
        samples=len(y),
        accuracy=accuracy_score(y, pred),
        **{key: float(v) for key, v in summary.items()},
        auc=num(auc),
        average_precision=num(ap),
        confusion=confusion_matrix(y, pred, labels=labels).tolist(),
        report=rows,
        report_text=classification_report(y, pred, labels=labels, target_names=classes, digits=2, zero_division=0),
        roc=roc,
        pr=pr,
    )


def case(name, probs, width, y, classes, threshold):
    probs = np.asarray(probs, dtype=np.float32).reshape(len(y), width).astype(np.float64)
    y = np.asarray(y, dtype=int)
    return dict(name=name, probs=probs.ravel().tolist(), width=width, labels=y.tolist(), classes=classes,
                threshold=threshold, expected=expected(probs, width, y, classes, threshold))


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def cases():
    rng = np.random.default_rng(5)
    bin_names = ["neg", "pos"]
    out = []
    # Scores in tenths: many ties, some exactly at the threshold 0.5, 0 and 1 present.
    y = rng.integers(0, 2, 80)
    out.append(case("binary_ties", np.clip(np.round(rng.normal(0.35 + 0.3 * y, 0.25), 1), 0, 1), 1, y, bin_names, 0.5))
    # 3% positives, continuous scores: long curves that get thinned.
    y = (rng.random(1200) < 0.04).astype(int)
    out.append(case("binary_imbalanced", sigmoid(rng.normal(-1 + 2 * y, 1.2)), 1, y, bin_names, 0.3))
    # A two-column softmax (P(class 1) is column 1), some rows exactly [0.5, 0.5].
    y = rng.integers(0, 2, 150)
    logits = np.stack([np.zeros(150), rng.normal(y - 0.5, 1.0)], axis=1)
    logits[::10, 1] = 0.0
    out.append(case("binary_softmax2", softmax(logits), 2, y, ["부정", "긍정"], 0.5))
    # One class only: AUC and ROC undefined; AP 1 (all positive) or 0 (all negative).
    out.append(case("binary_all_positive", rng.random(25), 1, np.ones(25, dtype=int), bin_names, 0.5))
    out.append(case("binary_all_negative", rng.random(25), 1, np.zeros(25, dtype=int), bin_names, 0.5))
    # Nothing above the threshold: precision and F-scores divide by zero.
    y = rng.integers(0, 2, 40)
    out.append(case("binary_nothing_predicted", rng.random(40) * 0.9, 1, y, bin_names, 0.95))
    # Three classes from a softmax.
    y = rng.integers(0, 3, 250)
    logits = rng.normal(0, 1, (250, 3)) + 1.5 * np.eye(3)[y]
    out.append(case("multi3_softmax", softmax(logits), 3, y, ["부정", "중립", "긍정"], 0.5))
    # Four classes, integer logits (tied probabilities), a long name, a class never predicted.
    y = rng.integers(0, 4, 200)
    logits = rng.integers(-2, 3, (200, 4)).astype(float) + 2 * np.eye(4)[y]
    logits[:, 3] = -9
    out.append(case("multi4_ties", softmax(logits), 4, y, ["sports", "a rather long class name", "tech", "x"], 0.5))
    return out


def length_case(name, lengths, maxlen):
    lengths = np.asarray(lengths, dtype=int)
    mean, std = lengths.mean(), lengths.std()
    w = -(-(lengths.max() + 1) // 30)
    counts = np.bincount(lengths // w)
    return dict(name=name, lengths=lengths.tolist(), maxlen=maxlen, expected=dict(
        mean=float(mean), median=float(np.median(lengths)), max=int(lengths.max()), std=float(std),
        mean_plus_2sd=float(mean + 2 * std), suggested_maxlen=max(1, int(mean + 2 * std)),
        fit_percent=100.0 * float(np.sum(lengths <= maxlen)) / len(lengths), maxlen=maxlen,
        histogram=[dict(from_=int(i * w), to=int((i + 1) * w), count=int(c)) for i, c in enumerate(counts)],
    ))


def length_cases():
    rng = np.random.default_rng(4)
    return [
        length_case("reviews", rng.lognormal(5, 0.7, 2001).astype(int), 400),
        length_case("short", rng.integers(0, 12, 50), 8),
        length_case("even_count", rng.integers(1, 200, 1000), 150),
    ]


def main():
    data = dict(evaluate=cases(), lengths=length_cases())
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=None).replace("from_", "from")
    with open(OUT, "w") as f:
        f.write(text + "\n")
    print(f"wrote {OUT}: {len(data['evaluate'])} evaluate cases, {len(data['lengths'])} length cases")


if __name__ == "__main__":
    main()
