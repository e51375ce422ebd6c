#pragma once
// The benchmarks' one timer: median seconds per call over 9 batches, in this process.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace bench {

// Median time per call of f over batches of repetitions (about 0.15 s in all).
inline double time_per_call(const std::function<void()>& f) {
    using clock = std::chrono::steady_clock;
    f();  // warm caches and threads
    std::size_t reps = 1;
    for (;;) {
        auto t0 = clock::now();
        for (std::size_t i = 0; i < reps; ++i) f();
        double s = std::chrono::duration<double>(clock::now() - t0).count();
        if (s > 0.01) break;
        reps *= 2;
    }
    std::vector<double> per;
    for (int batch = 0; batch < 9; ++batch) {
        auto t0 = clock::now();
        for (std::size_t i = 0; i < reps; ++i) f();
        per.push_back(std::chrono::duration<double>(clock::now() - t0).count() / static_cast<double>(reps));
    }
    std::nth_element(per.begin(), per.begin() + 4, per.end());
    return per[4];
}

} // namespace bench
