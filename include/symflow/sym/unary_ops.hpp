#pragma once
// The function forms of the one-input ops on static symbols: sf::sym::exp(a), relu(a),
// Activation(a, "relu"), LeakyReLU(a, {...}), clip(a, 0, 6), ... as mx.sym names them.
#include <string>
#include <string_view>
#include <utility>

#include "../ops/activation.hpp"
#include "../ops/op.hpp"
#include "../ops/unary_math.hpp"
#include "compose.hpp"
#include "expr.hpp"
#include "operators.hpp"

namespace symflow::sym {

// Each function makes the op of its name (exp -> op "exp") and names the node as MXNet's
// Python function does: the function name lower-cased plus a per-hint counter (exp0,
// exp1, ...; Activation -> activation0); an explicit name is used as given and takes no
// number from the counter. "float only": binding int32 or int64 arrays throws at bind,
// as MXNet computes these in floating point; the others take all four dtypes (the
// rounding ops are the identity on integers).

/// abs(x[, name]): |x|; integers wrap: abs(INT_MIN) is INT_MIN.
template <symbol_operand X>
auto abs(X&& x, std::string name = {}) {
    return detail::unary<ops::abs_op>("abs", std::forward<X>(x), std::move(name));
}
/// sign(x[, name]): -1, 0 or 1; 0 for NaN, as mshadow gives.
template <symbol_operand X>
auto sign(X&& x, std::string name = {}) {
    return detail::unary<ops::sign_op>("sign", std::forward<X>(x), std::move(name));
}
/// negative(x[, name]): -x; the unary minus operator gives _mul_scalar -1.0 instead, as in MXNet.
template <symbol_operand X>
auto negative(X&& x, std::string name = {}) {
    return detail::unary<ops::negative_op>("negative", std::forward<X>(x), std::move(name));
}
/// square(x[, name]): x * x; integers wrap.
template <symbol_operand X>
auto square(X&& x, std::string name = {}) {
    return detail::unary<ops::square_op>("square", std::forward<X>(x), std::move(name));
}
/// sqrt(x[, name]): square root; float only.
template <symbol_operand X>
auto sqrt(X&& x, std::string name = {}) {
    return detail::unary<ops::sqrt_op>("sqrt", std::forward<X>(x), std::move(name));
}
/// rsqrt(x[, name]): 1 / sqrt(x); float only.
template <symbol_operand X>
auto rsqrt(X&& x, std::string name = {}) {
    return detail::unary<ops::rsqrt_op>("rsqrt", std::forward<X>(x), std::move(name));
}
/// cbrt(x[, name]): cube root; float only.
template <symbol_operand X>
auto cbrt(X&& x, std::string name = {}) {
    return detail::unary<ops::cbrt_op>("cbrt", std::forward<X>(x), std::move(name));
}
/// reciprocal(x[, name]): 1 / x; float only.
template <symbol_operand X>
auto reciprocal(X&& x, std::string name = {}) {
    return detail::unary<ops::reciprocal_op>("reciprocal", std::forward<X>(x), std::move(name));
}
/// exp(x[, name]): e^x; float only.
template <symbol_operand X>
auto exp(X&& x, std::string name = {}) {
    return detail::unary<ops::exp_op>("exp", std::forward<X>(x), std::move(name));
}
/// expm1(x[, name]): e^x - 1, accurate near 0; float only.
template <symbol_operand X>
auto expm1(X&& x, std::string name = {}) {
    return detail::unary<ops::expm1_op>("expm1", std::forward<X>(x), std::move(name));
}
/// log(x[, name]): natural logarithm; float only.
template <symbol_operand X>
auto log(X&& x, std::string name = {}) {
    return detail::unary<ops::log_op>("log", std::forward<X>(x), std::move(name));
}
/// log1p(x[, name]): log(1 + x), accurate near 0; float only.
template <symbol_operand X>
auto log1p(X&& x, std::string name = {}) {
    return detail::unary<ops::log1p_op>("log1p", std::forward<X>(x), std::move(name));
}
/// log2(x[, name]): base-2 logarithm; float only.
template <symbol_operand X>
auto log2(X&& x, std::string name = {}) {
    return detail::unary<ops::log2_op>("log2", std::forward<X>(x), std::move(name));
}
/// log10(x[, name]): base-10 logarithm; float only.
template <symbol_operand X>
auto log10(X&& x, std::string name = {}) {
    return detail::unary<ops::log10_op>("log10", std::forward<X>(x), std::move(name));
}
/// sin(x[, name]): sine; float only.
template <symbol_operand X>
auto sin(X&& x, std::string name = {}) {
    return detail::unary<ops::sin_op>("sin", std::forward<X>(x), std::move(name));
}
/// cos(x[, name]): cosine; float only.
template <symbol_operand X>
auto cos(X&& x, std::string name = {}) {
    return detail::unary<ops::cos_op>("cos", std::forward<X>(x), std::move(name));
}
/// tan(x[, name]): tangent; float only.
template <symbol_operand X>
auto tan(X&& x, std::string name = {}) {
    return detail::unary<ops::tan_op>("tan", std::forward<X>(x), std::move(name));
}
/// arcsin(x[, name]): inverse sine; float only.
template <symbol_operand X>
auto arcsin(X&& x, std::string name = {}) {
    return detail::unary<ops::arcsin_op>("arcsin", std::forward<X>(x), std::move(name));
}
/// arccos(x[, name]): inverse cosine; float only.
template <symbol_operand X>
auto arccos(X&& x, std::string name = {}) {
    return detail::unary<ops::arccos_op>("arccos", std::forward<X>(x), std::move(name));
}
/// arctan(x[, name]): inverse tangent; float only.
template <symbol_operand X>
auto arctan(X&& x, std::string name = {}) {
    return detail::unary<ops::arctan_op>("arctan", std::forward<X>(x), std::move(name));
}
/// sinh(x[, name]): hyperbolic sine; float only.
template <symbol_operand X>
auto sinh(X&& x, std::string name = {}) {
    return detail::unary<ops::sinh_op>("sinh", std::forward<X>(x), std::move(name));
}
/// cosh(x[, name]): hyperbolic cosine; float only.
template <symbol_operand X>
auto cosh(X&& x, std::string name = {}) {
    return detail::unary<ops::cosh_op>("cosh", std::forward<X>(x), std::move(name));
}
/// tanh(x[, name]): hyperbolic tangent; float only.
template <symbol_operand X>
auto tanh(X&& x, std::string name = {}) {
    return detail::unary<ops::tanh_op>("tanh", std::forward<X>(x), std::move(name));
}
/// floor(x[, name]): largest integer <= x.
template <symbol_operand X>
auto floor(X&& x, std::string name = {}) {
    return detail::unary<ops::floor_op>("floor", std::forward<X>(x), std::move(name));
}
/// ceil(x[, name]): smallest integer >= x.
template <symbol_operand X>
auto ceil(X&& x, std::string name = {}) {
    return detail::unary<ops::ceil_op>("ceil", std::forward<X>(x), std::move(name));
}
/// round(x[, name]): nearest integer, halves away from zero.
template <symbol_operand X>
auto round(X&& x, std::string name = {}) {
    return detail::unary<ops::round_op>("round", std::forward<X>(x), std::move(name));
}
/// rint(x[, name]): nearest integer, halves down as MXNet's rint does (1.5 -> 1, -1.5 -> -2).
template <symbol_operand X>
auto rint(X&& x, std::string name = {}) {
    return detail::unary<ops::rint_op>("rint", std::forward<X>(x), std::move(name));
}
/// fix(x[, name]): round toward zero.
template <symbol_operand X>
auto fix(X&& x, std::string name = {}) {
    return detail::unary<ops::fix_op>("fix", std::forward<X>(x), std::move(name));
}
/// trunc(x[, name]): round toward zero.
template <symbol_operand X>
auto trunc(X&& x, std::string name = {}) {
    return detail::unary<ops::trunc_op>("trunc", std::forward<X>(x), std::move(name));
}
/// relu(x[, name]): max(x, 0), NaN kept.
template <symbol_operand X>
auto relu(X&& x, std::string name = {}) {
    return detail::unary<ops::relu_op>("relu", std::forward<X>(x), std::move(name));
}
/// sigmoid(x[, name]): 1 / (1 + e^-x); float only.
template <symbol_operand X>
auto sigmoid(X&& x, std::string name = {}) {
    return detail::unary<ops::sigmoid_op>("sigmoid", std::forward<X>(x), std::move(name));
}
/// softsign(x[, name]): x / (1 + |x|); float only.
template <symbol_operand X>
auto softsign(X&& x, std::string name = {}) {
    return detail::unary<ops::softsign_op>("softsign", std::forward<X>(x), std::move(name));
}

/// Activation(x, params[, name]): op Activation, auto-named activation<N>. act_type is
/// checked here, so a misspelled one throws symflow::error before any node is named.
template <symbol_operand X>
auto Activation(X&& x, ops::activation_param params, std::string name = {}) {
    ops::parse_activation_type(params.act_type);
    return detail::unary<ops::activation_op>("activation", std::forward<X>(x), std::move(name), std::move(params));
}
/// Activation(x, "relu"[, name]): act_type is relu, sigmoid, tanh, softrelu or softsign.
template <symbol_operand X>
auto Activation(X&& x, std::string_view act_type, std::string name = {}) {
    return Activation(std::forward<X>(x), ops::activation_param{std::string(act_type)}, std::move(name));
}

/// LeakyReLU(x[, {.act_type = "elu", .slope = 0.1}][, name]): op LeakyReLU, auto-named
/// leakyrelu<N>; act_type "leaky" (default) or "elu", slope 0.25 by default.
template <symbol_operand X>
auto LeakyReLU(X&& x, ops::leaky_relu_param params = {}, std::string name = {}) {
    ops::parse_leaky_relu_type(params.act_type);
    return detail::unary<ops::leaky_relu_op>("leakyrelu", std::forward<X>(x), std::move(name), std::move(params));
}

/// clip(x, a_min, a_max[, name]): op clip, auto-named clip<N>; the bounds are stored as
/// Python's str() would write the numbers given (0 -> "0", 6.0 -> "6.0").
template <symbol_operand X, scalar Lo, scalar Hi>
auto clip(X&& x, Lo a_min, Hi a_max, std::string name = {}) {
    return detail::unary<ops::clip_op>("clip", std::forward<X>(x), std::move(name),
                                       ops::clip_param{ops::scalar_param(a_min), ops::scalar_param(a_max)});
}

} // namespace symflow::sym
