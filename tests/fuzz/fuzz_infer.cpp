// libFuzzer entry point for the infer harness (infer_harness.hpp); built and run by tests/fuzz/CMakeLists.txt and scripts/fuzz.sh.
#include "infer_harness.hpp"

#include "fuzz_main.hpp"

SYMFLOW_FUZZ_TARGET(symflow_fuzz::fuzz_infer)
