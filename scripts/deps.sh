#!/usr/bin/env bash
# Installs the Debian packages symflow's build, tests, examples and benchmarks need.
# Idempotent: does nothing when every package is already present. Run as root
# (or with sudo available) on Debian 12.
set -euo pipefail

pkgs=(
  cmake ninja-build g++            # build
  libboost-dev                     # Boost.Hana (header-only)
  libxsimd-dev                     # SIMD batches
  catch2                           # tests
  nlohmann-json3-dev               # MXNet JSON format
  libbenchmark-dev                 # benchmarks
  libeigen3-dev libxtensor-dev     # peers in the benchmarks
  python3-numpy                    # numpy fixtures and the numpy benchmark
  libopenblas0-pthread             # numpy's BLAS in the benchmarks (else the slow reference BLAS)
  clang                            # compile-fail tests are also checked with clang
  libclang-rt-14-dev               # libFuzzer and ThreadSanitizer runtimes (clang 14)
  libomp-14-dev                    # clang's OpenMP (with the archer TSan tool) for the TSan run
  graphviz                         # dot renders the runtime_graph example's drawing
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps.sh: all ${#pkgs[@]} packages present"
  exit 0
fi

echo "deps.sh: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
