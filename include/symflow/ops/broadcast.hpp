#pragma once
// The broadcasting ops (broadcast_add ... broadcast_lesser_equal, broadcast_to, broadcast_like):
// one strided kernel, parameterised by the element function of the equal-shape op.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "arithmetic.hpp"
#include "binary_math.hpp"
#include "comparison.hpp"
#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

namespace broadcast_detail {

/// Most dimensions a broadcast may have once adjacent dimensions that broadcast alike are
/// merged (so a 10-d sum whose operands differ in one axis is 2-d here); fixed so that
/// the kernel keeps its index arithmetic in arrays on the stack.
inline constexpr std::size_t max_ndim = 8;

/// How to walk the output of a broadcast with N inputs: the output as `ndim` merged
/// dimensions, and each input's element stride along them (0 where it is broadcast).
template <std::size_t N>
struct layout {
    std::size_t ndim = 0;
    std::size_t size = 0;  ///< output elements
    std::array<std::size_t, max_ndim> dims{};
    std::array<std::array<std::size_t, max_ndim>, N> strides{};
};

/// Dimension i (from the left) of `s` once it is aligned from the right with a shape of
/// `ndim` dimensions: a missing leading dimension counts as 1.
inline std::size_t aligned_dim(const Shape& s, std::size_t ndim, std::size_t i) {
    const std::size_t lead = ndim - s.ndim();
    return i < lead ? 1 : static_cast<std::size_t>(s[i - lead]);
}

/// The layout of output shape `out` read from inputs of shapes `in` (already checked to
/// broadcast to it). Dimensions of size 1 are dropped and neighbours along which every
/// input is broadcast in the same way are merged: the innermost run then is as long as
/// it can be. Returns false if more than max_ndim dimensions remain. Allocates nothing.
template <std::size_t N>
bool make_layout(const Shape& out, const std::array<const Shape*, N>& in, layout<N>& l) {
    const std::size_t nd = out.ndim();
    std::array<std::array<bool, max_ndim>, N> bcast{};
    l.ndim = 0;
    l.size = out.num_elements();
    for (std::size_t i = 0; i < nd; ++i) {
        const auto od = static_cast<std::size_t>(out[i]);
        if (od == 1) continue;
        std::array<bool, N> b{};
        for (std::size_t k = 0; k < N; ++k) b[k] = aligned_dim(*in[k], nd, i) == 1;
        bool same = l.ndim > 0;
        for (std::size_t k = 0; k < N && same; ++k) same = bcast[k][l.ndim - 1] == b[k];
        if (same) {
            l.dims[l.ndim - 1] *= od;
            continue;
        }
        if (l.ndim == max_ndim) return false;
        l.dims[l.ndim] = od;
        for (std::size_t k = 0; k < N; ++k) bcast[k][l.ndim] = b[k];
        ++l.ndim;
    }
    if (l.ndim == 0) {  // a single element: one contiguous run of length 1
        l.ndim = 1;
        l.dims[0] = 1;
    }
    for (std::size_t k = 0; k < N; ++k) {
        std::size_t step = 1;
        for (std::size_t d = l.ndim; d-- > 0;) {
            l.strides[k][d] = bcast[k][d] ? 0 : step;
            if (!bcast[k][d]) step *= l.dims[d];
        }
    }
    return true;
}

/// Throws if shapes `in` broadcast to `out` over more than max_ndim merged dimensions.
template <std::size_t N>
void check_layout(const Shape& out, const std::array<const Shape*, N>& in) {
    layout<N> l;
    if (make_layout(out, in, l)) return;
    std::string shapes;
    for (std::size_t k = 0; k < N; ++k) shapes += (k ? " and " : "") + in[k]->str();
    throw error("broadcasting " + shapes + " to " + out.str() + " needs more than " + std::to_string(max_ndim) +
                " dimensions even after merging neighbouring axes that broadcast alike; at most " +
                std::to_string(max_ndim) + " are supported");
}

/// Calls run(pos, {in_k + offset_k}, len) for each contiguous run of output elements
/// [begin, end), pos being the run's first output element: along a run, input k's values
/// are at stride 0 or 1 (see run_broadcast). The position of `begin` is found once; the
/// rest is an odometer, so a tile of a fused loop costs its runs, not a division each.
template <class T, std::size_t N, class Run>
void for_each_run_in(const layout<N>& l, const std::array<const T*, N>& in, std::size_t begin, std::size_t end,
                     Run&& run) {
    if (begin >= end) return;
    const std::size_t inner = l.dims[l.ndim - 1];
    // position of `begin`: its row index over the outer dims, and its column
    std::array<std::size_t, max_ndim> idx{};
    std::array<std::size_t, N> off{};
    std::size_t row = begin / inner, col = begin % inner;
    for (std::size_t d = l.ndim - 1; d-- > 0;) {
        idx[d] = row % l.dims[d];
        row /= l.dims[d];
        for (std::size_t k = 0; k < N; ++k) off[k] += idx[d] * l.strides[k][d];
    }
    std::size_t pos = begin;
    while (true) {
        const std::size_t len = std::min(inner - col, end - pos);
        std::array<const T*, N> p;
        for (std::size_t k = 0; k < N; ++k) p[k] = in[k] + off[k] + col * l.strides[k][l.ndim - 1];
        run(pos, p, len);
        pos += len;
        if (pos >= end) return;
        col = 0;
        for (std::size_t d = l.ndim - 1; d-- > 0;) {  // next row: an odometer over the outer dims
            for (std::size_t k = 0; k < N; ++k) off[k] += l.strides[k][d];
            if (++idx[d] < l.dims[d]) break;
            for (std::size_t k = 0; k < N; ++k) off[k] -= l.strides[k][d] * l.dims[d];
            idx[d] = 0;
        }
    }
}

/// The kernel: calls run(out + i, {in_k + offset_k}, n) for each contiguous run of the
/// output (see for_each_run_in). The output is split into cache-line-aligned element
/// ranges across OpenMP threads when it is large, whatever its shape (a long 1-d run is
/// split as well as many rows).
template <class T, std::size_t N, class Run>
void for_each_run(const layout<N>& l, T* out, const std::array<const T*, N>& in, Run run) {
    const std::size_t n = l.size;
    if (n == 0) return;
    auto range = [&](std::size_t begin, std::size_t end) {
        for_each_run_in<T, N>(l, in, begin, end,
                              [&](std::size_t pos, const std::array<const T*, N>& p, std::size_t len) {
                                  run(out + pos, p, len);
                              });
    };
#ifdef _OPENMP
    if (n >= ops::parallel_min_elements && omp_get_max_threads() > 1) {
#pragma omp parallel
        {
            const auto threads = static_cast<std::size_t>(omp_get_num_threads());
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            constexpr std::size_t line = 64 / sizeof(T);
            std::size_t chunk = (n + threads - 1) / threads;
            chunk = (chunk + line - 1) / line * line;
            const std::size_t b = std::min(n, t * chunk);
            range(b, std::min(n, b + chunk));
        }
        return;
    }
#endif
    range(0, n);
}

/// Whether input k is broadcast along the innermost (run) dimension of layout l.
template <std::size_t N>
std::array<bool, N> run_broadcast(const layout<N>& l) {
    std::array<bool, N> r{};
    for (std::size_t k = 0; k < N; ++k) r[k] = l.strides[k][l.ndim - 1] == 0;
    return r;
}

/// One run of Elem(a, b) over n elements: xsimd batches where both sides advance; a side
/// broadcast along the run (bc[k]) is splatted once.
template <class Elem, class T>
void binary_run(const std::array<bool, 2>& bc, T* o, const T* a, const T* b, std::size_t n) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size;
    auto f = [](const auto& x, const auto& y) { return Elem::template apply<std::remove_cvref_t<decltype(x)>>(x, y); };
    std::size_t i = 0;
    if (!bc[0] && !bc[1]) {
        for (; i + W <= n; i += W) f(B::load_unaligned(a + i), B::load_unaligned(b + i)).store_unaligned(o + i);
        for (; i < n; ++i) o[i] = f(a[i], b[i]);
    } else if (bc[0] && !bc[1]) {
        const T av = *a;
        const B va(av);
        for (; i + W <= n; i += W) f(va, B::load_unaligned(b + i)).store_unaligned(o + i);
        for (; i < n; ++i) o[i] = f(av, b[i]);
    } else if (!bc[0] && bc[1]) {
        const T bv = *b;
        const B vb(bv);
        for (; i + W <= n; i += W) f(B::load_unaligned(a + i), vb).store_unaligned(o + i);
        for (; i < n; ++i) o[i] = f(a[i], bv);
    } else {
        std::fill(o, o + n, f(*a, *b));
    }
}

/// out = Elem(lhs, rhs) broadcast, for element type T (binary_run over every run).
template <class Elem, class T>
void binary_kernel(const nd::NDArray& lhs, const nd::NDArray& rhs, nd::NDArray& out) {
    layout<2> l;
    if (!make_layout<2>(out.shape(), {&lhs.shape(), &rhs.shape()}, l))
        throw error("internal: broadcast layout of " + out.shape().str() + " exceeds the checked rank");
    const auto bc = run_broadcast(l);
    for_each_run<T, 2>(l, static_cast<T*>(out.raw()),
                       {static_cast<const T*>(lhs.raw()), static_cast<const T*>(rhs.raw())},
                       [&](T* o, const std::array<const T*, 2>& p, std::size_t n) {
                           binary_run<Elem, T>(bc, o, p[0], p[1], n);
                       });
}

/// Output elements [begin, end) of Elem(lhs, rhs) broadcast by layout l, written to
/// out[0, end - begin): the broadcast as one node of a tiled fused loop (the runtime
/// interpreter), with no array of the broadcast result.
template <class Elem, class T>
void binary_range(const layout<2>& l, const T* lhs, const T* rhs, T* out, std::size_t begin, std::size_t end) {
    const auto bc = run_broadcast(l);
    for_each_run_in<T, 2>(l, {lhs, rhs}, begin, end,
                          [&](std::size_t pos, const std::array<const T*, 2>& p, std::size_t n) {
                              binary_run<Elem, T>(bc, out + (pos - begin), p[0], p[1], n);
                          });
}

/// out = in broadcast to out's shape (broadcast_to, broadcast_like): copies along runs
/// where the input advances, fills where it is broadcast.
template <class T>
void copy_kernel(const nd::NDArray& in, nd::NDArray& out) {
    layout<1> l;
    if (!make_layout<1>(out.shape(), {&in.shape()}, l))
        throw error("internal: broadcast layout of " + out.shape().str() + " exceeds the checked rank");
    const bool bc = run_broadcast(l)[0];
    for_each_run<T, 1>(l, static_cast<T*>(out.raw()), {static_cast<const T*>(in.raw())},
                       [bc](T* o, const std::array<const T*, 1>& p, std::size_t n) {
                           if (bc) std::fill(o, o + n, *p[0]);
                           else std::copy(p[0], p[0] + n, o);
                       });
}

/// A broadcast op's kernel over output elements [begin, end) of layout l, written to
/// out[0, end - begin): how both executors run a broadcast inside a fused loop's tiles.
using range_fn = void (*)(const layout<2>& l, const void* lhs, const void* rhs, void* out, std::size_t begin,
                          std::size_t end);

template <class Elem, class T>
void range_kernel(const layout<2>& l, const void* lhs, const void* rhs, void* out, std::size_t begin,
                  std::size_t end) {
    binary_range<Elem, T>(l, static_cast<const T*>(lhs), static_cast<const T*>(rhs), static_cast<T*>(out), begin,
                          end);
}

/// The element function of broadcast_to and broadcast_like: the broadcast operand itself.
struct take_lhs {
    template <class V>
    static V apply(V a, V) {
        return a;
    }
};

/// Throws unless both inputs have one dtype (MXNet infers all three dtypes as equal).
inline void require_same_dtype(const meta& lhs, const meta& rhs) {
    if (lhs.dt != rhs.dt)
        throw error("input dtypes differ: lhs is " + std::string(dtype_name(lhs.dt)) + " but rhs is " +
                    std::string(dtype_name(rhs.dt)) + "; cast one of them first");
}

} // namespace broadcast_detail

/// numpy's broadcast of two shapes: aligned from the right, a missing leading dimension
/// counts as 1, and each pair of sizes must be equal or contain a 1 (1 against 0 gives 0).
inline Shape broadcast_shapes(const Shape& lhs, const Shape& rhs) {
    const std::size_t nd = std::max(lhs.ndim(), rhs.ndim());
    std::vector<Shape::dim_t> out(nd);
    for (std::size_t i = 0; i < nd; ++i) {
        const auto l = broadcast_detail::aligned_dim(lhs, nd, i), r = broadcast_detail::aligned_dim(rhs, nd, i);
        if (l != r && l != 1 && r != 1)
            throw error("shapes " + lhs.str() + " vs " + rhs.str() + " cannot be broadcast together: axis " +
                        std::to_string(i) + " of the result has size " + std::to_string(l) + " in lhs vs " +
                        std::to_string(r) + " in rhs (sizes must be equal or 1, aligned from the right)");
        out[i] = static_cast<Shape::dim_t>(l == 1 ? r : l);
    }
    return Shape(std::move(out));
}

/// Everything a broadcasting binary op shares, given the equal-shape op Elem whose element
/// function (Elem::apply) and dtype set it reuses: inputs, shape rule and kernel. A
/// broadcast op is this plus its name, aliases and hint.
template <class Elem>
struct broadcast_binary {
    using elementwise_op = Elem;  ///< whose apply() computes each element
    static constexpr bool broadcast_reads_rhs = true;  ///< both operands are read
    static constexpr std::array<std::string_view, 2> inputs{"lhs", "rhs"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    static constexpr shape_rule static_rule = shape_rule::broadcast;
    static constexpr dtype_set dtypes = op_dtypes<Elem>();
    using params = no_params;

    static meta infer(const no_params&, const std::array<meta, 2>& in) {
        broadcast_detail::require_same_dtype(in[0], in[1]);
        if (!in[0].shape_known || !in[1].shape_known) return {Shape{}, in[0].dt, false};
        Shape out = broadcast_shapes(in[0].shape, in[1].shape);
        broadcast_detail::check_layout<2>(out, {&in[0].shape, &in[1].shape});
        return {std::move(out), in[0].dt, true};
    }

    static void compute(const no_params&, const std::array<nd::NDArray, 2>& in, nd::NDArray& out) {
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            if constexpr (op_dtypes<Elem>().template contains<T>())
                broadcast_detail::binary_kernel<Elem, T>(in[0], in[1], out);
            else
                throw error("internal: no broadcast kernel for " + std::string(dtype_name(out.dtype())));
        });
    }
};

/// lhs + rhs with broadcasting (op broadcast_add, alias broadcast_plus).
struct broadcast_add_op : broadcast_binary<elemwise_add> {
    static constexpr std::string_view name = "broadcast_add", hint = "broadcast_add";
    static constexpr std::array<std::string_view, 1> aliases{"broadcast_plus"};
};
/// lhs - rhs with broadcasting (op broadcast_sub, alias broadcast_minus).
struct broadcast_sub_op : broadcast_binary<elemwise_sub> {
    static constexpr std::string_view name = "broadcast_sub", hint = "broadcast_sub";
    static constexpr std::array<std::string_view, 1> aliases{"broadcast_minus"};
};
/// lhs * rhs with broadcasting (op broadcast_mul).
struct broadcast_mul_op : broadcast_binary<elemwise_mul> {
    static constexpr std::string_view name = "broadcast_mul", hint = "broadcast_mul";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs / rhs with broadcasting (op broadcast_div); integer x / 0 is 0, as elemwise_div.
struct broadcast_div_op : broadcast_binary<elemwise_div> {
    static constexpr std::string_view name = "broadcast_div", hint = "broadcast_div";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs % rhs with broadcasting (op broadcast_mod); Python's sign rule, x % 0 is 0, as _mod.
struct broadcast_mod_op : broadcast_binary<mod> {
    static constexpr std::string_view name = "broadcast_mod", hint = "broadcast_mod";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs ** rhs with broadcasting (op broadcast_power); integers wrap, as _power.
struct broadcast_power_op : broadcast_binary<power> {
    static constexpr std::string_view name = "broadcast_power", hint = "broadcast_power";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// Elementwise maximum with broadcasting (op broadcast_maximum); NaN wins, as _maximum.
struct broadcast_maximum_op : broadcast_binary<maximum> {
    static constexpr std::string_view name = "broadcast_maximum", hint = "broadcast_maximum";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// Elementwise minimum with broadcasting (op broadcast_minimum); NaN wins, as _minimum.
struct broadcast_minimum_op : broadcast_binary<minimum> {
    static constexpr std::string_view name = "broadcast_minimum", hint = "broadcast_minimum";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// sqrt(lhs^2 + rhs^2) with broadcasting (op broadcast_hypot); float32 and float64 only.
struct broadcast_hypot_op : broadcast_binary<hypot> {
    static constexpr std::string_view name = "broadcast_hypot", hint = "broadcast_hypot";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs == rhs with broadcasting (op broadcast_equal): 1 or 0 in the inputs' dtype.
struct broadcast_equal_op : broadcast_binary<equal> {
    static constexpr std::string_view name = "broadcast_equal", hint = "broadcast_equal";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs != rhs with broadcasting (op broadcast_not_equal): 1 or 0 in the inputs' dtype.
struct broadcast_not_equal_op : broadcast_binary<not_equal> {
    static constexpr std::string_view name = "broadcast_not_equal", hint = "broadcast_not_equal";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs > rhs with broadcasting (op broadcast_greater): 1 or 0 in the inputs' dtype.
struct broadcast_greater_op : broadcast_binary<greater> {
    static constexpr std::string_view name = "broadcast_greater", hint = "broadcast_greater";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs >= rhs with broadcasting (op broadcast_greater_equal): 1 or 0 in the inputs' dtype.
struct broadcast_greater_equal_op : broadcast_binary<greater_equal> {
    static constexpr std::string_view name = "broadcast_greater_equal", hint = "broadcast_greater_equal";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs < rhs with broadcasting (op broadcast_lesser): 1 or 0 in the inputs' dtype.
struct broadcast_lesser_op : broadcast_binary<lesser> {
    static constexpr std::string_view name = "broadcast_lesser", hint = "broadcast_lesser";
    static constexpr std::array<std::string_view, 0> aliases{};
};
/// lhs <= rhs with broadcasting (op broadcast_lesser_equal): 1 or 0 in the inputs' dtype.
struct broadcast_lesser_equal_op : broadcast_binary<lesser_equal> {
    static constexpr std::string_view name = "broadcast_lesser_equal", hint = "broadcast_lesser_equal";
    static constexpr std::array<std::string_view, 0> aliases{};
};

/// broadcast_to's attribute: the target shape, where 0 keeps the input's dimension.
struct broadcast_to_param {
    Shape shape;  ///< MXNet's default is () (no target), which fits only a 0-d input
    std::map<std::string, std::string> to_attrs() const { return {{"shape", shape.str()}}; }
    /// shape (default ()): non-negative sizes, 0 keeping the input's.
    static broadcast_to_param from_attrs(const attr_reader& r) { return {r.shape("shape", Shape{})}; }
};

/// broadcast_to(data, shape): data repeated along its size-1 axes up to `shape`. As in
/// MXNet, the target has data's number of dimensions (no leading axes are added) and a 0
/// in it keeps data's size, so it cannot broadcast to an empty axis.
struct broadcast_to_op {
    static constexpr std::string_view name = "broadcast_to", hint = "broadcast_to";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = broadcast_to_param;
    /// In a fused loop: data walked through its stride pattern, nothing else read.
    using elementwise_op = broadcast_detail::take_lhs;
    static constexpr bool broadcast_reads_rhs = false;

    static meta infer(const broadcast_to_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        if (p.shape.ndim() != s.ndim())
            throw error("cannot broadcast " + s.str() + " to shape=" + p.shape.str() + ": the target has " +
                        std::to_string(p.shape.ndim()) + " dimensions and the input " + std::to_string(s.ndim()) +
                        "; broadcast_to needs equal ranks (reshape or expand_dims the input first)");
        Shape out = p.shape;
        for (std::size_t i = 0; i < s.ndim(); ++i) {
            if (p.shape[i] == 0) out[i] = s[i];
            else if (s[i] != p.shape[i] && s[i] != 1)
                throw error("cannot broadcast " + s.str() + " to shape=" + p.shape.str() + ": axis " +
                            std::to_string(i) + " has size " + std::to_string(s[i]) + ", which is neither " +
                            std::to_string(p.shape[i]) + " nor 1 (0 in the target keeps the size)");
        }
        broadcast_detail::check_layout<1>(out, {&s});
        return {std::move(out), in[0].dt, true};
    }

    static void compute(const broadcast_to_param&, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        visit_dtype(out.dtype(), [&](auto t) { broadcast_detail::copy_kernel<decltype(t)>(in[0], out); });
    }
};

/// broadcast_like's attributes: the axes of lhs to broadcast and of rhs to take sizes from.
/// Only the default (both None: lhs broadcast to rhs's whole shape) is implemented.
struct broadcast_like_param {
    std::optional<std::vector<std::int64_t>> lhs_axes = std::nullopt;
    std::optional<std::vector<std::int64_t>> rhs_axes = std::nullopt;
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (lhs_axes) r["lhs_axes"] = python_tuple_str(*lhs_axes);
        if (rhs_axes) r["rhs_axes"] = python_tuple_str(*rhs_axes);
        return r;
    }
    /// lhs_axes and rhs_axes: tuples, or None (the default).
    static broadcast_like_param from_attrs(const attr_reader& r) {
        auto axes = [&](std::string_view key) -> std::optional<std::vector<std::int64_t>> {
            auto t = r.maybe_tuple(key);
            if (!t) return std::nullopt;
            return std::vector<std::int64_t>(t->begin(), t->end());
        };
        return {axes("lhs_axes"), axes("rhs_axes")};
    }
};

/// broadcast_like(lhs, rhs): lhs broadcast to rhs's shape; rhs's values are not read. As
/// in MXNet, both have the same number of dimensions and the same dtype.
struct broadcast_like_op {
    static constexpr std::string_view name = "broadcast_like", hint = "broadcast_like";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 2> inputs{"lhs", "rhs"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    using params = broadcast_like_param;
    /// In a fused loop: lhs walked through its stride pattern; rhs gives only the shape.
    using elementwise_op = broadcast_detail::take_lhs;
    static constexpr bool broadcast_reads_rhs = false;

    static meta infer(const broadcast_like_param& p, const std::array<meta, 2>& in) {
        if (p.lhs_axes) unsupported("lhs_axes");
        if (p.rhs_axes) unsupported("rhs_axes");
        broadcast_detail::require_same_dtype(in[0], in[1]);
        if (!in[0].shape_known || !in[1].shape_known) return {Shape{}, in[0].dt, false};
        const Shape &l = in[0].shape, &r = in[1].shape;
        if (l.ndim() != r.ndim())
            throw error("cannot broadcast lhs " + l.str() + " like rhs " + r.str() + ": they have " +
                        std::to_string(l.ndim()) + " and " + std::to_string(r.ndim()) +
                        " dimensions; broadcast_like needs equal ranks");
        for (std::size_t i = 0; i < l.ndim(); ++i)
            if (l[i] != r[i] && l[i] != 1)
                throw error("cannot broadcast lhs " + l.str() + " like rhs " + r.str() + ": axis " +
                            std::to_string(i) + " has size " + std::to_string(l[i]) + " in lhs, which is neither " +
                            std::to_string(r[i]) + " nor 1");
        broadcast_detail::check_layout<1>(r, {&l});
        return {r, in[0].dt, true};
    }

    /// The error for a set attribute this implementation does not cover.
    [[noreturn]] static void unsupported(const std::string& attr) {
        throw error("attribute " + attr + " is not supported: only its default, None (lhs broadcast to the " +
                    "whole shape of rhs), is implemented");
    }

    static void compute(const broadcast_like_param&, const std::array<nd::NDArray, 2>& in, nd::NDArray& out) {
        visit_dtype(out.dtype(), [&](auto t) { broadcast_detail::copy_kernel<decltype(t)>(in[0], out); });
    }
};

/// The range kernel of broadcast op Op (one with an `elementwise_op`) for dtype dt, or
/// nullptr if Op does not take dt.
template <class Op>
broadcast_detail::range_fn range_kernel_for(dtype dt) {
    broadcast_detail::range_fn f = nullptr;
    visit_dtype(dt, [&](auto t) {
        using T = decltype(t);
        if constexpr (op_dtypes<Op>().template contains<T>())
            f = &broadcast_detail::range_kernel<typename Op::elementwise_op, T>;
    });
    return f;
}

} // namespace symflow::ops
