#pragma once
// Shape and dtype inference over a static expression, for bind(): errors name the
// node, the arguments that feed it, and both shapes or dtypes.
#include <array>
#include <string>
#include <utility>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "arguments.hpp"

namespace symflow::sym {

/// What inference knows about one node's output.
struct node_meta {
    Shape shape;
    dtype dt = float32;
};

namespace detail {
/// "argument 'C'" or "'_mul0' (computed from A, B)": what a user can find in the code.
template <class E>
std::string describe(const E& e) {
    if constexpr (is_variable_v<E>) return "argument '" + e.name() + "'";
    else {
        std::string r = "'" + e.name() + "' (" + std::string(E::op::name) + " of ";
        const auto& args = arguments_v<E>;
        for (std::size_t i = 0; i < args.size(); ++i) r += (i ? ", " : "") + std::string(args[i]);
        return r + ")";
    }
}

/// describe() of input j of op node e.
template <class Op, class... In, std::size_t... I>
std::string describe_input(const expr<Op, In...>& e, std::size_t j, std::index_sequence<I...>) {
    std::string r;
    ((j == I ? (r = describe(std::get<I>(e.inputs())), 0) : 0), ...);
    return std::string(Op::inputs[j]) + " " + r;
}

template <class Root, class E, std::size_t N>
node_meta infer_meta(const E& e, const std::array<nd::NDArray, N>& args);

/// Elementwise rule: every input has the same shape and dtype, and so has the output.
template <class Root, class Op, class... In, std::size_t N, std::size_t... I>
node_meta infer_elementwise(const expr<Op, In...>& e, const std::array<nd::NDArray, N>& args,
                            std::index_sequence<I...> seq) {
    const std::array<node_meta, sizeof...(In)> in{infer_meta<Root>(std::get<I>(e.inputs()), args)...};
    for (std::size_t i = 1; i < in.size(); ++i) {
        if (in[i].shape != in[0].shape)
            throw error(std::string(Op::name) + " node '" + e.name() + "': input shapes differ: " +
                        describe_input(e, 0, seq) + " has shape " + in[0].shape.str() + " but " +
                        describe_input(e, i, seq) + " has shape " + in[i].shape.str() + "; " +
                        std::string(Op::name) + " needs equal shapes (MXNet's symbol operators do not broadcast)");
        if (in[i].dt != in[0].dt)
            throw error(std::string(Op::name) + " node '" + e.name() + "': input dtypes differ: " +
                        describe_input(e, 0, seq) + " is " + std::string(dtype_name(in[0].dt)) + " but " +
                        describe_input(e, i, seq) + " is " + std::string(dtype_name(in[i].dt)));
    }
    if (!ops::op_dtypes<Op>().contains(in[0].dt))
        throw error(std::string(Op::name) + " node '" + e.name() + "': dtype " + std::string(dtype_name(in[0].dt)) +
                    " of " + describe_input(e, 0, seq) + " is not supported; " + std::string(Op::name) +
                    " takes " + ops::op_dtypes<Op>().str());
    return in[0];
}

/// The shape and dtype of e's output, given the bound arrays (in arguments_v<Root> order).
template <class Root, class E, std::size_t N>
node_meta infer_meta(const E& e, const std::array<nd::NDArray, N>& args) {
    if constexpr (is_variable_v<E>) {
        const auto& a = args[index_of(arguments_v<Root>, E::fixed_name.view())];
        return {a.shape(), a.dtype()};
    } else {
        static_assert(E::op::kind == ops::op_kind::elementwise);
        return infer_elementwise<Root>(e, args, std::make_index_sequence<ops::arity_v<typename E::op>>{});
    }
}
} // namespace detail

} // namespace symflow::sym
