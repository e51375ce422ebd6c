// Independent sibling steps as OpenMP tasks (exec/tasks.hpp) in both executors: the same
// results as a scalar reference whether the siblings run as tasks or one after the other,
// waves that respect dependencies, the cut-off, kernels inside a task on one thread, and an
// exception thrown inside a task rethrown from forward() with the executor still usable.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;
using sf::exec::task_mode;
using sf::sym::Symbol;

// The executors' test door: forces how waves run, and swaps a runtime step's kernel.
template <>
struct symflow::detail::executor_access<struct siblings_test> {
    template <class E>
    static void set_mode(sf::sym::Executor<E>& ex, task_mode m) {
        sf::exec::set_task_mode(ex.st_->waves, m);
    }
    static void set_mode(sf::sym::RuntimeExecutor& ex, task_mode m) { sf::exec::set_task_mode(ex.waves_, m); }
    // Makes materialized step i of `ex` run `r` (which must take the same inputs).
    static void replace_kernel(sf::sym::RuntimeExecutor& ex, std::size_t i, const sf::sym::rt::op_runtime* r) {
        std::get<sf::sym::rt::materialized_step>(ex.steps_[i]).runtime = r;
    }
    static std::size_t materialized_step(const sf::sym::RuntimeExecutor& ex, std::size_t which) {
        for (std::size_t i = 0; i < ex.steps_.size(); ++i)
            if (std::holds_alternative<sf::sym::rt::materialized_step>(ex.steps_[i]) && which-- == 0) return i;
        throw sf::error("no such step");
    }
};
using door = symflow::detail::executor_access<siblings_test>;

namespace {

bool multithreaded() {
#ifdef _OPENMP
    return omp_get_max_threads() > 1;
#else
    return false;
#endif
}

sf::nd::NDArray filled(std::size_t rows, std::size_t cols, unsigned seed) {
    std::mt19937 g(seed);
    std::uniform_int_distribution<int> d(-3, 3);  // small integers: float sums are exact
    std::vector<float> v(rows * cols);
    for (auto& x : v) x = static_cast<float>(d(g));
    return sf::nd::array(v, sf::Shape{static_cast<sf::Shape::dim_t>(rows), static_cast<sf::Shape::dim_t>(cols)});
}

// op(A) * op(B) for an (m x k) A and a (k x n) B, in double.
std::vector<double> matmul(const std::vector<double>& a, const std::vector<double>& b, std::size_t m, std::size_t k,
                           std::size_t n) {
    std::vector<double> c(m * n, 0.0);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t l = 0; l < k; ++l)
            for (std::size_t j = 0; j < n; ++j) c[i * n + j] += a[i * k + l] * b[l * n + j];
    return c;
}
std::vector<double> as_double(const sf::nd::NDArray& a) {
    auto f = a.to_vector<float>();
    return {f.begin(), f.end()};
}

void check_equal(const std::vector<float>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) bad += static_cast<double>(got[i]) == want[i] ? 0 : 1;
    CHECK(bad == 0);
}

// A materialized op for tests: copies its input, throws symflow::error when the input's
// first element is 13, and records whether it ran inside a parallel region and how many
// threads a parallel region it opens gets (1: nested regions are serial).
struct copy_or_throw_op {
    static constexpr std::string_view name = "_test_copy_or_throw", hint = "_test_copy_or_throw";
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr sf::ops::op_kind kind = sf::ops::op_kind::materialized;
    using params = sf::ops::no_params;

    static inline std::atomic<int> in_parallel{0}, nested_threads{0};

    static sf::ops::meta infer(const params&, const std::array<sf::ops::meta, 1>& in) { return in[0]; }
    static void compute(const params&, const std::array<sf::nd::NDArray, 1>& in, sf::nd::NDArray& out) {
#ifdef _OPENMP
        if (omp_in_parallel()) in_parallel = 1;
#pragma omp parallel
#pragma omp single
        nested_threads = omp_get_num_threads();
#endif
        auto src = in[0].data<float>();
        if (src[0] == 13.f) throw sf::error("copy_or_throw: input starts with 13, as the test asked");
        auto dst = out.data<float>();
        for (std::size_t i = 0; i < src.size(); ++i) dst[i] = src[i];
    }
};

} // namespace

TEST_CASE("the cut-off: a wave runs as tasks when two of its steps each have enough work") {
    using w = sf::exec::step_work;
    const std::size_t big = sf::exec::task_min_work, small = big - 1, most = sf::exec::task_max_bytes;
    CHECK(sf::exec::task_pays(std::vector<w>{{big, 0}, {big, 0}}, 2));
    CHECK(sf::exec::task_pays(std::vector<w>{{small, 0}, {big, most}, {1, 0}, {big, 0}}, 2));
    CHECK_FALSE(sf::exec::task_pays(std::vector<w>{{big, 0}, {big, 0}}, 1));
    CHECK_FALSE(sf::exec::task_pays(std::vector<w>{{big, 0}, {small, 0}, {small, 0}}, 2));
    // memory-bound steps beyond the private caches share one memory path: serial
    CHECK_FALSE(sf::exec::task_pays(std::vector<w>{{big, most + 1}, {big, most + 1}}, 2));
    CHECK_FALSE(sf::exec::task_pays(std::vector<w>{{big * 100, 0}, {big, most + 1}}, 2));
    // dot is counted in multiply-adds and moves no bytes that count; other ops count the
    // elements and bytes they touch
    auto a = sf::nd::zeros({3, 5}), b = sf::nd::zeros({5, 7}), c = sf::nd::zeros({3, 7});
    const std::vector<sf::nd::NDArray> in{a, b};
    const auto dot = sf::exec::materialized_work<sf::ops::dot_op>({}, in, {&c, 1});
    CHECK(dot.work == 3 * 5 * 7 / 4);
    CHECK(dot.bytes == 0);
    const auto sum = sf::exec::materialized_work<sf::ops::sum_op>({}, {&a, 1}, {&c, 1});
    CHECK(sum.work == 15 + 21);
    CHECK(sum.bytes == (15 + 21) * 4);
    CHECK(sf::exec::fused_work(100, 4, 8).work == 500);
    CHECK(sf::exec::fused_work(100, 4, 8).bytes == 4000);
}

TEST_CASE("static executor: dot(A,B) + dot(C,D) as tasks and serially equals the scalar reference") {
    constexpr std::size_t n = 72;  // 72^3 multiply-adds per dot
    auto A = filled(n, n, 1), B = filled(n, n, 2), C = filled(n, n, 3), D = filled(n, n, 4);
    auto ab = matmul(as_double(A), as_double(B), n, n, n), cd = matmul(as_double(C), as_double(D), n, n, n);
    std::vector<double> want(n * n);
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = ab[i] + cd[i];

    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto ex = (sf::sym::dot(a, b) + sf::sym::dot(c, d)).bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = D);
    const std::size_t steps = ex.num_steps();
    CHECK(steps == 3);
    CHECK(ex.num_task_steps() == (multithreaded() && n * n * n >= sf::exec::task_min_work ? 2u : 0u));
    door::set_mode(ex, task_mode::always);
    CHECK(ex.num_task_steps() == (multithreaded() ? 2u : 0u));
    check_equal(ex.forward()[0].to_vector<float>(), want);
    door::set_mode(ex, task_mode::never);
    CHECK(ex.num_task_steps() == 0);
    check_equal(ex.forward()[0].to_vector<float>(), want);
    CHECK(ex.num_steps() == steps);
}

TEST_CASE("static executor: waves follow dependencies (a dot reading another runs a wave later)") {
    constexpr std::size_t n = 24;
    auto A = filled(n, n, 5), B = filled(n, n, 6), C = filled(n, n, 7), D = filled(n, n, 8), F = filled(n, n, 9);
    auto abc = matmul(matmul(as_double(A), as_double(B), n, n, n), as_double(C), n, n, n);
    auto df = matmul(as_double(D), as_double(F), n, n, n);
    std::vector<double> want(n * n);
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = abc[i] - df[i];

    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto f = sf::sym::Variable<"F">();
    auto ex = (sf::sym::dot(sf::sym::dot(a, b), c) - sf::sym::dot(d, f))
                  .bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = D, "F"_arg = F);
    door::set_mode(ex, task_mode::always);
    // waves {dot(A,B), dot(D,F)}, {dot(., C)}, {the loop}: two steps side by side
    CHECK(ex.num_task_steps() == (multithreaded() ? 2u : 0u));
    for (int rep = 0; rep < 3; ++rep) check_equal(ex.forward()[0].to_vector<float>(), want);
}

TEST_CASE("runtime executor: four sums over one axis as tasks and serially equal the scalar reference") {
    // each sum reads n*n elements: enough work for tasks at this size
    const auto n = static_cast<std::size_t>(std::sqrt(double(sf::exec::task_min_work))) + 1;
    std::vector<sf::nd::NDArray> in{filled(n, n, 11), filled(n, n, 12), filled(n, n, 13), filled(n, n, 14)};
    std::vector<double> want(n, 0.0);
    for (const auto& x : in) {
        auto v = as_double(x);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) want[i] += v[i * n + j];
    }
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B"), c = sf::sym::Variable("C"), d = sf::sym::Variable("D");
    const sf::ops::reduce_param axis1{.axis = {1}};
    auto e = sf::sym::sum(a, axis1) + sf::sym::sum(b, axis1) + sf::sym::sum(c, axis1) + sf::sym::sum(d, axis1);
    auto ex = e.bind(sf::cpu(), {{"A", in[0]}, {"B", in[1]}, {"C", in[2]}, {"D", in[3]}});
    const std::size_t steps = ex.num_steps();
    CHECK(ex.num_task_steps() == (multithreaded() ? 4u : 0u));
    check_equal(ex.forward()[0].to_vector<float>(), want);
    door::set_mode(ex, task_mode::never);
    CHECK(ex.num_task_steps() == 0);
    check_equal(ex.forward()[0].to_vector<float>(), want);
    CHECK(ex.num_steps() == steps);
    // the same graph over small arrays stays serial: a task would cost more than it saves
    auto s = filled(4, 4, 1);
    CHECK(e.bind(sf::cpu(), {{"A", s}, {"B", s}, {"C", s}, {"D", s}}).num_task_steps() == 0);
}

TEST_CASE("static executor: an exception inside a task is rethrown by forward(), which works again after") {
    // two copies, each touching 2 * len elements: enough work for tasks
    const std::size_t len = sf::exec::task_min_work / 2 + 1;
    auto A = filled(1, len, 21), B = filled(1, len, 22);
    auto va = as_double(A), vb = as_double(B);
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::compose<copy_or_throw_op>("_test_copy_or_throw", "", {}, a) +
             sf::sym::compose<copy_or_throw_op>("_test_copy_or_throw", "", {}, b);
    auto ex = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B);
    const std::size_t steps = ex.num_steps();
    CHECK(ex.num_task_steps() == (multithreaded() ? 2u : 0u));
    copy_or_throw_op::in_parallel = 0;
    copy_or_throw_op::nested_threads = 0;
    std::vector<double> want(len);
    for (std::size_t i = 0; i < len; ++i) want[i] = va[i] + vb[i];
    check_equal(ex.forward()[0].to_vector<float>(), want);
#ifdef _OPENMP
    if (multithreaded()) {
        CHECK(copy_or_throw_op::in_parallel == 1);     // it ran as a task
        CHECK(copy_or_throw_op::nested_threads == 1);  // and a kernel's own region is serial there
    }
#endif
    const float first = B.data<float>()[0];
    B.data<float>()[0] = 13.f;
    CHECK_THROWS_AS(ex.forward(), sf::error);
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("input starts with 13"));
    B.data<float>()[0] = first;
    check_equal(ex.forward()[0].to_vector<float>(), want);
    CHECK(ex.num_steps() == steps);
}

TEST_CASE("runtime executor: an exception inside a task is rethrown by forward(), which works again after") {
    constexpr std::size_t n = 72;
    auto A = filled(n, n, 31), B = filled(n, n, 32), C = filled(n, n, 33), D = filled(n, n, 34);
    auto ab = matmul(as_double(A), as_double(B), n, n, n), cd = matmul(as_double(C), as_double(D), n, n, n);
    std::vector<double> want(n * n);
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = ab[i] + cd[i];
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B"), c = sf::sym::Variable("C"), d = sf::sym::Variable("D");
    auto ex = (sf::sym::dot(a, b) + sf::sym::dot(c, d)).bind(sf::cpu(), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    door::set_mode(ex, task_mode::always);
    const std::size_t steps = ex.num_steps();
    CHECK(ex.num_task_steps() == (multithreaded() ? 2u : 0u));
    check_equal(ex.forward()[0].to_vector<float>(), want);

    // the second dot's kernel replaced by one that throws
    static const sf::sym::rt::op_runtime throwing = [] {
        sf::sym::rt::op_runtime r = *sf::sym::rt::find_runtime("dot");
        r.compute = [](const void*, const void*, sf::nd::NDArray&) { throw sf::error("dot kernel failing as asked"); };
        return r;
    }();
    const sf::sym::rt::op_runtime* dot = sf::sym::rt::find_runtime("dot");
    const std::size_t second = door::materialized_step(ex, 1);
    door::replace_kernel(ex, second, &throwing);
    CHECK_THROWS_AS(ex.forward(), sf::error);
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("dot kernel failing as asked"));
    door::replace_kernel(ex, second, dot);
    check_equal(ex.forward()[0].to_vector<float>(), want);
    CHECK(ex.num_steps() == steps);
}
