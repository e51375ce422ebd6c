#pragma once
// Symbol: a type-erased symbolic graph (MXNet's mx.sym.Symbol).
#include <ostream>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "graph.hpp"

namespace symflow::sym {

/// A symbol held as data: a list of output entries of a shared node graph. Every
/// static expression converts to it; graphs built at run time are made of it.
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

    /// Names of the Variables the graph reads, in MXNet's post-order, each once.
    std::vector<std::string> list_arguments() const {
        std::vector<std::string> r;
        dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
            if (n->is_variable()) r.push_back(n->name);
        });
        return r;
    }
    /// Every Variable, in post-order (arguments and auxiliary states as met).
    std::vector<std::string> list_inputs() const { return list_arguments(); }
    /// Variables that an op mutates (BatchNorm's moving statistics); none yet.
    std::vector<std::string> list_auxiliary_states() const { return {}; }

    /// Output names: `A` for a variable, `_plus0_output` for an op.
    std::vector<std::string> list_outputs() const {
        std::vector<std::string> r;
        for (const auto& o : outputs_) r.push_back(output_name(*o.node, o.index));
        return r;
    }

    /// A group of every output of every node, in post-order (MXNet's get_internals()).
    Symbol get_internals() const {
        std::vector<NodeEntry> all;
        dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
            for (std::uint32_t i = 0; i < n->num_outputs(); ++i) all.push_back({n, i, 0});
        });
        return Symbol(std::move(all));
    }

    /// Number of outputs.
    std::size_t size() const { return outputs_.size(); }
    /// The i-th output as a symbol of its own.
    Symbol operator[](std::size_t i) const {
        if (i >= outputs_.size())
            throw error("Symbol index " + std::to_string(i) + " out of range: the symbol has " +
                        std::to_string(outputs_.size()) + " outputs");
        return Symbol({outputs_[i]});
    }

    const std::vector<NodeEntry>& outputs() const { return outputs_; }

private:
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

/// A runtime-named input (MXNet's mx.sym.Variable / mx.sym.var); never auto-named.
inline Symbol Variable(std::string name) {
    if (name.empty()) throw error("Variable: a variable needs a non-empty name");
    auto n = std::make_shared<Node>();
    n->name = std::move(name);
    return Symbol({NodeEntry{std::move(n), 0, 0}});
}

} // namespace symflow::sym
