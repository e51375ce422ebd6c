#pragma once
// Helpers that let one element function serve a scalar T and an xsimd::batch<T>.
#include <cstdint>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace symflow::ops {

/// True for xsimd::batch<T> (the vector body of a fused loop), false for plain T (the tail).
template <class V>
inline constexpr bool is_batch_v = xsimd::is_batch<V>::value;


namespace detail {
template <class V>
struct elem_of { using type = V; };
template <class T, class A>
struct elem_of<xsimd::batch<T, A>> { using type = T; };
} // namespace detail

/// The element type of V (T for T and for xsimd::batch<T>).
template <class V>
using value_t = typename detail::elem_of<V>::type;

/// Integer division as C does it (truncation), made total: x / 0 is 0 and
/// min / -1 is min (two's-complement wrap), so that no input can trap.
template <class T>
    requires std::is_integral_v<T>
constexpr T safe_int_div(T a, T b) {
    if (b == 0) return 0;
    if (b == -1) return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(a));
    return a / b;
}

/// Division for any V: IEEE for floating types, safe_int_div lane by lane for integers
/// (there is no SIMD integer division; this path is not meant to be fast).
template <class V>
V divide(const V& a, const V& b) {
    using T = value_t<V>;
    if constexpr (std::is_floating_point_v<T>) return a / b;
    else if constexpr (!is_batch_v<V>) return safe_int_div<T>(a, b);
    else {
        alignas(64) T x[V::size], y[V::size];
        a.store_aligned(x);
        b.store_aligned(y);
        for (std::size_t i = 0; i < V::size; ++i) x[i] = safe_int_div<T>(x[i], y[i]);
        return V::load_aligned(x);
    }
}

/// Multiplication that wraps for signed integers instead of overflowing (UB), as
/// MXNet's and numpy's integer kernels behave in practice.
template <class V>
V multiply(const V& a, const V& b) {
    using T = value_t<V>;
    if constexpr (std::is_integral_v<T> && !is_batch_v<V>) {
        using U = std::make_unsigned_t<T>;
        return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
    } else if constexpr (std::is_integral_v<T>) {
        // xsimd 8.1 multiplies integer lanes with signed C++ arithmetic on some
        // architectures (SSE2 int32, pre-AVX-512 int64): UB on overflow. Go lane by
        // lane in unsigned arithmetic instead; the compiler vectorises it where it can.
        alignas(64) T x[V::size], y[V::size];
        a.store_aligned(x);
        b.store_aligned(y);
        for (std::size_t i = 0; i < V::size; ++i) x[i] = multiply<T>(x[i], y[i]);
        return V::load_aligned(x);
    } else return a * b;
}
/// Addition that wraps for signed integers.
template <class V>
V add(const V& a, const V& b) {
    using T = value_t<V>;
    if constexpr (std::is_integral_v<T> && !is_batch_v<V>) {
        using U = std::make_unsigned_t<T>;
        return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
    } else return a + b;
}
/// Subtraction that wraps for signed integers.
template <class V>
V subtract(const V& a, const V& b) {
    using T = value_t<V>;
    if constexpr (std::is_integral_v<T> && !is_batch_v<V>) {
        using U = std::make_unsigned_t<T>;
        return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
    } else return a - b;
}

/// static_cast<T>(v) made total: for integer T, NaN gives 0 and out-of-range values
/// saturate (a plain cast would be undefined behaviour).
template <class T>
constexpr T saturating_cast(double v) {
    if constexpr (std::is_integral_v<T>) {
        if (v != v) return 0;
        if (v <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
        if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
        return static_cast<T>(v);
    } else {
        return static_cast<T>(v);
    }
}

namespace detail {
template <class T, bool = std::is_integral_v<T>>
struct wrap_type { using type = T; };
template <class T>
struct wrap_type<T, true> { using type = std::make_unsigned_t<T>; };
} // namespace detail

/// The type to accumulate T in so that integer overflow wraps instead of being UB:
/// the unsigned type of the same width for integers, T itself for floating types.
template <class T>
using wrapping_t = typename detail::wrap_type<T>::type;

/// Broadcasts a prepared scalar to V (a no-op for plain T).
template <class V>
V splat(value_t<V> s) {
    if constexpr (is_batch_v<V>) return V(s);
    else return s;
}

} // namespace symflow::ops
