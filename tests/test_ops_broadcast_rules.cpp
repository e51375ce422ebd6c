// broadcast_maximum/minimum/hypot and the comparisons against plain double loops; names, JSON
// op strings and attrs of all the broadcast ops; infer_shape/infer_type; errors at bind.
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

TEST_CASE("broadcast maximum, minimum, hypot and comparisons match a double loop", "[ops][broadcast]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    using namespace sf::ops;
    check_binary<broadcast_maximum_op>(sf::sym::broadcast_maximum(a * 2, b) + 1, max_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_minimum_op>(sf::sym::broadcast_minimum(a * 2, b) + 1, min_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_hypot_op>(sf::sym::broadcast_hypot(a * 2, b) + 1, hypot_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_equal_op>(sf::sym::broadcast_equal(a * 2, b) + 1, eq_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_not_equal_op>(sf::sym::broadcast_not_equal(a * 2, b) + 1, ne_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_greater_op>(sf::sym::broadcast_greater(a * 2, b) + 1, gt_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_greater_equal_op>(sf::sym::broadcast_greater_equal(a * 2, b) + 1, ge_ref, lhs_nan,
                                             rhs_nan);
    check_binary<broadcast_lesser_op>(sf::sym::broadcast_lesser(a * 2, b) + 1, lt_ref, lhs_nan, rhs_nan);
    check_binary<broadcast_lesser_equal_op>(sf::sym::broadcast_lesser_equal(a * 2, b) + 1, le_ref, lhs_nan,
                                            rhs_nan);
}


TEST_CASE("broadcast op names, JSON op strings and attrs follow MXNet 1.9.1", "[ops][broadcast][sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    using attrs_t = std::map<std::string, std::string>;
    auto check = [](const sf::sym::Symbol& s, const std::string& name, const std::string& json_op,
                    const attrs_t& want_attrs) {
        INFO(name);
        CHECK(s.name() == name);
        CHECK(std::string(s.outputs()[0].node->op->name) == json_op);
        CHECK(s.outputs()[0].node->attrs == want_attrs);
    };
    const attrs_t none;
    check(sf::sym::broadcast_add(a, b), "broadcast_add0", "broadcast_add", none);
    check(sf::sym::broadcast_plus(a, b), "broadcast_plus0", "broadcast_add", none);
    check(sf::sym::broadcast_sub(a, b), "broadcast_sub0", "broadcast_sub", none);
    check(sf::sym::broadcast_minus(a, b), "broadcast_minus0", "broadcast_sub", none);
    check(sf::sym::broadcast_mul(a, b), "broadcast_mul0", "broadcast_mul", none);
    check(sf::sym::broadcast_div(a, b), "broadcast_div0", "broadcast_div", none);
    check(sf::sym::broadcast_mod(a, b), "broadcast_mod0", "broadcast_mod", none);
    check(sf::sym::broadcast_power(a, b), "broadcast_power0", "broadcast_power", none);
    check(sf::sym::broadcast_maximum(a, b), "broadcast_maximum0", "broadcast_maximum", none);
    check(sf::sym::broadcast_minimum(a, b), "broadcast_minimum0", "broadcast_minimum", none);
    check(sf::sym::broadcast_hypot(a, b), "broadcast_hypot0", "broadcast_hypot", none);
    check(sf::sym::broadcast_equal(a, b), "broadcast_equal0", "broadcast_equal", none);
    check(sf::sym::broadcast_not_equal(a, b), "broadcast_not_equal0", "broadcast_not_equal", none);
    check(sf::sym::broadcast_greater(a, b), "broadcast_greater0", "broadcast_greater", none);
    check(sf::sym::broadcast_greater_equal(a, b), "broadcast_greater_equal0", "broadcast_greater_equal", none);
    check(sf::sym::broadcast_lesser(a, b), "broadcast_lesser0", "broadcast_lesser", none);
    check(sf::sym::broadcast_lesser_equal(a, b), "broadcast_lesser_equal0", "broadcast_lesser_equal", none);
    check(sf::sym::broadcast_to(a, {.shape = {2, 0, 4}}), "broadcast_to0", "broadcast_to", {{"shape", "(2, 0, 4)"}});
    check(sf::sym::broadcast_to(a, {.shape = {5}}), "broadcast_to1", "broadcast_to", {{"shape", "(5,)"}});
    check(sf::sym::broadcast_like(a, b), "broadcast_like0", "broadcast_like", none);
    check(sf::sym::broadcast_like(a, b, {.lhs_axes = std::vector<std::int64_t>{0}, .rhs_axes = std::vector<std::int64_t>{1, -1}}),
          "broadcast_like1", "broadcast_like", {{"lhs_axes", "(0,)"}, {"rhs_axes", "(1, -1)"}});
    // explicit names bypass the counters
    check(sf::sym::broadcast_add(a, b, "s"), "s", "broadcast_add", none);
    check(sf::sym::broadcast_plus(a, b, "p"), "p", "broadcast_add", none);
    check(sf::sym::broadcast_lesser(a, b, "lt"), "lt", "broadcast_lesser", none);
    check(sf::sym::broadcast_to(a, {.shape = {3}}, "t"), "t", "broadcast_to", {{"shape", "(3,)"}});
    check(sf::sym::broadcast_like(a, b, {}, "l"), "l", "broadcast_like", none);
    check(sf::sym::broadcast_add(a, b), "broadcast_add1", "broadcast_add", none);
    // a full expression is named left to right, as in Python
    auto e = sf::sym::broadcast_add(a * b, sf::sym::broadcast_mul(a, b)) + 1;
    CHECK(e.get_internals().list_outputs() ==
          std::vector<std::string>{"A", "B", "_mul0_output", "broadcast_mul1_output", "broadcast_add2_output",
                                   "_plusscalar0_output"});
    CHECK(e.list_arguments() == std::vector<std::string>{"A", "B"});
    // the op descriptions: inputs, the aliases a loader must accept, dtypes, and the
    // equal-shape op whose element function each one reuses
    STATIC_REQUIRE(sf::ops::broadcast_add_op::aliases[0] == "broadcast_plus");
    STATIC_REQUIRE(sf::ops::broadcast_sub_op::aliases[0] == "broadcast_minus");
    STATIC_REQUIRE(sf::ops::broadcast_like_op::inputs[1] == "rhs");
    STATIC_REQUIRE(sf::ops::broadcast_to_op::inputs[0] == "data");
    STATIC_REQUIRE(std::is_same_v<sf::ops::broadcast_add_op::elementwise_op, sf::ops::elemwise_add>);
    STATIC_REQUIRE(std::is_same_v<sf::ops::broadcast_lesser_equal_op::elementwise_op, sf::ops::lesser_equal>);
    STATIC_REQUIRE(!sf::ops::op_dtypes<sf::ops::broadcast_hypot_op>().contains(sf::int32));
    STATIC_REQUIRE(sf::ops::op_dtypes<sf::ops::broadcast_mod_op>().contains(sf::int64));
}


TEST_CASE("broadcast infer_shape and infer_type follow numpy's and MXNet's rules", "[ops][broadcast][infer]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto add = sf::sym::broadcast_add(a, b);
    auto r = add.infer_shape("A"_arg = sf::Shape{2, 1, 3}, "B"_arg = sf::Shape{4, 1});
    CHECK(r.arg == std::vector<sf::Shape>{{2, 1, 3}, {4, 1}});
    CHECK(r.out == std::vector<sf::Shape>{{2, 4, 3}});
    CHECK(r.aux.empty());
    CHECK(add.infer_shape("A"_arg = sf::Shape{1, 0}, "B"_arg = sf::Shape{3, 1}).out[0] == sf::Shape{3, 0});
    CHECK(add.infer_shape("A"_arg = sf::Shape{}, "B"_arg = sf::Shape{5}).out[0] == sf::Shape{5});
    // elementwise ops around a broadcast node see its broadcast shape
    auto around = sf::sym::broadcast_mul(a, b) + c;
    CHECK(around.infer_shape("A"_arg = sf::Shape{3}, "B"_arg = sf::Shape{2, 1}, "C"_arg = sf::Shape{2, 3}).out[0] ==
          sf::Shape{2, 3});
    CHECK(sf::sym::broadcast_to(a, {.shape = {2, 0, 4}}).infer_shape("A"_arg = sf::Shape{1, 3, 1}).out[0] ==
          sf::Shape{2, 3, 4});
    CHECK(sf::sym::broadcast_like(a, b).infer_shape("A"_arg = sf::Shape{1, 3}, "B"_arg = sf::Shape{6, 3}).out[0] ==
          sf::Shape{6, 3});

    // comparisons keep the input dtype (MXNet stores 1/0 in it)
    CHECK(sf::sym::broadcast_equal(a, b).infer_type("A"_arg = sf::int32, "B"_arg = sf::int32).out[0] == sf::int32);
    CHECK(sf::sym::broadcast_hypot(a, b).infer_type("A"_arg = sf::float64, "B"_arg = sf::float64).out[0] ==
          sf::float64);
    CHECK(sf::sym::broadcast_to(a, {.shape = {3}}).infer_type("A"_arg = sf::int64).out[0] == sf::int64);
    CHECK(sf::sym::broadcast_like(a, b).infer_type("A"_arg = sf::float64, "B"_arg = sf::float64).out[0] ==
          sf::float64);
    CHECK_THROWS_WITH(sf::sym::broadcast_hypot(a, b).infer_type("A"_arg = sf::int32, "B"_arg = sf::int32),
                      Catch::Contains("broadcast_hypot") && Catch::Contains("int32"));
    CHECK_THROWS_WITH(sf::sym::broadcast_add(a, b).infer_type("A"_arg = sf::float32, "B"_arg = sf::int64),
                      Catch::Contains("float32") && Catch::Contains("int64"));
}


TEST_CASE("broadcast errors at bind name the node and the shapes", "[ops][broadcast][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto z = [](sf::Shape s, sf::dtype dt = sf::float32) { return sf::nd::zeros(s, dt); };

    auto add = sf::sym::broadcast_add(a, b);
    CHECK_THROWS_AS(add.bind(sf::cpu(), "A"_arg = z({2, 3}), "B"_arg = z({4, 3})), sf::error);
    CHECK_THROWS_WITH(add.bind(sf::cpu(), "A"_arg = z({2, 3}), "B"_arg = z({4, 3})),
                      Catch::Contains("'broadcast_add0'") && Catch::Contains("(2, 3) vs (4, 3)") &&
                          Catch::Contains("argument 'A'") && Catch::Contains("argument 'B'"));
    CHECK_THROWS_WITH(add.bind(sf::cpu(), "A"_arg = z({3}), "B"_arg = z({2, 2})),
                      Catch::Contains("(3,) vs (2, 2)") && Catch::Contains("axis 1"));
    CHECK_THROWS_WITH(add.bind(sf::cpu(), "A"_arg = z({0}), "B"_arg = z({2})), Catch::Contains("(0,) vs (2,)"));
    CHECK_THROWS_WITH(add.bind(sf::cpu(), "A"_arg = z({2}), "B"_arg = z({2}, sf::int32)),
                      Catch::Contains("'broadcast_add0'") && Catch::Contains("float32") && Catch::Contains("int32"));
    // the node is named inside a larger graph too
    auto deep = sf::sym::broadcast_mul(a * 2, b) + 1;
    CHECK_THROWS_WITH(deep.bind(sf::cpu(), "A"_arg = z({2, 3}), "B"_arg = z({3, 2})),
                      Catch::Contains("'broadcast_mul0'") && Catch::Contains("(2, 3) vs (3, 2)") &&
                          Catch::Contains("'_mulscalar0'"));
    auto h = sf::sym::broadcast_hypot(a, b);
    CHECK_THROWS_WITH(h.bind(sf::cpu(), "A"_arg = z({2}, sf::int32), "B"_arg = z({1}, sf::int32)),
                      Catch::Contains("'broadcast_hypot0'") && Catch::Contains("int32") &&
                          Catch::Contains("float32, float64"));
    // more than 8 dimensions that do not merge
    CHECK_THROWS_WITH(add.bind(sf::cpu(), "A"_arg = z({2, 1, 2, 1, 2, 1, 2, 1, 2}), "B"_arg = z({1, 2, 1, 2, 1, 2, 1, 2, 1})),
                      Catch::Contains("'broadcast_add0'") && Catch::Contains("more than 8"));

    auto to = sf::sym::broadcast_to(a, {.shape = {2, 3}});
    CHECK_THROWS_WITH(to.bind(sf::cpu(), "A"_arg = z({3})),
                      Catch::Contains("'broadcast_to0'") && Catch::Contains("(3,)") && Catch::Contains("(2, 3)") &&
                          Catch::Contains("equal ranks"));
    CHECK_THROWS_WITH(to.bind(sf::cpu(), "A"_arg = z({4, 3})),
                      Catch::Contains("'broadcast_to0'") && Catch::Contains("(4, 3)") && Catch::Contains("(2, 3)") &&
                          Catch::Contains("axis 0"));

    auto like = sf::sym::broadcast_like(a, b);
    CHECK_THROWS_WITH(like.bind(sf::cpu(), "A"_arg = z({2, 3}), "B"_arg = z({4, 3})),
                      Catch::Contains("'broadcast_like0'") && Catch::Contains("(2, 3)") && Catch::Contains("(4, 3)"));
    CHECK_THROWS_WITH(like.bind(sf::cpu(), "A"_arg = z({3}), "B"_arg = z({2, 3})),
                      Catch::Contains("'broadcast_like0'") && Catch::Contains("equal ranks"));
    CHECK_THROWS_WITH(like.bind(sf::cpu(), "A"_arg = z({3}), "B"_arg = z({3}, sf::int64)),
                      Catch::Contains("float32") && Catch::Contains("int64"));
    auto axes = sf::sym::broadcast_like(a, b, {.lhs_axes = std::vector<std::int64_t>{0}});
    CHECK_THROWS_WITH(axes.bind(sf::cpu(), "A"_arg = z({1}), "B"_arg = z({3})),
                      Catch::Contains("'broadcast_like1'") && Catch::Contains("lhs_axes"));
    auto raxes = sf::sym::broadcast_like(a, b, {.rhs_axes = std::vector<std::int64_t>{0}});
    CHECK_THROWS_WITH(raxes.bind(sf::cpu(), "A"_arg = z({1}), "B"_arg = z({3})), Catch::Contains("rhs_axes"));
}
