#pragma once
// The one-input math ops of MXNet (abs, sign, rounding, powers, exp/log, trig, hyperbolic).
#include <array>
#include <string_view>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "op.hpp"
#include "simd.hpp"
#include "vmath.hpp"

namespace symflow::ops {

namespace detail {
/// Common part of the one-input ops without attributes.
struct unary_math_base {
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = no_params;
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// The same, for ops that only make sense on floating types (MXNet computes them in
/// floating point; on integers they would silently truncate).
struct unary_float_base : unary_math_base {
    static constexpr dtype_set dtypes = float_dtypes;
};

/// True when V holds float32: those ops use symflow's own vmath functions (faster than
/// xsimd 8.1's); float64 keeps xsimd's.
template <class V>
inline constexpr bool use_vmath = std::is_same_v<value_t<V>, float>;

/// cond ? a : b, lane by lane for a batch.
template <class V, class C>
V unary_pick(const C& cond, const V& a, const V& b) {
    if constexpr (is_batch_v<V>) return xsimd::select(cond, a, b);
    else return cond ? a : b;
}

/// -x; for integers it wraps (-INT_MIN is INT_MIN) instead of overflowing.
template <class V>
V unary_negate(const V& x) {
    if constexpr (std::is_floating_point_v<value_t<V>>) return -x;  // keeps -0.0 for 0.0
    else return subtract(splat<V>(0), x);  // scalar: via unsigned; SIMD lanes wrap in hardware
}

/// x * x; for integers it wraps. xsimd multiplies integer lanes with a plain C++ loop
/// where the ISA has no instruction (int32 before SSE4.1, int64 before AVX-512), so
/// the lanes are multiplied as unsigned to keep that loop free of signed overflow.
template <class V>
V unary_square(const V& x) {
    using T = value_t<V>;
    if constexpr (std::is_floating_point_v<T>) return x * x;
    else if constexpr (!is_batch_v<V>) return multiply(x, x);
    else {
        using U = xsimd::batch<std::make_unsigned_t<T>, typename V::arch_type>;
        const U u = xsimd::bitwise_cast<U>(x);
        return xsimd::bitwise_cast<V>(u * u);
    }
}
} // namespace detail

/// |x| (op abs); integers wrap: abs(INT_MIN) is INT_MIN, as two's complement hardware gives.
struct abs_op : detail::unary_math_base {
    static constexpr std::string_view name = "abs", hint = "abs";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_abs"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_floating_point_v<value_t<V>>) return xsimd::abs(x);
        else return detail::unary_pick(x < splat<V>(0), detail::unary_negate(x), x);
    }
};

/// -1, 0 or 1 (op sign). As mshadow's sign: 0 for 0, -0.0 and NaN.
struct sign_op : detail::unary_math_base {
    static constexpr std::string_view name = "sign", hint = "sign";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_sign"};
    template <class V>
    static V apply(V x) {
        const V zero = splat<V>(0), one = splat<V>(1);
        return detail::unary_pick(x > zero, one, detail::unary_pick(x < zero, detail::unary_negate(one), zero));
    }
};

/// -x (op negative: the function form; the unary minus operator is _mul_scalar -1.0).
struct negative_op : detail::unary_math_base {
    static constexpr std::string_view name = "negative", hint = "negative";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_negative"};
    template <class V>
    static V apply(V x) { return detail::unary_negate(x); }
};

/// x * x (op square); integers wrap.
struct square_op : detail::unary_math_base {
    static constexpr std::string_view name = "square", hint = "square";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_square"};
    template <class V>
    static V apply(V x) { return detail::unary_square(x); }
};

/// sqrt(x) (op sqrt); NaN below 0.
struct sqrt_op : detail::unary_float_base {
    static constexpr std::string_view name = "sqrt", hint = "sqrt";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_sqrt"};
    template <class V>
    static V apply(V x) { return xsimd::sqrt(x); }
};

/// 1 / sqrt(x) (op rsqrt). Not xsimd::rsqrt: that is a 12-bit approximation.
struct rsqrt_op : detail::unary_float_base {
    static constexpr std::string_view name = "rsqrt", hint = "rsqrt";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_rsqrt"};
    template <class V>
    static V apply(V x) { return splat<V>(1) / xsimd::sqrt(x); }
};

/// Cube root, defined for negative x too (op cbrt).
struct cbrt_op : detail::unary_float_base {
    static constexpr std::string_view name = "cbrt", hint = "cbrt";
    template <class V>
    static V apply(V x) { return xsimd::cbrt(x); }
};

/// 1 / x (op reciprocal). Not xsimd::reciprocal: that is a 12-bit approximation.
struct reciprocal_op : detail::unary_float_base {
    static constexpr std::string_view name = "reciprocal", hint = "reciprocal";
    template <class V>
    static V apply(V x) { return splat<V>(1) / x; }
};

/// e^x (op exp).
struct exp_op : detail::unary_float_base {
    static constexpr std::string_view name = "exp", hint = "exp";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_exp"};
    template <class V>
    static V apply(V x) {
        if constexpr (detail::use_vmath<V>) return vmath::exp(x);
        else return xsimd::exp(x);
    }
};

/// e^x - 1, accurate near 0 (op expm1).
struct expm1_op : detail::unary_float_base {
    static constexpr std::string_view name = "expm1", hint = "expm1";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_expm1"};
    template <class V>
    static V apply(V x) { return xsimd::expm1(x); }
};

/// Natural logarithm (op log).
struct log_op : detail::unary_float_base {
    static constexpr std::string_view name = "log", hint = "log";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_log"};
    template <class V>
    static V apply(V x) {
        if constexpr (detail::use_vmath<V>) return vmath::log(x);
        else return xsimd::log(x);
    }
};

/// log(1 + x), accurate near 0 (op log1p).
struct log1p_op : detail::unary_float_base {
    static constexpr std::string_view name = "log1p", hint = "log1p";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_log1p"};
    template <class V>
    static V apply(V x) { return xsimd::log1p(x); }
};

/// Base-2 logarithm (op log2).
struct log2_op : detail::unary_float_base {
    static constexpr std::string_view name = "log2", hint = "log2";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_log2"};
    template <class V>
    static V apply(V x) { return xsimd::log2(x); }
};

/// Base-10 logarithm (op log10).
struct log10_op : detail::unary_float_base {
    static constexpr std::string_view name = "log10", hint = "log10";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_log10"};
    template <class V>
    static V apply(V x) { return xsimd::log10(x); }
};

/// Sine of x in radians (op sin).
struct sin_op : detail::unary_float_base {
    static constexpr std::string_view name = "sin", hint = "sin";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_sin"};
    template <class V>
    static V apply(V x) { return xsimd::sin(x); }
};

/// Cosine (op cos).
struct cos_op : detail::unary_float_base {
    static constexpr std::string_view name = "cos", hint = "cos";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_cos"};
    template <class V>
    static V apply(V x) { return xsimd::cos(x); }
};

/// Tangent (op tan).
struct tan_op : detail::unary_float_base {
    static constexpr std::string_view name = "tan", hint = "tan";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_tan"};
    template <class V>
    static V apply(V x) { return xsimd::tan(x); }
};

/// Inverse sine, NaN outside [-1, 1] (op arcsin).
struct arcsin_op : detail::unary_float_base {
    static constexpr std::string_view name = "arcsin", hint = "arcsin";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_arcsin"};
    template <class V>
    static V apply(V x) { return xsimd::asin(x); }
};

/// Inverse cosine, NaN outside [-1, 1] (op arccos).
struct arccos_op : detail::unary_float_base {
    static constexpr std::string_view name = "arccos", hint = "arccos";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_arccos"};
    template <class V>
    static V apply(V x) { return xsimd::acos(x); }
};

/// Inverse tangent (op arctan).
struct arctan_op : detail::unary_float_base {
    static constexpr std::string_view name = "arctan", hint = "arctan";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_arctan"};
    template <class V>
    static V apply(V x) { return xsimd::atan(x); }
};

/// Hyperbolic sine (op sinh).
struct sinh_op : detail::unary_float_base {
    static constexpr std::string_view name = "sinh", hint = "sinh";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_sinh"};
    template <class V>
    static V apply(V x) { return xsimd::sinh(x); }
};

/// Hyperbolic cosine (op cosh).
struct cosh_op : detail::unary_float_base {
    static constexpr std::string_view name = "cosh", hint = "cosh";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_cosh"};
    template <class V>
    static V apply(V x) { return xsimd::cosh(x); }
};

/// Hyperbolic tangent (op tanh; also Activation's "tanh").
struct tanh_op : detail::unary_float_base {
    static constexpr std::string_view name = "tanh", hint = "tanh";
    static constexpr std::size_t cost = 16;  // a polynomial and its range reduction (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_tanh"};
    template <class V>
    static V apply(V x) {
        if constexpr (detail::use_vmath<V>) return vmath::tanh(x);
        else return xsimd::tanh(x);
    }
};

/// Largest integer <= x (op floor); integers are their own floor.
struct floor_op : detail::unary_math_base {
    static constexpr std::string_view name = "floor", hint = "floor";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_floor"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_integral_v<value_t<V>>) return x;
        else return xsimd::floor(x);
    }
};

/// Smallest integer >= x (op ceil).
struct ceil_op : detail::unary_math_base {
    static constexpr std::string_view name = "ceil", hint = "ceil";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_ceil"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_integral_v<value_t<V>>) return x;
        else return xsimd::ceil(x);
    }
};

/// Nearest integer, halves away from zero: 2.5 -> 3, -2.5 -> -3 (op round).
struct round_op : detail::unary_math_base {
    static constexpr std::string_view name = "round", hint = "round";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_round"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_integral_v<value_t<V>>) return x;
        else return xsimd::round(x);
    }
};

/// Nearest integer, halves down, as mshadow's rint computes it
/// (x - floor(x) <= ceil(x) - x ? floor : ceil): 1.5 -> 1, 2.5 -> 2, -1.5 -> -2.
/// MXNet documents exactly this ("for n.5 rint returns n"); it is not numpy's
/// half-to-even rint, which would give 2 for 1.5.
struct rint_op : detail::unary_math_base {
    static constexpr std::string_view name = "rint", hint = "rint";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_rint"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_integral_v<value_t<V>>) return x;
        else {
            const V lo = xsimd::floor(x), hi = xsimd::ceil(x);
            // both differences are exact, so the tie test is too; NaN and inf give hi = x
            return detail::unary_pick((x - lo) <= (hi - x), lo, hi);
        }
    }
};

/// Round toward zero (op fix; mshadow picks whichever of floor and ceil is nearer 0).
struct fix_op : detail::unary_math_base {
    static constexpr std::string_view name = "fix", hint = "fix";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_fix"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_integral_v<value_t<V>>) return x;
        else return xsimd::trunc(x);
    }
};

/// Round toward zero (op trunc).
struct trunc_op : detail::unary_math_base {
    static constexpr std::string_view name = "trunc", hint = "trunc";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_trunc"};
    template <class V>
    static V apply(V x) {
        if constexpr (std::is_integral_v<value_t<V>>) return x;
        else return xsimd::trunc(x);
    }
};

} // namespace symflow::ops
