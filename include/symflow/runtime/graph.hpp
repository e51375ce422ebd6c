#pragma once
// The graph as data: nodes and entries shaped like MXNet's (NNVM's) JSON.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
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
    std::map<std::string, std::string> attrs;  ///< string attributes, sorted as MXNet writes them
    std::vector<NodeEntry> inputs;

    bool is_variable() const { return op == nullptr; }
    std::uint32_t num_outputs() const { return 1; }
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
/// `<name>_output`, or `<name>_output<i>` for ops with several outputs.
inline std::string output_name(const Node& n, std::uint32_t index) {
    if (n.is_variable()) return n.name;
    std::string r = n.name.empty() ? "output" : n.name + "_output";
    if (n.num_outputs() > 1) r += std::to_string(index);
    return r;
}

} // namespace symflow::sym
