#pragma once
// Converting a static expression to a runtime Symbol: a walk over its type.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "../runtime/symbol.hpp"
#include "arguments.hpp"
#include "expr.hpp"

namespace symflow::sym {

namespace detail {

/// Memo of the walk: copies of one op node (same uid) and variables of one name map
/// to one runtime node, so a node used twice appears once.
struct to_symbol_state {
    std::map<std::uint64_t, std::shared_ptr<Node>> ops;
    std::map<std::string, std::shared_ptr<Node>, std::less<>> vars;
};

template <class E>
std::shared_ptr<Node> to_node(const E& e, to_symbol_state& st) {
    if constexpr (is_variable_v<E>) {
        auto name = E::fixed_name.view();
        auto it = st.vars.find(name);
        if (it != st.vars.end()) return it->second;
        auto n = std::make_shared<Node>();
        n->name = std::string(name);
        if constexpr (!std::is_same_v<typename E::shape_type, dynamic_shape>)
            n->attrs["__shape__"] = E::shape_type::shape().str();  // as mx.sym.var(shape=...) stores it
        st.vars.emplace(n->name, n);
        return n;
    } else {
        auto it = st.ops.find(e.info().uid);
        if (it != st.ops.end()) return it->second;
        std::vector<NodeEntry> inputs;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (inputs.push_back(
                 NodeEntry{to_node(e.template input<K>(), st), output_index_v<decltype(e.template input<K>())>, 0}),
             ...);
        }(std::make_index_sequence<ops::arity_v<typename E::op>>{});
        auto n = make_node(&op_info_of<ops::node_op_t<typename E::op>>(), e.name(), e.params().to_attrs(),
                           std::move(inputs));
        st.ops.emplace(e.info().uid, n);
        return n;
    }
}
} // namespace detail

/// The runtime Symbol with the same nodes, names and attributes as static expression `e`.
template <static_symbol E>
Symbol to_symbol(const E& e) {
    detail::to_symbol_state st;
    auto n = detail::to_node(e, st);
    if constexpr (is_multi_output_node_v<E>) {
        // a node with several outputs converts to all of them, as MXNet's split() returns
        std::vector<NodeEntry> outs;
        for (std::uint32_t i = 0; i < n->num_outputs(); ++i) outs.push_back(NodeEntry{n, i, 0});
        return Symbol(std::move(outs));
    } else {
        return Symbol({NodeEntry{std::move(n), output_index_v<E>, 0}});
    }
}

template <class D>
symbol_base<D>::operator Symbol() const { return to_symbol(self()); }

template <class D>
Symbol symbol_base<D>::get_internals() const { return to_symbol(self()).get_internals(); }

template <class D>
std::string symbol_base<D>::tojson() const { return to_symbol(self()).tojson(); }

template <class D>
std::string symbol_base<D>::debug_str() const { return to_symbol(self()).debug_str(); }

template <class D>
std::vector<std::string> symbol_base<D>::list_outputs() const {
    if constexpr (is_variable_v<D>) return {self().name()};
    else if constexpr (is_multi_output_node_v<D>) {
        std::vector<std::string> r;  // MXNet's multi-output ops name theirs output0, output1, ...
        for (std::size_t i = 0; i < self().size(); ++i) r.push_back(self().name() + "_output" + std::to_string(i));
        return r;
    } else if constexpr (is_output_of_v<D>) {
        return {self().name() + "_output" + std::to_string(output_index_v<D>)};
    } else {
        return {self().name() + "_output"};
    }
}

} // namespace symflow::sym
