// The runtime interpreter against the static executor on one graph, E = (A*B)+(C*D),
// float32: median time of each, and t(static)/t(runtime), three times in one process.
// Usage: symflow_bench_runtime [N] (default 1e6); OMP_NUM_THREADS=1 for one thread.
#include <symflow/symflow.hpp>

#include <cstdio>
#include <cstdlib>

#include "timing.hpp"

namespace sf = symflow;
using namespace sf::literals;

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto e = (a * b) + (c * d);
    sf::sym::Symbol r = e;
    auto A = sf::nd::uniform(-1, 1, sf::Shape{n}), B = sf::nd::uniform(-1, 1, sf::Shape{n}),
         C = sf::nd::uniform(-1, 1, sf::Shape{n}), D = sf::nd::uniform(-1, 1, sf::Shape{n});
    auto ex = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = D);
    auto rx = r.bind(sf::cpu(), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    for (int k = 0; k < 3; ++k) {
        const double ts = bench::time_per_call([&] { ex.forward(); });
        const double tr = bench::time_per_call([&] { rx.forward(); });
        std::printf("n=%ld static %.1f us runtime %.1f us runtime vs static %.2f\n", n, ts * 1e6, tr * 1e6, ts / tr);
    }
}
