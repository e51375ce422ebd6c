// Independent siblings as OpenMP tasks (exec/tasks.hpp) against the same steps run one
// after the other, each kernel splitting itself across the threads; 2 threads. Graphs:
//   two_dots     E = dot(A, B) + dot(C, D), A..D square n x n float32
//   reductions   E = sum(A, axis 1) + sum(B, axis 1) + sum(C, axis 1) + sum(D, axis 1),
//                A..D n x n float32
// Implementations: symflow_{static,runtime}_{tasks,serial} force every wave of two or more
// steps to run as tasks, or none (through the executors' test/benchmark door; the planned
// choice is in between), and eigen_2T (two_dots only): Eigen's internally parallel GEMM
// run twice in sequence, then the sum. exec::task_min_work is chosen from where
// symflow_*_tasks stops beating symflow_*_serial.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef SYMFLOW_BENCH_EIGEN
#include <Eigen/Dense>
#endif

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;

// Forces how an executor runs its waves (the library's choice is exec::task_pays).
template <>
struct symflow::detail::executor_access<struct siblings_bench> {
    template <class E>
    static void set_mode(sf::sym::Executor<E>& ex, sf::exec::task_mode m) {
        sf::exec::set_task_mode(ex.st_->waves, m);
    }
    static void set_mode(sf::sym::RuntimeExecutor& ex, sf::exec::task_mode m) { sf::exec::set_task_mode(ex.waves_, m); }
};
using door = symflow::detail::executor_access<siblings_bench>;

namespace {

constexpr int threads = 2;

sf::nd::NDArray random_matrix(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> v(n * n);
    for (auto& x : v) x = d(gen);
    return sf::nd::array(v, sf::Shape{static_cast<sf::Shape::dim_t>(n), static_cast<sf::Shape::dim_t>(n)});
}

struct inputs {
    sf::nd::NDArray A, B, C, D;
    explicit inputs(std::size_t n)
        : A(random_matrix(n, 1)), B(random_matrix(n, 2)), C(random_matrix(n, 3)), D(random_matrix(n, 4)) {}
    std::map<std::string, sf::nd::NDArray> dict() const { return {{"A", A}, {"B", B}, {"C", C}, {"D", D}}; }
};

// Times each call of f in the benchmark loop; counters p10_us and min_us are the 10th
// percentile and the fastest call. On a machine shared with other work, an OpenMP region
// whose second thread is descheduled waits a time slice (milliseconds), which swamps the
// mean; the lower quantile is what the code costs when it has both cores.
template <class F>
void timed_loop(benchmark::State& state, F f) {
    using clock = std::chrono::steady_clock;
    std::vector<double> ns;
    f();
    for (auto _ : state) {
        const auto t0 = clock::now();
        f();
        ns.push_back(std::chrono::duration<double, std::nano>(clock::now() - t0).count());
    }
    std::sort(ns.begin(), ns.end());
    state.counters["p10_us"] = ns.empty() ? 0.0 : ns[ns.size() / 10] / 1e3;
    state.counters["min_us"] = ns.empty() ? 0.0 : ns[0] / 1e3;
}

// Counters: the work the graph does (flops for two_dots, elements read for reductions).
template <class Ex>
void run(benchmark::State& state, Ex& ex, double work_per_iter, const char* unit) {
    timed_loop(state, [&] { benchmark::DoNotOptimize(ex.forward()[0].raw()); });
    state.counters[unit] = benchmark::Counter(work_per_iter, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["task_steps"] = static_cast<double>(ex.num_task_steps());
}

double dots_flops(std::size_t n) { return 4.0 * double(n) * double(n) * double(n) + double(n) * double(n); }

void two_dots_static(benchmark::State& state, sf::exec::task_mode m) {
    const auto n = static_cast<std::size_t>(state.range(0));
    inputs in(n);
    auto A = sf::sym::Variable<"A">();
    auto B = sf::sym::Variable<"B">();
    auto C = sf::sym::Variable<"C">();
    auto D = sf::sym::Variable<"D">();
    auto ex = (sf::sym::dot(A, B) + sf::sym::dot(C, D)).bind(sf::cpu(), "A"_arg = in.A, "B"_arg = in.B,
                                                              "C"_arg = in.C, "D"_arg = in.D);
    door::set_mode(ex, m);
    run(state, ex, dots_flops(n), "FLOPS");
}

void two_dots_runtime(benchmark::State& state, sf::exec::task_mode m) {
    const auto n = static_cast<std::size_t>(state.range(0));
    inputs in(n);
    using sf::sym::Symbol;
    Symbol A = sf::sym::Variable("A"), B = sf::sym::Variable("B"), C = sf::sym::Variable("C"),
           D = sf::sym::Variable("D");
    auto ex = (sf::sym::dot(A, B) + sf::sym::dot(C, D)).bind(sf::cpu(), in.dict());
    door::set_mode(ex, m);
    run(state, ex, dots_flops(n), "FLOPS");
}

void reductions_static(benchmark::State& state, sf::exec::task_mode m) {
    const auto n = static_cast<std::size_t>(state.range(0));
    inputs in(n);
    auto A = sf::sym::Variable<"A">();
    auto B = sf::sym::Variable<"B">();
    auto C = sf::sym::Variable<"C">();
    auto D = sf::sym::Variable<"D">();
    const sf::ops::reduce_param axis1{.axis = {1}};
    auto e = sf::sym::sum(A, axis1) + sf::sym::sum(B, axis1) + sf::sym::sum(C, axis1) + sf::sym::sum(D, axis1);
    auto ex = e.bind(sf::cpu(), "A"_arg = in.A, "B"_arg = in.B, "C"_arg = in.C, "D"_arg = in.D);
    door::set_mode(ex, m);
    run(state, ex, 4.0 * double(n) * double(n), "elements");
}

void reductions_runtime(benchmark::State& state, sf::exec::task_mode m) {
    const auto n = static_cast<std::size_t>(state.range(0));
    inputs in(n);
    using sf::sym::Symbol;
    Symbol A = sf::sym::Variable("A"), B = sf::sym::Variable("B"), C = sf::sym::Variable("C"),
           D = sf::sym::Variable("D");
    const sf::ops::reduce_param axis1{.axis = {1}};
    auto e = sf::sym::sum(A, axis1) + sf::sym::sum(B, axis1) + sf::sym::sum(C, axis1) + sf::sym::sum(D, axis1);
    auto ex = e.bind(sf::cpu(), in.dict());
    door::set_mode(ex, m);
    run(state, ex, 4.0 * double(n) * double(n), "elements");
}

#ifdef SYMFLOW_BENCH_EIGEN
void two_dots_eigen(benchmark::State& state) {
    using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto n = static_cast<Eigen::Index>(state.range(0));
    M A = M::Random(n, n), B = M::Random(n, n), C = M::Random(n, n), D = M::Random(n, n), T1(n, n), T2(n, n), E(n, n);
    Eigen::setNbThreads(threads);
    timed_loop(state, [&] {
        T1.noalias() = A * B;
        T2.noalias() = C * D;
        E = T1 + T2;
        benchmark::DoNotOptimize(E.data());
    });
    state.counters["FLOPS"] = benchmark::Counter(dots_flops(static_cast<std::size_t>(n)),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
#endif

} // namespace

int main(int argc, char** argv) {
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    using sf::exec::task_mode;
    const std::vector<long> dot_sizes{64, 128, 256, 512, 1024}, reduce_sizes{32, 64, 128, 256, 512, 1024, 2048};
    auto add = [](const std::string& name, auto fn, task_mode m, const std::vector<long>& sizes) {
        auto* b = benchmark::RegisterBenchmark(name.c_str(), [fn, m](benchmark::State& s) { fn(s, m); });
        for (long n : sizes) b->Arg(n);
        b->Unit(benchmark::kMicrosecond);
    };
    add("two_dots/symflow_static_tasks", two_dots_static, task_mode::always, dot_sizes);
    add("two_dots/symflow_static_serial", two_dots_static, task_mode::never, dot_sizes);
    add("two_dots/symflow_runtime_tasks", two_dots_runtime, task_mode::always, dot_sizes);
    add("two_dots/symflow_runtime_serial", two_dots_runtime, task_mode::never, dot_sizes);
#ifdef SYMFLOW_BENCH_EIGEN
    {
        auto* b = benchmark::RegisterBenchmark("two_dots/eigen_2T", two_dots_eigen);
        for (long n : dot_sizes) b->Arg(n);
        b->Unit(benchmark::kMicrosecond);
    }
#endif
    add("reductions/symflow_static_tasks", reductions_static, task_mode::always, reduce_sizes);
    add("reductions/symflow_static_serial", reductions_static, task_mode::never, reduce_sizes);
    add("reductions/symflow_runtime_tasks", reductions_runtime, task_mode::always, reduce_sizes);
    add("reductions/symflow_runtime_serial", reductions_runtime, task_mode::never, reduce_sizes);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
