#pragma once
// fixed_string: a structural string type, so names can be template arguments.
#include <algorithm>
#include <cstddef>
#include <string_view>
#include <utility>

namespace symflow {

/// A compile-time string usable as a template argument (`Variable<"A">`, `"A"_arg`).
/// It keeps the terminating NUL so that GCC prints it whole in diagnostics.
template <std::size_t N>
struct fixed_string {
    char data[N]{};  // includes the terminating NUL

    consteval fixed_string(const char (&s)[N]) { std::copy_n(s, N, data); }
    constexpr fixed_string() = default;

    static constexpr std::size_t size() { return N - 1; }
    constexpr std::string_view view() const { return {data, N - 1}; }
    constexpr operator std::string_view() const { return view(); }

    template <std::size_t M>
    constexpr bool operator==(const fixed_string<M>& o) const { return view() == o.view(); }
};

template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N>;

/// A name spelled as a character pack: both GCC and clang print each character in
/// diagnostics, so a compile error that carries one names the culprit readably.
template <char... Cs>
struct spelled {};

namespace detail {
template <std::size_t Len>
constexpr fixed_string<Len + 1> to_fixed(std::string_view s) {
    fixed_string<Len + 1> r;
    std::copy_n(s.data(), Len, r.data);
    return r;
}
template <fixed_string S, std::size_t... I>
spelled<S.data[I]...> spell_impl(std::index_sequence<I...>);
} // namespace detail

/// `spell_t<"AB">` is `spelled<'A', 'B'>`.
template <fixed_string S>
using spell_t = decltype(detail::spell_impl<S>(std::make_index_sequence<S.size()>{}));

} // namespace symflow
