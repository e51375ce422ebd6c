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

/// A shape given for the argument named Name, for infer_shape(): `"A"_arg = Shape{2, 3}`.
template <fixed_string Name>
struct arg_shape {
    static constexpr fixed_string name = Name;
    Shape shape;
};

/// A dtype given for the argument named Name, for infer_type(): `"A"_arg = sf::int32`.
template <fixed_string Name>
struct arg_dtype {
    static constexpr fixed_string name = Name;
    dtype dt;
};

/// The left side of `"A"_arg = ...`.
template <fixed_string Name>
struct arg_key {
    static constexpr fixed_string name = Name;
    arg_binding<Name> operator=(nd::NDArray a) const { return {std::move(a)}; }
    arg_shape<Name> operator=(Shape s) const { return {std::move(s)}; }
    arg_dtype<Name> operator=(dtype dt) const { return {dt}; }
};

} // namespace symflow::sym

namespace symflow::literals {
/// `"A"_arg`: names an argument at compile time, for bind().
template <fixed_string S>
constexpr sym::arg_key<S> operator""_arg() { return {}; }
} // namespace symflow::literals
