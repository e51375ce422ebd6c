#pragma once
// Static-symbol forms of the layer ops: FullyConnected, batch_dot, softmax, log_softmax,
// SoftmaxOutput and Dropout, as mx.sym names them.
#include <string>
#include <utility>

#include "../core/error.hpp"
#include "../ops/layers.hpp"
#include "compose.hpp"
#include "expr.hpp"

namespace symflow::sym {

// MXNet creates a missing weight, bias or label as a Variable named <node>_weight,
// <node>_bias, <node>_label. Variable names are compile-time here while node names are
// not, so these functions take those inputs explicitly. Each function names its node as
// MXNet's Python function would (fullyconnected0, ...); an explicit name is used as given.

/// FullyConnected(data, weight, bias, {.num_hidden = n[, .flatten]}[, name]): data . weight^T
/// + bias; weight (num_hidden, in), bias (num_hidden,). Auto-named fullyconnected<N>.
template <symbol_operand D, symbol_operand W, symbol_operand B>
auto FullyConnected(D&& data, W&& weight, B&& bias, ops::fully_connected_param p, std::string name = {}) {
    using op = ops::fully_connected_op<3>;
    return compose<op>(op::hint, std::move(name), std::move(p), std::forward<D>(data), std::forward<W>(weight),
                       std::forward<B>(bias));
}

/// FullyConnected(data, weight, {.num_hidden = n, .no_bias = true[, .flatten]}[, name]): the
/// form without bias (no_bias must be true, as the JSON records it). Auto-named fullyconnected<N>.
template <symbol_operand D, symbol_operand W>
auto FullyConnected(D&& data, W&& weight, ops::fully_connected_param p, std::string name = {}) {
    using op = ops::fully_connected_op<2>;
    return compose<op>(op::hint, std::move(name), std::move(p), std::forward<D>(data), std::forward<W>(weight));
}

/// batch_dot(lhs, rhs[, {.transpose_a, .transpose_b}][, name]): a matrix product per batch,
/// (B, M, K) x (B, K, N) -> (B, M, N). Auto-named batch_dot<N>.
template <symbol_operand L, symbol_operand R>
auto batch_dot(L&& lhs, R&& rhs, ops::dot_param p = {}, std::string name = {}) {
    return compose<ops::batch_dot_op>(ops::batch_dot_op::hint, std::move(name), p, std::forward<L>(lhs),
                                      std::forward<R>(rhs));
}

/// softmax(data[, {.axis = -1, .temperature}][, name]): normalised exponentials along axis;
/// float32/float64. Auto-named softmax<N>.
template <symbol_operand X>
auto softmax(X&& data, ops::softmax_param p = {}, std::string name = {}) {
    return compose<ops::softmax_op>(ops::softmax_op::hint, std::move(name), p, std::forward<X>(data));
}

/// log_softmax(data[, {.axis = -1, .temperature}][, name]): log of softmax, computed stably;
/// float32/float64. Auto-named log_softmax<N>.
template <symbol_operand X>
auto log_softmax(X&& data, ops::softmax_param p = {}, std::string name = {}) {
    return compose<ops::log_softmax_op>(ops::log_softmax_op::hint, std::move(name), p, std::forward<X>(data));
}

/// SoftmaxOutput(data, label[, {.preserve_shape, .multi_output, ...}][, name]): the softmax of
/// the softmax loss at inference; label (d0,) for (d0, classes) data, checked but not read;
/// float32/float64. Auto-named softmaxoutput<N>.
template <symbol_operand X, symbol_operand L>
auto SoftmaxOutput(X&& data, L&& label, ops::softmax_output_param p = {}, std::string name = {}) {
    return compose<ops::softmax_output_op>(ops::softmax_output_op::hint, std::move(name), std::move(p),
                                           std::forward<X>(data), std::forward<L>(label));
}

/// Dropout(data[, {.p, .mode, .axes}][, name]): the identity at inference, fused with the
/// elementwise ops around it. Bad attributes throw here, naming the node. Auto-named dropout<N>.
template <symbol_operand X>
auto Dropout(X&& data, ops::dropout_param p = {}, std::string name = {}) {
    const std::string problem = p.problem();
    auto node = compose<ops::dropout_op>(ops::dropout_op::hint, std::move(name), std::move(p), std::forward<X>(data));
    if (!problem.empty()) throw error("Dropout node '" + node.name() + "': " + problem);
    return node;
}

} // namespace symflow::sym
