#pragma once
// What an op description is: the one place each operator is defined.
//
// An op description is a struct with
//   name      the op as MXNet writes it in JSON ("elemwise_add", "_mul_scalar")
//   aliases   other spellings a loader must accept ("_Plus", "_plus", "_add")
//   hint      the auto-name hint of its operator form ("_plus" -> "_plus0")
//   inputs    the input names, in order ("lhs", "rhs"; "data")
//   params    its attributes (no_params, scalar_param, ...), with to_attrs() giving
//             MXNet's string form and static from_attrs(attr_reader) reading it back
//   kind      how the executor runs it (op_kind::elementwise fuses into one loop)
//   dtypes    (optional) the dtypes it accepts, default all four
//   one_dtype (optional, materialized ops) true when all its inputs take one dtype, as
//             MXNet's type inference makes them: an argument of no given dtype then
//             takes the dtype of another input (elementwise ops always do)
// and, by kind:
//   elementwise   apply: the element function, written once for a scalar T and an
//                 xsimd::batch<T>; ops with params take the prepared params first:
//                 apply(p, x...). Inputs must share shape and dtype (the default rule).
//   materialized  infer(params, std::array<meta, N>) -> meta: the shape and dtype rule,
//                 throwing symflow::error that says what is wrong with which input;
//                 compute(params, std::array<nd::NDArray, N>, nd::NDArray& out): the
//                 kernel, writing every element of `out` and allocating nothing.
// Several outputs (SliceChannel/split; ops/split.hpp): a materialized op whose node has
// more than one output sets `static constexpr bool multi_output = true` and has
//   num_outputs(params) -> std::size_t: how many outputs a node has
//   num_outputs_attr    the attribute that counts them ("num_outputs"); op_info reads it,
//                       so a runtime Node gets that many outputs (Node::outputs) and
//                       NodeEntry index i is output i
//   info_outputs, output_names   the count without the attribute, and output 0's name
//                       (MXNet names them output0, output1, ...: `slice_output1`)
//   infer_outputs(params, std::array<meta, N>) -> std::vector<meta>: one meta per output
//                       (num_outputs of them), errors as for infer()
//   compute_outputs(params, std::array<nd::NDArray, N>, std::span<nd::NDArray> outs):
//                       one call writes every element of every outs[i] (outs.size() ==
//                       num_outputs), allocating nothing; a node runs once per forward
//                       however many of its outputs are read
//   infer, compute      the single-output forms, kept only so that code calling them for
//                       every materialized op compiles: they throw a symflow::error
//                       saying the op has several outputs.
// Static expressions hold output I of such a node as an op node of its own whose op is
// output_of<Op, I> (below): same name, params, inputs and identity as the node.
// Static expressions, the runtime graph, JSON, shape/dtype inference and printing all
// read this description; adding an op is adding one such struct.
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../core/dtype.hpp"
#include "../core/shape.hpp"
#include "attrs.hpp"
#include "simd.hpp"

namespace symflow::ops {

/// Below this many elements a kernel runs on one thread: an OpenMP fork/join costs
/// about 0.4-1.3 us on the reference machine, the time of ~1e4 elements of A*B + C*D
/// (shared/anchors/RESULTS.md, line 7 of the summary). Fused loops and op kernels share it.
inline constexpr std::size_t parallel_min_elements = std::size_t(1) << 15;

/// Most outputs one node may have (SliceChannel's num_outputs): inference returns a meta
/// per output and list_outputs a name, so a count from a file (up to 2^31) must not
/// decide an allocation.
inline constexpr long long max_node_outputs = 100000;

/// What one element of an elementwise op costs, in units of a float add or multiply with
/// its operands' loads (1, the default). Transcendental ops declare more
/// (`static constexpr std::size_t cost`), so that a fused loop of them goes parallel at
/// fewer elements (exec::plan_loop).
template <class Op>
inline constexpr std::size_t cost_v = [] {
    if constexpr (requires { Op::cost; }) return static_cast<std::size_t>(Op::cost);
    else return std::size_t(1);
}();

/// How an op is executed.
enum class op_kind {
    elementwise,   ///< one output element from the same element of every input: fused
    materialized,  ///< computed into a buffer planned at bind (dot, reductions, shape ops)
};

/// How an op's output shape follows from its inputs' shapes alone, so that a static
/// expression knows it at compile time. Ops whose shape depends on attribute values (dot's
/// transposes, reshape, sum's axes) have none: their params are run-time values, and their
/// shapes are checked at bind. An op opts in with `static constexpr shape_rule static_rule`.
enum class shape_rule {
    none,       ///< not known at compile time
    equal,      ///< every input has the output's shape (elementwise ops, the default for them)
    first,      ///< the output has input 0's shape (softmax, Cast, SoftmaxOutput)
    broadcast,  ///< numpy broadcasting of the two inputs (broadcast_add ...)
    flatten,    ///< (d0, d1 * ... * dn) of input 0 (Flatten)
};

/// The compile-time shape rule of Op (see shape_rule).
template <class Op>
constexpr shape_rule static_rule_of() {
    if constexpr (requires { Op::static_rule; }) return Op::static_rule;
    else if constexpr (Op::kind == op_kind::elementwise) return shape_rule::equal;
    else return shape_rule::none;
}

/// What inference knows about a value: its shape (when known) and dtype.
struct meta {
    Shape shape;
    dtype dt = dtype::float32;
    bool shape_known = true;  ///< false during infer_type, which runs without shapes
};

/// The dtypes an op accepts; an op description may set `static constexpr dtype_set
/// dtypes` (default: all four). Binding a graph whose op gets another dtype is an error
/// at bind that names the node, and no kernel is compiled for that combination.
struct dtype_set {
    bool float32 = true, float64 = true, int32 = true, int64 = true;
    constexpr bool contains(dtype dt) const {
        switch (dt) {
        case dtype::float32: return float32;
        case dtype::float64: return float64;
        case dtype::int32: return int32;
        case dtype::int64: return int64;
        }
        return false;
    }
    template <class T>
    constexpr bool contains() const { return contains(dtype_of<T>()); }
    /// "float32, float64" for error messages.
    std::string str() const {
        std::string r;
        for (dtype dt : {dtype::float32, dtype::float64, dtype::int32, dtype::int64})
            if (contains(dt)) r += (r.empty() ? "" : ", ") + std::string(dtype_name(dt));
        return r;
    }
};
inline constexpr dtype_set all_dtypes{};                             ///< float32, float64, int32, int64
inline constexpr dtype_set float_dtypes{true, true, false, false};  ///< float32, float64

/// The dtypes op description Op accepts.
template <class Op>
constexpr dtype_set op_dtypes() {
    if constexpr (requires { Op::dtypes; }) return Op::dtypes;
    else return all_dtypes;
}

/// Whether all inputs of Op take one dtype (its `one_dtype`; always for elementwise ops).
template <class Op>
constexpr bool inputs_share_dtype() {
    if constexpr (requires { Op::one_dtype; }) return Op::one_dtype;
    else return Op::kind == op_kind::elementwise;
}

/// Attributes of an op that has none.
struct no_params {
    std::map<std::string, std::string> to_attrs() const { return {}; }
    /// Nothing to read: every attribute present is ignored.
    static no_params from_attrs(const attr_reader&) { return {}; }
    template <class T>
    no_params prepare() const { return {}; }
};

/// Python's str() of a float: shortest round-trip digits, "2.0", "0.1", "1e+20", "1.5e-07".
inline std::string python_float_str(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    // split mantissa digits and exponent of the shortest scientific form
    auto epos = sci.find('e');
    std::string mant = sci.substr(0, epos);
    int exp10 = std::stoi(sci.substr(epos + 1));
    bool neg = mant[0] == '-';
    if (neg) mant.erase(0, 1);
    std::string digits;
    for (char c : mant)
        if (c != '.') digits += c;
    std::string out = neg ? "-" : "";
    if (exp10 < -4 || exp10 >= 16) {  // Python's repr switches to exponent form here
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
        return out + e;
    }
    if (exp10 < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp10 - 1), '0') + digits;
    auto int_len = static_cast<std::size_t>(exp10) + 1;
    if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0') + ".0";
    return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

/// Python's str() of a tuple: "(2, 3)", "(5,)", "()"; entries that are empty optionals
/// print as None ("(2, None)"). Attributes such as axes and shapes are written this way.
template <class Range>
std::string python_tuple_str(const Range& values) {
    std::string r = "(";
    std::size_t n = 0;
    for (const auto& v : values) {
        r += n++ ? ", " : "";
        if constexpr (requires { v.has_value(); }) r += v ? std::to_string(*v) : std::string("None");
        else r += std::to_string(v);
    }
    return r + (n == 1 ? ",)" : ")");
}

/// The `scalar` attribute of the *_scalar ops, kept as the number and as the text
/// MXNet's Python front end would store for it (str(2) = "2", str(2.0) = "2.0").
struct scalar_param {
    double value = 1.0;
    std::string text = "1.0";

    scalar_param() = default;
    // Out of line, as node_info's (sym/expr.hpp): a static graph's every scalar node copies
    // its params within its type's copies, which then need no string code of their own.
    [[gnu::noinline]] scalar_param(const scalar_param&) = default;
    [[gnu::noinline]] scalar_param(scalar_param&&) noexcept = default;
    [[gnu::noinline]] scalar_param& operator=(const scalar_param&) = default;
    [[gnu::noinline]] scalar_param& operator=(scalar_param&&) noexcept = default;
    [[gnu::noinline]] ~scalar_param() = default;
    template <class S>
        requires std::is_arithmetic_v<S>
    explicit scalar_param(S s) : value(static_cast<double>(s)) {
        if constexpr (std::is_integral_v<S>) text = std::to_string(s);
        else if constexpr (std::is_same_v<S, float>) {
            // a float literal reads as its shortest float digits (0.1f -> "0.1"), not as
            // the longer double it widens to
            char buf[32];
            auto r = std::to_chars(buf, buf + sizeof buf, s);
            text = python_float_str(std::stod(std::string(buf, r.ptr)));
        } else text = python_float_str(value);
    }
    std::map<std::string, std::string> to_attrs() const { return {{"scalar", text}}; }
    /// `scalar` (default 1.0), its text kept exactly as given so that to_attrs() round-trips.
    static scalar_param from_attrs(const attr_reader& r) {
        return r.has("scalar") ? from_text(r, "scalar", r.str("scalar")) : scalar_param{};
    }
    /// The number in `text`, the value of attribute `key`, keeping the text as given; a
    /// symflow::error naming op, node, key and text when it is not a number.
    static scalar_param from_text(const attr_reader& r, std::string_view key, std::string text) {
        auto v = parse_float(text);
        if (!v) throw r.bad(key, text, "a number");
        scalar_param p;
        p.value = *v;
        p.text = std::move(text);
        return p;
    }
    /// The scalar converted once to the element type the kernel runs in.
    template <class T>
    T prepare() const { return saturating_cast<T>(value); }
};

/// Base of the equal-shape binary elementwise op descriptions (inputs lhs, rhs).
struct binary_elementwise {
    static constexpr std::array<std::string_view, 2> inputs{"lhs", "rhs"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = no_params;
};
/// Base of the elementwise op descriptions that combine their input with a `scalar` attribute.
struct scalar_elementwise {
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = scalar_param;
};

/// An op description (see the top of this file).
template <class Op>
concept op_description = requires {
    { Op::name } -> std::convertible_to<std::string_view>;
    { Op::hint } -> std::convertible_to<std::string_view>;
    Op::inputs.size();
    typename Op::params;
    { Op::kind } -> std::convertible_to<op_kind>;
};

/// Number of inputs of an op.
template <class Op>
inline constexpr std::size_t arity_v = std::tuple_size_v<std::remove_cvref_t<decltype(Op::inputs)>>;

/// An op description whose nodes have several outputs (see the top of this file).
template <class Op>
concept multi_output_op = op_description<Op> && requires {
    requires Op::multi_output;
};

/// Output I of a node of multi-output op Op, seen as an op of its own: what a static
/// expression holds for `get<I>(node)`. It has Op's name, inputs, params and dtypes; it is
/// never listed in all_ops and has no kernel of its own (the executor runs Op once).
template <class Op, std::size_t I>
    requires multi_output_op<Op>
struct output_of {
    using base = Op;                                      ///< the multi-output op
    static constexpr std::size_t index = I;               ///< which output
    static constexpr std::string_view name = Op::name;    ///< the op's JSON name
    static constexpr std::string_view hint = Op::hint;    ///< the op's auto-name hint
    static constexpr auto inputs = Op::inputs;            ///< the op's inputs
    static constexpr op_kind kind = op_kind::materialized;  ///< read from the node's buffer
    static constexpr dtype_set dtypes = op_dtypes<Op>();     ///< the op's dtypes
    using params = typename Op::params;                      ///< the op's params
};

namespace detail {
template <class Op>
struct node_op {
    using type = Op;
};
template <class Op, std::size_t I>
struct node_op<output_of<Op, I>> {
    using type = Op;
};
} // namespace detail
/// The op of the node behind Op: Op itself, or the multi-output op for output_of<Op, I>.
template <class Op>
using node_op_t = typename detail::node_op<Op>::type;

} // namespace symflow::ops
