#pragma once
// Symbol::to_dot: Graphviz text that looks like MXNet's mx.viz.plot_network (defaults:
// title "plot", hide_weights=True): boxes filled by op family, labelled with the op and
// its key attributes, variables as ovals, weight-like variables hidden, edges drawn from
// consumer to input with dir=back, and, given input shapes, each edge labelled with the
// shape of what flows along it without the batch axis ("8x3", as plot_network does).
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "symbol.hpp"
#include "infer.hpp"

namespace symflow::sym {

namespace detail::dot {

/// plot_network's colour map, in its order: inputs, FullyConnected/Convolution,
/// activations, BatchNorm, Pooling, Concat/Flatten/Reshape, softmax, everything else.
inline constexpr std::string_view palette[] = {"#8dd3c7", "#fb8072", "#ffffb3", "#bebada",
                                               "#80b1d3", "#fdb462", "#b3de69", "#fccde5"};

/// Text for a quoted DOT string: `"` and `\` get a backslash, a newline becomes `\n`.
inline std::string escape(std::string_view s) {
    std::string r;
    r.reserve(s.size());
    for (char c : s) {
        if (c == '"' || c == '\\') r += '\\';
        if (c == '\n') r += "\\n";
        else if (c == '\r') continue;
        else r += c;
    }
    return r;
}

/// True for a variable that plot_network's hide_weights hides (`fc1_weight`, `bn_gamma`, ...).
inline bool looks_like_weight(std::string_view name) {
    for (std::string_view s : {"_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                               "_running_var", "_running_mean"})
        if (name.ends_with(s)) return true;
    return false;
}

/// The digit runs of a tuple attribute joined by "x": "(3, 3)" -> "3x3" (MXNet's _str2tuple).
inline std::string joined_tuple(std::string_view text) {
    std::string r;
    bool in_number = false;
    for (char c : text) {
        const bool digit = c >= '0' && c <= '9';
        if (digit && !in_number && !r.empty()) r += 'x';
        if (digit) r += c;
        in_number = digit;
    }
    return r;
}

/// Attribute `key` of `n`, or nullopt.
inline std::optional<std::string> attr_of(const Node& n, const std::string& key) {
    auto it = n.attrs.find(key);
    if (it == n.attrs.end()) return std::nullopt;
    return it->second;
}

/// How one node is drawn: label lines (unescaped), fill colour and Graphviz shape.
struct node_look {
    std::vector<std::string> lines;  ///< joined by DOT's `\n`
    std::string_view fill;           ///< a palette colour
    std::string_view shape = "box";  ///< "box" for ops, "oval" for inputs
};

/// The look plot_network gives node `n`; ops it does not single out show their node name.
inline node_look look_of(const Node& n) {
    if (n.is_variable()) return {{n.name}, palette[0], "oval"};
    const std::string op(n.op_name());
    auto a = [&](const char* key) { return attr_of(n, key); };
    if (op == "Convolution" || op == "Deconvolution") {
        const std::string kernel = joined_tuple(a("kernel").value_or(""));
        const auto stride = a("stride");
        const std::string s = stride ? joined_tuple(*stride) : "1";
        return {{op, kernel + "/" + (s.empty() ? "1" : s) + ", " + a("num_filter").value_or("?")}, palette[1]};
    }
    if (op == "FullyConnected") {
        if (auto h = a("num_hidden")) return {{op, *h}, palette[1]};
        return {{op}, palette[1]};
    }
    if (op == "BatchNorm" || op == "InstanceNorm" || op == "LayerNorm") return {{n.name}, palette[3]};
    if (op == "Activation" || op == "LeakyReLU") {
        if (auto t = a("act_type")) return {{op, *t}, palette[2]};
        return {{op, op == "LeakyReLU" ? "leaky" : "?"}, palette[2]};
    }
    if (op == "Pooling") {
        const std::string type = a("pool_type").value_or("max");
        const auto global = a("global_pool");
        const bool is_global = global && ops::parse_bool(*global).value_or(false);
        const std::string kernel = joined_tuple(a("kernel").value_or(""));
        if (is_global || kernel.empty()) return {{op, type + ", global"}, palette[4]};
        const auto stride = a("stride");
        const std::string s = stride ? joined_tuple(*stride) : "1";
        return {{op, type + ", " + kernel + "/" + (s.empty() ? "1" : s)}, palette[4]};
    }
    if (op == "Concat" || op == "Flatten" || op == "Reshape") return {{n.name}, palette[5]};
    if (op == "Softmax" || op == "SoftmaxOutput" || op == "softmax" || op == "log_softmax" ||
        op == "SoftmaxActivation")
        return {{n.name}, palette[6]};
    if (op == "Custom")
        if (auto t = a("op_type")) return {{*t}, palette[7]};
    return {{n.name}, palette[7]};
}

/// An edge label: the dimensions after the batch axis joined by "x" ("" for 0-d or 1-d).
inline std::string shape_label(const Shape& s) {
    std::string r;
    for (std::size_t i = 1; i < s.ndim(); ++i) r += (i > 1 ? "x" : "") + std::to_string(s[i]);
    return r;
}

} // namespace detail::dot

/// Graphviz text in the style of plot_network; see the top of this file.
template <class D>
std::string Symbol::to_dot(const std::map<std::string, Shape>& shapes) const {
    // Output 0 shape of every node inference could decide, as plot_network takes them
    // from get_internals().infer_shape(**shape).
    std::unordered_map<const Node*, Shape> out_shape;
    if (!shapes.empty()) {
        const Symbol internals = get_internals();
        inferred_shapes r;
        try {
            r = internals.infer_shape_partial<D>(shapes);
        } catch (const error& e) {
            throw error(std::string("to_dot: cannot infer the shapes that label the edges: ") + e.what());
        }
        const auto& outs = internals.outputs();
        for (std::size_t i = 0; i < outs.size() && i < r.out.size(); ++i)
            if (outs[i].index == 0 && r.out[i].ndim() > 0) out_shape.emplace(outs[i].node.get(), r.out[i]);
    }

    std::unordered_map<const Node*, std::size_t> id;
    std::vector<const Node*> order;
    dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
        id.emplace(n.get(), order.size());
        order.push_back(n.get());
    });
    auto hidden = [](const Node& n) { return n.is_variable() && detail::dot::looks_like_weight(n.name); };

    std::ostringstream os;
    os << "digraph plot {\n";
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Node& n = *order[i];
        if (hidden(n)) continue;
        const auto look = detail::dot::look_of(n);
        std::string label;
        for (std::size_t k = 0; k < look.lines.size(); ++k)
            label += (k ? "\\n" : "") + detail::dot::escape(look.lines[k]);
        os << "\tn" << i << " [label=\"" << label << "\" fillcolor=\"" << look.fill
           << "\" fixedsize=true height=0.8034 shape=" << look.shape << " style=filled width=1.3]\n";
    }
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Node& n = *order[i];
        if (n.is_variable()) continue;
        for (const auto& e : n.inputs) {
            if (hidden(*e.node)) continue;
            os << "\tn" << i << " -> n" << id.at(e.node.get()) << " [arrowtail=open dir=back";
            if (e.index == 0)
                if (auto it = out_shape.find(e.node.get()); it != out_shape.end())
                    if (auto text = detail::dot::shape_label(it->second); !text.empty()) os << " label=\"" << text << '"';
            os << "]\n";
        }
    }
    os << "}\n";
    return os.str();
}

} // namespace symflow::sym
