#pragma once
// Limits on the size of static graphs, checked as each node is composed.
//
// A static graph's type is a tree: a node used twice appears twice in the type of what
// reads it, so a DAG that reuses nodes doubles with every reuse (the 512-node graph of
// bench/gen_static_graph.py is a tree of 3.5e15 occurrences). The value, the planner's
// walk at bind and the fused loop all grow with the tree, and so does the compiler's work
// wherever it walks occurrences; the depth drives the compiler's template nesting. Past
// either limit composing stops with one compile error naming the runtime Symbol, which
// holds the same graph as data at no compile cost per node.
#include <cstddef>
#include <string>
#include <vector>

#include "../core/context.hpp"
#include "../nd/ndarray.hpp"
#include "expr.hpp"

// Most op node occurrences of a static graph, counted as a tree (a node read twice
// counts twice). A graph's value holds every occurrence (about 70 bytes each) and lives
// on the stack, as do the intermediate expressions a program keeps: the 128-node graph of
// bench/gen_static_graph.py (43599 occurrences) kept 33 MB of locals in main and crashed
// on the default 8 MiB stack. 4096 keeps one graph under 300 KiB.
#ifndef SYMFLOW_STATIC_GRAPH_MAX_NODES
#define SYMFLOW_STATIC_GRAPH_MAX_NODES 4096
#endif
// Most op nodes on a path from a variable to the root of a static graph: the compiler
// nests a few template instantiations per level (GCC stops at 900 by default).
#ifndef SYMFLOW_STATIC_GRAPH_MAX_DEPTH
#define SYMFLOW_STATIC_GRAPH_MAX_DEPTH 192
#endif

namespace symflow::sym {

/// Most op node occurrences a static graph may have (a node used twice counts twice).
inline constexpr std::size_t max_static_graph_nodes = SYMFLOW_STATIC_GRAPH_MAX_NODES;
/// Most op nodes on one path from a variable to the root of a static graph.
inline constexpr std::size_t max_static_graph_depth = SYMFLOW_STATIC_GRAPH_MAX_DEPTH;

/// Instantiated (and failing) when composing a node would make a static graph of `Nodes`
/// op node occurrences and depth `Depth`, past max_static_graph_nodes or _depth.
template <std::size_t Nodes, std::size_t Depth>
struct static_graph_too_large {
    static_assert(Nodes == 0 && Depth == 0,
                  "symflow: this static graph is too large (see static_graph_too_large<nodes, depth>: its op node "
                  "occurrences, a node used twice counting twice, exceed sf::sym::max_static_graph_nodes, or its "
                  "depth exceeds sf::sym::max_static_graph_depth) - build it as a runtime sf::sym::Symbol, which "
                  "holds the same graph as data: convert a smaller part (sf::sym::Symbol s = expr) and compose "
                  "the rest on s, or use the runtime API (the limits are SYMFLOW_STATIC_GRAPH_MAX_NODES and "
                  "SYMFLOW_STATIC_GRAPH_MAX_DEPTH)");
    static constexpr bool value = false;
};

/// What composing past the limits gives, after the compile error above: a small type that
/// every op accepts and that binds to a stub, so that the rest of the program adds no
/// further errors and no further cost (a growing graph type would cost minutes and GiBs).
struct too_large_graph : static_symbol_tag {
    /// What bind() gives: never run, as the program did not compile.
    struct unbound {
        std::vector<nd::NDArray> outs;
        /// No outputs (unreachable: the program did not compile).
        const std::vector<nd::NDArray>& forward() { return outs; }
        /// No outputs.
        const std::vector<nd::NDArray>& outputs() const { return outs; }
    };
    /// A placeholder name.
    std::string name() const { return "too_large_graph"; }
    /// A stub (the program did not compile).
    template <class... B>
    unbound bind(Context, B&&...) const {
        return {};
    }
};

namespace detail {
/// True for too_large_graph.
template <class E>
inline constexpr bool is_too_large_graph_v = std::is_same_v<std::remove_cvref_t<E>, too_large_graph>;
} // namespace detail

} // namespace symflow::sym
