// broadcast_add/sub/mul/div/mod/power, broadcast_to and broadcast_like: forward() against plain
// double loops over numpy's index rule for every dtype and many shapes, inside fused groups;
// known values; the planned step. (The other ops, names, inference, errors: _rules.cpp.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/broadcast.hpp>
#include <symflow/sym/broadcast_functions.hpp>

#include "broadcast_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;
using namespace broadcast_test;

TEST_CASE("broadcast arithmetic matches a double loop for every dtype and shape pair", "[ops][broadcast]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    using namespace sf::ops;
    check_binary<broadcast_add_op>(sf::sym::broadcast_add(a * 2, b) + 1, add_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_sub_op>(sf::sym::broadcast_sub(a * 2, b) + 1, sub_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_mul_op>(sf::sym::broadcast_mul(a * 2, b) + 1, mul_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_div_op>(sf::sym::broadcast_div(a * 2, b) + 1, div_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_mod_op>(sf::sym::broadcast_mod(a * 2, b) + 1, mod_ref, lhs_nan, rhs_nan);
    // exponents up to 5 on bases up to 8 in magnitude: integer results fit in int32
    check_binary<broadcast_power_op>(sf::sym::broadcast_power(a * 2, b) + 1, power_ref, lhs_nan, {-2, 5, 7});
}


TEST_CASE("broadcast ops on known values: splatted sides go through the op's own element function",
          "[ops][broadcast]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto run = [](const auto& e, const sf::nd::NDArray& x, const sf::nd::NDArray& y) {
        return e.bind(sf::cpu(), "A"_arg = x, "B"_arg = y).forward()[0];
    };
    auto col = sf::nd::array(std::vector<std::int32_t>{1, 2}, sf::Shape{2, 1}, sf::int32);
    auto row = sf::nd::array({10, 20, 30}, sf::int32);
    auto s = run(sf::sym::broadcast_add(a, b), col, row);
    CHECK(s.shape() == sf::Shape{2, 3});
    CHECK(s.to_vector<std::int32_t>() == std::vector<std::int32_t>{11, 21, 31, 12, 22, 32});
    CHECK(run(sf::sym::broadcast_sub(a, b), col, row).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{-9, -19, -29, -8, -18, -28});
    auto thresholds = sf::nd::array(std::vector<std::int32_t>{15, 25}, sf::Shape{2, 1}, sf::int32);
    CHECK(run(sf::sym::broadcast_greater(a, b), row, thresholds).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{0, 1, 1, 0, 0, 1});

    // a long row against a broadcast scalar: batches with the scalar splatted, then the tail
    constexpr auto i32min = std::numeric_limits<std::int32_t>::min();
    std::vector<std::int32_t> x(37, 7);
    x[0] = i32min;
    x[36] = -7;
    auto X = sf::nd::array(x, sf::Shape{37}, sf::int32);
    auto minus_one = sf::nd::array({-1}, sf::int32), zero = sf::nd::array({0}, sf::int32);
    auto q = run(sf::sym::broadcast_div(a, b), X, minus_one).to_vector<std::int32_t>();
    CHECK(q[0] == i32min);  // wraps, no trap
    CHECK(q[1] == -7);
    CHECK(q[36] == 7);
    auto z = run(sf::sym::broadcast_div(a, b), X, zero).to_vector<std::int32_t>();
    CHECK(std::all_of(z.begin(), z.end(), [](std::int32_t v) { return v == 0; }));
    auto m = run(sf::sym::broadcast_mod(a, b), X, minus_one).to_vector<std::int32_t>();
    CHECK(std::all_of(m.begin(), m.end(), [](std::int32_t v) { return v == 0; }));
    auto m3 = run(sf::sym::broadcast_mod(a, b), sf::nd::array({-3}, sf::int32), X).to_vector<std::int32_t>();
    CHECK(m3[0] == -3);   // Python: -3 % INT_MIN == -3
    CHECK(m3[1] == 4);    // Python: -3 % 7 == 4
    CHECK(m3[36] == -3);  // -3 % -7 == -3
    auto p = run(sf::sym::broadcast_power(a, b), sf::nd::array({2}, sf::int32),
                 sf::nd::array({31, 32, -1, 0}, sf::int32))
                 .to_vector<std::int32_t>();
    CHECK(p == std::vector<std::int32_t>{i32min, 0, 0, 1});

    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    auto f = run(sf::sym::broadcast_maximum(a, b), sf::nd::array({nan, 1.0, -2.0}, sf::float64),
                 sf::nd::array(std::vector<double>{0.0, nan}, sf::Shape{2, 1}, sf::float64))
                 .to_vector<double>();
    CHECK(std::isnan(f[0]));
    CHECK(f[1] == 1.0);
    CHECK(f[2] == 0.0);
    CHECK(std::isnan(f[3]));
    CHECK(std::isnan(f[4]));
    CHECK(std::isnan(f[5]));
    auto h = run(sf::sym::broadcast_hypot(a, b), sf::nd::array({3e300, inf}, sf::float64),
                 sf::nd::array({4e300}, sf::float64))
                 .to_vector<double>();
    CHECK(h[0] == Approx(5e300).epsilon(1e-15));
    CHECK(std::isinf(h[1]));
    auto ne = run(sf::sym::broadcast_not_equal(a, b), sf::nd::array({nan, 1.0}, sf::float32),
                  sf::nd::array({1.0}, sf::float32))
                  .to_vector<float>();
    CHECK(ne == std::vector<float>{1, 0});
}


TEST_CASE("broadcast_to matches a double loop: 0 keeps a dimension, size-1 axes repeat", "[ops][broadcast]") {
    auto a = sf::sym::Variable<"A">();
    struct to_case {
        sf::Shape in, target, want;
    };
    const std::vector<to_case> cases = {
        {{1, 3}, {2, 0}, {2, 3}},       {{3, 1}, {3, 4}, {3, 4}},          {{1}, {5}, {5}},
        {{2, 3}, {0, 0}, {2, 3}},       {{1, 1, 1}, {2, 3, 4}, {2, 3, 4}}, {{3, 1, 5}, {3, 7, 5}, {3, 7, 5}},
        {{0, 3}, {0, 3}, {0, 3}},       {{1, 0}, {4, 0}, {4, 0}},          {{}, {}, {}},
        {{2, 1}, {2, 20001}, {2, 20001}}, {{1, 20001}, {3, 0}, {3, 20001}},
    };
    for_each_dtype([&]<class T>() {
        std::uint32_t seed = 100;
        for (const auto& c : cases) {
            auto e = sf::sym::broadcast_to(a * 2, {.shape = c.target}) + 1;
            const auto v = make_values<T>(c.in.num_elements(), seed++, {-9, 9, 5});
            auto out = e.bind(sf::cpu(), "A"_arg = to_array(v, c.in)).forward()[0];
            INFO("broadcast_to on " << dtype_str<T>() << ": " << c.in << " to " << c.target);
            REQUIRE(out.shape() == c.want);
            REQUIRE(out.dtype() == sf::dtype_of<T>());
            const auto got = out.template to_vector<T>();
            std::size_t bad = 0;
            for (std::size_t i = 0; i < got.size(); ++i)
                if (!close(got[i], 2 * static_cast<double>(v[source_index(c.want, c.in, i)]) + 1)) ++bad;
            CHECK(bad == 0);
        }
    });
    auto known = sf::sym::broadcast_to(a, {.shape = {2, 0}})
                     .bind(sf::cpu(), "A"_arg = sf::nd::array({{1, 2, 3}}, sf::int64))
                     .forward()[0];
    CHECK(known.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2, 3, 1, 2, 3});
}


TEST_CASE("broadcast_like matches a double loop and takes rhs's shape, not its values", "[ops][broadcast]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::broadcast_like(a * 2, b + 1) + 1;
    const std::vector<shape_pair> cases = {
        {{1, 3}, {4, 3}}, {{2, 1, 1}, {2, 5, 3}}, {{1}, {0}}, {{3, 1}, {3, 33}}, {{}, {}}, {{4, 5}, {4, 5}},
        {{1, 1}, {200, 201}},
    };
    for_each_dtype([&]<class T>() {
        std::uint32_t seed = 200;
        for (const auto& c : cases) {
            const auto va = make_values<T>(c.lhs.num_elements(), seed++, {-9, 9, 3});
            const auto vb = make_values<T>(c.rhs.num_elements(), seed++, {});
            auto out = e.bind(sf::cpu(), "A"_arg = to_array(va, c.lhs), "B"_arg = to_array(vb, c.rhs)).forward()[0];
            INFO("broadcast_like on " << dtype_str<T>() << ": " << c.lhs << " like " << c.rhs);
            REQUIRE(out.shape() == c.rhs);
            REQUIRE(out.dtype() == sf::dtype_of<T>());
            const auto got = out.template to_vector<T>();
            std::size_t bad = 0;
            for (std::size_t i = 0; i < got.size(); ++i)
                if (!close(got[i], 2 * static_cast<double>(va[source_index(c.rhs, c.lhs, i)]) + 1)) ++bad;
            CHECK(bad == 0);
        }
    });
}


TEST_CASE("a broadcast node runs inside the fused loop that reads it, after its operands' loops", "[ops][broadcast][exec]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::broadcast_add(a * 2, b) * 3;
    auto x = sf::nd::array(std::vector<float>{1, 2}, sf::Shape{2, 1});
    auto y = sf::nd::array({10.0, 20.0, 30.0});
    auto exec = e.bind(sf::cpu(), "A"_arg = x, "B"_arg = y);
    CHECK(exec.num_steps() == 2);  // a * 2 into an array; then broadcast_add and * 3 in one tiled loop
    CHECK(exec.forward()[0].to_vector<float>() == std::vector<float>{36, 66, 96, 42, 72, 102});
    x.data<float>()[1] = 0;  // forward reads the bound arrays' current contents
    CHECK(exec.forward()[0].to_vector<float>() == std::vector<float>{36, 66, 96, 30, 60, 90});
}
