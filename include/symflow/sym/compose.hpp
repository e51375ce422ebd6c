#pragma once
// compose: makes an op node from its inputs and gives it MXNet's name.
//
// MXNet's Python front end names nodes as the code runs, left to right: in
// `(a*b) + (c*d)` the left product is `_mul0`. C++ evaluates the operands of one
// full expression in an unspecified order, so each node takes a number from the
// counter when it is built and, when temporaries (rvalues) are composed, the numbers
// their not-yet-settled nodes took are handed out again in post-order, left to right:
// the names MXNet would give. A node copied from an lvalue (a named expression from an
// earlier statement) is settled: its name never changes again.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "expr.hpp"
#include "graph_limits.hpp"
#include "naming.hpp"

namespace symflow::sym {

struct Node;

namespace detail {

/// Collects the nodes not yet settled (a type for every graph, as settle_fn).
struct collect_unsettled_fn {
    std::vector<node_info*>* out;
    void operator()(node_info& n) const {
        if (n.counter >= 0) out->push_back(&n);
    }
};

/// Marks every node of `e` as settled.
template <class E>
void settle(E& e) {
    settle_fn f;
    for_each_node_info(e, f);
}

/// Collects the unsettled nodes of `e` (post-order) into `out`.
template <class E>
void collect_unsettled(E& e, std::vector<node_info*>& out) {
    collect_unsettled_fn f{&out};
    for_each_node_info(e, f);
}

/// The identity of a node for renumbering: copies of one static node share a uid; a
/// runtime node is its own identity.
inline std::uint64_t node_identity(const node_info* n) { return n->uid; }
inline std::uint64_t node_identity(const Node* n) { return reinterpret_cast<std::uintptr_t>(n); }

/// Reassigns the numbers taken by `nodes` so that, per hint, they increase in the
/// order given; copies of one node (same identity) keep one name.
template <class N>
void renumber(std::vector<N*>& nodes) {
    std::vector<std::uint64_t> uids;
    std::vector<N*> firsts;
    for (auto* n : nodes)
        if (std::find(uids.begin(), uids.end(), node_identity(n)) == uids.end()) {
            uids.push_back(node_identity(n));
            firsts.push_back(n);
        }
    std::vector<bool> done(firsts.size());
    for (std::size_t i = 0; i < firsts.size(); ++i) {
        if (done[i]) continue;
        std::vector<std::size_t> same;  // nodes sharing this hint, in order
        for (std::size_t j = i; j < firsts.size(); ++j)
            if (!done[j] && firsts[j]->hint == firsts[i]->hint) same.push_back(j);
        std::vector<std::int64_t> numbers;
        for (auto j : same) numbers.push_back(firsts[j]->counter);
        std::sort(numbers.begin(), numbers.end());
        for (std::size_t k = 0; k < same.size(); ++k) {
            firsts[same[k]]->counter = numbers[k];
            done[same[k]] = true;
        }
    }
    for (auto* n : nodes) {
        auto it = std::find(uids.begin(), uids.end(), node_identity(n));
        n->counter = firsts[static_cast<std::size_t>(it - uids.begin())]->counter;
        n->name = std::string(n->hint) + std::to_string(n->counter);
    }
}

/// Takes an input by value: moved from a temporary, copied (and settled) from an lvalue.
template <class In>
std::remove_cvref_t<In> take_input(In&& in) {
    if constexpr (std::is_lvalue_reference_v<In>) {
        std::remove_cvref_t<In> copy = in;
        settle(copy);
        return copy;
    } else {
        return std::move(in);
    }
}

/// compose() when an operand is a runtime Symbol: the same node, held as data. Defined in
/// compose_runtime.hpp, which runtime/symbol.hpp includes: whoever holds a Symbol has it,
/// and static-only code (symflow/static.hpp) does not pay for the runtime's headers.
template <ops::op_description Op, class... In>
Symbol compose_runtime(std::string_view hint, std::string name, const typename Op::params& params, In&&... inputs);
/// Every output of the one node of runtime symbol `s` (its first output's node), as one
/// Symbol; defined in compose_runtime.hpp.
template <class S>
S all_outputs(const S& s);

/// The identity and name of a new node (auto-named with `hint` when `name` is empty): one
/// function for every node type.
[[gnu::noinline]] inline node_info new_node_info(std::string_view hint, std::string name) {
    node_info info;
    info.uid = next_node_uid();
    if (name.empty()) {
        info.hint = hint;
        info.counter = NameManager::next(hint);
        info.name = std::string(hint) + std::to_string(info.counter);
    } else {
        info.name = std::move(name);
    }
    return info;
}
} // namespace detail

/// compose() on static operands: an expr node whose type holds the graph; past the limits
/// of graph_limits.hpp, a compile error naming the runtime Symbol (and too_large_graph).
/// Cold, as the planner's walk is: code run once per node, which the compiler then
/// optimises for size (7% less compile time on a 128-node graph).
template <ops::op_description Op, class... In>
[[gnu::cold]] auto compose_static(std::string_view hint, std::string name, typename Op::params params, In&&... inputs) {
    static_assert((detail::single_output_input<In>() && ...), "an op input has several outputs");
    constexpr std::size_t nodes = (detail::graph_count<std::remove_cvref_t<In>>::nodes + ... + 1);
    constexpr std::size_t depth = detail::max_of(detail::graph_count<std::remove_cvref_t<In>>::depth...) + 1;
    if constexpr ((detail::is_too_large_graph_v<In> || ...)) {
        return too_large_graph{};  // reported where the graph first grew too large
    } else if constexpr (nodes > max_static_graph_nodes || depth > max_static_graph_depth) {
        [[maybe_unused]] constexpr bool stop = static_graph_too_large<nodes, depth>::value;
        return too_large_graph{};
    } else {
        expr<Op, std::remove_cvref_t<In>...> node(detail::new_node_info(hint, std::move(name)), std::move(params),
                                                  detail::take_input(std::forward<In>(inputs))...);
        if constexpr ((std::is_rvalue_reference_v<In&&> || ...)) {
            std::vector<node_info*> fresh;
            detail::collect_unsettled(node, fresh);
            if (fresh.size() > 1) detail::renumber(fresh);
        }
        return node;
    }
}

/// Builds the node `Op(inputs...)`. An empty `name` means auto-naming with `hint`. With a
/// runtime Symbol among the inputs the result is a runtime Symbol.
template <ops::op_description Op, class... In>
auto compose(std::string_view hint, std::string name, typename Op::params params, In&&... inputs) {
    if constexpr ((runtime_symbol<In> || ...)) {
        return detail::compose_runtime<Op>(hint, std::move(name), params, std::forward<In>(inputs)...);
    } else {
        return compose_static<Op>(hint, std::move(name), std::move(params), std::forward<In>(inputs)...);
    }
}

} // namespace symflow::sym
