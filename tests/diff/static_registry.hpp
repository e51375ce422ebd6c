// Differential testing: the registry of static twins. Kept apart from diff_check.hpp so
// that the generated translation units (gen_static.cpp's output) compile only the static
// expressions, not the reference and the runtime builder again.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <symflow/symflow.hpp>

namespace difftest {

namespace sf = symflow;

/// Input arrays by variable name.
using arrays = std::map<std::string, sf::nd::NDArray>;

/// A compiled static twin: builds the static expression of a seed's graph, returns its
/// tojson() through `json` and its forward() outputs for the given inputs.
using static_fn = std::vector<sf::nd::NDArray> (*)(const arrays& inputs, std::string& json);

/// A static twin and the to_cpp() text it was generated from (to detect stale code).
struct static_case {
    std::uint64_t seed;     ///< the graph's seed
    static_fn run;          ///< the compiled twin
    std::size_t text_hash;  ///< text_hash of the to_cpp() text it was compiled from
};

/// Every static twin linked into the program (the generated translation units register here).
inline std::vector<static_case>& static_registry() {
    static std::vector<static_case> r;
    return r;
}

/// Registers one static twin at static-initialisation time.
struct static_registrar {
    static_registrar(std::uint64_t seed, static_fn fn, std::size_t text_hash) {
        static_registry().push_back({seed, fn, text_hash});
    }
};

/// FNV-1a of a text: the same on every platform (gen_static embeds it in generated code).
constexpr std::size_t text_hash(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
}

} // namespace difftest
