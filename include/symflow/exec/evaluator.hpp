#pragma once
// evaluator: a static expression turned into the body of a fused loop.
//
// Like Eigen's evaluator<>, it mirrors the expression but holds only what the loop
// needs: each op's params converted once to the element type T, and for each
// variable its compile-time index into the argument pointers. Variables are read
// through that index, so a variable used twice is one load the compiler can share.
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../ops/simd.hpp"
#include "../sym/arguments.hpp"
#include "../sym/expr.hpp"

namespace symflow::exec {

template <class T, class Root, class E>
struct evaluator;

/// A variable: loads element(s) i of its argument.
template <class T, class Root, fixed_string N>
struct evaluator<T, Root, sym::var<N>> {
    static constexpr std::size_t index = sym::index_of(sym::arguments_v<Root>, N.view());
    explicit evaluator(const sym::var<N>&) {}

    template <class V>
    V eval(const T* const* in, std::size_t i) const {
        if constexpr (ops::is_batch_v<V>) return V::load_unaligned(in[index] + i);
        else return in[index][i];
    }
};

/// An op node: applies the op's element function to its inputs' values.
template <class T, class Root, class Op, class... In>
struct evaluator<T, Root, sym::expr<Op, In...>> {
    static_assert(Op::kind == ops::op_kind::elementwise, "only elementwise ops fuse");
    using prepared_t = decltype(std::declval<const typename Op::params&>().template prepare<T>());

    [[no_unique_address]] prepared_t params;
    std::tuple<evaluator<T, Root, In>...> inputs;

    explicit evaluator(const sym::expr<Op, In...>& e)
        : evaluator(e, std::index_sequence_for<In...>{}) {}

    template <std::size_t... I>
    evaluator(const sym::expr<Op, In...>& e, std::index_sequence<I...>)
        : params(e.params().template prepare<T>()), inputs(std::get<I>(e.inputs())...) {}

    template <class V>
    V eval(const T* const* in, std::size_t i) const {
        return eval_inputs<V>(in, i, std::index_sequence_for<In...>{});
    }

private:
    // An index sequence rather than std::apply and a lambda: fewer functions to
    // instantiate per node, which is most of what a graph costs to compile.
    template <class V, std::size_t... I>
    V eval_inputs(const T* const* in, std::size_t i, std::index_sequence<I...>) const {
        if constexpr (std::is_same_v<typename Op::params, ops::no_params>)
            return Op::template apply<V>(std::get<I>(inputs).template eval<V>(in, i)...);
        else
            return Op::template apply<V>(params, std::get<I>(inputs).template eval<V>(in, i)...);
    }
};

} // namespace symflow::exec
