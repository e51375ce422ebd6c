#pragma once
// Creation functions: array, zeros, ones, full, arange (mx.nd.*).
#include <cmath>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <type_traits>
#include <vector>

#include "ndarray.hpp"

namespace symflow::nd {

namespace detail {
/// `v` as element type T. An integer T that cannot hold it (NaN, inf, out of range) is a
/// symflow::error naming `where`, the value and the dtype: the cast would be undefined
/// behaviour, and INT_MIN a silent wrong answer (numpy refuses NaN too).
template <class T, class V>
T element_of(V v, const char* where) {
    bool fits = true;
    if constexpr (std::is_integral_v<T> && std::is_floating_point_v<V>) {
        constexpr long double lo = static_cast<long double>(std::numeric_limits<T>::min());
        constexpr long double hi = static_cast<long double>(std::numeric_limits<T>::max()) + 1;  // a power of two
        fits = static_cast<long double>(v) >= lo && static_cast<long double>(v) < hi;  // false for NaN
    } else if constexpr (std::is_integral_v<T> && std::is_integral_v<V> && !std::is_same_v<V, bool>) {
        fits = std::in_range<T>(v);
    }
    if (!fits) {
        std::ostringstream os;
        os << where << ": " << v << " is not an " << dtype_name(dtype_of<T>()) << " value";
        throw error(os.str());
    }
    return static_cast<T>(v);
}
/// Writes `values` (any arithmetic type) into `a`, converting to a's dtype.
template <class It>
void fill_from(NDArray& a, It first) {
    visit_dtype(a.dtype(), [&](auto t) {
        using T = decltype(t);
        for (T& x : a.data<T>()) x = element_of<T>(*first++, "nd::array");
    });
}
template <class T>
void check_ragged(std::size_t want, std::size_t got, const char* level) {
    if (want != got)
        throw error(std::string("nd::array: ragged nested list: ") + level + " rows have " + std::to_string(want) +
                    " and " + std::to_string(got) + " elements");
}
} // namespace detail

/// An uninitialised array (mx.nd.empty).
inline NDArray empty(const Shape& shape, dtype dt = float32) { return NDArray(shape, dt); }

/// An array filled with `value` (mx.nd.full).
inline NDArray full(const Shape& shape, double value, dtype dt = float32) {
    NDArray a(shape, dt);
    visit_dtype(dt, [&](auto t) {
        using T = decltype(t);
        const T v = detail::element_of<T>(value, "nd::full");
        for (T& x : a.data<T>()) x = v;
    });
    return a;
}
/// An array of zeros (mx.nd.zeros).
inline NDArray zeros(const Shape& shape, dtype dt = float32) { return full(shape, 0.0, dt); }
/// An array of ones (mx.nd.ones).
inline NDArray ones(const Shape& shape, dtype dt = float32) { return full(shape, 1.0, dt); }

/// Evenly spaced values in [start, stop) (mx.nd.arange); ceil((stop - start) / step) elements.
inline NDArray arange(double start, double stop, double step = 1.0, dtype dt = float32) {
    if (step == 0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop))
        throw error("nd::arange: start, stop and step must be finite and step non-zero");
    double n = std::ceil((stop - start) / step);
    if (n < 0) n = 0;
    if (n > 1e15) throw error("nd::arange: " + std::to_string(n) + " elements is too many");
    NDArray a(Shape{static_cast<Shape::dim_t>(n)}, dt);
    visit_dtype(dt, [&](auto t) {
        using T = decltype(t);
        auto d = a.data<T>();
        if (d.empty()) return;
        // the first and last values bound the rest: checked once, not per element
        detail::element_of<T>(start, "nd::arange");
        detail::element_of<T>(start + static_cast<double>(d.size() - 1) * step, "nd::arange");
        for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<T>(start + static_cast<double>(i) * step);
    });
    return a;
}
/// arange(0, stop).
inline NDArray arange(double stop) { return arange(0.0, stop); }

/// An array from flat values and a shape; the counts must agree.
template <class T>
    requires std::is_arithmetic_v<T>
NDArray array(const std::vector<T>& values, const Shape& shape, dtype dt = float32) {
    if (values.size() != shape.num_elements())
        throw error("nd::array: " + std::to_string(values.size()) + " values do not fill shape " + shape.str() +
                    " (" + std::to_string(shape.num_elements()) + " elements)");
    NDArray a(shape, dt);
    detail::fill_from(a, values.begin());
    return a;
}

/// An array from a braced list of flat values and a shape: `array({1, 2, 3, 4}, Shape{2, 2})`.
template <class T>
    requires std::is_arithmetic_v<T>
NDArray array(std::initializer_list<T> values, const Shape& shape, dtype dt = float32) {
    return array(std::vector<T>(values), shape, dt);
}
/// The same from a braced list mixing integers and floating values: `array({1, 2.5}, Shape{2})`.
inline NDArray array(std::initializer_list<double> values, const Shape& shape, dtype dt = float32) {
    return array<double>(values, shape, dt);
}

/// A 1-d array from a braced list: `array({1, 2, 3}, int32)`.
template <class T>
    requires std::is_arithmetic_v<T>
NDArray array(std::initializer_list<T> v, dtype dt = float32) {
    return array(std::vector<T>(v), Shape{static_cast<Shape::dim_t>(v.size())}, dt);
}
/// A 1-d array from a braced list mixing integers and floating values: `array({1, 2.5})`.
inline NDArray array(std::initializer_list<double> v, dtype dt = float32) { return array<double>(v, dt); }

/// A 2-d array from nested braced lists: `array({{1, 2}, {3, 4}})`.
template <class T>
    requires std::is_arithmetic_v<T>
NDArray array(std::initializer_list<std::initializer_list<T>> v, dtype dt = float32) {
    std::size_t cols = v.size() ? v.begin()->size() : 0;
    std::vector<T> flat;
    for (auto& row : v) {
        detail::check_ragged<T>(cols, row.size(), "2-d");
        flat.insert(flat.end(), row.begin(), row.end());
    }
    return array(flat, Shape{static_cast<Shape::dim_t>(v.size()), static_cast<Shape::dim_t>(cols)}, dt);
}
inline NDArray array(std::initializer_list<std::initializer_list<double>> v, dtype dt = float32) {
    return array<double>(v, dt);
}

/// A 3-d array from doubly nested braced lists.
template <class T>
    requires std::is_arithmetic_v<T>
NDArray array(std::initializer_list<std::initializer_list<std::initializer_list<T>>> v, dtype dt = float32) {
    std::size_t rows = v.size() ? v.begin()->size() : 0;
    std::size_t cols = rows ? v.begin()->begin()->size() : 0;
    std::vector<T> flat;
    for (auto& plane : v) {
        detail::check_ragged<T>(rows, plane.size(), "3-d");
        for (auto& row : plane) {
            detail::check_ragged<T>(cols, row.size(), "3-d");
            flat.insert(flat.end(), row.begin(), row.end());
        }
    }
    return array(flat,
                 Shape{static_cast<Shape::dim_t>(v.size()), static_cast<Shape::dim_t>(rows),
                       static_cast<Shape::dim_t>(cols)},
                 dt);
}
inline NDArray array(std::initializer_list<std::initializer_list<std::initializer_list<double>>> v,
                     dtype dt = float32) {
    return array<double>(v, dt);
}

} // namespace symflow::nd
