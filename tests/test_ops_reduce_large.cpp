// Reductions of arrays above the threading cut-off (ops::parallel_min_elements), over each
// axis and the kernel paths they take (one long run cut into chunks, few long rows, many
// rows, column pieces, narrow columns cut into row chunks, outer blocks, segments), against
// a plain double loop; and the promise that the result does not depend on the thread count.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <symflow/symflow.hpp>
#include <symflow/ops/reduce.hpp>
#include <symflow/sym/reduce_ops.hpp>

namespace sf = symflow;
using namespace sf::literals;

namespace {

struct big_case {
    std::vector<long> shape;
    std::vector<int> axes;  // reduced axes; empty = all
};

// The cases: each crosses the cut-off and exercises one path of the kernels.
const std::vector<big_case> cases = {
    {{300007}, {}},         // one long run: chunks of whole subtrees (4 leaves each) on the threads
    {{203, 517}, {0}},      // first axis: rows cut into chunks for the threads, a partial vector
    {{259, 1003}, {0}},     // wide output: row chunks of one leaf, the last leaf 3 rows (no group of 8)
    {{60, 1001}, {0}},      // one leaf of rows: columns shared out as pieces instead; 7 groups of 8 + 4 rows
    {{66, 4099}, {0}},      // two pieces wide: pieces on 2 threads, cut narrower for 3 (no room for chunks)
    {{203, 517}, {1}},      // last axis: many rows
    {{3, 20001}, {1}},      // few long rows: each cut into chunks
    {{9000, 5}, {0}},       // narrow columns: rows cut into chunks of 4 leaves, the last partial
    {{2000, 40}, {0}},      // narrow columns, a partial vector
    {{3, 1203, 37}, {1}},   // columns within outer blocks
    {{17, 257, 9}, {0, 2}}, // segments
    {{65, 200, 3}, {1, 2}}  // trailing axes merged into one run per output
};

sf::Shape to_shape(const std::vector<long>& s) {
    std::vector<sf::Shape::dim_t> d(s.begin(), s.end());
    return sf::Shape(std::move(d));
}

sf::ops::reduce_param param_of(const big_case& c, bool keepdims = false) {
    if (c.axes.empty()) return {.keepdims = keepdims};
    return {.axis = sf::ops::axis_list(std::vector<int>(c.axes)), .keepdims = keepdims};
}

// For each output (row-major over the kept axes): the sum in double, the sum of |x|, the
// maximum and the count; a plain loop over every element.
struct reference {
    std::vector<double> sum, abs_sum, max;
    std::size_t count = 1;
};
template <class T>
reference reference_of(const std::vector<T>& x, const big_case& c) {
    const std::size_t nd = c.shape.size();
    std::vector<bool> red(nd, c.axes.empty());
    for (int a : c.axes) red[static_cast<std::size_t>(a)] = true;
    std::size_t n_out = 1;
    reference r;
    for (std::size_t d = 0; d < nd; ++d) (red[d] ? r.count : n_out) *= static_cast<std::size_t>(c.shape[d]);
    r.sum.assign(n_out, 0.0);
    r.abs_sum.assign(n_out, 0.0);
    r.max.assign(n_out, -std::numeric_limits<double>::infinity());
    std::vector<std::size_t> idx(nd, 0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        std::size_t o = 0;
        for (std::size_t d = 0; d < nd; ++d)
            if (!red[d]) o = o * static_cast<std::size_t>(c.shape[d]) + idx[d];
        const double v = static_cast<double>(x[i]);
        r.sum[o] += v;
        r.abs_sum[o] += std::abs(v);
        r.max[o] = std::max(r.max[o], v);
        for (std::size_t d = nd; d-- > 0;) {
            if (++idx[d] < static_cast<std::size_t>(c.shape[d])) break;
            idx[d] = 0;
        }
    }
    return r;
}

template <class T>
std::vector<T> run(const sf::nd::NDArray& X, const sf::ops::reduce_param& p, bool max = false) {
    auto a = sf::sym::Variable<"A">();
    if (max) return sf::sym::max(a, p).bind(sf::cpu(), "A"_arg = X).forward()[0].template to_vector<T>();
    return sf::sym::sum(a, p).bind(sf::cpu(), "A"_arg = X).forward()[0].template to_vector<T>();
}

std::string case_str(const big_case& c) {
    std::string s = "shape (";
    for (long d : c.shape) s += std::to_string(d) + ",";
    s += ") axes (";
    for (int a : c.axes) s += std::to_string(a) + ",";
    return s + ")";
}

// Sets the OpenMP team size for one scope.
struct threads_scope {
    int old = 1;
    explicit threads_scope([[maybe_unused]] int n) {
#ifdef _OPENMP
        old = omp_get_max_threads();
        omp_set_num_threads(n);
#endif
    }
    ~threads_scope() {
#ifdef _OPENMP
        omp_set_num_threads(old);
#endif
    }
};

} // namespace

TEST_CASE("large float sums over each axis match a double loop, pairwise-accurate", "[ops][reduce][large]") {
    std::mt19937 g(3);
    std::uniform_real_distribution<float> u(-1, 1);
    const double eps = std::numeric_limits<float>::epsilon() / 2;
    for (const auto& c : cases) {
        std::size_t n = 1;
        for (long d : c.shape) n *= static_cast<std::size_t>(d);
        std::vector<float> x(n);
        for (auto& v : x) v = u(g) + 0.25f;  // mostly positive, so that sum|x| is not far above |sum|
        const auto X = sf::nd::array(x, to_shape(c.shape));
        const reference ref = reference_of(x, c);
        for (bool keepdims : {false, true}) {
            const auto got = run<float>(X, param_of(c, keepdims));
            REQUIRE(got.size() == ref.sum.size());
            for (std::size_t o = 0; o < got.size(); ++o) {
                INFO(case_str(c) << " output " << o << " keepdims " << keepdims);
                // the differential test's bound, (n + 1) u sum|x|, and the pairwise one: a few
                // dozen roundings in sequence, not n
                const double err = std::abs(got[o] - ref.sum[o]);
                CHECK(err <= (static_cast<double>(ref.count) + 1) * eps * ref.abs_sum[o]);
                CHECK(err <= 64 * eps * ref.abs_sum[o]);
            }
        }
        const auto mx = run<float>(X, param_of(c), true);
        for (std::size_t o = 0; o < mx.size(); ++o) {
            INFO(case_str(c) << " max output " << o);
            CHECK(mx[o] == ref.max[o]);
        }
    }
}

TEST_CASE("large float64 and integer sums over each axis: exact where the reference is", "[ops][reduce][large]") {
    std::mt19937 g(4);
    for (const auto& c : cases) {
        std::size_t n = 1;
        for (long d : c.shape) n *= static_cast<std::size_t>(d);
        // multiples of 1/8 below 2^10: every partial sum is exact in double
        std::vector<double> xd(n);
        std::vector<std::int32_t> xi(n);
        std::uniform_int_distribution<std::int32_t> k(-8192, 8191), big(std::numeric_limits<std::int32_t>::min(),
                                                                          std::numeric_limits<std::int32_t>::max());
        for (std::size_t i = 0; i < n; ++i) {
            xd[i] = k(g) / 8.0;
            xi[i] = big(g);
        }
        const reference rd = reference_of(xd, c);
        const auto gd = run<double>(sf::nd::array(xd, to_shape(c.shape), sf::float64), param_of(c));
        REQUIRE(gd.size() == rd.sum.size());
        for (std::size_t o = 0; o < gd.size(); ++o) {
            INFO(case_str(c) << " float64 output " << o);
            CHECK(gd[o] == rd.sum[o]);
        }
        // int32 sums wrap: the reference sums the same values mod 2^32
        const auto gi = run<std::int32_t>(sf::nd::array(xi, to_shape(c.shape), sf::int32), param_of(c));
        std::vector<std::int64_t> as64(xi.begin(), xi.end());
        const reference ri = reference_of(as64, c);  // exact: |sums| < 2^53
        for (std::size_t o = 0; o < gi.size(); ++o) {
            INFO(case_str(c) << " int32 output " << o);
            const auto want = static_cast<std::uint32_t>(static_cast<std::int64_t>(ri.sum[o]));
            CHECK(static_cast<std::uint32_t>(gi[o]) == want);
        }
    }
}

TEST_CASE("a reduction's result does not depend on the thread count", "[ops][reduce][large]") {
    std::mt19937 g(5);
    std::uniform_real_distribution<float> u(-1, 1);
    for (const auto& c : cases) {
        std::size_t n = 1;
        for (long d : c.shape) n *= static_cast<std::size_t>(d);
        std::vector<float> x(n);
        for (auto& v : x) v = u(g);
        const auto X = sf::nd::array(x, to_shape(c.shape));
        std::vector<float> one;
        {
            threads_scope t(1);
            one = run<float>(X, param_of(c));
        }
        for (int threads : {2, 3}) {
            threads_scope t(threads);
            const auto many = run<float>(X, param_of(c));
            INFO(case_str(c) << " on " << threads << " threads");
            REQUIRE(one.size() == many.size());
            CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
        }
    }
}
