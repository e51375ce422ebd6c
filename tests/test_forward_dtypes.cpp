// forward() on every dtype: results against a plain double-precision loop, at sizes
// that exercise the SIMD tail and the threaded path.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include <symflow/symflow.hpp>

#include "forward_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

TEMPLATE_TEST_CASE("E = (A*B) + (C*D) matches a scalar loop for every dtype and size", "[exec]", float, double,
                   std::int32_t, std::int64_t) {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto e = (a * b) + (c * d);
    // 0, 1, odd sizes around the SIMD widths, and one past the threading cut-off
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(3), std::size_t(7), std::size_t(15),
                          std::size_t(16), std::size_t(17), std::size_t(33), std::size_t(1003),
                          sf::exec::parallel_min_elements + 13}) {
        auto A = random_array<TestType>(n, 1), B = random_array<TestType>(n, 2), C = random_array<TestType>(n, 3),
             D = random_array<TestType>(n, 4);
        auto exec = e.bind(sf::cpu(), "C"_arg = C, "A"_arg = A, "D"_arg = D, "B"_arg = B);
        const auto& out = exec.forward();
        REQUIRE(out.size() == 1);
        CHECK(out[0].dtype() == sf::dtype_of<TestType>());
        CHECK(out[0].shape() == sf::Shape{static_cast<long>(n)});
        auto va = as_double<TestType>(A), vb = as_double<TestType>(B), vc = as_double<TestType>(C),
             vd = as_double<TestType>(D), got = as_double<TestType>(out[0]);
        for (std::size_t i = 0; i < n; ++i) REQUIRE(got[i] == va[i] * vb[i] + vc[i] * vd[i]);
    }
}

TEMPLATE_TEST_CASE("scalar operators and division on every dtype", "[exec]", float, double, std::int32_t,
                   std::int64_t) {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = ((a - b) * 3 + (10 - a)) / 2 - (-b) / (b * b + 1) + 5 / (a * a + 1);
    const std::size_t n = 1031;
    auto A = random_array<TestType>(n, 5), B = random_array<TestType>(n, 6);
    auto got = as_double<TestType>(e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B).forward()[0]);
    auto va = as_double<TestType>(A), vb = as_double<TestType>(B);
    for (std::size_t i = 0; i < n; ++i) {
        double x = va[i], y = vb[i], want;
        if constexpr (std::is_integral_v<TestType>) {
            auto div = [](double p, double q) { return q == 0 ? 0.0 : std::trunc(p / q); };
            want = div((x - y) * 3 + (10 - x), 2) - div(-y, y * y + 1) + div(5, x * x + 1);
            REQUIRE(got[i] == want);
        } else {
            want = ((x - y) * 3 + (10 - x)) / 2 - (-y) / (y * y + 1) + 5 / (x * x + 1);
            REQUIRE(got[i] == Approx(want).epsilon(std::is_same_v<TestType, float> ? 1e-6 : 1e-14));
        }
    }
}

