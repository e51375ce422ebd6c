// Broadcast ops inside the interpreter's fused trees: no array of the broadcast result,
// tiles that start mid-row, every layout (row, column, scalar, 3-d, outer product), the
// broadcast ops' element functions, against a scalar loop over numpy's index rule.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <random>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <symflow/symflow.hpp>

#include "broadcast_test_util.hpp"

using sf::sym::Symbol;

namespace {

// random values in [0.5, 2] (multiples of 0.5: exact in every dtype)
sf::nd::NDArray filled(const sf::Shape& s, unsigned seed) {
    return broadcast_test::to_array(broadcast_test::make_values<float>(s.num_elements(), seed, {0.5, 2}), s);
}

using broadcast_test::source_index;  // numpy's index rule, written out as a plain loop

std::vector<double> as_doubles(const sf::nd::NDArray& a) {
    std::vector<double> r;
    if (a.dtype() == sf::int32)
        for (int v : a.to_vector<int>()) r.push_back(v);
    else
        for (float v : a.to_vector<float>()) r.push_back(v);
    return r;
}

} // namespace

TEST_CASE("broadcast_add inside a fused tree: one step, no array of the broadcast", "[runtime][broadcast]") {
    const std::vector<std::pair<sf::Shape, sf::Shape>> cases{
        {{300, 7}, {7}},          // a row, rows shorter than a tile
        {{300, 7}, {300, 1}},     // a column
        {{64, 1000}, {1000}},     // long rows: tiles start mid-row
        {{5, 13, 9}, {13, 1}},    // 3-d, middle axis
        {{4, 3, 50}, {1}},        // a scalar
        {{257, 129}, {257, 129}}, // equal shapes
    };
#ifdef _OPENMP
    const std::size_t threads = static_cast<std::size_t>(omp_get_max_threads());
#else
    const std::size_t threads = 1;
#endif
    for (const auto& [big, small] : cases) {
        INFO(big.str() << " with " << small.str());
        Symbol a = sf::sym::Variable("a"), b = sf::sym::Variable("b"), c = sf::sym::Variable("c");
        Symbol e = sf::sym::broadcast_add(a, b) * c - 1.0f;
        auto A = filled(big, 1), B = filled(small, 2), C = filled(big, 3);
        auto ex = e.bind(sf::cpu(), {{"a", A}, {"b", B}, {"c", C}});
        CHECK(ex.num_steps() == 1);
        // tile buffers only (one per thread), whatever the array size
        CHECK(ex.intermediate_bytes() <= threads * (sf::exec::source_tile_elements * sizeof(float) + 64));
        auto out = ex.forward()[0].to_vector<float>();
        auto va = A.to_vector<float>(), vb = B.to_vector<float>(), vc = C.to_vector<float>();
        REQUIRE(out.size() == big.num_elements());
        for (std::size_t i = 0; i < out.size(); ++i)
            REQUIRE(out[i] == (va[i] + vb[source_index(big, small, i)]) * vc[i] - 1.0f);
        // the other operand order: the broadcast side on the left
        Symbol e2 = sf::sym::broadcast_sub(b, a) + c;
        auto out2 = e2.bind(sf::cpu(), {{"a", A}, {"b", B}, {"c", C}}).forward()[0].to_vector<float>();
        for (std::size_t i = 0; i < out2.size(); ++i)
            REQUIRE(out2[i] == (vb[source_index(big, small, i)] - va[i]) + vc[i]);
    }
}

TEST_CASE("both sides broadcast (an outer product) as a tree's root and inside it", "[runtime][broadcast]") {
    Symbol x = sf::sym::Variable("x"), y = sf::sym::Variable("y");
    auto X = filled({37, 1}, 4), Y = filled({1, 53}, 5);
    auto vx = X.to_vector<float>(), vy = Y.to_vector<float>();
    Symbol outer = sf::sym::broadcast_mul(x, y);
    Symbol tree = sf::sym::exp(sf::sym::broadcast_mul(x, y)) / 2.0f;
    auto o1 = outer.bind(sf::cpu(), {{"x", X}, {"y", Y}}).forward()[0];
    auto o2 = tree.bind(sf::cpu(), {{"x", X}, {"y", Y}}).forward()[0];
    CHECK(o1.shape() == sf::Shape{37, 53});
    auto v1 = o1.to_vector<float>(), v2 = o2.to_vector<float>();
    for (std::size_t r = 0; r < 37; ++r)
        for (std::size_t c = 0; c < 53; ++c) {
            REQUIRE(v1[r * 53 + c] == vx[r] * vy[c]);
            REQUIRE(v2[r * 53 + c] == Approx(std::exp(double(vx[r]) * vy[c]) / 2).epsilon(1e-6));
        }
}

TEST_CASE("every broadcast binary op fused, float32 and int32, against a scalar loop", "[runtime][broadcast]") {
    using fn = std::function<Symbol(const Symbol&, const Symbol&)>;
    using ref = std::function<double(double, double)>;
    const std::vector<std::tuple<const char*, fn, ref>> ops{
        {"add", [](auto& p, auto& q) { return sf::sym::broadcast_add(p, q); }, [](double p, double q) { return p + q; }},
        {"sub", [](auto& p, auto& q) { return sf::sym::broadcast_sub(p, q); }, [](double p, double q) { return p - q; }},
        {"mul", [](auto& p, auto& q) { return sf::sym::broadcast_mul(p, q); }, [](double p, double q) { return p * q; }},
        {"maximum", [](auto& p, auto& q) { return sf::sym::broadcast_maximum(p, q); },
         [](double p, double q) { return std::max(p, q); }},
        {"minimum", [](auto& p, auto& q) { return sf::sym::broadcast_minimum(p, q); },
         [](double p, double q) { return std::min(p, q); }},
        {"greater", [](auto& p, auto& q) { return sf::sym::broadcast_greater(p, q); },
         [](double p, double q) { return p > q ? 1.0 : 0.0; }},
        {"equal", [](auto& p, auto& q) { return sf::sym::broadcast_equal(p, q); },
         [](double p, double q) { return p == q ? 1.0 : 0.0; }},
    };
    const sf::Shape big{11, 6, 5}, small{6, 1};
    for (auto dt : {sf::float32, sf::int32}) {
        std::mt19937 g(7);
        std::vector<int> ia(big.num_elements()), ib(small.num_elements());
        for (auto& v : ia) v = int(g() % 7) - 3;
        for (auto& v : ib) v = int(g() % 7) - 3;
        auto A = sf::nd::array(ia, big, dt), B = sf::nd::array(ib, small, dt);
        for (const auto& [name, f, r] : ops) {
            INFO(name << " " << sf::dtype_name(dt));
            Symbol a = sf::sym::Variable("a"), b = sf::sym::Variable("b");
            Symbol e = f(a, b) + a;  // fused with an elementwise reader
            auto ex = e.bind(sf::cpu(), {{"a", A}, {"b", B}});
            CHECK(ex.num_steps() == 1);
            auto out = as_doubles(ex.forward()[0]);
            for (std::size_t i = 0; i < out.size(); ++i)
                REQUIRE(out[i] == r(ia[i], ib[source_index(big, small, i)]) + ia[i]);
        }
    }
}

TEST_CASE("a broadcast read twice or by a materialized node still runs once, correctly", "[runtime][broadcast]") {
    Symbol a = sf::sym::Variable("a"), b = sf::sym::Variable("b");
    Symbol bc = sf::sym::broadcast_add(a, b);
    Symbol e = sf::sym::Group({bc * bc, sf::sym::sum(bc), bc});
    auto A = filled({40, 30}, 8), B = filled({30}, 9);
    auto out = e.bind(sf::cpu(), {{"a", A}, {"b", B}}).forward();
    auto va = A.to_vector<float>(), vb = B.to_vector<float>();
    auto sq = out[0].to_vector<float>(), whole = out[2].to_vector<float>();
    double total = 0;
    for (std::size_t i = 0; i < 1200; ++i) {
        const float v = va[i] + vb[i % 30];
        REQUIRE(whole[i] == v);
        REQUIRE(sq[i] == v * v);
        total += v;
    }
    CHECK(out[1].to_vector<float>()[0] == Approx(total).epsilon(1e-5));
}

TEST_CASE("a large fused broadcast splits across threads with the same result", "[runtime][broadcast]") {
    Symbol a = sf::sym::Variable("a"), b = sf::sym::Variable("b");
    Symbol e = sf::sym::broadcast_div(a, b) + a;
    auto A = filled({513, 257}, 10), B = filled({513, 1}, 11);
    auto ex = e.bind(sf::cpu(), {{"a", A}, {"b", B}});
    // far below the 513 * 257 floats an array of the broadcast would take
    CHECK(ex.intermediate_bytes() < 513 * 257 * sizeof(float) / 2);
    auto out = ex.forward()[0].to_vector<float>();
    auto va = A.to_vector<float>(), vb = B.to_vector<float>();
    for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == va[i] / vb[i / 257] + va[i]);
}

TEST_CASE("broadcast_to and broadcast_like fuse as reads through a stride pattern", "[runtime][broadcast]") {
    Symbol x = sf::sym::Variable("x"), y = sf::sym::Variable("y");
    auto X = filled({1, 5}, 12), Xc = filled({4, 1}, 13), Y = filled({4, 5}, 14);
    auto vx = X.to_vector<float>(), vxc = Xc.to_vector<float>(), vy = Y.to_vector<float>();
    Symbol to = sf::sym::broadcast_to(x, {.shape = {4, 0}}) * y;
    Symbol like = sf::sym::broadcast_like(x, y) + y;
    auto ex = to.bind(sf::cpu(), {{"x", X}, {"y", Y}});
    CHECK(ex.num_steps() == 1);
    auto o1 = ex.forward()[0].to_vector<float>();
    auto o2 = like.bind(sf::cpu(), {{"x", Xc}, {"y", Y}}).forward()[0].to_vector<float>();
    for (std::size_t i = 0; i < 20; ++i) {
        REQUIRE(o1[i] == vx[i % 5] * vy[i]);
        REQUIRE(o2[i] == vxc[i / 5] + vy[i]);
    }
}
