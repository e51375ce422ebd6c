#pragma once
// Neural-network layer ops for inference: FullyConnected, batch_dot, softmax, log_softmax,
// SoftmaxOutput (materialized) and Dropout (elementwise identity).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "dot.hpp"
#include "gemm.hpp"
#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

namespace detail {

/// Product of dims [b, e) of s; throws instead of overflowing (infer_shape takes any shape).
inline std::size_t layer_prod(const Shape& s, std::size_t b, std::size_t e) {
    std::size_t n = 1;
    for (std::size_t i = b; i < e; ++i) {
        const auto d = static_cast<std::size_t>(s[i]);
        if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d)
            throw error("shape " + s.str() + " has more elements than fit in memory");
        n *= d;
    }
    return n;
}

/// The dims [b, e) of s as a Shape.
inline Shape layer_sub(const Shape& s, std::size_t b, std::size_t e) {
    return Shape(std::vector<Shape::dim_t>(s.begin() + static_cast<std::ptrdiff_t>(b),
                                           s.begin() + static_cast<std::ptrdiff_t>(e)));
}

/// Throws unless every input has the dtype of the first; the message names both inputs.
template <std::size_t N>
void require_one_dtype(const std::array<meta, N>& in, const std::array<std::string_view, N>& names,
                       std::string_view op) {
    for (std::size_t i = 1; i < N; ++i)
        if (in[i].dt != in[0].dt)
            throw error(std::string(names[i]) + " is " + std::string(dtype_name(in[i].dt)) + " but " +
                        std::string(names[0]) + " is " + std::string(dtype_name(in[0].dt)) + "; " + std::string(op) +
                        " needs one dtype for all its inputs");
}

/// "True" / "False", as Python's str() of a bool.
inline std::string py_bool(bool b) { return b ? "True" : "False"; }

/// Softmax (or, with Log, log-softmax) of up to Wmax columns at once: column c is
/// x[c], x[c + stride], ... (len values). Wmax = 1 is a contiguous row (the last axis);
/// its width is then known at compile time and the column loops disappear.
template <bool Log, std::size_t Wmax, class T>
void softmax_columns(const T* x, T* y, std::size_t len, std::size_t stride, std::size_t width, double temperature) {
    const std::size_t w = Wmax == 1 ? 1 : width;
    // shift by the max of x for t > 0, by the min for t < 0: (x - shift) / t <= 0 either way
    const double sign = temperature > 0 ? 1.0 : -1.0;
    const bool scaled = temperature != 1.0;
    double shift[Wmax], sum[Wmax];
    for (std::size_t c = 0; c < w; ++c) shift[c] = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < len; ++j) {
        const T* xr = x + j * stride;
        for (std::size_t c = 0; c < w; ++c) {
            const double v = sign * static_cast<double>(xr[c]);
            if (v > shift[c]) shift[c] = v;  // NaN never compares greater: skipped here
        }
    }
    for (std::size_t c = 0; c < w; ++c) {
        shift[c] *= sign;
        sum[c] = 0;
    }
    for (std::size_t j = 0; j < len; ++j) {
        const T* xr = x + j * stride;
        T* yr = y + j * stride;
        for (std::size_t c = 0; c < w; ++c) {
            double z = static_cast<double>(xr[c]) - shift[c];
            if (scaled) z /= temperature;
            const double e = std::exp(z);
            sum[c] += e;  // a NaN input makes the sum, and so its whole column, NaN
            if constexpr (!Log) yr[c] = static_cast<T>(e);
        }
    }
    if constexpr (Log) {
        for (std::size_t c = 0; c < w; ++c) sum[c] = std::log(sum[c]);
        for (std::size_t j = 0; j < len; ++j) {
            const T* xr = x + j * stride;
            T* yr = y + j * stride;
            for (std::size_t c = 0; c < w; ++c) {
                double z = static_cast<double>(xr[c]) - shift[c];
                if (scaled) z /= temperature;
                yr[c] = static_cast<T>(z - sum[c]);
            }
        }
    } else {
        for (std::size_t c = 0; c < w; ++c) sum[c] = 1.0 / sum[c];
        for (std::size_t j = 0; j < len; ++j) {
            T* yr = y + j * stride;
            for (std::size_t c = 0; c < w; ++c) yr[c] = static_cast<T>(static_cast<double>(yr[c]) * sum[c]);
        }
    }
}

/// Softmax (or, with Log, log-softmax) of x along one axis into y, the array seen as
/// (outer, len, inner) with the axis in the middle: y = exp(z - max z) / sum, z = x / t.
/// Along a non-last axis, columns are taken 32 at a time so that the reads stay
/// contiguous; their running max and sum live on the stack (nothing is allocated).
/// Sums are kept in double, also for float32. A NaN anywhere along the axis makes that
/// whole slice NaN, as in MXNet.
template <bool Log, class T>
void softmax_kernel(const T* x, T* y, std::size_t outer, std::size_t len, std::size_t inner, double temperature) {
    constexpr std::size_t W = 32;
    const std::size_t tiles = (inner + W - 1) / W;
    const std::size_t tasks = outer * tiles;
    [[maybe_unused]] const bool parallel =
        static_cast<double>(outer) * static_cast<double>(len) * static_cast<double>(inner) > 65536.0;
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t st = 0; st < static_cast<std::ptrdiff_t>(tasks); ++st) {
        const auto task = static_cast<std::size_t>(st);
        const std::size_t o = task / tiles, c0 = (task % tiles) * W;
        const std::size_t offset = o * len * inner + c0;
        if (inner == 1) softmax_columns<Log, 1>(x + offset, y + offset, len, 1, 1, temperature);
        else softmax_columns<Log, W>(x + offset, y + offset, len, inner, std::min(W, inner - c0), temperature);
    }
}

} // namespace detail

// ---------------------------------------------------------------------------------------
// FullyConnected

/// FullyConnected's attributes (MXNet's FullyConnectedParam); num_hidden is required.
struct fully_connected_param {
    std::int64_t num_hidden = 0;  ///< output features; 0 means "not given", an error at bind
    bool no_bias = false;         ///< true for the two-input form (data, weight)
    bool flatten = true;          ///< true: data (d0, ...) is used as (d0, prod(rest)); false: last axis only

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"num_hidden", std::to_string(num_hidden)}};
        if (no_bias) r["no_bias"] = "True";
        if (!flatten) r["flatten"] = "False";
        return r;
    }
    /// num_hidden (required, at least 1), no_bias (default False) and flatten (default True).
    static fully_connected_param from_attrs(const attr_reader& r) {
        (void)r.require("num_hidden");
        return {r.integer("num_hidden", 0, 1, attr_detail::int_hi), r.boolean("no_bias", false),
                r.boolean("flatten", true)};
    }
};

/// data . weight^T (+ bias) (op FullyConnected, hint fullyconnected). N = 3 is the form
/// with a bias input, N = 2 the no_bias form; both are "FullyConnected" in JSON, with
/// the inputs MXNet lists for each. Integer dtypes accumulate with wrap-around, as dot.
template <std::size_t N>
struct fully_connected_op {
    static_assert(N == 2 || N == 3, "FullyConnected takes (data, weight) or (data, weight, bias)");
    static constexpr std::string_view name = "FullyConnected", hint = "fullyconnected";
    static constexpr std::array<std::string_view, 2> aliases{"_sparse_FullyConnected", "_npx_fully_connected"};
    static constexpr std::array<std::string_view, N> inputs = [] {
        if constexpr (N == 3) return std::array<std::string_view, 3>{"data", "weight", "bias"};
        else return std::array<std::string_view, 2>{"data", "weight"};
    }();
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    using params = fully_connected_param;

    /// The product as (rows x in) times (in x num_hidden).
    static dot_op::gemm_dims dims(const params& p, const Shape& data) {
        const std::size_t nd = data.ndim();
        if (p.flatten)
            return {static_cast<std::size_t>(data[0]), detail::layer_prod(data, 1, nd),
                    static_cast<std::size_t>(p.num_hidden)};
        return {detail::layer_prod(data, 0, nd - 1), static_cast<std::size_t>(data[nd - 1]),
                static_cast<std::size_t>(p.num_hidden)};
    }

    static meta infer(const params& p, const std::array<meta, N>& in) {
        if (p.num_hidden < 1)
            throw error("num_hidden must be at least 1 (it is required), got " + std::to_string(p.num_hidden));
        if constexpr (N == 2) {
            if (!p.no_bias)
                throw error("no_bias is False but no bias input was given: pass a bias, or set no_bias = true");
        } else {
            if (p.no_bias)
                throw error("no_bias is True but a bias input was given: drop the bias, or leave no_bias false");
        }
        detail::require_one_dtype(in, inputs, name);
        for (const auto& m : in)
            if (!m.shape_known) return {Shape{}, in[0].dt, false};
        const Shape& data = in[0].shape;
        if (data.ndim() == 0) throw error("data must have at least one dimension, got shape ()");
        const auto d = dims(p, data);
        const Shape want_w{p.num_hidden, static_cast<Shape::dim_t>(d.k)};
        if (in[1].shape != want_w)
            throw error("weight has shape " + in[1].shape.str() + " but must be (num_hidden, input features) = " +
                        want_w.str() + " for data of shape " + data.str() +
                        (p.flatten ? " (flatten=True: features are all axes after the first)"
                                   : " (flatten=False: features are the last axis)"));
        if constexpr (N == 3) {
            const Shape& b = in[2].shape;
            if (b != Shape{p.num_hidden} && b != Shape{p.num_hidden, 1})
                throw error("bias has shape " + b.str() + " but must be (num_hidden,) = " + Shape{p.num_hidden}.str());
        }
        if (p.flatten) return {Shape{data[0], p.num_hidden}, in[0].dt, true};
        Shape out = data;
        out[data.ndim() - 1] = p.num_hidden;
        return {out, in[0].dt, true};
    }

    static void compute(const params& p, const std::array<nd::NDArray, N>& in, nd::NDArray& out) {
        const auto d = dims(p, in[0].shape());
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            T* c = static_cast<T*>(out.raw());
            dot_op::gemm<T>(dot_param{false, true}, d, static_cast<const T*>(in[0].raw()),
                            static_cast<const T*>(in[1].raw()), c);
            if constexpr (N == 3) {
                const T* bias = static_cast<const T*>(in[2].raw());
                [[maybe_unused]] const bool parallel = static_cast<double>(d.m) * static_cast<double>(d.n) > 262144.0;
#pragma omp parallel for schedule(static) if (parallel)
                for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(d.m); ++si) {
                    T* row = c + static_cast<std::size_t>(si) * d.n;
                    for (std::size_t j = 0; j < d.n; ++j) row[j] = add(row[j], bias[j]);
                }
            }
        });
    }
};

// ---------------------------------------------------------------------------------------
// batch_dot

/// batch_dot(lhs, rhs) (op batch_dot, hint batch_dot): one matrix product per batch,
/// (B..., M, K) x (B..., K, N) -> (B..., M, N), with transpose_a / transpose_b applied
/// to the last two axes. MXNet 1.x takes 3-d operands; any equal rank >= 3 with equal
/// leading axes is accepted here, as later MXNet does.
struct batch_dot_op {
    static constexpr std::string_view name = "batch_dot", hint = "batch_dot";
    static constexpr std::array<std::string_view, 1> aliases{"_npx_batch_dot"};
    static constexpr std::array<std::string_view, 2> inputs{"lhs", "rhs"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    using params = dot_param;

    /// Number of batches and the per-batch product.
    struct batch_dims {
        std::size_t batches;
        dot_op::gemm_dims g;
    };
    static batch_dims dims(const params& p, const Shape& a, const Shape& b) {
        const std::size_t nd = a.ndim();
        const auto ar = static_cast<std::size_t>(a[nd - 2]), ac = static_cast<std::size_t>(a[nd - 1]);
        const auto br = static_cast<std::size_t>(b[nd - 2]), bc = static_cast<std::size_t>(b[nd - 1]);
        return {detail::layer_prod(a, 0, nd - 2),
                {p.transpose_a ? ac : ar, p.transpose_a ? ar : ac, p.transpose_b ? br : bc}};
    }

    static meta infer(const params& p, const std::array<meta, 2>& in) {
        detail::require_one_dtype(in, inputs, name);
        if (!in[0].shape_known || !in[1].shape_known) return {Shape{}, in[0].dt, false};
        const Shape &a = in[0].shape, &b = in[1].shape;
        if (a.ndim() < 3 || a.ndim() != b.ndim())
            throw error("lhs " + a.str() + " and rhs " + b.str() +
                        " must have the same number of dimensions, at least 3: (batch..., M, K) and (batch..., K, N)");
        const std::size_t nd = a.ndim();
        if (detail::layer_sub(a, 0, nd - 2) != detail::layer_sub(b, 0, nd - 2))
            throw error("the batch dimensions differ: lhs " + a.str() + " has " +
                        detail::layer_sub(a, 0, nd - 2).str() + " but rhs " + b.str() + " has " +
                        detail::layer_sub(b, 0, nd - 2).str());
        const Shape::dim_t ka = p.transpose_a ? a[nd - 2] : a[nd - 1], kb = p.transpose_b ? b[nd - 1] : b[nd - 2];
        if (ka != kb)
            throw error("the contracted axes differ: lhs " + a.str() + " has " + std::to_string(ka) + " but rhs " +
                        b.str() + " has " + std::to_string(kb) + " (transpose_a=" + detail::py_bool(p.transpose_a) +
                        ", transpose_b=" + detail::py_bool(p.transpose_b) + ")");
        std::vector<Shape::dim_t> out(a.begin(), a.end() - 2);
        out.push_back(p.transpose_a ? a[nd - 1] : a[nd - 2]);
        out.push_back(p.transpose_b ? b[nd - 2] : b[nd - 1]);
        return {Shape(std::move(out)), in[0].dt, true};
    }

    static void compute(const params& p, const std::array<nd::NDArray, 2>& in, nd::NDArray& out) {
        const batch_dims d = dims(p, in[0].shape(), in[1].shape());
        const std::size_t sa = d.g.m * d.g.k, sb = d.g.k * d.g.n, sc = d.g.m * d.g.n;
        const double per = static_cast<double>(d.g.m) * static_cast<double>(d.g.n) * static_cast<double>(d.g.k);
        // one product big enough is split by gemm itself; many small ones are split here
        constexpr double big = gemm_impl::parallel_min_madds;
        [[maybe_unused]] const bool parallel = per < big && per * static_cast<double>(d.batches) >= big;
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            const T* a = static_cast<const T*>(in[0].raw());
            const T* b = static_cast<const T*>(in[1].raw());
            T* c = static_cast<T*>(out.raw());
#pragma omp parallel for schedule(static) if (parallel)
            for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(d.batches); ++si) {
                const auto i = static_cast<std::size_t>(si);
                dot_op::gemm<T>(p, d.g, a + i * sa, b + i * sb, c + i * sc);
            }
        });
    }
};

// ---------------------------------------------------------------------------------------
// softmax, log_softmax

/// softmax's and log_softmax's attributes (MXNet's SoftmaxParam, without dtype and
/// use_length, which are not supported).
struct softmax_param {
    int axis = -1;                        ///< the axis to normalise over; negative counts from the end
    std::optional<double> temperature{};  ///< divides the input first; None means 1.0

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (axis != -1) r["axis"] = std::to_string(axis);
        if (temperature) r["temperature"] = python_float_str(*temperature);
        return r;
    }
    /// axis (default -1) and temperature (default None); dtype and use_length only at their defaults (None, False).
    static softmax_param from_attrs(const attr_reader& r) {
        if (auto d = r.str("dtype", "None"); attr_detail::trim(d) != "None")
            throw r.bad("dtype", d, "None: softmax with an output dtype other than its input's is not supported");
        if (auto u = r.str("use_length", "False"); attr_detail::trim(u) != "None" && r.boolean("use_length", false))
            throw r.bad("use_length", u, "False: softmax with a length input is not supported");
        softmax_param p;
        p.axis = static_cast<int>(r.integer("axis", -1, attr_detail::int_lo, attr_detail::int_hi));
        if (attr_detail::trim(r.str("temperature", "None")) != "None") p.temperature = r.real("temperature", 1.0);
        return p;
    }
};

namespace detail {
/// What softmax and log_softmax share; Log selects the log form.
template <bool Log>
struct softmax_base {
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr dtype_set dtypes = float_dtypes;
    static constexpr shape_rule static_rule = shape_rule::first;
    using params = softmax_param;

    /// The axis as an index into a shape of `ndim` dimensions, or an error.
    static std::size_t axis_index(const params& p, std::size_t ndim) {
        const auto nd = static_cast<long long>(ndim);
        const long long ax = p.axis < 0 ? p.axis + nd : p.axis;
        if (ndim == 0 || ax < 0 || ax >= nd)
            throw error("axis " + std::to_string(p.axis) + " is out of range for a " + std::to_string(ndim) +
                        "-d input");
        return static_cast<std::size_t>(ax);
    }
    static double temperature(const params& p) {
        const double t = p.temperature.value_or(1.0);
        if (t == 0 || !std::isfinite(t))
            throw error("temperature must be a non-zero finite number, got " + python_float_str(t));
        return t;
    }

    static meta infer(const params& p, const std::array<meta, 1>& in) {
        temperature(p);
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        axis_index(p, in[0].shape.ndim());
        return in[0];
    }

    static void compute(const params& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        const std::size_t ax = axis_index(p, s.ndim());
        const double t = temperature(p);
        visit_dtype(out.dtype(), [&](auto v) {
            using T = decltype(v);
            if constexpr (std::is_floating_point_v<T>)
                softmax_kernel<Log>(static_cast<const T*>(in[0].raw()), static_cast<T*>(out.raw()),
                                    layer_prod(s, 0, ax), static_cast<std::size_t>(s[ax]),
                                    layer_prod(s, ax + 1, s.ndim()), t);
        });
    }
};
} // namespace detail

/// exp(x / t) normalised to sum 1 along `axis` (op softmax, hint softmax), computed
/// stably (the max is subtracted first); float32 and float64 only.
struct softmax_op : detail::softmax_base<false> {
    static constexpr std::string_view name = "softmax", hint = "softmax";
    static constexpr std::array<std::string_view, 1> aliases{"_npx_softmax"};
};

/// log(softmax(x)) along `axis` (op log_softmax, hint log_softmax), computed as
/// (x - max) / t - log(sum exp) so that it stays finite where softmax underflows.
struct log_softmax_op : detail::softmax_base<true> {
    static constexpr std::string_view name = "log_softmax", hint = "log_softmax";
    static constexpr std::array<std::string_view, 1> aliases{"_npx_log_softmax"};
};

// ---------------------------------------------------------------------------------------
// SoftmaxOutput

/// SoftmaxOutput's attributes (MXNet's SoftmaxOutputParam). Only multi_output and
/// preserve_shape change the forward pass; the others shape the gradient and are kept
/// so that a graph round-trips.
struct softmax_output_param {
    double grad_scale = 1.0;
    double ignore_label = -1.0;
    bool multi_output = false;           ///< softmax over axis 1 of (d0, d1, rest...)
    bool use_ignore = false;
    bool preserve_shape = false;         ///< softmax over the last axis
    std::string normalization = "null";  ///< "null", "batch" or "valid"
    bool out_grad = false;
    double smooth_alpha = 0.0;

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (grad_scale != 1.0) r["grad_scale"] = python_float_str(grad_scale);
        if (ignore_label != -1.0) r["ignore_label"] = python_float_str(ignore_label);
        if (multi_output) r["multi_output"] = "True";
        if (use_ignore) r["use_ignore"] = "True";
        if (preserve_shape) r["preserve_shape"] = "True";
        if (normalization != "null") r["normalization"] = normalization;
        if (out_grad) r["out_grad"] = "True";
        if (smooth_alpha != 0.0) r["smooth_alpha"] = python_float_str(smooth_alpha);
        return r;
    }
    /// Every SoftmaxOutput attribute, each with MXNet's default when absent.
    static softmax_output_param from_attrs(const attr_reader& r) {
        softmax_output_param p;
        p.grad_scale = r.real("grad_scale", 1.0);
        p.ignore_label = r.real("ignore_label", -1.0);
        p.multi_output = r.boolean("multi_output", false);
        p.use_ignore = r.boolean("use_ignore", false);
        p.preserve_shape = r.boolean("preserve_shape", false);
        p.normalization = r.one_of("normalization", "null", {"null", "batch", "valid"});
        p.out_grad = r.boolean("out_grad", false);
        p.smooth_alpha = r.real("smooth_alpha", 0.0);
        return p;
    }
};

/// The softmax half of the softmax cross-entropy loss (op SoftmaxOutput, alias Softmax,
/// hint softmaxoutput). Forward, as in MXNet: data (d0, ...) is normalised over
/// prod(rest) per d0 (the default), over the last axis (preserve_shape) or over axis 1
/// (multi_output, which takes precedence). The label is not read in forward, but it is
/// an input and its shape is checked as MXNet checks it.
struct softmax_output_op {
    static constexpr std::string_view name = "SoftmaxOutput", hint = "softmaxoutput";
    static constexpr std::array<std::string_view, 1> aliases{"Softmax"};
    static constexpr std::array<std::string_view, 2> inputs{"data", "label"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    static constexpr dtype_set dtypes = float_dtypes;
    static constexpr shape_rule static_rule = shape_rule::first;
    using params = softmax_output_param;

    /// The data seen as (outer, len, inner), normalised along len.
    struct layout {
        std::size_t outer, len, inner;
    };
    static layout split(const params& p, const Shape& s) {
        const std::size_t nd = s.ndim();
        if (p.multi_output)
            return {static_cast<std::size_t>(s[0]), static_cast<std::size_t>(s[1]), detail::layer_prod(s, 2, nd)};
        if (p.preserve_shape) return {detail::layer_prod(s, 0, nd - 1), static_cast<std::size_t>(s[nd - 1]), 1};
        return {static_cast<std::size_t>(s[0]), detail::layer_prod(s, 1, nd), 1};
    }

    static meta infer(const params& p, const std::array<meta, 2>& in) {
        if (p.normalization != "null" && p.normalization != "batch" && p.normalization != "valid")
            throw error("normalization '" + p.normalization + "' is not one of 'null', 'batch', 'valid'");
        detail::require_one_dtype(in, inputs, name);
        if (!in[0].shape_known || !in[1].shape_known) return {Shape{}, in[0].dt, false};
        const Shape &d = in[0].shape, &l = in[1].shape;
        if (d.ndim() < 2)
            throw error("data must have at least 2 dimensions (batch, classes...), got shape " + d.str());
        if (l == d) return in[0];  // probability labels
        const std::size_t nd = d.ndim();
        if (p.multi_output) {
            const Shape l1{d[0], static_cast<Shape::dim_t>(detail::layer_prod(d, 2, nd))};
            std::vector<Shape::dim_t> v2{d[0]};
            v2.insert(v2.end(), d.begin() + 2, d.end());
            const Shape l2(std::move(v2));
            Shape l3 = d;
            l3[1] = 1;
            if (l != l1 && l != l2 && l != l3)
                throw error("label has shape " + l.str() + " but with multi_output=True it must be " + l1.str() +
                            ", " + l2.str() + ", " + l3.str() + " or the data shape " + d.str());
        } else {
            const Shape want = detail::layer_sub(d, 0, nd - 1);
            if (l != want)
                throw error("label has shape " + l.str() + " but must be " + want.str() +
                            " (the data shape without its last axis) or the data shape " + d.str());
        }
        return in[0];
    }

    static void compute(const params& p, const std::array<nd::NDArray, 2>& in, nd::NDArray& out) {
        const layout s = split(p, in[0].shape());
        visit_dtype(out.dtype(), [&](auto v) {
            using T = decltype(v);
            if constexpr (std::is_floating_point_v<T>)
                detail::softmax_kernel<false>(static_cast<const T*>(in[0].raw()), static_cast<T*>(out.raw()), s.outer,
                                              s.len, s.inner, 1.0);
        });
    }
};

// ---------------------------------------------------------------------------------------
// Dropout

/// Dropout's attributes (MXNet's DropoutParam). symflow runs inference only, where
/// Dropout is the identity; they are kept so that a graph round-trips.
struct dropout_param {
    double p = 0.5;                ///< drop probability in training, in [0, 1]
    std::string mode = "training";  ///< "training" (identity at inference) or "always"
    std::vector<int> axes{};        ///< axes sharing one mask in training
    bool cudnn_off = false;

    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (p != 0.5) r["p"] = python_float_str(p);
        if (mode != "training") r["mode"] = mode;
        if (!axes.empty()) r["axes"] = python_tuple_str(axes);
        if (cudnn_off) r["cudnn_off"] = "True";
        return r;
    }
    /// p (default 0.5, in [0, 1]), mode (default training), axes (default ()), cudnn_off (default False, None too).
    static dropout_param from_attrs(const attr_reader& r) {
        dropout_param d;
        d.p = r.real("p", 0.5);
        if (!(d.p >= 0 && d.p <= 1)) throw r.bad("p", r.str("p"), "a probability in [0, 1]");
        d.mode = r.one_of("mode", "training", {"training", "always"});
        for (long long a : r.tuple("axes", {}, attr_detail::int_lo, attr_detail::int_hi))
            d.axes.push_back(static_cast<int>(a));
        d.cudnn_off = attr_detail::trim(r.str("cudnn_off", "None")) != "None" && r.boolean("cudnn_off", false);
        return d;
    }

    /// What is wrong with these attributes, or "" if nothing is.
    std::string problem() const {
        if (!(p >= 0 && p <= 1)) return "p must be in [0, 1], got " + python_float_str(p);
        if (mode != "training" && mode != "always")
            return "mode '" + mode + "' is not one of 'training', 'always'";
        if (mode == "always" && p > 0)
            return "mode 'always' drops values at inference too, which symflow does not implement (it runs "
                   "inference only, where Dropout is the identity); use mode 'training' or p = 0";
        return {};
    }

    /// The element function needs nothing; the attributes are checked once more here
    /// for params that did not come through sym::Dropout.
    struct prepared {};
    template <class T>
    prepared prepare() const {
        if (auto e = problem(); !e.empty()) throw error("Dropout: " + e);
        return {};
    }
};

/// The identity at inference (op Dropout, hint dropout): elementwise, so it costs
/// nothing inside a fused loop. All four dtypes.
struct dropout_op {
    static constexpr std::string_view name = "Dropout", hint = "dropout";
    static constexpr std::array<std::string_view, 1> aliases{"_npx_dropout"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = dropout_param;
    template <class V>
    static V apply(const dropout_param::prepared&, V x) { return x; }
};

} // namespace symflow::ops
