#pragma once
// symbol_base::bind: names checked at compile time, arrays at bind.
#include <string>
#include <type_traits>
#include <vector>

#include "../exec/executor.hpp"
#include "arg.hpp"
#include "bind_check.hpp"

namespace symflow::sym {

namespace detail {
template <class T>
struct is_arg_binding : std::false_type {};
template <fixed_string N>
struct is_arg_binding<arg_binding<N>> : std::true_type {};
template <class T>
struct is_arg_shape : std::false_type {};
template <fixed_string N>
struct is_arg_shape<arg_shape<N>> : std::true_type {};
template <class T>
struct is_arg_dtype : std::false_type {};
template <fixed_string N>
struct is_arg_dtype<arg_dtype<N>> : std::true_type {};

/// Runs inference over D with the given argument metas (in arguments_v<D> order): the
/// metas of D's outputs (several for a node with several outputs).
template <class D>
std::vector<node_meta> infer_all(const D& d, const std::array<node_meta, arguments_v<D>.size()>& metas) {
    planner<D, false> p(metas, nullptr);
    node_meta out = p.template walk<0>(d);
    if constexpr (is_multi_output_node_v<D>) return p.multi_output(d.info().uid).metas;
    else return {out};
}
} // namespace detail

template <class D>
template <class... B>
Executor<D> symbol_base<D>::bind(Context ctx, B&&... bindings) const {
    static_assert((detail::is_arg_binding<std::remove_cvref_t<B>>::value && ...),
                  "bind(ctx, ...): pass each argument as \"name\"_arg = array");
    constexpr bool names_ok = check_bind_names<D, name_list<std::remove_cvref_t<B>::name...>>();
    if constexpr (!names_ok) {
        throw error("unreachable: bind() names were rejected at compile time");
    } else {
        if (ctx.type != Context::device::cpu)
            throw error("bind: cannot bind to " + ctx.str() + ": no GPU support in this build");
        std::array<nd::NDArray, arguments_v<D>.size()> args;
        auto place = [&](const auto& b) {
            constexpr std::size_t i = index_of(arguments_v<D>, std::remove_cvref_t<decltype(b)>::name.view());
            if (b.array.is_none())
                throw error("bind: argument '" + std::string(arguments_v<D>[i]) + "' is an empty NDArray handle");
            args[i] = b.array;
        };
        (place(bindings), ...);
        return Executor<D>(self(), std::move(args));
    }
}

template <class D>
template <class... B>
auto symbol_base<D>::infer_shape(B&&... shapes) const {
    static_assert((detail::is_arg_shape<std::remove_cvref_t<B>>::value && ...),
                  "infer_shape(...): pass each argument as \"name\"_arg = Shape{...}");
    constexpr bool names_ok = check_bind_names<D, name_list<std::remove_cvref_t<B>::name...>>();
    inferred<Shape> r;
    if constexpr (names_ok) {
        std::array<node_meta, arguments_v<D>.size()> metas;
        auto place = [&](const auto& b) {
            constexpr std::size_t i = index_of(arguments_v<D>, std::remove_cvref_t<decltype(b)>::name.view());
            metas[i] = {b.shape, float32, true};
        };
        (place(shapes), ...);
        for (const auto& m : detail::infer_all(self(), metas)) r.out.push_back(m.shape);
        for (const auto& m : metas) r.arg.push_back(m.shape);
    }
    return r;
}

template <class D>
template <class... B>
auto symbol_base<D>::infer_type(B&&... dtypes) const {
    static_assert((detail::is_arg_dtype<std::remove_cvref_t<B>>::value && ...),
                  "infer_type(...): pass each argument as \"name\"_arg = sf::float32 (or another dtype)");
    constexpr bool names_ok = check_bind_names<D, name_list<std::remove_cvref_t<B>::name...>>();
    inferred<dtype> r;
    if constexpr (names_ok) {
        std::array<node_meta, arguments_v<D>.size()> metas;
        auto place = [&](const auto& b) {
            constexpr std::size_t i = index_of(arguments_v<D>, std::remove_cvref_t<decltype(b)>::name.view());
            metas[i] = {Shape{}, b.dt, false};
        };
        (place(dtypes), ...);
        for (const auto& m : detail::infer_all(self(), metas)) r.out.push_back(m.dt);
        for (const auto& m : metas) r.arg.push_back(m.dt);
    }
    return r;
}

} // namespace symflow::sym
