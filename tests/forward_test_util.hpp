// Helpers shared by the bind/forward tests: random 1-d arrays exact in every dtype, and an array's values as doubles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;

namespace {
// Random values that are exact in every dtype (small integers), so that results can be
// compared exactly with a double reference for + - *; division is compared with a tolerance.
template <class T>
sf::nd::NDArray random_array(std::size_t n, std::uint32_t seed, int lo = -8, int hi = 8) {
    std::mt19937 g(seed);
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(d(g));
    return sf::nd::array(v, sf::Shape{static_cast<long>(n)}, sf::dtype_of<T>());
}
template <class T>
std::vector<double> as_double(const sf::nd::NDArray& a) {
    auto v = a.to_vector<T>();
    return {v.begin(), v.end()};
}
} // namespace
