#pragma once
// Static-symbol forms of the linear-algebra ops: dot.
#include <string>

#include "../ops/dot.hpp"
#include "compose.hpp"

namespace symflow::sym {

/// dot(lhs, rhs[, {.transpose_a, .transpose_b}][, name]): MXNet's dot, auto-named dot<N>.
template <symbol_operand L, symbol_operand R>
auto dot(L&& lhs, R&& rhs, ops::dot_param p = {}, std::string name = {}) {
    return compose<ops::dot_op>("dot", std::move(name), p, std::forward<L>(lhs), std::forward<R>(rhs));
}

} // namespace symflow::sym
