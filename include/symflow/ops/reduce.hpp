#pragma once
// The reductions as materialized ops: sum, mean, prod, nansum, max, min, norm, argmax,
// argmin (MXNet 1.9.1's reduce ops), with their attributes, shape rules and kernels.
//
// Kernel outline. The input's dimensions are compacted: size-1 dimensions dropped and
// neighbours that are both reduced or both kept merged, so any reduction is either
//   - "contiguous": the innermost group is reduced; each output reduces runs of
//     contiguous elements (a vector loop), or
//   - "column": the innermost group is kept; each output row is a tile of contiguous
//     columns accumulated across the reduced rows (a vector loop across columns).
// Floating sums are pairwise: blocks of a few thousand elements go into several vector
// accumulators, and blocks are combined as a balanced tree (recursion, partial sums on
// the stack), so the error grows with log(n) rather than n and nothing is allocated.
#include <algorithm>
#include <array>
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
/// Leaf size of the pairwise recursion over contiguous elements, and the run each set of
/// vector accumulators covers inside a leaf (sizes chosen so that summing 1e6 float32
/// copies of 0.1f errs by about 1e-7 relative; naive summation errs by 1e-2).
inline constexpr std::size_t leaf_block = 2048, sub_block = 256;
/// Columns per tile and rows per leaf of the column case.
inline constexpr std::size_t col_tile = 128, row_block = 16;
/// A single large contiguous reduction is split into this many chunks for the threads; a
/// fixed number, so the result does not depend on the thread count.
inline constexpr std::size_t chunks = 64;

/// Loads W lanes of input T as the accumulator type A (the unsigned twin for integer
/// sums and products, which wrap without UB).
template <class A, class T>
xsimd::batch<A> load(const T* p) {
    if constexpr (std::is_same_v<A, T>) return xsimd::batch<A>::load_unaligned(p);
    else return xsimd::batch<A>::load_unaligned(reinterpret_cast<const A*>(p));
}

/// The lanes of b combined in order.
template <class R, class A>
A fold_lanes(const xsimd::batch<A>& b) {
    alignas(64) std::array<A, xsimd::batch<A>::size> lanes;
    b.store_aligned(lanes.data());
    A r = lanes[0];
    for (std::size_t i = 1; i < lanes.size(); ++i) r = R::combine(r, lanes[i]);
    return r;
}

/// Reducer R folded over n contiguous elements: pairwise over leaf blocks; inside a leaf,
/// runs of sub_block elements go into four fresh vector accumulators whose sum is added to
/// the leaf's, so no accumulator adds more than a few dozen values in sequence.
template <class R, class T>
typename R::acc reduce_contig(const T* p, std::size_t n) {
    using A = typename R::acc;
    using B = xsimd::batch<A>;
    constexpr std::size_t W = B::size;
    if (n > leaf_block) {
        const std::size_t half = (n / 2 + 4 * W - 1) / (4 * W) * (4 * W);
        return R::combine(reduce_contig<R>(p, half), reduce_contig<R>(p + half, n - half));
    }
    B leaf = R::template identity<B>();
    std::size_t i = 0;
    while (i + 4 * W <= n) {
        const std::size_t stop = std::min(n, i + sub_block);
        B a0 = R::template identity<B>(), a1 = a0, a2 = a0, a3 = a0;
        for (; i + 4 * W <= stop; i += 4 * W) {
            a0 = R::combine(a0, R::map(load<A>(p + i)));
            a1 = R::combine(a1, R::map(load<A>(p + i + W)));
            a2 = R::combine(a2, R::map(load<A>(p + i + 2 * W)));
            a3 = R::combine(a3, R::map(load<A>(p + i + 3 * W)));
        }
        leaf = R::combine(leaf, R::combine(R::combine(a0, a1), R::combine(a2, a3)));
    }
    for (; i + W <= n; i += W) leaf = R::combine(leaf, R::map(load<A>(p + i)));
    A r = fold_lanes<R>(leaf);
    for (; i < n; ++i) r = R::combine(r, R::map(static_cast<A>(p[i])));
    return r;
}

/// reduce_contig over a long run, split into fixed chunks across threads when large.
/// Call it outside parallel regions only.
template <class R, class T>
typename R::acc reduce_long(const T* p, std::size_t n) {
    using A = typename R::acc;
    if (n < 4 * parallel_min) return reduce_contig<R>(p, n);
    std::array<A, chunks> part;
    const std::size_t cs = (n + chunks - 1) / chunks;
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
    for (std::ptrdiff_t sc = 0; sc < static_cast<std::ptrdiff_t>(chunks); ++sc) {
        const std::size_t b = std::min(n, static_cast<std::size_t>(sc) * cs), e = std::min(n, b + cs);
        part[static_cast<std::size_t>(sc)] = b < e ? reduce_contig<R>(p + b, e - b) : R::template identity<A>();
    }
    for (std::size_t step = 1; step < chunks; step *= 2)
        for (std::size_t i = 0; i + step < chunks; i += 2 * step) part[i] = R::combine(part[i], part[i + step]);
    return part[0];
}

/// Segments [s0, s1) of n_in contiguous elements each, at base + segs.offset(s), combined
/// pairwise.
template <class R, class T>
typename R::acc reduce_segments(const T* base, const radix& segs, std::size_t s0, std::size_t s1, std::size_t n_in) {
    if (s1 - s0 == 1) return reduce_contig<R>(base + segs.offset(s0), n_in);
    const std::size_t mid = s0 + (s1 - s0) / 2;
    return R::combine(reduce_segments<R>(base, segs, s0, mid, n_in), reduce_segments<R>(base, segs, mid, s1, n_in));
}

/// acc[j] for j < tw: columns base[j] reduced over rows [r0, r1) at base + rows.offset(r),
/// pairwise over blocks of rows; acc must be aligned to 64 bytes and hold col_tile values.
template <class R, class T>
void reduce_rows(const T* base, const radix& rows, std::size_t r0, std::size_t r1, std::size_t tw,
                 typename R::acc* acc) {
    using A = typename R::acc;
    using B = xsimd::batch<A>;
    constexpr std::size_t W = B::size;
    if (r1 - r0 > row_block) {
        const std::size_t mid = r0 + (r1 - r0) / 2;
        reduce_rows<R>(base, rows, r0, mid, tw, acc);
        alignas(64) std::array<A, col_tile> tmp;
        reduce_rows<R>(base, rows, mid, r1, tw, tmp.data());
        std::size_t j = 0;
        for (; j + W <= tw; j += W)
            R::combine(B::load_aligned(acc + j), B::load_aligned(tmp.data() + j)).store_aligned(acc + j);
        for (; j < tw; ++j) acc[j] = R::combine(acc[j], tmp[j]);
        return;
    }
    // a leaf: at most row_block rows, each column block held in registers across them
    std::array<const T*, row_block> rp;
    const std::size_t nr = r1 - r0;
    for (std::size_t k = 0; k < nr; ++k) rp[k] = base + rows.offset(r0 + k);
    std::size_t j = 0;
    for (; j + 4 * W <= tw; j += 4 * W) {
        B c0 = R::template identity<B>(), c1 = c0, c2 = c0, c3 = c0;
        for (std::size_t k = 0; k < nr; ++k) {
            const T* row = rp[k] + j;
            c0 = R::combine(c0, R::map(load<A>(row)));
            c1 = R::combine(c1, R::map(load<A>(row + W)));
            c2 = R::combine(c2, R::map(load<A>(row + 2 * W)));
            c3 = R::combine(c3, R::map(load<A>(row + 3 * W)));
        }
        c0.store_aligned(acc + j);
        c1.store_aligned(acc + j + W);
        c2.store_aligned(acc + j + 2 * W);
        c3.store_aligned(acc + j + 3 * W);
    }
    for (; j + W <= tw; j += W) {
        B c = R::template identity<B>();
        for (std::size_t k = 0; k < nr; ++k) c = R::combine(c, R::map(load<A>(rp[k] + j)));
        c.store_aligned(acc + j);
    }
    for (; j < tw; ++j) {
        A c = R::template identity<A>();
        for (std::size_t k = 0; k < nr; ++k) c = R::combine(c, R::map(static_cast<A>(rp[k][j])));
        acc[j] = c;
    }
}

/// out[o] = R::finalize(reduction of output o's elements, count) for every output.
template <class R, class T>
void reduce_into(const plan& pl, const T* x, T* out) {
    using A = typename R::acc;
    const std::size_t n_out = pl.n_out, count = pl.count;
    if (n_out == 0) return;
    [[maybe_unused]] const bool parallel = n_out * count >= parallel_min;
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
        if (n_out == 1 && n_seg == 1) {
            out[0] = R::finalize(reduce_long<R>(x, n_in), count);
            return;
        }
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
        for (std::ptrdiff_t so = 0; so < static_cast<std::ptrdiff_t>(n_out); ++so) {
            const auto o = static_cast<std::size_t>(so);
            out[o] = R::finalize(reduce_segments<R>(x + pl.kept.offset(o), segs, 0, n_seg, n_in), count);
        }
        return;
    }
    // column case: output rows of w contiguous values, one tile of columns at a time
    radix outer = pl.kept;
    --outer.n;
    const std::size_t w = pl.kept.size[pl.kept.n - 1];
    const std::size_t n_tiles = (w + col_tile - 1) / col_tile;
    const std::size_t items = (n_out / w) * n_tiles;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (parallel)
#endif
    for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(items); ++si) {
        const auto item = static_cast<std::size_t>(si);
        const std::size_t q = item / n_tiles, j0 = item % n_tiles * col_tile, tw = std::min(col_tile, w - j0);
        alignas(64) std::array<A, col_tile> acc;
        reduce_rows<R>(x + outer.offset(q) + j0, pl.red, 0, count, tw, acc.data());
        T* o = out + q * w + j0;
        for (std::size_t j = 0; j < tw; ++j) o[j] = R::finalize(acc[j], count);
    }
}

/// a if c else b, lane by lane for batches.
template <class V, class C>
V pick(const C& c, const V& a, const V& b) {
    if constexpr (is_batch_v<V>) return xsimd::select(c, a, b);
    else return c ? a : b;
}
/// True for NaN (lane by lane for batches).
template <class V>
auto is_nan(const V& x) {
    return x != x;
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
