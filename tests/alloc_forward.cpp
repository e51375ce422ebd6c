// forward() allocates nothing: the global operator new is counted around it.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include <symflow/symflow.hpp>

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace sf = symflow;
using namespace sf::literals;

TEST_CASE("forward() performs no heap allocation, small and threaded sizes", "[exec][alloc]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto e = (a * b) + (c * d) / 2.0f - 1;
    for (long n : {1000L, 1L << 20}) {
        auto A = sf::nd::ones(sf::Shape{n}), B = sf::nd::ones(sf::Shape{n});
        auto exec = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = A, "D"_arg = B);
        exec.forward();  // warm-up: the OpenMP runtime starts its threads on first use
        long before = allocations.load();
        for (int i = 0; i < 10; ++i) exec.forward();
        long after = allocations.load();
        CHECK(after == before);
        CHECK(exec.outputs()[0].data<float>()[n - 1] == 0.5f);
    }
    // the counter does count: binding allocates
    long before = allocations.load();
    auto A = sf::nd::ones(sf::Shape{4});
    auto exec = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = A, "C"_arg = A, "D"_arg = A);
    CHECK(allocations.load() > before);
}

TEST_CASE("forward() with materialized nodes performs no heap allocation", "[exec][alloc]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto d = sf::sym::dot(a * 2.0f, b);
    auto e = d * d + sf::sym::dot(b, a);
    auto A = sf::nd::ones(sf::Shape{64, 64}), B = sf::nd::ones(sf::Shape{64, 64});
    auto exec = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B);
    exec.forward();
    long before = allocations.load();
    for (int i = 0; i < 5; ++i) exec.forward();
    CHECK(allocations.load() == before);
    CHECK(exec.outputs()[0].data<float>()[0] == 128.0f * 128.0f + 64.0f);
}

TEST_CASE("runtime forward() performs no heap allocation", "[exec][alloc][runtime]") {
    sf::sym::Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto e = sf::sym::sum(sf::sym::dot(a, b) * 2.0f + a, {.axis = 1}) + sf::sym::exp(sf::sym::sum(a, {.axis = 0}));
    for (long n : {8L, 256L}) {
        auto A = sf::nd::ones(sf::Shape{n, n}), B = sf::nd::ones(sf::Shape{n, n});
        auto exec = e.bind(sf::cpu(), {{"A", A}, {"B", B}});
        exec.forward();
        long before = allocations.load();
        for (int i = 0; i < 5; ++i) exec.forward();
        CHECK(allocations.load() == before);
        // row sums of 2n + 1 plus exp(column sum n)
        CHECK(exec.outputs()[0].data<float>()[0] == Approx(float(n) * float(2 * n + 1) + std::exp(float(n))));
    }
    auto big = (a * b) + (a * 0.5f);
    auto A = sf::nd::ones(sf::Shape{1L << 20}), B = sf::nd::ones(sf::Shape{1L << 20});
    auto exec = big.bind(sf::cpu(), {{"A", A}, {"B", B}});
    exec.forward();
    long before = allocations.load();
    for (int i = 0; i < 5; ++i) exec.forward();
    CHECK(allocations.load() == before);
    CHECK(exec.outputs()[0].data<float>()[(1L << 20) - 1] == 1.5f);
}

TEST_CASE("reductions above the threading cut-off perform no heap allocation", "[exec][alloc][reduce]") {
    // every kernel path: one run cut into chunks, many rows, column pieces, narrow columns
    // cut into row chunks; their scratch lives on the stack
    auto a = sf::sym::Variable<"A">();
    struct shape_axis {
        sf::Shape shape;
        sf::ops::reduce_param p;
        float each;  // every output's value for an input of ones
    };
    const shape_axis cases[] = {{sf::Shape{300000}, {}, 300000.0f},
                                {sf::Shape{500, 600}, {.axis = 0}, 500.0f},
                                {sf::Shape{500, 600}, {.axis = 1}, 600.0f},
                                {sf::Shape{20000, 5}, {.axis = 0}, 20000.0f}};
    for (const auto& c : cases) {
        auto A = sf::nd::ones(c.shape);
        auto exec = sf::sym::sum(a, c.p).bind(sf::cpu(), "A"_arg = A);
        exec.forward();
        long before = allocations.load();
        for (int i = 0; i < 5; ++i) exec.forward();
        CHECK(allocations.load() == before);
        for (float v : exec.outputs()[0].to_vector<float>()) REQUIRE(v == c.each);
    }
}
