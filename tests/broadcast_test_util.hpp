// Helpers shared by the broadcast op tests: random inputs, numpy's index rule written out as
// a plain loop, the shape pairs every binary op runs on, and the forward check itself.
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/broadcast.hpp>
#include <symflow/sym/broadcast_functions.hpp>

#include "test_util.hpp"

namespace sf = symflow;

namespace broadcast_test {

using namespace sf::literals;

using test_util::dtype_str;
using test_util::for_each_dtype;
using test_util::show;

// Where random values come from: [lo, hi], whole numbers for integers and multiples of 0.5
// for floats (exact in every dtype); `nan_every` > 0 puts a NaN at every such position of
// a float input.
struct value_range {
    double lo = -9, hi = 9;
    std::size_t nan_every = 0;
};

template <class T>
std::vector<T> make_values(std::size_t n, std::uint32_t seed, value_range r) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(r.lo, r.hi);
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        double x = std::is_integral_v<T> ? std::round(d(g)) : std::round(2 * d(g)) / 2;
        if (std::is_floating_point_v<T> && r.nan_every && i % r.nan_every == r.nan_every / 2)
            x = std::numeric_limits<double>::quiet_NaN();
        v[i] = static_cast<T>(x);
    }
    return v;
}

template <class T>
sf::nd::NDArray to_array(const std::vector<T>& v, const sf::Shape& s) {
    return sf::nd::array(v, s, sf::dtype_of<T>());
}

// numpy's result shape, written out independently of the library: aligned from the right.
inline sf::Shape numpy_shape(const sf::Shape& a, const sf::Shape& b) {
    const std::size_t nd = std::max(a.ndim(), b.ndim());
    std::vector<sf::Shape::dim_t> out(nd);
    for (std::size_t i = 0; i < nd; ++i) {
        const auto da = i + a.ndim() >= nd ? a[i + a.ndim() - nd] : 1;
        const auto db = i + b.ndim() >= nd ? b[i + b.ndim() - nd] : 1;
        out[i] = da == 1 ? db : da;
    }
    return sf::Shape(out);
}

// The flat index into an input of shape `in` of output element `flat` of shape `out`:
// the output's coordinates, dropping leading ones `in` lacks and zeroing those where it is 1.
inline std::size_t source_index(const sf::Shape& out, const sf::Shape& in, std::size_t flat) {
    std::size_t idx = 0, stride = 1;
    for (std::size_t d = out.ndim(); d-- > 0;) {
        const auto n = static_cast<std::size_t>(out[d]);
        const std::size_t c = flat % n;
        flat /= n;
        if (d + in.ndim() >= out.ndim()) {
            const auto m = static_cast<std::size_t>(in[d + in.ndim() - out.ndim()]);
            if (m != 1) idx += c * stride;
            stride *= m;
        }
    }
    return idx;
}

// got == want: equal for integers; for floats NaN matches NaN, infinities match exactly and
// finite values within a few epsilons of the larger of |want - 1| and 1 (the graphs add 1 to
// the op's result, and only the op's own rounding differs from the double reference).
template <class T>
bool close(T got, double want) {
    if constexpr (std::is_integral_v<T>) return static_cast<double>(got) == want;
    else {
        if (std::isnan(want)) return std::isnan(got);
        if (std::isinf(want) || std::isinf(got)) return double(got) == want;
        const double scale = std::max({std::abs(want - 1), std::abs(want), 1.0});
        return std::abs(double(got) - want) <= 4 * std::numeric_limits<T>::epsilon() * scale;
    }
}

// The lhs/rhs shape pairs every binary op runs on: equal shapes, a missing leading axis on
// either side, broadcast along the innermost axis (a splatted side) and along outer axes,
// outer products, 0-d, empty results, sizes large enough to be split across threads (in
// the middle of a run for the 1-d case), 8 alternating axes and a 10-d pair that merges
// to 2 axes.
struct shape_pair {
    sf::Shape lhs, rhs;
};
inline const std::vector<shape_pair> binary_cases = {
    {{2, 3}, {2, 3}},
    {{2, 3}, {3}},
    {{3}, {2, 3}},
    {{2, 3}, {2, 1}},
    {{4, 1}, {1, 37}},
    {{4, 1, 5}, {1, 3, 1}},
    {{1}, {19}},
    {{19}, {1}},
    {{}, {2, 3}},
    {{3, 1, 9, 1}, {1, 5, 1, 2}},
    {{5, 67}, {67}},
    {{0, 3}, {1, 3}},
    {{2, 0}, {2, 1}},
    {{1, 0}, {3, 1}},
    {{300, 131}, {1, 131}},
    {{300, 131}, {300, 1}},
    {{40001}, {1}},
    {{2, 1, 2, 1, 2, 1, 2, 1}, {1, 2, 1, 2, 1, 2, 1, 2}},
    {{2, 2, 2, 2, 2, 2, 2, 2, 2, 3}, {3}},
};

// Binds e = Op(A * 2, B) + 1 for every shape pair and every dtype Op accepts, and compares
// each output element with ref(2 a, b) + 1 computed in double from numpy's index rule.
template <class Op, class E, class Ref>
void check_binary(const E& e, Ref ref, value_range ra, value_range rb) {
    for_each_dtype([&]<class T>() {
        if constexpr (sf::ops::op_dtypes<Op>().template contains<T>()) {
            std::uint32_t seed = 1;
            for (const auto& c : binary_cases) {
                const auto va = make_values<T>(c.lhs.num_elements(), seed++, ra);
                const auto vb = make_values<T>(c.rhs.num_elements(), seed++, rb);
                auto out = e.bind(sf::cpu(), "A"_arg = to_array(va, c.lhs), "B"_arg = to_array(vb, c.rhs)).forward()[0];
                const sf::Shape want_shape = numpy_shape(c.lhs, c.rhs);
                INFO(Op::name << " on " << dtype_str<T>() << ": " << c.lhs << " with " << c.rhs);
                REQUIRE(out.dtype() == sf::dtype_of<T>());
                REQUIRE(out.shape() == want_shape);
                const auto got = out.template to_vector<T>();
                std::size_t bad = 0;
                std::string first;
                for (std::size_t i = 0; i < got.size(); ++i) {
                    const double a = 2 * static_cast<double>(va[source_index(want_shape, c.lhs, i)]);
                    const double b = static_cast<double>(vb[source_index(want_shape, c.rhs, i)]);
                    const double want = ref.template operator()<T>(a, b) + 1;
                    if (!close(got[i], want) && bad++ == 0)
                        first = "element " + std::to_string(i) + ": op(" + show(a) + ", " + show(b) + ") + 1 gave " +
                                show(got[i]) + ", expected " + show(want);
                }
                INFO(first);
                CHECK(bad == 0);
            }
        }
    });
}

// ---- references: plain scalar code in double, from the definitions ----------------------

inline constexpr auto add_ref = []<class T>(double a, double b) { return a + b; };
inline constexpr auto sub_ref = []<class T>(double a, double b) { return a - b; };
inline constexpr auto mul_ref = []<class T>(double a, double b) { return a * b; };
// integer division truncates and x / 0 is 0; floats divide as IEEE says
inline constexpr auto div_ref = []<class T>(double a, double b) -> double {
    if constexpr (std::is_integral_v<T>) return b == 0 ? 0 : std::trunc(a / b);
    else return a / b;
};
// Python's a % b (the result takes b's sign), with MXNet's x % 0 = 0
inline constexpr auto mod_ref = []<class T>(double a, double b) -> double {
    if (b == 0) return 0;
    double r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
};
// pow for floats; for integers 1 / base**-exp truncated when exp < 0 (0 ** -n is 0)
inline constexpr auto power_ref = []<class T>(double a, double b) -> double {
    if constexpr (std::is_integral_v<T>) {
        if (b < 0) return a == 1 ? 1 : a == -1 ? (std::fmod(b, 2) != 0 ? -1 : 1) : 0;
    }
    return std::pow(a, b);
};
// numpy's maximum/minimum: NaN if either is NaN
inline constexpr auto max_ref = []<class T>(double a, double b) -> double {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return a > b ? a : b;
};
inline constexpr auto min_ref = []<class T>(double a, double b) -> double {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return a < b ? a : b;
};
inline constexpr auto hypot_ref = []<class T>(double a, double b) { return std::hypot(a, b); };
// comparisons give 1 or 0; NaN is unequal to everything
inline constexpr auto eq_ref = []<class T>(double a, double b) { return a == b ? 1.0 : 0.0; };
inline constexpr auto ne_ref = []<class T>(double a, double b) { return a != b ? 1.0 : 0.0; };
inline constexpr auto gt_ref = []<class T>(double a, double b) { return a > b ? 1.0 : 0.0; };
inline constexpr auto ge_ref = []<class T>(double a, double b) { return a >= b ? 1.0 : 0.0; };
inline constexpr auto lt_ref = []<class T>(double a, double b) { return a < b ? 1.0 : 0.0; };
inline constexpr auto le_ref = []<class T>(double a, double b) { return a <= b ? 1.0 : 0.0; };

// Ranges: NaN in both operands of float inputs; rhs of mod/div/power includes 0.
inline constexpr value_range lhs_nan{-4, 4, 11}, rhs_nan{-4, 4, 7};

} // namespace broadcast_test
