#pragma once
// MXNet's JSON symbol format: Symbol::tojson() / save() write the text MXNet 1.9.1 writes
// (NNVM's SaveJSON pass through DMLC's JSONWriter), load_json() / load() read every
// dialect MXNet itself reads (NNVM's LoadJSON) and upgrade old files as MXNet's
// LoadLegacyJSON pass does (src/nnvm/legacy_json_util.cc).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace symflow::sym {
class Symbol;
// Declared before symbol.hpp is included: the headers symbol.hpp pulls in at its end
// (checkpoint.hpp) call load() even when this header is the first one included.
inline Symbol load_json(std::string_view text);
inline Symbol load(const std::string& path);
} // namespace symflow::sym

#include "../core/error.hpp"
#include "graph.hpp"
#include "op_info.hpp"
#include "symbol.hpp"

namespace symflow::sym {

namespace detail {

/// MXNET_VERSION of MXNet 1.9.1 (major*10000 + minor*100 + patch), written into every file.
inline constexpr long long mxnet_json_version = 10901;
/// Deepest JSON nesting load_json accepts; MXNet's format needs 5 levels.
inline constexpr int json_max_depth = 64;
/// Most variables the 0.8 upgrade may add to one node (old files omitted at most a few).
inline constexpr std::size_t json_max_added_inputs = 1024;
/// Most outputs load_json accepts for an op symflow does not know (from node_row_ptr).
inline constexpr std::uint64_t json_max_unknown_outputs = 100000;

/// DMLC's JSONWriter, rule for rule: a scope is multi-line or inline; each item of a
/// multi-line scope is preceded by `", "` (not for the first), a newline and 2 spaces per
/// open scope; an inline scope separates items with `", "` only.
class dmlc_json_writer {
public:
    explicit dmlc_json_writer(std::string& out) : out_(out) {}

    /// `[`; `multi_line` as DMLC decides it (arrays: more than 10 items or non-POD items).
    void begin_array(bool multi_line) { begin('[', multi_line); }
    /// `]`, on a new line if the array is multi-line and not empty.
    void end_array() { end(']'); }
    /// `{`; `multi_line` as DMLC decides it (maps: more than one entry).
    void begin_object(bool multi_line) { begin('{', multi_line); }
    /// `}`, on a new line if the object is multi-line and not empty.
    void end_object() { end('}'); }
    /// `"key": ` with the separator before it (WriteObjectKeyValue). DMLC writes keys
    /// unescaped; escaping them changes only keys holding a quote, backslash, tab or line
    /// break, most of which make MXNet's own text unreadable, MXNet's reader included.
    void key(std::string_view k) {
        if (counts_.back() > 0) out_ += ", ";
        separator();
        string(k);
        out_ += ": ";
        ++counts_.back();
    }
    /// The separator before the next array item (WriteArraySeperator).
    void array_item() {
        if (counts_.back() != 0) out_ += ", ";
        ++counts_.back();
        separator();
    }
    /// A string escaped as DMLC's WriteString does: only \r \n \\ \t \" are escaped, other
    /// bytes (control characters included) are written as they are.
    void string(std::string_view s) {
        out_ += '"';
        for (char c : s) {
            switch (c) {
            case '\r': out_ += "\\r"; break;
            case '\n': out_ += "\\n"; break;
            case '\\': out_ += "\\\\"; break;
            case '\t': out_ += "\\t"; break;
            case '"': out_ += "\\\""; break;
            default: out_ += c;
            }
        }
        out_ += '"';
    }
    /// An unsigned integer, as `std::ostream << v` writes it.
    void number(std::uint64_t v) { out_ += std::to_string(v); }
    /// `[node, index, version]`, always inline (JSONNode::Entry::Save).
    void entry(std::uint64_t node, std::uint64_t index, std::uint64_t version) {
        begin_array(false);
        array_item();
        number(node);
        array_item();
        number(index);
        array_item();
        number(version);
        end_array();
    }

private:
    void begin(char c, bool multi_line) {
        out_ += c;
        multi_.push_back(multi_line);
        counts_.push_back(0);
    }
    void end(char c) {
        const bool newline = multi_.back();
        const std::size_t n = counts_.back();
        multi_.pop_back();
        counts_.pop_back();
        if (newline && n != 0) separator();
        out_ += c;
    }
    void separator() {
        if (multi_.empty() || multi_.back()) {
            out_ += '\n';
            out_.append(multi_.size() * 2, ' ');
        }
    }

    std::string& out_;
    std::vector<bool> multi_;
    std::vector<std::size_t> counts_;
};

/// A name as messages quote it: long names are cut so a hostile file cannot flood the message.
inline std::string json_short(std::string_view s) {
    if (s.size() <= 60) return std::string(s);
    return std::string(s.substr(0, 57)) + "...";
}

/// "node 3 ('fc1')": how messages name a node of the file.
inline std::string json_node_desc(std::size_t i, std::string_view name) {
    return "node " + std::to_string(i) + " ('" + json_short(name) + "')";
}

/// Throws symflow::error with the load_json prefix.
[[noreturn]] inline void json_fail(const std::string& msg) { throw error("load_json: " + msg); }

/// "a string", "an array", "the number -1": what a JSON value is, for messages.
inline std::string json_what(const nlohmann::json& v) {
    if (v.is_number()) return "the number " + json_short(v.dump());
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return "null";
}

/// A JSON number that must be an integer in [0, 2^32), as DMLC reads uint32 fields.
inline std::uint32_t json_uint32(const nlohmann::json& v, const std::string& what) {
    if (v.is_number_unsigned()) {
        const auto x = v.get<std::uint64_t>();
        if (x <= 0xffffffffu) return static_cast<std::uint32_t>(x);
    }
    json_fail(what + " must be a non-negative integer below 2^32, got " + json_what(v));
}

/// A JSON number that must be an integer in the range of MXNet's `int`.
inline long long json_int32(const nlohmann::json& v, const std::string& what) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= 0x7fffffffu)
        return static_cast<long long>(v.get<std::uint64_t>());
    if (v.is_number_integer() && !v.is_number_unsigned()) {
        const auto x = v.get<std::int64_t>();
        if (x >= -2147483647LL - 1) return x;
    }
    json_fail(what + " must be an integer in the range of a 32-bit int, got " + json_what(v));
}

/// An input or head entry as the file gives it.
struct json_entry {
    std::uint32_t node = 0;
    std::uint32_t index = 0;
    std::uint32_t version = 0;
};

/// `[node, index]` or `[node, index, version]` (JSONNode::Entry::Load).
inline json_entry json_read_entry(const nlohmann::json& v, const std::string& what) {
    if (!v.is_array() || (v.size() != 2 && v.size() != 3))
        json_fail(what + " must be [node, index] or [node, index, version], got " +
                  (v.is_array() ? "an array of " + std::to_string(v.size()) + " items" : json_what(v)));
    json_entry e;
    e.node = json_uint32(v[0], what + ": the node id");
    e.index = json_uint32(v[1], what + ": the output index");
    if (v.size() == 3) e.version = json_uint32(v[2], what + ": the version");
    return e;
}

/// Merges a node's `attrs`/`attr`/`param` object into `into`; every value must be a string.
inline void json_read_attrs(const nlohmann::json& v, const std::string& where, const char* key, attr_map& into,
                            bool overwrite) {
    if (!v.is_object()) json_fail(where + ": \"" + key + "\" must be an object of strings, got " + json_what(v));
    for (auto it = v.begin(); it != v.end(); ++it) {
        if (!it.value().is_string())
            json_fail(where + ": \"" + key + "\" value of \"" + json_short(it.key()) +
                      "\" must be a string (MXNet stores every attribute as a string), got " + json_what(it.value()));
        if (overwrite) into[it.key()] = it.value().get<std::string>();
        else into.emplace(it.key(), it.value().get<std::string>());
    }
}

/// One pass over the text before nlohmann parses it: refuses nesting deeper than
/// json_max_depth (counted outside strings; nlohmann's parser callback could do it but
/// makes parsing quadratic in the length of an array), and, since DMLC's writer leaves
/// control characters raw inside strings and its reader takes them back while nlohmann
/// does not, escapes those as \u00XX into `out`. Returns false (and leaves `out` alone)
/// when nothing needed escaping.
inline bool json_prescan(std::string_view t, std::string& out) {
    bool in_string = false, escaped = false, any = false;
    int depth = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                if (!any) {
                    out.assign(t.substr(0, i));
                    any = true;
                }
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
                continue;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > json_max_depth)
                json_fail("the JSON nests deeper than " + std::to_string(json_max_depth) +
                          " levels; MXNet's symbol format needs 5");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
        if (any) out += c;
    }
    return any;
}

/// MXNet's kHiddenKeys: attributes MXNet keeps as `__key__`.
inline constexpr std::string_view json_hidden_keys[] = {"ctx_group",       "lr_mult",      "wd_mult",
                                                        "force_mirroring", "mirror_stage", "profiler_scope"};

/// MXNet's DefaultVarName: `<node>_<input>`, or just the input name for an unnamed node.
inline std::string json_default_var_name(const std::string& node, const std::string& input) {
    return node.empty() ? input : node + '_' + input;
}

/// Upgrade UpgradeJSON_FixParsing (files older than 1.9.1): a hidden key (`lr_mult`) becomes
/// `__lr_mult__`; an op's `<input>_lr_mult` moves onto that input's variable as `__lr_mult__`.
/// Rule for rule as MXNet does it, quirks included (the key test uses rfind).
inline void json_upgrade_hidden_keys(Node& n) {
    std::vector<std::pair<std::string, std::string>> hidden;
    for (auto it = n.attrs.begin(); it != n.attrs.end();) {
        bool erase = false;
        for (auto key : json_hidden_keys) {
            const auto pos = it->first.rfind(key);
            if (pos == 0 || (pos != std::string::npos && pos == it->first.size() - key.size())) {
                hidden.emplace_back(*it);
                erase = true;
                break;
            }
        }
        if (erase) it = n.attrs.erase(it);
        else ++it;
    }
    for (const auto& [k, v] : hidden) {
        bool moved = false;
        for (auto key : json_hidden_keys) {
            const auto pos = k.rfind(key);
            const std::string hidden_form = "__" + std::string(key) + "__";
            if (pos == 0 && key.size() == k.size()) {
                n.attrs[hidden_form] = v;
                moved = true;
                break;
            }
            if (pos != std::string::npos && pos > 1 && pos == k.size() - key.size()) {
                // `<input>_<key>` on an op: onto that input when it is a variable.
                if (n.is_variable() || !n.op->known) break;  // unknown op: no FListInputNames
                const auto names = n.op->input_names(n.attrs);
                const auto input = k.substr(0, pos - 1);
                const auto f = std::find(names.begin(), names.end(), input);
                if (f != names.end()) {
                    const auto idx = static_cast<std::size_t>(f - names.begin());
                    if (idx < n.inputs.size() && n.inputs[idx].node && n.inputs[idx].node->is_variable()) {
                        n.inputs[idx].node->attrs[hidden_form] = v;
                        moved = true;
                    }
                }
                break;
            }
        }
        if (!moved) n.attrs[k] = v;
    }
}

/// Upgrade UpgradeJSON_000800_000900 (files before 0.9.0): add the input variables old
/// files omitted (BatchNorm's moving_mean/moving_var), named `<node>_<input>`, carrying a
/// copy of the op node's attributes, as MXNet does; their entries have version 0, as
/// Symbol::CreateVariable gives them.
inline void json_upgrade_add_missing_inputs(Node& n, std::size_t node_id) {
    if (n.is_variable() || !n.op->known) return;  // MXNet needs FListInputNames
    const auto names = n.op->input_names(n.attrs);
    if (n.inputs.size() >= names.size()) return;
    if (names.size() - n.inputs.size() > json_max_added_inputs)
        json_fail(json_node_desc(node_id, n.name) + " (op " + n.op->name + ") has " + std::to_string(n.inputs.size()) +
                  " of " + std::to_string(names.size()) + " inputs; the pre-0.9 upgrade would create " +
                  std::to_string(names.size() - n.inputs.size()) + " variables");
    for (std::size_t i = n.inputs.size(); i < names.size(); ++i)
        n.inputs.push_back(NodeEntry{make_node(nullptr, json_default_var_name(n.name, names[i]), n.attrs, {}), 0, 0});
}

/// Upgrade UpgradeJSON_000903_000904 (files before 0.9.4): the `__init__` that ops'
/// FSetInputVarAttrOnCompose give their input variables, when the variable has none.
inline void json_upgrade_input_init(Node& n) {
    if (n.is_variable()) return;
    struct rule {
        std::string_view op;
        std::size_t index;
        std::string_view init;
    };
    static constexpr rule rules[] = {
        {"BatchNorm", 3, "[\"zero\", {}]"},
        {"BatchNorm", 4, "[\"one\", {}]"},
        {"BatchNorm_v1", 3, "[\"zero\", {}]"},
        {"BatchNorm_v1", 4, "[\"one\", {}]"},
        {"_contrib_SyncBatchNorm", 3, "[\"zero\", {}]"},
        {"_contrib_SyncBatchNorm", 4, "[\"one\", {}]"},
        {"LeakyReLU", 1, "[\"Constant\", {\"value\": 0.25}]"},
        {"UpSampling", 1, "[\"bilinear\", {}]"},
        {"IdentityAttachKLSparseReg", 1, "[\"zero\", {}]"},
    };
    for (const auto& r : rules) {
        if (n.op->name != r.op || r.index >= n.inputs.size()) continue;
        auto& var = n.inputs[r.index].node;
        if (var && var->is_variable() && var->attrs.find("__init__") == var->attrs.end())
            var->attrs["__init__"] = std::string(r.init);
    }
}

/// Upgrade UpgradeJSON_000904_000905 (files before 0.9.5): argmax/argmin lose `axis=-1`.
inline void json_upgrade_argmax_axis(Node& n) {
    if (n.is_variable() || (n.op->name != "argmax" && n.op->name != "argmin")) return;
    auto it = n.attrs.find("axis");
    if (it != n.attrs.end() && it->second == "-1") n.attrs.erase(it);
}

/// MXNet's LoadLegacyJSON: the upgraders whose version is newer than the file's, in
/// MXNet's list order, each over the graph in post-order.
inline void json_upgrade(const std::vector<NodeEntry>& heads, long long version,
                         const std::unordered_map<const Node*, std::size_t>& file_ids) {
    auto post_order = [&] {
        std::vector<std::shared_ptr<Node>> order;
        dfs_visit(heads, [&](const std::shared_ptr<Node>& n) { order.push_back(n); });
        return order;
    };
    auto id_of = [&](const Node* n) {
        auto it = file_ids.find(n);
        return it == file_ids.end() ? std::size_t{0} : it->second;
    };
    if (version < mxnet_json_version)
        for (const auto& n : post_order()) json_upgrade_hidden_keys(*n);
    // UpgradeJSON_Parse (version < 100.0.0) only re-parses attributes: nothing to do here.
    if (version < 900)
        for (const auto& n : post_order()) json_upgrade_add_missing_inputs(*n, id_of(n.get()));
    if (version < 904)
        for (const auto& n : post_order()) json_upgrade_input_init(*n);
    if (version < 905)
        for (const auto& n : post_order()) json_upgrade_argmax_axis(*n);
}

} // namespace detail

/// MXNet 1.9.1's text for this graph: SaveJSON's node order and keys, DMLC's layout.
inline std::string Symbol::tojson() const {
    std::vector<const Node*> order;
    std::unordered_map<const Node*, std::uint32_t> index;
    for (const auto& h : outputs_)
        if (!h.node) throw error("tojson: the symbol has an empty output entry");
    dfs_visit(outputs_, [&](const std::shared_ptr<Node>& n) {
        index.emplace(n.get(), static_cast<std::uint32_t>(order.size()));
        order.push_back(n.get());
    });
    auto id = [&](const NodeEntry& e, const Node& user) -> std::uint64_t {
        auto it = e.node ? index.find(e.node.get()) : index.end();
        if (it == index.end()) throw error("tojson: node '" + user.name + "' has an empty input entry");
        return it->second;
    };

    std::string out;
    detail::dmlc_json_writer w(out);
    w.begin_object(true);

    w.key("nodes");
    w.begin_array(true);  // JSONNode is not POD: always one per line
    for (const Node* n : order) {
        w.array_item();
        w.begin_object(true);
        w.key("op");
        w.string(n->op_name());
        w.key("name");
        w.string(n->name);
        if (!n->attrs.empty()) {
            w.key("attrs");
            w.begin_object(n->attrs.size() > 1);
            for (const auto& [k, v] : n->attrs) {
                w.key(k);
                w.string(v);
            }
            w.end_object();
        }
        w.key("inputs");
        w.begin_array(n->inputs.size() > 10);
        for (const auto& e : n->inputs) {
            w.array_item();
            w.entry(id(e, *n), e.index, e.version);
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();

    std::vector<std::uint32_t> arg_nodes;
    for (std::uint32_t i = 0; i < order.size(); ++i)
        if (order[i]->is_variable()) arg_nodes.push_back(i);
    w.key("arg_nodes");
    w.begin_array(arg_nodes.size() > 10);
    for (auto a : arg_nodes) {
        w.array_item();
        w.number(a);
    }
    w.end_array();

    w.key("node_row_ptr");
    w.begin_array(order.size() + 1 > 10);
    std::uint64_t row = 0;
    w.array_item();
    w.number(row);
    for (const Node* n : order) {
        row += n->num_outputs();
        w.array_item();
        w.number(row);
    }
    w.end_array();

    w.key("heads");
    w.begin_array(outputs_.size() > 10);
    for (const auto& h : outputs_) {
        w.array_item();
        w.entry(index.at(h.node.get()), h.index, h.version);
    }
    w.end_array();

    w.key("attrs");
    w.begin_object(false);  // one entry: inline
    w.key("mxnet_version");
    w.begin_array(false);  // dmlc::any: ["int", value]
    w.array_item();
    w.string("int");
    w.array_item();
    w.number(static_cast<std::uint64_t>(detail::mxnet_json_version));
    w.end_array();
    w.end_object();

    w.end_object();
    return out;
}

/// Writes tojson() to `path`; throws symflow::error if the file cannot be written.
inline void Symbol::save(const std::string& path) const {
    const std::string text = tojson();
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw error("save: cannot open '" + path + "' for writing");
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) throw error("save: writing '" + path + "' failed");
}

/// The symbol in MXNet's JSON text (any version MXNet reads: `attrs`, legacy `attr` and
/// `param`, 2- or 3-element inputs, no node_row_ptr or mxnet_version), upgraded as MXNet's
/// loader upgrades old files. Ops symflow does not know load as listed-only nodes. Throws
/// symflow::error naming the node and key on malformed input.
inline Symbol load_json(std::string_view text) {
    using nlohmann::json;
    using detail::json_fail;

    std::string escaped;
    if (detail::json_prescan(text, escaped)) text = escaped;

    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        json_fail(std::string("not valid JSON: ") + e.what());
    }

    // --- the graph object (JSONGraph::Load) ---
    if (!root.is_object()) json_fail("the text must be a JSON object, got " + detail::json_what(root));
    for (auto it = root.begin(); it != root.end(); ++it) {
        const auto& k = it.key();
        if (k != "nodes" && k != "arg_nodes" && k != "node_row_ptr" && k != "heads" && k != "attrs")
            json_fail("unknown key \"" + detail::json_short(k) +
                      "\" at the top level; MXNet's reader accepts nodes, arg_nodes, node_row_ptr, heads, attrs");
    }
    for (const char* k : {"nodes", "arg_nodes", "heads"})
        if (!root.contains(k)) json_fail(std::string("missing key \"") + k + "\"");
    const json& jnodes = root["nodes"];
    if (!jnodes.is_array()) json_fail("\"nodes\" must be an array, got " + detail::json_what(jnodes));
    if (jnodes.empty()) json_fail("\"nodes\" is empty: a symbol has at least one node");
    const std::size_t n_nodes = jnodes.size();

    long long version = 800;  // no mxnet_version: MXNet takes the file as v0.8.0
    if (auto it = root.find("attrs"); it != root.end()) {
        if (!it->is_object()) json_fail("the graph \"attrs\" must be an object, got " + detail::json_what(*it));
        for (auto a = it->begin(); a != it->end(); ++a) {
            const json& v = a.value();
            if (!v.is_array() || v.size() != 2 || !v[0].is_string())
                json_fail("graph attribute \"" + detail::json_short(a.key()) +
                          "\" must be [\"type\", value] as MXNet writes it, got " + detail::json_what(v));
            if (a.key() == "mxnet_version") {
                if (v[0].get<std::string>() != "int")
                    json_fail("graph attribute \"mxnet_version\" must be [\"int\", version]");
                version = detail::json_int32(v[1], "graph attribute \"mxnet_version\"");
            }
        }
    }

    std::vector<std::uint32_t> row_ptr;
    if (auto it = root.find("node_row_ptr"); it != root.end()) {
        if (!it->is_array()) json_fail("\"node_row_ptr\" must be an array, got " + detail::json_what(*it));
        if (it->size() != n_nodes + 1)
            json_fail("\"node_row_ptr\" has " + std::to_string(it->size()) + " entries; " + std::to_string(n_nodes) +
                      " nodes need " + std::to_string(n_nodes + 1));
        row_ptr.reserve(it->size());
        for (std::size_t i = 0; i < it->size(); ++i) {
            row_ptr.push_back(detail::json_uint32((*it)[i], "\"node_row_ptr\" entry " + std::to_string(i)));
            if (i == 0 && row_ptr[0] != 0) json_fail("\"node_row_ptr\" must start with 0");
            if (i > 0 && row_ptr[i] < row_ptr[i - 1])
                json_fail("\"node_row_ptr\" decreases at entry " + std::to_string(i));
        }
    }

    // --- the nodes (JSONNode::Load), each connected to earlier nodes only ---
    std::vector<std::shared_ptr<Node>> nodes;
    nodes.reserve(n_nodes);
    std::unordered_map<const Node*, std::size_t> file_ids;
    for (std::size_t i = 0; i < n_nodes; ++i) {
        const json& jn = jnodes[i];
        std::string where = "node " + std::to_string(i);
        if (!jn.is_object()) json_fail(where + " must be an object, got " + detail::json_what(jn));
        auto name_it = jn.find("name");
        if (name_it == jn.end()) json_fail(where + ": missing key \"name\"");
        if (!name_it->is_string()) json_fail(where + ": \"name\" must be a string, got " + detail::json_what(*name_it));
        std::string name = name_it->get<std::string>();
        where = detail::json_node_desc(i, name);

        for (auto it = jn.begin(); it != jn.end(); ++it) {
            const auto& k = it.key();
            if (k != "op" && k != "name" && k != "inputs" && k != "attrs" && k != "attr" && k != "param" &&
                k != "control_deps" && k != "subgraphs" && k != "backward_source_id")
                json_fail(where + ": unknown key \"" + detail::json_short(k) +
                          "\"; MXNet's reader accepts op, name, inputs, attrs, attr, param, control_deps, subgraphs, "
                          "backward_source_id");
        }
        auto op_it = jn.find("op");
        if (op_it == jn.end()) json_fail(where + ": missing key \"op\"");
        if (!op_it->is_string()) json_fail(where + ": \"op\" must be a string, got " + detail::json_what(*op_it));
        const std::string op_name = op_it->get<std::string>();
        if (op_name.empty()) json_fail(where + ": \"op\" is empty (variables are \"null\")");
        auto in_it = jn.find("inputs");
        if (in_it == jn.end()) json_fail(where + ": missing key \"inputs\"");
        if (!in_it->is_array()) json_fail(where + ": \"inputs\" must be an array, got " + detail::json_what(*in_it));
        for (const char* k : {"control_deps", "subgraphs"})
            if (auto it = jn.find(k); it != jn.end()) {
                if (!it->is_array())
                    json_fail(where + ": \"" + k + "\" must be an array, got " + detail::json_what(*it));
                if (!it->empty())
                    json_fail(where + " has " + k + (k[0] == 's' ? " (a control-flow op)" : "") +
                              ", which symflow does not support");
            }
        if (auto it = jn.find("backward_source_id"); it != jn.end())
            detail::json_int32(*it, where + ": \"backward_source_id\"");  // read and dropped, as MXNet does

        attr_map attrs;
        // `attr` (0.9) and `attrs` (1.x) fill the same dictionary; `param` (0.8) adds to it.
        if (auto it = jn.find("attr"); it != jn.end()) detail::json_read_attrs(*it, where, "attr", attrs, true);
        if (auto it = jn.find("attrs"); it != jn.end()) detail::json_read_attrs(*it, where, "attrs", attrs, true);
        if (auto it = jn.find("param"); it != jn.end()) detail::json_read_attrs(*it, where, "param", attrs, false);

        const op_info* op = nullptr;
        if (op_name != "null") {
            op = find_op(op_name);
            if (!op) op = &detail::unknown_op(op_name);
        } else if (!in_it->empty()) {
            json_fail(where + " is a variable (op \"null\") but has inputs");
        }

        std::vector<NodeEntry> inputs;
        inputs.reserve(in_it->size());
        for (std::size_t k = 0; k < in_it->size(); ++k) {
            const std::string what = where + " input " + std::to_string(k);
            const auto e = detail::json_read_entry((*in_it)[k], what);
            if (e.node >= n_nodes)
                json_fail(what + " refers to node " + std::to_string(e.node) + ", which does not exist (the file has " +
                          std::to_string(n_nodes) + " nodes)");
            if (e.node >= i)
                json_fail(what + " refers to node " + std::to_string(e.node) +
                          ", which does not come before it (a cycle or a forward reference)");
            const Node& src = *nodes[e.node];
            if (e.index >= src.num_outputs())
                json_fail(what + " uses output " + std::to_string(e.index) + " of " +
                          detail::json_node_desc(e.node, src.name) + ", which has " +
                          std::to_string(src.num_outputs()) + (src.num_outputs() == 1 ? " output" : " outputs"));
            inputs.push_back(NodeEntry{nodes[e.node], e.index, e.version});
        }

        auto node = make_node(op, std::move(name), std::move(attrs), std::move(inputs));
        if (op && !op->known) {
            // An op symflow has not heard of: its output count is what the file says.
            std::uint64_t count = 1;
            if (!row_ptr.empty()) count = std::uint64_t{row_ptr[i + 1]} - row_ptr[i];
            if (count > detail::json_max_unknown_outputs)
                json_fail(where + " (unknown op " + detail::json_short(op_name) + ") has " + std::to_string(count) +
                          " outputs in \"node_row_ptr\"; at most " +
                          std::to_string(detail::json_max_unknown_outputs) + " are accepted");
            node->outputs = static_cast<std::uint32_t>(std::max<std::uint64_t>(count, 1));
        }
        file_ids.emplace(node.get(), i);
        nodes.push_back(std::move(node));
    }

    // --- arg_nodes: checked, as MXNet checks them, then unused (the graph says it all) ---
    const json& jargs = root["arg_nodes"];
    if (!jargs.is_array()) json_fail("\"arg_nodes\" must be an array, got " + detail::json_what(jargs));
    for (std::size_t k = 0; k < jargs.size(); ++k) {
        const std::string what = "\"arg_nodes\" entry " + std::to_string(k);
        const auto id = detail::json_uint32(jargs[k], what);
        if (id >= n_nodes)
            json_fail(what + " refers to node " + std::to_string(id) + ", which does not exist (the file has " +
                      std::to_string(n_nodes) + " nodes)");
        if (!nodes[id]->is_variable())
            json_fail(what + " is " + detail::json_node_desc(id, nodes[id]->name) + ", which is not a variable (op " +
                      std::string(nodes[id]->op_name()) + ")");
    }

    // --- heads ---
    const json& jheads = root["heads"];
    if (!jheads.is_array()) json_fail("\"heads\" must be an array, got " + detail::json_what(jheads));
    if (jheads.empty()) json_fail("\"heads\" is empty: the symbol has no outputs");
    std::vector<NodeEntry> heads;
    heads.reserve(jheads.size());
    for (std::size_t k = 0; k < jheads.size(); ++k) {
        const std::string what = "\"heads\" entry " + std::to_string(k);
        const auto e = detail::json_read_entry(jheads[k], what);
        if (e.node >= n_nodes)
            json_fail(what + " refers to node " + std::to_string(e.node) + ", which does not exist (the file has " +
                      std::to_string(n_nodes) + " nodes)");
        const Node& src = *nodes[e.node];
        if (e.index >= src.num_outputs())
            json_fail(what + " uses output " + std::to_string(e.index) + " of " +
                      detail::json_node_desc(e.node, src.name) + ", which has " + std::to_string(src.num_outputs()) +
                      (src.num_outputs() == 1 ? " output" : " outputs"));
        heads.push_back(NodeEntry{nodes[e.node], e.index, e.version});
    }

    detail::json_upgrade(heads, version, file_ids);
    return Symbol(std::move(heads));
}

/// The symbol saved in the file at `path` (MXNet's mx.sym.load); see load_json.
inline Symbol load(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw error("load: '" + path + "' is a directory");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw error("load: cannot open '" + path + "'");
    std::string text{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    if (f.bad()) throw error("load: reading '" + path + "' failed");
    try {
        return load_json(text);
    } catch (const error& e) {
        throw error(std::string(e.what()) + " (file '" + path + "')");
    }
}

} // namespace symflow::sym
