#pragma once
// Shape and dtype inference over a static expression, for bind(): errors name the
// node, the arguments that feed it, and both shapes or dtypes.
#include <array>
#include <string>

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

template <class Root, class E, std::size_t N>
node_meta infer_meta(const E& e, const std::array<nd::NDArray, N>& args) {
    if constexpr (is_variable_v<E>) {
        const auto& a = args[index_of(arguments_v<Root>, E::fixed_name.view())];
        return {a.shape(), a.dtype()};
    } else {
        using Op = typename E::op;
        static_assert(Op::kind == ops::op_kind::elementwise);
        std::array<node_meta, ops::arity_v<Op>> in;
        std::size_t k = 0;
        std::apply([&](const auto&... x) { ((in[k++] = infer_meta<Root>(x, args)), ...); }, e.inputs());
        for (std::size_t i = 1; i < in.size(); ++i) {
            auto who = [&](std::size_t j) {
                std::string d;
                std::size_t m = 0;
                std::apply([&](const auto&... x) { ((m++ == j ? (d = describe(x), 0) : 0), ...); }, e.inputs());
                return std::string(Op::inputs[j]) + " " + d;
            };
            if (in[i].shape != in[0].shape)
                throw error(std::string(Op::name) + " node '" + e.name() + "': input shapes differ: " + who(0) +
                            " has shape " + in[0].shape.str() + " but " + who(i) + " has shape " +
                            in[i].shape.str() + "; " + std::string(Op::name) +
                            " needs equal shapes (MXNet's symbol operators do not broadcast)");
            if (in[i].dt != in[0].dt)
                throw error(std::string(Op::name) + " node '" + e.name() + "': input dtypes differ: " + who(0) +
                            " is " + std::string(dtype_name(in[0].dt)) + " but " + who(i) + " is " +
                            std::string(dtype_name(in[i].dt)));
        }
        return in[0];
    }
}
} // namespace detail

} // namespace symflow::sym
