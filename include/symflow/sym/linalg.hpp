#pragma once
// Static-symbol forms of the linear-algebra ops: dot.
#include <string>

#include "../ops/dot.hpp"
#include "compose.hpp"

namespace symflow::sym {

/// dot(lhs, rhs[, {.transpose_a, .transpose_b}][, name]): MXNet's dot, auto-named dot<N>.
template <static_symbol L, static_symbol R>
auto dot(L&& lhs, R&& rhs, ops::dot_param p = {}, std::string name = {}) {
    return compose<ops::dot_op>("dot", std::move(name), p, std::forward<L>(lhs), std::forward<R>(rhs));
}

} // namespace symflow::sym
