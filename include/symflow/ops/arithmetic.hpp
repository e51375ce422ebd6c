#pragma once
// The arithmetic ops behind + - * / on symbols: elementwise and with a scalar.
#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

/// a + b (op elemwise_add, name hint _plus).
struct elemwise_add : binary_elementwise {
    static constexpr std::string_view name = "elemwise_add", hint = "_plus";
    static constexpr std::array<std::string_view, 3> aliases{"_plus", "_Plus", "_add"};
    template <class V> static V apply(V a, V b) { return add(a, b); }
};
/// a - b (op elemwise_sub, name hint _minus).
struct elemwise_sub : binary_elementwise {
    static constexpr std::string_view name = "elemwise_sub", hint = "_minus";
    static constexpr std::array<std::string_view, 3> aliases{"_minus", "_Minus", "_sub"};
    template <class V> static V apply(V a, V b) { return subtract(a, b); }
};
/// a * b (op elemwise_mul, name hint _mul).
struct elemwise_mul : binary_elementwise {
    static constexpr std::string_view name = "elemwise_mul", hint = "_mul";
    static constexpr std::array<std::string_view, 2> aliases{"_mul", "_Mul"};
    template <class V> static V apply(V a, V b) { return multiply(a, b); }
};
/// a / b (op elemwise_div, name hint _div); integer division truncates, x / 0 = 0.
struct elemwise_div : binary_elementwise {
    static constexpr std::string_view name = "elemwise_div", hint = "_div";
    static constexpr std::array<std::string_view, 2> aliases{"_div", "_Div"};
    template <class V> static V apply(V a, V b) { return divide(a, b); }
};

/// a + s (op _plus_scalar, hint _plusscalar).
struct plus_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_plus_scalar", hint = "_plusscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_PlusScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return add(a, splat<V>(s)); }
};
/// a - s (op _minus_scalar, hint _minusscalar).
struct minus_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_minus_scalar", hint = "_minusscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_MinusScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return subtract(a, splat<V>(s)); }
};
/// s - a (op _rminus_scalar, hint _rminusscalar).
struct rminus_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_rminus_scalar", hint = "_rminusscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_RMinusScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return subtract(splat<V>(s), a); }
};
/// a * s (op _mul_scalar, hint _mulscalar); also unary minus, with s = -1.0.
struct mul_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_mul_scalar", hint = "_mulscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_MulScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return multiply(a, splat<V>(s)); }
};
/// a / s (op _div_scalar, hint _divscalar).
struct div_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_div_scalar", hint = "_divscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_DivScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return divide(a, splat<V>(s)); }
};
/// s / a (op _rdiv_scalar, hint _rdivscalar).
struct rdiv_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_rdiv_scalar", hint = "_rdivscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_RDivScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return divide(splat<V>(s), a); }
};

} // namespace symflow::ops
