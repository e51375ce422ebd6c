#pragma once
// Model checkpoints as MXNet's mx.model.save_checkpoint and load_checkpoint write and
// read them: the graph in `<prefix>-symbol.json` (MXNet's JSON) and the parameters in
// `<prefix>-<epoch as %04d>.params`, an mx.nd.save dict whose keys are `arg:<name>` for
// arguments and `aux:<name>` for auxiliary states.
#include <map>
#include <string>
#include <utility>

#include "../core/error.hpp"
#include "../nd/io.hpp"
#include "../nd/ndarray.hpp"
#include "symbol.hpp"
#include "json.hpp"

namespace symflow::sym {

/// A model as a checkpoint holds it: the graph and its parameters by variable name.
struct checkpoint {
    Symbol symbol;                                  ///< the graph of `<prefix>-symbol.json`
    std::map<std::string, nd::NDArray> arg_params;  ///< the `arg:<name>` arrays, by name
    std::map<std::string, nd::NDArray> aux_params;  ///< the `aux:<name>` arrays, by name
};

namespace detail {

/// `<prefix>-symbol.json`.
inline std::string checkpoint_symbol_path(const std::string& prefix) { return prefix + "-symbol.json"; }

/// `<prefix>-%04d.params`; throws symflow::error (from `fn`) for a negative epoch.
inline std::string checkpoint_params_path(const std::string& prefix, int epoch, const char* fn) {
    if (epoch < 0)
        throw error(std::string(fn) + ": epoch " + std::to_string(epoch) + " is negative (for '" + prefix +
                    "-<epoch>.params'); epochs count from 0");
    std::string digits = std::to_string(epoch);
    if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
    return prefix + "-" + digits + ".params";
}

} // namespace detail

/// Reads `<prefix>-symbol.json` and `<prefix>-<epoch as %04d>.params` (MXNet's
/// mx.model.load_checkpoint). Throws symflow::error naming the file when one is missing or
/// malformed, when the params file is an unnamed list, or when a name is not `arg:<name>`
/// or `aux:<name>`.
inline checkpoint load_checkpoint(const std::string& prefix, int epoch) {
    const std::string params_path = detail::checkpoint_params_path(prefix, epoch, "load_checkpoint");
    const std::string symbol_path = detail::checkpoint_symbol_path(prefix);
    checkpoint r;
    try {
        r.symbol = load(symbol_path);
    } catch (const error& e) {
        throw error(std::string("load_checkpoint: ") + e.what());
    }
    nd::array_file f;
    try {
        f = nd::load(params_path);
    } catch (const error& e) {
        throw error(std::string("load_checkpoint: ") + e.what());
    }
    if (f.names.empty() && !f.arrays.empty())
        throw error("load_checkpoint: '" + params_path + "' holds an unnamed list of " + std::to_string(f.arrays.size()) +
                    " arrays; a checkpoint names each array 'arg:<name>' or 'aux:<name>'");
    if (f.names.size() != f.arrays.size())
        throw error("load_checkpoint: '" + params_path + "' has " + std::to_string(f.names.size()) + " names for " +
                    std::to_string(f.arrays.size()) + " arrays");
    for (std::size_t i = 0; i < f.names.size(); ++i) {
        const std::string& key = f.names[i];
        const auto colon = key.find(':');
        const std::string kind = colon == std::string::npos ? std::string() : key.substr(0, colon);
        if (kind != "arg" && kind != "aux")
            throw error("load_checkpoint: '" + params_path + "': array " + std::to_string(i) + " is named '" + key +
                        "'; a checkpoint names each array 'arg:<name>' or 'aux:<name>'");
        std::string name = key.substr(colon + 1);
        if (name.empty())
            throw error("load_checkpoint: '" + params_path + "': array " + std::to_string(i) + " is named '" + key +
                        "', with nothing after the colon");
        auto& into = kind == "arg" ? r.arg_params : r.aux_params;
        if (!into.emplace(std::move(name), f.arrays[i]).second)
            throw error("load_checkpoint: '" + params_path + "': the name '" + key + "' occurs more than once");
    }
    return r;
}

/// Writes `<prefix>-symbol.json` and `<prefix>-<epoch as %04d>.params` as MXNet's
/// mx.model.save_checkpoint does (parameter keys `arg:<name>` and `aux:<name>`). Throws
/// symflow::error naming the file it cannot write, or for a negative epoch.
inline void save_checkpoint(const std::string& prefix, int epoch, const Symbol& symbol,
                            const std::map<std::string, nd::NDArray>& arg_params,
                            const std::map<std::string, nd::NDArray>& aux_params) {
    const std::string params_path = detail::checkpoint_params_path(prefix, epoch, "save_checkpoint");
    std::map<std::string, nd::NDArray> all;
    for (const auto& [k, v] : arg_params) all.emplace("arg:" + k, v);
    for (const auto& [k, v] : aux_params) all.emplace("aux:" + k, v);
    try {
        symbol.save(detail::checkpoint_symbol_path(prefix));
        nd::save(params_path, all);
    } catch (const error& e) {
        throw error(std::string("save_checkpoint: ") + e.what());
    }
}

} // namespace symflow::sym
