#pragma once
// Two-level kernels ("superinstructions") for the interpreter: root(l, r) in one loop,
// where the root is + - * / and each side is an input or + - * / of two inputs.
//
// The interpreter otherwise runs one op at a time over a tile, each intermediate going
// through a tile buffer: E = (A*B)+(C*D) is then three passes with two extra stores per
// element, and ran at 0.45-0.65x the static executor's single loop at 1e6 float32; a
// switch-per-batch bytecode was slower still. One two-level kernel is that single loop.
// Only float32 and float64 get them (4 x 25 loops each); integer trees run op by op.
#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "../exec/fused_loop.hpp"
#include "../ops/arithmetic.hpp"

namespace symflow::sym::rt {

/// Signature of an elementwise loop: out[i] = f(in0[i], in1[i], ...) for i < n.
using elementwise_fn = void (*)(const void* prepared, const void* const* in, void* out, std::size_t n);

namespace detail {

/// The ops a two-level kernel inlines, by index (an op_runtime's `arith`).
using arith_ops = std::tuple<ops::elemwise_add, ops::elemwise_sub, ops::elemwise_mul, ops::elemwise_div>;
inline constexpr int num_arith = 4;

/// Index of Op in arith_ops, or -1.
template <class Op>
constexpr int arith_index() {
    return []<std::size_t... K>(std::index_sequence<K...>) {
        int r = -1;
        ((std::is_same_v<Op, std::tuple_element_t<K, arith_ops>> ? (r = int(K)) : 0), ...);
        return r;
    }(std::make_index_sequence<num_arith>{});
}

template <class V, class T>
V load_elems(const T* p, std::size_t i) {
    if constexpr (ops::is_batch_v<V>) return V::load_unaligned(p + i);
    else return p[i];
}

/// One side of a two-level kernel: its input `p[0]` (K < 0), or arith op K of `p[0]`, `p[1]`.
template <int K, class V, class T>
V pair_side(const T* const* p, std::size_t i) {
    if constexpr (K < 0) return load_elems<V>(p[0], i);
    else
        return std::tuple_element_t<K, arith_ops>::template apply<V>(load_elems<V>(p[0], i),
                                                                     load_elems<V>(p[1], i));
}

/// root(left, right) over n elements; inputs are the left side's, then the right side's.
/// With Stream, the output is written past the caches (scalar elements up to the first
/// vector-aligned one, then streaming stores; the caller fences), as the static executor's
/// loops write outputs that cannot stay in the cache.
template <int Root, int L, int R, class T, bool Stream>
void run_pair(const void*, const void* const* in, void* out_v, std::size_t n) {
    using B = xsimd::batch<T>;
    using RootOp = std::tuple_element_t<Root, arith_ops>;
    constexpr std::size_t W = B::size, nl = L < 0 ? 1 : 2, nr = R < 0 ? 1 : 2;
    // local pointers: stores to `out` cannot change them, so they stay in registers
    std::array<const T*, nl + nr> p;
    for (std::size_t k = 0; k < nl + nr; ++k) p[k] = static_cast<const T*>(in[k]);
    T* out = static_cast<T*>(out_v);
    auto scalar = [&](std::size_t i) {
        out[i] = RootOp::template apply<T>(pair_side<L, T>(p.data(), i), pair_side<R, T>(p.data() + nl, i));
    };
    std::size_t i = 0;
    if constexpr (Stream) {
        for (const std::size_t head = exec::stream_head(out, n); i < head; ++i) scalar(i);
        for (; i + W <= n; i += W)
            exec::stream_store(out + i, RootOp::template apply<B>(pair_side<L, B>(p.data(), i),
                                                                  pair_side<R, B>(p.data() + nl, i)));
    } else {
        for (; i + W <= n; i += W)
            RootOp::template apply<B>(pair_side<L, B>(p.data(), i), pair_side<R, B>(p.data() + nl, i))
                .store_unaligned(out + i);
    }
    for (; i < n; ++i) scalar(i);
}

/// The two-level loop of root op Root for T, sides `l` and `r` in [-1, num_arith); with
/// Stream, its streaming-store form.
template <int Root, class T, bool Stream = false>
elementwise_fn pair_fn(int l, int r) {
    constexpr std::size_t sides = num_arith + 1;
    static constexpr auto table = []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<elementwise_fn, sizeof...(I)>{
            &run_pair<Root, int(I / sides) - 1, int(I % sides) - 1, T, Stream>...};
    }(std::make_index_sequence<sides * sides>{});
    return table[std::size_t(l + 1) * sides + std::size_t(r + 1)];
}

} // namespace detail

} // namespace symflow::sym::rt
