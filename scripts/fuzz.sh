#!/usr/bin/env bash
# Long fuzz runs on demand: builds the libFuzzer targets (tests/fuzz/project) with
# clang++-14 at -O1 and runs one for a while.
#
#   scripts/fuzz.sh TARGET [SECONDS [libFuzzer flags...]]
#     TARGET   load_json | nd_load | infer
#     SECONDS  how long to fuzz (default 300)
#   e.g. scripts/fuzz.sh infer 600 -jobs=2 -workers=2
#
# The corpus grows in build/fuzz/corpus/TARGET across runs (seeded from tests/fuzz and
# ../shared); crashes are saved as build/fuzz/artifacts/TARGET/crash-*. To keep a crash
# as a regression, fix it, then copy the input to tests/fuzz/regressions/<json|nd|infer>/
# (tests/test_fuzz_regressions.cpp replays them). SYMFLOW_FUZZ_STATS=1 prints how many
# inputs reached inference, bind and forward().
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: scripts/fuzz.sh load_json|nd_load|infer [SECONDS [libFuzzer flags...]]}"
seconds="${2:-300}"
shift $(( $# < 2 ? $# : 2 ))
case "$target" in
  load_json) seeds=("$root/tests/fuzz/corpus/json" "$root/tests/fuzz/regressions/json" "$root/../shared/mxnet/json-samples")
             extra=(-dict="$root/tests/fuzz/json.dict") ;;
  nd_load)   seeds=("$root/tests/fuzz/corpus/nd" "$root/tests/fuzz/regressions/nd" "$root/tests/fixtures/npy"); extra=() ;;
  infer)     seeds=("$root/tests/fuzz/corpus/infer" "$root/tests/fuzz/regressions/infer"); extra=() ;;
  *) echo "scripts/fuzz.sh: unknown target '$target' (load_json, nd_load or infer)" >&2; exit 2 ;;
esac

build="$root/build/fuzz"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root/tests/fuzz/project" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DSYMFLOW_FUZZ_OPT=-O1
fi
cmake --build "$build" --target "fuzz_$target"

corpus="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
for d in "${seeds[@]}"; do
  [ -d "$d" ] && cp -n "$d"/* "$corpus"/ 2>/dev/null || true
done
exec "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${extra[@]}" "$@" "$corpus"
