#pragma once
// compose() on runtime operands: the op node held as data in a runtime Symbol. Kept apart
// from compose.hpp so that static graphs compile without the runtime's headers;
// runtime/symbol.hpp includes it at its end.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../runtime/symbol.hpp"
#include "compose.hpp"
#include "to_symbol.hpp"

namespace symflow::sym::detail {

/// A runtime node's naming counter, read or written atomically. Runtime nodes are shared
/// (a Symbol is a handle): threads that each use one shared Symbol as an lvalue operand
/// all settle it, each reading and writing the counters of the same nodes at once, a data
/// race (ThreadSanitizer found it; tests/test_thread_safety.cpp). Relaxed suffices: every
/// writer stores the same -1, and nothing else is published through the counter.
inline std::atomic_ref<std::int64_t> shared_counter(Node& n) { return std::atomic_ref<std::int64_t>(n.counter); }

/// Marks the not-yet-settled nodes of a runtime graph as settled (their names are final).
/// Settled nodes only have settled inputs, so the walk stops at them.
inline void settle_runtime(const std::shared_ptr<Node>& root) {
    std::vector<Node*> stack{root.get()};
    while (!stack.empty()) {
        Node* n = stack.back();
        stack.pop_back();
        if (shared_counter(*n).load(std::memory_order_relaxed) < 0) continue;
        shared_counter(*n).store(-1, std::memory_order_relaxed);
        for (auto& e : n->inputs) stack.push_back(e.node.get());
    }
}

/// The unsettled nodes of a runtime graph in post-order (inputs left to right).
/// Its reads are atomic (shared_counter): the walk reaches shared nodes that other threads
/// may be settling.
inline void collect_unsettled_runtime(const std::shared_ptr<Node>& root, std::vector<Node*>& out) {
    if (shared_counter(*root).load(std::memory_order_relaxed) < 0) return;
    std::vector<std::pair<Node*, std::size_t>> stack{{root.get(), 0}};
    while (!stack.empty()) {
        auto& [n, next] = stack.back();
        if (next < n->inputs.size()) {
            Node* in = n->inputs[next++].node.get();
            if (shared_counter(*in).load(std::memory_order_relaxed) >= 0) stack.emplace_back(in, 0);
            continue;
        }
        out.push_back(n);
        stack.pop_back();
    }
}

/// An operand as an input entry of a runtime node: a runtime Symbol's one output, or a
/// static expression converted. An lvalue's nodes are settled, as for static nodes.
template <class In>
NodeEntry runtime_input(In&& in) {
    if constexpr (runtime_symbol<In>) {
        if (in.size() != 1)
            throw error("an op input must be a symbol with exactly one output; this one has " +
                        std::to_string(in.size()) + " (pick one with operator[])");
        NodeEntry e = in.outputs()[0];
        if constexpr (std::is_lvalue_reference_v<In>) settle_runtime(e.node);
        return e;
    } else {
        return to_symbol(in).outputs()[0];
    }
}

template <ops::op_description Op, class... In>
Symbol compose_runtime(std::string_view hint, std::string name, const typename Op::params& params, In&&... inputs) {
    static_assert((single_output_input<In>() && ...), "an op input has several outputs");
    std::vector<NodeEntry> entries;
    (entries.push_back(runtime_input(std::forward<In>(inputs))), ...);
    auto n = make_node(&op_info_of<Op>(), std::move(name), params.to_attrs(), std::move(entries));
    if (n->name.empty()) {
        n->hint = hint;
        n->counter = NameManager::next(hint);
        n->name = std::string(hint) + std::to_string(n->counter);
    }
    if (n->counter >= 0 && (std::is_rvalue_reference_v<In&&> || ...)) {
        std::vector<Node*> fresh;
        collect_unsettled_runtime(n, fresh);
        if (fresh.size() > 1) renumber(fresh);
    }
    return Symbol({NodeEntry{std::move(n), 0, 0}});
}

template <class S>
S all_outputs(const S& s) {
    const std::shared_ptr<Node>& n = s.outputs()[0].node;
    std::vector<NodeEntry> outs;
    for (std::uint32_t i = 0; i < n->num_outputs(); ++i) outs.push_back(NodeEntry{n, i, 0});
    return Symbol(std::move(outs));
}

} // namespace symflow::sym::detail
