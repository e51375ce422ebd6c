#pragma once
// arguments_v: a static symbol's argument names, computed from its type.
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "expr.hpp"

namespace symflow::sym {

/// A compile-time list of names.
template <fixed_string... S>
struct name_list {
    static constexpr std::size_t size = sizeof...(S);
    static constexpr std::array<std::string_view, sizeof...(S)> views{S.view()...};
    /// The K-th name as a fixed_string (a template argument, so it can be spelled).
    template <std::size_t K>
    static constexpr auto at = std::get<K>(std::tuple{S...});
};

namespace detail {
/// name_list L with the names B appended, skipping those already in it.
template <class L, fixed_string... B>
struct append_unique {
    using type = L;
};
template <fixed_string... A, fixed_string B0, fixed_string... B>
struct append_unique<name_list<A...>, B0, B...> {
    using type = typename append_unique<std::conditional_t<((A == B0) || ...), name_list<A...>, name_list<A..., B0>>,
                                        B...>::type;
};

template <class... L>
struct concat_unique {
    using type = name_list<>;
};
template <class L>
struct concat_unique<L> {
    using type = L;
};
template <class L, fixed_string... B, class... Rest>
struct concat_unique<L, name_list<B...>, Rest...> {
    using type = typename concat_unique<typename append_unique<L, B...>::type, Rest...>::type;
};

// Lists are de-duplicated as they are built, so their length is the number of distinct
// arguments, not the number of leaves of the (possibly much larger) expression tree.
template <class E>
struct variable_names;
template <fixed_string N, class S>
struct variable_names<var<N, S>> { using type = name_list<N>; };
template <class Op, class... In>
struct variable_names<expr<Op, In...>> {
    using type = typename concat_unique<typename variable_names<In>::type...>::type;
};

} // namespace detail

/// The variables of E in first-use (post-)order, each once, as a name_list.
template <class E>
using variable_names_t = typename detail::variable_names<std::remove_cvref_t<E>>::type;

/// The argument names of E at compile time, first-use order, each once: a
/// `constexpr std::array<std::string_view, N>` usable in static_assert.
template <class E>
inline constexpr auto arguments_v = variable_names_t<E>::views;

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
