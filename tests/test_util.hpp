// Helpers shared by the op tests that run on every dtype: for_each_dtype, dtype_str and show.
#pragma once

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include <symflow/symflow.hpp>

namespace test_util {

// Runs f.template operator()<T>() for the four dtypes.
template <class F>
void for_each_dtype(F&& f) {
    f.template operator()<float>();
    f.template operator()<double>();
    f.template operator()<std::int32_t>();
    f.template operator()<std::int64_t>();
}

template <class T>
std::string dtype_str() { return std::string(symflow::dtype_name(symflow::dtype_of<T>())); }

// x with every digit its type needs to round-trip (integers printed as numbers, not chars).
template <class T>
std::string show(T x) {
    std::ostringstream os;
    os.precision(std::numeric_limits<T>::max_digits10);
    os << +x;
    return os.str();
}

} // namespace test_util
