#pragma once
// + - * / and unary minus on static symbols, and their named function forms.
#include <string>
#include <type_traits>

#include "../ops/arithmetic.hpp"
#include "compose.hpp"

namespace symflow::sym {

/// A C++ number usable as the scalar of a *_scalar op.
template <class S>
concept scalar = std::is_arithmetic_v<std::remove_cvref_t<S>> && !std::is_same_v<std::remove_cvref_t<S>, bool>;

namespace detail {
template <class Op, class L, class R>
auto binary(L&& l, R&& r) {
    return compose<Op>(Op::hint, {}, {}, std::forward<L>(l), std::forward<R>(r));
}
template <class Op, class X>
auto unary(std::string_view hint, X&& x, std::string name, typename Op::params params = {}) {
    return compose<Op>(hint, std::move(name), std::move(params), std::forward<X>(x));
}
template <class Op, class X, class S>
auto with_scalar(X&& x, S s) {
    return compose<Op>(Op::hint, {}, ops::scalar_param(s), std::forward<X>(x));
}
} // namespace detail

/// a + b: elemwise_add, named _plus<N>; shapes must be equal (no broadcasting, as in MXNet).
template <symbol_operand L, symbol_operand R>
auto operator+(L&& l, R&& r) { return detail::binary<ops::elemwise_add>(std::forward<L>(l), std::forward<R>(r)); }
/// a - b: elemwise_sub, named _minus<N>.
template <symbol_operand L, symbol_operand R>
auto operator-(L&& l, R&& r) { return detail::binary<ops::elemwise_sub>(std::forward<L>(l), std::forward<R>(r)); }
/// a * b: elemwise_mul, named _mul<N>.
template <symbol_operand L, symbol_operand R>
auto operator*(L&& l, R&& r) { return detail::binary<ops::elemwise_mul>(std::forward<L>(l), std::forward<R>(r)); }
/// a / b: elemwise_div, named _div<N>.
template <symbol_operand L, symbol_operand R>
auto operator/(L&& l, R&& r) { return detail::binary<ops::elemwise_div>(std::forward<L>(l), std::forward<R>(r)); }

/// a + s and s + a: _plus_scalar, named _plusscalar<N>.
template <symbol_operand X, scalar S>
auto operator+(X&& x, S s) { return detail::with_scalar<ops::plus_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator+(S s, X&& x) { return detail::with_scalar<ops::plus_scalar>(std::forward<X>(x), s); }
/// a - s: _minus_scalar; s - a: _rminus_scalar.
template <symbol_operand X, scalar S>
auto operator-(X&& x, S s) { return detail::with_scalar<ops::minus_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator-(S s, X&& x) { return detail::with_scalar<ops::rminus_scalar>(std::forward<X>(x), s); }
/// a * s and s * a: _mul_scalar, named _mulscalar<N>.
template <symbol_operand X, scalar S>
auto operator*(X&& x, S s) { return detail::with_scalar<ops::mul_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator*(S s, X&& x) { return detail::with_scalar<ops::mul_scalar>(std::forward<X>(x), s); }
/// a / s: _div_scalar; s / a: _rdiv_scalar.
template <symbol_operand X, scalar S>
auto operator/(X&& x, S s) { return detail::with_scalar<ops::div_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator/(S s, X&& x) { return detail::with_scalar<ops::rdiv_scalar>(std::forward<X>(x), s); }

/// -a: as in MXNet, _mul_scalar with scalar -1.0 (named _mulscalar<N>).
template <symbol_operand X>
auto operator-(X&& x) { return detail::with_scalar<ops::mul_scalar>(std::forward<X>(x), -1.0); }

/// elemwise_add(a, b[, name]): the function form; auto-named elemwise_add<N>.
template <symbol_operand L, symbol_operand R>
auto elemwise_add(L&& l, R&& r, std::string name = {}) {
    return compose<ops::elemwise_add>("elemwise_add", std::move(name), {}, std::forward<L>(l), std::forward<R>(r));
}
/// elemwise_sub(a, b[, name]).
template <symbol_operand L, symbol_operand R>
auto elemwise_sub(L&& l, R&& r, std::string name = {}) {
    return compose<ops::elemwise_sub>("elemwise_sub", std::move(name), {}, std::forward<L>(l), std::forward<R>(r));
}
/// elemwise_mul(a, b[, name]).
template <symbol_operand L, symbol_operand R>
auto elemwise_mul(L&& l, R&& r, std::string name = {}) {
    return compose<ops::elemwise_mul>("elemwise_mul", std::move(name), {}, std::forward<L>(l), std::forward<R>(r));
}
/// elemwise_div(a, b[, name]).
template <symbol_operand L, symbol_operand R>
auto elemwise_div(L&& l, R&& r, std::string name = {}) {
    return compose<ops::elemwise_div>("elemwise_div", std::move(name), {}, std::forward<L>(l), std::forward<R>(r));
}

} // namespace symflow::sym
