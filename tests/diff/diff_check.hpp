// Differential testing, part 4: running one generated graph three ways and comparing.
//
// For a seed: the runtime interpreter's result and (when the static twin was compiled in)
// the static executor's result are each checked against the reference's bounds
// (reference.hpp), and the static and runtime graphs must have the same tojson(). On a
// mismatch the report names the seed, prints the graph and the first mismatching element,
// and finds the first node whose runtime value leaves the reference's bound (the op the
// mismatch is tallied under).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <sstream>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>

#include "graph_gen.hpp"
#include "reference.hpp"
#include "runtime_build.hpp"
#include "static_registry.hpp"

namespace difftest {

/// The outcome of one seed.
struct outcome {
    bool ok = true;
    std::string report;         ///< on failure: seed, graph, first mismatch
    std::string culprit;        ///< "op dtype" of the first node that leaves its bound
    std::size_t elements = 0;   ///< output elements
    std::size_t known = 0;      ///< of them, known to the reference (compared)
    std::size_t static_runtime_equal = 0;  ///< elements where static and runtime agree bitwise
    bool had_static = false;
};

/// The input arrays of g, by variable name, drawn from the seed (independently of the
/// graph's draws, so that they do not change when the generator's choices do).
/// Floats: half the arrays multiples of 1/8 in [-3, 3] (exact sums, ties for the
/// comparisons), the others uniform in [-3, 3). Integers: [-9, 9], with a few values
/// anywhere in the type's range (wrapping arithmetic).
inline std::map<std::string, sf::nd::NDArray> make_inputs(const graph& g) {
    std::map<std::string, sf::nd::NDArray> m;
    for (const node& n : g.nodes) {
        if (n.op != "var") continue;
        std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the name: std::hash is not portable
        for (char c : n.name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        rng r(g.seed * 0x9E3779B97F4A7C15ULL + h);
        const bool grid = r.chance(0.5);
        const auto count = static_cast<std::size_t>(numel(n.shape));
        sf::Shape shape(std::vector<sf::Shape::dim_t>(n.shape.begin(), n.shape.end()));
        sf::nd::NDArray a = sf::nd::zeros(shape, n.dt);
        auto fill = [&]<class T>(std::span<T> d) {
            for (std::size_t k = 0; k < count; ++k) {
                if constexpr (std::is_floating_point_v<T>)
                    d[k] = static_cast<T>(grid ? static_cast<double>(r.range(-24, 24)) / 8.0 : -3.0 + 6.0 * r.unit());
                else if (r.chance(0.03))
                    d[k] = static_cast<T>(r.next());  // anywhere in the type's range (modular conversion)
                else d[k] = static_cast<T>(r.range(-9, 9));
            }
        };
        switch (n.dt) {
        case sf::float32: fill(a.data<float>()); break;
        case sf::float64: fill(a.data<double>()); break;
        case sf::int32: fill(a.data<std::int32_t>()); break;
        case sf::int64: fill(a.data<std::int64_t>()); break;
        }
        m.emplace(n.name, a);
    }
    return m;
}

namespace check_detail {

/// Element k of a as double (exact for every dtype but int64 beyond 2^53).
inline double value_at(const sf::nd::NDArray& a, std::size_t k) {
    switch (a.dtype()) {
    case sf::float32: return a.data<float>()[k];
    case sf::float64: return a.data<double>()[k];
    case sf::int32: return a.data<std::int32_t>()[k];
    case sf::int64: return static_cast<double>(a.data<std::int64_t>()[k]);
    }
    return 0;
}

/// True when element k of `got` lies within the reference's bound.
inline bool within(const sf::nd::NDArray& got, const ref_value& ref, std::size_t k) {
    if (!ref.known(k)) return true;
    if (!is_float(ref.dt)) {
        return ref.dt == sf::int32 ? got.data<std::int32_t>()[k] == ref.i[k] : got.data<std::int64_t>()[k] == ref.i[k];
    }
    const double g = value_at(got, k);
    if (g != g) return false;
    if (ref.e[k] == 0) return g == ref.v[k];
    return std::fabs(g - ref.v[k]) <= ref.e[k] * (1 + 1e-9);
}

/// The first element outside the bound, or size() when none.
inline std::size_t first_mismatch(const sf::nd::NDArray& got, const ref_value& ref) {
    for (std::size_t k = 0; k < ref.size(); ++k)
        if (!within(got, ref, k)) return k;
    return ref.size();
}

/// "element 5 (1, 2): got 3.25, reference 3.5 +- 1e-06".
inline std::string show_element(const sf::nd::NDArray& got, const ref_value& ref, std::size_t k) {
    std::ostringstream os;
    os.precision(17);
    os << "element " << k << " " << dims_str(ref_detail::unravel(static_cast<long long>(k), ref.shape)) << ": got ";
    if (got.dtype() == sf::int64) os << got.data<std::int64_t>()[k];
    else os << value_at(got, k);
    os << ", reference ";
    if (is_float(ref.dt)) os << ref.v[k] << " +- " << ref.e[k];
    else os << ref.i[k];
    return os.str();
}

/// Binds s to the inputs it reads and runs forward() once.
inline sf::nd::NDArray run_symbol(const sf::sym::Symbol& s, const arrays& in) {
    arrays m;
    for (const auto& name : s.list_arguments()) m.emplace(name, in.at(name));
    auto ex = s.bind(sf::cpu(), m);
    return ex.forward()[0].copy();
}

/// The first node whose runtime value leaves the reference's bound while its inputs are
/// within theirs: where a mismatch starts. Runs the runtime interpreter on every prefix.
inline std::string culprit(const graph& g, const reference& ref, const arrays& in) {
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        if (g.nodes[i].op == "var") continue;
        graph p;
        p.seed = g.seed;
        p.nodes.assign(g.nodes.begin(), g.nodes.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        sf::sym::NameManager scope;
        const auto got = run_symbol(build_runtime(p), in);
        const auto& want = ref.at(i);
        if (got.shape() != sf::Shape(std::vector<sf::Shape::dim_t>(want.shape.begin(), want.shape.end())) ||
            got.dtype() != want.dt || first_mismatch(got, want) < want.size())
            return g.nodes[i].op + " " + std::string(sf::dtype_name(g.nodes[i].dt)) + " (n" + std::to_string(i) + ")";
    }
    return "(no single node: only the static executor differs)";
}

} // namespace check_detail

/// Runs seed's graph through the runtime interpreter, the reference and, if `st` is given,
/// the static twin; compares them. Never throws for a library error: an exception from
/// bind or forward is a failure of the seed.
inline outcome check_seed(std::uint64_t seed, const static_case* st = nullptr) {
    using namespace check_detail;
    outcome res;
    const graph g = generate(seed);
    std::ostringstream rep;
    auto fail = [&](const std::string& what) {
        res.ok = false;
        rep << what << "\n";
    };
    try {
        const arrays in = make_inputs(g);
        const reference ref(g, in);
        const ref_value& want = ref.out();
        std::string json_r;
        sf::nd::NDArray got_r;
        {
            sf::sym::NameManager scope;
            const sf::sym::Symbol s = build_runtime(g);
            json_r = s.tojson();
            got_r = run_symbol(s, in);
        }
        res.elements = want.size();
        for (std::size_t k = 0; k < want.size(); ++k) res.known += want.known(k);
        const sf::Shape want_shape(std::vector<sf::Shape::dim_t>(want.shape.begin(), want.shape.end()));
        if (got_r.shape() != want_shape || got_r.dtype() != want.dt) {
            std::ostringstream os;
            os << "runtime output is " << got_r.shape() << " " << sf::dtype_name(got_r.dtype()) << ", expected "
               << want_shape << " " << sf::dtype_name(want.dt);
            fail(os.str());
        } else if (auto k = first_mismatch(got_r, want); k < want.size()) {
            fail("runtime interpreter vs reference: " + show_element(got_r, want, k));
        }
        if (st) {
            res.had_static = true;
            if (st->text_hash != text_hash(to_cpp(g)))
                fail("the compiled static twin is stale: regenerate (gen_static) for this generator");
            std::string json_s;
            const auto out_s = st->run(in, json_s);
            const sf::nd::NDArray& got_s = out_s.at(0);
            if (json_s != json_r) fail("static and runtime tojson() differ:\nstatic:\n" + json_s + "\nruntime:\n" + json_r);
            if (got_s.shape() != want_shape || got_s.dtype() != want.dt) {
                fail("static output has the wrong shape or dtype");
            } else {
                if (auto k = first_mismatch(got_s, want); k < want.size())
                    fail("static executor vs reference: " + show_element(got_s, want, k));
                if (got_r.shape() == got_s.shape() && got_r.dtype() == got_s.dtype())
                    for (std::size_t k = 0; k < want.size(); ++k) {
                        const double a = value_at(got_s, k), b = value_at(got_r, k);
                        res.static_runtime_equal += (a == b) || (a != a && b != b);
                    }
            }
        }
        if (!res.ok) res.culprit = culprit(g, ref, in);
    } catch (const std::exception& e) {
        fail(std::string("exception: ") + e.what());
        res.culprit = "exception";
    }
    if (!res.ok) {
        rep << "culprit: " << res.culprit << "\n" << describe(g) << "static C++:\n" << to_cpp(g);
        res.report = rep.str();
    }
    return res;
}

} // namespace difftest
