// Helpers shared by the unary and activation op tests: tolerances, edge and random inputs, and the checks of one op.
#pragma once
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/sym/unary_ops.hpp>

namespace sf = symflow;

namespace {
using namespace sf::literals;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

// Tolerances are relative to the reference rounded to the element type, in units of
// that type's epsilon (2^-23 for float32, 2^-52 for float64): exact (0), four_eps (4 eps:
// float32 4.8e-7, float64 8.9e-16) for results of xsimd's kernels (SIMD body) or libm
// (scalar tail), rounded_twice (2 eps in float32, exact in float64). Results below the
// smallest normal number compare absolutely, since xsimd's exp flushes subnormal results
// to 0. Each test file says why its ops get the tolerance they get.
struct tolerance {
    double eps_f32, eps_f64;
};
constexpr tolerance exact{0, 0}, four_eps{4, 4}, rounded_twice{2, 0};

/// What to check for one op.
struct op_spec {
    std::string hint;                    ///< the function name and auto-name hint: exp -> exp0
    std::string json_op;                 ///< the "op" MXNet writes to JSON
    bool on_integers;                    ///< takes int32 and int64 too (float-only otherwise)
    double lo, hi;                       ///< random float inputs are drawn from [lo, hi)
    std::function<double(double)> ref;   ///< the reference, in double
    tolerance tol;
    std::map<std::string, std::string> attrs{};
};

/// Float inputs every op sees besides random ones: zeros, rounding ties, tiny and huge
/// magnitudes, the largest float32 that is not an integer, NaN and infinities.
const std::vector<double> float_edges{0.0,   -0.0, 1.0,  -1.0,  0.5,  -0.5,  1.5,        -1.5,   2.5,   -2.5,
                                      3.5,   -3.5, 1e-30, -1e-30, 30.0, -30.0, 100.0,     -100.0, 1e30,  -1e30,
                                      0.49999997, 8388607.5, -8388607.5, 8388609.0, qnan, inf,    -inf};

/// The reference rounded to T; overflow gives +-inf (a plain cast would be UB).
template <class T>
T to_type(double v) {
    if (std::isnan(v) || std::isinf(v)) return static_cast<T>(v);
    if (std::abs(v) > static_cast<double>(std::numeric_limits<T>::max())) return static_cast<T>(v > 0 ? inf : -inf);
    return static_cast<T>(v);
}

/// Whether `got` is within the tolerance of reference `want`.
template <class T>
bool close(T got, double want, const tolerance& tol) {
    // integer results are the reference truncated, as MXNet's DType(...) casts do
    if constexpr (std::is_integral_v<T>) return got == static_cast<T>(want);
    else {
        if (std::isnan(want)) return std::isnan(got);
        const T w = to_type<T>(want);
        if (std::isinf(w) || std::isinf(got)) return got == w;
        const double eps = std::numeric_limits<T>::epsilon() * (sizeof(T) == 4 ? tol.eps_f32 : tol.eps_f64);
        const double err = std::abs(static_cast<double>(got) - static_cast<double>(w));
        return err <= eps * std::abs(static_cast<double>(w)) ||
               (std::abs(static_cast<double>(w)) < std::numeric_limits<T>::min() &&
                err <= std::numeric_limits<T>::min());
    }
}

/// n random inputs: floats from [lo, hi), integers from [-40000, 40000) (squares fit int32).
template <class T>
std::vector<T> random_inputs(std::size_t n, double lo, double hi, std::uint32_t seed) {
    std::mt19937 g(seed);
    std::vector<T> v(n);
    if constexpr (std::is_integral_v<T>) {
        std::uniform_int_distribution<int> d(-40000, 39999);
        for (auto& x : v) x = static_cast<T>(d(g));
    } else {
        std::uniform_real_distribution<double> d(lo, hi);
        for (auto& x : v) x = static_cast<T>(d(g));
    }
    return v;
}

/// The edges, one random value, and the edges again: each edge lands on two different
/// SIMD lanes, and the last ones in the scalar tail.
template <class T>
std::vector<T> edge_inputs(const op_spec& s) {
    std::vector<T> v;
    for (double e : float_edges) v.push_back(to_type<T>(e));
    v.push_back(random_inputs<T>(1, s.lo, s.hi, 99)[0]);
    for (double e : float_edges) v.push_back(to_type<T>(e));
    return v;
}

/// Binds x to A, runs forward, and compares every element with the reference.
template <class T, class E>
void check_values(const E& e, const op_spec& s, const std::vector<T>& x) {
    auto A = sf::nd::array(x, sf::Shape{static_cast<sf::Shape::dim_t>(x.size())}, sf::dtype_of<T>());
    const auto out = e.bind(sf::cpu(), "A"_arg = A).forward()[0];
    REQUIRE(out.dtype() == sf::dtype_of<T>());
    REQUIRE(out.shape() == A.shape());
    const auto got = out.template to_vector<T>();
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!close<T>(got[i], s.ref(static_cast<double>(x[i])), s.tol) && bad++ == 0) first = i;
    const double x0 = bad ? static_cast<double>(x[first]) : 0.0;
    const double got0 = bad ? static_cast<double>(got[first]) : 0.0;
    INFO(std::setprecision(17) << s.hint << " on " << sf::dtype_name(sf::dtype_of<T>()) << ", " << x.size()
                               << " elements: " << bad << " off; first at [" << first << "]: x = " << x0
                               << ", got " << got0 << ", want " << s.ref(x0));
    CHECK(bad == 0);
}

/// Random inputs at sizes 0, 1, 3, 17 and 1003 (SIMD body and tail), then the edges.
template <class T, class E>
void check_forward(const E& e, const op_spec& s) {
    std::uint32_t seed = 1;
    for (std::size_t n : {0, 1, 3, 17, 1003}) check_values<T>(e, s, random_inputs<T>(n, s.lo, s.hi, seed++));
    if constexpr (std::is_floating_point_v<T>) check_values<T>(e, s, edge_inputs<T>(s));
}

/// The message of the symflow::error that f throws ("" if it does not throw).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const sf::error& err) {
        return err.what();
    }
    return "";
}

/// Everything for one op; make(a, name) builds the op on variable a.
template <class Make>
void check_op(Make make, const op_spec& s) {
    auto a = sf::sym::Variable<"A">();
    {
        sf::sym::NameManager scope;
        auto e = make(a, "");
        CHECK(e.name() == s.hint + "0");
        CHECK(make(a, "my_" + s.hint).name() == "my_" + s.hint);
        CHECK(make(a, "").name() == s.hint + "1");  // the explicit name took no number
        sf::sym::Symbol r = e;
        REQUIRE(r.outputs().size() == 1);
        const auto& node = *r.outputs()[0].node;
        CHECK(node.name == s.hint + "0");
        CHECK(node.op->name == s.json_op);
        CHECK(node.attrs == s.attrs);
        if (!s.on_integers)
            for (auto dt : {sf::int32, sf::int64}) {
                const auto msg = error_of([&] { e.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{5}, dt)); });
                CHECK_THAT(msg, Catch::Contains("'" + s.hint + "0'") &&
                                    Catch::Contains(std::string(sf::dtype_name(dt))) &&
                                    Catch::Contains("float32, float64"));
            }
    }
    auto e = make(a, "");
    check_forward<float>(e, s);
    check_forward<double>(e, s);
    if (s.on_integers) {
        check_forward<std::int32_t>(e, s);
        check_forward<std::int64_t>(e, s);
    }
}
} // namespace
