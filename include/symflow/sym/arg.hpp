#pragma once
// "A"_arg = array: naming an argument when binding.
#include "../core/fixed_string.hpp"
#include "../nd/ndarray.hpp"

namespace symflow::sym {

/// An array given for the argument named Name; made by `"A"_arg = array`.
template <fixed_string Name>
struct arg_binding {
    static constexpr fixed_string name = Name;
    nd::NDArray array;
};

/// The left side of `"A"_arg = array`.
template <fixed_string Name>
struct arg_key {
    static constexpr fixed_string name = Name;
    arg_binding<Name> operator=(nd::NDArray a) const { return {std::move(a)}; }
};

} // namespace symflow::sym

namespace symflow::literals {
/// `"A"_arg`: names an argument at compile time, for bind().
template <fixed_string S>
constexpr sym::arg_key<S> operator""_arg() { return {}; }
} // namespace symflow::literals
