#pragma once
// evaluator: an elementwise (sub)expression turned into the body of a fused loop.
//
// Like Eigen's evaluator<>, it mirrors the expression but holds only what the loop
// needs: each op's params converted once to the element type T, and for each leaf a
// compile-time index into the table of input pointers. Leaves are the variables
// (indices 0..N-1, in arguments_v<Root> order) and the materialized nodes, whose
// buffers follow at N + slot (slots counted in post-order from Off). A variable used
// twice is one load the compiler can share.
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../ops/simd.hpp"
#include "../sym/arguments.hpp"
#include "../sym/expr.hpp"
#include "../sym/materialized.hpp"

namespace symflow::exec {

template <class T, class Root, class E, std::size_t Off>
struct evaluator;

namespace detail {
/// Loads element(s) i of input pointer `index`.
template <class V, class T>
V load(const void* const* in, std::size_t index, std::size_t i) {
    const T* p = static_cast<const T*>(in[index]);
    if constexpr (ops::is_batch_v<V>) return V::load_unaligned(p + i);
    else return p[i];
}

template <class T, class Root, class E, std::size_t Off, class Seq>
struct evaluator_inputs;
template <class T, class Root, class Op, class... In, std::size_t Off, std::size_t... K>
struct evaluator_inputs<T, Root, sym::expr<Op, In...>, Off, std::index_sequence<K...>> {
    // the node's own input pack (sym::detail::input_pack), of evaluators: members without
    // std::tuple, whose instances for every node and dtype were most of what the fused loop
    // cost the compiler
    using type =
        sym::detail::input_pack<std::index_sequence<K...>, evaluator<T, Root, In, sym::input_offset_v<Off, K, In...>>...>;
    static type make(const sym::expr<Op, In...>& e) {
        return type(evaluator<T, Root, In, sym::input_offset_v<Off, K, In...>>(e.template input<K>())...);
    }
};
/// The summed per-element cost of a node's input evaluators.
template <class Slots>
struct cost_sum;
template <class Seq, class... C>
struct cost_sum<sym::detail::input_pack<Seq, C...>> {
    static constexpr std::size_t value = (std::size_t(0) + ... + C::cost);
};
} // namespace detail

/// A variable: element i of its argument.
template <class T, class Root, fixed_string N, class S, std::size_t Off>
struct evaluator<T, Root, sym::var<N, S>, Off> {
    static constexpr std::size_t index = sym::index_of(sym::arguments_v<Root>, N.view());
    static constexpr std::size_t cost = 0;  ///< per element, besides the load (ops::cost_v)
    explicit evaluator(const sym::var<N, S>&) {}

    template <class V>
    V eval(const void* const* in, std::size_t i) const { return detail::load<V, T>(in, index, i); }
};

/// An op node: elementwise ops apply their element function to their inputs' values;
/// materialized ops are leaves that read their buffer.
template <class T, class Root, class Op, class... In, std::size_t Off>
struct evaluator<T, Root, sym::expr<Op, In...>, Off> {
private:
    using node = sym::expr<Op, In...>;
    static constexpr bool leaf = Op::kind == ops::op_kind::materialized;
    using inputs_of = detail::evaluator_inputs<T, Root, node, Off, std::index_sequence_for<In...>>;
    struct none {};
    template <bool Leaf, class = void>
    struct prepared { using type = none; };
    template <class Void>
    struct prepared<false, Void> {
        using type = decltype(std::declval<const typename Op::params&>().template prepare<T>());
    };
    using prepared_t = typename prepared<leaf>::type;
    template <bool Leaf, class = void>
    struct inputs_type { using type = none; };
    template <class Void>
    struct inputs_type<false, Void> { using type = typename inputs_of::type; };
    using inputs_t = typename inputs_type<leaf>::type;

public:
    /// For a materialized node: its buffer's index in the input table.
    static constexpr std::size_t index = sym::arguments_v<Root>.size() + Off + sym::materialized_count_v<node> - 1;
    /// Per element: the ops of the loop in this subtree (ops::cost_v); a leaf is a load.
    static constexpr std::size_t cost = [] {
        if constexpr (leaf) return std::size_t(0);
        else return ops::cost_v<Op> + detail::cost_sum<inputs_t>::value;
    }();

    explicit evaluator(const node& e) : params_(make_params(e)), inputs_(make_inputs(e)) {}

    template <class V>
    V eval(const void* const* in, std::size_t i) const {
        if constexpr (leaf) return detail::load<V, T>(in, index, i);
        else return eval_inputs<V>(in, i, std::index_sequence_for<In...>{});
    }

private:
    static prepared_t make_params(const node& e) {
        if constexpr (leaf) return {};
        else return e.params().template prepare<T>();
    }
    static inputs_t make_inputs(const node& e) {
        if constexpr (leaf) return {};
        else return inputs_of::make(e);
    }

    // An index sequence rather than std::apply and a lambda: fewer functions to
    // instantiate per node, which is most of what a graph costs to compile.
    template <class V, std::size_t... K>
    V eval_inputs(const void* const* in, std::size_t i, std::index_sequence<K...>) const {
        if constexpr (std::is_same_v<typename Op::params, ops::no_params>)
            return Op::template apply<V>(input<K>().template eval<V>(in, i)...);
        else
            return Op::template apply<V>(params_, input<K>().template eval<V>(in, i)...);
    }
    template <std::size_t K>
    const auto& input() const {
        return sym::detail::input_at<K>(inputs_);
    }

    [[no_unique_address]] prepared_t params_;
    [[no_unique_address]] inputs_t inputs_;
};

} // namespace symflow::exec
