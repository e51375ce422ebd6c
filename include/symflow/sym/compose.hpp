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
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "expr.hpp"
#include "naming.hpp"

namespace symflow::sym {

namespace detail {

/// Marks every node of `e` as settled.
template <class E>
void settle(E& e) {
    for_each_op_node(e, [](auto& n) { n.info().counter = -1; });
}

/// Collects the unsettled nodes of `e` (post-order) into `out`.
template <class E>
void collect_unsettled(E& e, std::vector<node_info*>& out) {
    for_each_op_node(e, [&](auto& n) {
        if (n.info().counter >= 0) out.push_back(&n.info());
    });
}

/// Reassigns the numbers taken by `nodes` so that, per hint, they increase in the
/// order given; copies of one node (same uid) keep one name.
inline void renumber(std::vector<node_info*>& nodes) {
    std::vector<std::uint64_t> uids;
    std::vector<node_info*> firsts;
    for (auto* n : nodes)
        if (std::find(uids.begin(), uids.end(), n->uid) == uids.end()) {
            uids.push_back(n->uid);
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
        auto it = std::find(uids.begin(), uids.end(), n->uid);
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

} // namespace detail

/// Builds the node `Op(inputs...)`. An empty `name` means auto-naming with `hint`.
template <ops::op_description Op, class... In>
expr<Op, std::remove_cvref_t<In>...> compose(std::string_view hint, std::string name, typename Op::params params,
                                             In&&... inputs) {
    node_info info;
    info.uid = detail::next_node_uid();
    if (name.empty()) {
        info.hint = hint;
        info.counter = NameManager::next(hint);
        info.name = std::string(hint) + std::to_string(info.counter);
    } else {
        info.name = std::move(name);
    }
    expr<Op, std::remove_cvref_t<In>...> node(std::move(info), std::move(params),
                                              detail::take_input(std::forward<In>(inputs))...);
    if constexpr ((std::is_rvalue_reference_v<In&&> || ...)) {
        std::vector<node_info*> fresh;
        detail::collect_unsettled(node, fresh);
        if (fresh.size() > 1) detail::renumber(fresh);
    }
    return node;
}

} // namespace symflow::sym
