#pragma once
// Harness for shape and dtype inference on random graphs: the input bytes decode into a
// small graph built with the runtime Symbol API (Variables with or without shapes and
// dtypes, nodes of any op the runtime knows with attributes drawn from the keys and
// values MXNet's ops take, the runtime operators), which then goes through check_symbol:
// infer_shape / infer_type, the JSON round trip and bind + forward on small shapes.
//
// Layout of the input (every field is one byte unless noted; see byte_reader):
//   variable count; per variable: how its shape is given, ndim, dims, dtype, how the
//   dtype is given; node count; per node: a form (generic op node or runtime operator),
//   the op, attribute count and (key, value) pairs, arity tweak, inputs; head choice;
//   the rest: element values for bind.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "symbol_checks.hpp"

namespace symflow_fuzz {

namespace infer_detail {

/// Attribute keys the ops read (and a few they do not, which must be ignored or refused).
inline constexpr std::string_view attr_keys[] = {
    "axis",     "axes",      "keepdims",   "exclude",     "shape",       "reverse",     "begin",
    "end",      "step",      "num_args",   "dim",         "num_outputs", "squeeze_axis", "reps",
    "repeats",  "scalar",    "num_hidden", "no_bias",     "flatten",     "transpose_a", "transpose_b",
    "act_type", "slope",     "a_min",      "a_max",       "p",           "mode",        "dtype",
    "ord",      "temperature", "use_length", "multi_output", "preserve_shape", "normalization",
    "grad_scale", "ignore_label", "use_ignore", "out_dtype", "lhs_axes", "rhs_axes", "lhs_begin",
    "rhs_begin", "target_shape", "__shape__", "__dtype__", "__lr_mult__", "lr_mult", "data_lr_mult",
    "axes_", "cudnn_off"};

/// Attribute values: well-formed ones, boundary numbers and malformed text.
inline constexpr std::string_view attr_values[] = {
    "0", "1", "-1", "2", "3", "-2", "-3", "4", "5", "True", "False", "true", "0.5", "-0.5", "None", "()",
    "(2,)", "(3,)", "(2, 3)", "(3, 2)", "(-1,)", "(0, -1)", "(-2,)", "(-3, -4)", "(1, 2, 3)", "(0,)",
    "(-1, 0)", "(2, 0)", "(None,)", "(1, None)", "(0, 1, 2, 3)", "(-4,)", "[1, 2]", "((1))", "(1,,2)",
    "1e9", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "100000", "-100000",
    "nan", "inf", "-inf", "1e309", "relu", "sigmoid", "tanh", "softrelu", "softsign", "leaky", "elu",
    "float32", "float64", "int32", "int64", "float16", "uint8", "", " ", "abc", "instance", "channel",
    "always", "training", "batch", "valid", "null", "clip", "wrap", "raise", "(2, 2, 2, 2, 2)"};

/// Op names the runtime has never heard of (a fixed few: each one is kept for the life of
/// the program).
inline constexpr std::string_view unknown_ops[] = {"MyCustomOp", "_contrib_Unknown"};

/// A generated value: a small integer or a tuple of small integers.
inline std::string generated_value(byte_reader& in) {
    auto small = [&] { return std::to_string(static_cast<int>(in.pick(12)) - 4); };
    if (in.one_in(2)) return small();
    std::string t = "(";
    const std::size_t n = in.pick(5);
    for (std::size_t i = 0; i < n; ++i) t += (i ? ", " : "") + small();
    return t + (n == 1 ? ",)" : ")");
}

/// dtype by index.
inline symflow::dtype dtype_at(std::size_t i) {
    constexpr symflow::dtype all[] = {symflow::float32, symflow::float64, symflow::int32, symflow::int64};
    return all[i % 4];
}

/// The graph a fuzz input decodes to, with the shapes and dtypes a user passes.
struct decoded {
    symflow::sym::Symbol symbol;
    std::map<std::string, symflow::Shape> shapes;
    std::map<std::string, symflow::dtype> types;
};

inline decoded decode(byte_reader& in) {
    namespace sym = symflow::sym;
    decoded d;
    std::vector<sym::NodeEntry> pool;  // every output made so far, inputs for later nodes

    const std::size_t n_vars = 1 + in.pick(4);
    for (std::size_t v = 0; v < n_vars; ++v) {
        const std::string name = "v" + std::to_string(v);
        const std::size_t shape_mode = in.pick(4);  // 0,1: in the map; 2: __shape__; 3: not given
        std::vector<symflow::Shape::dim_t> dims(in.pick(5));
        for (auto& x : dims) x = static_cast<symflow::Shape::dim_t>(in.pick(6));
        const symflow::dtype dt = dtype_at(in.pick(4));
        const std::size_t dtype_mode = in.pick(3);  // 0: in the map; 1: __dtype__; 2: not given
        sym::variable_attrs a;
        if (shape_mode == 2) a.shape = symflow::Shape(dims);
        if (dtype_mode == 1) a.dtype = dt;
        pool.push_back(sym::Variable(name, a).outputs()[0]);
        if (shape_mode < 2) d.shapes.emplace(name, symflow::Shape(dims));
        if (dtype_mode == 0) d.types.emplace(name, dt);
    }

    const auto& table = sym::detail::op_table();
    const std::size_t n_nodes = 1 + in.pick(10);
    for (std::size_t k = 0; k < n_nodes; ++k) {
        auto input = [&] { return sym::Symbol({pool[in.pick(pool.size())]}); };
        const std::string name = "n" + std::to_string(k);
        const std::size_t form = in.pick(8);
        if (form < 6) {
            // A node of any op by its JSON name, as load_json or a generated graph makes them.
            const sym::op_info* op = in.one_in(32) ? &sym::detail::unknown_op(unknown_ops[in.pick(2)])
                                                    : table[in.pick(table.size())].get();
            sym::attr_map attrs;
            for (std::size_t i = in.pick(4); i > 0; --i) {
                const std::string key(attr_keys[in.pick(std::size(attr_keys))]);
                attrs[key] = in.one_in(3) ? generated_value(in) : std::string(attr_values[in.pick(std::size(attr_values))]);
            }
            std::size_t arity = op->input_names(attrs).size();
            if (in.one_in(8)) arity = in.pick(4);  // a wrong input count must be refused, not read past
            std::vector<sym::NodeEntry> inputs;
            for (std::size_t i = 0; i < arity; ++i) inputs.push_back(pool[in.pick(pool.size())]);
            auto node = sym::make_node(op, name, std::move(attrs), std::move(inputs));
            for (std::uint32_t o = 0; o < node->num_outputs(); ++o) pool.push_back({node, o, 0});
        } else if (form == 6) {
            // The runtime operators between symbols.
            auto a = input(), b = input();
            sym::Symbol r;
            switch (in.pick(4)) {
            case 0: r = a + b; break;
            case 1: r = a - b; break;
            case 2: r = a * b; break;
            default: r = a / b; break;
            }
            pool.push_back(r.outputs()[0]);
        } else {
            // The runtime operators with a scalar, on either side.
            auto a = input();
            const float s = sym_detail::interesting_value<float>(in.byte());
            sym::Symbol r;
            switch (in.pick(6)) {
            case 0: r = a + s; break;
            case 1: r = s - a; break;
            case 2: r = a * s; break;
            case 3: r = s / a; break;
            case 4: r = -a; break;
            default: r = a / s; break;
            }
            pool.push_back(r.outputs()[0]);
        }
    }

    // Heads: usually the last output, sometimes a group of two.
    std::vector<sym::NodeEntry> heads{pool.back()};
    if (in.one_in(4)) heads.push_back(pool[in.pick(pool.size())]);
    d.symbol = sym::Symbol(std::move(heads));
    return d;
}

} // namespace infer_detail

/// One fuzz input as a random graph through inference and binding.
inline void fuzz_infer(std::span<const std::uint8_t> data) {
    byte_reader in(data);
    symflow::sym::NameManager scope;  // deterministic auto-names for the operator forms
    const auto d = infer_detail::decode(in);
    ++stats().accepted;
    check_symbol(d.symbol, d.shapes, d.types, in);
}

} // namespace symflow_fuzz
