#pragma once
// dtype: the element types an NDArray can hold, and the dispatch over them.
#include <cstdint>
#include <ostream>
#include <string_view>
#include <type_traits>

#include "error.hpp"

namespace symflow {

/// Element type of an NDArray; the values are MXNet's type codes (float32 = 0 ...).
enum class dtype : int { float32 = 0, float64 = 1, int32 = 4, int64 = 6 };

inline constexpr dtype float32 = dtype::float32;  ///< 32-bit IEEE float (the default)
inline constexpr dtype float64 = dtype::float64;  ///< 64-bit IEEE float
inline constexpr dtype int32 = dtype::int32;      ///< 32-bit signed integer
inline constexpr dtype int64 = dtype::int64;      ///< 64-bit signed integer

/// numpy's and MXNet's spelling: "float32", "float64", "int32", "int64".
constexpr std::string_view dtype_name(dtype dt) {
    switch (dt) {
    case dtype::float32: return "float32";
    case dtype::float64: return "float64";
    case dtype::int32: return "int32";
    case dtype::int64: return "int64";
    }
    return "unknown";
}

inline std::ostream& operator<<(std::ostream& os, dtype dt) { return os << dtype_name(dt); }

/// Size in bytes of one element of `dt`.
constexpr std::size_t dtype_size(dtype dt) {
    return (dt == dtype::float32 || dt == dtype::int32) ? 4 : 8;
}

/// The dtype that holds C++ type T (float, double, int32_t, int64_t).
template <class T>
constexpr dtype dtype_of() {
    if constexpr (std::is_same_v<T, float>) return dtype::float32;
    else if constexpr (std::is_same_v<T, double>) return dtype::float64;
    else if constexpr (std::is_same_v<T, std::int32_t>) return dtype::int32;
    else if constexpr (std::is_same_v<T, std::int64_t>) return dtype::int64;
    else static_assert(sizeof(T) == 0, "symflow supports float, double, int32_t and int64_t elements");
}

/// True for the four element types an NDArray can hold.
template <class T>
inline constexpr bool is_element_type_v = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                                          std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t>;

/// Calls `f(T{})` with the C++ type that `dt` holds; the one place dtype becomes a type.
template <class F>
decltype(auto) visit_dtype(dtype dt, F&& f) {
    switch (dt) {
    case dtype::float32: return f(float{});
    case dtype::float64: return f(double{});
    case dtype::int32: return f(std::int32_t{});
    case dtype::int64: return f(std::int64_t{});
    }
    throw error("unknown dtype code " + std::to_string(static_cast<int>(dt)));
}

} // namespace symflow
