#!/usr/bin/env bash
# Compile-time benchmark: wall time and peak compiler memory for one static graph of
# 8, 32, 128 and 512 op nodes (bench/gen_static_graph.py), built, bound and run.
# Usage: bench/compile_time.sh [compiler] [flags...]   (default: g++ -O3 -march=native)
# Each compile is stopped after SYMFLOW_COMPILE_TIMEOUT seconds (600).
set -uo pipefail
cd "$(dirname "$0")/.."
cxx=${1:-g++}
shift || true
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(-O3 -march=native)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "| op nodes | compile wall s | peak compiler MiB | result |"
echo "|---:|---:|---:|---|"
for n in 8 32 128 512; do
  python3 bench/gen_static_graph.py "$n" > "$dir/g$n.cpp"
  if /usr/bin/time -f "%e %M" -o "$dir/t$n" timeout "${SYMFLOW_COMPILE_TIMEOUT:-600}" "$cxx" -std=c++20 "${flags[@]}" -fopenmp -Iinclude \
       "$dir/g$n.cpp" -o "$dir/g$n" 2> "$dir/err$n"; then
    res="ran: $("$dir/g$n" 2>&1 | head -1)"
  else
    res="did not compile: $(grep -m1 -E 'error' "$dir/err$n" | cut -c1-160)"
  fi
  read -r wall kib < <(tail -1 "$dir/t$n")
  echo "| $n | $wall | $((kib / 1024)) | $res |"
done
