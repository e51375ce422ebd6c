#pragma once
// The shape and dtype rules applied to one node of a static expression, with errors
// that name the node, the arguments feeding it and the offending shapes or dtypes.
#include <array>
#include <span>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "arguments.hpp"

namespace symflow::sym {

/// What inference knows about one node's output.
using node_meta = ops::meta;

namespace detail {
/// "argument 'C'" or "'_mul0' output 1 (elemwise_mul of A, B)": what a user can find in
/// the code. Not a template, so that it is compiled once, not once per node type.
inline std::string describe_node(const std::string& name, std::string_view op, bool is_output, std::size_t index,
                                 const std::string_view* args, std::size_t num_args) {
    std::string r = "'" + name + "'" + (is_output ? " output " + std::to_string(index) : std::string()) + " (" +
                    std::string(op) + " of ";
    for (std::size_t i = 0; i < num_args; ++i) r += (i ? ", " : "") + std::string(args[i]);
    return r + ")";
}

template <class E>
std::string describe(const E& e) {
    if constexpr (is_variable_v<E>) return "argument '" + e.name() + "'";
    else
        return describe_node(e.name(), E::op::name, is_output_of_v<E>, output_index_v<E>, arguments_v<E>.data(),
                             arguments_v<E>.size());
}

/// How the errors of one node name it and its inputs; the inputs' descriptions are
/// computed only when an error is thrown. It lets the rules below be plain functions,
/// compiled once rather than once per node type.
struct node_names {
    std::string_view op;                   ///< the op's name
    const std::string* name;               ///< the node's name
    std::span<const std::string_view> inputs;  ///< the op's input names ("lhs", "rhs")
    const void* node;
    std::string (*describe_input)(const void* node, std::size_t j);  ///< "argument 'A'" for input j
    /// "SliceChannel node 'slice'".
    std::string label() const { return std::string(op) + " node '" + *name + "'"; }
    /// "lhs argument 'A'".
    std::string input(std::size_t j) const { return std::string(inputs[j]) + " " + describe_input(node, j); }
};

template <class Op, class... In, std::size_t... I>
std::string describe_input_at(const expr<Op, In...>& e, std::size_t j, std::index_sequence<I...>) {
    std::string r;
    ((j == I ? (r = describe(std::get<I>(e.inputs())), 0) : 0), ...);
    return r;
}
/// node_names of e.
template <class Op, class... In>
node_names names_of(const expr<Op, In...>& e) {
    return {Op::name, &e.name(), std::span<const std::string_view>(Op::inputs.data(), Op::inputs.size()), &e,
            [](const void* n, std::size_t j) {
                return describe_input_at(*static_cast<const expr<Op, In...>*>(n), j, std::index_sequence_for<In...>{});
            }};
}

/// "lhs argument 'A'": input j of op node e, by its input name.
template <class Op, class... In, std::size_t... I>
std::string describe_input(const expr<Op, In...>& e, std::size_t j, std::index_sequence<I...>) {
    return names_of(e).input(j);
}

inline std::string meta_str(const node_meta& m) {
    return (m.shape_known ? m.shape.str() + " " : std::string()) + std::string(dtype_name(m.dt));
}

/// "SliceChannel node 'slice'": how errors name a node.
template <class Op, class... In>
std::string node_label(const expr<Op, In...>& e) {
    return names_of(e).label();
}

/// Rejects inputs whose dtype the op does not take (`dtypes`), naming the node and the input.
inline void check_dtypes(const node_names& n, ops::dtype_set dtypes, std::span<const node_meta> in) {
    for (std::size_t i = 0; i < in.size(); ++i)
        if (!dtypes.contains(in[i].dt))
            throw error(n.label() + ": dtype " + std::string(dtype_name(in[i].dt)) + " of " + n.input(i) +
                        " is not supported; " + std::string(n.op) + " takes " + dtypes.str());
}
template <class Op, class... In>
void check_dtypes(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in) {
    check_dtypes(names_of(e), ops::op_dtypes<Op>(), in);
}

/// The rule of an elementwise node: equal shapes and dtypes; the output is its first input's.
inline node_meta apply_elementwise_rule(const node_names& n, ops::dtype_set dtypes, std::span<const node_meta> in) {
    check_dtypes(n, dtypes, in);
    for (std::size_t i = 1; i < in.size(); ++i) {
        if (in[i].shape_known && in[0].shape_known && in[i].shape != in[0].shape)
            throw error(n.label() + ": input shapes differ: " + n.input(0) + " has shape " + in[0].shape.str() +
                        " but " + n.input(i) + " has shape " + in[i].shape.str() + "; " + std::string(n.op) +
                        " needs equal shapes (MXNet's symbol operators do not broadcast)");
        if (in[i].dt != in[0].dt)
            throw error(n.label() + ": input dtypes differ: " + n.input(0) + " is " +
                        std::string(dtype_name(in[0].dt)) + " but " + n.input(i) + " is " +
                        std::string(dtype_name(in[i].dt)));
    }
    node_meta out = in[0];
    out.shape_known = true;
    for (const auto& m : in) out.shape_known = out.shape_known && m.shape_known;
    return out;
}

/// f() (an op's own infer rule), its errors prefixed with the node and its inputs' metas.
template <class Op, class... In, class F>
auto with_node_context(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in, F&& f) {
    try {
        return f();
    } catch (const error& err) {
        std::string inputs;
        for (std::size_t i = 0; i < in.size(); ++i)
            inputs += (i ? ", " : "") + describe_input(e, i, std::index_sequence_for<In...>{}) + " " + meta_str(in[i]);
        throw error(node_label(e) + " (" + inputs + "): " + err.what());
    }
}

/// The rule of node e given its inputs' metas: equal shapes and dtypes for elementwise
/// ops, the op's own infer() for materialized ones; and the op's dtype set.
template <class Op, class... In>
node_meta apply_rule(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in) {
    if constexpr (Op::kind == ops::op_kind::elementwise) {
        return apply_elementwise_rule(names_of(e), ops::op_dtypes<Op>(), in);
    } else {
        check_dtypes(e, in);
        return with_node_context(e, in, [&] { return Op::infer(e.params(), in); });
    }
}

/// The rule of a node with several outputs (the node itself or one of its outputs): the
/// metas of all its outputs, from the op's infer_outputs().
template <class Op, class... In>
std::vector<node_meta> apply_rule_outputs(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in) {
    using base = ops::node_op_t<Op>;
    check_dtypes(e, in);
    auto metas = with_node_context(e, in, [&] { return base::infer_outputs(e.params(), in); });
    if (metas.size() != base::num_outputs(e.params()))
        throw error("internal: " + node_label(e) + " inferred " + std::to_string(metas.size()) + " outputs, not " +
                    std::to_string(base::num_outputs(e.params())));
    return metas;
}
} // namespace detail

} // namespace symflow::sym
