// SliceChannel in the runtime interpreter: every output computed by one step, outputs as
// heads in any order, outputs read by fused trees and by materialized nodes, inference
// per output, JSON round trips, and errors for outputs symflow does not compute.
#include <catch2/catch.hpp>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using sf::sym::Symbol;
using strings = std::vector<std::string>;

namespace {

// x of shape (rows, cols) holding 0, 1, 2, ... in row-major order
sf::nd::NDArray iota(long rows, long cols) {
    std::vector<float> v(static_cast<std::size_t>(rows * cols));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = float(i);
    return sf::nd::array(v, sf::Shape{rows, cols});
}

// piece p of num pieces of x = iota(rows, cols) along axis 1, by a plain loop
std::vector<float> piece(long rows, long cols, long num, long p) {
    const long w = cols / num;
    std::vector<float> r;
    for (long i = 0; i < rows; ++i)
        for (long j = p * w; j < (p + 1) * w; ++j) r.push_back(float(i * cols + j));
    return r;
}

} // namespace

TEST_CASE("the interpreter runs SliceChannel and returns every output", "[runtime][split]") {
    sf::sym::NameManager scope;
    Symbol x = sf::sym::Variable("x");
    auto s = sf::sym::split(x, {.num_outputs = 3, .axis = 1}, "parts");
    auto ex = s.bind(sf::cpu(), {{"x", iota(4, 6)}});
    CHECK(ex.num_steps() == 1);  // one kernel writes the three pieces
    const auto& out = ex.forward();
    REQUIRE(out.size() == 3);
    for (long p = 0; p < 3; ++p) {
        INFO("output " << p);
        CHECK(out[p].shape() == sf::Shape{4, 2});
        CHECK(out[p].to_vector<float>() == piece(4, 6, 3, p));
    }
    CHECK(ex.output_dict().count("parts_output2") == 1);
    // outputs as heads in another order, one of them twice
    Symbol g = sf::sym::Group({s[2], s[0], s[2]});
    auto gx = g.bind(sf::cpu(), {{"x", iota(4, 6)}}).forward();
    REQUIRE(gx.size() == 3);
    CHECK(gx[0].to_vector<float>() == piece(4, 6, 3, 2));
    CHECK(gx[1].to_vector<float>() == piece(4, 6, 3, 0));
    CHECK(gx[2].to_vector<float>() == piece(4, 6, 3, 2));
}

TEST_CASE("outputs of SliceChannel feed fused trees and materialized nodes", "[runtime][split]") {
    sf::sym::NameManager scope;
    Symbol x = sf::sym::Variable("x");
    auto s = sf::sym::split(x, {.num_outputs = 3, .axis = 1});
    // an elementwise tree reading two outputs, and a reduction reading the third
    Symbol e = s[1] * 2.0f + s[2];
    Symbol r = sf::sym::sum(s[0], {.axis = 1});
    Symbol both = sf::sym::Group({e, r});
    for (const Symbol& sym : {both, sf::sym::load_json(both.tojson())}) {
        auto out = sym.bind(sf::cpu(), {{"x", iota(3, 9)}}).forward();
        REQUIRE(out.size() == 2);
        auto p0 = piece(3, 9, 3, 0), p1 = piece(3, 9, 3, 1), p2 = piece(3, 9, 3, 2);
        std::vector<float> want_e(p1.size()), want_r(3, 0.f);
        for (std::size_t i = 0; i < p1.size(); ++i) want_e[i] = p1[i] * 2.0f + p2[i];
        for (std::size_t i = 0; i < p0.size(); ++i) want_r[i / 3] += p0[i];
        CHECK(out[0].shape() == sf::Shape{3, 3});
        CHECK(out[0].to_vector<float>() == want_e);
        CHECK(out[1].to_vector<float>() == want_r);
    }
}

TEST_CASE("SliceChannel with squeeze_axis, negative axes and other dtypes", "[runtime][split]") {
    Symbol x = sf::sym::Variable("x");
    auto s = sf::sym::split(x, {.num_outputs = 4, .axis = -1, .squeeze_axis = true});
    auto X = sf::nd::array(std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}, sf::Shape{2, 4}, sf::int32);
    auto out = s.bind(sf::cpu(), {{"x", X}}).forward();
    REQUIRE(out.size() == 4);
    for (int p = 0; p < 4; ++p) {
        CHECK(out[p].dtype() == sf::int32);
        CHECK(out[p].shape() == sf::Shape{2});
        CHECK(out[p].to_vector<int>() == std::vector<int>{1 + p, 5 + p});
    }
}

TEST_CASE("inference gives each output of SliceChannel its shape and dtype", "[runtime][split]") {
    Symbol x = sf::sym::Variable("x");
    auto s = sf::sym::split(x, {.num_outputs = 2, .axis = 0});
    auto sh = s.infer_shape({{"x", sf::Shape{6, 5}}});
    CHECK(sh.out == std::vector<sf::Shape>{sf::Shape{3, 5}, sf::Shape{3, 5}});
    auto e = s[1] + sf::sym::Variable("y");  // y's shape learnt from output 1
    auto sh2 = e.infer_shape({{"x", sf::Shape{6, 5}}});
    CHECK(sh2.arg == std::vector<sf::Shape>{sf::Shape{6, 5}, sf::Shape{3, 5}});
    CHECK(sh2.out == std::vector<sf::Shape>{sf::Shape{3, 5}});
    auto ty = s.infer_type({{"x", sf::float64}});
    CHECK(ty.out == std::vector<sf::dtype>{sf::float64, sf::float64});
    auto ex = e.simple_bind(sf::cpu(), {{"x", sf::Shape{6, 5}}});
    CHECK(ex.arg_dict().at("y").shape() == sf::Shape{3, 5});
}

TEST_CASE("SliceChannel errors name the node and the shapes; uncomputed outputs are refused", "[runtime][split]") {
    Symbol x = sf::sym::Variable("x");
    auto s = sf::sym::split(x, {.num_outputs = 4, .axis = 1}, "cut");
    CHECK_THROWS_WITH(s.bind(sf::cpu(), {{"x", iota(2, 6)}}),
                      Catch::Contains("node 'cut'") && Catch::Contains("(2, 6)") && Catch::Contains("num_outputs=4"));
    // Dropout's second output (its mask) is not computed: reading it is an error, not garbage
    const std::string json = R"({"nodes": [{"op": "null", "name": "x", "inputs": []},
        {"op": "Dropout", "name": "drop", "attrs": {"p": "0.5"}, "inputs": [[0, 0, 0]]}],
        "arg_nodes": [0], "heads": [[1, 1, 0]]})";
    auto d = sf::sym::load_json(json);
    CHECK_THROWS_WITH(d.bind(sf::cpu(), {{"x", iota(2, 2)}}),
                      Catch::Contains("output 1 of op Dropout, node 'drop'") && Catch::Contains("does not compute"));
}
