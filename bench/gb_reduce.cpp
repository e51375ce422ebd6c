// Reductions against the machine's read bandwidth: float32 sum over every element
// ("sum_all", a (N,) array), over the first axis ("sum_axis0") and over the last axis
// ("sum_axis1") of a (sqrt N, sqrt N) row-major matrix, N = 1e6 (4 MB, L3-resident) and
// 1.6e7 (64 MB, DRAM). Each is read once, so the bound is the read bandwidth, which the
// read_probe_1T / read_probe_2T rows measure in the same process over the same array (a
// hand-written xsimd sum with eight accumulators, split in two halves for 2T).
// Every row reports bytes_per_second (input bytes read); symflow, eigen and naive rows also
// report frac_probe_1T / frac_probe_2T: their bandwidth as a fraction of the median probe
// bandwidth measured earlier in this run (0 until a probe of that N has run, as in the first
// rounds of compare.sh's interleaved runs; report.py's ratios use the times, not these).
// Usage: symflow_gb_reduce --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <symflow/symflow.hpp>

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>

#ifdef SYMFLOW_BENCH_EIGEN
#include <Eigen/Core>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sf = symflow;
using namespace sf::literals;

namespace {

/// The three graphs: which axes a sum reduces.
enum class graph { all, axis0, axis1 };

/// Rows and columns of the 2-d input holding n elements (n is a perfect square here).
std::pair<long, long> matrix_dims(long n) {
    const auto r = static_cast<long>(std::lround(std::sqrt(static_cast<double>(n))));
    return {r, n / r};
}

/// The input of one (graph, N): values k/1024 - 1 from a hash of the index, and the
/// float64 reference of the reduction (to check every implementation once).
struct input {
    sf::nd::NDArray x;
    std::vector<double> want;
    double abs_sum = 0;  ///< sum |x|, the scale of the allowed error
};

input& input_for(graph g, long n) {
    static std::map<std::pair<int, long>, input> cache;
    auto [it, fresh] = cache.try_emplace({static_cast<int>(g), n});
    input& in = it->second;
    if (!fresh) return in;
    const auto [rows, cols] = matrix_dims(n);
    in.x = sf::nd::NDArray(g == graph::all ? sf::Shape{n} : sf::Shape{rows, cols});
    float* p = in.x.data<float>().data();
    for (long i = 0; i < n; ++i) {
        std::uint64_t z = static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z ^= z >> 27;
        p[i] = static_cast<float>(z & 2047) / 1024.0f - 1.0f;
        in.abs_sum += std::abs(p[i]);
    }
    if (g == graph::all) {
        double s = 0;
        for (long i = 0; i < n; ++i) s += p[i];
        in.want = {s};
    } else if (g == graph::axis0) {
        in.want.assign(static_cast<std::size_t>(cols), 0.0);
        for (long i = 0; i < rows; ++i)
            for (long j = 0; j < cols; ++j) in.want[static_cast<std::size_t>(j)] += p[i * cols + j];
    } else {
        in.want.assign(static_cast<std::size_t>(rows), 0.0);
        for (long i = 0; i < rows; ++i)
            for (long j = 0; j < cols; ++j) in.want[static_cast<std::size_t>(i)] += p[i * cols + j];
    }
    return in;
}

/// Fails the benchmark if `got` differs from the reference by more than n * eps * sum|x|.
void check(benchmark::State& st, const input& in, const float* got) {
    // (count + 1) * u * sum|x| per output, with the mean |x| of the whole input
    const double outs = static_cast<double>(in.want.size()), count = static_cast<double>(in.x.size()) / outs;
    const double tol = (count + 1) * 6e-8 * in.abs_sum / outs;
    for (std::size_t i = 0; i < in.want.size(); ++i)
        if (!(std::abs(got[i] - in.want[i]) <= tol)) {
            st.SkipWithError(("wrong result at " + std::to_string(i) + ": " + std::to_string(got[i]) + " vs " +
                              std::to_string(in.want[i]))
                                 .c_str());
            return;
        }
}

/// Probe bandwidths (bytes/s) measured so far, by N and thread count.
std::map<std::pair<long, int>, std::vector<double>>& probe_bw() {
    static std::map<std::pair<long, int>, std::vector<double>> m;
    return m;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

/// Runs body once per iteration, sets bytes_per_second from the input size and returns
/// the measured bandwidth (bytes/s of wall time).
template <class F>
double timed(benchmark::State& st, long n, F&& body) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    std::int64_t iters = 0;
    for (auto _ : st) {
        body();
        ++iters;
    }
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    const double bytes = static_cast<double>(n) * sizeof(float);
    st.SetBytesProcessed(iters * static_cast<std::int64_t>(bytes));
    return s > 0 ? bytes * static_cast<double>(iters) / s : 0;
}

/// Adds frac_probe_1T/2T counters: bw over the median probe bandwidth of this N.
void add_fractions(benchmark::State& st, long n, double bw) {
    for (int t : {1, 2}) {
        const double p = median(probe_bw()[{n, t}]);
        st.counters["frac_probe_" + std::to_string(t) + "T"] = p > 0 ? bw / p : 0;
    }
}

/// The read-only probe: sum of n floats with eight independent vector accumulators.
float probe_sum(const float* p, std::size_t n) {
    using B = xsimd::batch<float>;
    constexpr std::size_t W = B::size;
    B a0(0.f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    std::size_t i = 0;
    for (; i + 8 * W <= n; i += 8 * W) {
        a0 += B::load_unaligned(p + i);
        a1 += B::load_unaligned(p + i + W);
        a2 += B::load_unaligned(p + i + 2 * W);
        a3 += B::load_unaligned(p + i + 3 * W);
        a4 += B::load_unaligned(p + i + 4 * W);
        a5 += B::load_unaligned(p + i + 5 * W);
        a6 += B::load_unaligned(p + i + 6 * W);
        a7 += B::load_unaligned(p + i + 7 * W);
    }
    float s = xsimd::hadd(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
    for (; i < n; ++i) s += p[i];
    return s;
}

void read_probe(benchmark::State& st, graph g, int threads) {
    const long n = st.range(0);
    input& in = input_for(g, n);
    const float* p = in.x.data<float>().data();
    const auto un = static_cast<std::size_t>(n);
    float sink = 0;
    const double bw = timed(st, n, [&] {
        float s = 0;
        if (threads == 1) s = probe_sum(p, un);
        else {
            float part[2] = {0, 0};
            const std::size_t half = un / 2 / 16 * 16;
#pragma omp parallel num_threads(2)
            {
#ifdef _OPENMP
                const int t = omp_get_thread_num();
#else
                const int t = 0;
#endif
                part[t] = t == 0 ? probe_sum(p, half) : probe_sum(p + half, un - half);
            }
            s = part[0] + part[1];
        }
        benchmark::DoNotOptimize(sink = s);
    });
    probe_bw()[{n, threads}].push_back(bw);
}

sf::ops::reduce_param param_of(graph g) {
    if (g == graph::axis0) return {.axis = 0};
    if (g == graph::axis1) return {.axis = 1};
    return {};
}

void symflow_static(benchmark::State& st, graph g) {
    const long n = st.range(0);
    input& in = input_for(g, n);
    auto a = sf::sym::Variable<"A">();
    auto ex = sf::sym::sum(a, param_of(g)).bind(sf::cpu(), "A"_arg = in.x);
    const double bw = timed(st, n, [&] { ex.forward(); });
    check(st, in, ex.outputs()[0].data<float>().data());
    add_fractions(st, n, bw);
}

void symflow_runtime(benchmark::State& st, graph g) {
    const long n = st.range(0);
    input& in = input_for(g, n);
    sf::sym::Symbol s = sf::sym::sum(sf::sym::Variable<"A">(), param_of(g));
    auto ex = s.bind(sf::cpu(), {{"A", in.x}});
    const double bw = timed(st, n, [&] { ex.forward(); });
    check(st, in, ex.outputs()[0].data<float>().data());
    add_fractions(st, n, bw);
}

/// The obvious loops, float accumulators (GCC keeps a float sum sequential without -ffast-math).
void naive(benchmark::State& st, graph g) {
    const long n = st.range(0);
    input& in = input_for(g, n);
    const float* p = in.x.data<float>().data();
    const auto [rows, cols] = matrix_dims(n);
    std::vector<float> out(in.want.size());
    const double bw = timed(st, n, [&] {
        if (g == graph::all) {
            float s = 0;
            for (long i = 0; i < n; ++i) s += p[i];
            out[0] = s;
        } else if (g == graph::axis0) {
            std::fill(out.begin(), out.end(), 0.f);
            for (long i = 0; i < rows; ++i)
                for (long j = 0; j < cols; ++j) out[static_cast<std::size_t>(j)] += p[i * cols + j];
        } else {
            for (long i = 0; i < rows; ++i) {
                float s = 0;
                for (long j = 0; j < cols; ++j) s += p[i * cols + j];
                out[static_cast<std::size_t>(i)] = s;
            }
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    });
    check(st, in, out.data());
    add_fractions(st, n, bw);
}

#ifdef SYMFLOW_BENCH_EIGEN
/// Eigen 3.4 on the same memory: .sum(), .colwise().sum(), .rowwise().sum() (one thread:
/// Eigen does not parallelise reductions).
void eigen(benchmark::State& st, graph g) {
    const long n = st.range(0);
    input& in = input_for(g, n);
    const float* p = in.x.data<float>().data();
    const auto [rows, cols] = matrix_dims(n);
    using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    std::vector<float> out(in.want.size());
    const double bw = timed(st, n, [&] {
        if (g == graph::all) out[0] = Eigen::Map<const Eigen::ArrayXf>(p, n).sum();
        else if (g == graph::axis0)
            Eigen::Map<Eigen::RowVectorXf>(out.data(), cols).noalias() = Eigen::Map<const M>(p, rows, cols).colwise().sum();
        else Eigen::Map<Eigen::VectorXf>(out.data(), rows).noalias() = Eigen::Map<const M>(p, rows, cols).rowwise().sum();
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    });
    check(st, in, out.data());
    add_fractions(st, n, bw);
}
#endif

void register_all() {
    const std::pair<graph, const char*> graphs[] = {
        {graph::all, "sum_all"}, {graph::axis0, "sum_axis0"}, {graph::axis1, "sum_axis1"}};
    for (const auto& [g, name] : graphs) {
        const std::string gn = name;
        auto reg = [&](const std::string& impl, auto fn) {
            benchmark::RegisterBenchmark((gn + "/" + impl).c_str(), fn, g)
                ->Arg(1000000)
                ->Arg(16000000)
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
        };
        reg("read_probe_1T", [](benchmark::State& st, graph gg) { read_probe(st, gg, 1); });
        reg("read_probe_2T", [](benchmark::State& st, graph gg) { read_probe(st, gg, 2); });
        reg("symflow_static", symflow_static);
        reg("symflow_runtime", symflow_runtime);
#ifdef SYMFLOW_BENCH_EIGEN
        reg("eigen", eigen);
#endif
        reg("naive", naive);
    }
}

} // namespace

int main(int argc, char** argv) {
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
