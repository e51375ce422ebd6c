#!/usr/bin/env bash
# On-demand differential testing: random graphs run by the static executor, the runtime
# interpreter and a double-precision reference (tests/diff, tests/test_differential.cpp).
#
#   scripts/difftest.sh N [FIRST [RUNTIME_N]]
#
# Generates the static twins of seeds FIRST .. FIRST+N-1 (default FIRST 1000000) in files
# of DIFFTEST_BATCH (10) seeds, builds them into symflow_difftest in Release (the release
# preset's -O3 -march=native; DIFFTEST_FLAGS overrides) in DIFFTEST_BUILD (build/difftest)
# with DIFFTEST_JOBS parallel jobs, runs them (static vs runtime vs reference), then runs
# RUNTIME_N seeds (default 100 * N) of runtime vs reference, which needs no compilation
# per seed. Each part prints its counts: graphs run, agreed, mismatched (by the op and
# dtype where the mismatch starts), vacuous, elements compared, seeds per second.
# DIFFTEST_VERBOSE=1 prints every mismatching graph in full. Exit status 1 on a mismatch.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  sed -n '2,15p' "$0"
  exit 2
fi
N=$1
FIRST=${2:-1000000}
RUNTIME_N=${3:-$((100 * N))}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${DIFFTEST_BUILD:-$ROOT/build/difftest}
BATCH=${DIFFTEST_BATCH:-10}
JOBS=${DIFFTEST_JOBS:-$(nproc)}
FLAGS=${DIFFTEST_FLAGS:--O3 -DNDEBUG -march=native}

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=$FLAGS" \
  -DSYMFLOW_BUILD_TESTS=ON -DSYMFLOW_BUILD_BENCH=OFF -DSYMFLOW_BUILD_EXAMPLES=OFF \
  "-DSYMFLOW_DIFF_RANGE=$FIRST:$N" "-DSYMFLOW_DIFF_BATCH=$BATCH" > "$BUILD.configure.log" 2>&1 ||
  { cat "$BUILD.configure.log"; exit 1; }
start=$(date +%s)
cmake --build "$BUILD" --target symflow_difftest -j "$JOBS"
echo "built $N static twins in $(( $(date +%s) - start )) s"

status=0
echo "== static executor vs runtime interpreter vs reference: seeds $FIRST..$((FIRST + N - 1))"
"$BUILD/tests/symflow_difftest" static || status=1
if [[ $RUNTIME_N -gt 0 ]]; then
  echo "== runtime interpreter vs reference: seeds $FIRST..$((FIRST + RUNTIME_N - 1))"
  "$BUILD/tests/symflow_difftest" runtime "$FIRST" "$RUNTIME_N" || status=1
fi
exit $status
