#pragma once
// The comparison ops behind == != > >= < <= on symbols: elementwise and with a scalar.
#include <array>
#include <string_view>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

namespace comparison_detail {

/// A comparison's truth as MXNet stores it: 1 or 0 in the inputs' own dtype (mshadow_op::eq
/// and friends return DType(1) / DType(0)), so the result can feed arithmetic directly.
template <class V, class Cond>
V as_number(const Cond& c) {
    using T = value_t<V>;
    if constexpr (is_batch_v<V>) return xsimd::select(c, V(T(1)), V(T(0)));
    else return c ? T(1) : T(0);
}

/// a != b, true where either is NaN. Written as !(a == b) because xsimd 8.1's AVX and
/// AVX-512 kernels compare floats with _CMP_NEQ_OQ, which is false for NaN (SSE2's and
/// C++'s != are true), so -march=native builds would disagree with the scalar tail.
template <class V>
auto unequal(const V& a, const V& b) {
    return !(a == b);
}


} // namespace comparison_detail

// Python's Symbol.__eq__ etc. call these ops by their own names, so each op's name is
// also its auto-name hint. NaN compares as IEEE says: unequal to everything, itself too.

/// a == b (op _equal, hint _equal).
struct equal : binary_elementwise {
    static constexpr std::string_view name = "_equal", hint = "_equal";
    static constexpr std::array<std::string_view, 1> aliases{"_Equal"};
    template <class V> static V apply(V a, V b) { return comparison_detail::as_number<V>(a == b); }
};
/// a != b (op _not_equal, hint _not_equal); 1 where either input is NaN.
struct not_equal : binary_elementwise {
    static constexpr std::string_view name = "_not_equal", hint = "_not_equal";
    static constexpr std::array<std::string_view, 1> aliases{"_Not_Equal"};
    template <class V> static V apply(V a, V b) {
        return comparison_detail::as_number<V>(comparison_detail::unequal(a, b));
    }
};
/// a > b (op _greater, hint _greater).
struct greater : binary_elementwise {
    static constexpr std::string_view name = "_greater", hint = "_greater";
    static constexpr std::array<std::string_view, 1> aliases{"_Greater"};
    template <class V> static V apply(V a, V b) { return comparison_detail::as_number<V>(a > b); }
};
/// a >= b (op _greater_equal, hint _greater_equal).
struct greater_equal : binary_elementwise {
    static constexpr std::string_view name = "_greater_equal", hint = "_greater_equal";
    static constexpr std::array<std::string_view, 1> aliases{"_Greater_Equal"};
    template <class V> static V apply(V a, V b) { return comparison_detail::as_number<V>(a >= b); }
};
/// a < b (op _lesser, hint _lesser).
struct lesser : binary_elementwise {
    static constexpr std::string_view name = "_lesser", hint = "_lesser";
    static constexpr std::array<std::string_view, 1> aliases{"_Lesser"};
    template <class V> static V apply(V a, V b) { return comparison_detail::as_number<V>(a < b); }
};
/// a <= b (op _lesser_equal, hint _lesser_equal).
struct lesser_equal : binary_elementwise {
    static constexpr std::string_view name = "_lesser_equal", hint = "_lesser_equal";
    static constexpr std::array<std::string_view, 1> aliases{"_Lesser_Equal"};
    template <class V> static V apply(V a, V b) { return comparison_detail::as_number<V>(a <= b); }
};

// The scalar forms compare with the scalar converted to the element type, as MXNet's
// kernels do (DType(scalar)): on int32, `a > 2.5` is `a > 2`. Their 1.9.1 aliases
// _npi_*_scalar are numpy-mode ops with boolean outputs and are deliberately not listed.

/// a == s and s == a (op _equal_scalar, hint _equal_scalar).
struct equal_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_equal_scalar", hint = "_equal_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_EqualScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return comparison_detail::as_number<V>(a == splat<V>(s)); }
};
/// a != s and s != a (op _not_equal_scalar, hint _not_equal_scalar).
struct not_equal_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_not_equal_scalar", hint = "_not_equal_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_NotEqualScalar"};
    template <class V> static V apply(value_t<V> s, V a) {
        return comparison_detail::as_number<V>(comparison_detail::unequal(a, splat<V>(s)));
    }
};
/// a > s, also s < a (op _greater_scalar, hint _greater_scalar).
struct greater_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_greater_scalar", hint = "_greater_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_GreaterScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return comparison_detail::as_number<V>(a > splat<V>(s)); }
};
/// a >= s, also s <= a (op _greater_equal_scalar, hint _greater_equal_scalar).
struct greater_equal_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_greater_equal_scalar", hint = "_greater_equal_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_GreaterEqualScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return comparison_detail::as_number<V>(a >= splat<V>(s)); }
};
/// a < s, also s > a (op _lesser_scalar, hint _lesser_scalar).
struct lesser_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_lesser_scalar", hint = "_lesser_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_LesserScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return comparison_detail::as_number<V>(a < splat<V>(s)); }
};
/// a <= s, also s >= a (op _lesser_equal_scalar, hint _lesser_equal_scalar).
struct lesser_equal_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_lesser_equal_scalar", hint = "_lesser_equal_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_LesserEqualScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return comparison_detail::as_number<V>(a <= splat<V>(s)); }
};

} // namespace symflow::ops
