#pragma once
// Floating-point matrix product C = op(A) * op(B): cache-blocked, with both operands
// packed into contiguous micro-panels and an xsimd register-blocked micro-kernel.
// Serves dot, FullyConnected and batch_dot (through dot_op::gemm).
//
// Loop structure (the classic one): for each nc-wide column block of B and each kc-deep
// slice of the contraction, B's kc x nc panel is packed once (it stays in L3/L2); for each
// mc-row block of A, the mc x kc block is packed (it stays in L2); then every kc x NR
// micro-panel of B (kept in L1) meets every MR x kc micro-panel of A in the micro-kernel,
// which keeps an MR x NR tile of C in registers. Packing pads with zeros to whole
// micro-panels, so the kernel never branches on the edges; partial tiles of C are written
// through a small buffer. transpose_a / transpose_b only change how packing reads.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

#include <xsimd/xsimd.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace symflow::ops::gemm_impl {

/// Register and cache blocking for element type T. The register tile is MR x (NB
/// vectors): with 32 vector registers (AVX-512) 14 x 2 leaves 28 accumulators + 2 B
/// vectors + 1 broadcast; with 16 (SSE/AVX2/NEON as xsimd picks them) 6 x 2 fits.
/// Cache blocks: the kc x NR micro-panel of B (32 KiB) and an MR x kc micro-panel of A
/// stream through L1 (measured on Zen 3, 32 KiB L1: kc = 512 beat 256 and 384 by ~10-25 %,
/// fewer passes over C outweighing L1 misses served from L2); the mc x kc block of A takes
/// about half of L2 (288 KiB of 512 KiB; 512 KiB where AVX-512 cores have 1 MiB); the
/// kc x nc panel of B lives in L3. The AVX-512 figures are chosen, not measured: the
/// machine this was tuned on has AVX2.
template <class T>
struct blocking {
    using batch = xsimd::batch<T>;
    static constexpr std::size_t W = batch::size;
    static constexpr bool wide_file = sizeof(batch) >= 64;  // AVX-512: 32 zmm registers
    static constexpr std::size_t MR = wide_file ? 14 : 6;
    static constexpr std::size_t NB = 2;
    static constexpr std::size_t NR = NB * W;
    static constexpr std::size_t KC = std::min<std::size_t>(512, 32768 / (NR * sizeof(T)));
    static constexpr std::size_t a_block_bytes = wide_file ? 524288 : 294912;
    static constexpr std::size_t MC = std::max<std::size_t>(1, a_block_bytes / (KC * sizeof(T) * MR)) * MR;
    // 4 MiB of B at most: the panel is shared by the threads through L3, and the buffer
    // is kept per calling thread
    static constexpr std::size_t NC = std::max<std::size_t>(1, 4194304 / (KC * sizeof(T) * NR)) * NR;
};

/// A read-only strided matrix view: element (i, j) is p[i * rs + j * cs].
template <class T>
struct view {
    const T* p;
    std::size_t rs, cs;
    T operator()(std::size_t i, std::size_t j) const { return p[i * rs + j * cs]; }
};

/// A 64-byte aligned scratch array owned by one thread, grown on demand and kept, so that
/// repeated products of the same size allocate nothing after the first.
template <class T>
class scratch {
public:
    scratch() = default;
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() { std::free(p_); }
    /// At least `count` elements; the old contents are not kept.
    T* get(std::size_t count) {
        if (count > cap_) {
            const std::size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
            void* q = std::aligned_alloc(64, bytes);
            if (!q) throw std::bad_alloc();
            std::free(p_);
            p_ = static_cast<T*>(q);
            cap_ = count;
        }
        return p_;
    }

private:
    T* p_ = nullptr;
    std::size_t cap_ = 0;
};

/// Packs rows [i0, i0 + mr) x columns [l0, l0 + kc) of A as one MR x kc micro-panel:
/// element (r, l) at dst[l * MR + r], rows past mr zero.
template <std::size_t MR, class T>
void pack_a(view<T> a, std::size_t i0, std::size_t mr, std::size_t l0, std::size_t kc, T* dst) {
    if (a.cs == 1) {
        // rows contiguous: read each row in order, write with stride MR (dst is in L1)
        for (std::size_t r = 0; r < mr; ++r) {
            const T* src = a.p + (i0 + r) * a.rs + l0;
            for (std::size_t l = 0; l < kc; ++l) dst[l * MR + r] = src[l];
        }
    } else {
        for (std::size_t l = 0; l < kc; ++l) {
            const T* src = a.p + (l0 + l) * a.cs + i0 * a.rs;
            for (std::size_t r = 0; r < mr; ++r) dst[l * MR + r] = src[r * a.rs];
        }
    }
    if (mr < MR)
        for (std::size_t l = 0; l < kc; ++l) std::fill(dst + l * MR + mr, dst + (l + 1) * MR, T(0));
}

/// Packs rows [l0, l0 + kc) x columns [j0, j0 + nr) of B as one kc x NR micro-panel:
/// element (l, c) at dst[l * NR + c], columns past nr zero.
template <std::size_t NR, class T>
void pack_b(view<T> b, std::size_t l0, std::size_t kc, std::size_t j0, std::size_t nr, T* dst) {
    if (b.cs == 1) {
        for (std::size_t l = 0; l < kc; ++l) {
            const T* src = b.p + (l0 + l) * b.rs + j0;
            T* d = dst + l * NR;
            std::copy(src, src + nr, d);
            std::fill(d + nr, d + NR, T(0));
        }
    } else {
        // transposed B: each column is contiguous in l; write with stride NR (dst is in L1)
        for (std::size_t c = 0; c < nr; ++c) {
            const T* src = b.p + (j0 + c) * b.cs + l0 * b.rs;
            for (std::size_t l = 0; l < kc; ++l) dst[l * NR + c] = src[l * b.rs];
        }
        if (nr < NR)
            for (std::size_t l = 0; l < kc; ++l) std::fill(dst + l * NR + nr, dst + (l + 1) * NR, T(0));
    }
}

/// The register-blocked kernel: the MR x NR tile at c (row stride ldc, of which the
/// top-left mr x nr is real) becomes (accumulate ? tile : 0) + pa * pb over kc steps.
template <class T, std::size_t MR, std::size_t NB>
void micro_kernel(std::size_t kc, const T* __restrict pa, const T* __restrict pb, T* c, std::size_t ldc,
                  std::size_t mr, std::size_t nr, bool accumulate) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size, NR = NB * W;
    B acc[MR][NB];
    for (std::size_t r = 0; r < MR; ++r) {
        for (std::size_t v = 0; v < NB; ++v) acc[r][v] = B(T(0));
        // the tile of C is read or written only after kc steps: fetch it meanwhile
        __builtin_prefetch(c + r * ldc, 1);
        __builtin_prefetch(c + r * ldc + NR - 1, 1);
    }
#pragma GCC unroll 4
    for (std::size_t l = 0; l < kc; ++l) {
        B bv[NB];
        for (std::size_t v = 0; v < NB; ++v) bv[v] = B::load_aligned(pb + v * W);
        for (std::size_t r = 0; r < MR; ++r) {
            const B ar(pa[r]);
            for (std::size_t v = 0; v < NB; ++v) acc[r][v] = xsimd::fma(ar, bv[v], acc[r][v]);
        }
        pa += MR;
        pb += NR;
    }
    if (mr == MR && nr == NR) {
        for (std::size_t r = 0; r < MR; ++r)
            for (std::size_t v = 0; v < NB; ++v) {
                T* dst = c + r * ldc + v * W;
                (accumulate ? acc[r][v] + B::load_unaligned(dst) : acc[r][v]).store_unaligned(dst);
            }
        return;
    }
    alignas(64) T tile[MR * NR];
    for (std::size_t r = 0; r < MR; ++r)
        for (std::size_t v = 0; v < NB; ++v) acc[r][v].store_aligned(tile + r * NR + v * W);
    for (std::size_t r = 0; r < mr; ++r)
        for (std::size_t j = 0; j < nr; ++j) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : T(0)) + tile[r * NR + j];
}

/// Splits `count` items into `parts` near-equal ranges; returns the start of range `i`.
inline std::size_t split_point(std::size_t count, std::size_t parts, std::size_t i) { return count * i / parts; }

/// The product on `threads` threads (thread `t` calling): C (m x n, row-major) = A (m x k)
/// * B (k x n). Thread t owns a range of C's row micro-panels (split_rows) or of its
/// column micro-panels; all threads pack the shared B panel together, then synchronise.
template <class T, class Cfg = blocking<T>>
void run(view<T> a, view<T> b, T* c, std::size_t m, std::size_t k, std::size_t n, T* bpanel,
         std::size_t t, std::size_t threads, bool split_rows) {
    constexpr std::size_t MR = Cfg::MR, NR = Cfg::NR, KC = Cfg::KC, MC = Cfg::MC, NC = Cfg::NC;
    thread_local scratch<T> abuf;
    T* apanel = abuf.get(std::min(MC, (m + MR - 1) / MR * MR) * std::min(KC, k));
    const std::size_t row_parts = split_rows ? threads : 1, col_parts = split_rows ? 1 : threads;
    const std::size_t ti = split_rows ? t : 0, tj = split_rows ? 0 : t;
    const std::size_t row_panels = (m + MR - 1) / MR;
    const std::size_t i_begin = std::min(m, split_point(row_panels, row_parts, ti) * MR);
    const std::size_t i_end = std::min(m, split_point(row_panels, row_parts, ti + 1) * MR);
    for (std::size_t jc = 0; jc < n; jc += NC) {
        const std::size_t nc = std::min(NC, n - jc), col_panels = (nc + NR - 1) / NR;
        const std::size_t jp_begin = split_point(col_panels, col_parts, tj);
        const std::size_t jp_end = split_point(col_panels, col_parts, tj + 1);
        for (std::size_t pc = 0; pc < k; pc += KC) {
            const std::size_t kc = std::min(KC, k - pc);
            if (threads > 1 && (jc != 0 || pc != 0)) {  // B's panel is about to be overwritten
#ifdef _OPENMP
#pragma omp barrier
#endif
            }
            // every thread packs its share of B's micro-panels
            for (std::size_t jp = split_point(col_panels, threads, t); jp < split_point(col_panels, threads, t + 1); ++jp)
                pack_b<NR>(b, pc, kc, jc + jp * NR, std::min(NR, nc - jp * NR), bpanel + jp * NR * kc);
            if (threads > 1) {
#ifdef _OPENMP
#pragma omp barrier
#endif
            }
            for (std::size_t ic = i_begin; ic < i_end; ic += MC) {
                const std::size_t mc = std::min(MC, i_end - ic);
                for (std::size_t ip = 0; ip * MR < mc; ++ip)
                    pack_a<MR>(a, ic + ip * MR, std::min(MR, mc - ip * MR), pc, kc, apanel + ip * MR * kc);
                for (std::size_t jp = jp_begin; jp < jp_end; ++jp) {
                    const std::size_t nr = std::min(NR, nc - jp * NR);
                    for (std::size_t ip = 0; ip * MR < mc; ++ip)
                        micro_kernel<T, MR, Cfg::NB>(kc, apanel + ip * MR * kc, bpanel + jp * NR * kc,
                                                     c + (ic + ip * MR) * n + jc + jp * NR, n,
                                                     std::min(MR, mc - ip * MR), nr, pc != 0);
                }
            }
        }
    }
}

/// Products of at least this many multiply-adds fork threads: ~0.4-1 us per fork/join
/// against ~10-30 us of work on one core.
inline constexpr double parallel_min_madds = 2097152.0;

/// C = A * B for row-major views, threads chosen here: several when the product is big
/// enough to pay for a fork/join and no enclosing parallel region is active.
template <class T, class Cfg = blocking<T>>
void gemm(view<T> a, view<T> b, T* c, std::size_t m, std::size_t k, std::size_t n) {
    constexpr std::size_t NR = Cfg::NR, NC = Cfg::NC, KC = Cfg::KC;
    std::size_t threads = 1;
#ifdef _OPENMP
    if (static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) >= parallel_min_madds && !omp_in_parallel())
        threads = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
#endif
    // the shared B panel belongs to the calling thread
    thread_local scratch<T> bbuf;
    T* bpanel = bbuf.get(std::min(KC, k) * std::min(NC, (n + NR - 1) / NR * NR));
    if (threads == 1) return run<T, Cfg>(a, b, c, m, k, n, bpanel, 0, 1, false);
#ifdef _OPENMP
    // Rows per thread when each gets two row micro-panels or more: then A is packed once in
    // all, by its rows' owner. Otherwise (few rows, e.g. FullyConnected on a small batch)
    // columns per thread, each thread packing all of the small A.
    const bool split_rows = (m + Cfg::MR - 1) / Cfg::MR >= 2 * threads;
#pragma omp parallel num_threads(static_cast<int>(threads))
    // the runtime may give fewer threads than asked: split among the team it gave
    run<T, Cfg>(a, b, c, m, k, n, bpanel, static_cast<std::size_t>(omp_get_thread_num()),
                static_cast<std::size_t>(omp_get_num_threads()), split_rows);
#endif
}

/// sum x[l] * y[l] for l < len, in two SIMD partial sums.
template <class T>
T dot_row(const T* x, const T* y, std::size_t len) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size;
    B s0(T(0)), s1(T(0));
    std::size_t l = 0;
    for (; l + 2 * W <= len; l += 2 * W) {
        s0 = xsimd::fma(B::load_unaligned(x + l), B::load_unaligned(y + l), s0);
        s1 = xsimd::fma(B::load_unaligned(x + l + W), B::load_unaligned(y + l + W), s1);
    }
    T r = xsimd::hadd(s0 + s1);
    for (; l < len; ++l) r += x[l] * y[l];
    return r;
}

/// Whether a memory-bound pass over `elements` matrix entries is worth a fork/join.
inline bool gemv_parallel(std::size_t elements) {
#ifdef _OPENMP
    return elements >= (std::size_t(1) << 18) && !omp_in_parallel() && omp_get_max_threads() > 1;
#else
    (void)elements;
    return false;
#endif
}

// Matrix-vector products (m = 1 or n = 1) skip packing, which would waste a whole
// register tile of work per useful row or column.

/// out[i] = dot(x + i * ld, y) for i < rows: a matrix-vector product over contiguous rows.
template <class T>
void rows_dot(const T* x, std::size_t ld, const T* y, std::size_t rows, std::size_t len, T* out) {
    [[maybe_unused]] const bool par = gemv_parallel(rows * len);
#pragma omp parallel for schedule(static) if (par)
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(rows); ++i)
        out[i] = dot_row(x + static_cast<std::size_t>(i) * ld, y, len);
}

/// out[j] = sum_l s[l] * x[l * ld + j] for j < cols (rows of x contiguous).
template <class T>
void rows_axpy(const T* s, const T* x, std::size_t ld, std::size_t count, std::size_t cols, T* out) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size, chunk = 64 * W;  // a chunk of out stays in registers/L1
    const std::size_t chunks = (cols + chunk - 1) / chunk;
    [[maybe_unused]] const bool par = gemv_parallel(count * cols) && chunks > 1;
#pragma omp parallel for schedule(static) if (par)
    for (std::ptrdiff_t q = 0; q < static_cast<std::ptrdiff_t>(chunks); ++q) {
        const std::size_t j0 = static_cast<std::size_t>(q) * chunk, j1 = std::min(cols, j0 + chunk);
        std::fill(out + j0, out + j1, T(0));
        for (std::size_t l = 0; l < count; ++l) {
            const B sv(s[l]);
            const T* row = x + l * ld;
            std::size_t j = j0;
            for (; j + W <= j1; j += W)
                xsimd::fma(sv, B::load_unaligned(row + j), B::load_unaligned(out + j)).store_unaligned(out + j);
            for (; j < j1; ++j) out[j] += s[l] * row[j];
        }
    }
}

} // namespace symflow::ops::gemm_impl

namespace symflow::ops {

/// C (m x n, row-major) = op(A) * op(B) for float and double, where op(A) is m x k and
/// A is stored row-major as m x k, or as k x m when transpose_a (likewise B, k x n or
/// n x k). k = 0 gives zeros.
template <class T>
    requires std::is_floating_point_v<T>
void blocked_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t k, std::size_t n, const T* a,
                  const T* b, T* c) {
    namespace g = gemm_impl;
    if (m == 0 || n == 0) return;
    if (k == 0) return std::fill(c, c + m * n, T(0));
    // a vector operand: op(A) row 0 is a[0..k) and op(B) column 0 is b[0..k) either way
    if (n == 1) {
        if (!transpose_a) return g::rows_dot(a, k, b, m, k, c);
        return g::rows_axpy(b, a, m, k, m, c);
    }
    if (m == 1) {
        if (transpose_b) return g::rows_dot(b, k, a, n, k, c);
        return g::rows_axpy(a, b, n, k, n, c);
    }
    const g::view<T> av{a, transpose_a ? 1 : k, transpose_a ? m : 1};
    const g::view<T> bv{b, transpose_b ? 1 : n, transpose_b ? k : 1};
    g::gemm<T>(av, bv, c, m, k, n);
}

} // namespace symflow::ops
