#pragma once
// Symbol: a type-erased symbolic graph (MXNet's mx.sym.Symbol).
#include <concepts>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "graph.hpp"

namespace symflow::sym {

class Symbol;
class RuntimeExecutor;
struct inferred_shapes;
struct inferred_types;

namespace detail {
/// MXNet's hidden attribute keys: `s.attr("lr_mult")` also finds `__lr_mult__`.
inline bool is_hidden_key(std::string_view k) {
    for (std::string_view h : {"ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage", "profiler_scope"})
        if (k == h) return true;
    return false;
}
} // namespace detail

/// A symbol held as data: a list of output entries of a shared node graph. Every
/// static expression converts to it; graphs built at run time or loaded from MXNet's
/// JSON are made of it.
class Symbol {
public:
    Symbol() = default;
    explicit Symbol(std::vector<NodeEntry> outputs) : outputs_(std::move(outputs)) {}

    /// The node name if all outputs come from one node, else "" (a group).
    std::string name() const {
        if (outputs_.empty()) return "";
        for (const auto& o : outputs_)
            if (o.node != outputs_[0].node) return "";
        return outputs_[0].node->name;
    }

    /// Names of the Variables the graph reads and no op mutates, in MXNet's post-order, each once.
    std::vector<std::string> list_arguments() const { return list_variables(variable_kind::argument); }
    /// Every Variable, in post-order (arguments and auxiliary states as met).
    std::vector<std::string> list_inputs() const { return list_variables(variable_kind::any); }
    /// Variables that an op mutates (BatchNorm's moving_mean and moving_var).
    std::vector<std::string> list_auxiliary_states() const { return list_variables(variable_kind::auxiliary); }

    /// Output names: `A` for a variable, `_plus0_output` for an op.
    std::vector<std::string> list_outputs() const {
        std::vector<std::string> r;
        for (const auto& o : outputs_) r.push_back(output_name(*o.node, o.index));
        return r;
    }

    /// A group of every visible output of every node, in post-order (MXNet's get_internals()).
    Symbol get_internals() const {
        std::vector<NodeEntry> all;
        dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
            for (std::uint32_t i = 0; i < n->num_visible_outputs(); ++i) all.push_back({n, i, 0});
        });
        return Symbol(std::move(all));
    }
    /// A group of the inputs of the output node(s), or an empty symbol when they have none.
    Symbol get_children() const {
        std::vector<NodeEntry> r;
        for (const auto& o : outputs_)
            for (const auto& in : o.node->inputs) r.push_back(in);
        return Symbol(std::move(r));
    }

    /// Number of outputs.
    std::size_t size() const { return outputs_.size(); }
    /// The i-th output as a symbol of its own.
    template <std::integral I>
    Symbol operator[](I index) const {
        if (std::cmp_less(index, 0) || std::cmp_greater_equal(index, outputs_.size()))
            throw error("Symbol index " + std::to_string(index) + " out of range: the symbol has " +
                        std::to_string(outputs_.size()) + " outputs");
        return Symbol({outputs_[static_cast<std::size_t>(index)]});
    }
    /// The output named `output` (as list_outputs() names it).
    Symbol operator[](const std::string& output) const { return by_name(output); }
    Symbol operator[](const char* output) const { return by_name(output); }

private:
    Symbol by_name(std::string_view output) const {
        const auto names = list_outputs();
        std::optional<std::size_t> found;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == output) {
                if (found) throw error("There are multiple outputs with name \"" + std::string(output) + "\"");
                found = i;
            }
        if (!found) {
            std::string all;
            for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
            throw error("Cannot find output that matches name \"" + std::string(output) + "\"; outputs are [" + all +
                        "]");
        }
        return (*this)[*found];
    }

public:
    /// The value of attribute `key` of the output node (hidden keys such as lr_mult also
    /// find `__lr_mult__`); nullopt if absent or if the symbol is a group.
    std::optional<std::string> attr(std::string_view key) const {
        if (!single_node()) return std::nullopt;
        const auto& a = outputs_[0].node->attrs;
        if (auto it = a.find(std::string(key)); it != a.end()) return it->second;
        if (detail::is_hidden_key(key))
            if (auto it = a.find("__" + std::string(key) + "__"); it != a.end()) return it->second;
        return std::nullopt;
    }
    /// The attributes of the output node; `__lr_mult__` is also reported as `lr_mult`.
    std::map<std::string, std::string> list_attr() const {
        std::map<std::string, std::string> r;
        if (!single_node()) return r;
        for (const auto& [k, v] : outputs_[0].node->attrs) {
            r[k] = v;
            if (k.size() > 4 && k.starts_with("__") && k.ends_with("__")) {
                auto inner = k.substr(2, k.size() - 4);
                if (detail::is_hidden_key(inner)) r[inner] = v;
            }
        }
        return r;
    }
    /// {node name: {key: value}} for every node that has attributes.
    std::map<std::string, std::map<std::string, std::string>> attr_dict() const {
        std::map<std::string, std::map<std::string, std::string>> r;
        dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
            if (!n->attrs.empty()) r[n->name].insert(n->attrs.begin(), n->attrs.end());
        });
        return r;
    }
    /// Sets attribute `key` of the output node(s) (MXNet's _set_attr).
    void set_attr(const std::string& key, const std::string& value) {
        for (auto& o : outputs_) o.node->attrs[key] = value;
    }

    /// MXNet's text dump of the graph (Symbol::Print).
    std::string debug_str() const {
        std::ostringstream os;
        os << "Symbol Outputs:\n";
        for (std::size_t i = 0; i < outputs_.size(); ++i)
            os << "\toutput[" << i << "]=" << outputs_[i].node->name << '(' << outputs_[i].index << ")\n";
        dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
            if (n->is_variable()) {
                os << "Variable:" << n->name << '\n';
                return;
            }
            os << "--------------------\n";
            os << "Op:" << n->op_name() << ", Name=" << n->name << '\n';
            os << "Inputs:\n";
            for (std::size_t i = 0; i < n->inputs.size(); ++i) {
                const auto& e = n->inputs[i];
                os << "\targ[" << i << "]=" << e.node->name << '(' << e.index << ')';
                if (e.node->is_variable()) os << " version=" << e.version;
                os << '\n';
            }
            if (!n->attrs.empty()) {
                os << "Attrs:\n";
                for (const auto& [k, v] : n->attrs) os << '\t' << k << '=' << v << '\n';
            }
        });
        return os.str();
    }

    /// MXNet 1.9.1's JSON text for this graph (runtime/json.hpp).
    std::string tojson() const;
    /// Writes tojson() to `path`.
    void save(const std::string& path) const;
    /// Graphviz text in the style of MXNet's plot_network (runtime/dot.hpp); shapes of
    /// the named arguments, when given, label the edges.
    template <class = void>
    std::string to_dot(const std::map<std::string, Shape>& shapes = {}) const;

    /// Shapes of arguments, outputs and auxiliary states from the given argument shapes
    /// (runtime/infer.hpp); throws symflow::error if some cannot be decided.
    template <class = void>
    inferred_shapes infer_shape(const std::map<std::string, Shape>& shapes) const;
    /// As infer_shape, with shapes that cannot be decided left empty (Shape{}, known = false).
    template <class = void>
    inferred_shapes infer_shape_partial(const std::map<std::string, Shape>& shapes) const;
    /// Dtypes of arguments, outputs and auxiliary states; arguments not given default to float32.
    template <class = void>
    inferred_types infer_type(const std::map<std::string, dtype>& types = {}) const;

    /// An executor over the given arrays, by argument name (runtime/executor.hpp). Every
    /// argument and auxiliary state must be given; an unknown name is an error.
    template <class = void>
    RuntimeExecutor bind(Context ctx, const std::map<std::string, nd::NDArray>& args) const;
    /// An executor with zero-filled arguments of the given shapes (and dtypes, default float32).
    template <class = void>
    RuntimeExecutor simple_bind(Context ctx, const std::map<std::string, Shape>& shapes,
                                const std::map<std::string, dtype>& types = {}) const;

    /// The output entries (for the executor, JSON and tests).
    const std::vector<NodeEntry>& outputs() const { return outputs_; }

private:
    enum class variable_kind { argument, auxiliary, any };
    bool single_node() const {
        if (outputs_.empty()) return false;
        for (const auto& o : outputs_)
            if (o.node != outputs_[0].node) return false;
        return true;
    }
    std::vector<std::string> list_variables(variable_kind k) const {
        std::unordered_set<const Node*> mutated;
        if (k != variable_kind::any)
            dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
                if (n->op)
                    for (auto i : n->op->mutate_inputs)
                        if (i < n->inputs.size() && n->inputs[i].node->is_variable())
                            mutated.insert(n->inputs[i].node.get());
            });
        std::vector<std::string> r;
        dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
            if (!n->is_variable()) return;
            const bool aux = mutated.count(n.get()) > 0;
            if (k == variable_kind::any || (k == variable_kind::auxiliary) == aux) r.push_back(n->name);
        });
        return r;
    }

    std::vector<NodeEntry> outputs_;
};

/// `<Symbol _plus0>`; a group prints `<Symbol group [A, B, _mul0]>` as MXNet does.
inline std::ostream& operator<<(std::ostream& os, const Symbol& s) {
    auto n = s.name();
    if (s.size() <= 1 || !n.empty()) return os << "<Symbol " << n << '>';
    os << "<Symbol group [";
    for (std::size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i].name();
    return os << "]>";
}

/// The optional attributes of mx.sym.Variable, stored as MXNet stores them
/// (`__shape__`, `__dtype__`, `__lr_mult__`, `__wd_mult__`, `__init__`).
/// (Every member has an initializer so that `{.shape = ...}` alone is -Wextra clean.)
struct variable_attrs {
    std::optional<Shape> shape{};
    std::optional<symflow::dtype> dtype{};
    std::optional<double> lr_mult{};
    std::optional<double> wd_mult{};
    std::string init{};  ///< an initializer's JSON text, as mx.init.*.dumps() gives
    attr_map attr{};     ///< other user attributes, stored as given
};

/// A runtime-named input (MXNet's mx.sym.Variable / mx.sym.var); never auto-named.
inline Symbol Variable(std::string name, const variable_attrs& a = {}) {
    if (name.empty()) throw error("Variable: a variable needs a non-empty name");
    attr_map attrs = a.attr;
    if (a.shape) attrs["__shape__"] = a.shape->str();
    if (a.dtype) attrs["__dtype__"] = std::to_string(static_cast<int>(*a.dtype));
    if (a.lr_mult) attrs["__lr_mult__"] = ops::python_float_str(*a.lr_mult);
    if (a.wd_mult) attrs["__wd_mult__"] = ops::python_float_str(*a.wd_mult);
    if (!a.init.empty()) attrs["__init__"] = a.init;
    return Symbol({NodeEntry{make_node(nullptr, std::move(name), std::move(attrs), {}), 0, 0}});
}

/// The outputs of several symbols as one (mx.sym.Group).
inline Symbol Group(const std::vector<Symbol>& symbols) {
    if (symbols.empty()) throw error("Group: expected a non-empty list of symbols");
    std::vector<NodeEntry> all;
    for (const auto& s : symbols) all.insert(all.end(), s.outputs().begin(), s.outputs().end());
    return Symbol(std::move(all));
}

} // namespace symflow::sym

// The bridge to static graphs (converting one to a Symbol, composing one with a Symbol):
// whoever holds a Symbol can mix it with static expressions. Static-only code
// (symflow/static.hpp) does not include this header, nor pay for it.
#include "../sym/compose_runtime.hpp"
