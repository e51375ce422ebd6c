// What the concurrent-forward() guard costs: forward() of E = (A*B)+(C*D) on 1e3 float32
// (one thread: below ops::parallel_min_elements), static and runtime executors, against
// the same steps run without the guard, in alternating batches of one process (the
// machine is noisy, so one series of each would compare two different moments).
// Prints the median ns per call of each. Run by hand:
//   build/release/bench/symflow_bench_forward_guard
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;

// forward() without its guard, reached through the test/benchmark door of the executors.
template <>
struct symflow::detail::executor_access<struct guard_cost_bench> {
    template <class E>
    static void forward_unguarded(sf::sym::Executor<E>& ex) { ex.run_steps(); }
    static void forward_unguarded(sf::sym::RuntimeExecutor& ex) { ex.run_waves(); }
};
using door = symflow::detail::executor_access<guard_cost_bench>;

namespace {

// Median ns per call of guarded() and of unguarded(), batches alternating.
template <class G, class U>
void compare(const char* what, G guarded, U unguarded) {
    using clock = std::chrono::steady_clock;
    constexpr int reps = 20000, batches = 41;
    std::vector<double> with, without;
    auto batch = [&](auto& f) {
        auto t0 = clock::now();
        for (int i = 0; i < reps; ++i) f();
        return std::chrono::duration<double, std::nano>(clock::now() - t0).count() / reps;
    };
    batch(guarded);
    batch(unguarded);
    for (int b = 0; b < batches; ++b) {
        if (b % 2) {
            with.push_back(batch(guarded));
            without.push_back(batch(unguarded));
        } else {
            without.push_back(batch(unguarded));
            with.push_back(batch(guarded));
        }
    }
    auto median = [](std::vector<double> v) {
        std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    const double g = median(with), u = median(without);
    std::printf("%-28s guarded %8.1f ns   unguarded %8.1f ns   difference %+6.1f ns\n", what, g, u, g - u);
}

} // namespace

int main() {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto e = (a * b) + (c * d);
    const sf::Shape shape{1000};
    auto A = sf::nd::uniform(-1, 1, shape), B = sf::nd::uniform(-1, 1, shape), C = sf::nd::uniform(-1, 1, shape),
         D = sf::nd::uniform(-1, 1, shape);
    auto ex = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = D);
    sf::sym::Symbol r = e;
    auto rex = r.bind(sf::cpu(), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    for (int run = 0; run < 2; ++run) {
        compare("static  (A*B)+(C*D), 1e3", [&] { ex.forward(); }, [&] { door::forward_unguarded(ex); });
        compare("runtime (A*B)+(C*D), 1e3", [&] { rex.forward(); }, [&] { door::forward_unguarded(rex); });
    }
}
