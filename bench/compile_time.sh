#!/usr/bin/env bash
# Compile-time benchmark: wall time, CPU time and peak compiler memory for one static graph
# of 8, 32, 128 and 512 op nodes (bench/gen_static_graph.py), built, bound and run.
#   - "tree": every op node is read once, so N nodes are N occurrences in the graph's type.
#   - "dag": one node in ten also reads an earlier node; a static graph's type is a tree,
#     so each reuse copies the reused subtree (128 nodes are 43,599 occurrences).
# Graphs include symflow/static.hpp (the static half); the first two rows are an empty
# main() with each umbrella header, the floor under every graph. When Eigen is installed,
# the last rows are the reference: the same trees as one Eigen array expression.
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

# compile NAME: builds $dir/NAME.cpp, prints one table row (label in $label)
compile() {
  local n=$1 res wall cpu kib
  if /usr/bin/time -f "%e %U %S %M" -o "$dir/t$n" timeout "${SYMFLOW_COMPILE_TIMEOUT:-600}" \
       "$cxx" -std=c++20 "${flags[@]}" -fopenmp -Iinclude -I/usr/include/eigen3 "$dir/$n.cpp" -o "$dir/$n" 2> "$dir/err$n"; then
    res="ran: $("$dir/$n" 2>&1 | head -1)"
  else
    res="did not compile: $(grep -m1 -E 'error' "$dir/err$n" | cut -c1-160)"
  fi
  read -r wall user sys kib < <(tail -1 "$dir/t$n")
  cpu=$(/usr/bin/python3 -c "print(f'{$user + $sys:.1f}')")
  echo "| $label | $wall | $cpu | $((kib / 1024)) | $res |"
}

echo "| graph | compile wall s | CPU s | peak compiler MiB | result |"
echo "|---|---:|---:|---:|---|"
for h in symflow.hpp static.hpp; do
  printf '#include <symflow/%s>\nint main() {}\n' "$h" > "$dir/empty_${h%.hpp}.cpp"
  label="empty main, $h" compile "empty_${h%.hpp}"
done
for kind in tree dag; do
  for n in 8 32 128 512; do
    python3 bench/gen_static_graph.py "$n" "$kind" symflow/static.hpp > "$dir/${kind}$n.cpp"
    label="$kind, $n op nodes" compile "${kind}$n"
  done
done
if [ -f /usr/include/eigen3/Eigen/Core ]; then
  printf '#include <Eigen/Core>\nint main() {}\n' > "$dir/empty_eigen.cpp"
  label="Eigen reference: empty main, Eigen/Core" compile empty_eigen
  for n in 8 32 128 512; do
    python3 bench/gen_static_graph.py "$n" tree eigen > "$dir/eigen$n.cpp"
    label="Eigen reference: tree, $n op nodes" compile "eigen$n"
  done
fi
