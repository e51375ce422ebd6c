// Differential testing, part 1: a seeded generator of random symflow graphs.
//
// One seed gives one graph description (nodes {op, inputs, attributes}, each with the
// shape and dtype it produces) and the input arrays to bind. From it the differential
// test builds the graph three ways: as C++ text of a static expression (to_cpp, compiled
// into the test by gen_static.cpp), as a runtime Symbol (runtime_build.hpp) and as a
// double-precision scalar reference (reference.hpp).
//
// Everything here is platform-independent by construction: std::mt19937_64's output is
// fixed by the standard, but std's distributions are not, so values and choices are
// mapped from raw 64-bit draws by the helpers of `rng` below.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <symflow/core/dtype.hpp>  // only dtypes: gen_static, a build-time host tool, stays light

namespace difftest {

namespace sf = symflow;

/// A shape as the generator handles it (plain numbers; sf::Shape is built from it).
using dims = std::vector<long long>;

/// Elements of a shape.
inline long long numel(const dims& s) {
    long long n = 1;
    for (long long d : s) n *= d;
    return n;
}

/// "(2, 3)" as MXNet and sf::Shape print shapes.
inline std::string dims_str(const dims& s) {
    std::string r = "(";
    for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + (s.size() == 1 ? ",)" : ")");
}

/// "{2, 3}" for C++ text.
inline std::string dims_braced(const dims& s) {
    std::string r = "{";
    for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "}";
}

/// Platform-independent random choices over std::mt19937_64's (standard-fixed) output.
class rng {
public:
    /// Seeds the engine; the same seed gives the same draws everywhere.
    explicit rng(std::uint64_t seed) : g_(seed) {}
    /// A raw 64-bit draw.
    std::uint64_t next() { return g_(); }
    /// Uniform in [0, n) by rejection (no modulo bias), n > 0.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
        std::uint64_t x;
        do x = next();
        while (x >= limit);
        return x % n;
    }
    /// Uniform integer in [lo, hi].
    long long range(long long lo, long long hi) {
        return lo + static_cast<long long>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }
    /// Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1p-53; }
    /// True with probability p.
    bool chance(double p) { return unit() < p; }
    /// One element of a non-empty list.
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

private:
    std::mt19937_64 g_;
};

/// One node of a generated graph. `op` is the generator's own op id (see op_catalog);
/// attributes live in the generic fields below, their meaning fixed per op.
struct node {
    std::string op;          ///< "var", "exp", "add", "bcast_add", "sum", ... (op_catalog)
    std::vector<int> in;     ///< input node indices (always smaller than this node's)
    sf::dtype dt = sf::float32;  ///< the dtype this node produces
    dims shape;              ///< the shape this node produces
    std::string name;        ///< variable name (var) or act_type (Activation, LeakyReLU)
    double s = 0, s2 = 0;    ///< scalars: the scalar operand, clip bounds, slope, temperature
    std::vector<long long> ints;  ///< axes, reps, reshape target, slice bounds, ...
    long long a = 0, b = 0;  ///< single integer attributes: axis, count, output index, dtype
    bool f1 = false, f2 = false;  ///< flags: keepdims, transpose_a / transpose_b, squeeze_axis
};

/// A generated graph: nodes in topological order; the last node is the output.
struct graph {
    std::uint64_t seed = 0;   ///< the seed it was generated from
    std::vector<node> nodes;  ///< inputs before their users; variables are nodes too
    int depth = 0;  ///< the depth the generator aimed at (the longest input-output path)
    /// The output node.
    const node& out() const { return nodes.back(); }
};

/// An op the generator can emit: its id, arity (-1: 2 or 3 inputs), whether it is
/// defined for integers, and how often it is picked relative to the others.
struct op_entry {
    const char* id;  ///< the generator's op id (node::op)
    int arity;       ///< inputs; -1 for a variable count
    bool ints;       ///< also generated for int32/int64 graphs
    int weight;      ///< relative frequency
};

/// Every op the generator emits, by family. Floating-only ops have ints = false.
inline const std::vector<op_entry>& op_catalog() {
    static const std::vector<op_entry> c = {
        // unary, every dtype
        {"abs", 1, true, 3}, {"sign", 1, true, 1}, {"negative", 1, true, 2}, {"square", 1, true, 2},
        {"floor", 1, true, 2}, {"ceil", 1, true, 2}, {"round", 1, true, 2}, {"rint", 1, true, 2},
        {"fix", 1, true, 1}, {"trunc", 1, true, 1}, {"relu", 1, true, 2}, {"unary_minus", 1, true, 1},
        {"zeros_like", 1, true, 1}, {"ones_like", 1, true, 1}, {"Dropout", 1, true, 1},
        {"clip", 1, true, 3},
        // unary, floating only (inputs guarded where the domain needs it)
        {"sqrt", 1, false, 2}, {"rsqrt", 1, false, 1}, {"cbrt", 1, false, 1}, {"reciprocal", 1, false, 1},
        {"exp", 1, false, 2}, {"expm1", 1, false, 1}, {"log", 1, false, 2}, {"log1p", 1, false, 1},
        {"log2", 1, false, 1}, {"log10", 1, false, 1}, {"sin", 1, false, 2}, {"cos", 1, false, 2},
        {"tan", 1, false, 1}, {"arcsin", 1, false, 1}, {"arccos", 1, false, 1}, {"arctan", 1, false, 1},
        {"sinh", 1, false, 1}, {"cosh", 1, false, 1}, {"tanh", 1, false, 3}, {"sigmoid", 1, false, 3},
        {"softsign", 1, false, 1}, {"Activation", 1, false, 2}, {"LeakyReLU", 1, false, 2},
        {"softmax", 1, false, 2}, {"log_softmax", 1, false, 2},
        // with a scalar
        {"plus_s", 1, true, 3}, {"minus_s", 1, true, 2}, {"rminus_s", 1, true, 2}, {"mul_s", 1, true, 3},
        {"div_s", 1, true, 2}, {"rdiv_s", 1, true, 1}, {"mod_s", 1, true, 1}, {"rmod_s", 1, true, 1},
        {"power_s", 1, true, 1}, {"rpower_s", 1, true, 1}, {"maximum_s", 1, true, 1}, {"minimum_s", 1, true, 1},
        {"hypot_s", 1, false, 1}, {"eq_s", 1, true, 1}, {"ne_s", 1, true, 1}, {"gt_s", 1, true, 1},
        {"ge_s", 1, true, 1}, {"lt_s", 1, true, 1}, {"le_s", 1, true, 1},
        // binary, equal shapes
        {"add", 2, true, 4}, {"sub", 2, true, 3}, {"mul", 2, true, 4}, {"div", 2, true, 2}, {"mod", 2, true, 1},
        {"power", 2, true, 1}, {"maximum", 2, true, 2}, {"minimum", 2, true, 2}, {"hypot", 2, false, 1},
        {"eq", 2, true, 1}, {"ne", 2, true, 1}, {"gt", 2, true, 1}, {"ge", 2, true, 1}, {"lt", 2, true, 1},
        {"le", 2, true, 1},
        // binary, numpy broadcasting
        {"bcast_add", 2, true, 3}, {"bcast_sub", 2, true, 2}, {"bcast_mul", 2, true, 3}, {"bcast_div", 2, true, 1},
        {"bcast_mod", 2, true, 1}, {"bcast_power", 2, true, 1}, {"bcast_maximum", 2, true, 1},
        {"bcast_minimum", 2, true, 1}, {"bcast_hypot", 2, false, 1}, {"bcast_eq", 2, true, 1},
        {"bcast_ne", 2, true, 1}, {"bcast_gt", 2, true, 1}, {"bcast_ge", 2, true, 1}, {"bcast_lt", 2, true, 1},
        {"bcast_le", 2, true, 1}, {"broadcast_to", 1, true, 2}, {"broadcast_like", 2, true, 1},
        {"where", 3, true, 2},
        // reductions
        {"sum", 1, true, 3}, {"mean", 1, true, 2}, {"prod", 1, true, 1}, {"nansum", 1, true, 1},
        {"max", 1, true, 2}, {"min", 1, true, 2}, {"norm", 1, false, 1}, {"argmax", 1, true, 1},
        {"argmin", 1, true, 1},
        // linear algebra
        {"dot", 2, true, 3}, {"batch_dot", 2, true, 1}, {"FullyConnected", -1, true, 2},
        // shape
        {"reshape", 1, true, 2}, {"transpose", 1, true, 2}, {"expand_dims", 1, true, 1}, {"squeeze", 1, true, 1},
        {"Flatten", 1, true, 1}, {"slice", 1, true, 1}, {"slice_axis", 1, true, 1}, {"tile", 1, true, 1},
        {"repeat", 1, true, 1}, {"concat", -1, true, 1}, {"stack", -1, true, 1}, {"split", 1, true, 1},
        {"Cast", 1, true, 2},
    };
    return c;
}

/// The catalog entry of op id `id` (every id the generator writes has one).
inline const op_entry* find_op(const std::string& id) {
    for (const auto& e : op_catalog())
        if (id == e.id) return &e;
    return nullptr;
}

/// True for the floating dtypes.
inline bool is_float(sf::dtype dt) { return dt == sf::float32 || dt == sf::float64; }

/// "sf::float32" for C++ text.
inline std::string dtype_cpp(sf::dtype dt) { return "sf::" + std::string(sf::dtype_name(dt)); }

/// The generator: top-down, from the output's shape and dtype to the inputs, so that every
/// op gets operands of valid shapes by construction.
class generator {
public:
    /// Largest number of nodes a graph gets (static graphs of this size compile in a few s).
    static constexpr int max_nodes = 48;
    /// Largest input or intermediate array of an ordinary graph; one graph in ten is
    /// large instead (over 32768 elements, where kernels split the work across threads).
    static constexpr long long max_elems = 600;

    /// Generates the graph of `seed`.
    explicit generator(std::uint64_t seed) : r_(seed) { g_.seed = seed; }

    /// The graph, built once.
    graph run() {
        const int depth = static_cast<int>(r_.range(1, 12));
        g_.depth = depth;
        static const std::vector<sf::dtype> dts = {sf::float32, sf::float32, sf::float32, sf::float64,
                                                   sf::float64, sf::int32, sf::int32, sf::int64};
        const sf::dtype dt = r_.pick(dts);
        dims root = random_shape();
        if (r_.chance(0.1)) {
            root = r_.chance(0.5) ? dims{r_.range(33000, 70000)} : dims{r_.range(150, 260), r_.range(150, 260)};
            limit_ = numel(root) * 4;
        } else if (r_.chance(0.04)) {
            root[r_.below(root.size())] = 0;  // empty arrays: every op must handle them
        }
        (void)make(root, dt, depth, true);
        return g_;
    }

private:
    rng r_;
    graph g_;
    long long limit_ = max_elems;  ///< the largest array this graph may have

    dims random_shape() {
        const long long nd = r_.range(1, 3);
        dims s;
        for (long long i = 0; i < nd; ++i) s.push_back(r_.range(1, nd == 1 ? 40 : nd == 2 ? 9 : 5));
        return s;
    }

    int push(node n) {
        g_.nodes.push_back(std::move(n));
        return static_cast<int>(g_.nodes.size()) - 1;
    }

    int count_vars() const {
        int k = 0;
        for (const auto& n : g_.nodes) k += n.op == "var";
        return k;
    }

    /// An input of this shape and dtype: an existing variable (so graphs share inputs) or
    /// a new one; sometimes an existing inner node, so that graphs are DAGs, not trees.
    int leaf(const dims& want, sf::dtype dt) {
        std::vector<int> same_var, same_node;
        for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
            const auto& n = g_.nodes[i];
            if (n.shape != want || n.dt != dt) continue;
            (n.op == "var" ? same_var : same_node).push_back(static_cast<int>(i));
        }
        if (!same_node.empty() && r_.chance(0.25)) return r_.pick(same_node);
        if (!same_var.empty() && r_.chance(0.5)) return r_.pick(same_var);
        node v;
        v.op = "var";
        v.name = "x" + std::to_string(count_vars());
        v.dt = dt;
        v.shape = want;
        return push(std::move(v));
    }

    int unary(const std::string& op, int x, double s = 0, double s2 = 0) {
        node n;
        n.op = op;
        n.in = {x};
        n.dt = g_.nodes[static_cast<std::size_t>(x)].dt;
        n.shape = g_.nodes[static_cast<std::size_t>(x)].shape;
        n.s = s;
        n.s2 = s2;
        return push(std::move(n));
    }

    // Domain guards: short chains that put a floating child where an op is defined and
    // well conditioned. Each returns the guard's length in nodes through `len`.
    /// > 0: |x| + c or x^2 + c.
    int guard_positive(int x) {
        const double c = r_.pick(std::vector<double>{0.25, 0.5, 1.0});
        return unary("plus_s", unary(r_.chance(0.5) ? "abs" : "square", x), c);
    }
    /// in [-b, b].
    int guard_clip(int x, double b) { return unary("clip", x, -b, b); }
    /// in [-1, 1]: tanh(x) or sin(x).
    int guard_unit(int x) { return unary(r_.chance(0.5) ? "tanh" : "sin", x); }

    /// Guard lengths per op (0: none).
    static int guard_len(const std::string& op, bool flt) {
        if (!flt) return 0;
        if (op == "sqrt" || op == "rsqrt" || op == "log" || op == "log2" || op == "log10" || op == "power_s" ||
            op == "power" || op == "bcast_power")
            return 2;
        if (op == "log1p" || op == "exp" || op == "expm1" || op == "sinh" || op == "cosh" || op == "tan" ||
            op == "arcsin" || op == "arccos" || op == "rpower_s")
            return 1;
        return 0;
    }

    /// The child of a unary floating op, with its guard.
    int guarded(const std::string& op, const dims& want, sf::dtype dt, int depth) {
        const bool flt = is_float(dt);
        const int c = make(want, dt, depth - 1 - guard_len(op, flt), true);
        if (!flt) return c;
        if (op == "sqrt" || op == "rsqrt" || op == "log" || op == "log2" || op == "log10" || op == "power_s")
            return guard_positive(c);
        if (op == "log1p") return unary("abs", c);
        if (op == "exp" || op == "expm1" || op == "sinh" || op == "cosh") return guard_clip(c, 8);
        if (op == "tan") return guard_clip(c, 1.4);
        if (op == "rpower_s") return guard_clip(c, 4);
        if (op == "arcsin" || op == "arccos") return guard_unit(c);
        return c;
    }

    /// A child that is not on the path that carries the graph's depth: shallow, often a leaf.
    int side(const dims& want, sf::dtype dt, int depth) {
        if (depth <= 0 || r_.chance(0.45) || static_cast<int>(g_.nodes.size()) >= max_nodes) return leaf(want, dt);
        return make(want, dt, static_cast<int>(r_.range(0, std::min(depth, 3))), false);
    }

    /// A node of shape `want` and dtype dt whose longest path to an input is at most
    /// `depth` (exactly depth along a spine, so that the graph reaches its target depth).
    int make(const dims& want, sf::dtype dt, int depth, bool spine) {
        if (depth <= 0 || (!spine && (r_.chance(0.3) || static_cast<int>(g_.nodes.size()) >= max_nodes)))
            return leaf(want, dt);
        for (int attempt = 0; attempt < 50; ++attempt) {
            const op_entry& e = pick_op(dt);
            int out = -1;
            if (try_op(e.id, want, dt, depth, out)) return out;
        }
        // every shape and dtype takes a unary op
        node n;
        n.op = "abs";
        n.dt = dt;
        n.shape = want;
        n.in = {make(want, dt, depth - 1, spine)};
        return push(std::move(n));
    }

    const op_entry& pick_op(sf::dtype dt) {
        int total = 0;
        for (const auto& e : op_catalog())
            if (e.ints || is_float(dt)) total += e.weight;
        auto k = static_cast<int>(r_.below(static_cast<std::uint64_t>(total)));
        for (const auto& e : op_catalog()) {
            if (!(e.ints || is_float(dt))) continue;
            if (k < e.weight) return e;
            k -= e.weight;
        }
        return op_catalog().front();
    }

    double scalar_for(const std::string& op, sf::dtype dt) {
        static const std::vector<double> any = {-3, -2.5, -1, -0.5, 0.25, 0.5, 1, 1.5, 2, 3, 4, 0};
        static const std::vector<double> nonzero = {-3, -2.5, -1, -0.5, 0.25, 0.5, 1.5, 2, 3, 4};
        if (op == "power_s") return is_float(dt) ? r_.pick(std::vector<double>{-2, -1, -0.5, 0.5, 1.5, 2, 3})
                                                 : r_.pick(std::vector<double>{0, 1, 2, 3, 5, -1});
        if (op == "rpower_s") return is_float(dt) ? r_.pick(std::vector<double>{0.5, 1.5, 2, 3})
                                                  : r_.pick(std::vector<double>{-1, 2, 3, -2});
        if (op == "div_s" || op == "mod_s") return is_float(dt) ? r_.pick(nonzero) : r_.pick(any);
        return r_.pick(any);
    }

    /// A shape whose broadcast with another gives `want`: some axes 1, maybe fewer axes.
    dims shrink(const dims& want) {
        dims s = want;
        for (auto& d : s)
            if (r_.chance(0.4)) d = 1;
        if (s.size() > 1 && r_.chance(0.25)) s.erase(s.begin(), s.begin() + r_.range(1, static_cast<long long>(s.size()) - 1));
        return s;
    }

    /// Splits n into a random shape of 1..3 dimensions.
    dims factor(long long n) {
        if (n == 0) return r_.chance(0.5) ? dims{0} : dims{r_.range(1, 3), 0};
        dims s;
        const long long nd = r_.range(1, 3);
        for (long long i = 0; i + 1 < nd; ++i) {
            std::vector<long long> divs;
            for (long long d = 1; d <= n; ++d)
                if (n % d == 0) divs.push_back(d);
            const long long d = r_.pick(divs);
            s.push_back(d);
            n /= d;
        }
        s.push_back(n);
        return s;
    }

    /// The one-input ops that keep their input's shape element by element.
    static bool elementwise_unary(const std::string& op) {
        const op_entry* e = find_op(op);
        if (e == nullptr || e->arity != 1) return false;
        static const std::vector<std::string> other = {"softmax", "log_softmax", "sum", "mean", "prod", "nansum",
                                                       "max", "min", "norm", "argmax", "argmin", "broadcast_to",
                                                       "reshape", "transpose", "expand_dims", "squeeze", "Flatten",
                                                       "slice", "slice_axis", "tile", "repeat", "split", "Cast"};
        return std::find(other.begin(), other.end(), op) == other.end();
    }

    bool try_op(const std::string& op, const dims& want, sf::dtype dt, int depth, int& out);
};

inline bool generator::try_op(const std::string& op, const dims& want, sf::dtype dt, int depth, int& out) {
    const bool flt = is_float(dt);
    const int nd = static_cast<int>(want.size());
    node n;
    n.op = op;
    n.dt = dt;
    n.shape = want;
    const op_entry* e = find_op(op);
    if (depth - 1 - guard_len(op, flt) < 0) return false;
    const bool spine_left = r_.chance(0.5);  // which operand of a binary op carries the depth
    auto two = [&](const dims& ls, const dims& rs) {
        if (spine_left) {
            const int l = make(ls, dt, depth - 1, true);
            n.in = {l, side(rs, dt, depth - 1)};
        } else {
            const int r = make(rs, dt, depth - 1, true);
            n.in = {side(ls, dt, depth - 1), r};
        }
    };
    if (elementwise_unary(op)) {
        // elementwise: one child of the same shape
        if (op == "Activation") n.name = r_.pick(std::vector<std::string>{"relu", "sigmoid", "tanh", "softrelu", "softsign"});
        if (op == "LeakyReLU") {
            n.name = r_.chance(0.5) ? "leaky" : "elu";
            n.s = r_.pick(std::vector<double>{0.25, 0.5, 1.5, -0.5});
        }
        if (op == "clip") {
            static const std::vector<double> b = {-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 2.5, 4};
            double lo = r_.pick(b), hi = r_.pick(b);
            if (lo > hi) std::swap(lo, hi);
            if (lo == hi) hi += 1;
            n.s = lo;
            n.s2 = hi;
        }
        if (op.size() > 2 && op.substr(op.size() - 2) == "_s") {
            n.s = scalar_for(op, dt);
            if (op == "power_s" && !flt && n.s < 0) n.s = 2;
        }
        n.in = {guarded(op, want, dt, depth)};
        out = push(std::move(n));
        return true;
    }
    if (op == "softmax" || op == "log_softmax") {
        n.a = r_.range(-nd, nd - 1);
        if (r_.chance(0.3)) n.s = r_.pick(std::vector<double>{0.5, 2.0});  // temperature (0: none)
        n.in = {make(want, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (e->arity == 2 && op.rfind("bcast_", 0) != 0 && op != "dot" && op != "batch_dot" && op != "broadcast_like") {
        // equal shapes; power's base kept positive and exponent small for floats
        if (flt && op == "power") {
            const int b = guard_positive(make(want, dt, depth - 3, true));
            const int x = guard_clip(side(want, dt, depth - 2), 3);
            n.in = {b, x};
        } else two(want, want);
        out = push(std::move(n));
        return true;
    }
    if (op.rfind("bcast_", 0) == 0) {
        dims ls = want, rs = shrink(want);
        if (r_.chance(0.5)) std::swap(ls, rs);
        // numpy: the result has every axis of the longer operand at its full size
        if (flt && op == "bcast_power") {
            const int b = guard_positive(make(ls, dt, depth - 3, true));
            const int x = guard_clip(side(rs, dt, depth - 2), 3);
            n.in = {b, x};
        } else two(ls, rs);
        out = push(std::move(n));
        return true;
    }
    if (op == "broadcast_to") {
        dims s = want;
        for (auto& d : s)
            if (d != 0 && r_.chance(0.5)) d = 1;  // a target size 0 means "keep", so 1 -> 0 is not expressible
        n.ints = want;
        for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i] == want[i] && r_.chance(0.3)) n.ints[i] = 0;  // 0 keeps the input's size
        n.in = {make(s, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "broadcast_like") {
        dims s = want;
        for (auto& d : s)
            if (r_.chance(0.5)) d = 1;
        const int l = make(s, dt, depth - 1, true);
        n.in = {l, side(want, dt, depth - 1)};
        out = push(std::move(n));
        return true;
    }
    if (op == "where") {
        int c;
        if (r_.chance(0.7)) {
            // a comparison as the condition, as where is mostly used
            static const std::vector<std::string> cmp = {"gt", "lt", "ge", "ne"};
            node cn;
            cn.op = r_.pick(cmp);
            cn.dt = dt;
            cn.shape = want;
            cn.in = {make(want, dt, depth - 2, true), side(want, dt, depth - 2)};
            c = push(std::move(cn));
        } else c = side(want, dt, depth - 1);
        n.in = {c, side(want, dt, depth - 1), side(want, dt, depth - 1)};
        out = push(std::move(n));
        return true;
    }
    if (op == "sum" || op == "mean" || op == "prod" || op == "nansum" || op == "max" || op == "min" || op == "norm") {
        // the child: want with reduced axes inserted (keepdims: want's 1s grown)
        n.f1 = r_.chance(0.4);
        dims child;
        std::vector<int> axes;
        if (n.f1) {
            child = want;
            for (int i = 0; i < nd; ++i)
                if (want[static_cast<std::size_t>(i)] == 1 && r_.chance(0.7)) {
                    child[static_cast<std::size_t>(i)] = r_.range(1, 6);
                    axes.push_back(i);
                }
            if (axes.empty()) return false;
        } else {
            const int extra = static_cast<int>(r_.range(1, 2));
            if (nd + extra > 4) return false;
            child = want;
            for (int k = 0; k < extra; ++k) {
                const auto pos = static_cast<std::size_t>(r_.range(0, static_cast<long long>(child.size())));
                child.insert(child.begin() + static_cast<std::ptrdiff_t>(pos), -1);  // marker
            }
            const bool has_identity = op == "sum" || op == "nansum" || op == "prod" || (op == "mean" && !flt);
            for (std::size_t i = 0; i < child.size(); ++i)
                if (child[i] == -1) {
                    child[i] = has_identity && r_.chance(0.05) ? 0 : r_.range(1, 6);
                    axes.push_back(static_cast<int>(i));
                }
            // reducing every axis without keepdims gives (1,): only when want is (1,)
        }
        if (op == "prod") {
            long long cnt = 1;
            for (int a : axes) cnt *= child[static_cast<std::size_t>(a)];
            if (cnt > 6) return false;  // products of many values leave every type's range
        }
        if (numel(child) > limit_) return false;
        const auto cnd = static_cast<long long>(child.size());
        for (int a : axes) n.ints.push_back(r_.chance(0.3) ? a - cnd : a);
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "argmax" || op == "argmin") {
        n.f1 = r_.chance(0.4);
        dims child = want;
        int ax;
        if (n.f1) {
            std::vector<int> ones;
            for (int i = 0; i < nd; ++i)
                if (want[static_cast<std::size_t>(i)] == 1) ones.push_back(i);
            if (ones.empty()) return false;
            ax = r_.pick(ones);
            child[static_cast<std::size_t>(ax)] = r_.range(2, 7);
        } else {
            if (nd >= 4) return false;
            ax = static_cast<int>(r_.range(0, nd));
            child.insert(child.begin() + ax, r_.range(2, 7));
        }
        if (numel(child) > limit_) return false;
        n.a = ax;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "dot") {
        if (nd != 2) return false;
        const long long k = r_.chance(0.05) ? 0 : r_.range(1, 9);  // k = 0: a sum of nothing
        n.f1 = r_.chance(0.3);
        n.f2 = r_.chance(0.3);
        dims ls = n.f1 ? dims{k, want[0]} : dims{want[0], k};
        dims rs = n.f2 ? dims{want[1], k} : dims{k, want[1]};
        two(ls, rs);
        out = push(std::move(n));
        return true;
    }
    if (op == "batch_dot") {
        if (nd != 3) return false;
        const long long k = r_.range(1, 6);
        n.f1 = r_.chance(0.3);
        n.f2 = r_.chance(0.3);
        dims ls = n.f1 ? dims{want[0], k, want[1]} : dims{want[0], want[1], k};
        dims rs = n.f2 ? dims{want[0], want[2], k} : dims{want[0], k, want[2]};
        two(ls, rs);
        out = push(std::move(n));
        return true;
    }
    if (op == "FullyConnected") {
        if (nd != 2 || want[1] == 0) return false;  // num_hidden must be positive
        const long long k1 = r_.range(1, 5), k2 = r_.chance(0.3) ? r_.range(2, 3) : 1;
        dims ds = k2 == 1 ? dims{want[0], k1} : dims{want[0], k1, k2};
        n.a = want[1];  // num_hidden
        n.f1 = r_.chance(0.7);  // with bias
        const int d = make(ds, dt, depth - 1, true);
        n.in = {d, side(dims{want[1], k1 * k2}, dt, depth - 1)};
        if (n.f1) n.in.push_back(side(dims{want[1]}, dt, depth - 1));
        out = push(std::move(n));
        return true;
    }
    if (op == "reshape") {
        if (numel(want) == 0) return false;  // a 0 in the target means "copy", not "empty"
        const dims child = factor(numel(want));
        n.ints = want;
        // MXNet's codes: 0 copies the input's axis, -1 infers one axis
        for (std::size_t i = 0; i < want.size(); ++i)
            if (i < child.size() && child[i] == want[i] && r_.chance(0.3)) n.ints[i] = 0;
        if (r_.chance(0.4)) {
            const auto i = static_cast<std::size_t>(r_.below(want.size()));
            if (n.ints[i] != 0) n.ints[i] = -1;
        }
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "transpose") {
        if (nd < 2) return false;
        std::vector<long long> axes(static_cast<std::size_t>(nd));
        for (int i = 0; i < nd; ++i) axes[static_cast<std::size_t>(i)] = i;
        for (int i = nd - 1; i > 0; --i) std::swap(axes[static_cast<std::size_t>(i)], axes[r_.below(static_cast<std::uint64_t>(i) + 1)]);
        const bool reverse = r_.chance(0.3);  // the default: axes reversed
        if (reverse)
            for (int i = 0; i < nd; ++i) axes[static_cast<std::size_t>(i)] = nd - 1 - i;
        dims child(static_cast<std::size_t>(nd));
        for (int i = 0; i < nd; ++i) child[static_cast<std::size_t>(axes[static_cast<std::size_t>(i)])] = want[static_cast<std::size_t>(i)];
        if (!reverse) n.ints = axes;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "expand_dims") {
        std::vector<int> ones;
        for (int i = 0; i < nd; ++i)
            if (want[static_cast<std::size_t>(i)] == 1) ones.push_back(i);
        if (ones.empty() || nd < 2) return false;
        const int ax = r_.pick(ones);
        dims child = want;
        child.erase(child.begin() + ax);
        n.a = r_.chance(0.3) ? ax - nd : ax;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "squeeze") {
        if (nd >= 4) return false;
        const auto ax = r_.range(0, nd);
        dims child = want;
        child.insert(child.begin() + ax, 1);
        n.a = ax;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "Flatten") {
        if (nd != 2) return false;
        dims rest = factor(want[1]);
        if (rest.size() > 2) rest.resize(2), rest[1] = want[1] / rest[0];
        dims child{want[0]};
        child.insert(child.end(), rest.begin(), rest.end());
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "slice_axis" || op == "slice") {
        // MXNet's slice_axis requires begin < end (an empty range is an error at bind)
        if (op == "slice_axis" && numel(want) == 0) return false;
        dims child = want;
        if (op == "slice_axis") {
            const auto ax = static_cast<std::size_t>(r_.below(want.size()));
            const long long before = r_.range(0, 3), after = r_.range(0, 3);
            child[ax] += before + after;
            n.a = static_cast<long long>(ax);
            n.ints = {before, after == 0 && r_.chance(0.5) ? -1000000 : before + want[ax]};  // -1000000: None
        } else {
            // begin/end per axis; a step of 1 or 2 on some axes
            for (std::size_t i = 0; i < want.size(); ++i) {
                const long long step = want[i] > 0 && r_.chance(0.3) ? 2 : 1;
                const long long before = r_.range(0, 2), after = r_.range(0, 2);
                child[i] = before + (want[i] - 1) * step + 1 + after;
                n.ints.push_back(before);
                n.ints.push_back(before + (want[i] - 1) * step + 1);
                n.ints.push_back(step);
            }
        }
        if (numel(child) > limit_) return false;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "tile") {
        dims child = want;
        n.ints.assign(want.size(), 1);
        bool any = false;
        for (std::size_t i = 0; i < want.size(); ++i)
            for (long long rep : {3LL, 2LL})
                if (want[i] % rep == 0 && want[i] > rep - 1 && r_.chance(0.5)) {
                    child[i] = want[i] / rep;
                    n.ints[i] = rep;
                    any = true;
                    break;
                }
        if (!any) return false;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "repeat") {
        const auto ax = static_cast<std::size_t>(r_.below(want.size()));
        long long rep = 0;
        for (long long k : {2LL, 3LL})
            if (want[ax] % k == 0) rep = k;
        if (rep == 0) return false;
        dims child = want;
        child[ax] /= rep;
        n.a = static_cast<long long>(ax);
        n.b = rep;
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "concat") {
        const auto ax = static_cast<std::size_t>(r_.below(want.size()));
        if (want[ax] < 2) return false;
        const long long parts = want[ax] >= 3 && r_.chance(0.4) ? 3 : 2;
        std::vector<long long> sizes;
        long long left = want[ax];
        for (long long p = 0; p + 1 < parts; ++p) {
            const long long s = r_.range(1, left - (parts - 1 - p));
            sizes.push_back(s);
            left -= s;
        }
        sizes.push_back(left);
        n.a = r_.chance(0.3) ? static_cast<long long>(ax) - nd : static_cast<long long>(ax);
        for (std::size_t p = 0; p < sizes.size(); ++p) {
            dims s = want;
            s[ax] = sizes[p];
            n.in.push_back(p == 0 ? make(s, dt, depth - 1, true) : side(s, dt, depth - 1));
        }
        out = push(std::move(n));
        return true;
    }
    if (op == "stack") {
        std::vector<int> cand;
        for (int i = 0; i < nd; ++i)
            if (want[static_cast<std::size_t>(i)] == 2 || want[static_cast<std::size_t>(i)] == 3) cand.push_back(i);
        if (cand.empty() || nd < 2) return false;
        const int ax = r_.pick(cand);
        dims s = want;
        s.erase(s.begin() + ax);
        n.a = ax;
        for (long long p = 0; p < want[static_cast<std::size_t>(ax)]; ++p)
            n.in.push_back(p == 0 ? make(s, dt, depth - 1, true) : side(s, dt, depth - 1));
        out = push(std::move(n));
        return true;
    }
    if (op == "split") {
        const auto ax = static_cast<std::size_t>(r_.below(want.size()));
        const long long k = r_.range(2, 3);
        dims child = want;
        child[ax] *= k;
        if (numel(child) > limit_) return false;
        n.a = static_cast<long long>(ax);
        n.b = k;
        n.ints = {static_cast<long long>(r_.below(static_cast<std::uint64_t>(k)))};  // which output
        n.in = {make(child, dt, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    if (op == "Cast") {
        static const std::vector<sf::dtype> all = {sf::float32, sf::float64, sf::int32, sf::int64};
        sf::dtype from = r_.pick(all);
        if (from == dt) return false;
        n.a = static_cast<long long>(from);
        n.in = {make(want, from, depth - 1, true)};
        out = push(std::move(n));
        return true;
    }
    return false;
}

/// The graph of `seed`.
inline graph generate(std::uint64_t seed) { return generator(seed).run(); }

/// A scalar as C++ text ("2.5", "-1.0"): every scalar the generator uses is exact in
/// binary, so the text round-trips.
inline std::string num_cpp(double v) {
    std::ostringstream os;
    os << v;
    std::string s = os.str();
    if (s.find('.') == std::string::npos && s.find('e') == std::string::npos) s += ".0";
    return s;
}

/// The C++ spelling of node i as a call of symflow's public API on operands named by
/// `arg` (a static expression when the operands are static, a Symbol for Symbols).
inline std::string op_cpp(const graph& g, std::size_t i, const std::vector<std::string>& arg) {
    const node& n = g.nodes[i];
    const std::string& x = arg.empty() ? std::string() : arg[0];
    auto fn = [&](const std::string& f) { return "sf::sym::" + f + "(" + x + ")"; };
    auto sc = num_cpp(n.s);
    const std::string& o = n.op;
    static const std::map<std::string, std::string> infix = {
        {"add", "+"}, {"sub", "-"}, {"mul", "*"}, {"div", "/"}, {"mod", "%"}, {"eq", "=="}, {"ne", "!="},
        {"gt", ">"}, {"ge", ">="}, {"lt", "<"}, {"le", "<="}};
    static const std::map<std::string, std::string> infix_s = {
        {"plus_s", "+"}, {"minus_s", "-"}, {"mul_s", "*"}, {"div_s", "/"}, {"mod_s", "%"}, {"eq_s", "=="},
        {"ne_s", "!="}, {"gt_s", ">"}, {"ge_s", ">="}, {"lt_s", "<"}, {"le_s", "<="}};
    static const std::map<std::string, std::string> bcast = {
        {"bcast_add", "broadcast_add"}, {"bcast_sub", "broadcast_sub"}, {"bcast_mul", "broadcast_mul"},
        {"bcast_div", "broadcast_div"}, {"bcast_mod", "broadcast_mod"}, {"bcast_power", "broadcast_power"},
        {"bcast_maximum", "broadcast_maximum"}, {"bcast_minimum", "broadcast_minimum"},
        {"bcast_hypot", "broadcast_hypot"}, {"bcast_eq", "broadcast_equal"}, {"bcast_ne", "broadcast_not_equal"},
        {"bcast_gt", "broadcast_greater"}, {"bcast_ge", "broadcast_greater_equal"},
        {"bcast_lt", "broadcast_lesser"}, {"bcast_le", "broadcast_lesser_equal"}};
    if (auto it = infix.find(o); it != infix.end()) return arg[0] + " " + it->second + " " + arg[1];
    if (auto it = infix_s.find(o); it != infix_s.end()) return x + " " + it->second + " " + sc;
    if (auto it = bcast.find(o); it != bcast.end())
        return "sf::sym::" + it->second + "(" + arg[0] + ", " + arg[1] + ")";
    if (o == "rminus_s") return sc + " - " + x;
    if (o == "rdiv_s") return sc + " / " + x;
    if (o == "rmod_s") return sc + " % " + x;
    if (o == "unary_minus") return "-" + x;
    if (o == "power_s") return "sf::sym::power(" + x + ", " + sc + ")";
    if (o == "rpower_s") return "sf::sym::power(" + sc + ", " + x + ")";
    if (o == "maximum_s" || o == "minimum_s" || o == "hypot_s")
        return "sf::sym::" + o.substr(0, o.size() - 2) + "(" + x + ", " + sc + ")";
    if (o == "power" || o == "maximum" || o == "minimum" || o == "hypot")
        return "sf::sym::" + o + "(" + arg[0] + ", " + arg[1] + ")";
    if (o == "clip") return "sf::sym::clip(" + x + ", " + sc + ", " + num_cpp(n.s2) + ")";
    if (o == "Activation") return "sf::sym::Activation(" + x + ", \"" + n.name + "\")";
    if (o == "LeakyReLU")
        return "sf::sym::LeakyReLU(" + x + ", {.act_type = \"" + n.name + "\", .slope = " + sc + "})";
    if (o == "Dropout") return fn("Dropout");
    if (o == "softmax" || o == "log_softmax") {
        std::string p = "{.axis = " + std::to_string(n.a);
        if (n.s != 0) p += ", .temperature = " + sc;
        return "sf::sym::" + o + "(" + x + ", " + p + "})";
    }
    if (o == "broadcast_to") return "sf::sym::broadcast_to(" + x + ", {.shape = sf::Shape" + dims_braced(n.ints) + "})";
    if (o == "broadcast_like") return "sf::sym::broadcast_like(" + arg[0] + ", " + arg[1] + ")";
    if (o == "where") return "sf::sym::where(" + arg[0] + ", " + arg[1] + ", " + arg[2] + ")";
    if (o == "sum" || o == "mean" || o == "prod" || o == "nansum" || o == "max" || o == "min" || o == "norm") {
        std::string axes = n.ints.size() == 1 && n.ints[0] >= 0 ? std::to_string(n.ints[0]) : dims_braced(n.ints);
        return "sf::sym::" + o + "(" + x + ", {.axis = " + axes + (n.f1 ? ", .keepdims = true" : "") + "})";
    }
    if (o == "argmax" || o == "argmin")
        return "sf::sym::" + o + "(" + x + ", {.axis = " + std::to_string(n.a) + (n.f1 ? ", .keepdims = true" : "") +
               "})";
    if (o == "dot" || o == "batch_dot") {
        std::string p;
        if (n.f1) p += ".transpose_a = true";
        if (n.f2) p += std::string(p.empty() ? "" : ", ") + ".transpose_b = true";
        return "sf::sym::" + o + "(" + arg[0] + ", " + arg[1] + (p.empty() ? "" : ", {" + p + "}") + ")";
    }
    if (o == "FullyConnected") {
        if (n.f1)
            return "sf::sym::FullyConnected(" + arg[0] + ", " + arg[1] + ", " + arg[2] + ", {.num_hidden = " +
                   std::to_string(n.a) + "})";
        return "sf::sym::FullyConnected(" + arg[0] + ", " + arg[1] + ", {.num_hidden = " + std::to_string(n.a) +
               ", .no_bias = true})";
    }
    if (o == "reshape") return "sf::sym::reshape(" + x + ", {.shape = " + dims_braced(n.ints) + "})";
    if (o == "transpose")
        return n.ints.empty() ? fn("transpose") : "sf::sym::transpose(" + x + ", {.axes = " + dims_braced(n.ints) + "})";
    if (o == "expand_dims") return "sf::sym::expand_dims(" + x + ", " + std::to_string(n.a) + ")";
    if (o == "squeeze") return "sf::sym::squeeze(" + x + ", " + std::to_string(n.a) + "LL)";
    if (o == "Flatten") return fn("Flatten");
    if (o == "slice_axis")
        return "sf::sym::slice_axis(" + x + ", " + std::to_string(n.a) + ", " + std::to_string(n.ints[0]) + ", " +
               (n.ints[1] == -1000000 ? std::string("std::nullopt") : std::to_string(n.ints[1])) + ")";
    if (o == "slice") {
        std::string b = "{", e = "{", s = "{";
        for (std::size_t k = 0; k < n.ints.size(); k += 3) {
            b += (k ? ", " : "") + std::to_string(n.ints[k]);
            e += (k ? ", " : "") + std::to_string(n.ints[k + 1]);
            s += (k ? ", " : "") + std::to_string(n.ints[k + 2]);
        }
        return "sf::sym::slice(" + x + ", {.begin = " + b + "}, .end = " + e + "}, .step = " + s + "}})";
    }
    if (o == "tile") return "sf::sym::tile(" + x + ", " + dims_braced(n.ints) + ")";
    if (o == "repeat") return "sf::sym::repeat(" + x + ", " + std::to_string(n.b) + ", " + std::to_string(n.a) + ")";
    if (o == "concat" || o == "stack") {
        std::string r = "sf::sym::" + o + "(";
        for (const auto& a : arg) r += a + ", ";
        return r + "{." + (o == "concat" ? "dim" : "axis") + " = " + std::to_string(n.a) + "})";
    }
    if (o == "Cast") return "sf::sym::Cast(" + x + ", " + dtype_cpp(n.dt) + ")";
    // the unary functions spelled as the op id
    return fn(o);
}

/// "n5": the C++ variable of node 5. Built with += rather than "n" + to_string(k), which
/// GCC 12 at -O3 wrongly flags with -Wrestrict (GCC bug 105329).
inline std::string node_var(std::size_t k) {
    std::string s = "n";
    s += std::to_string(k);
    return s;
}

/// The static-expression statements of g, one `auto nI = ...;` per node (split outputs
/// pick their output with sf::sym::get<I>); the output is the last node's variable.
inline std::string to_cpp(const graph& g) {
    std::string r;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const node& n = g.nodes[i];
        std::vector<std::string> args;
        for (int k : n.in) args.push_back(node_var(k));
        r += "auto ";
        r += node_var(i);
        r += " = ";
        if (n.op == "var") r += "sf::sym::Variable<\"" + n.name + "\">()";
        else if (n.op == "split")
            r += "sf::sym::get<" + std::to_string(n.ints[0]) + ">(sf::sym::split(" + args[0] +
                 ", {.num_outputs = " + std::to_string(n.b) + ", .axis = " + std::to_string(n.a) + "}))";
        else r += op_cpp(g, i, args);
        r += ";\n";
    }
    return r;
}

/// g as readable lines ("n3 = exp(n2)  float32 (2, 3)") for failure messages.
inline std::string describe(const graph& g) {
    std::ostringstream os;
    os << "seed " << g.seed << ", depth " << g.depth << ", " << g.nodes.size() << " nodes\n";
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const node& n = g.nodes[i];
        std::vector<std::string> args;
        for (int k : n.in) args.push_back(node_var(k));
        std::string text = n.op == "var" ? "Variable(\"" + n.name + "\")"
                           : n.op == "split" ? "split(" + args[0] + ", {.num_outputs = " + std::to_string(n.b) +
                                                   ", .axis = " + std::to_string(n.a) + "})[" +
                                                   std::to_string(n.ints[0]) + "]"
                                             : op_cpp(g, i, args);
        os << "  n" << i << " = " << text << "   // " << sf::dtype_name(n.dt) << " " << dims_str(n.shape) << "\n";
    }
    return os.str();
}

} // namespace difftest
