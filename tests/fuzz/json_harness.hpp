#pragma once
// Harness for sym::load_json: the input is the JSON text. A symbol that loads goes
// through check_symbol (listing, printing, the tojson round trip, inference and, when
// small, bind + forward) with the argument shapes the file declares (`__shape__`) plus
// one chosen by the fuzz bytes, and element values taken from the last bytes of the text.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symbol_checks.hpp"

namespace symflow_fuzz {

/// One fuzz input through load_json.
inline void fuzz_load_json(std::span<const std::uint8_t> data) {
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    std::optional<symflow::sym::Symbol> s;
    try {
        s = symflow::sym::load_json(text);
    } catch (const symflow::error&) {
        return;
    }
    ++stats().accepted;
    // Inference starts from the `__shape__` attributes in the file, which the fuzzer
    // mutates like any other text. Files written by MXNet rarely carry them, so the first
    // argument without one (the `data` of a network, from which FullyConnected and the
    // elementwise ops infer their weights) gets a shape chosen by the input's last bytes.
    // Those bytes then give the element values (0 once they run out).
    byte_reader values(data.last(std::min<std::size_t>(data.size(), 64)));
    std::map<std::string, symflow::Shape> shapes;
    const auto attrs = s->attr_dict();
    for (const auto& a : s->list_arguments()) {
        auto it = attrs.find(a);
        if (it != attrs.end() && it->second.count("__shape__")) continue;
        std::vector<symflow::Shape::dim_t> dims(1 + values.pick(3));
        for (auto& d : dims) d = static_cast<symflow::Shape::dim_t>(1 + values.pick(4));
        shapes.emplace(a, symflow::Shape(std::move(dims)));
        break;
    }
    check_symbol(*s, shapes, {}, values);
}

} // namespace symflow_fuzz
