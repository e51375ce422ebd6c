// A short benchmark summary for the demo: E = (A*B) + (C*D) on float32, symflow's
// forward() against a hand-written fused xsimd loop (1 and all threads) and a plain
// loop, all timed in this process. Full benchmarks against the peers live beside it.
#include <symflow/symflow.hpp>

#include "timing.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include <xsimd/xsimd.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace sf = symflow;
using namespace sf::literals;

namespace {


void xsimd_range(const float* a, const float* b, const float* c, const float* d, float* e, std::size_t lo,
                 std::size_t hi) {
    using B = xsimd::batch<float>;
    std::size_t i = lo;
    for (; i + B::size <= hi; i += B::size)
        xsimd::fma(B::load_unaligned(a + i), B::load_unaligned(b + i),
                   B::load_unaligned(c + i) * B::load_unaligned(d + i))
            .store_unaligned(e + i);
    for (; i < hi; ++i) e[i] = a[i] * b[i] + c[i] * d[i];
}

void xsimd_omp(const float* a, const float* b, const float* c, const float* d, float* e, std::size_t n) {
#pragma omp parallel
    {
#ifdef _OPENMP
        std::size_t t = static_cast<std::size_t>(omp_get_thread_num()), nt = static_cast<std::size_t>(omp_get_num_threads());
#else
        std::size_t t = 0, nt = 1;
#endif
        std::size_t chunk = ((n + nt - 1) / nt + 15) / 16 * 16;
        xsimd_range(a, b, c, d, e, std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
    }
}

std::string human(double s) {
    char buf[32];
    if (s < 1e-6) std::snprintf(buf, sizeof buf, "%.1f ns", s * 1e9);
    else if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.1f us", s * 1e6);
    else std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
    return buf;
}

} // namespace

int main() {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto e = (a * b) + (c * d);
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    std::printf("\nE = (A*B) + (C*D), float32, %d threads available; median time per evaluation\n\n", threads);
    std::printf("| N | symflow forward() | hand xsimd 1T | hand xsimd %dT | plain loop 1T | symflow vs best hand | symflow GB/s "
                "| runtime Symbol forward() | runtime vs static |\n",
                threads);
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    sf::sym::Symbol re = e;  // the same graph, type-erased: run by the tiled interpreter
    for (long n : {1000L, 1000000L, 16000000L}) {
        sf::nd::seed(1);
        auto A = sf::nd::uniform(-1, 1, sf::Shape{n}), B = sf::nd::uniform(-1, 1, sf::Shape{n}),
             C = sf::nd::uniform(-1, 1, sf::Shape{n}), D = sf::nd::uniform(-1, 1, sf::Shape{n});
        auto out = sf::nd::zeros(sf::Shape{n});
        auto exec = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = D);
        const float *pa = A.data<float>().data(), *pb = B.data<float>().data(), *pc = C.data<float>().data(),
                    *pd = D.data<float>().data();
        float* po = out.data<float>().data();
        const auto un = static_cast<std::size_t>(n);

        auto rexec = re.bind(sf::cpu(), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
        double t_sf = bench::time_per_call([&] { exec.forward(); });
        double t_rt = bench::time_per_call([&] { rexec.forward(); });
        double t_x1 = bench::time_per_call([&] { xsimd_range(pa, pb, pc, pd, po, 0, un); });
        double t_xn = bench::time_per_call([&] { xsimd_omp(pa, pb, pc, pd, po, un); });
        double t_naive = bench::time_per_call([&] {
            for (std::size_t i = 0; i < un; ++i) po[i] = pa[i] * pb[i] + pc[i] * pd[i];
        });
        // symflow must agree with the hand-written loop
        xsimd_range(pa, pb, pc, pd, po, 0, un);
        auto got = exec.forward()[0].data<float>();
        auto got_rt = rexec.forward()[0].data<float>();
        for (std::size_t i = 0; i < un; ++i)
            if (std::abs(got[i] - po[i]) > 1e-6f || std::abs(got_rt[i] - po[i]) > 1e-6f) {
                std::printf("MISMATCH at %zu\n", i);
                return 1;
            }
        double best = std::min({t_x1, t_xn, t_naive});  // the plain loop can win at 1e3
        std::printf("| %ld | %s | %s | %s | %s | %.2f | %.1f | %s | %.2f |\n", n, human(t_sf).c_str(), human(t_x1).c_str(),
                    human(t_xn).c_str(), human(t_naive).c_str(), best / t_sf, 20.0 * static_cast<double>(n) / t_sf / 1e9,
                    human(t_rt).c_str(), t_sf / t_rt);
    }
    std::printf("\n`symflow vs best hand` = t(fastest of the three hand-written loops) / t(symflow): above 1 means "
                "symflow is faster.\n");
    std::printf("`runtime vs static` = t(static executor) / t(runtime interpreter) on the same graph.\n");
}
