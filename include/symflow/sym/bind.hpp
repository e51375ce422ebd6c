#pragma once
// symbol_base::bind: names checked at compile time, arrays at bind.
#include <string>
#include <type_traits>

#include "../exec/executor.hpp"
#include "arg.hpp"
#include "bind_check.hpp"

namespace symflow::sym {

namespace detail {
template <class T>
struct is_arg_binding : std::false_type {};
template <fixed_string N>
struct is_arg_binding<arg_binding<N>> : std::true_type {};
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

} // namespace symflow::sym
