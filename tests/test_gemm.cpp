// The packed, blocked floating-point GEMM (ops/gemm.hpp) behind dot, FullyConnected and
// batch_dot: every transposition, edge shapes and sizes that cross every blocking
// boundary, against a double-precision triple loop.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <symflow/symflow.hpp>

namespace sf = symflow;
using symflow::ops::dot_op;
using symflow::ops::dot_param;

namespace {

/// A logical product op(A) (m x k) * op(B) (k x n) with its double reference and the
/// error scale sum_l |A(i,l)| |B(l,j)| of every entry.
struct problem {
    std::size_t m, k, n;
    std::vector<double> a, b;  // row-major m x k and k x n
    std::vector<double> ref, scale;

    problem(std::size_t m_, std::size_t k_, std::size_t n_, std::uint32_t seed) : m(m_), k(k_), n(n_) {
        std::mt19937 g(seed);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);  // floats: exact in both dtypes
        a.resize(m * k);
        b.resize(k * n);
        for (auto& x : a) x = u(g);
        for (auto& x : b) x = u(g);
        ref.assign(m * n, 0.0);
        scale.assign(m * n, 0.0);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t l = 0; l < k; ++l) {
                const double ail = a[i * k + l];
                for (std::size_t j = 0; j < n; ++j) {
                    ref[i * n + j] += ail * b[l * n + j];
                    scale[i * n + j] += std::abs(ail * b[l * n + j]);
                }
            }
    }

    /// A stored as dot's lhs: m x k, or k x m when transposed.
    template <class T>
    std::vector<T> lhs(bool t) const {
        std::vector<T> v(m * k);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t l = 0; l < k; ++l) v[t ? l * m + i : i * k + l] = static_cast<T>(a[i * k + l]);
        return v;
    }
    /// B stored as dot's rhs: k x n, or n x k when transposed.
    template <class T>
    std::vector<T> rhs(bool t) const {
        std::vector<T> v(k * n);
        for (std::size_t l = 0; l < k; ++l)
            for (std::size_t j = 0; j < n; ++j) v[t ? j * k + l : l * n + j] = static_cast<T>(b[l * n + j]);
        return v;
    }

    /// Entries of c outside (k + 1) eps sum|a||b| of the reference (the rounding bound of
    /// any summation order, with one eps to spare).
    template <class T>
    std::size_t mismatches(const std::vector<T>& c) const {
        const double eps = std::numeric_limits<T>::epsilon();
        std::size_t bad = 0;
        for (std::size_t e = 0; e < m * n; ++e) {
            const double err = std::abs(static_cast<double>(c[e]) - ref[e]);
            if (!(err <= static_cast<double>(k + 1) * eps * scale[e])) ++bad;  // NaN counts as bad
        }
        return bad;
    }
};

/// Runs dot_op::gemm for every transposition of p (or only for transpositions 0 and 2,
/// dot's default and FullyConnected's); C starts as NaN so that every entry must be written.
template <class T>
void check_all_transpositions(const problem& p, bool all = true) {
    for (int t = 0; t < 4; t += all ? 1 : 2) {
        const bool ta = t & 1, tb = t & 2;
        const auto A = p.lhs<T>(ta), B = p.rhs<T>(tb);
        std::vector<T> C(p.m * p.n, std::numeric_limits<T>::quiet_NaN());
        dot_op::gemm<T>(dot_param{ta, tb}, {p.m, p.k, p.n}, A.data(), B.data(), C.data());
        INFO("m=" << p.m << " k=" << p.k << " n=" << p.n << " transpose_a=" << ta << " transpose_b=" << tb);
        CHECK(p.mismatches(C) == 0);
    }
}

struct dims {
    std::size_t m, k, n;
};

} // namespace

TEMPLATE_TEST_CASE("blocked gemm matches a double loop for all transpositions and edge shapes", "[ops][gemm]",
                   float, double) {
    // tiles, vectors (m = 1 or n = 1 take the matrix-vector path), sizes off every block
    // boundary (MR, NR, KC = 256, MC), several k slices, and the 2-thread path
    for (dims d : {dims{1, 1, 1}, dims{1, 7, 1}, dims{2, 2, 2}, dims{1, 40, 37}, dims{37, 40, 1}, dims{15, 1, 33},
                   dims{17, 33, 65}, dims{14, 256, 32}, dims{29, 130, 40}, dims{3, 5, 4200}}) {
        const problem p(d.m, d.k, d.n, static_cast<std::uint32_t>(d.m * 131 + d.k * 7 + d.n));
        check_all_transpositions<TestType>(p);
    }
}

// How much of the large products a build can afford: -O0 under ASan (the CI) runs two
// float products; 512 cubed takes ~15 s of CPU even at -O1 under ASan, so it runs only in
// optimised builds without sanitizers.
#ifdef __OPTIMIZE__
constexpr bool optimised_build = true;
#else
constexpr bool optimised_build = false;
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SYMFLOW_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SYMFLOW_TEST_SANITIZED 1
#endif
#endif
#ifdef SYMFLOW_TEST_SANITIZED
constexpr bool full_size_build = false;
#else
constexpr bool full_size_build = optimised_build;
#endif

TEST_CASE("blocked gemm on products big enough for two threads, and at 512 cubed", "[ops][gemm]") {
    // rows split across threads (257 rows), columns split (5 rows); at -O0 one float
    // product each: dot's (no transposition) and FullyConnected's (transpose_b)
    const problem rows(257, 129, 300, 1), cols(5, 200, 2100, 2);
    if (optimised_build) {
        for (const problem* p : {&rows, &cols}) {
            check_all_transpositions<float>(*p);
            check_all_transpositions<double>(*p);
        }
    } else {
        std::vector<float> C(rows.m * rows.n);
        dot_op::gemm<float>(dot_param{}, {rows.m, rows.k, rows.n}, rows.lhs<float>(false).data(),
                            rows.rhs<float>(false).data(), C.data());
        CHECK(rows.mismatches(C) == 0);
        C.assign(cols.m * cols.n, 0.0f);
        dot_op::gemm<float>(dot_param{false, true}, {cols.m, cols.k, cols.n}, cols.lhs<float>(false).data(),
                            cols.rhs<float>(true).data(), C.data());
        CHECK(cols.mismatches(C) == 0);
    }
    if (full_size_build) {
        const problem p(512, 512, 512, 5);
        check_all_transpositions<float>(p);
        check_all_transpositions<double>(p);
    }
}

TEMPLATE_TEST_CASE("blocked gemm with a zero dimension", "[ops][gemm]", float, double) {
    // k = 0: every entry of C is an empty sum, so zero, whatever C held
    for (int t = 0; t < 4; ++t) {
        std::vector<TestType> C(12, TestType(7)), none;
        dot_op::gemm<TestType>(dot_param{bool(t & 1), bool(t & 2)}, {3, 0, 4}, none.data(), none.data(), C.data());
        CHECK(C == std::vector<TestType>(12, TestType(0)));
    }
    // m = 0 or n = 0: nothing to write, and nothing is read
    std::vector<TestType> A(6, TestType(1)), C(1, TestType(9));
    dot_op::gemm<TestType>(dot_param{}, {0, 6, 5}, nullptr, A.data(), C.data());
    dot_op::gemm<TestType>(dot_param{}, {1, 6, 0}, A.data(), nullptr, C.data());
    CHECK(C[0] == TestType(9));
}

TEST_CASE("blocked gemm called from inside a parallel region runs on the calling thread", "[ops][gemm]") {
    // sibling nodes may run as tasks: each product must stay single-threaded and correct
    // (each big enough that it would fork threads of its own outside a parallel region)
    const problem p(130, 130, 130, 9);
    const auto A = p.lhs<float>(false), B = p.rhs<float>(true);
    std::vector<std::vector<float>> C(2, std::vector<float>(p.m * p.n, std::numeric_limits<float>::quiet_NaN()));
#pragma omp parallel for num_threads(2)
    for (int i = 0; i < 2; ++i) dot_op::gemm<float>(dot_param{false, true}, {p.m, p.k, p.n}, A.data(), B.data(), C[i].data());
    for (const auto& c : C) CHECK(p.mismatches(c) == 0);
}

namespace {
/// Blocks far smaller than the real ones, so that small products cross every kc, mc and nc
/// boundary (several B panels and k slices, partial blocks) cheaply.
template <class T>
struct tiny_blocking {
    static constexpr std::size_t MR = 3, NB = 1, NR = xsimd::batch<T>::size, KC = 8, MC = 2 * MR, NC = 2 * NR;
};
} // namespace

TEMPLATE_TEST_CASE("blocked gemm with tiny blocks crosses every block boundary correctly", "[ops][gemm]", float,
                   double) {
    namespace g = symflow::ops::gemm_impl;
    for (dims d : {dims{7, 17, 5}, dims{20, 9, 3 * xsimd::batch<TestType>::size + 1}, dims{13, 24, 50}}) {
        const problem p(d.m, d.k, d.n, static_cast<std::uint32_t>(d.m + d.k + d.n));
        for (int t = 0; t < 4; ++t) {
            const bool ta = t & 1, tb = t & 2;
            const auto A = p.lhs<TestType>(ta), B = p.rhs<TestType>(tb);
            std::vector<TestType> C(p.m * p.n, std::numeric_limits<TestType>::quiet_NaN());
            const g::view<TestType> av{A.data(), ta ? 1 : p.k, ta ? p.m : 1}, bv{B.data(), tb ? 1 : p.n, tb ? p.k : 1};
            g::gemm<TestType, tiny_blocking<TestType>>(av, bv, C.data(), p.m, p.k, p.n);
            INFO("m=" << p.m << " k=" << p.k << " n=" << p.n << " transpose_a=" << ta << " transpose_b=" << tb);
            CHECK(p.mismatches(C) == 0);
        }
    }
}
