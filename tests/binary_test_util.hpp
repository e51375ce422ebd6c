// Helpers shared by the binary math and comparison op tests: the reference type, the test sizes and the dtype helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "test_util.hpp"

namespace {

using test_util::dtype_str;
using test_util::for_each_dtype;
using test_util::show;

// The reference computes in double; int64 uses long double (64-bit mantissa on x86-64)
// because its edge values (INT64_MIN + 1, INT64_MAX, a % INT64_MIN) need more than 53 bits.
template <class T>
using ref_t = std::conditional_t<std::is_same_v<T, std::int64_t>, long double, double>;

constexpr std::size_t test_sizes[] = {0, 1, 3, 17, 1003};

} // namespace
