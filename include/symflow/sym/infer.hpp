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
#include "node_rules.hpp"

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

template <class Op, class... In, std::size_t... I>
std::string describe_input_at(const expr<Op, In...>& e, std::size_t j, std::index_sequence<I...>) {
    std::string r;
    ((j == I ? (r = describe(e.template input<I>()), 0) : 0), ...);
    return r;
}
/// "elemwise_add node '_plus0'". The strings of node_names are built by these two
/// functions, once, rather than in the function each node type has.
[[gnu::noinline]] inline std::string static_node_label(std::string_view op, const std::string& name) {
    return std::string(op) + " node '" + name + "'";
}
/// "lhs argument 'A'": an input's name, then what feeds it.
[[gnu::noinline]] inline std::string static_input_label(std::string_view input, const std::string& source) {
    return std::string(input) + " " + source;
}
/// node_names of e: "elemwise_add node '_plus0'", "lhs argument 'A'".
template <class Op, class... In>
node_names names_of(const expr<Op, In...>& e) {
    return {Op::name, &e, [](const void* n, std::ptrdiff_t j) {
                const auto& x = *static_cast<const expr<Op, In...>*>(n);
                if (j < 0) return static_node_label(Op::name, x.name());
                const auto k = static_cast<std::size_t>(j);
                return static_input_label(Op::inputs[k], describe_input_at(x, k, std::index_sequence_for<In...>{}));
            }};
}

/// "SliceChannel node 'slice'": how errors name a node.
template <class Op, class... In>
std::string node_label(const expr<Op, In...>& e) {
    return names_of(e).label();
}

template <class Op, class... In>
void check_dtypes(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in) {
    check_dtypes(names_of(e), ops::op_dtypes<Op>(), in);
}

/// f() (an op's own infer rule), its errors prefixed with the node and its inputs' metas.
template <class Op, class... In, class F>
auto with_node_context(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in, F&& f) {
    try {
        return f();
    } catch (const error& err) {
        throw_in_node_context(names_of(e), in, err);
    }
}

/// The rule of node e given its inputs' metas: equal shapes and dtypes for elementwise
/// ops, the op's own infer() for materialized ones; and the op's dtype set.
template <class Op, class... In>
node_meta apply_rule(const expr<Op, In...>& e, const std::array<node_meta, sizeof...(In)>& in) {
    if constexpr (Op::kind == ops::op_kind::elementwise) {
        const node_names names = names_of(e);
        check_dtypes(names, ops::op_dtypes<Op>(), in);
        return equal_shapes_rule(names, in);
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
