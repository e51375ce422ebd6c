#pragma once
// Shape and dtype inference over a runtime graph: the pass behind Symbol::infer_shape,
// infer_type, simple_bind and bind. Each op's own rule (from its op description) runs
// forward; elementwise ops, FullyConnected and SoftmaxOutput also fill in the shapes of
// arguments the user did not give, as MXNet's bidirectional inference does for them.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "../core/error.hpp"
#include "../sym/node_rules.hpp"
#include "kernels.hpp"
#include "symbol.hpp"

namespace symflow::sym {

/// Shapes of the arguments, outputs and auxiliary states, in list_arguments(),
/// list_outputs() and list_auxiliary_states() order (MXNet's infer_shape triple).
struct inferred_shapes {
    std::vector<Shape> arg, out, aux;
};
/// Dtypes in the same three lists (MXNet's infer_type triple).
struct inferred_types {
    std::vector<dtype> arg, out, aux;
};

namespace rt {

/// A graph in topological order with what inference learnt about every node.
struct graph_info {
    std::vector<std::shared_ptr<Node>> nodes;                ///< post-order, as tojson writes them
    std::unordered_map<const Node*, std::size_t> id;         ///< node -> position in `nodes`
    std::vector<ops::meta> meta;                             ///< output 0 of each node
    std::vector<std::vector<ops::meta>> more;                ///< outputs 1.. of multi-output nodes
    std::vector<parsed_params> params;                       ///< parsed attributes of op nodes
    std::vector<const op_runtime*> runtime;                  ///< kernels of op nodes
    std::vector<std::size_t> input_id(const Node& n) const {  ///< ids of n's inputs
        std::vector<std::size_t> r;
        for (const auto& e : n.inputs) r.push_back(id.at(e.node.get()));
        return r;
    }
    /// What is known about output `index` of node i.
    const ops::meta& output_meta(std::size_t i, std::uint32_t index) const {
        return index == 0 ? meta[i] : more[i].at(index - 1);
    }
    /// What is known about the output an entry reads.
    const ops::meta& entry_meta(const NodeEntry& e) const { return output_meta(id.at(e.node.get()), e.index); }
};

/// "op elemwise_add, node '_plus0'": how errors name a node.
inline std::string node_label(const Node& n) {
    return n.is_variable() ? "argument '" + n.name + "'" : "op " + std::string(n.op_name()) + ", node '" + n.name + "'";
}

namespace detail {

/// A Variable's __shape__ attribute as written, dimensions of 0 (or -1) unknown as in
/// MXNet; none if it has none. A text that is not a shape throws symflow::error naming the
/// argument: a declared shape nobody can read must not be skipped silently.
inline std::optional<std::vector<long long>> declared_dims(const Node& n) {
    auto it = n.attrs.find("__shape__");
    if (it == n.attrs.end()) return std::nullopt;
    auto t = ops::parse_tuple(it->second);
    if (!t)
        throw error("argument '" + n.name + "' declares __shape__ '" + it->second +
                    "', which is not a shape (a tuple of dimensions such as (2, 3))");
    return t;
}
/// The shape a Variable's __shape__ attribute fixes, if complete.
inline std::optional<Shape> declared_shape(const Node& n) {
    auto t = declared_dims(n);
    if (!t) return std::nullopt;
    std::vector<Shape::dim_t> d;
    for (auto v : *t) {
        if (v <= 0) return std::nullopt;
        d.push_back(static_cast<Shape::dim_t>(v));
    }
    return Shape(std::move(d));
}
/// Throws symflow::error, naming the argument and both shapes, if `given` contradicts
/// variable n's declared __shape__ (its rank, or a dimension it fixes), as the static
/// front end does for Variable<"A", 2, 3> and MXNet's shape inference does.
inline void check_declared_shape(const Node& n, const Shape& given) {
    auto t = declared_dims(n);
    if (!t) return;
    bool same = t->size() == given.size();
    for (std::size_t k = 0; same && k < t->size(); ++k)
        same = (*t)[k] <= 0 || (*t)[k] == given[k];
    if (!same)
        throw error("argument '" + n.name + "' is declared with shape " + n.attrs.at("__shape__") +
                    " but is given shape " + given.str());
}

/// The dtype a Variable's __dtype__ attribute (MXNet's type code) fixes, if one symflow has.
inline std::optional<dtype> declared_dtype(const Node& n) {
    auto it = n.attrs.find("__dtype__");
    if (it == n.attrs.end()) return std::nullopt;
    auto v = ops::parse_int(it->second);
    if (!v) return std::nullopt;
    for (dtype d : {dtype::float32, dtype::float64, dtype::int32, dtype::int64})
        if (static_cast<long long>(d) == *v) return d;
    return std::nullopt;
}

} // namespace detail

/// What analyze() is for: binding needs every op computable and every shape known.
enum class infer_goal { bind, shapes, types };

/// Runs inference over `s`. `given` holds the shapes/dtypes the caller knows, by variable
/// name; `shapes_given` says whether their shapes count (infer_type passes none).
/// Names in `typed` have a dtype the caller chose; other variables without a __dtype__
/// take the dtype of the elementwise ops they meet (float32 if none).
template <class = void>
graph_info analyze(const Symbol& s, const std::map<std::string, ops::meta>& given, infer_goal goal,
                   const std::map<std::string, dtype>* typed = nullptr) {
    graph_info g;
    dfs_visit(s.outputs(), [&](const std::shared_ptr<Node>& n) {
        g.id.emplace(n.get(), g.nodes.size());
        g.nodes.push_back(n);
    });
    const std::size_t N = g.nodes.size();
    g.meta.assign(N, ops::meta{Shape{}, dtype::float32, false});
    g.params.assign(N, nullptr);
    g.more.assign(N, {});
    g.runtime.assign(N, nullptr);

    // Variables: what the caller gave, else what their attributes declare.
    std::vector<char> dt_free(N, 0);  // a variable whose dtype nobody fixed
    for (std::size_t i = 0; i < N; ++i) {
        const Node& n = *g.nodes[i];
        if (!n.is_variable()) continue;
        auto it = given.find(n.name);
        if (it != given.end()) {
            g.meta[i] = it->second;
            if (goal != infer_goal::types && it->second.shape_known) detail::check_declared_shape(n, it->second.shape);
        } else if (goal != infer_goal::types) {
            if (auto sh = detail::declared_shape(n)) g.meta[i] = {*sh, dtype::float32, true};
        }
        const bool typed_here = typed ? typed->count(n.name) > 0 : it != given.end();
        const auto declared = detail::declared_dtype(n);
        if (!typed_here) {
            if (declared) g.meta[i].dt = *declared;
            else dt_free[i] = 1;
        } else if (declared && *declared != g.meta[i].dt) {
            throw error("argument '" + n.name + "' is declared with dtype " + std::string(dtype_name(*declared)) +
                        " but is given " + std::string(dtype_name(g.meta[i].dt)));
        }
    }
    // Ops: kernels and parsed params.
    for (std::size_t i = 0; i < N; ++i) {
        const Node& n = *g.nodes[i];
        if (n.is_variable()) continue;
        const op_runtime* r = find_runtime(n.op->name);
        if (!r) {
            throw error(node_label(n) + ": " +
                        (n.op->known ? "symflow lists this op but has no kernel for it, so the graph cannot be " +
                                           std::string(goal == infer_goal::bind ? "bound" : "inferred")
                                     : "unknown op '" + n.op->name + "': symflow does not know it") +
                        " (the graph can still be listed, printed and saved)");
        }
        g.runtime[i] = r;
        g.params[i] = r->parse(ops::attr_reader(n.attrs, n.op->name, n.name));
        if (r->arity != 0 && n.inputs.size() != r->arity)
            throw error(node_label(n) + ": takes " + std::to_string(r->arity) + " inputs, the node has " +
                        std::to_string(n.inputs.size()));
        // Outputs 1.. start unknown like output 0: a pass that skips the node (its input
        // shape not yet known) must leave them readable, not an empty list (found by
        // fuzzing: infer_shape_partial threw std::out_of_range for split(A)[1] + split(A)[2]).
        if (r->infer_outputs && n.num_outputs() > 1)
            g.more[i].assign(n.num_outputs() - 1, ops::meta{Shape{}, dtype::float32, false});
    }
    // Entries past output 0 must be outputs symflow computes (not Dropout's mask, say).
    auto check_entry = [&](const NodeEntry& e, const std::string& reader) {
        if (e.index == 0) return;
        const auto* r = g.runtime[g.id.at(e.node.get())];
        if (!r || !r->infer_outputs)
            throw error(reader + " reads output " + std::to_string(e.index) + " of " + node_label(*e.node) +
                        ", which symflow does not compute (it computes the first output of this op only)");
    };
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t k = 0; k < g.nodes[i]->inputs.size(); ++k)
            check_entry(g.nodes[i]->inputs[k], node_label(*g.nodes[i]) + ": input " + std::to_string(k));
    for (std::size_t o = 0; o < s.outputs().size(); ++o) check_entry(s.outputs()[o], "output " + std::to_string(o));

    // how errors name node n and its inputs: "op elemwise_add, node '_plus0'", "lhs argument 'A'"
    auto names_of = [](const Node& n) {
        return sym::detail::node_names{n.op_name(), &n, [](const void* p, std::ptrdiff_t j) {
                                           const Node& x = *static_cast<const Node*>(p);
                                           if (j < 0) return node_label(x);
                                           const auto k = static_cast<std::size_t>(j);
                                           auto names = x.op->input_names(x.attrs);
                                           return (k < names.size() ? names[k] : "input " + std::to_string(k)) + " " +
                                                  node_label(*x.inputs[k].node);
                                       }};
    };
    // Nodes the current pass skipped: their metas are placeholders (float32, shape
    // unknown), not facts. An elementwise node reading one waits for a later pass too;
    // checking the placeholder's dtype against its other inputs made valid int graphs
    // fail (found beside the fuzzer's crash above: sum(A) + B with int32 A, B, where A's
    // shape comes from the backward pass, was "input dtypes differ: float32 but int32").
    std::vector<char> skipped(N, 0);
    auto forward = [&](bool final_pass) {
        const bool may_skip = !final_pass && goal != infer_goal::types;
        for (std::size_t i = 0; i < N; ++i) {
            const Node& n = *g.nodes[i];
            if (n.is_variable()) continue;
            const op_runtime& r = *g.runtime[i];
            skipped[i] = may_skip && std::any_of(n.inputs.begin(), n.inputs.end(), [&](const NodeEntry& e) {
                return skipped[g.id.at(e.node.get())] != 0;
            });
            if (skipped[i]) continue;
            if (r.one_dtype) {
                // variables of free dtype take the dtype of the operand that has one
                const NodeEntry* fixed = nullptr;
                for (const auto& e : n.inputs)
                    if (!dt_free[g.id.at(e.node.get())]) fixed = fixed ? fixed : &e;
                if (fixed)
                    for (const auto& e : n.inputs)
                        if (auto j = g.id.at(e.node.get()); dt_free[j]) {
                            g.meta[j].dt = g.entry_meta(*fixed).dt;
                            dt_free[j] = 0;
                        }
            }
            std::vector<ops::meta> in;
            for (const auto& e : n.inputs) in.push_back(g.entry_meta(e));
            const sym::detail::node_names names = names_of(n);
            sym::detail::check_dtypes(names, r.dtypes, in);
            if (r.kind == ops::op_kind::elementwise) {
                const ops::meta out = sym::detail::equal_shapes_rule(names, in);
                if (!g.meta[i].shape_known || out.shape_known) g.meta[i] = out;
                else g.meta[i].dt = out.dt;
            } else {
                bool all_known = std::all_of(in.begin(), in.end(), [](const ops::meta& m) { return m.shape_known; });
                if (!all_known && may_skip) {
                    skipped[i] = 1;
                    continue;
                }
                try {
                    if (r.infer_outputs) {
                        auto all = r.infer_outputs(g.params[i].get(), in);
                        g.meta[i] = all.at(0);
                        g.more[i].assign(all.begin() + 1, all.end());
                    } else
                        g.meta[i] = r.infer(g.params[i].get(), in);
                } catch (const error& err) {
                    sym::detail::throw_in_node_context(names, in, err);
                }
            }
        }
    };
    // Fills unknown shapes of inputs from what an op implies about them; true if any changed.
    auto backward = [&]() {
        bool changed = false;
        auto set = [&](const NodeEntry& e, const Shape& sh) {
            auto& m = g.meta[g.id.at(e.node.get())];
            if (m.shape_known || e.index != 0) return;
            m.shape = sh;
            m.shape_known = true;
            changed = true;
        };
        for (std::size_t i = N; i-- > 0;) {
            const Node& n = *g.nodes[i];
            if (n.is_variable()) continue;
            const op_runtime& r = *g.runtime[i];
            if (r.kind == ops::op_kind::elementwise) {
                std::optional<Shape> known;
                if (g.meta[i].shape_known) known = g.meta[i].shape;
                for (const auto& e : n.inputs)
                    if (!known && g.entry_meta(e).shape_known) known = g.entry_meta(e).shape;
                if (known)
                    for (const auto& e : n.inputs) set(e, *known);
            } else if (n.op->name == "FullyConnected" && !n.inputs.empty()) {
                const auto& data = g.entry_meta(n.inputs[0]);
                const auto& p = *static_cast<const ops::fully_connected_param*>(g.params[i].get());
                if (!data.shape_known || data.shape.ndim() == 0 || p.num_hidden < 1) continue;
                std::size_t k = 1;
                if (p.flatten)
                    for (std::size_t d = 1; d < data.shape.ndim(); ++d) k *= static_cast<std::size_t>(data.shape[d]);
                else k = static_cast<std::size_t>(data.shape[data.shape.ndim() - 1]);
                if (n.inputs.size() > 1) set(n.inputs[1], Shape{p.num_hidden, static_cast<Shape::dim_t>(k)});
                if (n.inputs.size() > 2) set(n.inputs[2], Shape{p.num_hidden});
            } else if (n.op->name == "SoftmaxOutput" && n.inputs.size() == 2) {
                const auto& data = g.entry_meta(n.inputs[0]);
                if (!data.shape_known || data.shape.ndim() == 0) continue;
                std::vector<Shape::dim_t> d(data.shape.begin(), data.shape.end() - 1);
                set(n.inputs[1], Shape(std::move(d)));
            }
        }
        return changed;
    };

    // A free variable takes its dtype from a one-dtype reader, which the post-order may
    // visit after another reader: in argmax(x) beside x * y, argmax first saw x's float32
    // placeholder and infer_type said float32 where bind, given x's float64, computed
    // float64 (found by fuzz:load_json). So a pass that fixes a free variable runs again,
    // and an error it met may come from a placeholder: only a pass that fixes nothing is final.
    auto settled_forward = [&](bool final_pass) {
        for (;;) {
            const auto free_before = std::count(dt_free.begin(), dt_free.end(), 1);
            try {
                forward(final_pass);
            } catch (const error&) {
                if (std::count(dt_free.begin(), dt_free.end(), 1) == free_before) throw;
                continue;
            }
            if (std::count(dt_free.begin(), dt_free.end(), 1) == free_before) return;
        }
    };
    if (goal == infer_goal::types) {
        settled_forward(true);
        return g;
    }
    for (int pass = 0; pass < 8; ++pass) {
        settled_forward(false);
        if (!backward()) break;
    }
    settled_forward(true);
    return g;
}

/// The given shapes as metas (float32 unless `types` says otherwise).
inline std::map<std::string, ops::meta> given_metas(const std::map<std::string, Shape>& shapes,
                                                    const std::map<std::string, dtype>& types) {
    std::map<std::string, ops::meta> r;
    for (const auto& [k, v] : shapes) r[k] = ops::meta{v, dtype::float32, true};
    for (const auto& [k, v] : types) {
        auto it = r.find(k);
        if (it == r.end()) r[k] = ops::meta{Shape{}, v, false};
        else it->second.dt = v;
    }
    return r;
}

/// Throws symflow::error naming any name in `given` that is not an input of `s`.
template <class Map>
void check_names(const Symbol& s, const Map& given, const char* what) {
    auto inputs = s.list_inputs();
    for (const auto& [k, v] : given) {
        (void)v;
        if (std::find(inputs.begin(), inputs.end(), k) == inputs.end()) {
            std::string all;
            for (const auto& n : inputs) all += (all.empty() ? "" : ", ") + n;
            throw error(std::string(what) + ": '" + k + "' is not an argument or auxiliary state of the symbol; it has [" +
                        all + "]");
        }
    }
}

/// The meta of variable `name` in `g` (its first node of that name).
inline const ops::meta& var_meta(const graph_info& g, const std::string& name) {
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (g.nodes[i]->is_variable() && g.nodes[i]->name == name) return g.meta[i];
    throw error("no variable named '" + name + "'");
}

} // namespace rt

/// infer_shape and infer_shape_partial (a template so kernels compile only where used).
template <class>
inferred_shapes infer_shapes_impl(const Symbol& s, const std::map<std::string, Shape>& shapes, bool partial) {
    rt::check_names(s, shapes, "infer_shape");
    const std::map<std::string, dtype> none;
    auto g = rt::analyze(s, rt::given_metas(shapes, {}), rt::infer_goal::shapes, &none);
    inferred_shapes r;
    std::vector<std::string> missing;
    auto take = [&](const ops::meta& m, const std::string& name, std::vector<Shape>& out) {
        if (!m.shape_known) missing.push_back(name);
        out.push_back(m.shape_known ? m.shape : Shape{});
    };
    for (const auto& a : s.list_arguments()) take(rt::var_meta(g, a), a, r.arg);
    for (const auto& o : s.outputs()) {
        const auto& m = g.entry_meta(o);
        r.out.push_back(m.shape_known ? m.shape : Shape{});
    }
    for (const auto& a : s.list_auxiliary_states()) take(rt::var_meta(g, a), a, r.aux);
    if (!partial && !missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += "\n\t" + m;
        throw error("infer_shape: cannot decide the shapes of these arguments; provide them:" + list);
    }
    return r;
}

template <class D>
inferred_shapes Symbol::infer_shape(const std::map<std::string, Shape>& shapes) const {
    return infer_shapes_impl<D>(*this, shapes, false);
}
template <class D>
inferred_shapes Symbol::infer_shape_partial(const std::map<std::string, Shape>& shapes) const {
    return infer_shapes_impl<D>(*this, shapes, true);
}
template <class D>
inferred_types Symbol::infer_type(const std::map<std::string, dtype>& types) const {
    rt::check_names(*this, types, "infer_type");
    auto g = rt::analyze(*this, rt::given_metas({}, types), rt::infer_goal::types, &types);
    inferred_types r;
    for (const auto& a : list_arguments()) r.arg.push_back(rt::var_meta(g, a).dt);
    for (const auto& o : outputs_) r.out.push_back(g.entry_meta(o).dt);
    for (const auto& a : list_auxiliary_states()) r.aux.push_back(rt::var_meta(g, a).dt);
    return r;
}

} // namespace symflow::sym
