#pragma once
// Static-symbol forms of the broadcasting ops: broadcast_add ... broadcast_lesser_equal,
// broadcast_plus / broadcast_minus, broadcast_to and broadcast_like.
#include <string>
#include <string_view>
#include <utility>

#include "../ops/broadcast.hpp"
#include "compose.hpp"
#include "expr.hpp"

namespace symflow::sym {

namespace detail {
/// Op(lhs, rhs) of a broadcasting binary op, named `name` or auto-named with `hint`
/// (a string with static storage: the node keeps a view of it).
template <class Op, class L, class R>
auto compose_broadcast(std::string_view hint, std::string name, L&& lhs, R&& rhs) {
    return compose<Op>(hint, std::move(name), {}, std::forward<L>(lhs), std::forward<R>(rhs));
}
} // namespace detail

// Each function is mx.sym.<name>(lhs, rhs[, name]): auto-named <name><N> (the hint is the
// lower-cased Python function name, so the alias broadcast_plus names its node
// broadcast_plus<N> while writing op broadcast_add to JSON).

/// broadcast_add(lhs, rhs[, name]): lhs + rhs with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_add(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_add_op>("broadcast_add", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_plus(lhs, rhs[, name]): MXNet's alias of broadcast_add, named broadcast_plus<N>.
template <symbol_operand L, symbol_operand R>
auto broadcast_plus(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_add_op>("broadcast_plus", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_sub(lhs, rhs[, name]): lhs - rhs with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_sub(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_sub_op>("broadcast_sub", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_minus(lhs, rhs[, name]): MXNet's alias of broadcast_sub, named broadcast_minus<N>.
template <symbol_operand L, symbol_operand R>
auto broadcast_minus(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_sub_op>("broadcast_minus", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_mul(lhs, rhs[, name]): lhs * rhs with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_mul(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_mul_op>("broadcast_mul", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_div(lhs, rhs[, name]): lhs / rhs with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_div(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_div_op>("broadcast_div", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_mod(lhs, rhs[, name]): lhs % rhs (Python's sign rule) with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_mod(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_mod_op>("broadcast_mod", std::move(name), std::forward<L>(lhs),
                                                            std::forward<R>(rhs));
}
/// broadcast_power(lhs, rhs[, name]): lhs ** rhs with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_power(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_power_op>("broadcast_power", std::move(name),
                                                              std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_maximum(lhs, rhs[, name]): elementwise maximum with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_maximum(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_maximum_op>("broadcast_maximum", std::move(name),
                                                                std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_minimum(lhs, rhs[, name]): elementwise minimum with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_minimum(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_minimum_op>("broadcast_minimum", std::move(name),
                                                                std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_hypot(lhs, rhs[, name]): sqrt(lhs^2 + rhs^2) with numpy broadcasting (floats only).
template <symbol_operand L, symbol_operand R>
auto broadcast_hypot(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_hypot_op>("broadcast_hypot", std::move(name),
                                                              std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_equal(lhs, rhs[, name]): 1 where lhs == rhs, else 0, with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_equal(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_equal_op>("broadcast_equal", std::move(name),
                                                              std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_not_equal(lhs, rhs[, name]): 1 where lhs != rhs, else 0, with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_not_equal(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_not_equal_op>("broadcast_not_equal", std::move(name),
                                                                  std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_greater(lhs, rhs[, name]): 1 where lhs > rhs, else 0, with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_greater(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_greater_op>("broadcast_greater", std::move(name),
                                                                std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_greater_equal(lhs, rhs[, name]): 1 where lhs >= rhs, else 0, with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_greater_equal(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_greater_equal_op>("broadcast_greater_equal", std::move(name),
                                                                      std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_lesser(lhs, rhs[, name]): 1 where lhs < rhs, else 0, with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_lesser(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_lesser_op>("broadcast_lesser", std::move(name),
                                                               std::forward<L>(lhs), std::forward<R>(rhs));
}
/// broadcast_lesser_equal(lhs, rhs[, name]): 1 where lhs <= rhs, else 0, with numpy broadcasting.
template <symbol_operand L, symbol_operand R>
auto broadcast_lesser_equal(L&& lhs, R&& rhs, std::string name = {}) {
    return detail::compose_broadcast<ops::broadcast_lesser_equal_op>("broadcast_lesser_equal", std::move(name),
                                                                     std::forward<L>(lhs), std::forward<R>(rhs));
}

/// broadcast_to(data, {.shape = {2, 0, 4}}[, name]): data repeated along its size-1 axes;
/// 0 keeps data's size. Auto-named broadcast_to<N>.
template <symbol_operand X>
auto broadcast_to(X&& data, ops::broadcast_to_param p, std::string name = {}) {
    return compose<ops::broadcast_to_op>("broadcast_to", std::move(name), std::move(p), std::forward<X>(data));
}

/// broadcast_like(lhs, rhs[, {}][, name]): lhs broadcast to rhs's shape. Auto-named
/// broadcast_like<N>; lhs_axes/rhs_axes other than None are an error at bind.
template <symbol_operand L, symbol_operand R>
auto broadcast_like(L&& lhs, R&& rhs, ops::broadcast_like_param p = {}, std::string name = {}) {
    return compose<ops::broadcast_like_op>("broadcast_like", std::move(name), std::move(p), std::forward<L>(lhs),
                                           std::forward<R>(rhs));
}

} // namespace symflow::sym
