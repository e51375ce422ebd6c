#pragma once
// The checks inference makes at one node, shared by the static planner (sym/infer.hpp)
// and the runtime graph's inference (runtime/infer.hpp): the op's dtype set, the equal
// shapes and dtypes of an elementwise op's inputs, and an op rule's error put in its
// node's context. Plain functions, compiled once rather than once per node type.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../ops/op.hpp"

namespace symflow::sym::detail {

/// How errors at one node name it and its inputs, each front end in its own words
/// ("elemwise_add node '_plus0'", "op elemwise_add, node '_plus0'"); the names are made
/// only when an error is thrown.
struct node_names {
    std::string_view op;  ///< the op's name
    const void* node;     ///< the node, as `describe` takes it
    /// The node itself (j < 0) or its input j ("lhs argument 'A'").
    std::string (*describe)(const void* node, std::ptrdiff_t j);
    std::string label() const { return describe(node, -1); }
    std::string input(std::size_t j) const { return describe(node, static_cast<std::ptrdiff_t>(j)); }
};

/// "(2, 3) float32", or "(unknown shape) float32" while types are inferred without shapes.
inline std::string meta_text(const ops::meta& m) {
    return (m.shape_known ? m.shape.str() + " " : std::string("(unknown shape) ")) + std::string(dtype_name(m.dt));
}

/// Rejects inputs whose dtype the op does not take (`dtypes`), naming the node and the input.
inline void check_dtypes(const node_names& n, ops::dtype_set dtypes, std::span<const ops::meta> in) {
    for (std::size_t i = 0; i < in.size(); ++i)
        if (!dtypes.contains(in[i].dt))
            throw error(n.label() + ": dtype " + std::string(dtype_name(in[i].dt)) + " of " + n.input(i) +
                        " is not supported; " + std::string(n.op) + " takes " + dtypes.str());
}

/// The rule of an elementwise node (after check_dtypes): its inputs' dtypes are equal and
/// so are their shapes where known; the output has that dtype and the first known shape
/// (unknown if none is).
inline ops::meta equal_shapes_rule(const node_names& n, std::span<const ops::meta> in) {
    ops::meta out = in.empty() ? ops::meta{} : in[0];
    std::size_t from = 0;  // the input whose shape `out` has
    for (std::size_t k = 1; k < in.size(); ++k) {
        if (in[k].dt != in[0].dt)
            throw error(n.label() + ": input dtypes differ: " + n.input(0) + " is " +
                        std::string(dtype_name(in[0].dt)) + " but " + n.input(k) + " is " +
                        std::string(dtype_name(in[k].dt)));
        if (!in[k].shape_known) continue;
        if (out.shape_known && in[k].shape != out.shape)
            throw error(n.label() + ": input shapes differ: " + n.input(from) + " has shape " + out.shape.str() +
                        " but " + n.input(k) + " has shape " + in[k].shape.str() + "; " + std::string(n.op) +
                        " needs equal shapes (MXNet's symbol operators do not broadcast)");
        if (!out.shape_known) from = k;
        out.shape = in[k].shape;
        out.shape_known = true;
    }
    return out;
}

/// An op's own rule failed at this node: its error again, prefixed with the node and what
/// was known of its inputs.
[[noreturn]] inline void throw_in_node_context(const node_names& n, std::span<const ops::meta> in, const error& err) {
    std::string inputs;
    for (std::size_t k = 0; k < in.size(); ++k) inputs += (k ? ", " : "") + n.input(k) + " " + meta_text(in[k]);
    throw error(n.label() + " (" + inputs + "): " + err.what());
}

} // namespace symflow::sym::detail
