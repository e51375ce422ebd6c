#pragma once
// The run-time face of the op descriptions: for each op symflow computes, its params
// parsed from string attributes, its shape/dtype rule and its kernels behind function
// pointers, so that a graph held as data runs the same code as a static expression.
//
// The table is a function template: its ~120 ops x 4 dtypes of kernels are compiled only
// in translation units that bind or infer runtime graphs, never in those that only build,
// print or save them. A program with many such translation units can compile it once:
// define SYMFLOW_RUNTIME_KERNELS_EXTERN in all of them and, in one,
//     template const symflow::sym::rt::op_runtime* symflow::sym::rt::find_runtime<void>(std::string_view);
// (about 20 s of compile time saved per translation unit at -O0).
#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../nd/ndarray.hpp"
#include "../ops/attrs.hpp"
#include "../exec/tasks.hpp"
#include "../ops/registry.hpp"
#include "pair_kernels.hpp"

namespace symflow::sym::rt {

/// An op's attributes parsed into its params struct, type-erased.
using parsed_params = std::shared_ptr<const void>;

/// One elementwise op for one dtype: out[i] = f(in0[i], in1[i], ...) for i < n.
struct tile_kernel {
    elementwise_fn run = nullptr;
    std::shared_ptr<const void> prepared;  ///< the params converted to the element type
    /// The same loop writing its output with streaming stores, where the kernel has one
    /// (two-level kernels): a tree's root then streams straight to an output that cannot
    /// stay in the cache, rather than through a tile buffer copied out after.
    elementwise_fn run_stream = nullptr;
};

/// What the interpreter calls for one op.
struct op_runtime {
    ops::op_kind kind;
    std::size_t arity;  ///< 0: any number (Concat, stack)
    ops::dtype_set dtypes;
    /// Params from attributes; throws symflow::error naming op, node and key.
    parsed_params (*parse)(const ops::attr_reader&);
    /// Shape and dtype rule of a materialized op (elementwise ops share the equal-shape rule).
    ops::meta (*infer)(const void* params, std::span<const ops::meta> in);
    /// The elementwise kernel for dtype `dt` (dt is in dtypes).
    tile_kernel (*elementwise)(const void* params, dtype dt);
    /// The inputs of a materialized node packed once at bind in the form its kernel takes
    /// (a std::array of handles), so that forward() copies no handle (and no shape).
    std::shared_ptr<const void> (*pack)(std::span<const nd::NDArray> in);
    /// The materialized kernel on packed inputs: writes every element of `out`.
    void (*compute)(const void* params, const void* packed, nd::NDArray& out);
    /// Which of + - * / this op is (detail::arith_ops), or -1: a two-level kernel inlines it.
    int arith = -1;
    /// The two-level kernel with this op at the root and sides `left`, `right` (arith
    /// indices, -1 for an input); run is null for a dtype without one.
    tile_kernel (*pair)(dtype dt, int left, int right) = nullptr;
    /// Ops with several outputs (SliceChannel): the rule and kernel for all of them at once
    /// (`infer` and `compute` then refuse); null for single-output ops.
    std::vector<ops::meta> (*infer_outputs)(const void* params, std::span<const ops::meta> in) = nullptr;
    void (*compute_outputs)(const void* params, const void* packed, std::span<nd::NDArray> outs) = nullptr;
    /// Broadcasting binary ops (broadcast_add ...): their kernel for dtype `dt` over a range of
    /// output elements, so that the interpreter runs them inside a fused tree's tiles rather
    /// than into an array (`compute` remains for the op on its own); null for other ops.
    ops::broadcast_detail::range_fn (*broadcast)(dtype dt) = nullptr;
    /// Whether that kernel reads input 1 (broadcast_add) or only input 0 (broadcast_to/like).
    bool broadcast_reads_rhs = true;
    /// All inputs take one dtype (ops::inputs_share_dtype): inference gives it to untyped arguments.
    bool one_dtype = false;
    /// What one element costs in a fused loop (ops::cost_v), for exec::plan_loop.
    std::size_t cost = 1;
    /// A materialized op's work on these arrays (exec::materialized_work), which decides
    /// whether independent steps run as tasks.
    exec::step_work (*work)(const void* params, std::span<const nd::NDArray> in,
                            std::span<const nd::NDArray> outs) = nullptr;
};

namespace detail {

template <class V, class T>
V load_at(const void* p, std::size_t i) {
    const T* t = static_cast<const T*>(p) + i;
    if constexpr (ops::is_batch_v<V>) return V::load_unaligned(t);
    else return *t;
}

template <class Op, class T>
using prepared_t = decltype(std::declval<const typename Op::params&>().template prepare<T>());

template <class Op, class V, class T, class P, std::size_t... K>
V apply_at(const P& params, const T* const* in, std::size_t i, std::index_sequence<K...>) {
    if constexpr (std::is_same_v<typename Op::params, ops::no_params>)
        return Op::template apply<V>(load_at<V, T>(in[K], i)...);
    else
        return Op::template apply<V>(params, load_at<V, T>(in[K], i)...);
}

/// The elementwise loop of Op on T: batches, then a scalar tail.
template <class Op, class T>
void run_elementwise(const void* prepared, const void* const* in_v, void* out_v, std::size_t n) {
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size, A = ops::arity_v<Op>;
    constexpr auto seq = std::make_index_sequence<A>{};
    struct none {};
    using P = std::conditional_t<std::is_same_v<typename Op::params, ops::no_params>, none, prepared_t<Op, T>>;
    // local copies: stores to `out` cannot change them, so the loop does not reload them
    const P params = [&] {
        if constexpr (std::is_same_v<P, none>) return none{};
        else return *static_cast<const P*>(prepared);
    }();
    const auto in = [&]<std::size_t... K>(std::index_sequence<K...>) {
        return std::array<const T*, A>{static_cast<const T*>(in_v[K])...};
    }(seq);
    T* out = static_cast<T*>(out_v);
    std::size_t i = 0;
    // Costly ops (exp, tanh, ...: long chains of dependent multiply-adds) take two batches
    // per step, so that the core overlaps two chains; on the transcendental graph of
    // bench/gb_transcendental.cpp this took the interpreter from 2.9 to 2.6 us at 1e3 and from
    // 3.3 to 2.8 ms at 1e6 elements. Cheap ops stay one batch per step (half the code).
    if constexpr (ops::cost_v<Op> > 1)
        for (; i + 2 * W <= n; i += 2 * W) {
            const B a = apply_at<Op, B, T>(params, in.data(), i, seq);
            const B b = apply_at<Op, B, T>(params, in.data(), i + W, seq);
            a.store_unaligned(out + i);
            b.store_unaligned(out + i + W);
        }
    for (; i + W <= n; i += W) apply_at<Op, B, T>(params, in.data(), i, seq).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = apply_at<Op, T, T>(params, in.data(), i, seq);
}

template <class Op>
parsed_params parse_op(const ops::attr_reader& r) {
    return std::make_shared<const typename Op::params>(Op::params::from_attrs(r));
}

template <class Op>
tile_kernel elementwise_op(const void* params, dtype dt) {
    tile_kernel k;
    visit_dtype(dt, [&](auto t) {
        using T = decltype(t);
        if constexpr (ops::op_dtypes<Op>().template contains<T>()) {
            const auto& p = *static_cast<const typename Op::params*>(params);
            k.prepared = std::make_shared<const prepared_t<Op, T>>(p.template prepare<T>());
            k.run = &run_elementwise<Op, T>;
        }
    });
    return k;
}

template <class Op>
tile_kernel pair_op(dtype dt, int left, int right) {
    tile_kernel k;
    if (dt == dtype::float32) {
        k.run = pair_fn<arith_index<Op>(), float>(left, right);
        k.run_stream = pair_fn<arith_index<Op>(), float, true>(left, right);
    }
    if (dt == dtype::float64) {
        k.run = pair_fn<arith_index<Op>(), double>(left, right);
        k.run_stream = pair_fn<arith_index<Op>(), double, true>(left, right);
    }
    return k;
}

/// The inputs' metas as the fixed-size array Op's rules take.
template <class Op>
std::array<ops::meta, ops::arity_v<Op>> metas_of(std::span<const ops::meta> in) {
    std::array<ops::meta, ops::arity_v<Op>> a;
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = in[i];
    return a;
}

template <class Op>
ops::meta infer_op(const void* params, std::span<const ops::meta> in) {
    return Op::infer(*static_cast<const typename Op::params*>(params), metas_of<Op>(in));
}

template <class Op>
std::shared_ptr<const void> pack_op(std::span<const nd::NDArray> in) {
    constexpr std::size_t N = ops::arity_v<Op>;
    auto a = std::make_shared<std::array<nd::NDArray, N>>();
    for (std::size_t i = 0; i < N && i < in.size(); ++i) (*a)[i] = in[i];
    return a;
}

template <class Op>
void compute_op(const void* params, const void* packed, nd::NDArray& out) {
    constexpr std::size_t N = ops::arity_v<Op>;
    Op::compute(*static_cast<const typename Op::params*>(params),
                *static_cast<const std::array<nd::NDArray, N>*>(packed), out);
}

/// The runtime entry of a fixed-arity op description.
template <class Op>
op_runtime make_runtime() {
    op_runtime r{Op::kind, ops::arity_v<Op>, ops::op_dtypes<Op>(), &parse_op<Op>, nullptr, nullptr, nullptr, nullptr};
    r.one_dtype = ops::inputs_share_dtype<Op>();
    if constexpr (Op::kind == ops::op_kind::elementwise) {
        r.elementwise = &elementwise_op<Op>;
        r.cost = ops::cost_v<Op>;
        if constexpr (arith_index<Op>() >= 0) {
            r.arith = arith_index<Op>();
            r.pair = &pair_op<Op>;
        }
    } else {
        r.infer = &infer_op<Op>;
        r.pack = &pack_op<Op>;
        r.compute = &compute_op<Op>;
        r.work = [](const void* params, std::span<const nd::NDArray> in, std::span<const nd::NDArray> outs) {
            return exec::materialized_work<Op>(*static_cast<const typename Op::params*>(params), in, outs);
        };
    }
    if constexpr (requires { typename Op::elementwise_op; }) {
        r.broadcast = &ops::range_kernel_for<Op>;
        r.broadcast_reads_rhs = Op::broadcast_reads_rhs;
    }
    if constexpr (ops::multi_output_op<Op>) {
        r.infer_outputs = [](const void* params, std::span<const ops::meta> in) {
            return Op::infer_outputs(*static_cast<const typename Op::params*>(params), metas_of<Op>(in));
        };
        r.compute_outputs = [](const void* params, const void* packed, std::span<nd::NDArray> outs) {
            Op::compute_outputs(*static_cast<const typename Op::params*>(params),
                                *static_cast<const std::array<nd::NDArray, ops::arity_v<Op>>*>(packed), outs);
        };
    }
    return r;
}

/// FullyConnected: the with-bias or no_bias description, chosen by the parsed no_bias.
inline op_runtime fully_connected_runtime() {
    using P = ops::fully_connected_param;
    op_runtime r = make_runtime<ops::fully_connected_op<3>>();
    r.arity = 0;  // two or three inputs
    r.infer = [](const void* params, std::span<const ops::meta> in) {
        const auto& p = *static_cast<const P*>(params);
        if (in.size() != (p.no_bias ? 2u : 3u))
            throw error("FullyConnected with no_bias=" + std::string(p.no_bias ? "True" : "False") + " takes " +
                        (p.no_bias ? "2" : "3") + " inputs, got " + std::to_string(in.size()));
        return p.no_bias ? infer_op<ops::fully_connected_op<2>>(params, in)
                         : infer_op<ops::fully_connected_op<3>>(params, in);
    };
    r.pack = [](std::span<const nd::NDArray> in) {
        return in.size() == 2 ? pack_op<ops::fully_connected_op<2>>(in) : pack_op<ops::fully_connected_op<3>>(in);
    };
    r.compute = [](const void* params, const void* packed, nd::NDArray& out) {
        if (static_cast<const P*>(params)->no_bias) compute_op<ops::fully_connected_op<2>>(params, packed, out);
        else compute_op<ops::fully_connected_op<3>>(params, packed, out);
    };
    return r;
}

/// Concat and stack: any number of inputs; their rules and kernels take spans.
template <class Op>
op_runtime join_runtime() {
    op_runtime r = make_runtime<Op>();
    r.arity = 0;
    r.infer = [](const void* params, std::span<const ops::meta> in) {
        return Op::infer(*static_cast<const typename Op::params*>(params), in);
    };
    r.pack = [](std::span<const nd::NDArray> in) -> std::shared_ptr<const void> {
        return std::make_shared<const std::vector<nd::NDArray>>(in.begin(), in.end());
    };
    r.compute = [](const void* params, const void* packed, nd::NDArray& out) {
        Op::compute(*static_cast<const typename Op::params*>(params),
                    std::span<const nd::NDArray>(*static_cast<const std::vector<nd::NDArray>*>(packed)), out);
    };
    return r;
}

} // namespace detail

/// The runtime entry of the op with canonical name `name`, or nullptr if symflow has no
/// kernel for it.
template <class = void>
const op_runtime* find_runtime(std::string_view name) {
    static const std::map<std::string, op_runtime, std::less<>> table = [] {
        std::map<std::string, op_runtime, std::less<>> t;
        ops::for_each_op([&]<class Op>() {
            if (t.count(Op::name)) return;
            t.emplace(std::string(Op::name), detail::make_runtime<Op>());
        });
        t.insert_or_assign("FullyConnected", detail::fully_connected_runtime());
        t.insert_or_assign("Concat", detail::join_runtime<ops::concat_op<1>>());
        t.insert_or_assign("stack", detail::join_runtime<ops::stack_op<1>>());
        return t;
    }();
    auto it = table.find(name);
    return it == table.end() ? nullptr : &it->second;
}

#ifdef SYMFLOW_RUNTIME_KERNELS_EXTERN
extern template const op_runtime* find_runtime<void>(std::string_view);
#endif

} // namespace symflow::sym::rt
