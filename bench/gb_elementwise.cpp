// E = (A*B) + (C*D) on float32 (graph "fma4"): symflow's static and runtime executors
// against a plain loop, hand-written xsimd loops (1 and 2 threads, with and without
// streaming stores), unfused evaluation into preallocated temporaries, Eigen and xtensor.
// Every implementation is checked against the plain loop before it is timed.
#include <symflow/symflow.hpp>

#include <benchmark/benchmark.h>
#include <immintrin.h>
#include <xsimd/xsimd.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef SYMFLOW_BENCH_EIGEN
#include <Eigen/Core>
#endif
#ifdef SYMFLOW_BENCH_XTENSOR
#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>
#endif

namespace sf = symflow;
using namespace sf::literals;

namespace {

using B = xsimd::batch<float>;
constexpr std::size_t W = B::size;

// The hand-written fused loop over [lo, hi); with Stream, non-temporal stores (the output
// is 64-byte aligned and every range starts on a cache line).
template <bool Stream>
void hand_range(const float* a, const float* b, const float* c, const float* d, float* e, std::size_t lo,
                std::size_t hi) {
    std::size_t i = lo;
    for (; i + W <= hi; i += W) {
        B r = xsimd::fma(B::load_unaligned(a + i), B::load_unaligned(b + i),
                         B::load_unaligned(c + i) * B::load_unaligned(d + i));
        if constexpr (Stream) sf::exec::stream_store(e + i, r);
        else r.store_unaligned(e + i);
    }
    for (; i < hi; ++i) e[i] = std::fma(a[i], b[i], c[i] * d[i]);
    if constexpr (Stream) _mm_sfence();
}

// Splits [0, n) into cache-line-aligned chunks, one per OpenMP thread.
template <class F>
void split(std::size_t n, F f) {
#pragma omp parallel
    {
        std::size_t t = 0, nt = 1;
#ifdef _OPENMP
        t = static_cast<std::size_t>(omp_get_thread_num());
        nt = static_cast<std::size_t>(omp_get_num_threads());
#endif
        const std::size_t chunk = ((n + nt - 1) / nt + 15) / 16 * 16;
        f(std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
    }
}

// The arrays of one size, shared by every implementation.
struct data {
    std::size_t n;
    sf::nd::NDArray A, B_, C, D, E, t1, t2;
    std::vector<float> expect;
    explicit data(std::size_t n_) : n(n_) {
        sf::nd::seed(7);
        const sf::Shape s{static_cast<sf::Shape::dim_t>(n)};
        A = sf::nd::uniform(-1, 1, s), B_ = sf::nd::uniform(-1, 1, s), C = sf::nd::uniform(-1, 1, s),
        D = sf::nd::uniform(-1, 1, s);
        E = sf::nd::zeros(s), t1 = sf::nd::zeros(s), t2 = sf::nd::zeros(s);
        expect.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            expect[i] = static_cast<float>(static_cast<double>(a()[i]) * b()[i] + static_cast<double>(c()[i]) * d()[i]);
    }
    const float* a() const { return static_cast<const float*>(A.raw()); }
    const float* b() const { return static_cast<const float*>(B_.raw()); }
    const float* c() const { return static_cast<const float*>(C.raw()); }
    const float* d() const { return static_cast<const float*>(D.raw()); }
    float* e() const { return static_cast<float*>(E.raw()); }
    // Fails the benchmark (and the compare run) when `out` is not the expected result.
    bool check(const float* out, const std::string& who) const {
        for (std::size_t i = 0; i < n; ++i)
            if (std::abs(out[i] - expect[i]) > 1e-6f * (1 + std::abs(expect[i]))) {
                std::fprintf(stderr, "%s: wrong result at %zu: %g, expected %g\n", who.c_str(), i, out[i], expect[i]);
                std::exit(1);
            }
        return true;
    }
};

data& data_for(std::size_t n) {
    static std::vector<std::unique_ptr<data>> all;
    for (auto& p : all)
        if (p->n == n) return *p;
    all.push_back(std::make_unique<data>(n));
    return *all.back();
}

// One benchmark: `make` prepares (and returns) the function timed; its output is checked first.
void add(const std::string& impl, std::function<std::function<const float*()>(data&)> make) {
    for (std::size_t n : {std::size_t(1000), std::size_t(1000000), std::size_t(16000000)}) {
        benchmark::RegisterBenchmark(("fma4/" + impl + "/" + std::to_string(n)).c_str(),
                                     [impl, make, n](benchmark::State& st) {
                                         data& d = data_for(n);
                                         auto run = make(d);
                                         std::fill(d.e(), d.e() + n, 0.0f);
                                         d.check(run(), impl);
                                         for (auto _ : st) benchmark::DoNotOptimize(run());
                                         st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * 20 * n));
                                     })
            ->Unit(benchmark::kNanosecond)
            ->MinTime(0.1)
            ->UseRealTime();
    }
}

} // namespace

int main(int argc, char** argv) {
    auto expr = (sf::sym::Variable<"A">() * sf::sym::Variable<"B">()) +
                (sf::sym::Variable<"C">() * sf::sym::Variable<"D">());
    using X = decltype(expr);
    add("symflow_static", [expr](data& d) -> std::function<const float*()> {
        auto ex = std::make_shared<sf::sym::Executor<X>>(
            expr.bind(sf::cpu(), "A"_arg = d.A, "B"_arg = d.B_, "C"_arg = d.C, "D"_arg = d.D));
        return [ex] { return static_cast<const float*>(ex->forward()[0].raw()); };
    });
    add("symflow_runtime", [expr](data& d) -> std::function<const float*()> {
        sf::sym::Symbol s = expr;
        auto ex = std::make_shared<sf::sym::RuntimeExecutor>(
            s.bind(sf::cpu(), {{"A", d.A}, {"B", d.B_}, {"C", d.C}, {"D", d.D}}));
        return [ex] { return static_cast<const float*>(ex->forward()[0].raw()); };
    });
    add("naive_1T", [](data& d) -> std::function<const float*()> {
        return [&d] {
            const float *a = d.a(), *b = d.b(), *c = d.c(), *dd = d.d();
            float* e = d.e();
            for (std::size_t i = 0; i < d.n; ++i) e[i] = a[i] * b[i] + c[i] * dd[i];
            return e;
        };
    });
    add("hand_xsimd_1T", [](data& d) -> std::function<const float*()> {
        return [&d] { return hand_range<false>(d.a(), d.b(), d.c(), d.d(), d.e(), 0, d.n), d.e(); };
    });
    add("hand_xsimd_nt_1T", [](data& d) -> std::function<const float*()> {
        return [&d] { return hand_range<true>(d.a(), d.b(), d.c(), d.d(), d.e(), 0, d.n), d.e(); };
    });
    add("hand_xsimd_2T", [](data& d) -> std::function<const float*()> {
        return [&d] {
            split(d.n, [&](std::size_t lo, std::size_t hi) { hand_range<false>(d.a(), d.b(), d.c(), d.d(), d.e(), lo, hi); });
            return d.e();
        };
    });
    add("hand_xsimd_nt_2T", [](data& d) -> std::function<const float*()> {
        return [&d] {
            split(d.n, [&](std::size_t lo, std::size_t hi) { hand_range<true>(d.a(), d.b(), d.c(), d.d(), d.e(), lo, hi); });
            return d.e();
        };
    });
    // t1 = A*B; t2 = C*D; E = t1 + t2: what an eager array library does, minus allocation.
    add("unfused_1T", [](data& d) -> std::function<const float*()> {
        return [&d] {
            float *t1 = static_cast<float*>(d.t1.raw()), *t2 = static_cast<float*>(d.t2.raw()), *e = d.e();
            const float *a = d.a(), *b = d.b(), *c = d.c(), *dd = d.d();
            std::size_t i = 0;
            for (i = 0; i + W <= d.n; i += W) (B::load_unaligned(a + i) * B::load_unaligned(b + i)).store_unaligned(t1 + i);
            for (; i < d.n; ++i) t1[i] = a[i] * b[i];
            for (i = 0; i + W <= d.n; i += W) (B::load_unaligned(c + i) * B::load_unaligned(dd + i)).store_unaligned(t2 + i);
            for (; i < d.n; ++i) t2[i] = c[i] * dd[i];
            for (i = 0; i + W <= d.n; i += W) (B::load_unaligned(t1 + i) + B::load_unaligned(t2 + i)).store_unaligned(e + i);
            for (; i < d.n; ++i) e[i] = t1[i] + t2[i];
            return e;
        };
    });
#ifdef SYMFLOW_BENCH_EIGEN
    add("eigen_1T", [](data& d) -> std::function<const float*()> {
        using M = Eigen::Map<const Eigen::ArrayXf, Eigen::Aligned64>;
        auto n = static_cast<Eigen::Index>(d.n);
        return [&d, n] {
            Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64> e(d.e(), n);
            e = M(d.a(), n) * M(d.b(), n) + M(d.c(), n) * M(d.d(), n);
            return d.e();
        };
    });
#endif
#ifdef SYMFLOW_BENCH_XTENSOR
    add("xtensor_1T", [](data& d) -> std::function<const float*()> {
        return [&d] {
            std::array<std::size_t, 1> sh{d.n};
            auto a = xt::adapt(d.a(), d.n, xt::no_ownership(), sh);
            auto b = xt::adapt(d.b(), d.n, xt::no_ownership(), sh);
            auto c = xt::adapt(d.c(), d.n, xt::no_ownership(), sh);
            auto dd = xt::adapt(d.d(), d.n, xt::no_ownership(), sh);
            auto e = xt::adapt(d.e(), d.n, xt::no_ownership(), sh);
            xt::noalias(e) = a * b + c * dd;
            return d.e();
        };
    });
#endif
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
