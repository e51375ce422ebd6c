// The comparison ops (_equal ... _lesser_equal and their scalar forms) and the == != < <= > >=
// operators on static symbols: forward() against a plain reference loop on every dtype,
// Python's reflection of scalar comparisons, names, JSON op strings, and that the operators
// leave comparisons of other types alone.
#include <catch2/catch.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/comparison.hpp>
#include <symflow/sym/binary_ops.hpp>

#include "binary_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

namespace {

// The reference is ref_t<T> (binary_test_util.hpp): long double for int64 so that
// INT64_MIN + 1 and INT64_MAX stay distinct. Comparisons are exact: tolerance 0.

// Edge values: zeros of both signs, NaN, +-inf and the extremes for floats; 0, -1, INT_MIN,
// INT_MIN + 1 and INT_MAX for integers (neighbours, to catch an off-by-one comparison).
template <class T>
std::vector<T> edge_values() {
    using L = std::numeric_limits<T>;
    if constexpr (std::is_floating_point_v<T>)
        return {T(0), T(-0.0), T(1), T(-1), T(2.5), L::quiet_NaN(), L::infinity(), -L::infinity(), L::max(),
                L::denorm_min()};
    else
        return {T(0), T(1), T(-1), T(2), L::min(), T(L::min() + 1), L::max(), T(L::max() - 1)};
}

// n inputs: random whole numbers in [-6, 6] (so that equal pairs are common) and every
// other float a fraction, with edge values at every 7th position and at the end; the rhs
// walks the edges m times slower than the lhs so that every pair of edges meets.
template <class T>
std::vector<T> make_values(std::size_t n, std::uint32_t seed, bool rhs) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(-6, 6);
    const auto edges = edge_values<T>();
    const std::size_t m = edges.size();
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        double x = d(g);
        if (std::is_integral_v<T> || i % 2) x = std::round(x);
        v[i] = static_cast<T>(x);
        if (i % 7 == 3 || i + 1 == n) v[i] = edges[((rhs ? (i / 7) / m : i / 7)) % m];
    }
    return v;
}

// Binds e to random arrays of every dtype at every test size and checks that each output
// element is exactly 1 or 0 as `truth(a, b)` (computed in ref_t<T>) says. One-argument
// graphs are scalar comparisons: b is `scalar` converted to the dtype, as MXNet does.
template <class E, class Truth>
void check_forward(const E& e, Truth truth, double scalar = 0) {
    constexpr bool two_args = sf::sym::arguments_v<E>.size() == 2;
    for_each_dtype([&]<class T>() {
        using R = ref_t<T>;
        const T s = static_cast<T>(scalar);
        for (std::size_t n : test_sizes) {
            const auto va = make_values<T>(n, 5 + static_cast<std::uint32_t>(n), false);
            const auto vb = make_values<T>(n, 17 + static_cast<std::uint32_t>(n), true);
            const sf::Shape shape{static_cast<long>(n)};
            auto A = sf::nd::array(va, shape, sf::dtype_of<T>());
            auto B = sf::nd::array(vb, shape, sf::dtype_of<T>());
            sf::nd::NDArray out;
            if constexpr (two_args) out = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B).forward()[0];
            else out = e.bind(sf::cpu(), "A"_arg = A).forward()[0];
            INFO(e.name() << " on " << dtype_str<T>() << ", n = " << n);
            REQUIRE(out.dtype() == sf::dtype_of<T>());
            REQUIRE(out.shape() == shape);
            const auto got = out.template to_vector<T>();
            std::size_t bad = 0;
            std::string first;
            for (std::size_t i = 0; i < n; ++i) {
                const T b = two_args ? vb[i] : s;
                const T want = truth(static_cast<R>(va[i]), static_cast<R>(b)) ? T(1) : T(0);
                if (got[i] != want && bad++ == 0)
                    first = "element " + std::to_string(i) + ": op(" + show(va[i]) + ", " + show(b) + ") gave " +
                            show(got[i]) + ", expected " + show(want);
            }
            INFO(first);
            CHECK(bad == 0);
        }
    });
}

// The references: the C++ comparison of the two values, which is IEEE's (NaN unordered).
constexpr auto eq = [](auto a, auto b) { return a == b; };
constexpr auto ne = [](auto a, auto b) { return a != b; };
constexpr auto gt = [](auto a, auto b) { return a > b; };
constexpr auto ge = [](auto a, auto b) { return a >= b; };
constexpr auto lt = [](auto a, auto b) { return a < b; };
constexpr auto le = [](auto a, auto b) { return a <= b; };

} // namespace

TEST_CASE("symbol-symbol comparisons give 1 or 0 in the inputs' dtype", "[ops][compare]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    check_forward(a == b, eq);
    check_forward(a != b, ne);
    check_forward(a > b, gt);
    check_forward(a >= b, ge);
    check_forward(a < b, lt);
    check_forward(a <= b, le);
}

TEST_CASE("scalar comparisons on either side, reflected as Python reflects them", "[ops][compare]") {
    auto a = sf::sym::Variable<"A">();
    // 2.5 becomes 2 on integer dtypes, as MXNet's DType(scalar) makes it (a scalar outside
    // the dtype's range is not tested: converting it is undefined in C++)
    for (double s : {0.0, 2.5, -3.0, -0.0}) {
        INFO("scalar " << s);
        check_forward(a == s, eq, s);
        check_forward(s == a, eq, s);
        check_forward(a != s, ne, s);
        check_forward(s != a, ne, s);
        check_forward(a > s, gt, s);
        check_forward(s < a, gt, s);  // 3 < a is a > 3
        check_forward(a >= s, ge, s);
        check_forward(s <= a, ge, s);
        check_forward(a < s, lt, s);
        check_forward(s > a, lt, s);
        check_forward(a <= s, le, s);
        check_forward(s >= a, le, s);
    }
}

TEST_CASE("comparison results feed arithmetic and NaN compares unequal", "[ops][compare]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto x = sf::nd::array({1.0, 2.0, nan, -0.0, 5.0}, sf::float64);
    auto y = sf::nd::array({1.0, 3.0, nan, 0.0, 4.0}, sf::float64);
    auto run = [&](const auto& e) {
        return e.bind(sf::cpu(), "A"_arg = x, "B"_arg = y).forward()[0].template to_vector<double>();
    };
    CHECK(run(a == b) == std::vector<double>{1, 0, 0, 1, 0});
    CHECK(run(a != b) == std::vector<double>{0, 1, 1, 0, 1});
    CHECK(run(sf::sym::greater_equal(a, b)) == std::vector<double>{1, 0, 0, 1, 1});
    // a mask times a value: ReLU-like selection, as MXNet users write it
    auto masked = run((a > b) * a + (a <= b) * b);
    CHECK(masked[0] == 1);
    CHECK(masked[1] == 3);
    CHECK(std::isnan(masked[2]));  // 0 * NaN
    CHECK(masked[4] == 5);
    auto ints = (a < 2).bind(sf::cpu(), "A"_arg = sf::nd::array({1, 2, 3}, sf::int32)).forward()[0];
    CHECK(ints.dtype() == sf::int32);
    CHECK(ints.to_vector<std::int32_t>() == std::vector<std::int32_t>{1, 0, 0});
    // the scalar is converted to the dtype: on int64, a == 2.5 is a == 2
    auto trunc = (a == 2.5).bind(sf::cpu(), "A"_arg = sf::nd::array({2, 3}, sf::int64)).forward()[0];
    CHECK(trunc.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 0});
}

TEST_CASE("comparison names, JSON op strings and scalar attrs follow MXNet 1.9.1", "[ops][compare][sym]") {
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
    const attrs_t none, three{{"scalar", "3"}};
    check(a == b, "_equal0", "_equal", none);
    check(a != b, "_not_equal0", "_not_equal", none);
    check(a > b, "_greater0", "_greater", none);
    check(a >= b, "_greater_equal0", "_greater_equal", none);
    check(a < b, "_lesser0", "_lesser", none);
    check(a <= b, "_lesser_equal0", "_lesser_equal", none);
    check(a == 3, "_equal_scalar0", "_equal_scalar", three);
    check(3 == a, "_equal_scalar1", "_equal_scalar", three);
    check(a != 3, "_not_equal_scalar0", "_not_equal_scalar", three);
    check(3 != a, "_not_equal_scalar1", "_not_equal_scalar", three);
    check(a > 3, "_greater_scalar0", "_greater_scalar", three);
    check(3 < a, "_greater_scalar1", "_greater_scalar", three);
    check(a >= 3, "_greater_equal_scalar0", "_greater_equal_scalar", three);
    check(3 <= a, "_greater_equal_scalar1", "_greater_equal_scalar", three);
    check(a < 3, "_lesser_scalar0", "_lesser_scalar", three);
    check(3 > a, "_lesser_scalar1", "_lesser_scalar", three);
    check(a <= 3, "_lesser_equal_scalar0", "_lesser_equal_scalar", three);
    check(3 >= a, "_lesser_equal_scalar1", "_lesser_equal_scalar", three);
    check(a == 0.5f, "_equal_scalar2", "_equal_scalar", {{"scalar", "0.5"}});
    check(a > -2.0, "_greater_scalar2", "_greater_scalar", {{"scalar", "-2.0"}});

    // the function forms: the operators with an optional name; a scalar first is reflected
    check(sf::sym::equal(a, b), "_equal1", "_equal", none);
    check(sf::sym::not_equal(a, 3), "_not_equal_scalar2", "_not_equal_scalar", three);
    check(sf::sym::greater(3, a), "_lesser_scalar2", "_lesser_scalar", three);
    check(sf::sym::greater_equal(3, a), "_lesser_equal_scalar2", "_lesser_equal_scalar", three);
    check(sf::sym::lesser(3, a), "_greater_scalar3", "_greater_scalar", three);
    check(sf::sym::lesser_equal(a, b), "_lesser_equal1", "_lesser_equal", none);
    check(sf::sym::equal(a, b, "same"), "same", "_equal", none);
    check(sf::sym::greater(a, 3, "big"), "big", "_greater_scalar", three);
    check(sf::sym::lesser(3, a, "above3"), "above3", "_greater_scalar", three);
    check(sf::sym::not_equal(a, b, "diff"), "diff", "_not_equal", none);
    check(a == b, "_equal2", "_equal", none);  // named nodes took no number

    auto e = (a > b) == (b < 1);
    CHECK(e.get_internals().list_outputs() ==
          std::vector<std::string>{"A", "B", "_greater1_output", "_lesser_scalar3_output", "_equal3_output"});
    STATIC_REQUIRE(sf::ops::not_equal::aliases[0] == "_Not_Equal");
    STATIC_REQUIRE(sf::ops::lesser_equal_scalar::aliases[0] == "_LesserEqualScalar");
    STATIC_REQUIRE(sf::ops::greater::inputs[0] == "lhs");
}

TEST_CASE("a comparison with mismatched shapes fails at bind naming the node", "[ops][compare][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = (a - b) >= b;
    CHECK_THROWS_WITH(
        e.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{4}), "B"_arg = sf::nd::zeros(sf::Shape{5})),
        Catch::Contains("'_minus0'") && Catch::Contains("(4,)") && Catch::Contains("(5,)"));
    auto f = a < b;
    auto x22 = sf::nd::zeros(sf::Shape{2, 2}), x4 = sf::nd::zeros(sf::Shape{4});
    CHECK_THROWS_AS(f.bind(sf::cpu(), "A"_arg = x22, "B"_arg = x4), sf::error);
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = x22, "B"_arg = x4),
                      Catch::Contains("'_lesser0'") && Catch::Contains("(2, 2)") && Catch::Contains("(4,)"));
}

// Comparing other types must mean what it meant before the symbol operators existed, even
// with symflow::sym's names in scope: the operators need a static symbol on one side.
namespace {
namespace compare_probe {
using namespace symflow::sym;
struct convertible_to_int {
    operator int() const { return 1; }
};
/// True if l == r compiles.
template <class L, class R>
concept equality = requires(L l, R r) { l == r; };
inline bool others_still_compare() {
    std::string s = "x";
    std::vector<int> v{1, 2};
    sf::Shape sh{2, 3};
    convertible_to_int c;
    return (1 == 1) && (2.5 > 1) && (s == "x") && (s != "y") && (v == std::vector<int>{1, 2}) &&
           (v < std::vector<int>{3}) && (sh == sf::Shape{2, 3}) && (sf::cpu() == sf::cpu()) && (c == 1) && (1 < c + 1);
}
} // namespace compare_probe
} // namespace

TEST_CASE("the symbol comparison operators leave other comparisons alone", "[ops][compare][sym]") {
    CHECK(compare_probe::others_still_compare());
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    // on symbols they build nodes, as MXNet's Symbol.__eq__ does, so symbols are not
    // equality_comparable in the std:: sense (== does not give a bool)
    STATIC_REQUIRE(sf::sym::static_symbol<decltype(a == b)>);
    STATIC_REQUIRE(std::is_same_v<decltype(a != 1), decltype(1 != a)>);
    STATIC_REQUIRE(std::is_same_v<typename decltype(3 < a)::op, sf::ops::greater_scalar>);
    STATIC_REQUIRE(!std::equality_comparable<decltype(a)>);
    STATIC_REQUIRE(std::equality_comparable<sf::Shape>);
    STATIC_REQUIRE(std::totally_ordered<std::string>);
    // no comparison with a bool or a string; with a runtime Symbol it builds a runtime node
    using A = decltype(a)&;
    STATIC_REQUIRE(!compare_probe::equality<A, bool>);
    STATIC_REQUIRE(!compare_probe::equality<A, const char*>);
    STATIC_REQUIRE(std::is_same_v<decltype(a == std::declval<sf::sym::Symbol>()), sf::sym::Symbol>);
    STATIC_REQUIRE(compare_probe::equality<A, long>);
}
