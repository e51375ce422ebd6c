#pragma once
// The libFuzzer entry points around a harness: the library refusing an input with
// symflow::error is handled inside the harness; anything else that escapes (a finding,
// std::bad_alloc, std::out_of_range, ...) is printed and aborts, which libFuzzer reports
// as a crash and saves the input for.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>
#include <typeinfo>

#include "harness_common.hpp"

namespace symflow_fuzz {
/// Prints the progress counters (at exit, when SYMFLOW_FUZZ_STATS is set).
inline void print_stats() {
    const auto& p = stats();
    std::fprintf(stderr, "symflow fuzz stats: %zu inputs, %zu accepted, %zu inferred, %zu bound, %zu ran forward\n",
                 p.inputs, p.accepted, p.inferred, p.bound, p.ran);
}
} // namespace symflow_fuzz

/// Defines LLVMFuzzerInitialize and LLVMFuzzerTestOneInput to run `harness` (a function
/// of std::span<const uint8_t>).
#define SYMFLOW_FUZZ_TARGET(harness)                                                                           \
    extern "C" int LLVMFuzzerInitialize(int*, char***) {                                                       \
        if (std::getenv("SYMFLOW_FUZZ_STATS")) std::atexit(symflow_fuzz::print_stats);                        \
        return 0;                                                                                              \
    }                                                                                                          \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {                       \
        ++symflow_fuzz::stats().inputs;                                                                        \
        try {                                                                                                  \
            harness(std::span<const std::uint8_t>(data, size));                                                \
        } catch (const std::exception& e) {                                                                    \
            std::fprintf(stderr, "\n*** symflow fuzz finding: uncaught %s: %s\n", typeid(e).name(), e.what()); \
            std::abort();                                                                                      \
        }                                                                                                      \
        return 0;                                                                                              \
    }
