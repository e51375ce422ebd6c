#pragma once
// The shape and dtype rules applied to one node of a static expression, with errors
// that name the node, the arguments feeding it and the offending shapes or dtypes.
#include <array>
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
/// "argument 'C'" or "'_mul0' (elemwise_mul of A, B)": what a user can find in the code.
template <class E>
std::string describe(const E& e) {
    if constexpr (is_variable_v<E>) return "argument '" + e.name() + "'";
    else {
        std::string r = "'" + e.name() + "'" +
                        (is_output_of_v<E> ? " output " + std::to_string(output_index_v<E>) : std::string()) + " (" +
                        std::string(E::op::name) + " of ";
        const auto& args = arguments_v<E>;
        for (std::size_t i = 0; i < args.size(); ++i) r += (i ? ", " : "") + std::string(args[i]);
        return r + ")";
    }
}

/// "lhs argument 'A'": input j of op node e, by its input name.
template <class Op, class... In, std::size_t... I>
std::string describe_input(const expr<Op, In...>& e, std::size_t j, std::index_sequence<I...>) {
    std::string r;
    ((j == I ? (r = describe(std::get<I>(e.inputs())), 0) : 0), ...);
    return std::string(Op::inputs[j]) + " " + r;
}

inline std::string meta_str(const node_meta& m) {
    return (m.shape_known ? m.shape.str() + " " : std::string()) + std::string(dtype_name(m.dt));
}

/// "SliceChannel node 'slice'": how errors name a node.
template <class Op, class... In>
std::string node_label(const expr<Op, In...>& e) {
    return std::string(Op::name) + " node '" + e.name() + "'";
}

/// Rejects inputs whose dtype op Op does not take, naming the node and the input.
template <class Op, class... In>
void check_dtypes(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in) {
    for (std::size_t i = 0; i < in.size(); ++i)
        if (!ops::op_dtypes<Op>().contains(in[i].dt))
            throw error(node_label(e) + ": dtype " + std::string(dtype_name(in[i].dt)) + " of " +
                        describe_input(e, i, std::index_sequence_for<In...>{}) + " is not supported; " +
                        std::string(Op::name) + " takes " + ops::op_dtypes<Op>().str());
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
    constexpr auto seq = std::index_sequence_for<In...>{};
    check_dtypes(e, in);
    if constexpr (Op::kind == ops::op_kind::elementwise) {
        const std::string node = node_label(e);
        for (std::size_t i = 1; i < in.size(); ++i) {
            if (in[i].shape_known && in[0].shape_known && in[i].shape != in[0].shape)
                throw error(node + ": input shapes differ: " + describe_input(e, 0, seq) + " has shape " +
                            in[0].shape.str() + " but " + describe_input(e, i, seq) + " has shape " +
                            in[i].shape.str() + "; " + std::string(Op::name) +
                            " needs equal shapes (MXNet's symbol operators do not broadcast)");
            if (in[i].dt != in[0].dt)
                throw error(node + ": input dtypes differ: " + describe_input(e, 0, seq) + " is " +
                            std::string(dtype_name(in[0].dt)) + " but " + describe_input(e, i, seq) + " is " +
                            std::string(dtype_name(in[i].dt)));
        }
        node_meta out = in[0];
        out.shape_known = true;
        for (const auto& m : in) out.shape_known = out.shape_known && m.shape_known;
        return out;
    } else {
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
