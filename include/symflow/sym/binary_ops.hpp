#pragma once
// % and == != < <= > >= on static symbols, and the functions power, maximum, minimum, hypot,
// mod, equal, not_equal, greater, greater_equal, lesser, lesser_equal, named as in MXNet.
//
// The comparison operators build nodes, as MXNet's Symbol.__eq__ does; they return no bool.
// They are constrained templates (a static symbol on at least one side, the other side a
// static symbol or a non-bool arithmetic value), so they never take part in comparing
// other types. For `a == 3` C++20 also considers the reversed `3 == a` overload; the
// non-reversed one is preferred, so no comparison is ambiguous.
#include <string>
#include <string_view>
#include <utility>

#include "../ops/binary_math.hpp"
#include "../ops/comparison.hpp"
#include "compose.hpp"
#include "expr.hpp"
#include "operators.hpp"

namespace symflow::sym {

namespace detail {
/// Op(l, r), named `name` or, if empty, auto-named with `hint` (a literal: the node keeps a view).
template <class Op, class L, class R>
auto compose_pair(std::string_view hint, std::string name, L&& l, R&& r) {
    return compose<Op>(hint, std::move(name), {}, std::forward<L>(l), std::forward<R>(r));
}
/// Op(x, scalar=s), named `name` or auto-named with `hint`.
template <class Op, class X, class S>
auto compose_scalar(std::string_view hint, std::string name, X&& x, S s) {
    return compose<Op>(hint, std::move(name), ops::scalar_param(s), std::forward<X>(x));
}
} // namespace detail

// ---- operators: hints as Python's Symbol.__mod__, __eq__, ... give them -------------------

/// a % b: _mod, named _mod<N>; a % s: _mod_scalar (_modscalar<N>); s % a: _rmod_scalar (_rmodscalar<N>).
template <symbol_operand L, symbol_operand R>
auto operator%(L&& l, R&& r) { return detail::binary<ops::mod>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator%(X&& x, S s) { return detail::with_scalar<ops::mod_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator%(S s, X&& x) { return detail::with_scalar<ops::rmod_scalar>(std::forward<X>(x), s); }

/// a == b: _equal (_equal<N>); with a scalar on either side: _equal_scalar (_equal_scalar<N>).
template <symbol_operand L, symbol_operand R>
auto operator==(L&& l, R&& r) { return detail::binary<ops::equal>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator==(X&& x, S s) { return detail::with_scalar<ops::equal_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator==(S s, X&& x) { return detail::with_scalar<ops::equal_scalar>(std::forward<X>(x), s); }

/// a != b: _not_equal; with a scalar on either side: _not_equal_scalar.
template <symbol_operand L, symbol_operand R>
auto operator!=(L&& l, R&& r) { return detail::binary<ops::not_equal>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator!=(X&& x, S s) { return detail::with_scalar<ops::not_equal_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator!=(S s, X&& x) { return detail::with_scalar<ops::not_equal_scalar>(std::forward<X>(x), s); }

/// a > b: _greater; a > s: _greater_scalar; s > a is Python's reflected a < s: _lesser_scalar.
template <symbol_operand L, symbol_operand R>
auto operator>(L&& l, R&& r) { return detail::binary<ops::greater>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator>(X&& x, S s) { return detail::with_scalar<ops::greater_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator>(S s, X&& x) { return detail::with_scalar<ops::lesser_scalar>(std::forward<X>(x), s); }

/// a >= b: _greater_equal; a >= s: _greater_equal_scalar; s >= a (a <= s): _lesser_equal_scalar.
template <symbol_operand L, symbol_operand R>
auto operator>=(L&& l, R&& r) { return detail::binary<ops::greater_equal>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator>=(X&& x, S s) { return detail::with_scalar<ops::greater_equal_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator>=(S s, X&& x) { return detail::with_scalar<ops::lesser_equal_scalar>(std::forward<X>(x), s); }

/// a < b: _lesser; a < s: _lesser_scalar; s < a (a > s): _greater_scalar.
template <symbol_operand L, symbol_operand R>
auto operator<(L&& l, R&& r) { return detail::binary<ops::lesser>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator<(X&& x, S s) { return detail::with_scalar<ops::lesser_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator<(S s, X&& x) { return detail::with_scalar<ops::greater_scalar>(std::forward<X>(x), s); }

/// a <= b: _lesser_equal; a <= s: _lesser_equal_scalar; s <= a (a >= s): _greater_equal_scalar.
template <symbol_operand L, symbol_operand R>
auto operator<=(L&& l, R&& r) { return detail::binary<ops::lesser_equal>(std::forward<L>(l), std::forward<R>(r)); }
template <symbol_operand X, scalar S>
auto operator<=(X&& x, S s) { return detail::with_scalar<ops::lesser_equal_scalar>(std::forward<X>(x), s); }
template <scalar S, symbol_operand X>
auto operator<=(S s, X&& x) { return detail::with_scalar<ops::greater_equal_scalar>(std::forward<X>(x), s); }

// ---- functions: hints as python/mxnet/symbol/symbol.py's pow, maximum, minimum, hypot give
// them (they call _internal._Power, _PowerScalar, _RPowerScalar, _Maximum, _MaximumScalar, ...,
// whose lower-cased names are the hints); a non-empty `name` is used as is ------------------

/// power(a, b): _power (_power<N>); power(a, s): _power_scalar (_powerscalar<N>); power(s, a):
/// _rpower_scalar named _rpowerscalar<N>, as mx.sym.power(3, a) names it (`3 ** a` in Python
/// would give _rpower_scalar<N>, but C++ has no ** to spell it).
template <symbol_operand L, symbol_operand R>
auto power(L&& base, R&& exp, std::string name = {}) {
    return detail::compose_pair<ops::power>("_power", std::move(name), std::forward<L>(base), std::forward<R>(exp));
}
template <symbol_operand X, scalar S>
auto power(X&& base, S exp, std::string name = {}) {
    return detail::compose_scalar<ops::power_scalar>("_powerscalar", std::move(name), std::forward<X>(base), exp);
}
template <scalar S, symbol_operand X>
auto power(S base, X&& exp, std::string name = {}) {
    return detail::compose_scalar<ops::rpower_scalar>("_rpowerscalar", std::move(name), std::forward<X>(exp), base);
}

/// maximum(a, b): _maximum (_maximum<N>); with a scalar on either side: _maximum_scalar
/// (_maximumscalar<N>). NaN in either input gives NaN.
template <symbol_operand L, symbol_operand R>
auto maximum(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::maximum>("_maximum", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto maximum(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::maximum_scalar>("_maximumscalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto maximum(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::maximum_scalar>("_maximumscalar", std::move(name), std::forward<X>(x), s);
}

/// minimum(a, b): _minimum (_minimum<N>); with a scalar on either side: _minimum_scalar
/// (_minimumscalar<N>).
template <symbol_operand L, symbol_operand R>
auto minimum(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::minimum>("_minimum", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto minimum(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::minimum_scalar>("_minimumscalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto minimum(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::minimum_scalar>("_minimumscalar", std::move(name), std::forward<X>(x), s);
}

/// hypot(a, b): _hypot (_hypot<N>); with a scalar on either side: _hypot_scalar
/// (_hypotscalar<N>). float32 and float64 only: other dtypes fail at bind.
template <symbol_operand L, symbol_operand R>
auto hypot(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::hypot>("_hypot", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto hypot(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::hypot_scalar>("_hypotscalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto hypot(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::hypot_scalar>("_hypotscalar", std::move(name), std::forward<X>(x), s);
}

/// mod(a, b): a % b with an optional name (symbol.py has no mod(); the hints are those of %).
template <symbol_operand L, symbol_operand R>
auto mod(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::mod>("_mod", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto mod(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::mod_scalar>("_modscalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto mod(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::rmod_scalar>("_rmodscalar", std::move(name), std::forward<X>(x), s);
}

// The comparison functions are the operators with an optional name (symbol.py has none of
// its own); a scalar first is reflected as Python reflects the operator: greater(3, a) is
// 3 > a, which is a < 3, _lesser_scalar.

/// equal(a, b): a == b; equal(a, s) and equal(s, a): _equal_scalar.
template <symbol_operand L, symbol_operand R>
auto equal(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::equal>("_equal", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto equal(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::equal_scalar>("_equal_scalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto equal(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::equal_scalar>("_equal_scalar", std::move(name), std::forward<X>(x), s);
}

/// not_equal(a, b): a != b; with a scalar on either side: _not_equal_scalar.
template <symbol_operand L, symbol_operand R>
auto not_equal(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::not_equal>("_not_equal", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto not_equal(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::not_equal_scalar>("_not_equal_scalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto not_equal(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::not_equal_scalar>("_not_equal_scalar", std::move(name), std::forward<X>(x), s);
}

/// greater(a, b): a > b; greater(a, s): _greater_scalar; greater(s, a): _lesser_scalar.
template <symbol_operand L, symbol_operand R>
auto greater(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::greater>("_greater", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto greater(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::greater_scalar>("_greater_scalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto greater(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::lesser_scalar>("_lesser_scalar", std::move(name), std::forward<X>(x), s);
}

/// greater_equal(a, b): a >= b; (a, s): _greater_equal_scalar; (s, a): _lesser_equal_scalar.
template <symbol_operand L, symbol_operand R>
auto greater_equal(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::greater_equal>("_greater_equal", std::move(name), std::forward<L>(l),
                                                    std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto greater_equal(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::greater_equal_scalar>("_greater_equal_scalar", std::move(name),
                                                             std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto greater_equal(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::lesser_equal_scalar>("_lesser_equal_scalar", std::move(name),
                                                            std::forward<X>(x), s);
}

/// lesser(a, b): a < b; lesser(a, s): _lesser_scalar; lesser(s, a): _greater_scalar.
template <symbol_operand L, symbol_operand R>
auto lesser(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::lesser>("_lesser", std::move(name), std::forward<L>(l), std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto lesser(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::lesser_scalar>("_lesser_scalar", std::move(name), std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto lesser(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::greater_scalar>("_greater_scalar", std::move(name), std::forward<X>(x), s);
}

/// lesser_equal(a, b): a <= b; (a, s): _lesser_equal_scalar; (s, a): _greater_equal_scalar.
template <symbol_operand L, symbol_operand R>
auto lesser_equal(L&& l, R&& r, std::string name = {}) {
    return detail::compose_pair<ops::lesser_equal>("_lesser_equal", std::move(name), std::forward<L>(l),
                                                   std::forward<R>(r));
}
template <symbol_operand X, scalar S>
auto lesser_equal(X&& x, S s, std::string name = {}) {
    return detail::compose_scalar<ops::lesser_equal_scalar>("_lesser_equal_scalar", std::move(name),
                                                            std::forward<X>(x), s);
}
template <scalar S, symbol_operand X>
auto lesser_equal(S s, X&& x, std::string name = {}) {
    return detail::compose_scalar<ops::greater_equal_scalar>("_greater_equal_scalar", std::move(name),
                                                             std::forward<X>(x), s);
}

} // namespace symflow::sym
