#pragma once
// op_info: what the runtime graph knows about an op by its JSON name: inputs, outputs,
// mutated (auxiliary) inputs, naming hint. Made from the op descriptions (symflow::ops)
// for the ops symflow computes, from a short table for ops it only lists (BatchNorm,
// Convolution, ... found in MXNet files), and on the fly for ops it has never heard of.
// Kernels are elsewhere (runtime/kernels.hpp), so that listing, printing and JSON do not
// compile a kernel.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "../ops/attrs.hpp"
#include "../ops/registry.hpp"

namespace symflow::sym {

using ops::attr_map;

/// The run-time description of one op (one per JSON name; aliases share it).
struct op_info {
    /// How the input list depends on the attributes.
    enum class inputs_rule {
        fixed,        ///< always `inputs`
        bias_unless,  ///< `inputs` minus the last one ("bias") when no_bias is true
        num_args,     ///< arg0 .. arg<num_args-1> (Concat, stack, add_n)
    };

    std::string name;                  ///< canonical JSON name ("elemwise_add")
    std::string hint;                  ///< auto-name hint of its function form
    std::vector<std::string> aliases;  ///< other names a loader accepts ("_Plus")
    ops::op_kind kind = ops::op_kind::materialized;
    bool computable = false;  ///< symflow has a kernel for it
    bool known = true;        ///< false: not an MXNet op symflow has heard of
    std::vector<std::string> inputs;
    inputs_rule rule = inputs_rule::fixed;
    std::uint32_t outputs = 1;                 ///< outputs including hidden ones (JSON node_row_ptr counts them)
    std::uint32_t visible = 1;                 ///< outputs a user sees (list_outputs)
    std::vector<std::string> output_names;     ///< MXNet's FListOutputNames, when it names them
    std::string all_visible_attr;              ///< a bool attr that makes every output visible (output_mean_var)
    std::string num_outputs_attr;              ///< an int attr giving the number of outputs (SliceChannel)
    std::vector<std::uint32_t> mutate_inputs;  ///< inputs the op updates: auxiliary states

    /// The input names of a node with attributes `a`.
    std::vector<std::string> input_names(const attr_map& a) const {
        switch (rule) {
        case inputs_rule::fixed: return inputs;
        case inputs_rule::bias_unless: {
            auto r = inputs;
            auto it = a.find("no_bias");
            if (it != a.end() && ops::parse_bool(it->second).value_or(false)) r.pop_back();
            return r;
        }
        case inputs_rule::num_args: {
            auto it = a.find("num_args");
            long long n = it == a.end() ? 1 : ops::parse_int(it->second).value_or(1);
            if (n < 0 || n > 100000) n = 1;
            std::vector<std::string> r;
            for (long long i = 0; i < n; ++i) r.push_back("arg" + std::to_string(i));
            return r;
        }
        }
        return inputs;
    }
    /// Number of outputs (hidden ones included) of a node with attributes `a`.
    std::uint32_t num_outputs(const attr_map& a) const {
        if (!num_outputs_attr.empty()) {
            auto it = a.find(num_outputs_attr);
            if (it != a.end())
                if (auto n = ops::parse_int(it->second); n && *n >= 1 && *n <= ops::max_node_outputs)
                    return static_cast<std::uint32_t>(*n);
        }
        return outputs;
    }
    /// Number of outputs list_outputs shows.
    std::uint32_t num_visible_outputs(const attr_map& a) const {
        if (!num_outputs_attr.empty()) return num_outputs(a);
        if (!all_visible_attr.empty()) {
            auto it = a.find(all_visible_attr);
            if (it != a.end() && ops::parse_bool(it->second).value_or(false)) return outputs;
        }
        return visible;
    }
    /// "output", "mean", "output3": the suffix after `<node>_` of output i.
    std::string output_suffix(std::uint32_t i, std::uint32_t n_outputs) const {
        if (i < output_names.size()) return output_names[i];
        return n_outputs > 1 ? "output" + std::to_string(i) : "output";
    }
};

namespace detail {

/// The op_info of op description Op.
template <class Op>
op_info describe_op() {
    op_info r;
    r.name = Op::name;
    r.hint = Op::hint;
    for (auto a : Op::aliases) r.aliases.emplace_back(a);
    r.kind = Op::kind;
    r.computable = true;
    for (auto in : Op::inputs) r.inputs.emplace_back(in);
    if constexpr (requires { Op::info_outputs; }) {
        r.outputs = Op::info_outputs;
        for (auto n : Op::output_names) r.output_names.emplace_back(n);
    }
    if constexpr (requires { Op::num_outputs_attr; }) r.num_outputs_attr = Op::num_outputs_attr;  // SliceChannel
    return r;
}

/// An op symflow lists but does not compute.
inline op_info listed_op(std::string name, std::vector<std::string> inputs, std::uint32_t outputs = 1,
                         std::uint32_t visible = 1, std::vector<std::string> output_names = {},
                         std::vector<std::uint32_t> mutate = {}) {
    op_info r;
    r.name = std::move(name);
    r.hint = r.name;
    for (auto& c : r.hint) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    r.inputs = std::move(inputs);
    r.outputs = outputs;
    r.visible = visible;
    r.output_names = std::move(output_names);
    r.mutate_inputs = std::move(mutate);
    return r;
}

/// Every op the runtime knows, canonical name first; built once.
inline const std::vector<std::unique_ptr<op_info>>& op_table() {
    static const std::vector<std::unique_ptr<op_info>> table = [] {
        std::vector<std::unique_ptr<op_info>> t;
        auto add = [&](op_info i) { t.push_back(std::make_unique<op_info>(std::move(i))); };
        ops::for_each_op([&]<class Op>() {
            for (const auto& e : t)
                if (e->name == Op::name) return;  // FullyConnected and Concat/stack have several forms
            op_info i = describe_op<Op>();
            if (i.name == "FullyConnected") {
                i.inputs = {"data", "weight", "bias"};
                i.rule = op_info::inputs_rule::bias_unless;
            } else if (i.name == "Concat" || i.name == "stack") {
                i.rule = op_info::inputs_rule::num_args;
            } else if (i.name == "Dropout") {
                i.outputs = 2;  // output and the (hidden) mask, as MXNet 1.9 registers it
                i.output_names = {"output", "mask"};
            }
            add(std::move(i));
        });
        // Ops found in MXNet files that symflow lists, prints and saves but cannot run.
        add(listed_op("BatchNorm", {"data", "gamma", "beta", "moving_mean", "moving_var"}, 3, 1,
                      {"output", "mean", "var"}, {3, 4}));
        t.back()->all_visible_attr = "output_mean_var";
        {
            op_info c = listed_op("Convolution", {"data", "weight", "bias"});
            c.rule = op_info::inputs_rule::bias_unless;
            add(c);
            c = listed_op("Deconvolution", {"data", "weight", "bias"});
            c.rule = op_info::inputs_rule::bias_unless;
            add(c);
        }
        add(listed_op("Pooling", {"data"}));
        add(listed_op("Embedding", {"data", "weight"}));
        add(listed_op("LRN", {"data"}, 2, 1, {"output", "tmp_norm"}));
        add(listed_op("InstanceNorm", {"data", "gamma", "beta"}, 3, 1, {"output", "mean", "var"}));
        add(listed_op("LayerNorm", {"data", "gamma", "beta"}, 3, 1, {"output", "mean", "std"}));
        add(listed_op("BlockGrad", {"data"}));
        t.back()->aliases = {"stop_gradient"};
        add(listed_op("MakeLoss", {"data"}));
        t.back()->aliases = {"make_loss"};
        add(listed_op("LinearRegressionOutput", {"data", "label"}));
        add(listed_op("LogisticRegressionOutput", {"data", "label"}));
        add(listed_op("MAERegressionOutput", {"data", "label"}));
        add(listed_op("_copy", {"data"}));
        t.back()->aliases = {"identity"};
        add(listed_op("Pad", {"data"}));
        t.back()->aliases = {"pad"};
        add(listed_op("UpSampling", {}));
        t.back()->rule = op_info::inputs_rule::num_args;
        add(listed_op("add_n", {}));
        t.back()->rule = op_info::inputs_rule::num_args;
        t.back()->aliases = {"ElementWiseSum", "_contrib_add_n"};
        add(listed_op("SoftmaxActivation", {"data"}));
        add(listed_op("Crop", {}));
        t.back()->rule = op_info::inputs_rule::num_args;
        return t;
    }();
    return table;
}

/// Ops met in files that symflow has never heard of: one op_info per name, kept for the
/// life of the program so nodes can point at it.
inline const op_info& unknown_op(std::string_view name) {
    static std::mutex m;
    static std::map<std::string, std::unique_ptr<op_info>, std::less<>> ops;
    std::lock_guard lock(m);
    auto it = ops.find(name);
    if (it == ops.end()) {
        auto i = std::make_unique<op_info>(listed_op(std::string(name), {}));
        i->known = false;
        it = ops.emplace(std::string(name), std::move(i)).first;
    }
    return *it->second;
}

} // namespace detail

/// The op named `name` (canonical name or alias), or nullptr if symflow does not know it.
inline const op_info* find_op(std::string_view name) {
    static const std::map<std::string, const op_info*, std::less<>> index = [] {
        std::map<std::string, const op_info*, std::less<>> m;
        for (const auto& i : detail::op_table()) m.emplace(i->name, i.get());
        for (const auto& i : detail::op_table())
            for (const auto& a : i->aliases) m.emplace(a, i.get());  // a canonical name wins over an alias
        return m;
    }();
    auto it = index.find(name);
    return it == index.end() ? nullptr : it->second;
}

/// The op_info of op description Op.
template <ops::op_description Op>
const op_info& op_info_of() {
    static const op_info& info = *find_op(Op::name);
    return info;
}

} // namespace symflow::sym
