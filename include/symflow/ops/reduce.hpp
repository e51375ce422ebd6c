#pragma once
// The reductions as materialized ops: sum, mean, prod, nansum, max, min, norm, argmax,
// argmin (MXNet 1.9.1's reduce ops), with their attributes, shape rules and kernels.
//
// Kernel outline. The input's dimensions are compacted: size-1 dimensions dropped and
// neighbours that are both reduced or both kept merged, so any reduction is either
//   - "contiguous": the innermost group is reduced; each output reduces runs of
//     contiguous elements (a vector loop with eight accumulators), or
//   - "column": the innermost group is kept; each output row accumulates whole input rows
//     (contiguous, eight at a time) into a row of accumulators that stays in L1.
// Floating sums are pairwise: leaves (4096 elements, or 64 rows) go into vector
// accumulators and leaves are combined as a balanced tree, built as a binary counter, so
// the error grows with log(n) rather than n. Large reductions run on the OpenMP threads in
// one parallel region: outputs (rows, column pieces) are shared out, and when there are too
// few of them the runs or rows are cut into chunks that are whole subtrees of that tree,
// so the result is bit-for-bit the same on any number of threads. (The column case cuts
// rows before it narrows its pieces: long row segments are what the prefetchers stream.)
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

/// The `axis` attribute of MXNet's reduce ops: None (every axis), one int, or a tuple of
/// ints. Written `{.axis = 1}` (stored as "1", as Python's axis=1) or `{.axis = {0, 2}}`
/// (a tuple, "(0, 2)"; `{1}` is the one-element tuple "(1,)", as Python's axis=(1,)).
class axis_list {
public:
    /// None: reduce over every axis.
    axis_list() = default;
    /// One axis; negative values count from the end.
    axis_list(int axis) : axes_{axis}, form_(form::single) {}
    /// A tuple of axes.
    axis_list(std::initializer_list<int> axes) : axes_(axes), form_(form::tuple) {}
    /// A tuple of axes; an empty one is MXNet's axis=(), which reduces every axis too.
    axis_list(std::vector<int> axes) : axes_(std::move(axes)), form_(form::tuple) {}

    /// False for None.
    bool has_value() const { return form_ != form::none; }
    /// The axes as given (unsorted, possibly negative).
    const std::vector<int>& values() const { return axes_; }
    /// Python's str() of the value: "None", "1", "(1,)", "(0, 2)", "()".
    std::string str() const {
        if (form_ == form::none) return "None";
        if (form_ == form::single) return std::to_string(axes_[0]);
        return python_tuple_str(axes_);
    }
    bool operator==(const axis_list&) const = default;
    /// Attribute `key` read back: absent or "None" is None, a bare integer ("1") one
    /// axis, a tuple ("(1,)", "(0, 2)", "()", "[0, 2]") a tuple.
    static axis_list from_attr(const attr_reader& r, std::string_view key) {
        if (!r.has(key) || attr_detail::trim(r.str(key)) == "None") return {};
        if (parse_int(r.str(key)))
            return axis_list(static_cast<int>(r.integer(key, 0, attr_detail::int_lo, attr_detail::int_hi)));
        std::vector<int> axes;
        for (long long a : r.tuple(key, {}, attr_detail::int_lo, attr_detail::int_hi))
            axes.push_back(static_cast<int>(a));
        return axis_list(std::move(axes));
    }

private:
    enum class form { none, single, tuple };
    std::vector<int> axes_;
    form form_ = form::none;
};

/// Attributes of sum, mean, prod, nansum, max and min (MXNet's ReduceAxesParam).
struct reduce_param {
    axis_list axis{};       ///< None: every axis
    bool keepdims = false;  ///< keep the reduced axes as dimensions of size 1
    bool exclude = false;   ///< reduce over the axes NOT listed in `axis`

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (axis.has_value()) r["axis"] = axis.str();
        if (keepdims) r["keepdims"] = "True";
        if (exclude) r["exclude"] = "True";
        return r;
    }
    /// axis (default None), keepdims and exclude (default False).
    static reduce_param from_attrs(const attr_reader& r) {
        return {axis_list::from_attr(r, "axis"), r.boolean("keepdims", false), r.boolean("exclude", false)};
    }
};

/// Attributes of norm (MXNet's NormParam without out_dtype). Only ord = 2 is implemented.
struct norm_param {
    int ord = 2;            ///< the order of the norm; anything but 2 is an error at bind
    axis_list axis{};       ///< None: every axis; two axes give the Frobenius norm
    bool keepdims = false;  ///< keep the reduced axes as dimensions of size 1

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (ord != 2) r["ord"] = std::to_string(ord);
        if (axis.has_value()) r["axis"] = axis.str();
        if (keepdims) r["keepdims"] = "True";
        return r;
    }
    /// ord (default 2), axis (default None) and keepdims (default False); out_dtype only at its default, None.
    static norm_param from_attrs(const attr_reader& r) {
        if (auto d = r.str("out_dtype", "None"); attr_detail::trim(d) != "None")
            throw r.bad("out_dtype", d, "None: norm with an output dtype other than its input's is not supported");
        return {static_cast<int>(r.integer("ord", 2, attr_detail::int_lo, attr_detail::int_hi)),
                axis_list::from_attr(r, "axis"), r.boolean("keepdims", false)};
    }
};

/// Attributes of argmax and argmin (MXNet's ReduceAxisParam).
struct arg_reduce_param {
    std::optional<int> axis{};  ///< one axis; None searches the flattened array
    bool keepdims = false;      ///< keep the searched axis as a dimension of size 1

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (axis) r["axis"] = std::to_string(*axis);
        if (keepdims) r["keepdims"] = "True";
        return r;
    }
    /// axis (default None) and keepdims (default False).
    static arg_reduce_param from_attrs(const attr_reader& r) {
        arg_reduce_param p;
        if (auto a = r.opt_integer("axis", attr_detail::int_lo, attr_detail::int_hi)) p.axis = static_cast<int>(*a);
        p.keepdims = r.boolean("keepdims", false);
        return p;
    }
};

namespace reduce_detail {

/// Most dimensions a reduced input may have (the reduced-axis set is a 64-bit mask and
/// the kernels keep their index tables on the stack).
inline constexpr std::size_t max_dims = 32;

/// "2-d input", for error messages.
inline std::string ndim_str(std::size_t ndim) { return std::to_string(ndim) + "-d input"; }

/// Refuses inputs of more than max_dims dimensions.
inline void check_ndim(std::size_t ndim) {
    if (ndim > max_dims)
        throw error("reductions support inputs of up to " + std::to_string(max_dims) + " dimensions, got a " +
                    ndim_str(ndim));
}

/// The reduced axes of an ndim-d input as a bit mask, by MXNet's rule: None and () reduce
/// every axis (exclude or not); negative axes count from the end; out-of-range and
/// repeated axes are errors.
inline std::uint64_t reduced_axes(const axis_list& axis, bool exclude, std::size_t ndim) {
    check_ndim(ndim);
    const std::uint64_t all = (std::uint64_t(1) << ndim) - 1;
    if (!axis.has_value() || axis.values().empty()) return all;
    std::uint64_t mask = 0;
    const auto n = static_cast<long long>(ndim);
    for (int a : axis.values()) {
        const long long r = a < 0 ? a + n : a;
        if (r < 0 || r >= n)
            throw error("axis " + std::to_string(a) + " is out of range for a " + ndim_str(ndim) + " (valid axes are " +
                        (n ? std::to_string(-n) + " to " + std::to_string(n - 1) : std::string("none")) + ")");
        const std::uint64_t bit = std::uint64_t(1) << r;
        if (mask & bit)
            throw error("axis " + axis.str() + " names axis " + std::to_string(r) + " of the " + ndim_str(ndim) +
                        " twice");
        mask |= bit;
    }
    return exclude ? (all & ~mask) : mask;
}

/// The output shape (MXNet's ReduceAxesShapeImpl): reduced axes become 1 with keepdims
/// and disappear without it; reducing every axis without keepdims gives shape (1,).
inline Shape reduced_shape(const Shape& in, std::uint64_t mask, bool keepdims) {
    std::vector<Shape::dim_t> out;
    for (std::size_t i = 0; i < in.ndim(); ++i) {
        const bool reduced = (mask >> i) & 1;
        if (keepdims) out.push_back(reduced ? 1 : in[i]);
        else if (!reduced) out.push_back(in[i]);
    }
    if (!keepdims && out.empty()) out.push_back(1);
    return Shape(std::move(out));
}

/// Elements per output (product of the reduced extents).
inline std::size_t reduce_count(const Shape& in, std::uint64_t mask) {
    std::size_t n = 1;
    for (std::size_t i = 0; i < in.ndim(); ++i)
        if ((mask >> i) & 1) n *= static_cast<std::size_t>(in[i]);
    return n;
}

/// Refuses an empty reduction for the ops without an identity (max, min, argmax, argmin);
/// an empty output needs no reduction and is allowed, as numpy allows it.
inline void check_nonempty(const Shape& in, std::size_t count, const Shape& out) {
    if (count == 0 && out.num_elements() != 0)
        throw error("cannot reduce an empty axis: the reduced axes of shape " + in.str() +
                    " hold no elements and this reduction has no identity value");
}

/// An index-to-offset table over up to max_dims groups of dimensions (outermost first).
struct radix {
    std::size_t n = 0;
    std::array<std::size_t, max_dims> size{}, stride{};

    /// Input offset of the i-th element (row-major over the groups).
    std::size_t offset(std::size_t i) const {
        std::size_t off = 0;
        for (std::size_t k = n; k-- > 0;) {
            off += (i % size[k]) * stride[k];
            i /= size[k];
        }
        return off;
    }
};

/// How one reduction walks its input, planned from the shape and reduced-axis mask.
struct plan {
    std::size_t n_out = 1;       ///< output elements
    std::size_t count = 1;       ///< input elements per output element
    radix kept, red;             ///< the compacted kept and reduced groups
    bool inner_reduced = false;  ///< the innermost group is reduced (contiguous case)

    plan(const Shape& s, std::uint64_t mask) {
        for (std::size_t i = 0; i < s.ndim(); ++i) ((mask >> i) & 1 ? count : n_out) *= static_cast<std::size_t>(s[i]);
        if (n_out == 0 || count == 0) return;  // nothing to read
        // groups from the innermost outwards; size-1 dimensions take no part
        std::array<std::size_t, max_dims> gsize{}, gstride{};
        std::array<bool, max_dims> gred{};
        std::size_t ng = 0, stride = 1;
        for (std::size_t i = s.ndim(); i-- > 0;) {
            const auto d = static_cast<std::size_t>(s[i]);
            if (d == 1) continue;
            const bool r = (mask >> i) & 1;
            if (ng && gred[ng - 1] == r) gsize[ng - 1] *= d;
            else {
                gsize[ng] = d, gstride[ng] = stride, gred[ng] = r;
                ++ng;
            }
            stride *= d;
        }
        inner_reduced = ng && gred[0];
        for (std::size_t g = ng; g-- > 0;) {
            radix& x = gred[g] ? red : kept;
            x.size[x.n] = gsize[g], x.stride[x.n] = gstride[g];
            ++x.n;
        }
    }
    /// Input offset of the first element reduced into output element o.
    std::size_t base_of(std::size_t o) const {
        if (red.n == 0) return o;  // nothing reduced: output o is input element o
        if (inner_reduced) return kept.offset(o);
        radix outer = kept;
        --outer.n;
        const std::size_t w = kept.size[kept.n - 1];
        return outer.offset(o / w) + o % w;
    }
};

/// Below this many input elements a reduction runs on one thread (ops::parallel_min_elements).
inline constexpr std::size_t parallel_min = ops::parallel_min_elements;
/// Elements per leaf of the pairwise tree over a contiguous run. A leaf goes into eight
/// vector accumulators, so each adds leaf_block / (8 W) values in sequence (32 for float32);
/// leaves are combined pairwise, so the error grows with log(n) rather than n.
inline constexpr std::size_t leaf_block = 4096;
/// Rows per leaf of the column case: rows are added eight at a time (leaf_group), then
/// into the leaf's row of accumulators (8 additions in sequence); leaves are combined pairwise.
inline constexpr std::size_t leaf_rows = 64;
/// Bytes of accumulators per column piece of the column case, so that a leaf's
/// accumulators stay in L1 while it streams its rows.
inline constexpr std::size_t piece_bytes = 16384;
/// Columns per tile of argmax / argmin over a non-innermost axis.
inline constexpr std::size_t col_tile = 128;
/// Most chunks one run (or one column piece) is split into for the threads. Chunks are
/// whole subtrees of 2^m leaves of the pairwise tree, so a split result is bit-for-bit the
/// one-thread result, whatever m: nothing depends on the thread count or on thread timing.
inline constexpr std::size_t chunks = 64;
/// Stack bytes for the column case's tree (per thread) and for chunk results: forward()
/// allocates nothing, so these bound the column pieces' width and the number of chunks.
/// The tree holds up to six rows of a piece for a few thousand rows: 128 KiB lets a
/// float32 piece span 4096 columns, as long row segments are what keeps the hardware
/// prefetchers streaming.
inline constexpr std::size_t tree_bytes = 131072, part_bytes = 32768;

/// Threads a reduction may use here: 1 inside a parallel region (nested regions are
/// serial), else OpenMP's default team size.
inline std::size_t max_threads() {
#ifdef _OPENMP
    return omp_in_parallel() ? 1 : static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
#else
    return 1;
#endif
}

/// ceil(a / b).
inline constexpr std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

/// Loads W lanes of input T as the accumulator type A (the unsigned twin for integer
/// sums and products, which wrap without UB).
template <class A, class T>
xsimd::batch<A> load(const T* p) {
    if constexpr (std::is_same_v<A, T>) return xsimd::batch<A>::load_unaligned(p);
    else return xsimd::batch<A>::load_unaligned(reinterpret_cast<const A*>(p));
}

/// The lanes of b combined as a balanced tree.
template <class R, class A>
A fold_lanes(const xsimd::batch<A>& b) {
    alignas(64) std::array<A, xsimd::batch<A>::size> lanes;
    b.store_aligned(lanes.data());
    for (std::size_t half = lanes.size() / 2; half > 0; half /= 2)
        for (std::size_t i = 0; i < half; ++i) lanes[i] = R::combine(lanes[i], lanes[i + half]);
    return lanes[0];
}

/// The pairwise tree over a sequence of leaves, built as a binary counter: slot l holds
/// the combination of 2^l consecutive leaves, and a new value merges with its equal-sized
/// left neighbours. A value pushed at level m stands for 2^m leaves, so a run cut into
/// chunks of 2^m leaves, each reduced alone, gives exactly the tree of the whole run.
template <class V, class Merge>
struct cascade {
    std::array<V, 64> slot;
    std::uint64_t used = 0;
    Merge merge;  ///< merge(left, right): the two combined, left first

    explicit cascade(Merge m) : merge(std::move(m)) {}
    /// Appends v, the reduction of 2^level leaves, on the right.
    void push(V v, std::size_t level) {
        for (; (used >> level) & 1; ++level) {
            v = merge(slot[level], v);
            used &= ~(std::uint64_t(1) << level);
        }
        slot[level] = v;
        used |= std::uint64_t(1) << level;
    }
    /// Everything pushed, combined smallest (rightmost) subtree first; `right`, if given,
    /// is an incomplete subtree to the right of all of them. Needs at least one value.
    V finish(const V* right = nullptr) {
        bool have = right != nullptr;
        V acc = have ? *right : V{};
        for (std::size_t l = 0; l < 64; ++l)
            if ((used >> l) & 1) {
                acc = have ? merge(slot[l], acc) : slot[l];
                have = true;
            }
        return acc;
    }
};

/// A cascade of values V merged by m.
template <class V, class Merge>
cascade<V, Merge> make_cascade(Merge m) {
    return cascade<V, Merge>(std::move(m));
}

/// The batch {0, 1, ..., W - 1} of A.
template <class A>
xsimd::batch<A> lane_index() {
    alignas(64) std::array<A, xsimd::batch<A>::size> k;
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<A>(i);
    return xsimd::batch<A>::load_aligned(k.data());
}

/// R over n <= leaf_block contiguous elements, as W partial lanes: eight vector
/// accumulators, then the remaining whole vectors, then the last partial vector (an
/// overlapping load with the lanes already counted masked out, or a padded copy when n < W).
template <class R, class T>
xsimd::batch<typename R::acc> contig_leaf(const T* p, std::size_t n) {
    using A = typename R::acc;
    using B = xsimd::batch<A>;
    constexpr std::size_t W = B::size;
    const B id = R::template identity<B>();
    B a0 = id, a1 = id, a2 = id, a3 = id, a4 = id, a5 = id, a6 = id, a7 = id;
    std::size_t i = 0;
    for (; i + 8 * W <= n; i += 8 * W) {
        a0 = R::combine(a0, R::map(load<A>(p + i)));
        a1 = R::combine(a1, R::map(load<A>(p + i + W)));
        a2 = R::combine(a2, R::map(load<A>(p + i + 2 * W)));
        a3 = R::combine(a3, R::map(load<A>(p + i + 3 * W)));
        a4 = R::combine(a4, R::map(load<A>(p + i + 4 * W)));
        a5 = R::combine(a5, R::map(load<A>(p + i + 5 * W)));
        a6 = R::combine(a6, R::map(load<A>(p + i + 6 * W)));
        a7 = R::combine(a7, R::map(load<A>(p + i + 7 * W)));
    }
    for (; i + W <= n; i += W) a0 = R::combine(a0, R::map(load<A>(p + i)));
    if (i < n && n >= W) {
        // the last W elements, the lanes already counted replaced by the identity
        const auto fresh = lane_index<A>() >= B(static_cast<A>(W - (n - i)));
        a1 = R::combine(a1, xsimd::select(fresh, R::map(load<A>(p + n - W)), id));
    } else if (i < n) {
        alignas(64) std::array<A, W> t;
        t.fill(R::template identity<A>());
        for (std::size_t k = 0; i + k < n; ++k) t[k] = R::map(static_cast<A>(p[i + k]));
        a1 = R::combine(a1, B::load_aligned(t.data()));
    }
    return R::combine(R::combine(R::combine(a0, a1), R::combine(a2, a3)),
                      R::combine(R::combine(a4, a5), R::combine(a6, a7)));
}

/// R over n contiguous elements as W partial lanes: the pairwise tree over leaves of
/// leaf_block elements (the last one partial).
template <class R, class T>
xsimd::batch<typename R::acc> contig_tree(const T* p, std::size_t n) {
    using B = xsimd::batch<typename R::acc>;
    if (n <= leaf_block) return contig_leaf<R>(p, n);
    auto c = make_cascade<B>([](const B& a, const B& b) { return R::combine(a, b); });
    for (std::size_t i = 0; i < n; i += leaf_block) c.push(contig_leaf<R>(p + i, std::min(leaf_block, n - i)), 0);
    return c.finish();
}

/// R over n contiguous elements (one thread).
template <class R, class T>
typename R::acc reduce_contig(const T* p, std::size_t n) {
    return fold_lanes<R>(contig_tree<R>(p, n));
}

/// How a run of `leaves` leaves is cut into chunks of 2^m leaves.
struct chunking {
    std::size_t m = 0, n = 1;  ///< level of a whole chunk, number of chunks
    /// At most max_n (>= 1) chunks.
    chunking(std::size_t leaves, std::size_t max_n) {
        while (ceil_div(leaves, std::size_t(1) << m) > max_n) ++m;
        n = ceil_div(leaves, std::size_t(1) << m);
    }
    /// At most max_n (>= 1) chunks, as few as keep `threads` threads evenly loaded when
    /// they take contiguous shares of the chunks (OpenMP's static schedule): the column
    /// case merges every chunk's row of results, so fewer is cheaper.
    chunking(std::size_t leaves, std::size_t max_n, std::size_t threads) {
        std::size_t best = ~std::size_t(0);
        for (std::size_t k = 0; k < 64 && (std::size_t(1) << k) < 2 * leaves; ++k) {
            const std::size_t nk = ceil_div(leaves, std::size_t(1) << k);
            if (nk > max_n) continue;
            const std::size_t load = std::min(leaves, ceil_div(nk, threads) << k);  // the busiest thread's leaves
            if (load <= best) best = load, m = k, n = nk;
        }
    }
    /// Whether chunk c holds all 2^m leaves (only the last may not).
    bool whole(std::size_t c, std::size_t leaves) const { return (c + 1) << m <= leaves; }
};

/// out[o] = R::finalize(R over run o, n) for n_out runs of n contiguous elements, run o at
/// x + runs.offset(o). Few long runs are cut into chunks (whole subtrees) so that every
/// thread has work; the chunks' partial lanes are then combined as the one-thread tree.
template <class R, class T, class O>
void reduce_runs(const T* x, const radix& runs, std::size_t n_out, std::size_t n, O* out, bool parallel) {
    using B = xsimd::batch<typename R::acc>;
    const std::size_t threads = parallel ? max_threads() : 1;
    const std::size_t leaves = ceil_div(n, leaf_block);
    if (threads == 1 || n_out >= 4 * threads || leaves == 1 || n_out > 128) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (threads > 1)
#endif
        for (std::ptrdiff_t so = 0; so < static_cast<std::ptrdiff_t>(n_out); ++so) {
            const auto o = static_cast<std::size_t>(so);
            out[o] = R::finalize(reduce_contig<R>(x + runs.offset(o), n), n);
        }
        return;
    }
    // chunk results on the stack: at most max_part of them in all
    constexpr std::size_t max_part = 256;
    std::array<B, max_part> part;
    const chunking ch(leaves, std::min(chunks, max_part / n_out));
    const std::size_t len = leaf_block << ch.m, items = n_out * ch.n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(items); ++si) {
        const auto item = static_cast<std::size_t>(si);
        const std::size_t o = item / ch.n, b = item % ch.n * len;
        part[item] = contig_tree<R>(x + runs.offset(o) + b, std::min(len, n - b));
    }
    for (std::size_t o = 0; o < n_out; ++o) {
        auto c = make_cascade<B>([](const B& a, const B& b) { return R::combine(a, b); });
        const B* p = part.data() + o * ch.n;
        const bool last_whole = ch.whole(ch.n - 1, leaves);
        for (std::size_t k = 0; k + (last_whole ? 0 : 1) < ch.n; ++k) c.push(p[k], ch.m);
        out[o] = R::finalize(fold_lanes<R>(last_whole ? c.finish() : c.finish(p + ch.n - 1)), n);
    }
}

/// R over one run of n contiguous elements, on the threads when it is large. Call it
/// outside parallel regions (inside one it runs on the calling thread).
template <class R, class T>
typename R::acc reduce_long(const T* p, std::size_t n) {
    // reduce_runs with the identity finalize: a sum reducer's finalize is a cast, so use
    // a wrapper that keeps the accumulator
    struct keep : R {
        static typename R::acc finalize(typename R::acc a, std::size_t) { return a; }
    };
    typename R::acc r{};
    reduce_runs<keep>(p, radix{}, 1, n, &r, n >= parallel_min);
    return r;
}

/// Segments [s0, s1) of n_in contiguous elements each, at base + segs.offset(s), combined
/// pairwise.
template <class R, class T>
typename R::acc reduce_segments(const T* base, const radix& segs, std::size_t s0, std::size_t s1, std::size_t n_in) {
    if (s1 - s0 == 1) return reduce_contig<R>(base + segs.offset(s0), n_in);
    const std::size_t mid = s0 + (s1 - s0) / 2;
    return R::combine(reduce_segments<R>(base, segs, s0, mid, n_in), reduce_segments<R>(base, segs, mid, s1, n_in));
}

/// Row r of a radix of rows: base + r * stride for one group (no division), else the
/// general offset.
template <class T>
const T* row_ptr(const T* base, const radix& rows, std::size_t r) {
    return base + (rows.n == 1 ? r * rows.stride[0] : rows.offset(r));
}

/// Rows combined per pass of rows_leaf: eight rows cost one load and one store of the
/// accumulators, and eight input streams keep more reads in flight than one (in DRAM a
/// pass reads faster than a single stream does).
inline constexpr std::size_t leaf_group = 8;

/// dst[j] for j < tw: columns base[j] of rows [r0, r1) (at most leaf_rows of them, at
/// base + rows.offset(r)) combined. Rows stream in groups of leaf_group, combined pairwise
/// and then into dst, so the inner loops read memory in order; dst stays in L1. Columns
/// past the last whole vector go through one overlapping vector (kept in a register) when
/// the piece is at least a vector wide; every column sees the same operations either way.
template <class R, class T>
void rows_leaf(const T* base, const radix& rows, std::size_t r0, std::size_t r1, std::size_t tw,
               typename R::acc* dst) {
    using A = typename R::acc;
    using B = xsimd::batch<A>;
    constexpr std::size_t W = B::size;
    const std::size_t jv = tw / W * W;     // end of the whole vectors
    const bool vtail = jv < tw && tw >= W;  // the rest as the vector at tw - W
    const std::size_t jt = vtail ? tw - W : 0;
    B tail{};
    bool first = true;
    // K rows from r (1 or leaf_group): their columns combined pairwise, then into dst
    // (or written there, first); the balanced tree is spelled out so that it inlines
    auto pass = [&]<std::size_t K>(std::integral_constant<std::size_t, K>, std::size_t r) {
        static_assert(K == 1 || K == 8);
        std::array<const T*, K> q;
        for (std::size_t k = 0; k < K; ++k) q[k] = row_ptr(base, rows, r + k);
        auto group = [&](auto f) {
            if constexpr (K == 1) return f(0);
            else
                return R::combine(R::combine(R::combine(f(0), f(1)), R::combine(f(2), f(3))),
                                  R::combine(R::combine(f(4), f(5)), R::combine(f(6), f(7))));
        };
        auto vec = [&](std::size_t j) { return group([&](std::size_t k) { return R::map(load<A>(q[k] + j)); }); };
        if (first)
            for (std::size_t j = 0; j < jv; j += W) vec(j).store_unaligned(dst + j);
        else
            for (std::size_t j = 0; j < jv; j += W)
                R::combine(B::load_unaligned(dst + j), vec(j)).store_unaligned(dst + j);
        if (vtail) tail = first ? vec(jt) : R::combine(tail, vec(jt));
        else
            for (std::size_t j = jv; j < tw; ++j) {
                const A v = group([&](std::size_t k) { return R::map(static_cast<A>(q[k][j])); });
                dst[j] = first ? v : R::combine(dst[j], v);
            }
        first = false;
    };
    std::size_t r = r0;
    for (; r + leaf_group <= r1; r += leaf_group) pass(std::integral_constant<std::size_t, leaf_group>{}, r);
    for (; r < r1; ++r) pass(std::integral_constant<std::size_t, 1>{}, r);
    if (vtail) {
        alignas(64) std::array<A, W> t;
        tail.store_aligned(t.data());
        std::copy(t.begin() + static_cast<std::ptrdiff_t>(jv - jt), t.end(), dst + jv);
    }
}

/// Buffers of a piece's width that rows_tree needs for `rows` rows: the most subtrees the
/// binary counter holds before a push (the most one bits of a count below the number of
/// leaves), plus the new leaf.
inline std::size_t tree_buffers(std::size_t rows) {
    const std::size_t leaves = ceil_div(rows, leaf_rows);
    if (leaves <= 1) return 1;
    const auto k = leaves - 1;
    return std::max(static_cast<std::size_t>(std::popcount(k)), static_cast<std::size_t>(std::bit_width(k)) - 1) + 1;
}

/// Columns base[j], j < tw, of rows [r0, r1) combined as the pairwise tree over leaves of
/// leaf_rows rows; scratch holds tree_buffers(r1 - r0) * tw values. Returns where the
/// result is (inside scratch).
template <class R, class T>
const typename R::acc* rows_tree(const T* base, const radix& rows, std::size_t r0, std::size_t r1, std::size_t tw,
                                 typename R::acc* scratch) {
    using A = typename R::acc;
    using B = xsimd::batch<A>;
    constexpr std::size_t W = B::size;
    if (r1 - r0 <= leaf_rows) {
        rows_leaf<R>(base, rows, r0, r1, tw, scratch);
        return scratch;
    }
    std::array<A*, 66> free_bufs;
    std::size_t n_free = 0;
    for (std::size_t k = tree_buffers(r1 - r0); k-- > 0;) free_bufs[n_free++] = scratch + k * tw;
    auto c = make_cascade<A*>([&](A* a, A* b) {
        std::size_t j = 0;
        for (; j + W <= tw; j += W)
            R::combine(B::load_unaligned(a + j), B::load_unaligned(b + j)).store_unaligned(a + j);
        for (; j < tw; ++j) a[j] = R::combine(a[j], b[j]);
        free_bufs[n_free++] = b;
        return a;
    });
    for (std::size_t r = r0; r < r1; r += leaf_rows) {
        A* leaf = free_bufs[--n_free];
        rows_leaf<R>(base, rows, r, std::min(r1, r + leaf_rows), tw, leaf);
        c.push(leaf, 0);
    }
    return c.finish();
}

/// The column case: output rows of w contiguous values; output row q reduces `count`
/// rows at x + outer.offset(q) + rows.offset(r). Columns are cut into pieces (each walks
/// its rows with accumulators in L1), and, when the pieces cannot occupy the threads, the
/// rows into chunks of whole subtrees whose results are combined as the one-thread tree.
/// Scratch is on the stack (tree_bytes per thread, part_bytes for chunk results).
template <class R, class T>
void reduce_columns(const plan& pl, const T* x, T* out, bool parallel) {
    using A = typename R::acc;
    constexpr std::size_t W = xsimd::batch<A>::size;
    radix outer = pl.kept;
    --outer.n;
    const radix& rows = pl.red;
    const std::size_t w = pl.kept.size[pl.kept.n - 1], nq = pl.n_out / w, count = pl.count;
    const std::size_t threads = parallel ? max_threads() : 1;
    // column pieces: a multiple of W wide (buffers stay aligned), at most piece_bytes and
    // what the tree's stack allows
    const std::size_t nbuf = tree_buffers(count);
    const std::size_t cap = std::max(W, std::min(piece_bytes / sizeof(A), (tree_bytes / sizeof(A) - W) / nbuf) / W * W);
    std::size_t np = ceil_div(w, cap);
    std::size_t pw = std::min(w, ceil_div(ceil_div(w, np), W) * W);
    np = ceil_div(w, pw);
    // when the pieces cannot occupy the threads, rows are cut into chunks (as many as
    // part_bytes holds) rather than columns into narrower pieces: each thread then streams
    // whole, long row segments of its own block of rows, which reads at the probe's speed,
    // where half-width segments restart the prefetchers at every row
    const std::size_t leaves = ceil_div(count, leaf_rows);
    const std::size_t max_nch = std::min(chunks, part_bytes / sizeof(A) / (nq * np * pw));
    const bool split = nq * np < threads && leaves > 1 && max_nch > 1;
    if (!split && nq * np < threads) {  // columns shared out, each thread keeping 4 W of them
        np = std::max(np, std::min(ceil_div(threads, nq), w / (4 * W)));
        pw = std::min(w, ceil_div(ceil_div(w, np), W) * W);
        np = ceil_div(w, pw);
    }
    const chunking ch = split ? chunking(leaves, max_nch, ceil_div(threads, nq * np)) : chunking(1, 1);
    const std::size_t nch = split ? ch.n : 1, chunk_rows = split ? leaf_rows << ch.m : count;
    const std::size_t items = nq * np * nch;
    [[maybe_unused]] const std::size_t team = std::min(threads, items);  // read by OpenMP only
    alignas(64) std::array<A, part_bytes / sizeof(A)> part;  // uninitialised: written before read
    // one synchronisation only, the end of the region (each is a scheduler slice when the
    // cores are shared): the chunks' results are merged afterwards, on this thread; split
    // implies fewer pieces than threads, so that is at most part_bytes of work
#ifdef _OPENMP
#pragma omp parallel num_threads(team) if (team > 1)
#endif
    {
        alignas(64) std::array<A, tree_bytes / sizeof(A)> mine;  // this thread's tree
#ifdef _OPENMP
#pragma omp for schedule(static) nowait
#endif
        for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(items); ++si) {
            const auto item = static_cast<std::size_t>(si);
            const std::size_t c = item % nch, pq = item / nch, q = pq / np, j0 = pq % np * pw;
            const std::size_t tw = std::min(pw, w - j0), r0 = c * chunk_rows, r1 = std::min(count, r0 + chunk_rows);
            const A* res = rows_tree<R>(x + outer.offset(q) + j0, rows, r0, r1, tw, mine.data());
            if (split) std::copy(res, res + tw, part.data() + item * pw);
            else {
                T* o = out + q * w + j0;
                for (std::size_t j = 0; j < tw; ++j) o[j] = R::finalize(res[j], count);
            }
        }
    }
    if (!split) return;
    for (std::size_t pq = 0; pq < nq * np; ++pq) {
        const std::size_t q = pq / np, j0 = pq % np * pw, tw = std::min(pw, w - j0);
        auto c = make_cascade<A*>([tw](A* a, A* b) {
            for (std::size_t j = 0; j < tw; ++j) a[j] = R::combine(a[j], b[j]);
            return a;
        });
        A* p = part.data() + pq * nch * pw;
        const bool last_whole = ch.whole(nch - 1, leaves);
        for (std::size_t k = 0; k + (last_whole ? 0 : 1) < nch; ++k) c.push(p + k * pw, ch.m);
        A* last = p + (nch - 1) * pw;
        const A* res = last_whole ? c.finish() : c.finish(&last);
        T* o = out + q * w + j0;
        for (std::size_t j = 0; j < tw; ++j) o[j] = R::finalize(res[j], count);
    }
}

/// out[o] = R::finalize(reduction of output o's elements, count) for every output.
template <class R, class T>
void reduce_into(const plan& pl, const T* x, T* out) {
    using A = typename R::acc;
    const std::size_t n_out = pl.n_out, count = pl.count;
    if (n_out == 0) return;
    const bool parallel = n_out * count >= parallel_min && max_threads() > 1;
    if (count == 0) {  // every output reduces nothing: the identity
        std::fill(out, out + n_out, R::finalize(R::template identity<A>(), 0));
        return;
    }
    if (pl.red.n == 0) {  // nothing reduced (all reduced axes have size 1)
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
        for (std::ptrdiff_t so = 0; so < static_cast<std::ptrdiff_t>(n_out); ++so) {
            const auto o = static_cast<std::size_t>(so);
            out[o] = R::finalize(R::map(static_cast<A>(x[o])), 1);
        }
        return;
    }
    if (pl.inner_reduced) {
        const std::size_t n_in = pl.red.size[pl.red.n - 1];
        radix segs = pl.red;
        --segs.n;
        const std::size_t n_seg = count / n_in;
        if (n_seg == 1) return reduce_runs<R>(x, pl.kept, n_out, n_in, out, parallel);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
        for (std::ptrdiff_t so = 0; so < static_cast<std::ptrdiff_t>(n_out); ++so) {
            const auto o = static_cast<std::size_t>(so);
            out[o] = R::finalize(reduce_segments<R>(x + pl.kept.offset(o), segs, 0, n_seg, n_in), count);
        }
        return;
    }
    reduce_columns<R>(pl, x, out, parallel);
}

/// a if c else b, lane by lane for batches.
template <class V, class C>
V pick(const C& c, const V& a, const V& b) {
    if constexpr (is_batch_v<V>) return xsimd::select(c, a, b);
    else return c ? a : b;
}
/// True for NaN (lane by lane for batches). Not x != x for batches: xsimd 8.1's AVX
/// compare is ordered, so NaN != NaN is false there.
template <class V>
auto is_nan(const V& x) {
    if constexpr (is_batch_v<V>) return xsimd::isnan(x);
    else return x != x;
}

/// sum: wrapping for integers.
template <class T>
struct sum_reducer {
    using acc = wrapping_t<T>;
    template <class V> static V identity() { return V(acc(0)); }
    template <class V> static V map(V x) { return x; }
    template <class V> static V combine(V a, V b) { return a + b; }
    static T finalize(acc a, std::size_t) { return static_cast<T>(a); }
};
/// nansum: NaN counts as 0.
template <class T>
struct nansum_reducer : sum_reducer<T> {
    using acc = wrapping_t<T>;
    template <class V>
    static V map(V x) {
        if constexpr (std::is_floating_point_v<T>) return pick(is_nan(x), V(acc(0)), x);
        else return x;
    }
};
/// mean: the sum divided by the count in T. For integers that is the wrapped integer sum
/// divided by the count with truncation toward zero, as MXNet computes `sum /= count` in
/// the input type; an empty mean is NaN for floats and 0 for integers.
template <class T>
struct mean_reducer : sum_reducer<T> {
    using acc = wrapping_t<T>;
    static T finalize(acc a, std::size_t n) {
        if constexpr (std::is_floating_point_v<T>) return a / static_cast<T>(n);
        else return safe_int_div<T>(static_cast<T>(a), static_cast<T>(n));
    }
};
/// prod: wrapping for integers.
template <class T>
struct prod_reducer : sum_reducer<T> {
    using acc = wrapping_t<T>;
    template <class V> static V identity() { return V(acc(1)); }
    template <class V> static V combine(V a, V b) { return a * b; }
};
/// max: NaN wins, as mshadow's maximum reducer keeps a NaN once it has seen one.
template <class T>
struct max_reducer {
    using acc = T;
    template <class V>
    static V identity() {
        if constexpr (std::is_floating_point_v<T>) return V(-std::numeric_limits<T>::infinity());
        else return V(std::numeric_limits<T>::lowest());
    }
    template <class V> static V map(V x) { return x; }
    template <class V>
    static V combine(V a, V b) {
        if constexpr (!std::is_floating_point_v<T>) return pick(a > b, a, b);
        else if constexpr (is_batch_v<V>) return xsimd::select((a > b) | is_nan(a), a, b);
        else return (a > b || is_nan(a)) ? a : b;
    }
    static T finalize(acc a, std::size_t) { return a; }
};
/// min: NaN wins, as for max.
template <class T>
struct min_reducer : max_reducer<T> {
    template <class V>
    static V identity() {
        if constexpr (std::is_floating_point_v<T>) return V(std::numeric_limits<T>::infinity());
        else return V(std::numeric_limits<T>::max());
    }
    template <class V>
    static V combine(V a, V b) {
        if constexpr (!std::is_floating_point_v<T>) return pick(a < b, a, b);
        else if constexpr (is_batch_v<V>) return xsimd::select((a < b) | is_nan(a), a, b);
        else return (a < b || is_nan(a)) ? a : b;
    }
};
/// The sum of squares behind norm; norm_op finishes it (square root, rescaling).
template <class T>
struct sumsq_reducer : sum_reducer<T> {
    template <class V> static V map(V x) { return x * x; }
};

/// The computation shared by the ops with ReduceAxesParam; Red is the reducer and
/// NoIdentity marks max and min, which refuse empty reductions.
template <template <class> class Red, bool NoIdentity>
struct axes_reduction {
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = reduce_param;

    static meta infer(const reduce_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        const std::uint64_t mask = reduced_axes(p.axis, p.exclude, s.ndim());
        Shape out = reduced_shape(s, mask, p.keepdims);
        if constexpr (NoIdentity) check_nonempty(s, reduce_count(s, mask), out);
        return {std::move(out), in[0].dt, true};
    }

    static void compute(const reduce_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const plan pl(in[0].shape(), reduced_axes(p.axis, p.exclude, in[0].ndim()));
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            reduce_into<Red<T>>(pl, static_cast<const T*>(in[0].raw()), static_cast<T*>(out.raw()));
        });
    }
};

/// One row of an argmax (Max) or argmin search: v replaces best, and k its index, when
/// strictly better (so ties keep the first) or when v is the first NaN.
template <bool Max, class V>
void arg_step(V& best, V& at, const V& v, const V& k) {
    if constexpr (is_batch_v<V>) {
        auto take = Max ? (v > best) : (v < best);
        if constexpr (std::is_floating_point_v<value_t<V>>) take = take | (is_nan(v) & (best == best));
        best = xsimd::select(take, v, best);
        at = xsimd::select(take, k, at);
    } else {
        bool take = Max ? v > best : v < best;
        if constexpr (std::is_floating_point_v<V>) take = take || (v != v && best == best);
        if (take) best = v, at = k;
    }
}

/// Index of the first maximum (Max) or minimum of a column set: outer blocks of n rows
/// of `inner` contiguous values; out has outer * inner values. A NaN counts as the
/// extreme value, so the index of the first NaN is returned, as numpy does.
template <bool Max, class T>
void arg_reduce(const T* x, T* out, std::size_t outer, std::size_t n, std::size_t inner) {
    using R = std::conditional_t<Max, max_reducer<T>, min_reducer<T>>;
    if (outer * inner == 0) return;
    if (n == 0) {  // refused at bind; kept total for direct callers
        std::fill(out, out + outer * inner, T(0));
        return;
    }
    [[maybe_unused]] const bool parallel = outer * n * inner >= parallel_min;
    if (inner == 1) {
        // the extreme value by the vector reducer, then the first position holding it
        auto first_of = [n](const T* p, T best) {
            std::size_t k = 0;
            if (best != best) {
                while (k < n && p[k] == p[k]) ++k;
            } else {
                while (k < n && p[k] != best) ++k;
            }
            return static_cast<T>(k);
        };
        if (outer == 1) {
            out[0] = first_of(x, reduce_long<R>(x, n));
            return;
        }
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
        for (std::ptrdiff_t so = 0; so < static_cast<std::ptrdiff_t>(outer); ++so) {
            const T* p = x + static_cast<std::size_t>(so) * n;
            out[so] = first_of(p, reduce_contig<R>(p, n));
        }
        return;
    }
    // columns: a tile of col_tile columns walks the n rows, its best values and their row
    // numbers (as T, the output type) kept in two small arrays that stay in L1
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size;
    const std::size_t n_tiles = (inner + col_tile - 1) / col_tile;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
    for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(outer * n_tiles); ++si) {
        const auto item = static_cast<std::size_t>(si);
        const std::size_t o = item / n_tiles, j0 = item % n_tiles * col_tile, tw = std::min(col_tile, inner - j0);
        const T* p = x + o * n * inner + j0;
        alignas(64) std::array<T, col_tile> best, at;
        std::copy(p, p + tw, best.begin());
        std::fill(at.begin(), at.begin() + tw, T(0));
        for (std::size_t k = 1; k < n; ++k) {
            const T* row = p + k * inner;
            const B kk(static_cast<T>(k));
            std::size_t j = 0;
            for (; j + W <= tw; j += W) {
                B b = B::load_aligned(best.data() + j), a = B::load_aligned(at.data() + j);
                arg_step<Max>(b, a, B::load_unaligned(row + j), kk);
                b.store_aligned(best.data() + j);
                a.store_aligned(at.data() + j);
            }
            for (; j < tw; ++j) arg_step<Max>(best[j], at[j], row[j], static_cast<T>(k));
        }
        std::copy(at.begin(), at.begin() + tw, out + o * inner + j0);
    }
}

/// The computation shared by argmax and argmin.
template <bool Max>
struct arg_reduction {
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = arg_reduce_param;

    /// The searched axis (normalised), or nullopt to search the flattened array (axis
    /// None, and any axis of a 1-d input, as MXNet's ReduceAxisShapeImpl does).
    static std::optional<std::size_t> search_axis(const arg_reduce_param& p, const Shape& s) {
        check_ndim(s.ndim());
        if (!p.axis) return std::nullopt;
        const auto n = static_cast<long long>(s.ndim());
        const long long a = *p.axis < 0 ? *p.axis + n : *p.axis;
        if (a < 0 || a >= n)
            throw error("axis " + std::to_string(*p.axis) + " is out of range for a " + ndim_str(s.ndim()) +
                        (n ? " (valid axes are " + std::to_string(-n) + " to " + std::to_string(n - 1) + ")"
                           : std::string(" (it has no axes; axis None searches it)")));
        if (n == 1) return std::nullopt;
        return static_cast<std::size_t>(a);
    }

    static meta infer(const arg_reduce_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        const auto axis = search_axis(p, s);
        std::vector<Shape::dim_t> out;
        std::size_t count;
        if (!axis) {
            count = s.num_elements();
            if (p.keepdims) out.assign(s.ndim(), 1);
            else out = {1};
        } else {
            count = static_cast<std::size_t>(s[*axis]);
            for (std::size_t i = 0; i < s.ndim(); ++i)
                if (i != *axis) out.push_back(s[i]);
                else if (p.keepdims) out.push_back(1);
        }
        Shape r(std::move(out));
        check_nonempty(s, count, r);
        return {std::move(r), in[0].dt, true};
    }

    static void compute(const arg_reduce_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        const auto axis = search_axis(p, s);
        std::size_t outer = 1, n = s.num_elements(), inner = 1;
        if (axis) {
            n = static_cast<std::size_t>(s[*axis]);
            for (std::size_t i = 0; i < *axis; ++i) outer *= static_cast<std::size_t>(s[i]);
            for (std::size_t i = *axis + 1; i < s.ndim(); ++i) inner *= static_cast<std::size_t>(s[i]);
        }
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            arg_reduce<Max>(static_cast<const T*>(in[0].raw()), static_cast<T*>(out.raw()), outer, n, inner);
        });
    }
};

} // namespace reduce_detail

/// sum(data, axis, keepdims, exclude) (op sum, alias sum_axis, hint sum): integers wrap.
struct sum_op : reduce_detail::axes_reduction<reduce_detail::sum_reducer, false> {
    static constexpr std::string_view name = "sum", hint = "sum";
    static constexpr std::array<std::string_view, 2> aliases{"sum_axis", "_sparse_sum"};
};
/// mean(data, ...) (op mean, hint mean): integers give the truncated quotient of the
/// wrapped integer sum; an empty mean is NaN (floats) or 0 (integers).
struct mean_op : reduce_detail::axes_reduction<reduce_detail::mean_reducer, false> {
    static constexpr std::string_view name = "mean", hint = "mean";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_mean"};
};
/// prod(data, ...) (op prod, hint prod): integers wrap; an empty product is 1.
struct prod_op : reduce_detail::axes_reduction<reduce_detail::prod_reducer, false> {
    static constexpr std::string_view name = "prod", hint = "prod";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// nansum(data, ...) (op nansum, hint nansum): the sum with NaN counted as 0.
struct nansum_op : reduce_detail::axes_reduction<reduce_detail::nansum_reducer, false> {
    static constexpr std::string_view name = "nansum", hint = "nansum";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// max(data, ...) (op max, alias max_axis, hint max): NaN if any reduced value is NaN;
/// an empty reduction is an error at bind.
struct max_op : reduce_detail::axes_reduction<reduce_detail::max_reducer, true> {
    static constexpr std::string_view name = "max", hint = "max";
    static constexpr std::array<std::string_view, 1> aliases{"max_axis"};
};
/// min(data, ...) (op min, alias min_axis, hint min): as max.
struct min_op : reduce_detail::axes_reduction<reduce_detail::min_reducer, true> {
    static constexpr std::string_view name = "min", hint = "min";
    static constexpr std::array<std::string_view, 1> aliases{"min_axis"};
};

/// norm(data, ord=2, axis, keepdims) (op norm, hint norm): the L2 norm over the axes (the
/// Frobenius norm for two axes); float32 and float64. Squares are summed pairwise in T;
/// an output whose sum of squares overflows or underflows is recomputed scaled by a
/// power of two, as mshadow's nrm2 avoids overflow, so norm(1e30f, 1e30f) is finite.
struct norm_op {
    static constexpr std::string_view name = "norm", hint = "norm";
    static constexpr std::array<std::string_view, 1> aliases{"_sparse_norm"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr dtype_set dtypes = float_dtypes;
    using params = norm_param;

    static meta infer(const norm_param& p, const std::array<meta, 1>& in) {
        if (p.ord != 2)
            throw error("ord=" + std::to_string(p.ord) +
                        " is not supported: symflow's norm implements ord=2 (the L2 / Frobenius norm) only");
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        return {reduce_detail::reduced_shape(s, reduce_detail::reduced_axes(p.axis, false, s.ndim()), p.keepdims),
                in[0].dt, true};
    }

    static void compute(const norm_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const reduce_detail::plan pl(in[0].shape(), reduce_detail::reduced_axes(p.axis, false, in[0].ndim()));
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            if constexpr (std::is_floating_point_v<T>) {
                const T* x = static_cast<const T*>(in[0].raw());
                T* o = static_cast<T*>(out.raw());
                reduce_detail::reduce_into<reduce_detail::sumsq_reducer<T>>(pl, x, o);
                // below this, squares of the largest element may have lost digits to underflow
                constexpr T tiny = std::numeric_limits<T>::min() / std::numeric_limits<T>::epsilon();
                [[maybe_unused]] const bool parallel = pl.n_out * pl.count >= reduce_detail::parallel_min;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
                for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(pl.n_out); ++si) {
                    const auto i = static_cast<std::size_t>(si);
                    const T ss = o[i];
                    const bool rescue = ss < tiny || ss == std::numeric_limits<T>::infinity();  // NaN stays
                    o[i] = rescue ? scaled_norm(pl, x, i) : std::sqrt(ss);
                }
            }
        });
    }

    /// The norm of output o's elements with each scaled by the power of two nearest the
    /// largest magnitude, so that no square overflows or underflows; compensated sum.
    template <class T>
    static T scaled_norm(const reduce_detail::plan& pl, const T* x, std::size_t o) {
        if (pl.count == 0) return T(0);
        const std::size_t base = pl.base_of(o);
        T m = 0;
        for (std::size_t r = 0; r < pl.count; ++r) m = std::max(m, std::abs(x[base + pl.red.offset(r)]));
        if (m == 0 || m == std::numeric_limits<T>::infinity()) return m;
        const int e = std::ilogb(m);  // 2^-e itself may overflow T (subnormal m): scale each value
        T sum = 0, comp = 0;
        for (std::size_t r = 0; r < pl.count; ++r) {
            const T v = std::scalbn(x[base + pl.red.offset(r)], -e);
            const T y = v * v - comp, t = sum + y;
            comp = (t - sum) - y;
            sum = t;
        }
        return std::scalbn(std::sqrt(sum), e);
    }
};

/// argmax(data, axis, keepdims) (op argmax, hint argmax): the index of the first maximum,
/// as a value of the input dtype (MXNet 1.x returns float indices for float inputs);
/// axis None searches the flattened array. The first NaN counts as the maximum (numpy's
/// rule). An empty search is an error at bind.
struct argmax_op : reduce_detail::arg_reduction<true> {
    static constexpr std::string_view name = "argmax", hint = "argmax";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// argmin(data, axis, keepdims) (op argmin, hint argmin): as argmax, for the minimum.
struct argmin_op : reduce_detail::arg_reduction<false> {
    static constexpr std::string_view name = "argmin", hint = "argmin";
    static constexpr std::array<std::string_view, 0> aliases{};
};

} // namespace symflow::ops
