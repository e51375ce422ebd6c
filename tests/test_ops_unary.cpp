// The unary math ops (abs ... trunc): forward results against a plain double-precision
// loop on every dtype each op takes, edge values, node names, JSON op strings and attrs,
// and the bind error for dtypes an op does not take.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/unary_math.hpp>
#include <symflow/sym/unary_ops.hpp>

#include "unary_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

namespace {
// Tolerances are relative to the reference rounded to the element type, in units of
// that type's epsilon (2^-23 for float32, 2^-52 for float64). Over the input ranges
// below, xsimd's kernels (SIMD body) and libm (scalar tail) measured at most 2.1 eps
// from the double reference (asin float32 1.9, cbrt float64 2.1, tan 1.8); 4 eps
// (float32 4.8e-7, float64 8.9e-16) leaves a factor of two. sqrt and 1/x are correctly
// rounded by IEEE, and the rounding ops, abs, sign, negative and square are exact: those
// compare exactly. Results below the smallest normal number compare absolutely, since
// xsimd's exp flushes subnormal results to 0.

/// mshadow's rint: ties go to the floor.
double mxnet_rint(double x) {
    const double lo = std::floor(x), hi = std::ceil(x);
    return (x - lo) <= (hi - x) ? lo : hi;
}
} // namespace

// Each function form is passed as a generic lambda so that one helper checks them all.
#define SF_MAKE(fn) [](auto& x, std::string name) { return sf::sym::fn(x, std::move(name)); }

TEST_CASE("abs: exact on every dtype", "[ops][unary]") {
    check_op(SF_MAKE(abs), {"abs", "abs", true, -100, 100, [](double x) { return std::abs(x); }, exact});
}
TEST_CASE("sign: -1, 0 or 1, 0 for NaN as in mshadow", "[ops][unary]") {
    check_op(SF_MAKE(sign), {"sign", "sign", true, -100, 100,
                             [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }, exact});
}
TEST_CASE("negative: exact on every dtype", "[ops][unary]") {
    check_op(SF_MAKE(negative), {"negative", "negative", true, -100, 100, [](double x) { return -x; }, exact});
}
TEST_CASE("square: x times x on every dtype", "[ops][unary]") {
    // exact: the float product rounds once, as the double product rounded to float does
    check_op(SF_MAKE(square), {"square", "square", true, -100, 100, [](double x) { return x * x; }, exact});
}
TEST_CASE("sqrt: correctly rounded, NaN below 0", "[ops][unary]") {
    check_op(SF_MAKE(sqrt), {"sqrt", "sqrt", false, 0, 1000, [](double x) { return std::sqrt(x); }, exact});
}
TEST_CASE("rsqrt: 1 over sqrt", "[ops][unary]") {
    // float32 rounds twice (sqrt, then the division): 2 eps
    check_op(SF_MAKE(rsqrt),
             {"rsqrt", "rsqrt", false, 1e-3, 1000, [](double x) { return 1 / std::sqrt(x); }, rounded_twice});
}
TEST_CASE("cbrt: cube root of any sign", "[ops][unary]") {
    check_op(SF_MAKE(cbrt), {"cbrt", "cbrt", false, -1000, 1000, [](double x) { return std::cbrt(x); }, four_eps});
}
TEST_CASE("reciprocal: correctly rounded 1 over x", "[ops][unary]") {
    check_op(SF_MAKE(reciprocal), {"reciprocal", "reciprocal", false, -10, 10, [](double x) { return 1 / x; }, exact});
}
TEST_CASE("exp: within 4 eps of std::exp in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(exp), {"exp", "exp", false, -80, 80, [](double x) { return std::exp(x); }, four_eps});
}
TEST_CASE("expm1: within 4 eps of std::expm1 in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(expm1), {"expm1", "expm1", false, -10, 10, [](double x) { return std::expm1(x); }, four_eps});
}
TEST_CASE("log: within 4 eps of std::log in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(log), {"log", "log", false, 1e-3, 1e6, [](double x) { return std::log(x); }, four_eps});
}
TEST_CASE("log1p: within 4 eps of std::log1p in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(log1p), {"log1p", "log1p", false, -0.999, 1e3, [](double x) { return std::log1p(x); }, four_eps});
}
TEST_CASE("log2: within 4 eps of std::log2 in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(log2), {"log2", "log2", false, 1e-3, 1e6, [](double x) { return std::log2(x); }, four_eps});
}
TEST_CASE("log10: within 4 eps of std::log10 in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(log10), {"log10", "log10", false, 1e-3, 1e6, [](double x) { return std::log10(x); }, four_eps});
}
TEST_CASE("sin: within 4 eps of std::sin in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(sin), {"sin", "sin", false, -100, 100, [](double x) { return std::sin(x); }, four_eps});
}
TEST_CASE("cos: within 4 eps of std::cos in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(cos), {"cos", "cos", false, -100, 100, [](double x) { return std::cos(x); }, four_eps});
}
TEST_CASE("tan: within 4 eps of std::tan in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(tan), {"tan", "tan", false, -10, 10, [](double x) { return std::tan(x); }, four_eps});
}
TEST_CASE("arcsin: within 4 eps of std::asin in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(arcsin), {"arcsin", "arcsin", false, -1, 1, [](double x) { return std::asin(x); }, four_eps});
}
TEST_CASE("arccos: within 4 eps of std::acos in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(arccos), {"arccos", "arccos", false, -1, 1, [](double x) { return std::acos(x); }, four_eps});
}
TEST_CASE("arctan: within 4 eps of std::atan in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(arctan), {"arctan", "arctan", false, -100, 100, [](double x) { return std::atan(x); }, four_eps});
}
TEST_CASE("sinh: within 4 eps of std::sinh in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(sinh), {"sinh", "sinh", false, -80, 80, [](double x) { return std::sinh(x); }, four_eps});
}
TEST_CASE("cosh: within 4 eps of std::cosh in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(cosh), {"cosh", "cosh", false, -80, 80, [](double x) { return std::cosh(x); }, four_eps});
}
TEST_CASE("tanh: within 4 eps of std::tanh in double, float types only", "[ops][unary]") {
    check_op(SF_MAKE(tanh), {"tanh", "tanh", false, -20, 20, [](double x) { return std::tanh(x); }, four_eps});
}
TEST_CASE("floor: exact, identity on integers", "[ops][unary]") {
    check_op(SF_MAKE(floor), {"floor", "floor", true, -10, 10, [](double x) { return std::floor(x); }, exact});
}
TEST_CASE("ceil: exact, identity on integers", "[ops][unary]") {
    check_op(SF_MAKE(ceil), {"ceil", "ceil", true, -10, 10, [](double x) { return std::ceil(x); }, exact});
}
TEST_CASE("round: halves away from zero", "[ops][unary]") {
    check_op(SF_MAKE(round), {"round", "round", true, -10, 10, [](double x) { return std::round(x); }, exact});
}
TEST_CASE("rint: halves to the floor, as mshadow computes it", "[ops][unary]") {
    check_op(SF_MAKE(rint), {"rint", "rint", true, -10, 10, mxnet_rint, exact});
}
TEST_CASE("fix: toward zero", "[ops][unary]") {
    check_op(SF_MAKE(fix), {"fix", "fix", true, -10, 10, [](double x) { return std::trunc(x); }, exact});
}
TEST_CASE("trunc: toward zero", "[ops][unary]") {
    check_op(SF_MAKE(trunc), {"trunc", "trunc", true, -10, 10, [](double x) { return std::trunc(x); }, exact});
}

TEST_CASE("rounding ties: round away from zero, rint down, fix and trunc toward zero", "[ops][unary]") {
    auto a = sf::sym::Variable<"A">();
    // 2 ties per SIMD width and a tail: 13 values
    const std::vector<double> x{-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -2.6, 2.6, -0.4, 0.4, 4.5};
    auto run = [&](const auto& e, sf::dtype dt) {
        const auto out = e.bind(sf::cpu(), "A"_arg = sf::nd::array(x, sf::Shape{13}, dt)).forward()[0];
        if (dt == sf::float64) return out.template to_vector<double>();
        const auto f = out.template to_vector<float>();
        return std::vector<double>(f.begin(), f.end());
    };
    for (auto dt : {sf::float32, sf::float64}) {
        CHECK(run(sf::sym::round(a), dt) == std::vector<double>{-4, -3, -2, -1, 1, 2, 3, 4, -3, 3, -0, 0, 5});
        // MXNet's documented rint: "for n.5 rint returns n", and -n-1 for -n.5
        CHECK(run(sf::sym::rint(a), dt) == std::vector<double>{-4, -3, -2, -1, 0, 1, 2, 3, -3, 3, -0, 0, 4});
        CHECK(run(sf::sym::fix(a), dt) == std::vector<double>{-3, -2, -1, -0, 0, 1, 2, 3, -2, 2, -0, 0, 4});
        CHECK(run(sf::sym::trunc(a), dt) == std::vector<double>{-3, -2, -1, -0, 0, 1, 2, 3, -2, 2, -0, 0, 4});
        CHECK(run(sf::sym::floor(a), dt) == std::vector<double>{-4, -3, -2, -1, 0, 1, 2, 3, -3, 2, -1, 0, 4});
        CHECK(run(sf::sym::ceil(a), dt) == std::vector<double>{-3, -2, -1, -0, 1, 2, 3, 4, -2, 3, -0, 1, 5});
    }
}

TEST_CASE("abs, negative and square wrap on integer overflow instead of being UB", "[ops][unary]") {
    auto a = sf::sym::Variable<"A">();
    auto check = [&](auto t) {
        using T = decltype(t);
        using U = std::make_unsigned_t<T>;
        constexpr T lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
        // repeated so that every value meets SIMD lanes and the scalar tail
        std::vector<T> x;
        for (int r = 0; r < 3; ++r)
            for (T v : {lo, static_cast<T>(lo + 1), hi, T(-1), T(0), T(46341), static_cast<T>(hi / 2 + 7)})
                x.push_back(v);
        const auto A = sf::nd::array(x, sf::Shape{static_cast<sf::Shape::dim_t>(x.size())}, sf::dtype_of<T>());
        const auto abs_ = sf::sym::abs(a).bind(sf::cpu(), "A"_arg = A).forward()[0].template to_vector<T>();
        const auto neg = sf::sym::negative(a).bind(sf::cpu(), "A"_arg = A).forward()[0].template to_vector<T>();
        const auto sq = sf::sym::square(a).bind(sf::cpu(), "A"_arg = A).forward()[0].template to_vector<T>();
        for (std::size_t i = 0; i < x.size(); ++i) {
            const U u = static_cast<U>(x[i]);
            const T wrapped_neg = static_cast<T>(U(0) - u);
            INFO(sf::dtype_name(sf::dtype_of<T>()) << " x = " << x[i]);
            CHECK(neg[i] == wrapped_neg);
            CHECK(abs_[i] == (x[i] < 0 ? wrapped_neg : x[i]));
            CHECK(sq[i] == static_cast<T>(static_cast<U>(u * u)));
        }
        CHECK(abs_[0] == lo);  // |INT_MIN| wraps to INT_MIN, as two's complement hardware gives
    };
    check(std::int32_t{});
    check(std::int64_t{});
}

TEST_CASE("unary ops compose with each other and with operators, and name in order", "[ops][unary]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto e = sf::sym::sqrt(sf::sym::square(a) + 1.0) - sf::sym::abs(a);
    CHECK(e.name() == "_minus0");
    sf::sym::Symbol r = e;
    const auto internals = r.get_internals().list_outputs();
    CHECK(internals == std::vector<std::string>{"A", "square0_output", "_plusscalar0_output", "sqrt0_output",
                                                 "abs0_output", "_minus0_output"});
    const auto x = sf::nd::array({-3.0, 0.0, 4.0}, sf::float64);
    const auto got = e.bind(sf::cpu(), "A"_arg = x).forward()[0].to_vector<double>();
    CHECK(got[0] == Approx(std::sqrt(10.0) - 3).epsilon(1e-15));
    CHECK(got[1] == 1.0);
    CHECK(got[2] == Approx(std::sqrt(17.0) - 4).epsilon(1e-15));
}
