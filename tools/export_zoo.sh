#!/usr/bin/env bash
# Train every preset of the zoo for one epoch natively (debug build), export it to Keras and
# TF.js, and check both exports: Keras 3 runs each generated model.py
# (tools/keras_export_check.py, needs a venv with keras + tensorflow-cpu + numpy), TF.js loads
# each model.json in node (tools/tfjs_export_check.mjs). Prints the two max |Δprob| tables.
#
#   PY=/work/kvenv/bin/python tools/export_zoo.sh [OUT_DIR] [key=value …]
#   (defaults: out/export, data=imdb-1k epochs=1; MODELS="m1_lstm m4_pooled" picks some)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/export}
shift || true
py=${PY:-python3}
mkdir -p "$out"
cargo build -q -p kiln --bin kiln-train
bin="${CARGO_TARGET_DIR:-target}/debug/kiln-train"
models=${MODELS:-$(grep -ho '"\(m[0-9]_[a-z_]*\|s00[0-9]_[a-z0-9_]*\)"' crate/src/dto/presets.rs crate/src/dto/presets/*.rs | tr -d '"' | sort -u)}
for m in $models; do
  [ -s "$out/$m-keras.zip" ] && [ -s "$out/$m-tfjs.zip" ] && continue
  echo "== $m"
  "$bin" data=imdb-1k epochs=1 "$@" model="$m" export=keras:"$out/$m-keras.zip" export=tfjs:"$out/$m-tfjs.zip" \
    2>/dev/null | grep -E '^(Exported|test_loss|error)' || echo "   $m: training or export failed"
done
"$py" tools/keras_export_check.py "$out"/*-keras.zip || true
node tools/tfjs_export_check.mjs "$out"/*-tfjs.zip 2>&1 | grep -v -e '^=*$' -e 'Hi, looks like' -e 'tfjs-node' || true
