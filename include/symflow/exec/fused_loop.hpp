#pragma once
// The fused loop: one pass over the data, xsimd batches in the body, a scalar tail,
// split across OpenMP threads when the work pays for the fork.
#include <algorithm>
#include <array>
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "../ops/op.hpp"
#ifdef _OPENMP
#include <omp.h>
#endif

namespace symflow::exec {

/// Below this many elements a fused loop runs on one thread (see ops::parallel_min_elements).
inline constexpr std::size_t parallel_min_elements = ops::parallel_min_elements;

/// out[i] = ev(i) for i in [begin, end): batches, then the scalar tail. `in` is the
/// table of input pointers the evaluator's leaves index.
template <class T, class Ev, std::size_t M>
inline void run_range(const Ev& ev_in, const std::array<const void*, M>& in_ptrs, T* out, std::size_t begin,
                      std::size_t end) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size;
    // Local copies: the compiler then knows stores to `out` cannot change them.
    const Ev ev = ev_in;
    const std::array<const void*, M> in = in_ptrs;
    std::size_t i = begin;
    for (; i + W <= end; i += W) ev.template eval<B>(in.data(), i).store_unaligned(out + i);
    for (; i < end; ++i) out[i] = ev.template eval<T>(in.data(), i);
}

/// out[i] = ev(i) for i in [0, n), threaded over cache-line-aligned chunks when large.
template <class T, class Ev, std::size_t M>
void run_fused(const Ev& ev, const std::array<const void*, M>& in, T* out, std::size_t n) {
#ifdef _OPENMP
    if (n >= parallel_min_elements && omp_get_max_threads() > 1) {
#pragma omp parallel
        {
            const auto threads = static_cast<std::size_t>(omp_get_num_threads());
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            constexpr std::size_t line = 64 / sizeof(T);  // keep chunk starts on cache lines
            std::size_t chunk = (n + threads - 1) / threads;
            chunk = (chunk + line - 1) / line * line;
            std::size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
            run_range(ev, in, out, b, e);
        }
        return;
    }
#endif
    run_range(ev, in, out, 0, n);
}

} // namespace symflow::exec
