// Square float32 matrix product C = A * B (n = 512, 1024) on 1 and 2 threads:
//   symflow_kernel  ops::dot_op::gemm called directly (the packed, blocked GEMM)
//   symflow_static  a static `dot(A, B)` expression, bound once, forward() per iteration
//   eigen           MatrixXf, C.noalias() = A * B, Eigen::setNbThreads(threads)
//   naive           the row-blocked loop dot used before the packed kernel (the baseline)
// Names are "gemm_<threads>T/<implementation>/<n>"; the GFLOP/s counter counts 2 n^3.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>
#include <xsimd/xsimd.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef SYMFLOW_BENCH_EIGEN
#include <Eigen/Core>
#endif

namespace sf = symflow;
using namespace sf::literals;

namespace {

void set_threads(int threads) {
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
#ifdef SYMFLOW_BENCH_EIGEN
    Eigen::setNbThreads(threads);
#endif
}

// The same deterministic inputs for every implementation: values in [-1, 1).
std::vector<float> input(std::size_t count, unsigned salt) {
    std::vector<float> v(count);
    std::uint64_t s = 0x9E3779B97F4A7C15ull * (salt + 1);
    for (auto& x : v) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x = static_cast<float>(s >> 53 & 2047) / 1024.0f - 1.0f;
    }
    return v;
}

void flops(benchmark::State& st, std::size_t n) {
    st.counters["GFLOP/s"] =
        benchmark::Counter(2e-9 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n),
                           benchmark::Counter::kIsIterationInvariantRate);
}

// The kernel dot used before ops/gemm.hpp (float, no transposition): rows of C split
// across threads, row i of C accumulated from A(i,l) * row l of B in 256-deep slices.
void naive_gemm(std::size_t m, std::size_t k, std::size_t n, const float* a, const float* b, float* c) {
    constexpr std::size_t kb = 256;
    [[maybe_unused]] const bool parallel = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) > 4e6;
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(m); ++si) {
        const auto i = static_cast<std::size_t>(si);
        float* ci = c + i * n;
        std::fill(ci, ci + n, 0.0f);
        for (std::size_t l0 = 0; l0 < k; l0 += kb)
            for (std::size_t l = l0; l < std::min(k, l0 + kb); ++l) {
                const float ail = a[i * k + l];
                const float* bl = b + l * n;
                for (std::size_t j = 0; j < n; ++j) ci[j] += ail * bl[j];
            }
    }
}

void bm_kernel(benchmark::State& st, int threads) {
    set_threads(threads);
    const auto n = static_cast<std::size_t>(st.range(0));
    const auto a = input(n * n, 0), b = input(n * n, 1);
    std::vector<float> c(n * n);
    for (auto _ : st) {
        sf::ops::dot_op::gemm<float>({}, {n, n, n}, a.data(), b.data(), c.data());
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    flops(st, n);
}

void bm_static(benchmark::State& st, int threads) {
    set_threads(threads);
    const auto n = static_cast<long>(st.range(0));
    const auto count = static_cast<std::size_t>(n * n);
    auto A = sf::nd::array(input(count, 0), sf::Shape{n, n}, sf::dtype::float32);
    auto B = sf::nd::array(input(count, 1), sf::Shape{n, n}, sf::dtype::float32);
    auto e = sf::sym::dot(sf::sym::Variable<"A">(), sf::sym::Variable<"B">());
    auto exec = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B);
    for (auto _ : st) {
        exec.forward();
        benchmark::ClobberMemory();
    }
    flops(st, static_cast<std::size_t>(n));
}

void bm_naive(benchmark::State& st, int threads) {
    set_threads(threads);
    const auto n = static_cast<std::size_t>(st.range(0));
    const auto a = input(n * n, 0), b = input(n * n, 1);
    std::vector<float> c(n * n);
    for (auto _ : st) {
        naive_gemm(n, n, n, a.data(), b.data(), c.data());
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    flops(st, n);
}

#ifdef SYMFLOW_BENCH_EIGEN
void bm_eigen(benchmark::State& st, int threads) {
    set_threads(threads);
    const auto n = static_cast<Eigen::Index>(st.range(0));
    const auto count = static_cast<std::size_t>(n * n);
    // MatrixXf (column-major) as in the anchors: for square operands the work is the same
    // as the row-major product symflow computes (C^T = B^T A^T)
    const auto av = input(count, 0), bv = input(count, 1);
    Eigen::MatrixXf A = Eigen::Map<const Eigen::MatrixXf>(av.data(), n, n),
                    B = Eigen::Map<const Eigen::MatrixXf>(bv.data(), n, n), C(n, n);
    for (auto _ : st) {
        C.noalias() = A * B;
        benchmark::DoNotOptimize(C.data());
        benchmark::ClobberMemory();
    }
    flops(st, static_cast<std::size_t>(n));
}
#endif

[[maybe_unused]] const bool registered = [] {
    for (int threads : {1, 2}) {
        const std::string g = "gemm_" + std::to_string(threads) + "T/";
        auto reg = [&](const std::string& impl, void (*fn)(benchmark::State&, int)) {
            benchmark::RegisterBenchmark((g + impl).c_str(), fn, threads)
                ->Arg(512)
                ->Arg(1024)
                ->Unit(benchmark::kMicrosecond)
                ->UseRealTime();
        };
        reg("symflow_kernel", bm_kernel);
        reg("symflow_static", bm_static);
#ifdef SYMFLOW_BENCH_EIGEN
        reg("eigen", bm_eigen);
#endif
        reg("naive", bm_naive);
    }
    return true;
}();

} // namespace

BENCHMARK_MAIN();
