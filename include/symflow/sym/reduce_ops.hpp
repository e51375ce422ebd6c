#pragma once
// Static-symbol forms of the reductions: sum, mean, prod, nansum, max, min, norm, argmax,
// argmin (and the sum_axis, max_axis, min_axis spellings), as mx.sym names them.
#include <string>
#include <utility>

#include "../ops/reduce.hpp"
#include "compose.hpp"
#include "expr.hpp"

namespace symflow::sym {

// Each function takes MXNet's keyword attributes as a params struct with designated
// initialisers, `sum(a, {.axis = {0, 2}, .keepdims = true})`, then an optional name; the
// node is auto-named after the Python function (sum0, sum_axis0, ...) unless named.

/// sum(x[, {.axis, .keepdims, .exclude}][, name]): op sum, auto-named sum<N>.
template <symbol_operand X>
auto sum(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::sum_op>("sum", std::move(name), std::move(p), std::forward<X>(x));
}
/// sum_axis(x, ...): MXNet's alias of sum (op sum), auto-named sum_axis<N>.
template <symbol_operand X>
auto sum_axis(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::sum_op>("sum_axis", std::move(name), std::move(p), std::forward<X>(x));
}
/// mean(x[, {.axis, .keepdims, .exclude}][, name]): op mean, auto-named mean<N>.
template <symbol_operand X>
auto mean(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::mean_op>("mean", std::move(name), std::move(p), std::forward<X>(x));
}
/// prod(x[, {.axis, .keepdims, .exclude}][, name]): op prod, auto-named prod<N>.
template <symbol_operand X>
auto prod(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::prod_op>("prod", std::move(name), std::move(p), std::forward<X>(x));
}
/// nansum(x[, {.axis, .keepdims, .exclude}][, name]): op nansum, auto-named nansum<N>.
template <symbol_operand X>
auto nansum(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::nansum_op>("nansum", std::move(name), std::move(p), std::forward<X>(x));
}
/// max(x[, {.axis, .keepdims, .exclude}][, name]): op max, auto-named max<N>.
template <symbol_operand X>
auto max(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::max_op>("max", std::move(name), std::move(p), std::forward<X>(x));
}
/// max_axis(x, ...): MXNet's alias of max (op max), auto-named max_axis<N>.
template <symbol_operand X>
auto max_axis(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::max_op>("max_axis", std::move(name), std::move(p), std::forward<X>(x));
}
/// min(x[, {.axis, .keepdims, .exclude}][, name]): op min, auto-named min<N>.
template <symbol_operand X>
auto min(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::min_op>("min", std::move(name), std::move(p), std::forward<X>(x));
}
/// min_axis(x, ...): MXNet's alias of min (op min), auto-named min_axis<N>.
template <symbol_operand X>
auto min_axis(X&& x, ops::reduce_param p = {}, std::string name = {}) {
    return compose<ops::min_op>("min_axis", std::move(name), std::move(p), std::forward<X>(x));
}
/// norm(x[, {.ord, .axis, .keepdims}][, name]): the L2 norm (ord 2 only), op norm,
/// auto-named norm<N>.
template <symbol_operand X>
auto norm(X&& x, ops::norm_param p = {}, std::string name = {}) {
    return compose<ops::norm_op>("norm", std::move(name), std::move(p), std::forward<X>(x));
}
/// argmax(x[, {.axis, .keepdims}][, name]): index of the first maximum in x's dtype,
/// op argmax, auto-named argmax<N>.
template <symbol_operand X>
auto argmax(X&& x, ops::arg_reduce_param p = {}, std::string name = {}) {
    return compose<ops::argmax_op>("argmax", std::move(name), std::move(p), std::forward<X>(x));
}
/// argmin(x[, {.axis, .keepdims}][, name]): index of the first minimum in x's dtype,
/// op argmin, auto-named argmin<N>.
template <symbol_operand X>
auto argmin(X&& x, ops::arg_reduce_param p = {}, std::string name = {}) {
    return compose<ops::argmin_op>("argmin", std::move(name), std::move(p), std::forward<X>(x));
}

} // namespace symflow::sym
