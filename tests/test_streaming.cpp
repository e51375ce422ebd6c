// Loop plans and streaming (non-temporal) stores: a fused loop whose arrays cannot stay in the last-level
// cache writes its output past the cache (exec::plan_loop), in both executors. The values
// must be those of a plain loop, including the scalar elements before the first aligned
// vector and after the last one, on one thread and on several.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <symflow/symflow.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace sf = symflow;
using namespace sf::literals;

namespace {

// Lowers the streaming threshold for a test: arrays beyond the real cache would take
// seconds to fill and check under the sanitizers.
struct streaming_threshold {
    explicit streaming_threshold(std::size_t bytes) { sf::exec::set_streaming_min_bytes(bytes); }
    ~streaming_threshold() { sf::exec::set_streaming_min_bytes(0); }
};

} // namespace

TEST_CASE("plan_loop streams only what cannot stay in the cache", "[streaming]") {
    const std::size_t llc = sf::exec::last_level_cache_bytes();
    CHECK_FALSE(sf::exec::plan_loop(1000, 4, 5).stream);
    CHECK_FALSE(sf::exec::plan_loop(llc / 20, 4, 5).stream);
    CHECK(sf::exec::plan_loop(llc / 4, 4, 5).stream);
    CHECK_FALSE(sf::exec::plan_loop(10, 4, 3).parallel);
#ifdef _OPENMP
    if (omp_get_max_threads() > 1) {  // costly ops split at fewer elements than cheap ones
        CHECK(sf::exec::plan_loop(8000, 4, 5, 60).parallel);
        CHECK_FALSE(sf::exec::plan_loop(8000, 4, 5, 3).parallel);
        CHECK(sf::exec::plan_loop(sf::ops::parallel_min_elements, 4, 5, 3).parallel);
    }
#endif
    streaming_threshold low(4096);
    CHECK(sf::exec::plan_loop(1000, 4, 5).stream);
}

TEST_CASE("stream_copy copies every byte, aligned or not", "[streaming]") {
    std::vector<unsigned char> src(1000), dst(1100, 0);
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<unsigned char>(i * 7 + 1);
    for (std::size_t off : {std::size_t(0), std::size_t(1), std::size_t(37)}) {
        std::fill(dst.begin(), dst.end(), 0);
        // data() is 16-aligned from new; offset it to hit the aligned and unaligned paths
        sf::exec::stream_copy(dst.data() + off, src.data() + 3, 777);
        sf::exec::stream_fence();
        for (std::size_t i = 0; i < 777; ++i) REQUIRE(dst[off + i] == src[3 + i]);
        CHECK(dst[off + 777] == 0);
    }
}

namespace {
// A loop body: 2 * in0[i] - 1, for run_range without a graph.
struct twice_minus_one {
    template <class V>
    V eval(const void* const* in, std::size_t i) const {
        const float* p = static_cast<const float*>(in[0]);
        if constexpr (sf::ops::is_batch_v<V>) return V::load_unaligned(p + i) * V(2.f) - V(1.f);
        else return p[i] * 2.f - 1.f;
    }
};
} // namespace

TEST_CASE("run_range streams from the first aligned vector, head and tail one by one", "[streaming]") {
    std::vector<float> x(200), out(260);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) * 0.25f - 3.f;
    const std::array<const void*, 1> in{x.data()};
    for (bool stream : {false, true})
        for (std::size_t off : {0, 1, 3, 7, 13})
            for (std::size_t n : {0, 1, 5, 8, 17, 64, 131, 200}) {
                std::fill(out.begin(), out.end(), -99.f);
                float* o = out.data() + off;
                if (stream) sf::exec::run_range<float, true>(twice_minus_one{}, in, o, 0, n);
                else sf::exec::run_range<float>(twice_minus_one{}, in, o, 0, n);
                for (std::size_t i = 0; i < n; ++i) REQUIRE(o[i] == x[i] * 2.f - 1.f);
                for (std::size_t i = 0; i < off; ++i) REQUIRE(out[i] == -99.f);
                CHECK(o[n] == -99.f);
            }
}

TEST_CASE("fused loops beyond the cache stream their output, in both executors", "[streaming]") {
    streaming_threshold low(64 * 1024);
    // odd, so that the loop ends in a scalar tail; above ops::parallel_min_elements, so
    // that it is split across threads when there are several
    const std::size_t n = GENERATE(std::size_t(6001), std::size_t(100003));
    REQUIRE(sf::exec::plan_loop(n, sizeof(float), 3).stream);
    const sf::Shape s{static_cast<sf::Shape::dim_t>(n)};
    // Filled by a formula: cheap, and every element differs from its neighbours.
    auto A = sf::nd::zeros(s), B = sf::nd::zeros(s);
    float *a = A.data<float>().data(), *b = B.data<float>().data();
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = static_cast<float>(i % 1013) / 256.0f - 2.0f;
        b[i] = static_cast<float>((i * 7) % 509) / 128.0f - 2.0f;
    }
    auto expect = [&](std::size_t i) { return a[i] * b[i] - a[i]; };

    auto x = sf::sym::Variable<"A">();
    auto y = sf::sym::Variable<"B">();
    auto e = x * y - x;
    auto check = [&](const sf::nd::NDArray& out) {
        auto got = out.data<float>();
        REQUIRE(got.size() == n);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < n; ++i) bad += got[i] != expect(i);
        CHECK(bad == 0);
    };
    SECTION("static executor") {
        auto ex = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B);
        check(ex.forward()[0]);
    }
    SECTION("runtime interpreter") {
        sf::sym::Symbol r = e;
        auto ex = r.bind(sf::cpu(), {{"A", A}, {"B", B}});
        check(ex.forward()[0]);
        check(ex.forward()[0]);  // twice: the stream slot is reused, not accumulated into
    }
}

TEST_CASE("two-level kernels' streaming form writes every element, its head and tail one by one", "[streaming]") {
    // (A*B) + (C*D): root + (index 0), both sides * (index 2)
    auto run = [](auto zero) {
        using T = decltype(zero);
        constexpr std::size_t n = 45;
        std::vector<T> a(n), b(n), c(n), d(n);
        for (std::size_t i = 0; i < n; ++i) {
            a[i] = T(i) * T(0.5);
            b[i] = T(3) - T(i);
            c[i] = T(i % 7);
            d[i] = T(1) + T(i) / T(4);
        }
        const void* in[4] = {a.data(), b.data(), c.data(), d.data()};
        auto streamed = sf::sym::rt::detail::pair_fn<0, T, true>(2, 2);
        auto plain = sf::sym::rt::detail::pair_fn<0, T>(2, 2);
        REQUIRE(streamed != plain);
        for (std::size_t offset = 0; offset < 5; ++offset) {  // outputs aligned and not
            sf::nd::NDArray buf(sf::Shape{64}, sf::dtype_of<T>());
            T* out = buf.template data<T>().data() + offset;
            streamed(nullptr, in, out, n - offset);
            sf::exec::stream_fence();
            std::size_t bad = 0;
            for (std::size_t i = 0; i + offset < n; ++i) bad += out[i] != a[i] * b[i] + c[i] * d[i];
            CHECK(bad == 0);
        }
    };
    run(0.0f);
    run(0.0);
}

TEST_CASE("the interpreter's trees stream from their root kernel or through a tile buffer, alike", "[streaming]") {
    streaming_threshold low(64 * 1024);
    const std::size_t n = GENERATE(std::size_t(6001), std::size_t(100003));
    const sf::Shape s{static_cast<sf::Shape::dim_t>(n)};
    auto A = sf::nd::zeros(s, sf::float64), B = sf::nd::zeros(s, sf::float64);
    double *a = A.data<double>().data(), *b = B.data<double>().data();
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = static_cast<double>(i % 1013) / 512.0 - 1.0;
        b[i] = static_cast<double>((i * 7) % 509) / 128.0 - 2.0;
    }
    sf::sym::Symbol x = sf::sym::Variable("A"), y = sf::sym::Variable("B");
    // a two-level root reading a tile buffer (exp), and a root without a streaming form (exp)
    auto root_pair = sf::sym::exp(x) * y + x;
    auto root_exp = sf::sym::exp(x * y);
    auto got1 = root_pair.bind(sf::cpu(), {{"A", A}, {"B", B}}).forward()[0].to_vector<double>();
    auto got2 = root_exp.bind(sf::cpu(), {{"A", A}, {"B", B}}).forward()[0].to_vector<double>();
    REQUIRE(got1.size() == n);
    REQUIRE(got2.size() == n);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        // symflow's float64 exp is xsimd's: within a few ulp of std::exp
        bad += std::abs(got1[i] - (std::exp(a[i]) * b[i] + a[i])) > 1e-13 * (1 + std::abs(got1[i]));
        bad += std::abs(got2[i] - std::exp(a[i] * b[i])) > 1e-13 * (1 + std::abs(got2[i]));
    }
    CHECK(bad == 0);
}
