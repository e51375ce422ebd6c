// The activation ops (relu, sigmoid, softsign, Activation, LeakyReLU) and clip: forward
// results against a plain double-precision loop on every dtype each op takes, edge
// values, node names, JSON op strings and attrs, and the errors for bad act_types and
// for dtypes an op does not take.
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
#include <symflow/ops/activation.hpp>
#include <symflow/sym/unary_ops.hpp>

#include "unary_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

namespace {
// Tolerances are relative to the reference rounded to the element type, in units of
// that type's epsilon (2^-23 for float32, 2^-52 for float64). sigmoid, tanh and softrelu
// go through xsimd's exp/log1p/tanh (SIMD body) or libm (scalar tail), measured within
// 1.5 eps of the double reference; 4 eps (float32 4.8e-7, float64 8.9e-16) leaves a
// margin of two. softsign rounds twice in float32 (the sum, the quotient): 2 eps.
// relu, leaky with slopes exact in binary and clip are exact. Results below the
// smallest normal number compare absolutely (exp flushes subnormal results to 0).

/// relu as mshadow has it since MXNet 1.6: NaN passes.
double ref_relu(double x) { return std::isnan(x) || x > 0 ? x : 0.0; }
double ref_sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double ref_softsign(double x) { return x / (1 + std::abs(x)); }
/// log(1 + e^x), without the overflow of the formula for large x.
double ref_softrelu(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
} // namespace

TEST_CASE("relu: max(x, 0) on every dtype, NaN kept", "[ops][activation]") {
    check_op([](auto& x, std::string name) { return sf::sym::relu(x, std::move(name)); },
             {"relu", "relu", true, -100, 100, ref_relu, exact});
}
TEST_CASE("sigmoid: 1 over 1 + exp(-x)", "[ops][activation]") {
    check_op([](auto& x, std::string name) { return sf::sym::sigmoid(x, std::move(name)); },
             {"sigmoid", "sigmoid", false, -80, 80, ref_sigmoid, four_eps});
}
TEST_CASE("softsign: x over 1 + abs(x)", "[ops][activation]") {
    check_op([](auto& x, std::string name) { return sf::sym::softsign(x, std::move(name)); },
             {"softsign", "softsign", false, -100, 100, ref_softsign, rounded_twice});
}

TEST_CASE("Activation: each act_type, named activation0, act_type in attrs", "[ops][activation]") {
    const std::map<std::string, std::pair<double (*)(double), tolerance>> kinds{
        {"relu", {ref_relu, exact}},
        {"sigmoid", {ref_sigmoid, four_eps}},
        {"tanh", {[](double x) { return std::tanh(x); }, four_eps}},
        {"softrelu", {ref_softrelu, four_eps}},
        {"softsign", {ref_softsign, rounded_twice}},
    };
    for (const auto& [act, check] : kinds) {
        INFO("act_type " << act);
        check_op([act = act](auto& x, std::string name) { return sf::sym::Activation(x, act, std::move(name)); },
                 {"activation", "Activation", false, -80, 80, check.first, check.second, {{"act_type", act}}});
    }
}

TEST_CASE("Activation: softrelu does not overflow for large x", "[ops][activation]") {
    auto a = sf::sym::Variable<"A">();
    const auto e = sf::sym::Activation(a, {.act_type = "softrelu"});
    const auto x = sf::nd::array({100.0, 1000.0, 1e30, -1000.0}, sf::float32);
    const auto got = e.bind(sf::cpu(), "A"_arg = x).forward()[0].to_vector<float>();
    CHECK(got == std::vector<float>{100.0f, 1000.0f, 1e30f, 0.0f});
}

TEST_CASE("Activation and LeakyReLU reject unknown act_types before taking a name", "[ops][activation][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    CHECK_THROWS_WITH(sf::sym::Activation(a, "gelu"),
                      Catch::Contains("'gelu'") && Catch::Contains("relu, sigmoid, tanh, softrelu, softsign"));
    CHECK_THROWS_AS(sf::sym::Activation(a, {.act_type = "Relu"}), sf::error);
    CHECK_THROWS_WITH(sf::sym::LeakyReLU(a, {.act_type = "prelu"}),
                      Catch::Contains("LeakyReLU") && Catch::Contains("'prelu'") && Catch::Contains("leaky and elu"));
    CHECK(sf::sym::Activation(a, "relu").name() == "activation0");
    CHECK(sf::sym::LeakyReLU(a).name() == "leakyrelu0");
}

TEST_CASE("LeakyReLU: leaky by default with slope 0.25, and elu", "[ops][activation]") {
    check_op([](auto& x, std::string name) { return sf::sym::LeakyReLU(x, {}, std::move(name)); },
             {"leakyrelu", "LeakyReLU", false, -100, 100, [](double x) { return x > 0 ? x : 0.25 * x; }, exact,
              {{"act_type", "leaky"}, {"slope", "0.25"}}});
    check_op([](auto& x, std::string name) { return sf::sym::LeakyReLU(x, {.slope = 0.1}, std::move(name)); },
             {"leakyrelu", "LeakyReLU", false, -100, 100, [](double x) { return x > 0 ? x : 0.1 * x; }, four_eps,
              {{"act_type", "leaky"}, {"slope", "0.1"}}});
    check_op(
        [](auto& x, std::string name) {
            return sf::sym::LeakyReLU(x, {.act_type = "elu", .slope = 1.5}, std::move(name));
        },
        {"leakyrelu", "LeakyReLU", false, -20, 20, [](double x) { return x > 0 ? x : 1.5 * std::expm1(x); }, four_eps,
         {{"act_type", "elu"}, {"slope", "1.5"}}});
}

TEST_CASE("clip: clamps every dtype, attrs as Python str of the bounds", "[ops][activation]") {
    // integer bounds are written as integers, as Python does for clip(x, 0, 6)
    check_op([](auto& x, std::string name) { return sf::sym::clip(x, 0, 6, std::move(name)); },
             {"clip", "clip", true, -10, 10, [](double x) { return x > 6 ? 6 : x < 0 ? 0 : x; }, exact,
              {{"a_max", "6"}, {"a_min", "0"}}});
    // on integers the bounds truncate toward zero, as MXNet's DType(a_min) does
    check_op([](auto& x, std::string name) { return sf::sym::clip(x, -2.5, 7.5, std::move(name)); },
             {"clip", "clip", true, -10, 10, [](double x) { return x > 7.5 ? 7.5 : x < -2.5 ? -2.5 : x; }, exact,
              {{"a_max", "7.5"}, {"a_min", "-2.5"}}});
    // a float bound reads as the float literal written, not its double widening
    const double lo = -0.1f;
    check_op([](auto& x, std::string name) { return sf::sym::clip(x, -0.1f, 1e20, std::move(name)); },
             {"clip", "clip", true, -1, 1, [lo](double x) { return x > 1e20 ? 1e20 : x < lo ? lo : x; }, exact,
              {{"a_max", "1e+20"}, {"a_min", "-0.1"}}});
}

TEST_CASE("clip: NaN passes, a_min above a_max, and huge bounds saturate", "[ops][activation]") {
    auto a = sf::sym::Variable<"A">();
    const auto run = [&](const auto& e, auto t, std::vector<decltype(t)> x) {
        using T = decltype(t);
        const auto A = sf::nd::array(x, sf::Shape{static_cast<sf::Shape::dim_t>(x.size())}, sf::dtype_of<T>());
        return e.bind(sf::cpu(), "A"_arg = A).forward()[0].template to_vector<T>();
    };
    const auto nan_out = run(sf::sym::clip(a, -1, 1), 0.0, {qnan, 2.0, -2.0, 0.5, qnan});
    CHECK(std::isnan(nan_out[0]));
    CHECK(std::isnan(nan_out[4]));
    CHECK(nan_out[1] == 1.0);
    // as mshadow tests x > a_max first: with a_min 5 > a_max 1, big values get 1, small ones 5
    CHECK(run(sf::sym::clip(a, 5, 1), 0.0f, {0.0f, 3.0f, 9.0f}) == std::vector<float>{5.0f, 1.0f, 1.0f});
    // bounds beyond the element type's range saturate instead of overflowing the cast
    constexpr auto imax = std::numeric_limits<std::int32_t>::max(), imin = std::numeric_limits<std::int32_t>::min();
    CHECK(run(sf::sym::clip(a, -1e20, 1e20), std::int32_t{}, {imin, 0, imax}) ==
          std::vector<std::int32_t>{imin, 0, imax});
    CHECK(run(sf::sym::clip(a, -1e300, 1e300), 0.0f, {-3e38f, 3e38f}) == std::vector<float>{-3e38f, 3e38f});
    CHECK(run(sf::sym::clip(a, 3, 1e300), std::int64_t{}, {-5, 5}) == std::vector<std::int64_t>{3, 5});
    // a NaN bound clamps nothing, on floats and integers alike
    CHECK(run(sf::sym::clip(a, qnan, 2), std::int32_t{}, {-7, 9}) == std::vector<std::int32_t>{-7, 2});
    CHECK(run(sf::sym::clip(a, qnan, 2), 0.0, {-7.0, 9.0}) == std::vector<double>{-7.0, 2.0});
}
