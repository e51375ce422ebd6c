#pragma once
// Activation functions (relu, sigmoid, softsign, Activation, LeakyReLU) and clip.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../core/error.hpp"
#include "op.hpp"
#include "simd.hpp"
#include "unary_math.hpp"

namespace symflow::ops {

namespace detail {
/// v converted to T without undefined behaviour: out-of-range values saturate (to the
/// integer limits, or to +-inf for float), NaN stays NaN for floating T and becomes
/// `nan_as` for integers. A plain static_cast of 1e300 to float or int32 is UB.
template <class T>
T saturating_cast(double v, T nan_as = T(0)) {
    if constexpr (std::is_floating_point_v<T>) {
        constexpr double max = static_cast<double>(std::numeric_limits<T>::max());
        if (v > max) return std::numeric_limits<T>::infinity();
        if (v < -max) return -std::numeric_limits<T>::infinity();
        return static_cast<T>(v);
    } else {
        if (std::isnan(v)) return nan_as;
        // 2^(bits-1) is exact in double, unlike the integer maximum 2^(bits-1) - 1
        constexpr double limit = static_cast<double>(std::uint64_t(1) << (sizeof(T) * 8 - 1));
        if (v >= limit) return std::numeric_limits<T>::max();
        if (v < -limit) return std::numeric_limits<T>::min();
        return static_cast<T>(v);  // truncates toward zero, as MXNet's DType(a_min) does
    }
}

/// log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|), exact to the last bits
/// where MXNet's "x > 20 ? x : log1p(exp(x))" is only float-accurate.
template <class V>
V softrelu(const V& x) {
    const V zero = splat<V>(0);
    if constexpr (use_vmath<V>) return unary_pick(x > zero, x, zero) + vmath::log1p_unit(vmath::exp(-xsimd::abs(x)));
    else return unary_pick(x > zero, x, zero) + xsimd::log1p(xsimd::exp(-xsimd::abs(x)));
}
} // namespace detail

/// max(x, 0) (op relu); NaN stays NaN, as in mshadow since MXNet 1.6.
struct relu_op : detail::unary_math_base {
    static constexpr std::string_view name = "relu", hint = "relu";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_relu"};
    template <class V>
    static V apply(V x) {
        const V zero = splat<V>(0);
        return detail::unary_pick(x <= zero, zero, x);  // NaN <= 0 is false: NaN passes
    }
};

/// 1 / (1 + e^-x) (op sigmoid).
struct sigmoid_op : detail::unary_float_base {
    static constexpr std::string_view name = "sigmoid", hint = "sigmoid";
    static constexpr std::size_t cost = 16;  // an exp or a tanh (ops::cost_v)
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_sigmoid"};
    template <class V>
    static V apply(V x) {
        if constexpr (detail::use_vmath<V>) return vmath::sigmoid(x);
        const V one = splat<V>(1);
        return one / (one + xsimd::exp(-x));  // exp overflow gives 1/inf = 0, the right limit
    }
};

/// x / (1 + |x|) (op softsign). The formula as mshadow has it, so +-inf gives NaN there too.
struct softsign_op : detail::unary_float_base {
    static constexpr std::string_view name = "softsign", hint = "softsign";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_softsign"};
    template <class V>
    static V apply(V x) { return x / (splat<V>(1) + xsimd::abs(x)); }
};

/// The functions Activation can apply (its act_type).
enum class activation_type { relu, sigmoid, tanh, softrelu, softsign };

/// act_type's text to activation_type; throws symflow::error naming the valid values.
inline activation_type parse_activation_type(std::string_view s) {
    if (s == "relu") return activation_type::relu;
    if (s == "sigmoid") return activation_type::sigmoid;
    if (s == "tanh") return activation_type::tanh;
    if (s == "softrelu") return activation_type::softrelu;
    if (s == "softsign") return activation_type::softsign;
    throw error("Activation: act_type '" + std::string(s) +
                "' is not one of relu, sigmoid, tanh, softrelu, softsign");
}

/// Activation's attributes; act_type has no default in MXNet and none here.
struct activation_param {
    std::string act_type;  ///< "relu", "sigmoid", "tanh", "softrelu" or "softsign"

    std::map<std::string, std::string> to_attrs() const { return {{"act_type", act_type}}; }
    /// act_type (required): relu, sigmoid, tanh, softrelu or softsign.
    static activation_param from_attrs(const attr_reader& r) {
        (void)r.require("act_type");
        return {r.one_of("act_type", {}, {"relu", "sigmoid", "tanh", "softrelu", "softsign"})};
    }
    /// The function to apply, checked again here for params not made by sym::Activation.
    template <class T>
    activation_type prepare() const { return parse_activation_type(act_type); }
};

/// One of five activation functions chosen by act_type (op Activation, hint activation).
struct activation_op : detail::unary_float_base {
    static constexpr std::string_view name = "Activation", hint = "activation";
    // an exp or a tanh (ops::cost_v); relu is cheaper, but act_type is known only at run time
    static constexpr std::size_t cost = 16;
    static constexpr std::array<std::string_view, 1> aliases{"_npx_activation"};
    using params = activation_param;
    template <class V>
    static V apply(activation_type t, V x) {
        // act_type is fixed for the whole loop: the branch is predicted perfectly
        switch (t) {
        case activation_type::relu: return relu_op::apply(x);
        case activation_type::sigmoid: return sigmoid_op::apply(x);
        case activation_type::tanh: return tanh_op::apply(x);
        case activation_type::softrelu: return detail::softrelu(x);
        case activation_type::softsign: return softsign_op::apply(x);
        }
        return x;
    }
};

/// The LeakyReLU variants supported: those with one input and one output.
enum class leaky_relu_type { leaky, elu };

/// LeakyReLU's act_type text to leaky_relu_type; throws symflow::error otherwise.
inline leaky_relu_type parse_leaky_relu_type(std::string_view s) {
    if (s == "leaky") return leaky_relu_type::leaky;
    if (s == "elu") return leaky_relu_type::elu;
    throw error("LeakyReLU: act_type '" + std::string(s) +
                "' is not supported; symflow has leaky and elu (prelu, rrelu, selu and gelu are not implemented)");
}

/// LeakyReLU's attributes, with MXNet's defaults.
struct leaky_relu_param {
    std::string act_type = "leaky";  ///< "leaky" or "elu"
    double slope = 0.25;             ///< the negative-side factor

    std::map<std::string, std::string> to_attrs() const {
        return {{"act_type", act_type}, {"slope", python_float_str(slope)}};
    }
    /// act_type (default leaky; elu too) and slope (default 0.25); lower_bound and upper_bound (rrelu's) are ignored.
    static leaky_relu_param from_attrs(const attr_reader& r) {
        return {r.one_of("act_type", "leaky", {"leaky", "elu"}), r.real("slope", 0.25)};
    }
    /// What the kernel needs: the variant and the slope in the element type.
    template <class T>
    struct prepared {
        leaky_relu_type type;
        T slope;
    };
    template <class T>
    prepared<T> prepare() const { return {parse_leaky_relu_type(act_type), detail::saturating_cast<T>(slope)}; }
};

/// x > 0 ? x : slope * x (leaky) or slope * (e^x - 1) (elu) (op LeakyReLU, hint leakyrelu).
struct leaky_relu_op : detail::unary_float_base {
    static constexpr std::string_view name = "LeakyReLU", hint = "leakyrelu";
    static constexpr std::array<std::string_view, 1> aliases{"_npx_leaky_relu"};
    using params = leaky_relu_param;
    template <class V>
    static V apply(const leaky_relu_param::prepared<value_t<V>>& p, V x) {
        const V slope = splat<V>(p.slope);
        // expm1 rather than exp - 1: mshadow's elu uses it, and it keeps small |x| exact
        const V neg = p.type == leaky_relu_type::elu ? slope * xsimd::expm1(x) : slope * x;
        return detail::unary_pick(x > splat<V>(0), x, neg);
    }
};

/// clip's attributes: both bounds are required; each keeps the text Python's str()
/// gives for the number passed (clip(x, 0, 6) stores "0" and "6", 0.5 stores "0.5").
struct clip_param {
    scalar_param a_min{0.0}, a_max{0.0};

    std::map<std::string, std::string> to_attrs() const { return {{"a_max", a_max.text}, {"a_min", a_min.text}}; }
    /// a_min and a_max (both required), each keeping its text as given.
    static clip_param from_attrs(const attr_reader& r) {
        return {scalar_param::from_text(r, "a_min", r.require("a_min")),
                scalar_param::from_text(r, "a_max", r.require("a_max"))};
    }
    /// The bounds in the element type. Integers get the bounds truncated toward zero,
    /// which clamps exactly as MXNet's float comparisons do; a NaN bound clamps nothing.
    template <class T>
    struct prepared {
        T lo, hi;
    };
    template <class T>
    prepared<T> prepare() const {
        return {detail::saturating_cast<T>(a_min.value, std::numeric_limits<T>::lowest()),
                detail::saturating_cast<T>(a_max.value, std::numeric_limits<T>::max())};
    }
};

/// Limits x to [a_min, a_max] (op clip); as mshadow, x > a_max is tested first, so
/// a_min > a_max gives a_max above a_max and a_min below it; NaN passes through.
struct clip_op : detail::unary_math_base {
    static constexpr std::string_view name = "clip", hint = "clip";
    static constexpr std::array<std::string_view, 2> aliases{"_sparse_clip", "_npi_clip"};
    using params = clip_param;
    template <class V>
    static V apply(const clip_param::prepared<value_t<V>>& p, V x) {
        const V lo = splat<V>(p.lo), hi = splat<V>(p.hi);
        return detail::unary_pick(x > hi, hi, detail::unary_pick(x < lo, lo, x));
    }
};

} // namespace symflow::ops
