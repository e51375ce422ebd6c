// libFuzzer entry point for the json harness (json_harness.hpp); built and run by tests/fuzz/CMakeLists.txt and scripts/fuzz.sh.
#include "json_harness.hpp"

#include "fuzz_main.hpp"

SYMFLOW_FUZZ_TARGET(symflow_fuzz::fuzz_load_json)
