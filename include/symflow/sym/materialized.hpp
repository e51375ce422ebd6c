#pragma once
// Where the materialized nodes (dot, reductions, shape ops) of a static expression sit:
// counted in post-order, so each occurrence has a compile-time slot.
#include <cstddef>
#include <type_traits>

#include "expr.hpp"

namespace symflow::sym {

namespace detail {
template <class E>
struct materialized_count : std::integral_constant<std::size_t, 0> {};
template <class Op, class... In>
struct materialized_count<expr<Op, In...>>
    : std::integral_constant<std::size_t, (materialized_count<In>::value + ... + 0) +
                                              (Op::kind == ops::op_kind::materialized ? 1 : 0)> {};

/// Materialized occurrences in the first K of In...
template <std::size_t K, class... In>
constexpr std::size_t count_before() {
    constexpr std::size_t counts[] = {materialized_count<In>::value..., 0};
    std::size_t sum = 0;
    for (std::size_t i = 0; i < K; ++i) sum += counts[i];
    return sum;
}
} // namespace detail

/// Number of materialized node occurrences in E (a node used twice counts twice; the
/// executor gives both occurrences one buffer).
template <class E>
inline constexpr std::size_t materialized_count_v = detail::materialized_count<std::remove_cvref_t<E>>::value;

/// Slot offset of input K of a node whose own subtree starts at slot Off.
template <std::size_t Off, std::size_t K, class... In>
inline constexpr std::size_t input_offset_v = Off + detail::count_before<K, In...>();

/// True for an op node that is materialized into a buffer.
template <class E>
inline constexpr bool is_materialized_v = [] {
    if constexpr (is_variable_v<E>) return false;
    else return std::remove_cvref_t<E>::op::kind == ops::op_kind::materialized;
}();

} // namespace symflow::sym
