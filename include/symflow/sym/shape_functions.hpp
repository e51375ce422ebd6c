#pragma once
// Static-symbol forms of the shape ops (Reshape, transpose, expand_dims, squeeze, Flatten,
// slice, slice_axis, split/SliceChannel, tile, repeat, Cast), the joins (Concat, stack) and
// zeros_like, ones_like, where; each auto-named as mx.sym's function of that name, or named
// by a trailing name argument.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/dtype.hpp"
#include "../ops/fill_where.hpp"
#include "../ops/join.hpp"
#include "../ops/op.hpp"
#include "../ops/shape_ops.hpp"
#include "../ops/split.hpp"
#include "compose.hpp"
#include "expr.hpp"

namespace symflow::sym {

namespace shape_fn_detail {

/// Op(x) with attributes p, named `name` or auto-named with `hint` (a literal: the node keeps a view).
template <class Op, class X>
auto one(std::string_view hint, X&& x, typename Op::params p, std::string name) {
    return compose<Op>(hint, std::move(name), std::move(p), std::forward<X>(x));
}

/// How many of A... lead as static symbols.
template <class... A>
inline constexpr std::size_t leading_symbols_v = [] {
    constexpr bool is_symbol[] = {symbol_operand<A>..., false};
    std::size_t k = 0;
    while (is_symbol[k]) ++k;
    return k;
}();

/// True if A... is one or more static symbols, then optionally a Param, then optionally a name.
template <class Param, class... A>
constexpr bool join_args_ok() {
    constexpr std::size_t k = leading_symbols_v<A...>, rest = sizeof...(A) - k;
    using all = std::tuple<A...>;
    if constexpr (k == 0 || rest > 2) return false;
    else if constexpr (rest == 0) return true;
    else if constexpr (rest == 1)
        return std::is_same_v<std::remove_cvref_t<std::tuple_element_t<k, all>>, Param> ||
               std::is_convertible_v<std::tuple_element_t<k, all>, std::string>;
    else
        return std::is_same_v<std::remove_cvref_t<std::tuple_element_t<k, all>>, Param> &&
               std::is_convertible_v<std::tuple_element_t<k + 1, all>, std::string>;
}

/// Op<N>(inputs...) with num_args set to N, the inputs being the first N entries of `all`.
template <class Op, class Tuple, std::size_t... I>
auto compose_join(std::string_view hint, typename Op::params p, std::string name, Tuple&& all,
                  std::index_sequence<I...>) {
    p.num_args = static_cast<int>(sizeof...(I));
    return compose<Op>(hint, std::move(name), p, std::get<I>(std::move(all))...);
}

/// A join (Concat, stack) of the leading symbols of args, with the Param and name that may follow.
template <template <std::size_t> class Op, class Param, class... A>
auto join(std::string_view hint, A&&... args) {
    constexpr std::size_t k = leading_symbols_v<A...>, rest = sizeof...(A) - k;
    auto all = std::forward_as_tuple(std::forward<A>(args)...);
    Param p{};
    std::string name;
    if constexpr (rest >= 1) {
        if constexpr (std::is_same_v<std::remove_cvref_t<std::tuple_element_t<k, std::tuple<A...>>>, Param>)
            p = std::get<k>(all);
        else
            name = std::get<k>(all);
    }
    if constexpr (rest == 2) name = std::get<k + 1>(all);
    return compose_join<Op<k>>(hint, p, std::move(name), std::move(all), std::make_index_sequence<k>{});
}

} // namespace shape_fn_detail

// ---- Reshape and friends ----------------------------------------------------------------

/// Reshape(x, {.shape = {0, -1}[, .reverse = true]}[, name]): op Reshape, auto-named
/// reshape<N>; the codes 0, -1, -2, -3, -4 as in MXNet (see ops::reshape_op).
template <symbol_operand X>
auto Reshape(X&& x, ops::reshape_param p, std::string name = {}) {
    return shape_fn_detail::one<ops::reshape_op>("reshape", std::forward<X>(x), std::move(p), std::move(name));
}
/// reshape(x, {.shape = ...}[, name]): the same op under MXNet's lower-case name (reshape<N>).
template <symbol_operand X>
auto reshape(X&& x, ops::reshape_param p, std::string name = {}) {
    return shape_fn_detail::one<ops::reshape_op>("reshape", std::forward<X>(x), std::move(p), std::move(name));
}

/// transpose(x[, {.axes = {1, 0}}][, name]): op transpose, auto-named transpose<N>; no axes
/// reverses them.
template <symbol_operand X>
auto transpose(X&& x, ops::transpose_param p = {}, std::string name = {}) {
    return shape_fn_detail::one<ops::transpose_op>("transpose", std::forward<X>(x), std::move(p), std::move(name));
}

/// expand_dims(x, axis[, name]): op expand_dims, auto-named expand_dims<N>.
template <symbol_operand X>
auto expand_dims(X&& x, int axis, std::string name = {}) {
    return shape_fn_detail::one<ops::expand_dims_op>("expand_dims", std::forward<X>(x), {axis}, std::move(name));
}

/// squeeze(x[, name]): every size-1 axis removed; op squeeze, auto-named squeeze<N>.
template <symbol_operand X>
auto squeeze(X&& x, std::string name = {}) {
    return shape_fn_detail::one<ops::squeeze_op>("squeeze", std::forward<X>(x), {}, std::move(name));
}
/// squeeze(x, axis[, name]): one axis (stored as axis="1").
template <symbol_operand X>
auto squeeze(X&& x, long long axis, std::string name = {}) {
    return shape_fn_detail::one<ops::squeeze_op>("squeeze", std::forward<X>(x),
                                                 {std::vector<long long>{axis}, true}, std::move(name));
}
/// squeeze(x, {0, 2}[, name]): several axes (stored as axis="(0, 2)").
template <symbol_operand X>
auto squeeze(X&& x, std::initializer_list<long long> axes, std::string name = {}) {
    return shape_fn_detail::one<ops::squeeze_op>("squeeze", std::forward<X>(x),
                                                 {std::vector<long long>(axes), false}, std::move(name));
}

/// Flatten(x[, name]): (d0, d1 * ... * dn); op Flatten, auto-named flatten<N>.
template <symbol_operand X>
auto Flatten(X&& x, std::string name = {}) {
    return shape_fn_detail::one<ops::flatten_op>("flatten", std::forward<X>(x), {}, std::move(name));
}
/// flatten(x[, name]): the same op under MXNet's lower-case name (flatten<N>).
template <symbol_operand X>
auto flatten(X&& x, std::string name = {}) {
    return shape_fn_detail::one<ops::flatten_op>("flatten", std::forward<X>(x), {}, std::move(name));
}

// ---- slicing ----------------------------------------------------------------------------

/// slice(x, {.begin = {0, 1}, .end = {2, std::nullopt}[, .step = {...}]}[, name]): op
/// slice, auto-named slice<N>; Python slice semantics per axis.
template <symbol_operand X>
auto slice(X&& x, ops::slice_param p, std::string name = {}) {
    return shape_fn_detail::one<ops::slice_op>("slice", std::forward<X>(x), std::move(p), std::move(name));
}

/// slice_axis(x, axis, begin, end[, name]): elements [begin, end) along `axis`, end may be
/// std::nullopt (None: to the end); op slice_axis, auto-named slice_axis<N>.
template <symbol_operand X>
auto slice_axis(X&& x, int axis, long long begin, std::optional<long long> end, std::string name = {}) {
    return shape_fn_detail::one<ops::slice_axis_op>("slice_axis", std::forward<X>(x), {axis, begin, end},
                                                    std::move(name));
}

// ---- split, SliceChannel (several outputs) -----------------------------------------------

namespace shape_fn_detail {
/// SliceChannel of x: a static node with several outputs, or for a runtime x a runtime
/// Symbol of all of them (as mx.sym.split returns).
template <class X>
auto split(std::string_view hint, X&& x, ops::split_param p, std::string name) {
    if (p.num_outputs < 1)
        throw error("split: num_outputs is " + std::to_string(p.num_outputs) + "; it must be at least 1");
    auto node = compose<ops::split_op>(hint, std::move(name), p, std::forward<X>(x));
    if constexpr (runtime_symbol<decltype(node)>) {
        return detail::all_outputs(node);
    } else {
        return node;
    }
}
} // namespace shape_fn_detail

/// split(x, {.num_outputs = 3[, .axis = 1][, .squeeze_axis = false]}[, name]): x cut into
/// num_outputs equal pieces along `axis`; op SliceChannel (alias split), auto-named
/// split<N>. The result is one node with several outputs: list_outputs() gives
/// `<name>_output0`, ...; get<I>(node) (or node.output<I>()) is output I, usable in any
/// expression; binding the node itself gives every output.
template <symbol_operand X>
auto split(X&& x, ops::split_param p, std::string name = {}) {
    return shape_fn_detail::split("split", std::forward<X>(x), p, std::move(name));
}
/// SliceChannel(x, {.num_outputs = 3, ...}[, name]): the same op under its JSON name,
/// auto-named slicechannel<N>.
template <symbol_operand X>
auto SliceChannel(X&& x, ops::split_param p, std::string name = {}) {
    return shape_fn_detail::split("slicechannel", std::forward<X>(x), p, std::move(name));
}

// ---- tile, repeat -----------------------------------------------------------------------

/// tile(x, {2, 3}[, name]): op tile, auto-named tile<N>; numpy.tile's rule.
template <symbol_operand X>
auto tile(X&& x, std::vector<long long> reps, std::string name = {}) {
    return shape_fn_detail::one<ops::tile_op>("tile", std::forward<X>(x), {std::move(reps)}, std::move(name));
}

/// repeat(x, repeats[, name]): the flattened input, each element `repeats` times; op
/// repeat, auto-named repeat<N>.
template <symbol_operand X>
auto repeat(X&& x, long long repeats, std::string name = {}) {
    return shape_fn_detail::one<ops::repeat_op>("repeat", std::forward<X>(x), {repeats, std::nullopt},
                                                std::move(name));
}
/// repeat(x, repeats, axis[, name]): each element `repeats` times along `axis`.
template <symbol_operand X>
auto repeat(X&& x, long long repeats, int axis, std::string name = {}) {
    return shape_fn_detail::one<ops::repeat_op>("repeat", std::forward<X>(x), {repeats, axis}, std::move(name));
}

// ---- Cast -------------------------------------------------------------------------------

/// Cast(x, sf::int32[, name]): op Cast, auto-named cast<N>; float to integer saturates and
/// maps NaN to 0.
template <symbol_operand X>
auto Cast(X&& x, dtype dt, std::string name = {}) {
    return shape_fn_detail::one<ops::cast_op>("cast", std::forward<X>(x), {dt}, std::move(name));
}
/// cast(x, sf::int32[, name]): the same op under MXNet's lower-case name (cast<N>).
template <symbol_operand X>
auto cast(X&& x, dtype dt, std::string name = {}) {
    return shape_fn_detail::one<ops::cast_op>("cast", std::forward<X>(x), {dt}, std::move(name));
}

// ---- zeros_like, ones_like, where (elementwise: they fuse) --------------------------------

/// zeros_like(x[, name]): zeros of x's shape and dtype; op zeros_like, auto-named zeros_like<N>.
template <symbol_operand X>
auto zeros_like(X&& x, std::string name = {}) {
    return shape_fn_detail::one<ops::zeros_like_op>("zeros_like", std::forward<X>(x), {}, std::move(name));
}
/// ones_like(x[, name]): ones of x's shape and dtype; op ones_like, auto-named ones_like<N>.
template <symbol_operand X>
auto ones_like(X&& x, std::string name = {}) {
    return shape_fn_detail::one<ops::ones_like_op>("ones_like", std::forward<X>(x), {}, std::move(name));
}
/// where(condition, x, y[, name]): x where condition != 0, else y; all three of one shape
/// and dtype. Op where, auto-named where<N>.
template <symbol_operand C, symbol_operand X, symbol_operand Y>
auto where(C&& condition, X&& x, Y&& y, std::string name = {}) {
    return compose<ops::where_op>("where", std::move(name), {}, std::forward<C>(condition), std::forward<X>(x),
                                  std::forward<Y>(y));
}

// ---- Concat, stack ----------------------------------------------------------------------

/// Concat(x0, x1, ...[, ops::concat_param{.dim = 0}][, name]): any number of inputs joined
/// along an existing axis (default 1); op Concat, auto-named concat<N>, num_args filled in.
template <class... A>
    requires(shape_fn_detail::join_args_ok<ops::concat_param, A...>())
auto Concat(A&&... args) {
    return shape_fn_detail::join<ops::concat_op, ops::concat_param>("concat", std::forward<A>(args)...);
}
/// concat(x0, x1, ...[, ops::concat_param{.dim = 0}][, name]): the same op, MXNet's lower-case name.
template <class... A>
    requires(shape_fn_detail::join_args_ok<ops::concat_param, A...>())
auto concat(A&&... args) {
    return shape_fn_detail::join<ops::concat_op, ops::concat_param>("concat", std::forward<A>(args)...);
}
/// stack(x0, x1, ...[, ops::stack_param{.axis = 1}][, name]): inputs of one shape joined
/// along a new axis (default 0); op stack, auto-named stack<N>, num_args filled in.
template <class... A>
    requires(shape_fn_detail::join_args_ok<ops::stack_param, A...>())
auto stack(A&&... args) {
    return shape_fn_detail::join<ops::stack_op, ops::stack_param>("stack", std::forward<A>(args)...);
}

// C++ cannot deduce a parameter pack that other parameters follow, and a braced list such
// as {.dim = 0} has no type to deduce; so the forms taking the attributes as a trailing
// braced list, concat(a, b, c, {.dim = 0}[, name]), are spelled out for 1 to 16 inputs
// (more inputs: pass ops::concat_param{...} to the forms above).
#define SYMFLOW_JOIN_P1 symbol_operand auto&& x0
#define SYMFLOW_JOIN_P2 SYMFLOW_JOIN_P1, symbol_operand auto&& x1
#define SYMFLOW_JOIN_P3 SYMFLOW_JOIN_P2, symbol_operand auto&& x2
#define SYMFLOW_JOIN_P4 SYMFLOW_JOIN_P3, symbol_operand auto&& x3
#define SYMFLOW_JOIN_P5 SYMFLOW_JOIN_P4, symbol_operand auto&& x4
#define SYMFLOW_JOIN_P6 SYMFLOW_JOIN_P5, symbol_operand auto&& x5
#define SYMFLOW_JOIN_P7 SYMFLOW_JOIN_P6, symbol_operand auto&& x6
#define SYMFLOW_JOIN_P8 SYMFLOW_JOIN_P7, symbol_operand auto&& x7
#define SYMFLOW_JOIN_P9 SYMFLOW_JOIN_P8, symbol_operand auto&& x8
#define SYMFLOW_JOIN_P10 SYMFLOW_JOIN_P9, symbol_operand auto&& x9
#define SYMFLOW_JOIN_P11 SYMFLOW_JOIN_P10, symbol_operand auto&& x10
#define SYMFLOW_JOIN_P12 SYMFLOW_JOIN_P11, symbol_operand auto&& x11
#define SYMFLOW_JOIN_P13 SYMFLOW_JOIN_P12, symbol_operand auto&& x12
#define SYMFLOW_JOIN_P14 SYMFLOW_JOIN_P13, symbol_operand auto&& x13
#define SYMFLOW_JOIN_P15 SYMFLOW_JOIN_P14, symbol_operand auto&& x14
#define SYMFLOW_JOIN_P16 SYMFLOW_JOIN_P15, symbol_operand auto&& x15
#define SYMFLOW_JOIN_F(x) std::forward<decltype(x)>(x)
#define SYMFLOW_JOIN_A1 SYMFLOW_JOIN_F(x0)
#define SYMFLOW_JOIN_A2 SYMFLOW_JOIN_A1, SYMFLOW_JOIN_F(x1)
#define SYMFLOW_JOIN_A3 SYMFLOW_JOIN_A2, SYMFLOW_JOIN_F(x2)
#define SYMFLOW_JOIN_A4 SYMFLOW_JOIN_A3, SYMFLOW_JOIN_F(x3)
#define SYMFLOW_JOIN_A5 SYMFLOW_JOIN_A4, SYMFLOW_JOIN_F(x4)
#define SYMFLOW_JOIN_A6 SYMFLOW_JOIN_A5, SYMFLOW_JOIN_F(x5)
#define SYMFLOW_JOIN_A7 SYMFLOW_JOIN_A6, SYMFLOW_JOIN_F(x6)
#define SYMFLOW_JOIN_A8 SYMFLOW_JOIN_A7, SYMFLOW_JOIN_F(x7)
#define SYMFLOW_JOIN_A9 SYMFLOW_JOIN_A8, SYMFLOW_JOIN_F(x8)
#define SYMFLOW_JOIN_A10 SYMFLOW_JOIN_A9, SYMFLOW_JOIN_F(x9)
#define SYMFLOW_JOIN_A11 SYMFLOW_JOIN_A10, SYMFLOW_JOIN_F(x10)
#define SYMFLOW_JOIN_A12 SYMFLOW_JOIN_A11, SYMFLOW_JOIN_F(x11)
#define SYMFLOW_JOIN_A13 SYMFLOW_JOIN_A12, SYMFLOW_JOIN_F(x12)
#define SYMFLOW_JOIN_A14 SYMFLOW_JOIN_A13, SYMFLOW_JOIN_F(x13)
#define SYMFLOW_JOIN_A15 SYMFLOW_JOIN_A14, SYMFLOW_JOIN_F(x14)
#define SYMFLOW_JOIN_A16 SYMFLOW_JOIN_A15, SYMFLOW_JOIN_F(x15)
#define SYMFLOW_JOIN_FORMS(N)                                                                                    \
    auto Concat(SYMFLOW_JOIN_P##N, ops::concat_param p, std::string name = {}) {                          \
        return shape_fn_detail::join<ops::concat_op, ops::concat_param>("concat", SYMFLOW_JOIN_A##N, p,         \
                                                                        std::move(name));                        \
    }                                                                                                            \
    auto concat(SYMFLOW_JOIN_P##N, ops::concat_param p, std::string name = {}) {                          \
        return shape_fn_detail::join<ops::concat_op, ops::concat_param>("concat", SYMFLOW_JOIN_A##N, p,         \
                                                                        std::move(name));                        \
    }                                                                                                            \
    auto stack(SYMFLOW_JOIN_P##N, ops::stack_param p, std::string name = {}) {                            \
        return shape_fn_detail::join<ops::stack_op, ops::stack_param>("stack", SYMFLOW_JOIN_A##N, p,            \
                                                                      std::move(name));                          \
    }
SYMFLOW_JOIN_FORMS(1)
SYMFLOW_JOIN_FORMS(2)
SYMFLOW_JOIN_FORMS(3)
SYMFLOW_JOIN_FORMS(4)
SYMFLOW_JOIN_FORMS(5)
SYMFLOW_JOIN_FORMS(6)
SYMFLOW_JOIN_FORMS(7)
SYMFLOW_JOIN_FORMS(8)
SYMFLOW_JOIN_FORMS(9)
SYMFLOW_JOIN_FORMS(10)
SYMFLOW_JOIN_FORMS(11)
SYMFLOW_JOIN_FORMS(12)
SYMFLOW_JOIN_FORMS(13)
SYMFLOW_JOIN_FORMS(14)
SYMFLOW_JOIN_FORMS(15)
SYMFLOW_JOIN_FORMS(16)
#undef SYMFLOW_JOIN_FORMS
#undef SYMFLOW_JOIN_F
#undef SYMFLOW_JOIN_A16
#undef SYMFLOW_JOIN_A15
#undef SYMFLOW_JOIN_A14
#undef SYMFLOW_JOIN_A13
#undef SYMFLOW_JOIN_A12
#undef SYMFLOW_JOIN_A11
#undef SYMFLOW_JOIN_A10
#undef SYMFLOW_JOIN_A9
#undef SYMFLOW_JOIN_A8
#undef SYMFLOW_JOIN_A7
#undef SYMFLOW_JOIN_A6
#undef SYMFLOW_JOIN_A5
#undef SYMFLOW_JOIN_A4
#undef SYMFLOW_JOIN_A3
#undef SYMFLOW_JOIN_A2
#undef SYMFLOW_JOIN_A1
#undef SYMFLOW_JOIN_P16
#undef SYMFLOW_JOIN_P15
#undef SYMFLOW_JOIN_P14
#undef SYMFLOW_JOIN_P13
#undef SYMFLOW_JOIN_P12
#undef SYMFLOW_JOIN_P11
#undef SYMFLOW_JOIN_P10
#undef SYMFLOW_JOIN_P9
#undef SYMFLOW_JOIN_P8
#undef SYMFLOW_JOIN_P7
#undef SYMFLOW_JOIN_P6
#undef SYMFLOW_JOIN_P5
#undef SYMFLOW_JOIN_P4
#undef SYMFLOW_JOIN_P3
#undef SYMFLOW_JOIN_P2
#undef SYMFLOW_JOIN_P1

} // namespace symflow::sym
