// A broadcast inside a fused loop: E = broadcast_add(A, b) * C, A and C of (rows, cols),
// b of (cols,), float32. Times, in one process: the static executor and the runtime
// interpreter (the broadcast computed a tile at a time inside the loop), the same graph
// with the broadcast materialized first (two executors: Y = broadcast_add(A, b), then
// Y * C: what symflow did before), and (A + B) * C on equal shapes (B already broadcast).
// Usage: symflow_bench_broadcast [rows cols] (default 1000 1000).
#include <symflow/symflow.hpp>

#include <cstdio>
#include <cstdlib>

#include "timing.hpp"

namespace sf = symflow;
using namespace sf::literals;

int main(int argc, char** argv) {
    const long rows = argc > 2 ? std::atol(argv[1]) : 1000, cols = argc > 2 ? std::atol(argv[2]) : 1000;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"b">();
    auto c = sf::sym::Variable<"C">();
    auto y = sf::sym::Variable<"Y">();
    auto A = sf::nd::uniform(-1, 1, sf::Shape{rows, cols}), C = sf::nd::uniform(-1, 1, sf::Shape{rows, cols}),
         bv = sf::nd::uniform(-1, 1, sf::Shape{cols});
    auto fused = sf::sym::broadcast_add(a, b) * c;
    sf::sym::Symbol runtime = fused;
    auto fx = fused.bind(sf::cpu(), "A"_arg = A, "b"_arg = bv, "C"_arg = C);
    auto rx = runtime.bind(sf::cpu(), {{"A", A}, {"b", bv}, {"C", C}});
    auto first = sf::sym::broadcast_add(a, b).bind(sf::cpu(), "A"_arg = A, "b"_arg = bv);
    const sf::nd::NDArray Y = first.outputs()[0];
    auto second = (y * c).bind(sf::cpu(), "Y"_arg = Y, "C"_arg = C);
    first.forward();
    auto equal = ((a + y) * c).bind(sf::cpu(), "A"_arg = A, "Y"_arg = Y, "C"_arg = C);
    std::printf("E = broadcast_add(A, b) * C, A (%ld, %ld), b (%ld,), float32; median per forward()\n", rows, cols, cols);
    std::printf("| static fused | runtime fused | materialized (2 steps) | equal shapes (A + B) * C | fused vs materialized | fused vs equal shapes |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k < 3; ++k) {
        const double tf = bench::time_per_call([&] { fx.forward(); });
        const double tr = bench::time_per_call([&] { rx.forward(); });
        const double tm = bench::time_per_call([&] { first.forward(); second.forward(); });
        const double te = bench::time_per_call([&] { equal.forward(); });
        std::printf("| %.1f us | %.1f us | %.1f us | %.1f us | %.2f | %.2f |\n", tf * 1e6, tr * 1e6, tm * 1e6,
                    te * 1e6, tm / tf, te / tf);
    }
}
