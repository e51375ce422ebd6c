// Helpers shared by the shape op tests: random exact inputs, values as doubles, a NaN-aware diff and index (un)ravelling.
#pragma once
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using attrs_t = std::map<std::string, std::string>;
using strings = std::vector<std::string>;

namespace {

constexpr sf::dtype all_dtypes[] = {sf::float32, sf::float64, sf::int32, sf::int64};
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

// Small whole numbers, exact in every dtype, so results compare exactly with doubles;
// floating arrays get a NaN in their first element.
sf::nd::NDArray random_array(sf::dtype dt, const sf::Shape& s, std::uint32_t seed, int lo = -9, int hi = 9) {
    std::mt19937 g(seed);
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<double> v(s.num_elements());
    for (auto& x : v) x = d(g);
    if (!v.empty() && (dt == sf::float32 || dt == sf::float64)) v[0] = qnan;
    return sf::nd::array(v, s, dt);
}

std::vector<double> values(const sf::nd::NDArray& a) {
    return sf::visit_dtype(a.dtype(), [&](auto t) {
        using T = decltype(t);
        auto v = a.to_vector<T>();
        return std::vector<double>(v.begin(), v.end());
    });
}

// "" if equal (NaN equals NaN), else where they first differ.
std::string diff(const std::vector<double>& got, const std::vector<double>& want) {
    if (got.size() != want.size())
        return "sizes differ: " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        if (!(got[i] == want[i] || (std::isnan(got[i]) && std::isnan(want[i]))))
            return "element " + std::to_string(i) + ": got " + std::to_string(got[i]) + ", want " +
                   std::to_string(want[i]);
    return "";
}

// Multi-index helpers for the reference loops.
std::vector<long> unravel(std::size_t flat, const sf::Shape& s) {
    std::vector<long> idx(s.ndim());
    for (std::size_t k = s.ndim(); k-- > 0;) {
        idx[k] = static_cast<long>(flat % static_cast<std::size_t>(s[k]));
        flat /= static_cast<std::size_t>(s[k]);
    }
    return idx;
}
std::size_t ravel(const std::vector<long>& idx, const sf::Shape& s) {
    std::size_t flat = 0;
    for (std::size_t k = 0; k < s.ndim(); ++k)
        flat = flat * static_cast<std::size_t>(s[k]) + static_cast<std::size_t>(idx[k]);
    return flat;
}

} // namespace
