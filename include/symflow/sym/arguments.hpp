#pragma once
// arguments_v: a static symbol's argument names, computed from its type.
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "expr.hpp"

namespace symflow::sym {

/// A compile-time list of names (with repeats, in post-order).
template <fixed_string... S>
struct name_list {
    static constexpr std::size_t size = sizeof...(S);
    static constexpr std::array<std::string_view, sizeof...(S)> views{S.view()...};
    /// The K-th name as a fixed_string (a template argument, so it can be spelled).
    template <std::size_t K>
    static constexpr auto at = std::get<K>(std::tuple{S...});
};

namespace detail {
template <class... L>
struct concat;
template <>
struct concat<> { using type = name_list<>; };
template <fixed_string... A>
struct concat<name_list<A...>> { using type = name_list<A...>; };
template <fixed_string... A, fixed_string... B, class... Rest>
struct concat<name_list<A...>, name_list<B...>, Rest...> {
    using type = typename concat<name_list<A..., B...>, Rest...>::type;
};

template <class E>
struct variable_names;
template <fixed_string N>
struct variable_names<var<N>> { using type = name_list<N>; };
template <class Op, class... In>
struct variable_names<expr<Op, In...>> {
    using type = typename concat<typename variable_names<In>::type...>::type;
};

/// Position of the first occurrence of each name, with repeats dropped.
template <std::size_t N>
constexpr std::size_t count_unique(const std::array<std::string_view, N>& a) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < N; ++i) {
        bool seen = false;
        for (std::size_t j = 0; j < i; ++j) seen = seen || a[j] == a[i];
        n += !seen;
    }
    return n;
}
template <std::size_t M, std::size_t N>
constexpr std::array<std::string_view, M> unique(const std::array<std::string_view, N>& a) {
    std::array<std::string_view, M> r{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < N; ++i) {
        bool seen = false;
        for (std::size_t j = 0; j < n; ++j) seen = seen || r[j] == a[i];
        if (!seen) r[n++] = a[i];
    }
    return r;
}
} // namespace detail

/// Every variable occurrence of E, in post-order (with repeats).
template <class E>
using variable_names_t = typename detail::variable_names<std::remove_cvref_t<E>>::type;

/// The argument names of E at compile time, first-use order, each once: a
/// `constexpr std::array<std::string_view, N>` usable in static_assert.
template <class E>
inline constexpr auto arguments_v = detail::unique<detail::count_unique(variable_names_t<E>::views)>(
    variable_names_t<E>::views);

/// Index of `name` in `args`, or args.size() if absent.
template <std::size_t N>
constexpr std::size_t index_of(const std::array<std::string_view, N>& args, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i)
        if (args[i] == name) return i;
    return N;
}

template <class D>
std::vector<std::string> symbol_base<D>::list_arguments() const {
    return {arguments_v<D>.begin(), arguments_v<D>.end()};
}

} // namespace symflow::sym
