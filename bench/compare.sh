#!/usr/bin/env bash
# Runs every Google Benchmark executable (bench/gb_*.cpp) and numpy's script in one run
# and prints one Markdown table of ratios (bench/report.py), with the machine it ran on.
#   bench/compare.sh [FILTER]            e.g. bench/compare.sh 'fma4|gemm'
# Knobs: COMPARE_REPS (repetitions per benchmark, interleaved; medians taken; default 5),
#        COMPARE_BUILD (build directory; default build/release), COMPARE_OUT (results dir),
#        COMPARE_NO_BUILD=1 (run the executables already built).
# Build: the `release` preset (-O3 -march=native), 2 OpenMP threads unless OMP_NUM_THREADS says.
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-}"
reps="${COMPARE_REPS:-5}"
build="${COMPARE_BUILD:-build/release}"
out="${COMPARE_OUT:-$build/compare/$(date +%Y%m%d-%H%M%S)}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"

targets=$(cd bench && ls gb_*.cpp | sed 's/\.cpp$//; s/^/symflow_/')
if [ -z "${COMPARE_NO_BUILD:-}" ]; then
  bash scripts/deps.sh >&2
  if [ "$build" = build/release ]; then
    cmake --preset release >&2
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG -march=native" \
      -DSYMFLOW_BUILD_TESTS=OFF >&2
  fi
  # shellcheck disable=SC2086
  cmake --build "$build" --target $targets >&2
fi
mkdir -p "$out"

for t in $targets; do
  # Repetitions randomly interleaved: round k of every benchmark of the executable runs
  # close in time, and report.py takes the median of the rounds' ratios. The JSON keeps
  # every repetition; the terminal shows the aggregates.
  args=(--benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true
        --benchmark_display_aggregates_only=true --benchmark_out="$out/$t.json" --benchmark_out_format=json)
  [ -n "$filter" ] && args+=(--benchmark_filter="$filter")
  echo "compare.sh: $t" >&2
  "$build/bench/$t" "${args[@]}" >&2
done
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  echo "compare.sh: numpy" >&2
  /usr/bin/python3 bench/np_bench.py --reps "$((reps * 2 - 1))" > "$out/numpy.json"
else
  echo "compare.sh: numpy not installed (python3-numpy): no numpy column" >&2
fi

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, \
$(grep -o -m1 'avx512f' /proc/cpuinfo >/dev/null && echo AVX-512 || echo 'AVX2, no AVX-512'); \
$(g++ --version | head -1); OMP_NUM_THREADS=$OMP_NUM_THREADS; $reps interleaved repetitions, medians of times and of per-round ratios; results in $out"
echo
/usr/bin/python3 bench/report.py "$out"
