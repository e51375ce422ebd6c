// E = tanh(A*B + C) * sigmoid(D - A) + exp(-B*B) on float32, one thread: symflow's
// forward() (static and runtime executors, both on symflow's own vmath functions) against
// a hand-written xsimd 8.1 loop, Eigen 3.4 ArrayXf (as /work/shared/anchors does it) and a
// scalar std:: loop. Every implementation is checked against a double reference first.
#include <symflow/symflow.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

constexpr const char* graph = "tanh_sigmoid_exp";

/// The inputs of one size, deterministic: k / 1024 - 1 for an 11-bit hash k of the index.
struct Inputs {
    sf::nd::NDArray A, B, C, D;
    explicit Inputs(long n)
        : A(sf::nd::zeros(sf::Shape{n})), B(sf::nd::zeros(sf::Shape{n})), C(sf::nd::zeros(sf::Shape{n})),
          D(sf::nd::zeros(sf::Shape{n})) {
        sf::nd::NDArray* arrays[] = {&A, &B, &C, &D};
        for (std::uint64_t j = 0; j < 4; ++j) {
            float* p = arrays[j]->data<float>().data();
            for (long i = 0; i < n; ++i) {
                std::uint64_t z = (static_cast<std::uint64_t>(i) * 4 + j) + 0x9e3779b97f4a7c15ULL;  // splitmix64
                z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
                z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
                z ^= z >> 31;
                p[i] = static_cast<float>(z >> 53) / 1024.0f - 1.0f;
            }
        }
    }
    const float* a() const { return A.data<float>().data(); }
    const float* b() const { return B.data<float>().data(); }
    const float* c() const { return C.data<float>().data(); }
    const float* d() const { return D.data<float>().data(); }
};

/// One Inputs per size, made on first use and kept for every implementation.
const Inputs& inputs(long n) {
    static std::map<long, std::unique_ptr<Inputs>> cache;
    auto& p = cache[n];
    if (!p) p = std::make_unique<Inputs>(n);
    return *p;
}

/// Fails the benchmark unless out[0, n) is within 1e-5 of the double-precision graph.
bool check(benchmark::State& st, const float* out, const Inputs& in, long n) {
    for (long i = 0; i < n; ++i) {
        const double a = in.a()[i], b = in.b()[i], c = in.c()[i], d = in.d()[i];
        const double ref = std::tanh(a * b + c) / (1 + std::exp(a - d)) + std::exp(-b * b);
        if (!(std::fabs(out[i] - ref) <= 1e-5)) {
            st.SkipWithError(("wrong result at " + std::to_string(i) + ": " + std::to_string(out[i]) +
                              " instead of " + std::to_string(ref)).c_str());
            return false;
        }
    }
    return true;
}

auto symbols() {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    return sf::sym::tanh(a * b + c) * sf::sym::sigmoid(d - a) + sf::sym::exp(-(b * b));
}

/// Runs `run` once, checks what it wrote to `out`, then times it.
template <class F>
void time_checked(benchmark::State& st, const Inputs& in, long n, const float* out, F run) {
    run();
    if (!check(st, out, in, n)) return;
    for (auto _ : st) {
        run();
        benchmark::DoNotOptimize(out);
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed(st.iterations() * n);
}

void symflow_static(benchmark::State& st) {
    const long n = st.range(0);
    const Inputs& in = inputs(n);
    auto exec = symbols().bind(sf::cpu(), "A"_arg = in.A, "B"_arg = in.B, "C"_arg = in.C, "D"_arg = in.D);
    if (!check(st, exec.forward()[0].data<float>().data(), in, n)) return;
    for (auto _ : st) benchmark::DoNotOptimize(exec.forward());
    st.SetItemsProcessed(st.iterations() * n);
}

void symflow_runtime(benchmark::State& st) {
    const long n = st.range(0);
    const Inputs& in = inputs(n);
    sf::sym::Symbol s = symbols();
    auto exec = s.bind(sf::cpu(), {{"A", in.A}, {"B", in.B}, {"C", in.C}, {"D", in.D}});
    if (!check(st, exec.forward()[0].data<float>().data(), in, n)) return;
    for (auto _ : st) benchmark::DoNotOptimize(exec.forward());
    st.SetItemsProcessed(st.iterations() * n);
}

/// The graph with xsimd 8.1's tanh and exp, one batch per iteration, scalar std:: tail.
void xsimd_loop(const float* a, const float* b, const float* c, const float* d, float* e, std::size_t n) {
    using Bt = xsimd::batch<float>;
    const Bt one(1.0f);
    std::size_t i = 0;
    for (; i + Bt::size <= n; i += Bt::size) {
        const Bt va = Bt::load_unaligned(a + i), vb = Bt::load_unaligned(b + i), vc = Bt::load_unaligned(c + i),
                 vd = Bt::load_unaligned(d + i);
        const Bt t = xsimd::tanh(xsimd::fma(va, vb, vc));
        const Bt s = one / (one + xsimd::exp(va - vd));
        xsimd::fma(t, s, xsimd::exp(-(vb * vb))).store_unaligned(e + i);
    }
    for (; i < n; ++i) e[i] = std::tanh(a[i] * b[i] + c[i]) / (1.0f + std::exp(a[i] - d[i])) + std::exp(-b[i] * b[i]);
}

void hand_xsimd(benchmark::State& st) {
    const long n = st.range(0);
    const Inputs& in = inputs(n);
    std::vector<float> out(static_cast<std::size_t>(n));
    auto run = [&] { xsimd_loop(in.a(), in.b(), in.c(), in.d(), out.data(), out.size()); };
    time_checked(st, in, n, out.data(), run);
}

/// The plain scalar loop with std::tanh and std::exp (libm).
__attribute__((noinline)) void naive_loop(const float* a, const float* b, const float* c, const float* d, float* e,
                                          std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        e[i] = std::tanh(a[i] * b[i] + c[i]) * (1.0f / (1.0f + std::exp(-(d[i] - a[i])))) + std::exp(-b[i] * b[i]);
}

void naive(benchmark::State& st) {
    const long n = st.range(0);
    const Inputs& in = inputs(n);
    std::vector<float> out(static_cast<std::size_t>(n));
    auto run = [&] { naive_loop(in.a(), in.b(), in.c(), in.d(), out.data(), out.size()); };
    time_checked(st, in, n, out.data(), run);
}

#ifdef SYMFLOW_BENCH_EIGEN
void eigen(benchmark::State& st) {
    const long n = st.range(0);
    const Inputs& in = inputs(n);
    using Eigen::ArrayXf;
    using CMap = Eigen::Map<const ArrayXf>;
    const ArrayXf A = CMap(in.a(), n), B = CMap(in.b(), n), C = CMap(in.c(), n), D = CMap(in.d(), n);
    ArrayXf E = ArrayXf::Zero(n);
    auto run = [&] { E = (A * B + C).tanh() * (1.0f + (A - D).exp()).inverse() + (-(B * B)).exp(); };
    time_checked(st, in, n, E.data(), run);
}
#endif

} // namespace

int main(int argc, char** argv) {
#ifdef _OPENMP
    omp_set_num_threads(1);  // single-threaded comparison; must precede binding (executors size their threads then)
#endif
    const std::pair<const char*, void (*)(benchmark::State&)> impls[] = {
        {"symflow_static", symflow_static}, {"symflow_runtime", symflow_runtime}, {"hand_xsimd", hand_xsimd},
#ifdef SYMFLOW_BENCH_EIGEN
        {"eigen", eigen},
#endif
        {"naive", naive},
    };
    for (const auto& [name, fn] : impls)
        for (long n : {1000L, 1000000L, 16000000L})
            benchmark::RegisterBenchmark((std::string(graph) + "/" + name).c_str(), fn)->Arg(n)->Unit(benchmark::kMicrosecond);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
