// Reshape, transpose, expand_dims, squeeze, Flatten and Cast: forward() against plain
// double-precision reference loops on every dtype, with fused elementwise work around the
// op, edge cases (size-1 and empty axes, NaN), names, JSON op strings, attributes,
// infer_shape/infer_type and the errors bind reports.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/shape_ops.hpp>
#include <symflow/sym/shape_functions.hpp>

#include "shape_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

namespace {

std::string list_str(const std::vector<long long>& v) {
    std::string r = "(";
    for (auto x : v) r += std::to_string(x) + ",";
    return r + ")";
}

using reference = std::function<std::vector<double>(const std::vector<double>&)>;

// The op moves elements without changing them: the input values in the same order.
std::vector<double> same_order(const std::vector<double>& in) { return in; }

// Binds e = op(A * 2) + 1 to a random input of every dtype and checks shape, dtype and
// values against `ref` (the op on plain doubles) followed by 2x + 1.
template <class E>
void check_every_dtype(const E& e, const sf::Shape& in, const sf::Shape& want, const reference& ref) {
    CHECK(e.infer_shape("A"_arg = in).out == std::vector<sf::Shape>{want});
    for (sf::dtype dt : all_dtypes) {
        INFO(sf::dtype_name(dt));
        auto A = random_array(dt, in, static_cast<std::uint32_t>(in.num_elements()) + 3);
        auto out = e.bind(sf::cpu(), "A"_arg = A).forward()[0];
        REQUIRE(out.shape() == want);
        CHECK(out.dtype() == dt);
        std::vector<double> expect = ref(values(A));
        for (auto& x : expect) x = 2 * x + 1;
        CHECK(diff(values(out), expect) == "");
    }
}

} // namespace

// ---- Reshape --------------------------------------------------------------------------------

TEST_CASE("Reshape follows MXNet's documented examples of the codes 0 -1 -2 -3 -4 and reverse", "[ops][shape]") {
    struct example {
        sf::Shape in;
        std::vector<long long> shape;
        bool reverse;
        sf::Shape want;
    };
    const std::vector<example> examples{
        {{2, 3, 4}, {4, 0, 2}, false, {4, 3, 2}},
        {{2, 3, 4}, {2, 0, 0}, false, {2, 3, 4}},
        {{2, 3, 4}, {6, 1, -1}, false, {6, 1, 4}},
        {{2, 3, 4}, {3, -1, 8}, false, {3, 1, 8}},
        {{2, 3, 4}, {-1}, false, {24}},
        {{2, 3, 4}, {2, -1}, false, {2, 12}},
        {{2, 3, 4}, {-2}, false, {2, 3, 4}},
        {{2, 3, 4}, {2, -2}, false, {2, 3, 4}},
        {{2, 3, 4}, {-2, 1, 1}, false, {2, 3, 4, 1, 1}},
        {{2, 3, 4, 5}, {-3, -3}, false, {6, 20}},
        {{2, 3, 4}, {0, -3}, false, {2, 12}},
        {{2, 3, 4}, {-3, -2}, false, {6, 4}},
        {{2, 3, 4}, {-4, 1, 2, -2}, false, {1, 2, 3, 4}},
        {{2, 3, 4}, {2, -4, -1, 3, -2}, false, {2, 1, 3, 4}},
        {{10, 5, 4}, {-1, 0}, false, {40, 5}},
        {{10, 5, 4}, {-1, 0}, true, {50, 4}},
        {{2, 3, 4}, {0, 0, -1}, true, {2, 3, 4}},
        {{6, 8}, {0, 2, -1, -4}, true, {6, 2, 4}},  // read right to left: -4 splits 8 into (2, -1)
        {{7}, {-4, 7, -1}, false, {7, 1}},
        {{1}, {1, 1, 1}, false, {1, 1, 1}},
        {{1}, {}, false, {}},
        {{}, {1, -1}, false, {1, 1}},
        {{0, 3}, {-3}, false, {0}},
        {{0, 3}, {0, 3, 1}, false, {0, 3, 1}},
        {{2, 0, 3}, {0, -3}, false, {2, 0}},
        {{3, 1, 5}, {5, -1}, false, {5, 3}},
    };
    auto a = sf::sym::Variable<"A">();
    for (const auto& ex : examples) {
        INFO("input " << ex.in << " shape=" << list_str(ex.shape) << " reverse=" << ex.reverse);
        auto e = sf::sym::reshape(a * 2, {.shape = ex.shape, .reverse = ex.reverse}) + 1;
        check_every_dtype(e, ex.in, ex.want, same_order);
    }
}

TEST_CASE("Reshape errors name the node, the input shape and the target", "[ops][shape][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto x = sf::nd::zeros(sf::Shape{2, 3, 4});
    struct bad {
        std::vector<long long> shape;
        const char* says;
    };
    for (const auto& b : {bad{{5, 5}, "has 25 elements"}, bad{{5, -1}, "multiple of 5"},
                          bad{{-1, -1}, "at most one"}, bad{{-4, 5, -1, -2}, "cannot split input dim 2"},
                          bad{{-4, 2}, "followed by the two dims"}, bad{{-4, 0, 2, -2}, "positive"},
                          bad{{2, -5}, "-5 is not a dim"}, bad{{0, 0, 0, 0}, "code 0 needs 1 more input dim"},
                          bad{{-3, -3}, "code -3 needs 2 more input dims"}}) {
        INFO(list_str(b.shape));
        auto e = sf::sym::reshape(a * 2, {.shape = b.shape}) + 1;
        CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = x),
                          Catch::Contains("Reshape node 'reshape") && Catch::Contains("'_mulscalar") &&
                              Catch::Contains("(2, 3, 4)") &&
                              Catch::Contains("shape=" + sf::ops::python_tuple_str(b.shape)) &&
                              Catch::Contains(b.says));
    }
    auto e = sf::sym::reshape(a * 2, {.shape = {-1, 0}}) + 1;
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2, 0, 3})),
                      Catch::Contains("(2, 0, 3)") && Catch::Contains("cannot be inferred"));
    CHECK_THROWS_AS(e.infer_shape("A"_arg = sf::Shape{2, 0, 3}), sf::error);
    CHECK(e.infer_shape("A"_arg = sf::Shape{0, 3}).out == std::vector<sf::Shape>{sf::Shape{0, 3}});  // 0 copies the 3
}

// ---- transpose ------------------------------------------------------------------------------

TEST_CASE("transpose permutes axes like a plain index loop", "[ops][shape]") {
    struct example {
        sf::Shape in;
        std::vector<long long> axes;
        sf::Shape want;
    };
    const std::vector<example> examples{
        {{2, 3, 4}, {}, {4, 3, 2}},          {{2, 3, 4}, {1, 0, 2}, {3, 2, 4}},
        {{2, 3, 4}, {2, 0, 1}, {4, 2, 3}},   {{2, 3, 4}, {-1, 0, -2}, {4, 2, 3}},
        {{2, 3, 4}, {0, 1, 2}, {2, 3, 4}},   {{1, 5}, {}, {5, 1}},
        {{0, 3}, {}, {3, 0}},                {{3}, {}, {3}},
        {{}, {}, {}},                        {{3, 1, 4, 1, 5}, {4, 2, 0, 3, 1}, {5, 4, 3, 1, 1}},
        {{300, 257}, {}, {257, 300}},        {{5, 7, 9, 2}, {3, 1, 2, 0}, {2, 7, 9, 5}},
    };
    auto a = sf::sym::Variable<"A">();
    for (const auto& ex : examples) {
        INFO("input " << ex.in << " axes=" << list_str(ex.axes));
        auto e = sf::sym::transpose(a * 2, {.axes = ex.axes}) + 1;
        const std::size_t n = ex.in.ndim();
        check_every_dtype(e, ex.in, ex.want, [&](const std::vector<double>& in) {
            std::vector<double> out(ex.want.num_elements());
            for (std::size_t i = 0; i < out.size(); ++i) {
                auto o = unravel(i, ex.want);
                std::vector<long> src(n);
                for (std::size_t k = 0; k < n; ++k) {
                    long long ax = ex.axes.empty() ? static_cast<long long>(n - 1 - k) : ex.axes[k];
                    if (ax < 0) ax += static_cast<long long>(n);
                    src[static_cast<std::size_t>(ax)] = o[k];
                }
                out[i] = in[ravel(src, ex.in)];
            }
            return out;
        });
    }
}

// ---- expand_dims, squeeze, Flatten ----------------------------------------------------------

TEST_CASE("expand_dims, squeeze and Flatten change the shape and keep the elements", "[ops][shape]") {
    auto a = sf::sym::Variable<"A">();
    SECTION("expand_dims") {
        struct example {
            sf::Shape in;
            int axis;
            sf::Shape want;
        };
        for (const auto& ex : {example{{2, 3}, 0, {1, 2, 3}}, example{{2, 3}, 1, {2, 1, 3}},
                               example{{2, 3}, 2, {2, 3, 1}}, example{{2, 3}, -1, {2, 3, 1}},
                               example{{2, 3}, -3, {1, 2, 3}}, example{{}, 0, {1}}, example{{0, 4}, 1, {0, 1, 4}}}) {
            INFO("input " << ex.in << " axis=" << ex.axis);
            check_every_dtype(sf::sym::expand_dims(a * 2, ex.axis) + 1, ex.in, ex.want, same_order);
        }
    }
    SECTION("squeeze") {
        check_every_dtype(sf::sym::squeeze(a * 2) + 1, {1, 3, 1, 2}, {3, 2}, same_order);
        check_every_dtype(sf::sym::squeeze(a * 2, 0) + 1, {1, 3, 1, 2}, {3, 1, 2}, same_order);
        check_every_dtype(sf::sym::squeeze(a * 2, -2) + 1, {1, 3, 1, 2}, {1, 3, 2}, same_order);
        check_every_dtype(sf::sym::squeeze(a * 2, {0, 2}) + 1, {1, 3, 1, 2}, {3, 2}, same_order);
        check_every_dtype(sf::sym::squeeze(a * 2) + 1, {1, 1}, {1}, same_order);  // MXNet 1.x keeps (1,)
        check_every_dtype(sf::sym::squeeze(a * 2) + 1, {0, 1, 5}, {0, 5}, same_order);
        check_every_dtype(sf::sym::squeeze(a * 2) + 1, {4, 5}, {4, 5}, same_order);
    }
    SECTION("Flatten") {
        struct example {
            sf::Shape in, want;
        };
        for (const auto& ex : {example{{2, 3, 4}, {2, 12}}, example{{5}, {5, 1}}, example{{2, 1}, {2, 1}},
                               example{{2, 0, 3}, {2, 0}}, example{{0, 3, 2}, {0, 6}}, example{{1, 1, 1, 7}, {1, 7}}}) {
            INFO("input " << ex.in);
            check_every_dtype(sf::sym::Flatten(a * 2) + 1, ex.in, ex.want, same_order);
            check_every_dtype(sf::sym::flatten(a * 2) + 1, ex.in, ex.want, same_order);
        }
    }
}

TEST_CASE("shape errors name the node, the input and what is wrong", "[ops][shape][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto x = sf::nd::zeros(sf::Shape{1, 3, 1, 2});
    CHECK_THROWS_WITH((sf::sym::transpose(a * 2, {.axes = {1, 0}}) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("transpose node 'transpose0'") && Catch::Contains("(1, 3, 1, 2)") &&
                          Catch::Contains("axes (1, 0) has 2 entries for a 4-d input"));
    CHECK_THROWS_WITH((sf::sym::transpose(a * 2, {.axes = {1, 0, 1, 2}}) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("not a permutation"));
    CHECK_THROWS_WITH((sf::sym::transpose(a * 2, {.axes = {0, 1, 2, 4}}) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("axes entry 4 is out of range for a 4-d input"));
    CHECK_THROWS_WITH((sf::sym::squeeze(a * 2, 1) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("squeeze node 'squeeze0'") && Catch::Contains("(1, 3, 1, 2)") &&
                          Catch::Contains("cannot squeeze axis 1 of size 3"));
    CHECK_THROWS_WITH((sf::sym::squeeze(a * 2, {0, -4}) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("given twice"));
    CHECK_THROWS_WITH((sf::sym::expand_dims(a * 2, 5) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("expand_dims node 'expand_dims0'") &&
                          Catch::Contains("axis 5 is out of range for a 5-d input"));
    CHECK_THROWS_WITH((sf::sym::Flatten(a * 2) + 1).bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{})),
                      Catch::Contains("Flatten node 'flatten0'") && Catch::Contains("0-d"));
}

// ---- Cast -----------------------------------------------------------------------------------

TEST_CASE("Cast converts between every pair of dtypes, fused with the work around it", "[ops][shape][cast]") {
    auto a = sf::sym::Variable<"A">();
    for (sf::dtype from : all_dtypes)
        for (sf::dtype to : all_dtypes) {
            INFO(sf::dtype_name(from) << " -> " << sf::dtype_name(to));
            auto e = sf::sym::Cast(a * 2, to) + 1;
            CHECK(e.infer_type("A"_arg = from).out == std::vector<sf::dtype>{to});
            for (const sf::Shape& s : {sf::Shape{3, 5}, sf::Shape{0, 2}, sf::Shape{}, sf::Shape{40000}}) {
                auto A = random_array(from, s, 11);
                auto out = e.bind(sf::cpu(), "A"_arg = A).forward()[0];
                REQUIRE(out.shape() == s);
                REQUIRE(out.dtype() == to);
                std::vector<double> want = values(A);
                const bool to_int = to == sf::int32 || to == sf::int64;
                for (auto& v : want) v = std::isnan(v) && to_int ? 1 : 2 * v + 1;  // NaN casts to 0
                CHECK(diff(values(out), want) == "");
            }
        }
}

TEST_CASE("Cast of NaN, infinities and out-of-range values is defined: NaN is 0, others saturate",
          "[ops][shape][cast]") {
    auto a = sf::sym::Variable<"A">();
    auto e = sf::sym::cast(a, sf::int32);
    const double inf = std::numeric_limits<double>::infinity();
    constexpr double i32max = std::numeric_limits<std::int32_t>::max(), i32min = std::numeric_limits<std::int32_t>::min();
    const std::vector<double> in{qnan, inf, -inf, 1e10, -1e10, 2.9, -2.9, -0.0, 2147483647.0, 2147483648.0,
                                 -2147483648.0, -2147483649.0, 2147483647.75};
    const std::vector<double> want{0, i32max, i32min, i32max, i32min, 2, -2, 0, i32max, i32max, i32min, i32min, i32max};
    auto out = e.bind(sf::cpu(), "A"_arg = sf::nd::array(in, sf::Shape{13}, sf::float64)).forward()[0];
    CHECK(out.dtype() == sf::int32);
    CHECK(diff(values(out), want) == "");
    // float32 to int64: 2^63 and beyond saturate, -2^63 is exact
    const std::vector<double> in32{qnan, inf, -inf, 9.3e18, -9.3e18, -9223372036854775808.0, 1.5e9, -7.5};
    auto out64 = sf::sym::cast(a, sf::int64).bind(sf::cpu(), "A"_arg = sf::nd::array(in32, sf::Shape{8})).forward()[0];
    auto got64 = out64.to_vector<std::int64_t>();
    constexpr auto i64max = std::numeric_limits<std::int64_t>::max(), i64min = std::numeric_limits<std::int64_t>::min();
    CHECK(got64 == std::vector<std::int64_t>{0, i64max, i64min, i64max, i64min, i64min, 1500000000, -7});
    // int64 to int32 wraps (two's complement), int32 to float32 rounds to nearest
    auto big = sf::nd::array(std::vector<std::int64_t>{(std::int64_t(1) << 32) + 5, std::int64_t(1) << 31, -1},
                             sf::Shape{3}, sf::int64);
    CHECK(e.bind(sf::cpu(), "A"_arg = big).forward()[0].to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{5, std::numeric_limits<std::int32_t>::min(), -1});
    auto odd = sf::nd::array(std::vector<std::int32_t>{16777217, -16777219}, sf::Shape{2}, sf::int32);
    CHECK(sf::sym::cast(a, sf::float32).bind(sf::cpu(), "A"_arg = odd).forward()[0].to_vector<float>() ==
          std::vector<float>{16777216.0f, -16777220.0f});
}

// ---- names, JSON ops, attributes ------------------------------------------------------------

TEST_CASE("shape ops are named, written and attributed as MXNet does", "[ops][shape][sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto check = [](const auto& e, const char* name, const char* op, const attrs_t& attrs) {
        sf::sym::Symbol r = e;
        INFO(name);
        CHECK(e.name() == name);
        CHECK(r.outputs()[0].node->op->name == op);
        CHECK(r.outputs()[0].node->attrs == attrs);
        CHECK(e.list_outputs() == strings{std::string(name) + "_output"});
    };
    check(sf::sym::reshape(a, {.shape = {0, -1}}), "reshape0", "Reshape", {{"shape", "(0, -1)"}});
    check(sf::sym::Reshape(a, {.shape = {2}, .reverse = true}), "reshape1", "Reshape",
          {{"shape", "(2,)"}, {"reverse", "True"}});
    check(sf::sym::transpose(a), "transpose0", "transpose", {});
    check(sf::sym::transpose(a, {.axes = {1, 0}}), "transpose1", "transpose", {{"axes", "(1, 0)"}});
    check(sf::sym::transpose(a, {}, "t"), "t", "transpose", {});
    check(sf::sym::expand_dims(a, -1), "expand_dims0", "expand_dims", {{"axis", "-1"}});
    check(sf::sym::squeeze(a), "squeeze0", "squeeze", {});
    check(sf::sym::squeeze(a, 1), "squeeze1", "squeeze", {{"axis", "1"}});
    check(sf::sym::squeeze(a, {0, 2}), "squeeze2", "squeeze", {{"axis", "(0, 2)"}});
    check(sf::sym::squeeze(a, {3}, "sq"), "sq", "squeeze", {{"axis", "(3,)"}});
    check(sf::sym::Flatten(a), "flatten0", "Flatten", {});
    check(sf::sym::flatten(a, "f"), "f", "Flatten", {});
    check(sf::sym::flatten(a), "flatten1", "Flatten", {});
    check(sf::sym::Cast(a, sf::int32), "cast0", "Cast", {{"dtype", "int32"}});
    check(sf::sym::cast(a, sf::float64), "cast1", "Cast", {{"dtype", "float64"}});
    check(sf::sym::cast(a, sf::int64, "c"), "c", "Cast", {{"dtype", "int64"}});
    CHECK(sf::ops::reshape_op::aliases[0] == "reshape");
    CHECK(sf::ops::flatten_op::aliases[0] == "flatten");
    CHECK(sf::ops::cast_op::aliases[0] == "cast");
    CHECK(sf::ops::reshape_op::inputs[0] == "data");
    // the elementwise nodes around a materialized one are named in MXNet's order
    auto e = sf::sym::transpose(a * 2) + 1;
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "_mulscalar0_output", "transpose2_output", "_plusscalar0_output"});
    auto exec = e.bind(sf::cpu(), "A"_arg = sf::nd::ones(sf::Shape{2, 3}));
    CHECK(exec.num_steps() == 3);  // a*2 fused into a scratch buffer, transpose, the fused +1
}
