// libFuzzer entry point for the nd harness (nd_harness.hpp); built and run by tests/fuzz/CMakeLists.txt and scripts/fuzz.sh.
#include "nd_harness.hpp"

#include "fuzz_main.hpp"

SYMFLOW_FUZZ_TARGET(symflow_fuzz::fuzz_nd_load)
