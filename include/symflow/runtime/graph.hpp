#pragma once
// The graph as data: nodes and entries shaped like MXNet's (NNVM's) JSON.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "op_info.hpp"

namespace symflow::sym {

struct Node;

/// One output of one node: MXNet's `[node, index, version]`.
struct NodeEntry {
    std::shared_ptr<Node> node;
    std::uint32_t index = 0;
    std::uint32_t version = 0;
};

/// A graph node: a Variable (op == nullptr) or an op applied to input entries.
struct Node {
    const op_info* op = nullptr;
    std::string name;
    attr_map attrs;  ///< string attributes, sorted as MXNet writes them
    std::vector<NodeEntry> inputs;
    std::uint32_t outputs = 1;  ///< outputs including hidden ones (what JSON's node_row_ptr counts)
    /// Auto-naming state while the node is held only by temporaries: the hint and the number
    /// it took (see sym/compose.hpp); counter < 0 once the name is settled.
    std::string_view hint;
    /// Aligned for std::atomic_ref: threads settling one shared Symbol write it at once (compose.hpp).
    alignas(std::atomic_ref<std::int64_t>::required_alignment) std::int64_t counter = -1;

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    /// Releases long input chains iteratively: a 100,000-node chain must not overflow the stack.
    ~Node() {
        std::vector<std::shared_ptr<Node>> pending;
        auto take = [&](Node& n) {
            for (auto& e : n.inputs)
                if (e.node && e.node.use_count() == 1) pending.push_back(std::move(e.node));
            n.inputs.clear();
        };
        take(*this);
        while (!pending.empty()) {
            auto n = std::move(pending.back());
            pending.pop_back();
            take(*n);
        }
    }

    bool is_variable() const { return op == nullptr; }
    std::uint32_t num_outputs() const { return outputs; }
    /// Outputs a user sees: list_outputs and get_internals show only these.
    std::uint32_t num_visible_outputs() const {
        if (!op) return 1;
        if (!op->known) return outputs;  // an op symflow has not heard of: show every output the file has
        return std::min(outputs, op->num_visible_outputs(attrs));
    }
    /// "null" for a variable, else the op's canonical name.
    std::string_view op_name() const { return op ? std::string_view(op->name) : std::string_view("null"); }
};

/// Visits every node reachable from `heads` once, inputs before the node that uses
/// them, in MXNet's post-order (inputs left to right); `visit` gets the node's
/// shared_ptr. Iterative: deep chains of thousands of nodes do not exhaust the stack.
template <class F>
void dfs_visit(const std::vector<NodeEntry>& heads, F&& visit) {
    std::unordered_set<const Node*> seen;
    std::vector<std::pair<const std::shared_ptr<Node>*, std::size_t>> stack;  // node, next input
    for (const auto& h : heads) {
        if (!h.node || !seen.insert(h.node.get()).second) continue;
        stack.emplace_back(&h.node, 0);
        while (!stack.empty()) {
            auto [n, next] = stack.back();
            if (next < (*n)->inputs.size()) {
                ++stack.back().second;
                const auto& in = (*n)->inputs[next].node;
                if (in && seen.insert(in.get()).second) stack.emplace_back(&in, 0);
            } else {
                visit(*n);
                stack.pop_back();
            }
        }
    }
}

/// The name MXNet lists for output `index` of `n`: a variable's own name,
/// `<name>_output`, `<name>_output<i>` for ops with several outputs, or the op's own
/// output names (`bn_mean`, `drop_mask`).
inline std::string output_name(const Node& n, std::uint32_t index) {
    if (n.is_variable()) return n.name;
    std::string suffix = n.op->output_suffix(index, n.num_visible_outputs());
    return n.name.empty() ? suffix : n.name + "_" + suffix;
}

/// A node of op `op` named `name` with attributes and inputs; its output count comes
/// from the op and its attributes.
inline std::shared_ptr<Node> make_node(const op_info* op, std::string name, attr_map attrs,
                                       std::vector<NodeEntry> inputs) {
    auto n = std::make_shared<Node>();
    n->op = op;
    n->name = std::move(name);
    n->attrs = std::move(attrs);
    n->inputs = std::move(inputs);
    if (op) n->outputs = op->num_outputs(n->attrs);
    return n;
}

} // namespace symflow::sym
