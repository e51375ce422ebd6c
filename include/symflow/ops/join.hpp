#pragma once
// The ops that join any number of inputs: Concat and stack, op descriptions templated on
// the number of inputs N (MXNet's num_args), with inputs named arg0 .. arg<N-1>.
#include <array>
#include <cstddef>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "op.hpp"
#include "shape_ops.hpp"

namespace symflow::ops {

namespace join_detail {

/// "arg<I>" in static storage, so that input names can be string_views that never dangle.
template <std::size_t I>
struct arg_name {
    static constexpr std::size_t digits = [] {
        std::size_t d = 1;
        for (std::size_t i = I; i >= 10; i /= 10) ++d;
        return d;
    }();
    static constexpr std::array<char, 3 + digits> text = [] {
        std::array<char, 3 + digits> t{'a', 'r', 'g'};
        std::size_t i = I;
        for (std::size_t k = 0; k < digits; ++k, i /= 10) t[3 + digits - 1 - k] = static_cast<char>('0' + i % 10);
        return t;
    }();
    static constexpr std::string_view view{text.data(), text.size()};
};

/// {"arg0", ..., "arg<N-1>"}: MXNet's input names of its variable-input ops.
template <std::size_t N>
constexpr std::array<std::string_view, N> arg_names() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<std::string_view, N>{arg_name<I>::view...};
    }(std::make_index_sequence<N>{});
}

/// Checks the num_args attribute against the node's inputs and that all dtypes agree.
inline void check_inputs(int num_args, std::span<const meta> in) {
    const std::size_t N = in.size();
    if (N == 0) throw error("the node has no inputs; it needs at least one");
    if (num_args != static_cast<int>(N))
        throw error("num_args is " + std::to_string(num_args) + " but the node has " + std::to_string(N) + " inputs");
    for (std::size_t j = 1; j < N; ++j)
        if (in[j].dt != in[0].dt)
            throw error("input dtypes differ: arg0 is " + std::string(dtype_name(in[0].dt)) + " but arg" +
                        std::to_string(j) + " is " + std::string(dtype_name(in[j].dt)));
}

/// Product of dims [b, e) of s.
inline std::size_t dims_product(const Shape& s, std::size_t b, std::size_t e) {
    std::size_t n = 1;
    for (std::size_t i = b; i < e; ++i) n *= static_cast<std::size_t>(s[i]);
    return n;
}

/// out row o (of `outer` rows) is input 0's row o, then input 1's row o, ...; row_elems(j)
/// gives the length of input j's rows. Rows are split across threads when large.
template <class RowElems>
void interleave_rows(std::span<const nd::NDArray> in, nd::NDArray& out, std::size_t outer, RowElems row_elems) {
    const std::size_t N = in.size();
    const std::size_t es = dtype_size(out.dtype());
    const std::size_t out_row = outer ? out.size() / outer : 0;
    if (out_row == 0) return;
    char* dst0 = static_cast<char*>(out.raw());
    [[maybe_unused]] const bool parallel = out.size() >= shape_detail::parallel_min_elements && outer > 1;  // read by OpenMP
    const auto rows = static_cast<std::ptrdiff_t>(outer);
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t so = 0; so < rows; ++so) {
        const auto o = static_cast<std::size_t>(so);
        char* dst = dst0 + o * out_row * es;
        for (std::size_t j = 0; j < N; ++j) {
            const std::size_t n = row_elems(j) * es;
            if (n) std::memcpy(dst, static_cast<const char*>(in[j].raw()) + o * n, n);
            dst += n;
        }
    }
}

} // namespace join_detail

/// Concat's attributes: the axis to join along; num_args is filled in by the function
/// forms from the number of inputs, as MXNet's Python front end does.
struct concat_param {
    int dim = 1;       ///< may be negative
    int num_args = 0;  ///< required: the number of inputs
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"num_args", std::to_string(num_args)}};
        if (dim != 1) r["dim"] = std::to_string(dim);
        return r;
    }
    /// dim (default 1) and num_args (required, at least 1).
    static concat_param from_attrs(const attr_reader& r) {
        (void)r.require("num_args");
        return {static_cast<int>(r.integer("dim", 1, attr_detail::int_lo, attr_detail::int_hi)),
                static_cast<int>(r.integer("num_args", 0, 1, attr_detail::int_hi))};
    }
};

/// Concat(arg0, ..., argN-1, dim=1): the inputs joined along an existing axis (op Concat,
/// alias concat; hint concat). Inputs agree in every dim except `dim`, and in dtype.
template <std::size_t N>
struct concat_op {
    static_assert(N >= 1, "Concat needs at least one input");
    static constexpr std::string_view name = "Concat", hint = "concat";
    static constexpr std::array<std::string_view, 1> aliases{"concat"};
    static constexpr std::array<std::string_view, N> inputs = join_detail::arg_names<N>();
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    using params = concat_param;

    static meta infer(const concat_param& p, std::span<const meta> in) {
        join_detail::check_inputs(p.num_args, in);
        for (const auto& m : in)
            if (!m.shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s0 = in[0].shape;
        if (s0.ndim() == 0) throw error("Concat needs inputs of at least one dimension, arg0 is 0-d");
        const std::size_t d = shape_detail::normalize_axis(p.dim, s0.ndim(), "dim");
        std::vector<Shape::dim_t> out(s0.begin(), s0.end());
        for (std::size_t j = 1; j < in.size(); ++j) {
            const Shape& s = in[j].shape;
            bool ok = s.ndim() == s0.ndim();
            for (std::size_t i = 0; ok && i < s.ndim(); ++i) ok = i == d || s[i] == s0[i];
            if (!ok)
                throw error("arg" + std::to_string(j) + " has shape " + s.str() + " but arg0 has " + s0.str() +
                            "; inputs must agree in every dim except dim " + std::to_string(p.dim));
            out[d] += s[d];
        }
        return {Shape(std::move(out)), in[0].dt, true};
    }
    static void compute(const concat_param& p, std::span<const nd::NDArray> in, nd::NDArray& out) {
        const Shape& s = out.shape();
        const std::size_t d = shape_detail::normalize_axis(p.dim, s.ndim(), "dim");
        const std::size_t after = join_detail::dims_product(s, d + 1, s.ndim());
        join_detail::interleave_rows(in, out, join_detail::dims_product(s, 0, d),
                                     [&](std::size_t j) { return static_cast<std::size_t>(in[j].shape()[d]) * after; });
    }
};

/// stack's attributes: where the new axis goes; num_args as for Concat.
struct stack_param {
    int axis = 0;      ///< in [-ndim-1, ndim]
    int num_args = 0;  ///< required: the number of inputs
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"num_args", std::to_string(num_args)}};
        if (axis != 0) r["axis"] = std::to_string(axis);
        return r;
    }
    /// axis (default 0) and num_args (required, at least 1).
    static stack_param from_attrs(const attr_reader& r) {
        (void)r.require("num_args");
        return {static_cast<int>(r.integer("axis", 0, attr_detail::int_lo, attr_detail::int_hi)),
                static_cast<int>(r.integer("num_args", 0, 1, attr_detail::int_hi))};
    }
};

/// stack(arg0, ..., argN-1, axis=0): inputs of one shape joined along a new axis of size N
/// (op stack, hint stack).
template <std::size_t N>
struct stack_op {
    static_assert(N >= 1, "stack needs at least one input");
    static constexpr std::string_view name = "stack", hint = "stack";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, N> inputs = join_detail::arg_names<N>();
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    using params = stack_param;

    static meta infer(const stack_param& p, std::span<const meta> in) {
        join_detail::check_inputs(p.num_args, in);
        for (const auto& m : in)
            if (!m.shape_known) return {Shape{}, in[0].dt, false};
        const Shape& s0 = in[0].shape;
        for (std::size_t j = 1; j < in.size(); ++j)
            if (in[j].shape != s0)
                throw error("arg" + std::to_string(j) + " has shape " + in[j].shape.str() + " but arg0 has " +
                            s0.str() + "; stack needs inputs of one shape");
        const std::size_t a = shape_detail::normalize_axis(p.axis, s0.ndim() + 1);
        std::vector<Shape::dim_t> out(s0.begin(), s0.end());
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(a), static_cast<Shape::dim_t>(in.size()));
        return {Shape(std::move(out)), in[0].dt, true};
    }
    static void compute(const stack_param& p, std::span<const nd::NDArray> in, nd::NDArray& out) {
        const Shape& s = in[0].shape();
        const std::size_t a = shape_detail::normalize_axis(p.axis, s.ndim() + 1);
        const std::size_t inner = join_detail::dims_product(s, a, s.ndim());
        join_detail::interleave_rows(in, out, join_detail::dims_product(s, 0, a), [&](std::size_t) { return inner; });
    }
};

} // namespace symflow::ops
