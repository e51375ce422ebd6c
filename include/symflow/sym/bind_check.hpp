#pragma once
// Compile-time checks of the names given to bind(): each error names the culprit.
#include <array>
#include <string_view>

#include "arguments.hpp"

namespace symflow::sym {

namespace detail {
template <class>
inline constexpr bool always_false = false;
}

/// Instantiated (and failing) when bind() is not given an argument of the symbol.
/// The template argument spells the missing name, e.g. `missing_argument<spelled<'B'>>`.
template <class Name>
struct missing_argument {
    static_assert(detail::always_false<Name>,
                  "bind(): the symbol has an argument that is not given; add `\"<name>\"_arg = array` "
                  "for the name spelled in missing_argument<...>");
    static constexpr bool value = false;
};
/// Instantiated when bind() is given a name that is not an argument of the symbol.
template <class Name>
struct unknown_argument {
    static_assert(detail::always_false<Name>,
                  "bind(): a name given is not an argument of the symbol (see list_arguments()); "
                  "the name is spelled in unknown_argument<...>");
    static constexpr bool value = false;
};
/// Instantiated when bind() is given the same name twice.
template <class Name>
struct argument_given_twice {
    static_assert(detail::always_false<Name>,
                  "bind(): an argument is given twice; the name is spelled in argument_given_twice<...>");
    static constexpr bool value = false;
};

namespace detail {
template <std::size_t N, std::size_t M>
constexpr std::size_t first_not_in(const std::array<std::string_view, N>& xs,
                                   const std::array<std::string_view, M>& set) {
    for (std::size_t i = 0; i < N; ++i)
        if (index_of(set, xs[i]) == M) return i;
    return N;
}
template <std::size_t N>
constexpr std::size_t first_repeat(const std::array<std::string_view, N>& xs) {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (xs[i] == xs[j]) return i;
    return N;
}
} // namespace detail

/// Checks, at compile time, that the names `Given` are exactly the arguments of E,
/// each once. Reports one error at a time, naming the culprit.
template <class E, class Given>
constexpr bool check_bind_names() {
    using args_list = variable_names_t<E>;
    constexpr auto& args = arguments_v<E>;
    constexpr auto& given = Given::views;
    constexpr std::size_t unknown = detail::first_not_in(given, args);
    constexpr std::size_t twice = detail::first_repeat(given);
    constexpr std::size_t missing = detail::first_not_in(args_list::views, given);
    if constexpr (unknown < given.size())
        return unknown_argument<spell_t<Given::template at<unknown>>>::value;
    else if constexpr (twice < given.size())
        return argument_given_twice<spell_t<Given::template at<twice>>>::value;
    else if constexpr (missing < args_list::size)
        return missing_argument<spell_t<args_list::template at<missing>>>::value;
    else
        return true;
}

} // namespace symflow::sym
