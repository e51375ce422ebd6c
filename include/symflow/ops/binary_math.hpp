#pragma once
// The equal-shape binary math ops _mod, _power, _maximum, _minimum, _hypot and their scalar forms.
#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

namespace binary_math_detail {

/// Applies the scalar function f to each lane of a batch (or once to plain T). Used where
/// xsimd 8.1 has no exact SIMD form: its fmod is x - trunc(x/y)*y (loses digits for large
/// quotients), its pow is exp(y*log|x|) (pow(0, 0) = 0, pow(nan, 0) = nan) and its hypot
/// overflows past sqrt(max); MXNet's CPU kernels call libm, and so do these lanes.
template <class V, class F>
V per_lane(const V& a, const V& b, F f) {
    if constexpr (!is_batch_v<V>) return f(a, b);
    else {
        using T = value_t<V>;
        alignas(64) T x[V::size], y[V::size];
        a.store_aligned(x);
        b.store_aligned(y);
        for (std::size_t i = 0; i < V::size; ++i) x[i] = f(x[i], y[i]);
        return V::load_aligned(x);
    }
}

/// Python's a % b, which mshadow_op::mod follows: a non-zero result takes the divisor's
/// sign. Made total as MXNet makes it: x % 0 is 0; for integers x % -1 is 0 too, so that
/// INT_MIN % -1 (which traps on x86) is never evaluated. A zero float result is signed like
/// the divisor, as in Python (-4.0 % 2.0 == 0.0, 4.0 % -2.0 == -0.0).
template <class T>
T python_mod(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
        if (b == 0 || b == -1) return T(0);
        T r = static_cast<T>(a % b);
        // r and b have opposite signs here, so r + b cannot overflow
        if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
        return r;
    } else {
        if (b == T(0)) return T(0);
        T r = std::fmod(a, b);  // exact; NaN for an infinite or NaN a, or a NaN b
        if (r == T(0)) return std::copysign(T(0), b);
        if ((r < T(0)) != (b < T(0))) r += b;  // also right for b = +-inf: -3 % inf = inf, as Python
        return r;
    }
}

/// base ** exp for integers by repeated squaring in unsigned arithmetic, so overflow wraps
/// (two's complement) instead of being undefined. A negative exponent gives the truncated
/// quotient 1 / base**-exp: 0, except for base 1 (1) and -1 (+-1 by parity); 0 ** -n is 0.
template <class T>
    requires std::is_integral_v<T>
T int_power(T base, T exp) {
    static_assert(sizeof(T) >= sizeof(unsigned), "narrower types would promote to int and overflow");
    using U = std::make_unsigned_t<T>;
    if (exp < 0) {
        if (base == 1) return T(1);
        if (base == -1) return (exp & 1) ? T(-1) : T(1);
        return T(0);
    }
    U result = 1, b = static_cast<U>(base);
    for (auto e = static_cast<U>(exp); e != 0; e >>= 1) {
        if (e & 1U) result *= b;
        b *= b;
    }
    return static_cast<T>(result);  // modular since C++20
}

/// base ** exp: libm's pow for floating types (powf for float32, as mshadow calls it),
/// int_power for integers; lane by lane for batches (see per_lane).
template <class V>
V power(const V& base, const V& exp) {
    return per_lane(base, exp, [](auto x, auto y) {
        using T = decltype(x);
        if constexpr (std::is_integral_v<T>) return int_power<T>(x, y);
        else return static_cast<T>(std::pow(x, y));
    });
}

/// a % b with Python's sign convention (python_mod), lane by lane for batches.
template <class V>
V mod(const V& a, const V& b) {
    return per_lane(a, b, [](auto x, auto y) { return python_mod<decltype(x)>(x, y); });
}

/// sqrt(a*a + b*b) without intermediate overflow and with hypot(+-inf, nan) = inf, via libm.
template <class V>
V hypot(const V& a, const V& b) {
    static_assert(std::is_floating_point_v<value_t<V>>, "_hypot is defined for float32 and float64 only");
    return per_lane(a, b, [](auto x, auto y) { return static_cast<decltype(x)>(std::hypot(x, y)); });
}

/// mshadow_op::maximum: a NaN in a is returned as is, otherwise a > b ? a : b, so a NaN in
/// either input gives NaN (numpy's np.maximum, not fmax); of +0 and -0 it returns b.
template <class V>
V maximum(const V& a, const V& b) {
    using T = value_t<V>;
    if constexpr (is_batch_v<V>) {
        if constexpr (std::is_floating_point_v<T>) return xsimd::select((a > b) | xsimd::isnan(a), a, b);
        else return xsimd::select(a > b, a, b);
    } else {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(a)) return a;
        }
        return a > b ? a : b;
    }
}

/// mshadow_op::minimum: as maximum, with a < b.
template <class V>
V minimum(const V& a, const V& b) {
    using T = value_t<V>;
    if constexpr (is_batch_v<V>) {
        if constexpr (std::is_floating_point_v<T>) return xsimd::select((a < b) | xsimd::isnan(a), a, b);
        else return xsimd::select(a < b, a, b);
    } else {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(a)) return a;
        }
        return a < b ? a : b;
    }
}


} // namespace binary_math_detail

/// a % b (op _mod, hint _mod from Python's _internal._Mod); the result has b's sign, x % 0 = 0.
struct mod : binary_elementwise {
    static constexpr std::string_view name = "_mod", hint = "_mod";
    static constexpr std::array<std::string_view, 1> aliases{"_Mod"};
    template <class V> static V apply(V a, V b) { return binary_math_detail::mod(a, b); }
};
/// a ** b (op _power, hint _power); integers wrap on overflow (see int_power).
struct power : binary_elementwise {
    static constexpr std::string_view name = "_power", hint = "_power";
    static constexpr std::array<std::string_view, 1> aliases{"_Power"};
    template <class V> static V apply(V a, V b) { return binary_math_detail::power(a, b); }
};
/// Elementwise maximum (op _maximum, hint _maximum); NaN in either input gives NaN.
struct maximum : binary_elementwise {
    static constexpr std::string_view name = "_maximum", hint = "_maximum";
    static constexpr std::array<std::string_view, 1> aliases{"_Maximum"};
    template <class V> static V apply(V a, V b) { return binary_math_detail::maximum(a, b); }
};
/// Elementwise minimum (op _minimum, hint _minimum); NaN in either input gives NaN.
struct minimum : binary_elementwise {
    static constexpr std::string_view name = "_minimum", hint = "_minimum";
    static constexpr std::array<std::string_view, 1> aliases{"_Minimum"};
    template <class V> static V apply(V a, V b) { return binary_math_detail::minimum(a, b); }
};
/// sqrt(a*a + b*b) (op _hypot, hint _hypot); float32 and float64 only: an integer
/// hypotenuse would be a truncated one.
struct hypot : binary_elementwise {
    static constexpr std::string_view name = "_hypot", hint = "_hypot";
    static constexpr std::array<std::string_view, 1> aliases{"_Hypot"};
    static constexpr dtype_set dtypes = float_dtypes;
    template <class V> static V apply(V a, V b) { return binary_math_detail::hypot(a, b); }
};

/// a % s (op _mod_scalar, hint _modscalar).
struct mod_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_mod_scalar", hint = "_modscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_ModScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::mod(a, splat<V>(s)); }
};
/// s % a (op _rmod_scalar, hint _rmodscalar).
struct rmod_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_rmod_scalar", hint = "_rmodscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_RModScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::mod(splat<V>(s), a); }
};
/// a ** s (op _power_scalar, hint _powerscalar).
struct power_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_power_scalar", hint = "_powerscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_PowerScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::power(a, splat<V>(s)); }
};
/// s ** a (op _rpower_scalar). Its hint is that of Python's `3 ** a`, which calls the op by
/// its own name; mx.sym.power(3, a) calls the alias _RPowerScalar and so is named
/// _rpowerscalar<N> (sym::power does the same).
struct rpower_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_rpower_scalar", hint = "_rpower_scalar";
    static constexpr std::array<std::string_view, 1> aliases{"_RPowerScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::power(splat<V>(s), a); }
};
/// maximum(a, s) (op _maximum_scalar, hint _maximumscalar); maximum(s, a) is the same node.
struct maximum_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_maximum_scalar", hint = "_maximumscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_MaximumScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::maximum(a, splat<V>(s)); }
};
/// minimum(a, s) (op _minimum_scalar, hint _minimumscalar).
struct minimum_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_minimum_scalar", hint = "_minimumscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_MinimumScalar"};
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::minimum(a, splat<V>(s)); }
};
/// hypot(a, s) (op _hypot_scalar, hint _hypotscalar); float32 and float64 only.
struct hypot_scalar : scalar_elementwise {
    static constexpr std::string_view name = "_hypot_scalar", hint = "_hypotscalar";
    static constexpr std::array<std::string_view, 1> aliases{"_HypotScalar"};
    static constexpr dtype_set dtypes = float_dtypes;
    template <class V> static V apply(value_t<V> s, V a) { return binary_math_detail::hypot(a, splat<V>(s)); }
};

} // namespace symflow::ops
