#pragma once
// The fused loop: one pass over the data, xsimd batches in the body, a scalar tail,
// split across OpenMP threads when the work pays for the fork.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

#include "../nd/ndarray.hpp"
#include "../ops/op.hpp"
#ifdef _OPENMP
#include <omp.h>
#endif

namespace symflow::exec {

/// The element count from which kernels split across threads (ops::parallel_min_elements);
/// fused loops weigh it by their work (parallel_min_work).
inline constexpr std::size_t parallel_min_elements = ops::parallel_min_elements;

/// Bytes of the last-level cache, which decides when a loop's stores should bypass it
/// (32 MiB, this machine's L3, when the system does not say).
inline std::size_t last_level_cache_bytes() {
    static const std::size_t bytes = [] {
        long r = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
        r = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
        return r > 0 ? static_cast<std::size_t>(r) : std::size_t(32) << 20;
    }();
    return bytes;
}

namespace detail {
inline std::atomic<std::size_t>& streaming_min_bytes_setting() {
    static std::atomic<std::size_t> bytes{0};
    return bytes;
}
} // namespace detail

/// Sets how many bytes a loop must touch before its output is streamed (0: the last-level
/// cache's size, the default). For tests and tuning; executors read it when they bind.
inline void set_streaming_min_bytes(std::size_t bytes) {
    detail::streaming_min_bytes_setting().store(bytes, std::memory_order_relaxed);
}
/// How many bytes a loop must touch before its output is streamed.
inline std::size_t streaming_min_bytes() {
    const std::size_t b = detail::streaming_min_bytes_setting().load(std::memory_order_relaxed);
    return b ? b : last_level_cache_bytes();
}

/// How a loop over whole arrays runs, decided at bind from its size.
struct loop_plan {
    bool parallel = false;  ///< split across the OpenMP threads
    bool stream = false;    ///< write the output with streaming (non-temporal) stores
};

/// Work units (element x (arrays touched + ops::cost_v of its ops)) below which a fused
/// loop runs on one thread: an OpenMP fork/join costs 0.4-1.3 us here, so A*B + C*D (5
/// arrays, 3 ops: 8 units an element) splits from parallel_min_elements on, and a loop of
/// transcendental ops from a few thousand elements (anchors: break-even at 5e3-1.5e4 and
/// 1.5e3-4e3 elements).
inline constexpr std::size_t parallel_min_work = parallel_min_elements * 8;

/// The plan for a loop over n elements of `elem` bytes that reads and writes `arrays`
/// arrays in all and runs ops costing `ops_cost` per element. Threads pay from
/// parallel_min_work on. Streaming stores pay when the data cannot stay in the last-level
/// cache anyway: the output line is then not read before it is written (20 instead of 24
/// bytes per element of A*B + C*D from DRAM; 1.2-1.9x at 1.6e7 float32 in the anchors),
/// but below that size they would push an output the next step reads out of the cache.
inline loop_plan plan_loop(std::size_t n, std::size_t elem, std::size_t arrays, std::size_t ops_cost = 0) {
    loop_plan p;
#ifdef _OPENMP
    p.parallel = static_cast<double>(n) * static_cast<double>(arrays + ops_cost) >=
                     static_cast<double>(parallel_min_work) &&
                 omp_get_max_threads() > 1;
#else
    (void)ops_cost;
#endif
    p.stream = static_cast<double>(n) * static_cast<double>(elem) * static_cast<double>(arrays) >
               static_cast<double>(streaming_min_bytes());
    return p;
}

/// Stores v at p (aligned to the batch's width) past the caches; a plain aligned store
/// where the instruction set has no streaming store of that width.
template <class T, class A>
inline void stream_store(T* p, const xsimd::batch<T, A>& v) {
    // Chosen by element type and width, not by register type (comparing vector types
    // trips -Wignored-attributes).
    using R = typename xsimd::batch<T, A>::register_type;
    const R r = v;
    constexpr bool f32 = std::is_same_v<T, float>, f64 = std::is_same_v<T, double>;
#if defined(__AVX512F__)
    if constexpr (sizeof(R) == 64) {
        if constexpr (f32) _mm512_stream_ps(p, r);
        else if constexpr (f64) _mm512_stream_pd(p, r);
        else _mm512_stream_si512(reinterpret_cast<__m512i*>(p), r);
        return;
    }
#endif
#if defined(__AVX__)
    if constexpr (sizeof(R) == 32) {
        if constexpr (f32) _mm256_stream_ps(p, r);
        else if constexpr (f64) _mm256_stream_pd(p, r);
        else _mm256_stream_si256(reinterpret_cast<__m256i*>(p), r);
        return;
    }
#endif
#if defined(__SSE2__)
    if constexpr (sizeof(R) == 16) {
        if constexpr (f32) _mm_stream_ps(p, r);
        else if constexpr (f64) _mm_stream_pd(p, r);
        else _mm_stream_si128(reinterpret_cast<__m128i*>(p), r);
        return;
    }
#endif
    v.store_aligned(p);
}

/// How many elements of T from `out` come before the first one aligned to a batch of T:
/// a streaming loop writes those (at most n) one by one, then whole batches.
template <class T>
inline std::size_t stream_head(const T* out, std::size_t n) {
    constexpr std::size_t width = sizeof(xsimd::batch<T>);
    const auto misaligned = reinterpret_cast<std::uintptr_t>(out) % width;
    return misaligned ? std::min(n, (width - misaligned) / sizeof(T)) : 0;
}

/// Orders a thread's streaming stores before what follows (the join of its parallel region).
inline void stream_fence() {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

/// Copies `bytes` from src to dst past the caches (dst aligned to 64 bytes; a plain copy
/// of what does not fill whole lines): the runtime interpreter's fused trees compute a tile
/// into a cache-resident buffer, then stream it to an output that cannot stay in the cache.
inline void stream_copy(void* dst, const void* src, std::size_t bytes) {
    using B = xsimd::batch<std::uint8_t>;  // a register of bytes, streamed by stream_store
    auto* d = static_cast<std::uint8_t*>(dst);
    const auto* s = static_cast<const std::uint8_t*>(src);
    std::size_t i = 0;
    if (reinterpret_cast<std::uintptr_t>(d) % sizeof(B) == 0)
        for (; i + B::size <= bytes; i += B::size) stream_store(d + i, B::load_unaligned(s + i));
    if (i < bytes) std::memcpy(d + i, s + i, bytes - i);
}

/// out[i] = ev(i) for i in [begin, end), one element at a time: the few elements before
/// the first aligned vector and after the last whole one. Not inlined: one copy of the
/// scalar expression per graph and dtype serves every loop's head and tail (inlined, each
/// was another copy of the whole graph for the compiler to optimise, for a few elements).
template <class T, class Ev>
[[gnu::noinline]] void run_scalar(const Ev& ev, const void* const* in, T* out, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = ev.template eval<T>(in, i);
}

/// out[i] = ev(i) for i in [begin, end): batches, then the scalar tail. `in` is the
/// table of input pointers the evaluator's leaves index. With Stream, scalar elements
/// up to the first vector-aligned one, then streaming stores.
template <class T, bool Stream = false, class Ev, std::size_t M>
inline void run_range(const Ev& ev_in, const std::array<const void*, M>& in_ptrs, T* out, std::size_t begin,
                      std::size_t end) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size;
    // Local copies: the compiler then knows stores to `out` cannot change them.
    const Ev ev = ev_in;
    const std::array<const void*, M> in = in_ptrs;
    std::size_t i = begin;
    if constexpr (Stream) {
        const std::size_t head = stream_head(out + i, end - i);
        if (head) run_scalar(ev, in.data(), out, i, i + head);
        for (i += head; i + W <= end; i += W) stream_store(out + i, ev.template eval<B>(in.data(), i));
        if (i < end) run_scalar(ev, in.data(), out, i, end);
        stream_fence();
        return;
    }
    for (; i + W <= end; i += W) ev.template eval<B>(in.data(), i).store_unaligned(out + i);
    if (i < end) run_scalar(ev, in.data(), out, i, end);
}

/// A piece of a threaded loop: elements [begin, end) of a loop, run by thread `thread`.
using chunk_fn = void (*)(const void* ctx, std::size_t thread, std::size_t begin, std::size_t end);

/// Runs body over [0, n) split into one chunk per thread (starts on multiples of `align`)
/// inside one parallel region of `threads` threads (0: OpenMP's default), or all of it on
/// this thread when already inside a parallel region (a task beside siblings,
/// exec/tasks.hpp). Not a template: the parallel region, and the function OpenMP outlines
/// for it, is compiled once rather than once per graph and dtype.
inline void parallel_chunks(std::size_t n, std::size_t align, std::size_t threads, chunk_fn body, const void* ctx) {
#ifdef _OPENMP
    if (!omp_in_parallel()) {
        const int team = threads ? static_cast<int>(threads) : omp_get_max_threads();
#pragma omp parallel num_threads(team)
        {
            const auto count = static_cast<std::size_t>(omp_get_num_threads());
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            std::size_t chunk = (n + count - 1) / count;
            chunk = (chunk + align - 1) / align * align;
            const std::size_t b = std::min(n, t * chunk);
            body(ctx, t, b, std::min(n, b + chunk));
        }
        return;
    }
#else
    (void)align;
    (void)threads;
#endif
    body(ctx, 0, 0, n);
}

/// parallel_chunks over a callable f(thread, begin, end).
template <class F>
void parallel_chunks(std::size_t n, std::size_t align, std::size_t threads, const F& f) {
    parallel_chunks(
        n, align, threads,
        [](const void* c, std::size_t t, std::size_t b, std::size_t e) { (*static_cast<const F*>(c))(t, b, e); }, &f);
}

/// out[i] = ev(i) for i in [0, n) as `plan` says: threaded over cache-line-aligned chunks
/// inside one parallel region, with streaming stores for data beyond the cache.
template <class T, class Ev, std::size_t M>
void run_fused(const Ev& ev, const std::array<const void*, M>& in, T* out, std::size_t n, loop_plan plan) {
    auto range = [&](std::size_t, std::size_t b, std::size_t e) {
        if (plan.stream) run_range<T, true>(ev, in, out, b, e);
        else run_range<T>(ev, in, out, b, e);
    };
    if (plan.parallel) parallel_chunks(n, 64 / sizeof(T), 0, range);  // chunks start on cache lines
    else range(0, 0, n);
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
    bool parallel = false;  ///< split across the threads (plan_loop, decided at bind)
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
    const std::size_t per_thread = p.sources.size() * tile;
    if (p.parallel && p.threads > 1)
        parallel_chunks(n, tile, p.threads,
                        [&](std::size_t t, std::size_t b, std::size_t e) { range(b, e, scratch + t * per_thread); });
    else range(0, n, scratch);
}

} // namespace symflow::exec
