#pragma once
// The shape ops of MXNet: Reshape, transpose, expand_dims, squeeze, Flatten, slice, slice_axis,
// tile, repeat and Cast, all materialized (a copy with index arithmetic into a planned buffer).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
#include "op.hpp"

namespace symflow::ops {

namespace shape_detail {

/// Most dimensions an index-arithmetic kernel handles; its per-dimension state lives on the
/// stack because compute() may not allocate (numpy's limit is 32 too).
inline constexpr std::size_t max_ndim = 32;

using ops::parallel_min_elements;  // one threading threshold for every kernel

/// Python's str() of an optional int: "3" or "None".
inline std::string optional_str(const std::optional<long long>& v) { return v ? std::to_string(*v) : "None"; }

/// `axis` of an n-d input as an index in [0, n); negative axes count from the end.
inline std::size_t normalize_axis(long long axis, std::size_t ndim, std::string_view what = "axis") {
    const auto n = static_cast<long long>(ndim);
    if (axis < -n || axis >= n)
        throw error(std::string(what) + " " + std::to_string(axis) + " is out of range for a " + std::to_string(ndim) +
                    "-d input (valid: " + std::to_string(-n) + " to " + std::to_string(n - 1) + ")");
    return static_cast<std::size_t>(axis < 0 ? axis + n : axis);
}

/// Rejects inputs with more dimensions than the index-arithmetic kernels handle.
inline void check_max_ndim(const Shape& s, std::string_view op) {
    if (s.ndim() > max_ndim)
        throw error(std::string(op) + " handles at most " + std::to_string(max_ndim) + " dimensions, the input has " +
                    std::to_string(s.ndim()));
}

/// a * b for non-negative dims, or nullopt when it does not fit.
inline std::optional<long long> checked_mul(long long a, long long b) {
    if (a != 0 && b > std::numeric_limits<long long>::max() / a) return std::nullopt;
    return a * b;
}

/// Row-major strides (in elements) of a shape, written into `out`.
inline void strides_of(const Shape& s, std::array<std::ptrdiff_t, max_ndim>& out) {
    std::ptrdiff_t st = 1;
    for (std::size_t i = s.ndim(); i-- > 0;) {
        out[i] = st;
        st *= static_cast<std::ptrdiff_t>(s[i]);
    }
}

/// A gather: output element (i_0, ..., i_{n-1}), row-major over `extent`, is input element
/// offset + sum_k i_k * stride[k]. Transposes, slices (strides times steps, possibly
/// negative), tiles and repeats (stride 0 for the repeated axis) are all such copies.
struct gather_plan {
    static constexpr std::size_t capacity = 2 * max_ndim;  // tile splits each axis in two
    std::size_t ndim = 0;
    std::size_t total = 1;  ///< number of output elements
    std::array<std::size_t, capacity> extent{};
    std::array<std::ptrdiff_t, capacity> stride{};
    std::ptrdiff_t offset = 0;

    /// Appends an output axis; size-1 axes vanish and an axis continuing the previous one
    /// contiguously merges with it, so that the inner loop runs as long as possible.
    void push(std::size_t n, std::ptrdiff_t s) {
        total *= n;
        if (n == 1) return;
        if (ndim > 0 && stride[ndim - 1] == s * static_cast<std::ptrdiff_t>(n)) {
            extent[ndim - 1] *= n;
            stride[ndim - 1] = s;
            return;
        }
        extent[ndim] = n;
        stride[ndim] = s;
        ++ndim;
    }
};

/// Runs rows [r0, r1) of a gather: an odometer over the outer axes, a plain loop inside.
template <class T>
void gather_rows(const gather_plan& p, const T* in, T* out, std::size_t r0, std::size_t r1) {
    const std::size_t last = p.ndim - 1, inner = p.extent[last];
    const std::ptrdiff_t is = p.stride[last];
    std::array<std::size_t, gather_plan::capacity> idx{};
    std::ptrdiff_t base = p.offset;
    for (std::size_t k = last, r = r0; k-- > 0;) {
        idx[k] = r % p.extent[k];
        r /= p.extent[k];
        base += static_cast<std::ptrdiff_t>(idx[k]) * p.stride[k];
    }
    T* o = out + r0 * inner;
    for (std::size_t row = r0; row < r1; ++row, o += inner) {
        const T* src = in + base;
        if (is == 1) std::copy(src, src + inner, o);
        else if (is == 0) std::fill(o, o + inner, *src);
        else
            for (std::size_t j = 0; j < inner; ++j) o[j] = src[static_cast<std::ptrdiff_t>(j) * is];
        for (std::size_t k = last; k-- > 0;) {
            base += p.stride[k];
            if (++idx[k] < p.extent[k]) break;
            base -= p.stride[k] * static_cast<std::ptrdiff_t>(p.extent[k]);
            idx[k] = 0;
        }
    }
}

/// Fills `out` (p.total elements) from `in` as the plan says, rows split across threads
/// when large.
template <class T>
void gather(const gather_plan& p, const T* in, T* out) {
    if (p.total == 0) return;
    if (p.ndim == 0) {
        out[0] = in[p.offset];
        return;
    }
    const std::size_t rows = p.total / p.extent[p.ndim - 1];
    const bool parallel = p.total >= parallel_min_elements && rows > 1;
    const std::ptrdiff_t chunks = parallel ? static_cast<std::ptrdiff_t>(std::min<std::size_t>(rows, 64)) : 1;
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t c = 0; c < chunks; ++c) {
        const auto uc = static_cast<std::size_t>(c), n = static_cast<std::size_t>(chunks);
        gather_rows(p, in, out, rows * uc / n, rows * (uc + 1) / n);
    }
}

/// Runs a gather on NDArrays of any one dtype.
inline void gather(const gather_plan& p, const nd::NDArray& in, nd::NDArray& out) {
    visit_dtype(out.dtype(), [&](auto t) {
        using T = decltype(t);
        gather(p, static_cast<const T*>(in.raw()), static_cast<T*>(out.raw()));
    });
}

/// Copies all elements unchanged: the kernel of the ops that only relabel the shape.
inline void copy_elements(const nd::NDArray& in, nd::NDArray& out) {
    const std::size_t bytes = in.size() * dtype_size(in.dtype());
    if (bytes) std::memcpy(out.raw(), in.raw(), bytes);
}

/// The result of an op that keeps its input's dtype and has shape `s`.
inline meta same_dtype(const meta& in, Shape s) { return {std::move(s), in.dt, true}; }

/// Python's slice.indices(len) for one axis: first index, step and number of elements.
/// MXNet 1.9's slice clamps begin and end the same way (empty, not an error, when the
/// range selects nothing).
struct axis_range {
    std::ptrdiff_t begin = 0, step = 1;
    std::size_t count = 0;
};
inline axis_range slice_range(std::int64_t len, std::optional<long long> b, std::optional<long long> e, long long step) {
    if (step == 0) throw error("slice step cannot be 0");
    if (step == std::numeric_limits<long long>::min()) throw error("slice step is out of range");
    const long long n = len;
    long long lo, hi;  // clamped begin and end
    if (step > 0) {
        lo = b ? (*b < 0 ? std::max(*b + n, 0LL) : std::min(*b, n)) : 0;
        hi = e ? (*e < 0 ? std::max(*e + n, 0LL) : std::min(*e, n)) : n;
    } else {
        lo = b ? (*b < 0 ? std::max(*b + n, -1LL) : std::min(*b, n - 1)) : n - 1;
        hi = e ? (*e < 0 ? std::max(*e + n, -1LL) : std::min(*e, n - 1)) : -1;
    }
    axis_range r;
    r.begin = static_cast<std::ptrdiff_t>(lo);
    r.step = static_cast<std::ptrdiff_t>(step);
    if (step > 0 && hi > lo) r.count = static_cast<std::size_t>((hi - lo - 1) / step + 1);
    if (step < 0 && lo > hi) r.count = static_cast<std::size_t>((lo - hi - 1) / (-step) + 1);
    return r;
}

/// Float to integer conversion made total: NaN becomes 0, values beyond the integer's
/// range saturate to its minimum or maximum (infinities included), everything else
/// truncates toward zero as C++ does. C++ leaves out-of-range conversions undefined and
/// MXNet's static_cast inherits that; numpy gives INT_MIN. Integer to integer wraps
/// (two's complement, defined since C++20); to floating types rounds to nearest.
template <class To, class From>
To convert(From x) {
    if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
        if (std::isnan(x)) return 0;
        constexpr From lo = static_cast<From>(std::numeric_limits<To>::min());  // -2^(bits-1): exact
        if (x <= lo) return std::numeric_limits<To>::min();
        if (x >= -lo) return std::numeric_limits<To>::max();
        return static_cast<To>(x);
    } else {
        return static_cast<To>(x);
    }
}

} // namespace shape_detail

// ---- Reshape ---------------------------------------------------------------------------

/// Reshape's attributes: the target shape with MXNet's special codes (which sf::Shape
/// cannot hold, hence plain integers) and `reverse`.
struct reshape_param {
    std::vector<long long> shape{};  ///< 0 copy, -1 infer, -2 copy rest, -3 merge two, -4 split one
    bool reverse = false;            ///< apply the codes right to left
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"shape", python_tuple_str(shape)}};
        if (reverse) r["reverse"] = "True";
        return r;
    }
    /// shape (default ()) and reverse (default False); the deprecated target_shape/keep_highest become codes.
    static reshape_param from_attrs(const attr_reader& r) {
        reshape_param p{r.tuple("shape", {}, attr_detail::int_lo, attr_detail::int_hi), r.boolean("reverse", false)};
        if (p.shape.empty() && r.has("target_shape")) {
            // MXNet < 0.9: target_shape with one 0 to infer, keep_highest keeping input dim 0
            const Shape t = r.shape("target_shape", Shape{});
            const bool keep = r.boolean("keep_highest", false);
            for (std::size_t i = 0; i < t.ndim(); ++i)
                p.shape.push_back(keep && i == 0 ? 0 : t[i] == 0 ? -1 : static_cast<long long>(t[i]));
        }
        return p;
    }
};

/// Reshape(data, shape=..., reverse=False): the same elements in a new shape (op Reshape,
/// alias reshape; hint reshape). Codes: 0 copies this input dim, -1 is inferred from the
/// element count (at most one), -2 copies all remaining input dims, -3 merges two input
/// dims, -4 splits one input dim into the next two values (one may be -1).
struct reshape_op {
    static constexpr std::string_view name = "Reshape", hint = "reshape";
    static constexpr std::array<std::string_view, 1> aliases{"reshape"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = reshape_param;

    /// The output shape: MXNet's InferReshapeShape, with every malformed code an error.
    static Shape target(const reshape_param& p, const Shape& in) {
        std::vector<long long> src(in.begin(), in.end()), spec = p.shape;
        if (p.reverse) {
            std::reverse(src.begin(), src.end());
            std::reverse(spec.begin(), spec.end());
        }
        const std::string given = "shape=" + python_tuple_str(p.shape) + (p.reverse ? " with reverse=True" : "");
        auto need = [&](std::size_t s, std::size_t k, long long code) {
            if (s + k > src.size())
                throw error(given + ": code " + std::to_string(code) + " needs " + std::to_string(k) +
                            " more input dim" + (k > 1 ? "s" : "") + " but the input " + in.str() + " has only " +
                            std::to_string(src.size() - std::min(s, src.size())) + " left");
        };
        std::vector<long long> out;
        std::size_t s = 0;
        std::optional<std::size_t> inferred;
        for (std::size_t i = 0; i < spec.size(); ++i) {
            const long long d = spec[i];
            if (d > 0) {
                out.push_back(d);
                ++s;
            } else if (d == 0) {
                need(s, 1, d);
                out.push_back(src[s++]);
            } else if (d == -1) {
                if (inferred) throw error(given + ": at most one dim can be -1 (inferred)");
                inferred = out.size();
                out.push_back(-1);
                ++s;
            } else if (d == -2) {
                while (s < src.size()) out.push_back(src[s++]);
            } else if (d == -3) {
                need(s, 2, d);
                out.push_back(src[s] * src[s + 1]);  // a product of input dims: it fits
                s += 2;
            } else if (d == -4) {
                if (i + 2 >= spec.size()) throw error(given + ": code -4 must be followed by the two dims it splits into");
                need(s, 1, d);
                const long long d0 = src[s++];
                long long d1 = spec[++i], d2 = spec[++i];
                if ((d1 <= 0 && d1 != -1) || (d2 <= 0 && d2 != -1) || (d1 == -1 && d2 == -1))
                    throw error(given + ": -4 splits into two positive dims, one of which may be -1; got " +
                                std::to_string(d1) + ", " + std::to_string(d2));
                if (d1 == -1) d1 = d0 % d2 == 0 ? d0 / d2 : -2;
                if (d2 == -1) d2 = d0 % d1 == 0 ? d0 / d1 : -2;
                auto prod = d1 > 0 && d2 > 0 ? shape_detail::checked_mul(d1, d2) : std::optional<long long>{0};
                if ((d1 < 0 || d2 < 0) || !prod || *prod != d0)
                    throw error(given + ": -4 cannot split input dim " + std::to_string(d0) + " into " +
                                std::to_string(spec[i - 1]) + " x " + std::to_string(spec[i]));
                out.push_back(d1);
                out.push_back(d2);
            } else {
                throw error(given + ": " + std::to_string(d) + " is not a dim nor one of the codes 0, -1, -2, -3, -4");
            }
        }
        const long long total = static_cast<long long>(in.num_elements());
        long long known = 1;
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (inferred && i == *inferred) continue;
            auto m = shape_detail::checked_mul(known, out[i]);
            if (!m) throw error(given + " has more elements than the input " + in.str() + " (" + std::to_string(total) + ")");
            known = *m;
        }
        if (inferred) {
            if (known == 0)
                throw error(given + ": the -1 dim cannot be inferred when the other dims have zero elements (input " +
                            in.str() + ")");
            if (total % known != 0)
                throw error(given + ": cannot reshape the input " + in.str() + " (" + std::to_string(total) +
                            " elements) into a multiple of " + std::to_string(known) + " elements");
            out[*inferred] = total / known;
            known = total;
        }
        if (p.reverse) std::reverse(out.begin(), out.end());
        if (known != total)
            throw error(given + ": the target shape " + python_tuple_str(out) + " has " + std::to_string(known) +
                        " elements but the input " + in.str() + " has " + std::to_string(total));
        return Shape(std::vector<Shape::dim_t>(out.begin(), out.end()));
    }

    static meta infer(const reshape_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        return shape_detail::same_dtype(in[0], target(p, in[0].shape));
    }
    static void compute(const reshape_param&, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        shape_detail::copy_elements(in[0], out);
    }
};

// ---- transpose -------------------------------------------------------------------------

/// transpose's attributes: the permutation; empty reverses the axes.
struct transpose_param {
    std::vector<long long> axes{};  ///< output axis i is input axis axes[i]; may be negative
    std::map<std::string, std::string> to_attrs() const {
        if (axes.empty()) return {};
        return {{"axes", python_tuple_str(axes)}};
    }
    /// axes (default (), reversing the axes).
    static transpose_param from_attrs(const attr_reader& r) { return {r.tuple("axes", {})}; }
};

/// transpose(data, axes=()): permutes the axes (op transpose, hint transpose). Negative
/// axes count from the end, as numpy's transpose accepts.
struct transpose_op {
    static constexpr std::string_view name = "transpose", hint = "transpose";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = transpose_param;

    /// Input axis of output axis i (axes already validated by infer).
    static std::size_t source_axis(const transpose_param& p, std::size_t ndim, std::size_t i) {
        if (p.axes.empty()) return ndim - 1 - i;
        const long long a = p.axes[i];
        return static_cast<std::size_t>(a < 0 ? a + static_cast<long long>(ndim) : a);
    }

    static meta infer(const transpose_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        shape_detail::check_max_ndim(s, "transpose");
        const std::size_t n = s.ndim();
        if (!p.axes.empty()) {
            if (p.axes.size() != n)
                throw error("axes " + python_tuple_str(p.axes) + " has " + std::to_string(p.axes.size()) +
                            " entries for a " + std::to_string(n) + "-d input; it must list every axis once");
            std::array<bool, shape_detail::max_ndim> used{};
            for (long long a : p.axes) {
                const std::size_t k = shape_detail::normalize_axis(a, n, "axes entry");
                if (used[k]) throw error("axes " + python_tuple_str(p.axes) + " is not a permutation: axis " +
                                         std::to_string(k) + " appears twice");
                used[k] = true;
            }
        }
        std::vector<Shape::dim_t> out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = s[source_axis(p, n, i)];
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const transpose_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        std::array<std::ptrdiff_t, shape_detail::max_ndim> st{};
        shape_detail::strides_of(s, st);
        shape_detail::gather_plan plan;
        for (std::size_t i = 0; i < s.ndim(); ++i) {
            const std::size_t a = source_axis(p, s.ndim(), i);
            plan.push(static_cast<std::size_t>(s[a]), st[a]);
        }
        shape_detail::gather(plan, in[0], out);
    }
};

// ---- expand_dims, squeeze, Flatten -----------------------------------------------------

/// expand_dims's attribute: where the new axis goes (required).
struct expand_dims_param {
    int axis = 0;  ///< in [-ndim-1, ndim]; negative counts from the end of the output
    std::map<std::string, std::string> to_attrs() const { return {{"axis", std::to_string(axis)}}; }
    /// axis (required).
    static expand_dims_param from_attrs(const attr_reader& r) {
        (void)r.require("axis");
        return {static_cast<int>(r.integer("axis", 0, attr_detail::int_lo, attr_detail::int_hi))};
    }
};

/// expand_dims(data, axis): inserts a size-1 axis (op expand_dims, hint expand_dims).
struct expand_dims_op {
    static constexpr std::string_view name = "expand_dims", hint = "expand_dims";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = expand_dims_param;

    static meta infer(const expand_dims_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        const std::size_t a = shape_detail::normalize_axis(p.axis, s.ndim() + 1);
        std::vector<Shape::dim_t> out(s.begin(), s.end());
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(a), 1);
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const expand_dims_param&, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        shape_detail::copy_elements(in[0], out);
    }
};

/// squeeze's attribute: the axes to remove (None: every size-1 axis). MXNet accepts an
/// int or a tuple and stores what Python's str() gives, so the form given is kept.
struct squeeze_param {
    std::optional<std::vector<long long>> axis{};  ///< nullopt: None
    bool axis_is_int = false;                       ///< written "1" rather than "(1,)"
    std::map<std::string, std::string> to_attrs() const {
        if (!axis) return {};
        if (axis_is_int && axis->size() == 1) return {{"axis", std::to_string(axis->front())}};
        return {{"axis", python_tuple_str(*axis)}};
    }
    /// axis (default None): a bare integer ("1", kept in that form) or a tuple ("(1,)", "(0, 2)").
    static squeeze_param from_attrs(const attr_reader& r) {
        if (!r.has("axis") || attr_detail::trim(r.str("axis")) == "None") return {};
        if (parse_int(r.str("axis"))) return {std::vector<long long>{r.integer("axis", 0)}, true};
        return {r.tuple("axis", {}), false};
    }
};

/// squeeze(data, axis=None): removes size-1 axes (op squeeze, hint squeeze). Squeezing an
/// axis whose size is not 1 is an error; removing every axis gives shape (1,), as
/// MXNet 1.x does outside numpy mode.
struct squeeze_op {
    static constexpr std::string_view name = "squeeze", hint = "squeeze";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = squeeze_param;

    static meta infer(const squeeze_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        std::vector<bool> drop(s.ndim(), false);
        if (!p.axis) {
            for (std::size_t i = 0; i < s.ndim(); ++i) drop[i] = s[i] == 1;
        } else {
            for (long long a : *p.axis) {
                const std::size_t k = shape_detail::normalize_axis(a, s.ndim());
                if (drop[k]) throw error("axis " + std::to_string(k) + " is given twice");
                if (s[k] != 1)
                    throw error("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(s[k]) +
                                " (input " + s.str() + "): only size-1 axes can be removed");
                drop[k] = true;
            }
        }
        std::vector<Shape::dim_t> out;
        for (std::size_t i = 0; i < s.ndim(); ++i)
            if (!drop[i]) out.push_back(s[i]);
        if (out.empty()) out.push_back(1);
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const squeeze_param&, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        shape_detail::copy_elements(in[0], out);
    }
};

/// Flatten(data): (d0, d1 * ... * dn) (op Flatten, alias flatten; hint flatten); a 1-d
/// input (n,) becomes (n, 1).
struct flatten_op {
    static constexpr std::string_view name = "Flatten", hint = "flatten";
    static constexpr std::array<std::string_view, 1> aliases{"flatten"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr shape_rule static_rule = shape_rule::flatten;
    using params = no_params;

    static meta infer(const no_params&, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        if (s.ndim() == 0) throw error("Flatten needs an input of at least one dimension, got a 0-d input");
        Shape::dim_t rest = 1;
        for (std::size_t i = 1; i < s.ndim(); ++i) rest *= s[i];  // a product of input dims: it fits
        return shape_detail::same_dtype(in[0], Shape{s[0], rest});
    }
    static void compute(const no_params&, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        shape_detail::copy_elements(in[0], out);
    }
};

// ---- slice, slice_axis -----------------------------------------------------------------

/// slice's attributes: per-axis begin, end and step (entries may be None); axes past
/// the end of `begin` are taken whole.
struct slice_param {
    std::vector<std::optional<long long>> begin{};  ///< required
    std::vector<std::optional<long long>> end{};    ///< required, as many entries as begin
    std::vector<std::optional<long long>> step{};   ///< empty, or as many entries as begin
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"begin", python_tuple_str(begin)},
                                             {"end", python_tuple_str(end)}};
        if (!step.empty()) r["step"] = python_tuple_str(step);
        return r;
    }
    /// begin and end (required) and step (default ()), entries integers or None.
    static slice_param from_attrs(const attr_reader& r) {
        (void)r.require("begin");
        (void)r.require("end");
        return {r.opt_tuple("begin"), r.opt_tuple("end"), r.opt_tuple("step")};
    }
    /// The range taken along axis i of an axis of length len.
    shape_detail::axis_range range(std::size_t i, std::int64_t len) const {
        if (i >= begin.size()) return {0, 1, static_cast<std::size_t>(len)};
        const long long st = i < step.size() && step[i] ? *step[i] : 1;
        return shape_detail::slice_range(len, begin[i], end[i], st);
    }
};

/// slice(data, begin, end, step=()): a strided box of the input, Python slice semantics
/// per axis (negative indices count from the end, a negative step walks backwards,
/// out-of-range bounds are clamped) (op slice, alias crop; hint slice).
struct slice_op {
    static constexpr std::string_view name = "slice", hint = "slice";
    static constexpr std::array<std::string_view, 1> aliases{"crop"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = slice_param;

    static meta infer(const slice_param& p, const std::array<meta, 1>& in) {
        if (p.begin.size() != p.end.size())
            throw error("begin " + python_tuple_str(p.begin) + " and end " + python_tuple_str(p.end) +
                        " must have the same number of entries");
        if (!p.step.empty() && p.step.size() != p.begin.size())
            throw error("step " + python_tuple_str(p.step) + " must be empty or have as many entries as begin " +
                        python_tuple_str(p.begin));
        for (const auto& st : p.step)
            if (st && *st == 0) throw error("step " + python_tuple_str(p.step) + " has a 0 entry");
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        shape_detail::check_max_ndim(s, "slice");
        if (p.begin.size() > s.ndim())
            throw error("begin " + python_tuple_str(p.begin) + " has " + std::to_string(p.begin.size()) +
                        " entries but the input " + s.str() + " has " + std::to_string(s.ndim()) + " axes");
        std::vector<Shape::dim_t> out(s.ndim());
        for (std::size_t i = 0; i < s.ndim(); ++i) out[i] = static_cast<Shape::dim_t>(p.range(i, s[i]).count);
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const slice_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        std::array<std::ptrdiff_t, shape_detail::max_ndim> st{};
        shape_detail::strides_of(s, st);
        shape_detail::gather_plan plan;
        for (std::size_t i = 0; i < s.ndim(); ++i) {
            const auto r = p.range(i, s[i]);
            if (r.count > 0) plan.offset += r.begin * st[i];  // an empty range reads nothing
            plan.push(r.count, r.step * st[i]);
        }
        shape_detail::gather(plan, in[0], out);
    }
};

/// slice_axis's attributes (all required): the axis and the range [begin, end) on it.
struct slice_axis_param {
    int axis = 0;
    long long begin = 0;
    std::optional<long long> end{};  ///< nullopt: None, to the end of the axis
    std::map<std::string, std::string> to_attrs() const {
        return {{"axis", std::to_string(axis)},
                {"begin", std::to_string(begin)},
                {"end", shape_detail::optional_str(end)}};
    }
    /// axis, begin and end (all required; end may be None).
    static slice_axis_param from_attrs(const attr_reader& r) {
        (void)r.require("axis");
        (void)r.require("begin");
        (void)r.require("end");
        return {static_cast<int>(r.integer("axis", 0, attr_detail::int_lo, attr_detail::int_hi)),
                r.integer("begin", 0), r.opt_integer("end")};
    }
};

/// slice_axis(data, axis, begin, end): elements [begin, end) along one axis (op
/// slice_axis, hint slice_axis). Negative bounds count from the end; unlike slice, an
/// empty or out-of-range range is an error, as in MXNet.
struct slice_axis_op {
    static constexpr std::string_view name = "slice_axis", hint = "slice_axis";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = slice_axis_param;

    /// Axis, begin and end after validation.
    struct resolved {
        std::size_t axis;
        long long begin, end;
    };
    static resolved resolve(const slice_axis_param& p, const Shape& s) {
        const std::size_t a = shape_detail::normalize_axis(p.axis, s.ndim());
        const long long len = s[a];
        if (len == 0) return {a, 0, 0};
        long long b = p.begin < 0 ? p.begin + len : p.begin;
        long long e = p.end ? (*p.end < 0 ? *p.end + len : *p.end) : len;
        if (b < 0 || e > len || b >= e)
            throw error("begin=" + std::to_string(p.begin) + ", end=" + shape_detail::optional_str(p.end) +
                        " is not a non-empty range of axis " + std::to_string(p.axis) + " of size " +
                        std::to_string(len) + " (input " + s.str() + ")");
        return {a, b, e};
    }

    static meta infer(const slice_axis_param& p, const std::array<meta, 1>& in) {
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        shape_detail::check_max_ndim(s, "slice_axis");
        const resolved r = resolve(p, s);
        std::vector<Shape::dim_t> out(s.begin(), s.end());
        out[r.axis] = r.end - r.begin;
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const slice_axis_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        const resolved r = resolve(p, s);
        std::array<std::ptrdiff_t, shape_detail::max_ndim> st{};
        shape_detail::strides_of(s, st);
        shape_detail::gather_plan plan;
        for (std::size_t i = 0; i < s.ndim(); ++i) {
            if (i != r.axis) plan.push(static_cast<std::size_t>(s[i]), st[i]);
            else {
                plan.offset += static_cast<std::ptrdiff_t>(r.begin) * st[i];
                plan.push(static_cast<std::size_t>(r.end - r.begin), st[i]);
            }
        }
        shape_detail::gather(plan, in[0], out);
    }
};

// ---- tile, repeat ----------------------------------------------------------------------

/// tile's attribute: repetitions per axis (required), aligned with the input's last axes.
struct tile_param {
    std::vector<long long> reps{};
    std::map<std::string, std::string> to_attrs() const { return {{"reps", python_tuple_str(reps)}}; }
    /// reps (required).
    static tile_param from_attrs(const attr_reader& r) {
        (void)r.require("reps");
        return {r.tuple("reps", {}, attr_detail::int_lo, attr_detail::int_hi)};
    }
};

/// tile(data, reps): the input repeated reps[i] times along each axis, numpy.tile's rule
/// (op tile, hint tile): the shorter of shape and reps is padded with leading 1s; reps ()
/// leaves the input as it is; a 0 repetition gives an empty axis.
struct tile_op {
    static constexpr std::string_view name = "tile", hint = "tile";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = tile_param;

    static meta infer(const tile_param& p, const std::array<meta, 1>& in) {
        for (long long r : p.reps)
            if (r < 0) throw error("reps " + python_tuple_str(p.reps) + " has a negative entry");
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        const std::size_t n = std::max(s.ndim(), p.reps.size());
        if (n > shape_detail::max_ndim)
            throw error("tile handles at most " + std::to_string(shape_detail::max_ndim) + " dimensions, reps " +
                        python_tuple_str(p.reps) + " with the input " + s.str() + " make " + std::to_string(n));
        std::vector<Shape::dim_t> out(n);
        std::optional<long long> total = 1;
        for (std::size_t k = 0; k < n; ++k) {
            const long long d = dim(s, n, k), r = rep(p, n, k);
            auto m = shape_detail::checked_mul(d, r);
            if (m && total) total = shape_detail::checked_mul(*total, *m);
            if (!m || !total)
                throw error("tiling the input " + s.str() + " by reps " + python_tuple_str(p.reps) +
                            " gives more elements than fit in memory");
            out[k] = *m;
        }
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const tile_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        const std::size_t n = std::max(s.ndim(), p.reps.size());
        std::array<std::ptrdiff_t, shape_detail::max_ndim> st{};
        shape_detail::strides_of(s, st);
        shape_detail::gather_plan plan;
        // output axis k of size r * d, row-major, is the pair (repetition, index in input axis)
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t pad = n - s.ndim();
            plan.push(static_cast<std::size_t>(rep(p, n, k)), 0);
            plan.push(static_cast<std::size_t>(dim(s, n, k)), k >= pad ? st[k - pad] : 0);
        }
        shape_detail::gather(plan, in[0], out);
    }

private:
    static long long dim(const Shape& s, std::size_t n, std::size_t k) {
        const std::size_t pad = n - s.ndim();
        return k < pad ? 1 : s[k - pad];
    }
    static long long rep(const tile_param& p, std::size_t n, std::size_t k) {
        const std::size_t pad = n - p.reps.size();
        return k < pad ? 1 : p.reps[k - pad];
    }
};

/// repeat's attributes: how often each element repeats (required) and along which axis.
struct repeat_param {
    long long repeats = 1;
    std::optional<int> axis{};  ///< nullopt (None): repeat the flattened input
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"repeats", std::to_string(repeats)}};
        if (axis) r["axis"] = std::to_string(*axis);
        return r;
    }
    /// repeats (required) and axis (default None).
    static repeat_param from_attrs(const attr_reader& r) {
        (void)r.require("repeats");
        repeat_param p;
        p.repeats = r.integer("repeats", 1, attr_detail::int_lo, attr_detail::int_hi);
        if (auto a = r.opt_integer("axis", attr_detail::int_lo, attr_detail::int_hi)) p.axis = static_cast<int>(*a);
        return p;
    }
};

/// repeat(data, repeats, axis=None): each element repeated `repeats` times along `axis`
/// (op repeat, hint repeat); without an axis the input is flattened first, giving a 1-d
/// result.
struct repeat_op {
    static constexpr std::string_view name = "repeat", hint = "repeat";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = repeat_param;

    static meta infer(const repeat_param& p, const std::array<meta, 1>& in) {
        if (p.repeats < 0) throw error("repeats is " + std::to_string(p.repeats) + "; it must be non-negative");
        if (!in[0].shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s = in[0].shape;
        shape_detail::check_max_ndim(s, "repeat");
        const auto total = shape_detail::checked_mul(static_cast<long long>(s.num_elements()), p.repeats);
        if (!total)
            throw error("repeating the input " + s.str() + " " + std::to_string(p.repeats) +
                        " times gives more elements than fit in memory");
        if (!p.axis) return shape_detail::same_dtype(in[0], Shape{*total});
        const std::size_t a = shape_detail::normalize_axis(*p.axis, s.ndim());
        const auto len = shape_detail::checked_mul(s[a], p.repeats);
        if (!len)
            throw error("repeating axis " + std::to_string(*p.axis) + " of the input " + s.str() + " " +
                        std::to_string(p.repeats) + " times gives more elements than fit in memory");
        std::vector<Shape::dim_t> out(s.begin(), s.end());
        out[a] = *len;
        return shape_detail::same_dtype(in[0], Shape(std::move(out)));
    }
    static void compute(const repeat_param& p, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        const auto reps = static_cast<std::size_t>(p.repeats);
        shape_detail::gather_plan plan;
        if (!p.axis) {
            plan.push(s.num_elements(), 1);
            plan.push(reps, 0);
        } else {
            const std::size_t a = shape_detail::normalize_axis(*p.axis, s.ndim());
            std::array<std::ptrdiff_t, shape_detail::max_ndim> st{};
            shape_detail::strides_of(s, st);
            for (std::size_t i = 0; i < s.ndim(); ++i) {
                plan.push(static_cast<std::size_t>(s[i]), st[i]);
                if (i == a) plan.push(reps, 0);  // output index j along a reads input j / repeats
            }
        }
        shape_detail::gather(plan, in[0], out);
    }
};

// ---- Cast ------------------------------------------------------------------------------

/// Cast's attribute: the dtype to convert to (required).
struct cast_param {
    symflow::dtype dtype = symflow::float32;
    std::map<std::string, std::string> to_attrs() const { return {{"dtype", std::string(dtype_name(dtype))}}; }
    /// dtype (required): float32, float64, int32 or int64.
    static cast_param from_attrs(const attr_reader& r) {
        (void)r.require("dtype");
        return {r.dt("dtype", symflow::float32)};
    }
};

/// Cast(data, dtype): the elements converted to another dtype (op Cast, alias cast; hint
/// cast); the only op here whose output dtype differs from its input's. Float to integer
/// saturates and maps NaN to 0 (shape_detail::convert); float64 to float32 rounds as IEEE
/// says (out-of-range values become infinities).
struct cast_op {
    static constexpr std::string_view name = "Cast", hint = "cast";
    static constexpr std::array<std::string_view, 1> aliases{"cast"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr shape_rule static_rule = shape_rule::first;
    using params = cast_param;

    static meta infer(const cast_param& p, const std::array<meta, 1>& in) {
        return {in[0].shape, p.dtype, in[0].shape_known};
    }
    static void compute(const cast_param&, const std::array<nd::NDArray, 1>& in, nd::NDArray& out) {
        if (in[0].dtype() == out.dtype()) return shape_detail::copy_elements(in[0], out);
        const auto n = static_cast<std::ptrdiff_t>(out.size());
        visit_dtype(in[0].dtype(), [&](auto f) {
            visit_dtype(out.dtype(), [&](auto t) {
                using From = decltype(f);
                using To = decltype(t);
                const From* src = static_cast<const From*>(in[0].raw());
                To* dst = static_cast<To*>(out.raw());
#pragma omp parallel for schedule(static) if (static_cast<std::size_t>(n) >= shape_detail::parallel_min_elements)
                for (std::ptrdiff_t i = 0; i < n; ++i) dst[i] = shape_detail::convert<To>(src[i]);
            });
        });
    }
};

} // namespace symflow::ops
