// Broadcast ops inside static fused loops: a broadcast read by an elementwise node is
// computed a tile at a time inside that loop (exec::run_fused_tiled), never into an array
// of its result; the values against a scalar loop over numpy's index rule.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <symflow/symflow.hpp>

#include "broadcast_test_util.hpp"

using namespace sf::literals;

namespace {

// random values in [0.5, 2] (multiples of 0.5: exact in every dtype)
sf::nd::NDArray filled(const sf::Shape& s, unsigned seed) {
    return broadcast_test::to_array(broadcast_test::make_values<float>(s.num_elements(), seed, {0.5, 2}), s);
}

using broadcast_test::source_index;  // numpy's index rule, written out as a plain loop

} // namespace

TEST_CASE("a broadcast read by a fused loop runs inside it: one step, every layout", "[exec][broadcast]") {
    auto a = sf::sym::Variable<"a">();
    auto b = sf::sym::Variable<"b">();
    auto c = sf::sym::Variable<"c">();
    auto e = sf::sym::broadcast_add(a, b) * c - 1.0f;
    auto e2 = sf::sym::broadcast_sub(b, a) + c;
    const std::vector<std::pair<sf::Shape, sf::Shape>> cases{
        {{300, 7}, {7}}, {{300, 7}, {300, 1}}, {{64, 1000}, {1000}}, {{5, 13, 9}, {13, 1}},
        {{4, 3, 50}, {1}}, {{513, 257}, {513, 1}}, {{3}, {3}},
    };
    for (const auto& [big, small] : cases) {
        INFO(big.str() << " with " << small.str());
        auto A = filled(big, 1), B = filled(small, 2), C = filled(big, 3);
        auto ex = e.bind(sf::cpu(), "a"_arg = A, "b"_arg = B, "c"_arg = C);
        CHECK(ex.num_steps() == 1);  // no step (and no array) for the broadcast
        auto out = ex.forward()[0].to_vector<float>();
        auto va = A.to_vector<float>(), vb = B.to_vector<float>(), vc = C.to_vector<float>();
        REQUIRE(out.size() == big.num_elements());
        for (std::size_t i = 0; i < out.size(); ++i)
            REQUIRE(out[i] == (va[i] + vb[source_index(big, small, i)]) * vc[i] - 1.0f);
        auto out2 = e2.bind(sf::cpu(), "a"_arg = A, "b"_arg = B, "c"_arg = C).forward()[0].to_vector<float>();
        for (std::size_t i = 0; i < out2.size(); ++i)
            REQUIRE(out2[i] == (vb[source_index(big, small, i)] - va[i]) + vc[i]);
    }
}

TEST_CASE("outer products, int32, and a broadcast read by loops and by a reduction", "[exec][broadcast]") {
    auto x = sf::sym::Variable<"x">();
    auto y = sf::sym::Variable<"y">();
    auto X = filled({37, 1}, 4), Y = filled({1, 53}, 5);
    auto vx = X.to_vector<float>(), vy = Y.to_vector<float>();
    auto tree = sf::sym::exp(sf::sym::broadcast_mul(x, y)) / 2.0f;
    auto ex = tree.bind(sf::cpu(), "x"_arg = X, "y"_arg = Y);
    CHECK(ex.num_steps() == 1);
    auto v = ex.forward()[0].to_vector<float>();
    for (std::size_t r = 0; r < 37; ++r)
        for (std::size_t c = 0; c < 53; ++c)
            REQUIRE(v[r * 53 + c] == Approx(std::exp(double(vx[r]) * vy[c]) / 2).epsilon(1e-6));

    // int32: maximum, and a comparison giving 0/1
    auto I = sf::nd::array(std::vector<int>{-3, 5, 0, 7, -1, 2}, sf::Shape{2, 3}, sf::int32);
    auto J = sf::nd::array(std::vector<int>{1, -2, 4}, sf::Shape{3}, sf::int32);
    auto ie = sf::sym::broadcast_maximum(x, y) + sf::sym::broadcast_greater(x, y) * 10;
    auto iv = ie.bind(sf::cpu(), "x"_arg = I, "y"_arg = J).forward()[0].to_vector<int>();
    CHECK(iv == std::vector<int>{1, 15, 4, 17, 9, 4});  // max(x, y) + 10 * (x > y), by hand

    // one node read twice by a loop and once by sum: the loop computes it in its tiles,
    // sum reads one array of it
    auto a = sf::sym::Variable<"a">();
    auto b = sf::sym::Variable<"b">();
    auto bc = sf::sym::broadcast_add(a, b);
    auto e = sf::sym::broadcast_add(bc * bc, sf::sym::sum(bc));
    auto A = filled({40, 30}, 8), B = filled({30}, 9);
    auto out = e.bind(sf::cpu(), "a"_arg = A, "b"_arg = B).forward()[0].to_vector<float>();
    auto va = A.to_vector<float>(), vb = B.to_vector<float>();
    double total = 0;
    for (std::size_t i = 0; i < 1200; ++i) total += va[i] + vb[i % 30];
    for (std::size_t i = 0; i < 1200; ++i) {
        const float v = va[i] + vb[i % 30];
        REQUIRE(out[i] == Approx(double(v * v) + total).epsilon(1e-5));
    }
}

TEST_CASE("broadcast_to and broadcast_like run inside static loops", "[exec][broadcast]") {
    auto x = sf::sym::Variable<"x">();
    auto y = sf::sym::Variable<"y">();
    auto X = filled({1, 5}, 12), Xc = filled({4, 1}, 13), Y = filled({4, 5}, 14);
    auto vx = X.to_vector<float>(), vxc = Xc.to_vector<float>(), vy = Y.to_vector<float>();
    auto to = sf::sym::broadcast_to(x, {.shape = {4, 0}}) * y;
    auto like = sf::sym::broadcast_like(x, y) + y;
    auto ex = to.bind(sf::cpu(), "x"_arg = X, "y"_arg = Y);
    CHECK(ex.num_steps() == 1);
    auto o1 = ex.forward()[0].to_vector<float>();
    auto lx = like.bind(sf::cpu(), "x"_arg = Xc, "y"_arg = Y);
    CHECK(lx.num_steps() == 1);
    auto o2 = lx.forward()[0].to_vector<float>();
    for (std::size_t i = 0; i < 20; ++i) {
        REQUIRE(o1[i] == vx[i % 5] * vy[i]);
        REQUIRE(o2[i] == vxc[i / 5] + vy[i]);
    }
}
