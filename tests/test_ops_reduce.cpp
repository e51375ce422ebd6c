// The reductions (sum, mean, prod, nansum, max, min, norm, argmax, argmin): forward() against a
// plain reference loop on every supported dtype and many axis settings, edge values, accuracy,
// names, JSON op strings and attrs, infer_shape and the errors bind() reports.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/reduce.hpp>
#include <symflow/sym/reduce_ops.hpp>

namespace sf = symflow;
using namespace sf::literals;

namespace {

enum class red { sum, mean, prod, nansum, max, min, norm, argmax, argmin };

// Runs f.template operator()<T>() for the four dtypes, or the two floating ones.
template <class F>
void for_each_dtype(F&& f, bool floats_only = false) {
    f.template operator()<float>();
    f.template operator()<double>();
    if (floats_only) return;
    f.template operator()<std::int32_t>();
    f.template operator()<std::int64_t>();
}

template <class T>
using wrap_t = std::conditional_t<std::is_integral_v<T>, std::make_unsigned_t<T>, T>;

// Integer + and * with two's-complement wrap-around, written without UB.
template <class T>
T wrap_add(T a, T b) {
    if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<wrap_t<T>>(a) + static_cast<wrap_t<T>>(b));
    else return a + b;
}
template <class T>
T wrap_mul(T a, T b) {
    if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<wrap_t<T>>(a) * static_cast<wrap_t<T>>(b));
    else return a * b;
}

// One output of the reference: its value and the magnitude its rounding error scales with
// (0 for the exact ops).
struct ref_value {
    long double v = 0, mag = 0;
};

// The op applied to one output's elements, in order: long double for floats, the exact
// wrapped integer for integers.
template <class T>
ref_value apply_ref(red kind, const std::vector<T>& v) {
    const std::size_t n = v.size();
    const auto nan = std::numeric_limits<long double>::quiet_NaN();
    auto isnan = [](T x) { return x != x; };
    switch (kind) {
    case red::sum:
    case red::nansum:
    case red::mean: {
        long double s = 0, mag = 0;
        T w = 0;
        for (T x : v) {
            if (kind == red::nansum && isnan(x)) continue;
            s += x, mag += std::abs(static_cast<long double>(x)), w = wrap_add(w, x);
        }
        if (kind != red::mean) return {std::is_integral_v<T> ? w : s, mag};
        if constexpr (std::is_integral_v<T>) return {n ? static_cast<long double>(w / static_cast<T>(n)) : 0, 0};
        else return {n ? s / n : nan, n ? mag / n : 0};
    }
    case red::prod: {
        long double p = 1;
        T w = 1;
        for (T x : v) p *= x, w = wrap_mul(w, x);
        return {std::is_integral_v<T> ? w : p, std::abs(p) * n};
    }
    case red::max:
    case red::min: {
        long double m = kind == red::max ? -INFINITY : INFINITY;
        for (T x : v) {
            if (isnan(x)) return {nan, 0};
            m = kind == red::max ? std::max<long double>(m, x) : std::min<long double>(m, x);
        }
        return {m, 0};
    }
    case red::norm: {
        long double s = 0;
        for (T x : v) s += static_cast<long double>(x) * x;
        return {std::sqrt(s), std::sqrt(s)};
    }
    case red::argmax:
    case red::argmin: {
        std::size_t at = 0;
        for (std::size_t k = 0; k < n; ++k) {
            if (isnan(v[k])) return {static_cast<long double>(k), 0};
            if (kind == red::argmax ? v[k] > v[at] : v[k] < v[at]) at = k;
        }
        return {static_cast<long double>(at), 0};
    }
    }
    return {};
}

// The reference reduction: every element goes to the output its kept indices name (an
// odometer over the input indices carries the output index along).
template <class T>
std::vector<ref_value> ref_reduce(red kind, const std::vector<T>& x, const std::vector<long>& shape,
                                  const std::vector<int>& reduced_axes) {
    const std::size_t nd = shape.size();
    std::vector<std::size_t> dim(nd), out_stride(nd, 0), idx(nd, 0);
    std::size_t n_out = 1, count = 1;
    for (std::size_t d = nd; d-- > 0;) {
        dim[d] = static_cast<std::size_t>(shape[d]);
        bool reduced = false;
        for (int a : reduced_axes) reduced = reduced || a == static_cast<int>(d);
        if (reduced) count *= dim[d];
        else out_stride[d] = n_out, n_out *= dim[d];
    }
    std::vector<std::vector<T>> groups(n_out);
    for (auto& g : groups) g.reserve(count);
    std::size_t o = 0;
    for (std::size_t f = 0; f < x.size(); ++f) {
        groups[o].push_back(x[f]);
        for (std::size_t d = nd; d-- > 0;) {
            o += out_stride[d];
            if (++idx[d] < dim[d]) break;
            o -= out_stride[d] * dim[d];
            idx[d] = 0;
        }
    }
    std::vector<ref_value> r;
    for (const auto& g : groups) r.push_back(apply_ref(kind, g));
    return r;
}

// Random test values. Floats are multiples of 1/8 of modest size, so sums are exact and an
// indexing mistake cannot hide in a tolerance; small integer ranges make ties for argmax;
// prod takes factors that are mostly +-1 once doubled (+-0.5 for floats), so that long
// products neither overflow nor underflow.
template <class T>
std::vector<T> make_values(std::size_t n, std::mt19937& g, red kind, bool with_nan) {
    std::uniform_int_distribution<int> wide(-64, 64), narrow(-3, 3), sign(0, 1), pick(0, 15);
    std::vector<T> v(n);
    for (auto& x : v) {
        if (kind == red::prod) {
            const int s = sign(g) ? 1 : -1, r = pick(g);
            if constexpr (std::is_integral_v<T>) x = static_cast<T>(r < 10 ? s : r < 14 ? 2 * s : 3 * s);
            else x = static_cast<T>(r < 12 ? 0.5 * s : r < 14 ? 1.0 * s : 0.25 * s);
        } else if (kind == red::argmax || kind == red::argmin) {
            x = static_cast<T>(narrow(g));
        } else if constexpr (std::is_integral_v<T>) {
            x = static_cast<T>(wide(g));
        } else {
            x = static_cast<T>(wide(g)) / 8;
        }
        if constexpr (std::is_floating_point_v<T>)
            if (with_nan && pick(g) == 0) x = std::numeric_limits<T>::quiet_NaN();
    }
    return v;
}

template <class T>
std::string dtype_str() { return std::string(sf::dtype_name(sf::dtype_of<T>())); }

std::string vec_str(const std::vector<long>& v) {
    std::ostringstream os;
    os << '(';
    for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
    return os.str() + ')';
}

sf::Shape to_shape(const std::vector<long>& v) { return sf::Shape(std::vector<sf::Shape::dim_t>(v.begin(), v.end())); }

// got[i] against the reference, after the elementwise `+ post` the graph applies (0 for a
// bare reduction): integers exactly (wrapping), floats within tol * (magnitude + |want| + 1).
// One assertion per array, naming the first output that differs.
template <class T>
void compare(const std::vector<T>& got, const std::vector<ref_value>& ref, int post, const std::string& what) {
    REQUIRE(got.size() == ref.size());
    const long double tol = std::is_same_v<T, float> ? 1e-5L : 1e-12L;
    for (std::size_t i = 0; i < got.size(); ++i) {
        bool ok;
        long double want;
        if constexpr (std::is_integral_v<T>) {
            want = wrap_add(static_cast<T>(ref[i].v), static_cast<T>(post));
            ok = got[i] == want;
        } else {
            want = ref[i].v + post;
            if (std::isnan(want)) ok = std::isnan(got[i]);
            else if (std::isinf(want)) ok = got[i] == want;
            else ok = std::abs(got[i] - want) <= tol * (ref[i].mag + std::abs(want) + 1);
        }
        if (!ok) {
            INFO(what << ": output " << i << " is " << +got[i] << ", want " << static_cast<double>(want));
            REQUIRE(ok);
        }
    }
    SUCCEED(what);
}

// A reduction case: the input shape, the attributes, the axes MXNet's rule reduces and the
// output shape it gives.
struct reduce_case {
    std::vector<long> shape;
    sf::ops::reduce_param p;
    std::vector<int> reduced;
    std::vector<long> out;
};

std::vector<reduce_case> reduce_cases() {
    return {
        {{2, 3, 4}, {}, {0, 1, 2}, {1}},
        {{2, 3, 4}, {.keepdims = true}, {0, 1, 2}, {1, 1, 1}},
        {{2, 3, 4}, {.axis = 1}, {1}, {2, 4}},
        {{2, 3, 4}, {.axis = -1}, {2}, {2, 3}},
        {{2, 3, 4}, {.axis = {0}}, {0}, {3, 4}},
        {{2, 3, 4}, {.axis = {0, 2}, .keepdims = true}, {0, 2}, {1, 3, 1}},
        {{2, 3, 4}, {.axis = {0, 2}, .exclude = true}, {1}, {2, 4}},
        {{2, 3, 4}, {.axis = {-3, -1}, .exclude = true}, {1}, {2, 4}},
        {{2, 3, 4}, {.axis = {1}, .keepdims = true, .exclude = true}, {0, 2}, {1, 3, 1}},
        {{2, 3, 4}, {.axis = {2, 0, 1}}, {0, 1, 2}, {1}},
        {{2, 3, 4}, {.axis = std::vector<int>{}}, {0, 1, 2}, {1}},                   // axis=() is every axis
        {{2, 3, 4}, {.axis = std::vector<int>{}, .exclude = true}, {0, 1, 2}, {1}},  // even with exclude
        {{5, 1, 7}, {.axis = 0}, {0}, {1, 7}},
        {{5, 1, 7}, {.axis = 1}, {1}, {5, 7}},  // a size-1 axis: a copy
        {{1, 1}, {}, {0, 1}, {1}},
        {{7}, {.axis = 0}, {0}, {1}},
        {{7}, {.axis = 0, .keepdims = true}, {0}, {1}},
        {{3, 5, 2, 3}, {.axis = {0, 2}}, {0, 2}, {5, 3}},
        {{3, 5, 2, 3}, {.axis = {1, 3}}, {1, 3}, {3, 2}},
        {{3, 5, 2, 3}, {.axis = {1, 3}, .exclude = true}, {0, 2}, {5, 3}},
        {{6, 1, 9}, {.axis = 2, .keepdims = true}, {2}, {6, 1, 1}},
        {{2, 3, 4, 5}, {.axis = {0, 1, 2, 3}, .exclude = true}, {}, {2, 3, 4, 5}},  // nothing reduced
        {{9, 300}, {.axis = 0}, {0}, {300}},         // two column tiles, odd width
        {{130, 5}, {.axis = 0}, {0}, {5}},           // rows combined pairwise
        {{3, 130, 7}, {.axis = 1}, {1}, {3, 7}},
        {{5001}, {}, {0}, {1}},                      // contiguous blocks combined pairwise
        {{4, 2500}, {.axis = 1}, {1}, {4}},
        {{3, 0, 2}, {.axis = 1}, {1}, {3, 2}},       // empty reduction: the identity
        {{0, 3}, {.axis = 1}, {1}, {0}},             // empty output
        {{0}, {}, {0}, {1}},
    };
}

bool empty_reduction(const reduce_case& c) {
    std::size_t count = 1, out = 1;
    for (std::size_t d = 0; d < c.shape.size(); ++d) {
        bool r = false;
        for (int a : c.reduced) r = r || a == static_cast<int>(d);
        (r ? count : out) *= static_cast<std::size_t>(c.shape[d]);
    }
    return count == 0 && out != 0;
}

// Binds make(A) (the graph: op(A * 2, p) + 1) for every case, dtype and with and without
// NaN, comparing with the reference of the op on 2 * x, plus 1.
template <class Make>
void check_reduce_cases(red kind, Make make, bool floats_only = false) {
    auto a = sf::sym::Variable<"A">();
    std::mt19937 g(static_cast<std::uint32_t>(kind) * 7919u + 1);
    const bool no_identity = kind == red::max || kind == red::min;
    for (const auto& c : reduce_cases()) {
        if (no_identity && empty_reduction(c)) continue;  // an error, tested below
        if (kind == red::norm && c.p.exclude && c.reduced.empty()) continue;  // norm has no exclude
        auto e = make(a, c);
        CHECK(e.infer_shape("A"_arg = to_shape(c.shape)).out[0] == to_shape(c.out));
        for_each_dtype(
            [&]<class T>() {
                for (bool with_nan : {false, true}) {
                    if (with_nan && std::is_integral_v<T>) continue;
                    std::size_t n = 1;
                    for (long d : c.shape) n *= static_cast<std::size_t>(d);
                    auto x = make_values<T>(n, g, kind, with_nan);
                    auto X = sf::nd::array(x, to_shape(c.shape), sf::dtype_of<T>());
                    auto out = e.bind(sf::cpu(), "A"_arg = X).forward()[0];
                    REQUIRE(out.shape() == to_shape(c.out));
                    REQUIRE(out.dtype() == sf::dtype_of<T>());
                    std::vector<T> x2(x.size());
                    for (std::size_t i = 0; i < x.size(); ++i) x2[i] = wrap_mul(x[i], T(2));
                    compare(out.template to_vector<T>(), ref_reduce(kind, x2, c.shape, c.reduced), 1,
                            "shape " + vec_str(c.shape) + " " + dtype_str<T>() + (with_nan ? " with NaN" : ""));
                }
            },
            floats_only);
    }
}

// The bare reduction op(A, p) of x with shape `shape`, against the reference.
template <class E, class T>
void check_bare(red kind, const E& e, const std::vector<T>& x, const std::vector<long>& shape,
                const std::vector<int>& reduced, const std::string& what) {
    auto out = e.bind(sf::cpu(), "A"_arg = sf::nd::array(x, to_shape(shape), sf::dtype_of<T>())).forward()[0];
    compare(out.template to_vector<T>(), ref_reduce(kind, x, shape, reduced), 0, what);
}

} // namespace

TEST_CASE("sum mean prod nansum max min on every dtype and axis setting, fused with A * 2 and + 1",
          "[ops][reduce]") {
    using C = const reduce_case&;
    check_reduce_cases(red::sum, [](auto a, C c) { return sf::sym::sum(a * 2, c.p) + 1; });
    check_reduce_cases(red::mean, [](auto a, C c) { return sf::sym::mean(a * 2, c.p) + 1; });
    check_reduce_cases(red::prod, [](auto a, C c) { return sf::sym::prod(a * 2, c.p) + 1; });
    check_reduce_cases(red::nansum, [](auto a, C c) { return sf::sym::nansum(a * 2, c.p) + 1; });
    check_reduce_cases(red::max, [](auto a, C c) { return sf::sym::max(a * 2, c.p) + 1; });
    check_reduce_cases(red::min, [](auto a, C c) { return sf::sym::min(a * 2, c.p) + 1; });
}

TEST_CASE("norm on float32 and float64 for every axis setting, fused with A * 2 and + 1", "[ops][reduce][norm]") {
    check_reduce_cases(
        red::norm,
        [](auto a, const reduce_case& c) {
            // norm has no exclude: those cases name the axes they reduce instead
            sf::ops::norm_param q{.axis = c.p.axis, .keepdims = c.p.keepdims};
            if (c.p.exclude) q.axis = std::vector<int>(c.reduced);
            return sf::sym::norm(a * 2, q) + 1;
        },
        true);
}

TEST_CASE("argmax and argmin: first occurrence, axis or flattened, fused with A * 2 and + 1", "[ops][reduce][arg]") {
    struct arg_case {
        std::vector<long> shape;
        sf::ops::arg_reduce_param p;
        std::vector<int> reduced;
        std::vector<long> out;
    };
    const std::vector<arg_case> cases = {
        {{2, 3, 4}, {}, {0, 1, 2}, {1}},
        {{2, 3, 4}, {.keepdims = true}, {0, 1, 2}, {1, 1, 1}},
        {{2, 3, 4}, {.axis = 1}, {1}, {2, 4}},
        {{2, 3, 4}, {.axis = -1, .keepdims = true}, {2}, {2, 3, 1}},
        {{2, 3, 4}, {.axis = 0}, {0}, {3, 4}},
        {{7}, {.axis = 0}, {0}, {1}},
        {{7}, {.axis = -1, .keepdims = true}, {0}, {1}},  // MXNet: any axis of a 1-d input gives (1,)
        {{5, 1, 7}, {.axis = 1}, {1}, {5, 7}},
        {{9, 300}, {.axis = 0}, {0}, {300}},
        {{3, 2500}, {.axis = 1}, {1}, {3}},
        {{0, 3}, {.axis = 1}, {1}, {0}},
        {{5001}, {}, {0}, {1}},
    };
    auto a = sf::sym::Variable<"A">();
    std::mt19937 g(77);
    for (const auto& c : cases) {
        for (red kind : {red::argmax, red::argmin}) {
            for_each_dtype([&]<class T>() {
                for (bool with_nan : {false, true}) {
                    if (with_nan && std::is_integral_v<T>) continue;
                    std::size_t n = 1;
                    for (long d : c.shape) n *= static_cast<std::size_t>(d);
                    auto x = make_values<T>(n, g, kind, with_nan);
                    auto X = sf::nd::array(x, to_shape(c.shape), sf::dtype_of<T>());
                    auto run = [&](const auto& e) { return e.bind(sf::cpu(), "A"_arg = X).forward()[0]; };
                    auto out = kind == red::argmax ? run(sf::sym::argmax(a * 2, c.p) + 1)
                                                   : run(sf::sym::argmin(a * 2, c.p) + 1);
                    REQUIRE(out.shape() == to_shape(c.out));
                    REQUIRE(out.dtype() == sf::dtype_of<T>());
                    std::vector<T> x2(x.size());
                    for (std::size_t i = 0; i < x.size(); ++i) x2[i] = wrap_mul(x[i], T(2));
                    compare(out.template to_vector<T>(), ref_reduce(kind, x2, c.shape, c.reduced), 1,
                            "shape " + vec_str(c.shape) + " " + dtype_str<T>() + (with_nan ? " with NaN" : ""));
                }
            });
        }
        CHECK(sf::sym::argmax(a, c.p).infer_shape("A"_arg = to_shape(c.shape)).out[0] == to_shape(c.out));
    }
}

namespace {

// op(A * 1, p) + 0 bound to x of the given shape: the value of op(x), through the same graph
// types as the fused tests above (the scalars are runtime values), which keeps this file's
// build time down. norm takes p's axis and keepdims; argmax and argmin p's single axis.
template <class T>
sf::nd::NDArray run_bare(red kind, const std::vector<T>& x, const std::vector<long>& shape,
                         sf::ops::reduce_param p = {}) {
    auto a = sf::sym::Variable<"A">();
    auto X = sf::nd::array(x, to_shape(shape), sf::dtype_of<T>());
    auto run = [&](const auto& e) { return e.bind(sf::cpu(), "A"_arg = X).forward()[0]; };
    std::optional<int> axis;
    if (p.axis.has_value()) axis = p.axis.values().at(0);
    switch (kind) {
    case red::sum: return run(sf::sym::sum(a * 1, p) + 0);
    case red::mean: return run(sf::sym::mean(a * 1, p) + 0);
    case red::prod: return run(sf::sym::prod(a * 1, p) + 0);
    case red::nansum: return run(sf::sym::nansum(a * 1, p) + 0);
    case red::max: return run(sf::sym::max(a * 1, p) + 0);
    case red::min: return run(sf::sym::min(a * 1, p) + 0);
    case red::norm: return run(sf::sym::norm(a * 1, {.axis = p.axis, .keepdims = p.keepdims}) + 0);
    case red::argmax: return run(sf::sym::argmax(a * 1, {.axis = axis, .keepdims = p.keepdims}) + 0);
    case red::argmin: return run(sf::sym::argmin(a * 1, {.axis = axis, .keepdims = p.keepdims}) + 0);
    }
    return {};
}

// The single value op(x) over a 1-d x.
template <class T>
T reduce1(red kind, const std::vector<T>& x) {
    auto out = run_bare(kind, x, {static_cast<long>(x.size())});
    REQUIRE(out.shape() == sf::Shape{1});
    return out.template to_vector<T>()[0];
}

template <class T>
bool same(T got, T want) {
    if constexpr (std::is_floating_point_v<T>)
        if (want != want) return got != got;
    return got == want;
}

} // namespace

TEST_CASE("integer sums and products wrap, integer mean truncates the wrapped sum", "[ops][reduce]") {
    using i32 = std::int32_t;
    using i64 = std::int64_t;
    constexpr i32 max32 = std::numeric_limits<i32>::max(), min32 = std::numeric_limits<i32>::min();
    constexpr i64 max64 = std::numeric_limits<i64>::max(), min64 = std::numeric_limits<i64>::min();
    CHECK(reduce1<i32>(red::sum, {max32, 1}) == min32);
    CHECK(reduce1<i64>(red::sum, {max64, 1}) == min64);
    CHECK(reduce1<i32>(red::nansum, {max32, max32, 2}) == 0);
    CHECK(reduce1<i32>(red::prod, {65536, 65536}) == 0);
    CHECK(reduce1<i32>(red::prod, {65537, 65537}) == 131073);  // 65537^2 mod 2^32
    CHECK(reduce1<i64>(red::prod, {i64(1) << 32, i64(1) << 32, 3}) == 0);
    CHECK(reduce1<i64>(red::prod, {-3, 5, -7}) == 105);
    // mean: the integer quotient truncated toward zero, as MXNet's sum /= count in the input type
    CHECK(reduce1<i32>(red::mean, {-3, -4}) == -3);
    CHECK(reduce1<i32>(red::mean, {7, 8}) == 7);
    CHECK(reduce1<i64>(red::mean, {-7, 0, 0}) == -2);
    CHECK(reduce1<i32>(red::mean, {max32, 1}) == min32 / 2);  // the sum wrapped first
    CHECK(reduce1<i32>(red::max, {min32, min32}) == min32);
    CHECK(reduce1<i32>(red::min, {max32, max32, max32}) == max32);
    CHECK(reduce1<i64>(red::max, {min64, -1, min64}) == -1);
    CHECK(reduce1<i32>(red::argmax, {min32, min32, min32}) == 0);
    CHECK(reduce1<i32>(red::argmin, {max32, 4, max32, 4}) == 1);
    CHECK(reduce1<i64>(red::argmax, {3, 9, 9, -1}) == 1);
    // odd factors keep long integer products non-zero; 37 elements reach the scalar tail
    std::vector<i32> odd(37);
    i32 want = 1;
    for (std::size_t i = 0; i < odd.size(); ++i) {
        odd[i] = static_cast<i32>(2 * i + 1) * (i % 3 ? 1 : -1);
        want = wrap_mul(want, odd[i]);
    }
    CHECK(reduce1<i32>(red::prod, odd) == want);
}

TEST_CASE("NaN and infinities: sum and max propagate, nansum skips, argmax finds the first NaN", "[ops][reduce]") {
    for_each_dtype(
        [&]<class T>() {
            const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
            INFO(dtype_str<T>());
            CHECK(same(reduce1<T>(red::sum, {inf, -inf}), nan));
            CHECK(reduce1<T>(red::sum, {1, inf, 2}) == inf);
            CHECK(same(reduce1<T>(red::sum, {1, nan, 2}), nan));
            CHECK(same(reduce1<T>(red::mean, {nan, 1}), nan));
            CHECK(same(reduce1<T>(red::prod, {0, inf}), nan));
            CHECK(reduce1<T>(red::nansum, {nan, 1, nan, 2}) == 3);
            CHECK(reduce1<T>(red::nansum, {nan, nan}) == 0);
            CHECK(reduce1<T>(red::max, {-inf, -inf}) == -inf);
            CHECK(reduce1<T>(red::min, {inf, 5, inf}) == 5);
            CHECK(same(reduce1<T>(red::max, {1, nan, 3}), nan));
            CHECK(same(reduce1<T>(red::min, {nan, -1}), nan));
            CHECK(same(reduce1<T>(red::max, {3, 1, nan}), nan));
            CHECK(reduce1<T>(red::argmax, {-inf, -inf}) == 0);
            CHECK(reduce1<T>(red::argmin, {inf, inf, inf}) == 0);
            CHECK(reduce1<T>(red::argmax, {1, nan, 3, nan}) == 1);
            CHECK(reduce1<T>(red::argmin, {1, -5, 3, nan, -9}) == 3);
            CHECK(reduce1<T>(red::argmax, {-2, 7, 7, 1}) == 1);
            CHECK(reduce1<T>(red::norm, {-3, 4}) == 5);
            CHECK(reduce1<T>(red::norm, {inf, 1}) == inf);
            CHECK(same(reduce1<T>(red::norm, {inf, nan}), nan));
            CHECK(reduce1<T>(red::norm, {0, 0, 0}) == 0);
            // NaN in a vector lane and in the scalar tail, and a column reduction
            std::vector<T> v(41, T(1));
            v[5] = nan;
            CHECK(same(reduce1<T>(red::max, v), nan));
            CHECK(reduce1<T>(red::argmin, v) == 5);
            CHECK(reduce1<T>(red::nansum, v) == 40);
            v[5] = 1;
            v[40] = nan;
            CHECK(same(reduce1<T>(red::min, v), nan));
            CHECK(reduce1<T>(red::argmax, v) == 40);
            auto col = run_bare<T>(red::max, v, {41, 1}, {.axis = 0}).template to_vector<T>();
            CHECK(same(col.at(0), nan));
        },
        true);
}

TEST_CASE("norm does not overflow or underflow: squares are rescaled when they would", "[ops][reduce][norm]") {
    CHECK(reduce1<float>(red::norm, {3e30f, 4e30f}) == Approx(5e30f).epsilon(1e-6));
    CHECK(reduce1<float>(red::norm, {3e-30f, -4e-30f}) == Approx(5e-30f).epsilon(1e-6));
    CHECK(reduce1<float>(red::norm, {1e-45f, 0}) == 1e-45f);  // the smallest subnormal
    CHECK(reduce1<float>(red::norm, {3e38f, 3e38f}) == std::numeric_limits<float>::infinity());
    CHECK(reduce1<double>(red::norm, {3e200, 4e200}) == Approx(5e200).epsilon(1e-14));
    CHECK(reduce1<double>(red::norm, {3e-200, 4e-200}) == Approx(5e-200).epsilon(1e-14));
    // per output, in both the contiguous and the column case
    auto rows = run_bare<float>(red::norm, {3e30f, 4e30f, 1, 1, 0, 0}, {3, 2}, {.axis = 1}).to_vector<float>();
    CHECK(rows[0] == Approx(5e30f).epsilon(1e-6));
    CHECK(rows[1] == Approx(std::sqrt(2.0f)).epsilon(1e-6));
    CHECK(rows[2] == 0);
    auto cols = run_bare<float>(red::norm, {3e30f, 1, 4e30f, 1}, {2, 2}, {.axis = 0}).to_vector<float>();
    CHECK(cols[0] == Approx(5e30f).epsilon(1e-6));
    CHECK(cols[1] == Approx(std::sqrt(2.0f)).epsilon(1e-6));
    auto cols3 = run_bare<float>(red::norm, {1, 3e30f, 0, 1, 4e30f, 0}, {2, 3}, {.axis = 0}).to_vector<float>();
    CHECK(cols3[0] == Approx(std::sqrt(2.0f)).epsilon(1e-6));
    CHECK(cols3[1] == Approx(5e30f).epsilon(1e-6));
    CHECK(cols3[2] == 0);
    auto blocks = run_bare<double>(red::norm, {1e-300, 0, 0, 1e-300, 3, 5, 4, 12}, {2, 2, 2}, {.axis = 1})
                      .to_vector<double>();
    CHECK(blocks == std::vector<double>{1e-300, 1e-300, 5, 13});
    auto mixed = run_bare<double>(red::norm, {1e-300, 0, 1e-300, 3, 4, 0}, {2, 3}, {.axis = 1}).to_vector<double>();
    CHECK(mixed[0] == Approx(std::sqrt(2.0) * 1e-300).epsilon(1e-14));
    CHECK(mixed[1] == 5);
}

TEST_CASE("reductions over empty axes give the identity, max and argmax refuse them at bind", "[ops][reduce]") {
    for_each_dtype([&]<class T>() {
        INFO(dtype_str<T>());
        const std::vector<T> none;
        auto shape_of = [](const sf::nd::NDArray& r) { return r.shape(); };
        auto values = [](const sf::nd::NDArray& r) { return r.template to_vector<T>(); };
        const sf::ops::reduce_param ax1{.axis = 1}, ax1k{.axis = 1, .keepdims = true};
        CHECK(values(run_bare(red::sum, none, {2, 0}, ax1)) == std::vector<T>{0, 0});
        CHECK(shape_of(run_bare(red::sum, none, {2, 0}, ax1k)) == sf::Shape{2, 1});
        CHECK(values(run_bare(red::prod, none, {2, 0}, ax1)) == std::vector<T>{1, 1});
        CHECK(values(run_bare(red::nansum, none, {2, 0, 3}, ax1)) == std::vector<T>(6, T(0)));
        auto m = values(run_bare(red::mean, none, {3, 0}, ax1));
        REQUIRE(m.size() == 3);
        if constexpr (std::is_floating_point_v<T>) CHECK(std::isnan(m[0]));
        else CHECK(m[0] == 0);
        CHECK(values(run_bare(red::sum, none, {0}, {})) == std::vector<T>{0});
        // an empty output needs no reduction
        CHECK(shape_of(run_bare(red::max, none, {0, 3}, ax1)) == sf::Shape{0});
        CHECK(shape_of(run_bare(red::argmin, none, {0, 3}, ax1)) == sf::Shape{0});
        CHECK_THROWS_WITH(run_bare(red::max, none, {3, 0}, ax1),
                          Catch::Contains("cannot reduce an empty axis") && Catch::Contains("max node 'max") &&
                              Catch::Contains("(3, 0)"));
        CHECK_THROWS_WITH(run_bare(red::min, none, {0}, {}), Catch::Contains("cannot reduce an empty axis"));
        CHECK_THROWS_WITH(run_bare(red::argmax, none, {0}, {}), Catch::Contains("cannot reduce an empty axis"));
        CHECK_THROWS_WITH(run_bare(red::argmin, none, {3, 0}, ax1), Catch::Contains("cannot reduce an empty axis"));
    });
    CHECK(reduce1<float>(red::norm, {}) == 0);
}

TEST_CASE("float sums of a million elements stay accurate: pairwise, not sequential", "[ops][reduce]") {
    // a sequential float32 loop over 1e6 copies of 0.1f is off by about 1 %
    const std::size_t n = 1000000;
    std::vector<float> tenth(n, 0.1f);
    const double want = 0.1f * static_cast<double>(n);
    CHECK(std::abs(reduce1(red::sum, tenth) - want) / want < 1e-6);
    CHECK(std::abs(reduce1(red::mean, tenth) - 0.1f) / 0.1 < 1e-6);
    auto cols = run_bare(red::sum, tenth, {static_cast<long>(n / 2), 2}, {.axis = 0}).to_vector<float>();
    CHECK(std::abs(cols[0] - want / 2) / (want / 2) < 1e-6);
    CHECK(std::abs(cols[1] - want / 2) / (want / 2) < 1e-6);
    auto rows = run_bare(red::sum, tenth, {2, static_cast<long>(n / 2)}, {.axis = 1}).to_vector<float>();
    CHECK(std::abs(rows[1] - want / 2) / (want / 2) < 1e-6);
    std::mt19937 g(5);
    std::uniform_real_distribution<float> u(0, 1);
    std::vector<float> r(n);
    double exact = 0;
    for (auto& x : r) exact += (x = u(g));
    CHECK(std::abs(reduce1(red::sum, r) - exact) / exact < 1e-6);
    CHECK(std::abs(reduce1(red::norm, r) - std::sqrt(std::inner_product(r.begin(), r.end(), r.begin(), 0.0))) <
          1e-6 * std::sqrt(exact));
}

TEST_CASE("large reductions split across threads agree with the reference", "[ops][reduce]") {
    std::mt19937 g(11);
    struct big_case {
        std::vector<long> shape;
        sf::ops::reduce_param p;
        std::vector<int> reduced;
    };
    const std::vector<big_case> cases = {
        {{140001}, {}, {0}},               // one output: fixed chunks across threads
        {{3, 40003}, {.axis = 1}, {1}},    // few long rows
        {{8000, 9}, {.axis = 1}, {1}},     // many short rows
        {{40003, 3}, {.axis = 0}, {0}},    // columns
        {{2, 20001, 2}, {.axis = 1}, {1}}, // columns within blocks
    };
    for (const auto& c : cases) {
        for_each_dtype([&]<class T>() {
            std::size_t n = 1;
            for (long d : c.shape) n *= static_cast<std::size_t>(d);
            const auto x = make_values<T>(n, g, red::sum, false);  // wide enough for ties and no ties
            for (red kind : {red::sum, red::max, red::norm, red::argmax, red::argmin}) {
                if (kind == red::norm && std::is_integral_v<T>) continue;
                auto out = run_bare(kind, x, c.shape, c.p);
                compare(out.template to_vector<T>(), ref_reduce(kind, x, c.shape, c.reduced), 0,
                        "large " + vec_str(c.shape) + " " + dtype_str<T>());
            }
        });
    }
}

TEST_CASE("reduction names, JSON op strings and attrs follow MXNet 1.9.1", "[ops][reduce][sym]") {
    using attrs = std::map<std::string, std::string>;
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto check = [](const auto& e, const std::string& name, const std::string& op, const attrs& want) {
        INFO(name);
        CHECK(e.name() == name);
        CHECK(e.list_outputs() == std::vector<std::string>{name + "_output"});
        sf::sym::Symbol r = e;
        CHECK(std::string(r.outputs()[0].node->op->name) == op);
        CHECK(r.outputs()[0].node->attrs == want);
        CHECK(r.list_arguments() == std::vector<std::string>{"A"});
    };
    check(sf::sym::sum(a), "sum0", "sum", {});
    check(sf::sym::sum(a, {.axis = 1}), "sum1", "sum", {{"axis", "1"}});
    check(sf::sym::sum(a, {.axis = {1}}), "sum2", "sum", {{"axis", "(1,)"}});
    check(sf::sym::sum(a, {.axis = {0, 2}, .keepdims = true}), "sum3", "sum",
          {{"axis", "(0, 2)"}, {"keepdims", "True"}});
    check(sf::sym::sum(a, {.axis = -1, .exclude = true}), "sum4", "sum", {{"axis", "-1"}, {"exclude", "True"}});
    check(sf::sym::sum(a, {.axis = std::vector<int>{}}), "sum5", "sum", {{"axis", "()"}});
    check(sf::sym::sum(a, {}, "total"), "total", "sum", {});
    check(sf::sym::sum(a, {.keepdims = true}), "sum6", "sum", {{"keepdims", "True"}});
    check(sf::sym::sum_axis(a, {.axis = 0}), "sum_axis0", "sum", {{"axis", "0"}});
    check(sf::sym::mean(a, {.axis = {1, 2}}), "mean0", "mean", {{"axis", "(1, 2)"}});
    check(sf::sym::prod(a), "prod0", "prod", {});
    check(sf::sym::nansum(a, {.exclude = true}), "nansum0", "nansum", {{"exclude", "True"}});
    check(sf::sym::max(a, {.axis = 0}), "max0", "max", {{"axis", "0"}});
    check(sf::sym::max_axis(a), "max_axis0", "max", {});
    check(sf::sym::min(a), "min0", "min", {});
    check(sf::sym::min_axis(a, {.axis = 1, .keepdims = true}), "min_axis0", "min",
          {{"axis", "1"}, {"keepdims", "True"}});
    check(sf::sym::norm(a), "norm0", "norm", {});
    check(sf::sym::norm(a, {.ord = 1, .axis = {0, 1}}), "norm1", "norm", {{"axis", "(0, 1)"}, {"ord", "1"}});
    check(sf::sym::norm(a, {.axis = -1, .keepdims = true}), "norm2", "norm", {{"axis", "-1"}, {"keepdims", "True"}});
    check(sf::sym::argmax(a), "argmax0", "argmax", {});
    check(sf::sym::argmax(a, {.axis = 1}), "argmax1", "argmax", {{"axis", "1"}});
    check(sf::sym::argmin(a, {.axis = -1, .keepdims = true}), "argmin0", "argmin",
          {{"axis", "-1"}, {"keepdims", "True"}});
    check(sf::sym::argmin(a, {}, "where"), "where", "argmin", {});

    // MXNet names left to right: sum(A * 2) + 1 is _mulscalar0, then sum7, then _plusscalar0
    auto e = sf::sym::sum(a * 2, {.axis = 1}) + 1;
    sf::sym::Symbol r = e;
    CHECK(r.get_internals().list_outputs() ==
          std::vector<std::string>{"A", "_mulscalar0_output", "sum7_output", "_plusscalar0_output"});

    // the op descriptions a loader reads: aliases and input names
    CHECK(sf::ops::sum_op::aliases[0] == "sum_axis");
    CHECK(sf::ops::max_op::aliases[0] == "max_axis");
    CHECK(sf::ops::min_op::aliases[0] == "min_axis");
    CHECK(sf::ops::argmax_op::inputs[0] == "data");
    CHECK(sf::ops::norm_op::kind == sf::ops::op_kind::materialized);
}

TEST_CASE("infer_shape and infer_type of reductions match MXNet", "[ops][reduce][infer]") {
    auto a = sf::sym::Variable<"A">();
    auto s = sf::sym::sum(a, {.axis = 1});
    auto r = s.infer_shape("A"_arg = sf::Shape{2, 3});
    CHECK(r.arg == std::vector<sf::Shape>{sf::Shape{2, 3}});
    CHECK(r.out == std::vector<sf::Shape>{sf::Shape{2}});
    CHECK(r.aux.empty());
    CHECK(sf::sym::mean(a * 2, {.axis = {0, 2}, .exclude = true}).infer_shape("A"_arg = sf::Shape{4, 5, 6}).out[0] ==
          sf::Shape{4, 6});
    CHECK(sf::sym::norm(a, {.axis = {1, 2}}).infer_shape("A"_arg = sf::Shape{2, 3, 4}).out[0] == sf::Shape{2});
    CHECK(sf::sym::norm(a, {.keepdims = true}).infer_shape("A"_arg = sf::Shape{2, 3, 4}).out[0] == sf::Shape{1, 1, 1});
    CHECK(sf::sym::norm(a, {.axis = -1, .keepdims = true}).infer_shape("A"_arg = sf::Shape{2, 3, 4}).out[0] ==
          sf::Shape{2, 3, 1});
    CHECK(sf::sym::max(a).infer_shape("A"_arg = sf::Shape{}).out[0] == sf::Shape{1});  // a 0-d input
    CHECK(sf::sym::max(a, {.keepdims = true}).infer_shape("A"_arg = sf::Shape{}).out[0] == sf::Shape{});
    CHECK(sf::sym::argmax(a).infer_shape("A"_arg = sf::Shape{}).out[0] == sf::Shape{1});

    CHECK(s.infer_type("A"_arg = sf::int64).out[0] == sf::int64);
    CHECK(sf::sym::mean(a).infer_type("A"_arg = sf::int32).out[0] == sf::int32);
    CHECK(sf::sym::argmax(a).infer_type("A"_arg = sf::int32).out[0] == sf::int32);
    CHECK(sf::sym::argmax(a).infer_type("A"_arg = sf::float64).out[0] == sf::float64);
    CHECK(sf::sym::norm(a).infer_type("A"_arg = sf::float64).out[0] == sf::float64);
    CHECK_THROWS_WITH(sf::sym::norm(a).infer_type("A"_arg = sf::int32),
                      Catch::Contains("norm node 'norm") && Catch::Contains("int32") &&
                          Catch::Contains("float32, float64"));
    CHECK_THROWS_WITH(sf::sym::norm(a, {.ord = 3}).infer_type("A"_arg = sf::float32), Catch::Contains("ord=3"));
    CHECK_THROWS_AS(sf::sym::sum(a, {.axis = 2}).infer_shape("A"_arg = sf::Shape{2, 3}), sf::error);

    // a 0-d input reduces to shape (1,)
    sf::nd::NDArray scalar(sf::Shape{}, sf::float64);
    scalar.data<double>()[0] = 2.5;
    auto out = sf::sym::sum(a).bind(sf::cpu(), "A"_arg = scalar).forward()[0];
    CHECK(out.shape() == sf::Shape{1});
    CHECK(out.to_vector<double>()[0] == 2.5);
    CHECK(sf::sym::argmax(a).bind(sf::cpu(), "A"_arg = scalar).forward()[0].to_vector<double>()[0] == 0);
}

TEST_CASE("bad axes and attributes fail at bind naming the node and the shapes", "[ops][reduce][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto x23 = sf::nd::zeros(sf::Shape{2, 3});
    CHECK_THROWS_WITH((sf::sym::sum(a * 2, {.axis = 3}) + 1).bind(sf::cpu(), "A"_arg = x23),
                      Catch::Contains("sum node 'sum0'") && Catch::Contains("'_mulscalar0'") &&
                          Catch::Contains("(2, 3) float32") &&
                          Catch::Contains("axis 3 is out of range for a 2-d input"));
    CHECK_THROWS_WITH((sf::sym::sum(a * 1, {.axis = -3}) + 0).bind(sf::cpu(), "A"_arg = x23),
                      Catch::Contains("axis -3 is out of range") && Catch::Contains("sum node 'sum1'"));
    CHECK_THROWS_WITH((sf::sym::mean(a * 1, {.axis = {1, -1}}) + 0).bind(sf::cpu(), "A"_arg = x23),
                      Catch::Contains("mean node 'mean0'") && Catch::Contains("(1, -1)") && Catch::Contains("twice"));
    CHECK_THROWS_WITH((sf::sym::prod(a * 1, {.axis = {5}, .exclude = true}) + 0).bind(sf::cpu(), "A"_arg = x23),
                      Catch::Contains("axis 5 is out of range"));
    CHECK_THROWS_WITH((sf::sym::argmax(a * 1, {.axis = 2}) + 0).bind(sf::cpu(), "A"_arg = x23),
                      Catch::Contains("argmax node 'argmax0'") && Catch::Contains("axis 2 is out of range"));
    CHECK_THROWS_WITH((sf::sym::argmin(a * 1, {.axis = 1}) + 0).bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{1})),
                      Catch::Contains("axis 1 is out of range for a 1-d input"));
    CHECK_THROWS_WITH((sf::sym::norm(a * 1, {.ord = 1}) + 0).bind(sf::cpu(), "A"_arg = x23),
                      Catch::Contains("norm node 'norm0'") && Catch::Contains("ord=1") && Catch::Contains("(2, 3)") &&
                          Catch::Contains("ord=2"));
    CHECK_THROWS_WITH((sf::sym::norm(a * 1) + 0).bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2, 3}, sf::int32)),
                      Catch::Contains("norm node 'norm1'") && Catch::Contains("int32") &&
                          Catch::Contains("float32, float64"));
    CHECK_THROWS_WITH((sf::sym::max(a * 1, {.axis = 1}) + 0).bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2, 0})),
                      Catch::Contains("max node 'max0'") && Catch::Contains("(2, 0)") &&
                          Catch::Contains("cannot reduce an empty axis"));
}

TEST_CASE("several reductions in one graph: a shared node, fused groups between them", "[ops][reduce]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto m = sf::sym::max(a, {.axis = 1});                      // (3,)
    auto e = sf::sym::mean(m + 1) * sf::sym::sum(m * b) - sf::sym::argmin(a);  // (1,)
    auto A = sf::nd::array({{1.0, 5.0, 2.0, 0.5}, {-1.0, -2.0, -3.0, -0.5}, {4.0, 4.0, 1.0, 9.0}}, sf::float64);
    auto B = sf::nd::array({2.0, 3.0, -1.0}, sf::float64);
    auto ex = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B);
    // max rows: 5, -0.5, 9; mean(m + 1) = 16.5 / 3; sum(m * b) = 10 - 1.5 - 9 = -0.5; argmin = 6
    const double want = 16.5 / 3 * -0.5 - 6;
    CHECK(ex.forward()[0].to_vector<double>()[0] == Approx(want));
    A.data<double>()[6] = -7;  // forward reads the bound arrays' new contents
    CHECK(ex.forward()[0].to_vector<double>()[0] == Approx(want));
    A.data<double>()[3] = 8;  // row 0's max becomes 8
    CHECK(ex.forward()[0].to_vector<double>()[0] == Approx(19.5 / 3 * (16 - 1.5 - 9) - 6));
}
