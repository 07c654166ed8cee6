"""Check Kiln's Keras exports with Keras 3 itself (outside CI: it needs Keras from PyPI).

For each zip (`kiln-train … export=keras:PATH`, or the page's Export Keras button): unzip it,
run its generated `model.py` (rebuild the model, load weights.npz, predict the first test
reviews) and compare with Kiln's probabilities in expected.json; with tokenizer.json it also
checks that Keras' Tokenizer rules give Kiln's ids for those texts.
Prints one line per zip (max |Δprob|, whether the ids match) and exits non-zero if any fails.

Run: /work/kvenv/bin/pip install keras tensorflow-cpu numpy
     /work/kvenv/bin/python tools/keras_export_check.py out/export/*-keras.zip
"""

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def check(path):
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(path) as z:
            z.extractall(tmp)
        done = subprocess.run([sys.executable, "model.py"], cwd=tmp, capture_output=True, text=True)
        lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
        if not lines:
            return {"zip": str(path), "error": (done.stderr or done.stdout).strip().splitlines()[-1:]}, False
        result = json.loads(lines[-1])
        result["zip"] = str(path)
        probs = [p for row in json.loads((Path(tmp) / "expected.json").read_text())["probabilities"] for p in row]
        result["range"] = f"{min(probs):.3f}–{max(probs):.3f}"
        return result, done.returncode == 0


def main():
    paths = sys.argv[1:]
    if not paths:
        sys.exit(__doc__)
    failed = 0
    print(f"{'model':<30} {'samples':>7} {'Kiln probs':>13} {'max |Δprob|':>12} {'ids match':>9}")
    for path in paths:
        result, ok = check(path)
        failed += not ok
        if "error" in result:
            print(f"{Path(path).name:<30} ERROR {result['error']}")
            continue
        diff = result["max_abs_diff"]
        print(f"{result['model']:<30} {result['samples']:>7} {result['range']:>13} {diff:>12.2e} {str(result['tokens_match']):>9}{'' if ok else '  FAIL'}")
    print(f"{len(paths) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
