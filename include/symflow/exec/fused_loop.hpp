#pragma once
// The fused loop: one pass over the data, xsimd batches in the body, a scalar tail,
// split across OpenMP threads when the work pays for the fork.
#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../nd/ndarray.hpp"
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
    // not inside a task beside siblings (exec/tasks.hpp): that thread runs it all
    if (n >= parallel_min_elements && omp_get_max_threads() > 1 && !omp_in_parallel()) {
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

/// A node a fused loop computes a tile at a time instead of reading it from an array (a
/// broadcast, whose operands are whole arrays walked through a stride pattern).
struct tile_source {
    std::size_t entry = 0;  ///< the input-table entry it stands for
    /// Writes elements [begin, end) of the node's value to out[0, end - begin).
    void (*run)(const void* ctx, void* out, std::size_t begin, std::size_t end) = nullptr;
    std::shared_ptr<const void> ctx;
};

/// Elements per tile of a loop with tile sources. Each tile reads its sources' operands
/// in one pass and the loop's other inputs in the next, so long tiles keep the hardware
/// prefetchers streaming; their buffers (64 KiB of float32 per source and thread) stay in
/// L2. On broadcast_add(A, b) * C, (1000, 1000) float32, 2 threads: 145-180 us with 16384,
/// 160-240 us with 1024, 170-250 us with 256 (one noisy machine, alternating runs).
inline constexpr std::size_t source_tile_elements = 16384;

/// How a fused loop with tile sources runs: the table entries it reads as arrays (offset
/// to each tile), its sources, and one tile buffer per source and thread.
struct tiled_plan {
    std::vector<std::size_t> offset;
    std::vector<tile_source> sources;
    nd::NDArray scratch;
    std::size_t threads = 1;
};

/// out[i] = ev(i) for i in [0, n), a tile at a time: each tile first fills its sources'
/// buffers, then runs the loop body over the tile with the array entries offset to it.
template <class T, class Ev, std::size_t M>
void run_fused_tiled(const Ev& ev, const std::array<const void*, M>& in, const tiled_plan& p, T* out, std::size_t n) {
    constexpr std::size_t tile = source_tile_elements;
    auto range = [&](std::size_t b0, std::size_t b1, T* buffers) {
        std::array<const void*, M> tbl = in;
        for (std::size_t b = b0; b < b1; b += tile) {
            const std::size_t e = std::min(b1, b + tile);
            for (auto k : p.offset) tbl[k] = static_cast<const T*>(in[k]) + b;
            for (std::size_t j = 0; j < p.sources.size(); ++j) {
                T* buf = buffers + j * tile;
                p.sources[j].run(p.sources[j].ctx.get(), buf, b, e);
                tbl[p.sources[j].entry] = buf;
            }
            run_range(ev, tbl, out + b, 0, e - b);
        }
    };
    T* scratch = static_cast<T*>(p.scratch.raw());
#ifdef _OPENMP
    // Only the threaded path needs it: a build without OpenMP must not warn (-Wunused-variable).
    const std::size_t per_thread = p.sources.size() * tile;
    if (n >= parallel_min_elements && p.threads > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(static_cast<int>(p.threads))
        {
            const auto threads = static_cast<std::size_t>(omp_get_num_threads());
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            std::size_t chunk = (n + threads - 1) / threads;
            chunk = (chunk + tile - 1) / tile * tile;
            const std::size_t b = std::min(n, t * chunk);
            range(b, std::min(n, b + chunk), scratch + t * per_thread);
        }
        return;
    }
#endif
    range(0, n, scratch);
}

} // namespace symflow::exec
