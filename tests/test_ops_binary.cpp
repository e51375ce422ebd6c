// _mod, _power, _maximum, _minimum, _hypot and their scalar forms: forward() against a plain
// reference loop on every supported dtype, edge values, names, JSON op strings and errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/binary_math.hpp>
#include <symflow/sym/binary_ops.hpp>

#include "binary_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

namespace {

// Allowed error of float results, in units of the dtype's epsilon times |expected|
// (ulps); integers and the exactly rounded ops are compared for equality (0).
struct tolerance {
    double f32 = 0, f64 = 0;
    template <class T>
    double ulps() const { return std::is_same_v<T, float> ? f32 : f64; }
};

// Per-op tolerances. mod is exact (fmod is exact and the sign fix-up is one rounding, as in
// the reference); maximum/minimum select an input; pow and hypot call libm: powf/hypotf on
// float32 against the double result rounded, pow/hypot on float64 against the same call.
constexpr tolerance mod_tol{0, 0}, select_tol{0, 0}, power_tol{1, 1}, hypot_tol{1, 1};

// Edge values: zeros of both signs, negatives, NaN, +-inf, a huge and a subnormal value for
// floats; 0, -1, INT_MIN, INT_MIN + 1 and INT_MAX for integers.
template <class T>
std::vector<T> edge_values() {
    using L = std::numeric_limits<T>;
    if constexpr (std::is_floating_point_v<T>)
        return {T(0), T(-0.0), T(1), T(-1), T(2), T(-3.5), L::quiet_NaN(), L::infinity(), -L::infinity(),
                L::max() / 4, L::denorm_min()};
    else
        return {T(0), T(1), T(-1), T(2), T(-3), T(7), L::min(), T(L::min() + 1), L::max()};
}

// Where random values come from: uniform in [lo, hi], every other float a whole number (so
// integer exponents and exact multiples occur), every third integer scaled by 2^scale_bits
// (capped for int32, widened for int64; see make_values).
struct value_range {
    double lo = -20, hi = 20;
    int scale_bits = 0;
};

// n inputs: random values, with edge values at every 7th position and at the end. The
// rhs walks the edges m times slower than the lhs, so every (lhs, rhs) pair of edges
// meets once n is about 7 m^2; the last element lands in the scalar tail of the loop.
template <class T>
std::vector<T> make_values(std::size_t n, std::uint32_t seed, bool rhs, value_range r) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(r.lo, r.hi);
    const auto edges = edge_values<T>();
    const std::size_t m = edges.size();
    // int32 stays below 2^31 (|x| <= 20 * 2^26); int64 goes 16 bits further
    const int wide_bits = r.scale_bits == 0 ? 0 : sizeof(T) == 4 ? std::min(r.scale_bits, 26) : r.scale_bits + 16;
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        double x = d(g);
        if (std::is_integral_v<T> || i % 2) x = std::round(x);
        if (std::is_integral_v<T> && i % 3 == 0) x = std::ldexp(x, wide_bits);
        v[i] = static_cast<T>(x);
        if (i % 7 == 3 || i + 1 == n) {
            std::size_t k = i / 7;
            v[i] = edges[(rhs ? k / m : k) % m];
        }
    }
    return v;
}

// A double rounded to T, overflowing to +-inf as IEEE rounding does (a plain cast of an
// out-of-range value is undefined).
template <class T, class R>
T to_dtype(R want) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isfinite(want) && std::abs(want) > R(std::numeric_limits<T>::max()))
            return want > 0 ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
    }
    return static_cast<T>(want);
}

// got == want within `ulps` (NaN matches NaN; zeros of either sign match).
template <class T, class R>
bool close(T got, R want, double ulps) {
    if constexpr (std::is_integral_v<T>) return static_cast<R>(got) == want;
    else {
        if (std::isnan(want)) return std::isnan(got);
        const T w = to_dtype<T>(want);
        if (std::isnan(got) || std::isinf(w) || std::isinf(got)) return got == w;
        const double scale = std::max(std::abs(double(w)), double(std::numeric_limits<T>::min()));
        return std::abs(double(got) - double(w)) <= ulps * double(std::numeric_limits<T>::epsilon()) * scale;
    }
}

// Binds e to random arrays of every dtype its op accepts at every test size and compares
// each output element with ref.operator()<T>(a, b), computed in ref_t<T>. Graphs of one
// argument "A" are *_scalar ops: their second operand is `scalar` converted to the dtype
// first, as MXNet's kernels convert it (DType(scalar)); reflected ops pass a swapped ref.
template <class E, class Ref>
void check_forward(const E& e, Ref ref, tolerance tol, value_range lhs_range, value_range rhs_range,
                   double scalar = 0) {
    constexpr bool two_args = sf::sym::arguments_v<E>.size() == 2;
    for_each_dtype([&]<class T>() {
        if constexpr (sf::ops::op_dtypes<typename E::op>().template contains<T>()) {
            using R = ref_t<T>;
            const T s = static_cast<T>(scalar);
            for (std::size_t n : test_sizes) {
                const auto va = make_values<T>(n, 11 + static_cast<std::uint32_t>(n), false, lhs_range);
                const auto vb = make_values<T>(n, 23 + static_cast<std::uint32_t>(n), true, rhs_range);
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
                    const R want = ref.template operator()<T>(static_cast<R>(va[i]), static_cast<R>(b));
                    if (!close(got[i], want, tol.template ulps<T>()) && bad++ == 0)
                        first = "element " + std::to_string(i) + ": op(" + show(va[i]) + ", " + show(b) +
                                ") gave " + show(got[i]) + ", expected " + show(to_dtype<T>(want));
                }
                INFO(first);
                CHECK(bad == 0);
            }
        }
    });
}

// ---- the references: plain scalar code in ref_t<T>, written from the definitions ------

// Python's a % b (the result takes b's sign) with MXNet's x % 0 = 0.
constexpr auto mod_ref = []<class T>(ref_t<T> a, ref_t<T> b) -> ref_t<T> {
    if (b == 0) return 0;
    auto r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
};

// base ** exp. Floats: pow. Integers: the power wrapped mod 2^bits, multiplied out left to
// right in uint64 (a double cannot hold a wrapped result); 1 / base**-exp truncated for
// a negative exponent.
constexpr auto power_ref = []<class T>(ref_t<T> a, ref_t<T> b) -> ref_t<T> {
    if constexpr (std::is_floating_point_v<T>) return std::pow(a, b);
    else {
        const auto base = static_cast<std::int64_t>(a), e = static_cast<std::int64_t>(b);
        if (e < 0) return base == 1 ? 1 : base == -1 ? (e % 2 ? -1 : 1) : 0;
        std::uint64_t r = 1;
        for (int bit = 62; bit >= 0; --bit) {
            r *= r;
            if ((e >> bit) & 1) r *= static_cast<std::uint64_t>(base);
        }
        return static_cast<T>(static_cast<std::make_unsigned_t<T>>(r));
    }
};

// numpy's maximum/minimum: NaN if either input is NaN.
constexpr auto max_ref = []<class T>(ref_t<T> a, ref_t<T> b) -> ref_t<T> {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<ref_t<T>>::quiet_NaN();
    return a > b ? a : b;
};
constexpr auto min_ref = []<class T>(ref_t<T> a, ref_t<T> b) -> ref_t<T> {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<ref_t<T>>::quiet_NaN();
    return a < b ? a : b;
};
constexpr auto hypot_ref = []<class T>(ref_t<T> a, ref_t<T> b) -> ref_t<T> { return std::hypot(a, b); };

// A reference with its operands swapped, for the reflected scalar ops (s % a, s ** a).
template <class F>
constexpr auto swapped(F f) {
    return [f]<class T>(ref_t<T> a, ref_t<T> s) { return f.template operator()<T>(s, a); };
}

} // namespace

TEST_CASE("mod follows Python's sign rule, x mod 0 is 0, INT_MIN mod -1 is 0", "[ops][mod]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    check_forward(a % b, mod_ref, mod_tol, {-20, 20, 24}, {-9, 9, 12});
    for (double s : {3.0, -2.5, 0.0, -1.0, 7.25}) {
        check_forward(a % s, mod_ref, mod_tol, {-20, 20, 24}, {}, s);
        check_forward(s % a, swapped(mod_ref), mod_tol, {-9, 9, 12}, {}, s);
    }
}

TEST_CASE("power: libm pow on floats, wrapping repeated squaring on integers", "[ops][power]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    // bases in [-4, 4] and exponents in [-3, 12]: integer results fit, so that the random
    // part checks exact powers and the edge values (INT_MIN, INT_MAX, -1, 0) the wrapping
    check_forward(sf::sym::power(a, b), power_ref, power_tol, {-4, 4}, {-3, 12});
    for (double s : {2.0, 3.0, -1.0, 0.5, 0.0, -2.0}) {
        check_forward(sf::sym::power(a, s), power_ref, power_tol, {-4, 4}, {}, s);
        check_forward(sf::sym::power(s, a), swapped(power_ref), power_tol, {-3, 12}, {}, s);
    }
}

TEST_CASE("maximum and minimum: NaN in either input gives NaN, as numpy and mshadow", "[ops][maximum]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    check_forward(sf::sym::maximum(a, b), max_ref, select_tol, {-20, 20, 28}, {-20, 20, 28});
    check_forward(sf::sym::minimum(a, b), min_ref, select_tol, {-20, 20, 28}, {-20, 20, 28});
    for (double s : {0.0, -3.0, 2.5}) {
        check_forward(sf::sym::maximum(a, s), max_ref, select_tol, {-20, 20, 28}, {}, s);
        check_forward(sf::sym::maximum(s, a), max_ref, select_tol, {-20, 20, 28}, {}, s);
        check_forward(sf::sym::minimum(a, s), min_ref, select_tol, {-20, 20, 28}, {}, s);
        check_forward(sf::sym::minimum(s, a), min_ref, select_tol, {-20, 20, 28}, {}, s);
    }
}

TEST_CASE("hypot on float32 and float64: no overflow in between, hypot of inf and NaN is inf", "[ops][hypot]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    check_forward(sf::sym::hypot(a, b), hypot_ref, hypot_tol, {-1e3, 1e3}, {-20, 20});
    for (double s : {4.0, 0.0, -1e30})
        check_forward(sf::sym::hypot(a, s), hypot_ref, hypot_tol, {-20, 20}, {}, s);
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    auto x = sf::nd::array({1e300, inf, -3e300, 3.0}, sf::float64);
    auto y = sf::nd::array({1e300, nan, nan, -4.0}, sf::float64);
    auto got = sf::sym::hypot(a, b).bind(sf::cpu(), "A"_arg = x, "B"_arg = y).forward()[0].to_vector<double>();
    CHECK(got[0] == Approx(std::sqrt(2.0) * 1e300).epsilon(1e-15));  // a*a + b*b would overflow
    CHECK(got[1] == inf);                                             // IEEE: hypot(inf, NaN) = inf
    CHECK(std::isnan(got[2]));
    CHECK(got[3] == 5.0);
    auto h = sf::sym::hypot(a, 4e300).bind(sf::cpu(), "A"_arg = sf::nd::array({3e300}, sf::float64)).forward()[0];
    CHECK(h.to_vector<double>()[0] == Approx(5e300).epsilon(1e-15));
}

TEST_CASE("known values: signs of mod, integer wrap-around and negative exponents", "[ops][mod][power]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto run = [](const auto& e, const sf::nd::NDArray& x, const sf::nd::NDArray& y) {
        return e.bind(sf::cpu(), "A"_arg = x, "B"_arg = y).forward()[0];
    };
    constexpr auto i32min = std::numeric_limits<std::int32_t>::min();
    constexpr auto i64min = std::numeric_limits<std::int64_t>::min();
    SECTION("mod") {
        auto x = sf::nd::array({-7, 7, -7, 7, i32min, i32min, 5, 0}, sf::int32);
        auto y = sf::nd::array({3, -3, -3, 0, -1, 7, i32min, -4}, sf::int32);
        CHECK(run(a % b, x, y).to_vector<std::int32_t>() ==
              std::vector<std::int32_t>{2, -2, -1, 0, 0, 5, 5 + i32min, 0});
        auto x64 = sf::nd::array(std::vector<std::int64_t>{i64min, -1, 9}, sf::Shape{3}, sf::int64);
        auto y64 = sf::nd::array(std::vector<std::int64_t>{-1, i64min, 4}, sf::Shape{3}, sf::int64);
        CHECK(run(a % b, x64, y64).to_vector<std::int64_t>() == std::vector<std::int64_t>{0, -1, 1});
        auto f = run(a % b, sf::nd::array({-7.5, 7.5, -4.0, 4.0, 1.0}, sf::float64),
                     sf::nd::array({2.0, -2.0, 2.0, -2.0, 0.0}, sf::float64))
                     .to_vector<double>();
        CHECK(f[0] == 0.5);
        CHECK(f[1] == -0.5);
        CHECK((f[2] == 0 && !std::signbit(f[2])));  // Python: -4.0 % 2.0 == 0.0
        CHECK((f[3] == 0 && std::signbit(f[3])));   // Python: 4.0 % -2.0 == -0.0
        CHECK(f[4] == 0);                            // MXNet: x % 0 == 0, not NaN
    }
    SECTION("integer power") {
        auto x = sf::nd::array({3, 2, -2, 2, -1, -1, 0, 2, 1, 0, 5}, sf::int32);
        auto y = sf::nd::array({21, 31, 31, 32, -3, -4, -1, -1, i32min, 0, 1}, sf::int32);
        // 3^21 = 10460353203 wraps to 10460353203 - 2 * 2^32; 2^31 wraps to INT_MIN
        CHECK(run(sf::sym::power(a, b), x, y).to_vector<std::int32_t>() ==
              std::vector<std::int32_t>{1870418611, i32min, i32min, 0, -1, 1, 0, 0, 1, 1, 5});
        auto e40 = sf::nd::array(std::vector<std::int64_t>{40, 41}, sf::Shape{2}, sf::int64);
        auto r = sf::sym::power(3, a).bind(sf::cpu(), "A"_arg = e40);
        // 3^40 = 12157665459056928801 > 2^63: wraps to 3^40 - 2^64
        CHECK(r.forward()[0].to_vector<std::int64_t>() ==
              std::vector<std::int64_t>{-6289078614652622815LL, -420491770248316829LL});
    }
    SECTION("float power keeps IEEE's special cases") {
        const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
        auto p = run(sf::sym::power(a, b), sf::nd::array({0.0, nan, 1.0, -8.0, 0.0, -inf}, sf::float64),
                     sf::nd::array({0.0, 0.0, nan, 1.0 / 3, -1.0, 3.0}, sf::float64))
                     .to_vector<double>();
        CHECK(p[0] == 1);
        CHECK(p[1] == 1);
        CHECK(p[2] == 1);
        CHECK(std::isnan(p[3]));
        CHECK(p[4] == inf);
        CHECK(p[5] == -inf);
    }
    SECTION("maximum and minimum") {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        auto x = sf::nd::array(std::vector<float>{nan, 1, 2, -0.0f}, sf::Shape{4}, sf::float32);
        auto y = sf::nd::array(std::vector<float>{1, nan, -5, 0}, sf::Shape{4}, sf::float32);
        auto mx = run(sf::sym::maximum(a, b), x, y).to_vector<float>();
        auto mn = run(sf::sym::minimum(a, b), x, y).to_vector<float>();
        CHECK(std::isnan(mx[0]));
        CHECK(std::isnan(mx[1]));
        CHECK(mx[2] == 2);
        CHECK(std::isnan(mn[0]));
        CHECK(std::isnan(mn[1]));
        CHECK(mn[2] == -5);
        // a NaN scalar (float dtypes only: converting NaN to an integer is undefined)
        auto ms = sf::sym::maximum(a, std::nan("")).bind(sf::cpu(), "A"_arg = y).forward()[0].to_vector<float>();
        auto ns = sf::sym::minimum(std::nanf(""), a).bind(sf::cpu(), "A"_arg = y).forward()[0].to_vector<float>();
        CHECK(std::all_of(ms.begin(), ms.end(), [](float v) { return std::isnan(v); }));
        CHECK(std::all_of(ns.begin(), ns.end(), [](float v) { return std::isnan(v); }));
    }
}

TEST_CASE("binary math names, JSON op strings and scalar attrs follow MXNet 1.9.1", "[ops][sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    using attrs_t = std::map<std::string, std::string>;
    auto op = [](const sf::sym::Symbol& s) { return std::string(s.outputs()[0].node->op->name); };
    auto attrs = [](const sf::sym::Symbol& s) { return s.outputs()[0].node->attrs; };
    auto check = [&](const sf::sym::Symbol& s, const std::string& name, const std::string& json_op,
                     const attrs_t& want_attrs) {
        INFO(name);
        CHECK(s.name() == name);
        CHECK(op(s) == json_op);
        CHECK(attrs(s) == want_attrs);
    };
    const attrs_t none;
    check(a % b, "_mod0", "_mod", none);
    check(a % 3, "_modscalar0", "_mod_scalar", {{"scalar", "3"}});
    check(3 % a, "_rmodscalar0", "_rmod_scalar", {{"scalar", "3"}});
    check(a % 2.5, "_modscalar1", "_mod_scalar", {{"scalar", "2.5"}});
    check(sf::sym::mod(a, b), "_mod1", "_mod", none);
    check(sf::sym::mod(a, 2.0f), "_modscalar2", "_mod_scalar", {{"scalar", "2.0"}});
    check(sf::sym::mod(7, a), "_rmodscalar1", "_rmod_scalar", {{"scalar", "7"}});
    check(sf::sym::power(a, b), "_power0", "_power", none);
    check(sf::sym::power(a, 3), "_powerscalar0", "_power_scalar", {{"scalar", "3"}});
    // mx.sym.power(3, a) calls _internal._RPowerScalar: hint _rpowerscalar (`3 ** a` would be _rpower_scalar0)
    check(sf::sym::power(3, a), "_rpowerscalar0", "_rpower_scalar", {{"scalar", "3"}});
    check(sf::sym::power(a, 0.5), "_powerscalar1", "_power_scalar", {{"scalar", "0.5"}});
    check(sf::sym::maximum(a, b), "_maximum0", "_maximum", none);
    check(sf::sym::maximum(a, 3), "_maximumscalar0", "_maximum_scalar", {{"scalar", "3"}});
    check(sf::sym::maximum(3, a), "_maximumscalar1", "_maximum_scalar", {{"scalar", "3"}});
    check(sf::sym::minimum(a, b), "_minimum0", "_minimum", none);
    check(sf::sym::minimum(a, -1.5), "_minimumscalar0", "_minimum_scalar", {{"scalar", "-1.5"}});
    check(sf::sym::minimum(-1.5, a), "_minimumscalar1", "_minimum_scalar", {{"scalar", "-1.5"}});
    check(sf::sym::hypot(a, b), "_hypot0", "_hypot", none);
    check(sf::sym::hypot(a, 3), "_hypotscalar0", "_hypot_scalar", {{"scalar", "3"}});
    check(sf::sym::hypot(4.0, a), "_hypotscalar1", "_hypot_scalar", {{"scalar", "4.0"}});

    // explicit names bypass the counters
    check(sf::sym::power(a, b, "pw"), "pw", "_power", none);
    check(sf::sym::power(a, 2, "sq"), "sq", "_power_scalar", {{"scalar", "2"}});
    check(sf::sym::power(2, a, "two_to"), "two_to", "_rpower_scalar", {{"scalar", "2"}});
    check(sf::sym::maximum(a, b, "mx"), "mx", "_maximum", none);
    check(sf::sym::minimum(0, a, "relu_ish"), "relu_ish", "_minimum_scalar", {{"scalar", "0"}});
    check(sf::sym::hypot(a, b, "h"), "h", "_hypot", none);
    check(sf::sym::mod(a, b, "m"), "m", "_mod", none);
    check(sf::sym::mod(5, a, "rm"), "rm", "_rmod_scalar", {{"scalar", "5"}});
    check(a % b, "_mod2", "_mod", none);
    check(sf::sym::power(a, b), "_power1", "_power", none);

    // a full expression is named left to right, as in Python
    auto e = sf::sym::maximum(a % b, sf::sym::power(a, 2)) % 4;
    CHECK(e.get_internals().list_outputs() ==
          std::vector<std::string>{"A", "B", "_mod3_output", "_powerscalar2_output", "_maximum1_output",
                                   "_modscalar3_output"});
    // the op descriptions: inputs, aliases a loader must accept, dtypes
    STATIC_REQUIRE(sf::ops::mod::inputs[1] == "rhs");
    STATIC_REQUIRE(sf::ops::rpower_scalar::inputs[0] == "data");
    STATIC_REQUIRE(sf::ops::power::aliases[0] == "_Power");
    STATIC_REQUIRE(sf::ops::rpower_scalar::aliases[0] == "_RPowerScalar");
    STATIC_REQUIRE(!sf::ops::op_dtypes<sf::ops::hypot>().contains(sf::int32));
    STATIC_REQUIRE(sf::ops::op_dtypes<sf::ops::mod>().contains(sf::int64));
}

TEST_CASE("binary math errors at bind name the node, the shapes and the dtype", "[ops][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto m = a % b;
    auto x23 = sf::nd::zeros(sf::Shape{2, 3}), x32 = sf::nd::zeros(sf::Shape{3, 2});
    CHECK_THROWS_AS(m.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x32), sf::error);
    CHECK_THROWS_WITH(
        m.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x32),
        Catch::Contains("'_mod0'") && Catch::Contains("(2, 3)") && Catch::Contains("(3, 2)") &&
            Catch::Contains("argument 'A'") && Catch::Contains("argument 'B'"));
    auto h = sf::sym::hypot(a, b);
    auto i23 = sf::nd::zeros(sf::Shape{2, 3}, sf::int32);
    CHECK_THROWS_AS(h.bind(sf::cpu(), "A"_arg = i23, "B"_arg = i23), sf::error);
    CHECK_THROWS_WITH(h.bind(sf::cpu(), "A"_arg = i23, "B"_arg = i23),
                      Catch::Contains("'_hypot0'") && Catch::Contains("int32") && Catch::Contains("float32"));
    auto hs = sf::sym::hypot(a, 3);
    CHECK_THROWS_WITH(hs.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{4}, sf::int64)),
                      Catch::Contains("'_hypotscalar0'") && Catch::Contains("int64"));
    // the node is named even when it sits inside a larger graph
    auto deep = sf::sym::maximum(hypot(a, b) * 2, a);
    CHECK_THROWS_WITH(deep.bind(sf::cpu(), "A"_arg = i23, "B"_arg = i23), Catch::Contains("'_hypot1'"));
}
