// Differential testing, part 2: the reference. A plain scalar evaluator of a generated
// graph (simple loops, numpy/MXNet semantics as the op headers document them), written
// independently of symflow's kernels: it never calls them.
//
// Floating values are computed in double, each with a bound on how far symflow's result
// in the graph's dtype may lie from it ("running error analysis"): every element carries
// (v, e) meaning "the float32/float64 result is in [v - e, v + e]". Each op propagates its
// inputs' bounds (through its Lipschitz constant or by evaluating it at the ends of the
// input intervals) and adds its own rounding budget, per op, in units of the dtype's unit
// roundoff u (2^-24 for float32, 2^-53 for float64) times the result's magnitude:
//
//   op                                           budget (u * |result|)  propagation
//   abs negative relu sign max min clip where     0 (exact)             Lipschitz 1 / exact
//   comparisons, floor ceil round rint fix trunc  0 (exact)             unknown if the input
//     argmax argmin, Cast to an integer                                 interval straddles a
//                                                                       step (a tie, an integer)
//   + - * / sqrt square reciprocal, scalar forms  1 (correctly rounded) interval / Lipschitz
//     mean's division, Cast float64 -> float32
//   rsqrt softsign hypot power mod               2                      interval
//   exp expm1 log log1p log2 log10 cbrt          4 (xsimd's accuracy)    interval (monotone)
//     arctan arcsin arccos sinh cosh tanh
//   sin cos tan                                   4, + 2u * max(1,|x|)   Lipschitz 1 / interval
//                                                 (argument reduction)
//   sigmoid elu softrelu                          6                      interval (monotone)
//   sum nansum mean dot batch_dot FullyConnected  (n + 1) u * sum |terms| (the summation bound
//                                                 for any order, FMA or not) + sum of input bounds
//   prod                                          (n + 1) u              interval products
//   norm                                          (n + 2) u              + ||e||_2 (triangle ineq.)
//   softmax                                       (n + 12) u             * s(exp(2E) - 1), E the
//                                                                       row's largest bound
//   log_softmax                                   (n + 8) u (1 + |lse|)  + 2E
// plus an absolute floor of the dtype's smallest normal number (subnormal results).
//
// Exactness is tracked: a correctly rounded op whose exact result is representable in the
// dtype (checked with error-free transformations: fma residuals, or the inputs' binary
// quanta for sums, products and dots) has e = 0, so comparisons, rounding ops and integer
// casts of exact values (ties included) are checked exactly. Contraction into FMA (GCC's
// default -ffp-contract=fast with -march=native) only ever removes a rounding, so it stays
// within these bounds.
//
// An element whose bound is infinite is "unknown": a discontinuous op met an input interval
// that straddles its step, a value left the dtype's range, or a NaN appeared. Unknown
// elements are not compared with the reference (the executors are still compared with each
// other where the reference knows the value).
//
// Integers are computed exactly in int64 and wrapped to the dtype after every op, with
// symflow's documented total semantics (x / 0 = 0, x % 0 = 0, MIN / -1 = MIN, Python's
// sign rule for %, modular powers, truncating integer mean, saturating casts).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>

#include "graph_gen.hpp"

namespace difftest {

/// A node's reference value: shape, dtype, and per element the value (v for floats, i for
/// integers) and the bound e (0: exact; infinity: unknown).
struct ref_value {
    sf::dtype dt = sf::float32;
    dims shape;
    std::vector<double> v, e;
    std::vector<std::int64_t> i;
    /// Elements.
    std::size_t size() const { return e.size(); }
    /// True when element k is known.
    bool known(std::size_t k) const { return std::isfinite(e[k]); }
};

namespace ref_detail {

constexpr double inf = std::numeric_limits<double>::infinity();

/// The dtype's unit roundoff.
inline double unit_roundoff(sf::dtype dt) { return dt == sf::float32 ? 0x1p-24 : 0x1p-53; }
/// The dtype's largest finite value.
inline double max_finite(sf::dtype dt) {
    return dt == sf::float32 ? static_cast<double>(std::numeric_limits<float>::max()) : std::numeric_limits<double>::max();
}
/// The dtype's smallest normal value: the absolute floor of every rounding budget.
inline double min_normal(sf::dtype dt) {
    return dt == sf::float32 ? static_cast<double>(std::numeric_limits<float>::min()) : std::numeric_limits<double>::min();
}
/// True when x is exactly representable in the floating dtype dt.
inline bool representable(double x, sf::dtype dt) {
    return dt == sf::float64 || static_cast<double>(static_cast<float>(x)) == x;
}
/// Integer x wrapped to the integer dtype dt.
inline std::int64_t wrap(std::uint64_t x, sf::dtype dt) {
    if (dt == sf::int32) return static_cast<std::int32_t>(static_cast<std::uint32_t>(x));
    return static_cast<std::int64_t>(x);
}
/// The dtype's integer limits.
inline std::int64_t int_min(sf::dtype dt) { return dt == sf::int32 ? INT32_MIN : INT64_MIN; }
inline std::int64_t int_max(sf::dtype dt) { return dt == sf::int32 ? INT32_MAX : INT64_MAX; }

/// A scalar attribute as the kernels see it in dtype dt: truncated and saturated for
/// integers (MXNet's DType(scalar)), exact for floats (the generator's scalars are).
inline std::int64_t int_scalar(double s, sf::dtype dt) {
    if (s != s) return 0;
    if (s <= static_cast<double>(int_min(dt))) return int_min(dt);
    if (s >= static_cast<double>(int_max(dt))) return int_max(dt);
    return static_cast<std::int64_t>(s);
}

/// The exponent of x's lowest set bit (x = m * 2^q with m odd); huge for 0.
inline int quantum(double x) {
    if (x == 0) return 100000;
    int ex;
    const double m = std::frexp(std::fabs(x), &ex);  // x = m * 2^ex, m in [0.5, 1)
    const auto bits = static_cast<std::uint64_t>(std::ldexp(m, 53));
    return ex - 53 + std::countr_zero(bits);
}
/// Bits of precision of dtype dt.
inline int precision(sf::dtype dt) { return dt == sf::float32 ? 24 : 53; }

// --- integer ops, symflow's total semantics -------------------------------------------------

inline std::int64_t idiv(std::int64_t a, std::int64_t b, sf::dtype dt) {
    if (b == 0) return 0;
    if (b == -1) return wrap(0 - static_cast<std::uint64_t>(a), dt);
    return a / b;
}
inline std::int64_t imod(std::int64_t a, std::int64_t b) {
    if (b == 0 || b == -1) return 0;
    std::int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}
inline std::int64_t ipow(std::int64_t base, std::int64_t ex, sf::dtype dt) {
    if (ex < 0) {
        if (base == 1) return 1;
        if (base == -1) return (ex & 1) ? -1 : 1;
        return 0;
    }
    // the power modulo 2^64 by square and multiply, then wrapped to the dtype
    std::uint64_t result = 1, b = static_cast<std::uint64_t>(base);
    for (auto e = static_cast<std::uint64_t>(ex); e != 0; e >>= 1) {
        if (e & 1U) result *= b;
        b *= b;
    }
    return wrap(result, dt);
}

// --- floating bounds ------------------------------------------------------------------------

/// A value with its bound.
struct vb {
    double v, e;
};
constexpr vb unknown{0, inf};

/// The bound after rounding a result y computed from inputs with bound `prop`: `ulps` units
/// of roundoff of |y| (or of the largest |f| over the input interval), plus the floor.
inline vb finish(double y, double prop, double ulps, double mag, sf::dtype dt) {
    if (!std::isfinite(y) || !std::isfinite(prop)) return unknown;
    // For float64 the reference computes in the dtype's own precision, so its value carries
    // a rounding of its own (one more u|y|): found by scripts/difftest.sh, where FMA
    // contraction (-march=native) made symflow round differently from the reference.
    const double self = dt == sf::float64 && (ulps > 0 || prop > 0) ? unit_roundoff(dt) * std::fabs(y) : 0;
    const double e = prop + self + ulps * unit_roundoff(dt) * std::max(std::fabs(y), mag) +
                     (ulps > 0 || prop > 0 ? min_normal(dt) : 0);
    if (std::fabs(y) + e > max_finite(dt)) return unknown;
    return {y, e};
}

/// 2 for float64, whose reference sums round as much as symflow's (the reference computes
/// in double); 1 for float32, whose reference roundings are 2^29 times smaller.
inline double self_factor(sf::dtype dt) { return dt == sf::float64 ? 2 : 1; }

/// A correctly rounded op's result y_exact_in_double with `exact_residual` the error-free
/// residual (0 when the double result is the exact result): exact (e = 0) when every input
/// is exact and the exact result is representable in dt.
inline vb rounded(double y, bool inputs_exact, bool residual_zero, double prop, sf::dtype dt) {
    if (inputs_exact && residual_zero && representable(y, dt) && std::isfinite(y) && std::fabs(y) <= max_finite(dt))
        return {y, 0};
    return finish(y, prop, 1, 0, dt);
}

/// f at x with bound e for f monotone on the interval: the image of [x - e, x + e].
template <class F>
inline vb monotone(F f, vb x, double ulps, sf::dtype dt) {
    const double y = f(x.v);
    if (x.e == 0) return finish(y, 0, ulps, 0, dt);
    const double a = f(x.v - x.e), b = f(x.v + x.e);
    if (!std::isfinite(a) || !std::isfinite(b)) return unknown;
    return finish(y, std::max(std::fabs(a - y), std::fabs(b - y)), ulps, std::max(std::fabs(a), std::fabs(b)), dt);
}

/// f at x for f with one turning point c (square, cosh): the image of the interval.
template <class F>
inline vb turning(F f, double c, vb x, double ulps, sf::dtype dt) {
    const double y = f(x.v);
    if (x.e == 0) return finish(y, 0, ulps, 0, dt);
    double lo = std::min(f(x.v - x.e), f(x.v + x.e)), hi = std::max(f(x.v - x.e), f(x.v + x.e));
    if (x.v - x.e <= c && c <= x.v + x.e) lo = std::min(lo, f(c)), hi = std::max(hi, f(c));
    if (!std::isfinite(lo) || !std::isfinite(hi)) return unknown;
    return finish(y, std::max(hi - y, y - lo), ulps, std::max(std::fabs(lo), std::fabs(hi)), dt);
}

/// A monotone step function (floor, ceil, round, rint, fix, trunc, sign): known only when
/// the whole input interval maps to one value.
template <class F>
inline vb step(F f, vb x) {
    if (!std::isfinite(x.e) || !std::isfinite(x.v)) return unknown;
    const double y = f(x.v);
    if (x.e == 0) return {y, 0};
    if (f(x.v - x.e) != y || f(x.v + x.e) != y) return unknown;
    return {y, 0};
}

/// mshadow's rint: halves go down (x - floor(x) <= ceil(x) - x ? floor : ceil).
inline double mx_rint(double x) {
    const double lo = std::floor(x), hi = std::ceil(x);
    return (x - lo) <= (hi - x) ? lo : hi;
}

/// The product interval [a] * [b]: value, bound.
inline vb mul_bound(vb a, vb b, sf::dtype dt) {
    const double y = a.v * b.v;
    const double prop = std::fabs(a.v) * b.e + std::fabs(b.v) * a.e + a.e * b.e;
    return rounded(y, a.e == 0 && b.e == 0, std::fma(a.v, b.v, -y) == 0, prop, dt);
}

/// a / b; unknown when b's interval holds 0.
inline vb div_bound(vb a, vb b, sf::dtype dt) {
    if (std::fabs(b.v) <= b.e) return unknown;
    if (b.v == 0) return unknown;  // IEEE's inf or NaN: not compared
    const double y = a.v / b.v;
    double prop = 0;
    if (a.e > 0 || b.e > 0) {
        const double lo = std::fabs(b.v) - b.e;
        prop = (a.e + std::fabs(y) * b.e) / lo;  // |a'/b' - a/b| <= (|a - a'| + |y||b - b'|) / |b'|
    }
    return rounded(y, a.e == 0 && b.e == 0, std::fma(-y, b.v, a.v) == 0, prop, dt);
}

/// Python's a % b for doubles, as symflow computes it (x % 0 = 0).
inline double py_mod(double a, double b) {
    if (b == 0) return 0;
    double r = std::fmod(a, b);
    if (r == 0) return std::copysign(0.0, b);
    if ((r < 0) != (b < 0)) r += b;
    return r;
}

/// a % b with bounds: unknown when b's interval holds 0 or a/b's interval holds an integer
/// (where the result jumps by b).
inline vb mod_bound(vb a, vb b, sf::dtype dt) {
    if (std::fabs(b.v) <= b.e || b.v == 0) return unknown;
    const double y = py_mod(a.v, b.v);
    if (a.e == 0 && b.e == 0) {
        // fmod is exact; the sign fix r + b rounds once
        const double r = std::fmod(a.v, b.v);
        const bool exact = r == 0 || ((r < 0) == (b.v < 0)) || representable(r + b.v, dt);
        return exact ? vb{y, 0} : finish(y, 0, 2, std::fabs(b.v), dt);
    }
    // quotient interval over the box, by its four corners (b does not change sign)
    double q[4] = {(a.v - a.e) / (b.v - b.e), (a.v - a.e) / (b.v + b.e), (a.v + a.e) / (b.v - b.e),
                   (a.v + a.e) / (b.v + b.e)};
    const double ql = *std::min_element(q, q + 4), qh = *std::max_element(q, q + 4);
    if (std::floor(ql) != std::floor(qh)) return unknown;
    // on one branch r = a - k b with k = floor(a / b) fixed
    const double k = std::floor(qh);
    return finish(y, a.e + std::fabs(k) * b.e, 2, std::fabs(b.v), dt);
}

/// A comparison of a and b: known when the intervals cannot change its outcome.
template <class C>
inline vb compare(C c, vb a, vb b) {
    if (!std::isfinite(a.e) || !std::isfinite(b.e)) return unknown;
    if ((a.e > 0 || b.e > 0) && std::fabs(a.v - b.v) <= a.e + b.e) return unknown;
    return {c(a.v, b.v) ? 1.0 : 0.0, 0};
}

/// x raised to y, both bounded; x's interval must stay positive (the generator guards it),
/// else only exact inputs are evaluated.
inline vb pow_bound(vb x, vb y, sf::dtype dt) {
    const double r = std::pow(x.v, y.v);
    if (x.e == 0 && y.e == 0) {
        if (!std::isfinite(r)) return unknown;
        return finish(r, 0, 2, 0, dt);
    }
    if (x.v - x.e <= 0) return unknown;
    double c[4] = {std::pow(x.v - x.e, y.v - y.e), std::pow(x.v - x.e, y.v + y.e), std::pow(x.v + x.e, y.v - y.e),
                   std::pow(x.v + x.e, y.v + y.e)};
    const double lo = *std::min_element(c, c + 4), hi = *std::max_element(c, c + 4);
    if (!std::isfinite(lo) || !std::isfinite(hi)) return unknown;
    return finish(r, std::max(hi - r, r - lo), 2, std::max(std::fabs(lo), std::fabs(hi)), dt);
}

/// Row-major strides.
inline std::vector<long long> strides(const dims& s) {
    std::vector<long long> st(s.size(), 1);
    for (std::size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
    return st;
}
/// The multi-index of flat index k in shape s.
inline std::vector<long long> unravel(long long k, const dims& s) {
    std::vector<long long> idx(s.size());
    for (std::size_t i = s.size(); i-- > 0;) {
        idx[i] = k % s[i];
        k /= s[i];
    }
    return idx;
}

} // namespace ref_detail

/// The reference evaluator: values of every node of g for the given inputs.
class reference {
public:
    /// Evaluates g on the inputs (by variable name).
    reference(const graph& g, const std::map<std::string, sf::nd::NDArray>& inputs) : g_(g) {
        vals_.resize(g.nodes.size());
        for (std::size_t i = 0; i < g.nodes.size(); ++i) eval(i, inputs);
    }
    /// The output's value.
    const ref_value& out() const { return vals_.back(); }
    /// Node i's value.
    const ref_value& at(std::size_t i) const { return vals_[i]; }

private:
    const graph& g_;
    std::vector<ref_value> vals_;

    static ref_value blank(const node& n) {
        ref_value r;
        r.dt = n.dt;
        r.shape = n.shape;
        const auto count = static_cast<std::size_t>(numel(n.shape));
        r.v.assign(count, 0);
        r.e.assign(count, 0);
        r.i.assign(count, 0);
        return r;
    }
    static ref_detail::vb get(const ref_value& x, std::size_t k) { return {x.v[k], x.e[k]}; }
    static void set(ref_value& r, std::size_t k, ref_detail::vb b) {
        r.v[k] = b.v;
        r.e[k] = b.e;
    }

    void eval(std::size_t idx, const std::map<std::string, sf::nd::NDArray>& inputs);
    void eval_elementwise(const node& n, ref_value& r);
    void eval_reduce(const node& n, ref_value& r);
    void eval_linalg(const node& n, ref_value& r);
    void eval_shape(const node& n, ref_value& r);
    void eval_softmax(const node& n, ref_value& r);

    const ref_value& in(const node& n, std::size_t k) const { return vals_[static_cast<std::size_t>(n.in[k])]; }

    /// Flat index into input x (shape xs) of output element at multi-index o (shape os)
    /// under numpy broadcasting (x's axes aligned to the right; size-1 axes repeat).
    static std::size_t bcast_index(const std::vector<long long>& o, const dims& os, const dims& xs) {
        long long k = 0;
        const std::size_t off = os.size() - xs.size();
        for (std::size_t i = 0; i < xs.size(); ++i) k = k * xs[i] + (xs[i] == 1 ? 0 : o[i + off]);
        return static_cast<std::size_t>(k);
    }
};

inline void reference::eval(std::size_t idx, const std::map<std::string, sf::nd::NDArray>& inputs) {
    const node& n = g_.nodes[idx];
    ref_value r = blank(n);
    const std::string& o = n.op;
    if (o == "var") {
        const auto& a = inputs.at(n.name);
        for (std::size_t k = 0; k < r.size(); ++k) {
            switch (n.dt) {
            case sf::float32: r.v[k] = a.data<float>()[k]; break;
            case sf::float64: r.v[k] = a.data<double>()[k]; break;
            case sf::int32: r.i[k] = a.data<std::int32_t>()[k]; break;
            case sf::int64: r.i[k] = a.data<std::int64_t>()[k]; break;
            }
        }
    } else if (o == "sum" || o == "mean" || o == "prod" || o == "nansum" || o == "max" || o == "min" || o == "norm" ||
               o == "argmax" || o == "argmin")
        eval_reduce(n, r);
    else if (o == "dot" || o == "batch_dot" || o == "FullyConnected")
        eval_linalg(n, r);
    else if (o == "softmax" || o == "log_softmax")
        eval_softmax(n, r);
    else if (o == "reshape" || o == "transpose" || o == "expand_dims" || o == "squeeze" || o == "Flatten" ||
             o == "slice" || o == "slice_axis" || o == "tile" || o == "repeat" || o == "concat" || o == "stack" ||
             o == "split" || o == "broadcast_to" || o == "broadcast_like" || o == "Cast")
        eval_shape(n, r);
    else
        eval_elementwise(n, r);
    vals_[idx] = std::move(r);
}

// Elementwise ops (equal-shape, broadcast, scalar, unary, where): one output element from
// the broadcast-aligned elements of the inputs.
inline void reference::eval_elementwise(const node& n, ref_value& r) {
    using namespace ref_detail;
    const std::string& o = n.op;
    const sf::dtype dt = n.dt;
    const bool flt = is_float(dt);
    std::string base = o.rfind("bcast_", 0) == 0 ? o.substr(6) : o;
    const double u = flt ? unit_roundoff(dt) : 0;
    const auto ost = r.shape;
    for (std::size_t k = 0; k < r.size(); ++k) {
        const auto oi = unravel(static_cast<long long>(k), ost);
        auto arg = [&](std::size_t j) -> std::size_t { return bcast_index(oi, ost, in(n, j).shape); };
        if (o == "zeros_like" || o == "ones_like") {
            const double c = o == "zeros_like" ? 0 : 1;
            r.v[k] = c;
            r.i[k] = static_cast<std::int64_t>(c);
            continue;
        }
        if (o == "where") {
            const ref_value &c = in(n, 0), &x = in(n, 1), &y = in(n, 2);
            const std::size_t kc = arg(0);
            bool cond;
            if (!c.known(kc)) {
                r.e[k] = inf;
                continue;
            }
            if (flt) {
                if (c.e[kc] > 0 && std::fabs(c.v[kc]) <= c.e[kc]) {
                    r.e[k] = inf;
                    continue;
                }
                cond = c.v[kc] != 0;
            } else cond = c.i[kc] != 0;
            const ref_value& s = cond ? x : y;
            r.v[k] = s.v[k];
            r.e[k] = s.e[k];
            r.i[k] = s.i[k];
            continue;
        }
        const bool binary = n.in.size() == 2;
        const ref_value& a = in(n, 0);
        const std::size_t ka = arg(0);
        const std::size_t kb = binary ? arg(1) : 0;
        if (!a.known(ka) || (binary && !in(n, 1).known(kb))) {
            r.e[k] = inf;
            continue;
        }
        if (!flt) {
            const std::int64_t x = a.i[ka];
            const std::int64_t y = binary ? in(n, 1).i[kb] : int_scalar(n.s, dt);
            const auto ux = static_cast<std::uint64_t>(x), uy = static_cast<std::uint64_t>(y);
            std::int64_t z = 0;
            const std::string& b = base;
            if (b == "abs") z = x < 0 ? wrap(0 - ux, dt) : x;
            else if (b == "sign") z = (x > 0) - (x < 0);
            else if (b == "negative") z = wrap(0 - ux, dt);
            else if (b == "unary_minus") z = wrap(ux * static_cast<std::uint64_t>(-1), dt);
            else if (b == "square") z = wrap(ux * ux, dt);
            else if (b == "floor" || b == "ceil" || b == "round" || b == "rint" || b == "fix" || b == "trunc" ||
                     b == "Dropout")
                z = x;
            else if (b == "relu") z = x > 0 ? x : 0;
            else if (b == "clip") {
                const std::int64_t lo = int_scalar(n.s, dt), hi = int_scalar(n.s2, dt);
                z = x > hi ? hi : x < lo ? lo : x;
            } else if (b == "add" || b == "plus_s") z = wrap(ux + uy, dt);
            else if (b == "sub" || b == "minus_s") z = wrap(ux - uy, dt);
            else if (b == "rminus_s") z = wrap(uy - ux, dt);
            else if (b == "mul" || b == "mul_s") z = wrap(ux * uy, dt);
            else if (b == "div" || b == "div_s") z = idiv(x, y, dt);
            else if (b == "rdiv_s") z = idiv(y, x, dt);
            else if (b == "mod" || b == "mod_s") z = imod(x, y);
            else if (b == "rmod_s") z = imod(y, x);
            else if (b == "power" || b == "power_s") z = ipow(x, y, dt);
            else if (b == "rpower_s") z = ipow(y, x, dt);
            else if (b == "maximum" || b == "maximum_s") z = x > y ? x : y;
            else if (b == "minimum" || b == "minimum_s") z = x < y ? x : y;
            else if (b == "eq" || b == "eq_s") z = x == y;
            else if (b == "ne" || b == "ne_s") z = x != y;
            else if (b == "gt" || b == "gt_s") z = x > y;
            else if (b == "ge" || b == "ge_s") z = x >= y;
            else if (b == "lt" || b == "lt_s") z = x < y;
            else if (b == "le" || b == "le_s") z = x <= y;
            else throw std::logic_error("reference: no integer rule for op " + o);
            r.i[k] = z;
            continue;
        }
        const vb x = get(a, ka);
        const vb y = binary ? get(in(n, 1), kb) : vb{n.s, 0};
        const bool ex = x.e == 0 && y.e == 0;
        const std::string& b = base;
        vb z;
        if (b == "abs") z = {std::fabs(x.v), x.e};
        else if (b == "negative" || b == "unary_minus") z = {-x.v, x.e};
        else if (b == "relu") z = {x.v > 0 ? x.v : 0, x.e};
        else if (b == "Dropout") z = x;
        else if (b == "sign") z = step([](double t) { return static_cast<double>((t > 0) - (t < 0)); }, x);
        else if (b == "floor") z = step([](double t) { return std::floor(t); }, x);
        else if (b == "ceil") z = step([](double t) { return std::ceil(t); }, x);
        else if (b == "round") z = step([](double t) { return std::round(t); }, x);
        else if (b == "rint") z = step(mx_rint, x);
        else if (b == "fix" || b == "trunc") z = step([](double t) { return std::trunc(t); }, x);
        else if (b == "clip") z = {std::min(std::max(x.v, n.s), n.s2), x.e};
        else if (b == "square") {
            z = turning([](double t) { return t * t; }, 0, x, 1, dt);
            if (ex) z = rounded(x.v * x.v, true, std::fma(x.v, x.v, -x.v * x.v) == 0, 0, dt);
        } else if (b == "sqrt") {
            if (x.v - x.e < 0) z = unknown;
            else {
                z = monotone([](double t) { return std::sqrt(t); }, x, 1, dt);
                if (ex) {
                    const double s = std::sqrt(x.v);
                    z = rounded(s, true, std::fma(s, s, -x.v) == 0, 0, dt);
                }
            }
        } else if (b == "rsqrt") z = x.v - x.e <= 0 ? unknown : monotone([](double t) { return 1 / std::sqrt(t); }, x, 2, dt);
        else if (b == "cbrt") z = monotone([](double t) { return std::cbrt(t); }, x, 4, dt);
        else if (b == "reciprocal") z = div_bound({1, 0}, x, dt);
        else if (b == "exp") z = monotone([](double t) { return std::exp(t); }, x, 4, dt);
        else if (b == "expm1") z = monotone([](double t) { return std::expm1(t); }, x, 4, dt);
        else if (b == "log" || b == "log2" || b == "log10") {
            if (x.v - x.e <= 0) z = unknown;
            else if (b == "log") z = monotone([](double t) { return std::log(t); }, x, 4, dt);
            else if (b == "log2") z = monotone([](double t) { return std::log2(t); }, x, 4, dt);
            else z = monotone([](double t) { return std::log10(t); }, x, 4, dt);
        } else if (b == "log1p") z = x.v - x.e <= -1 ? unknown : monotone([](double t) { return std::log1p(t); }, x, 4, dt);
        else if (b == "sin" || b == "cos") {
            const double y0 = b == "sin" ? std::sin(x.v) : std::cos(x.v);
            z = finish(y0, std::min(x.e, 2.0) + 2 * u * std::max(1.0, std::fabs(x.v)), 4, 0, dt);
        } else if (b == "tan") {
            // monotone between the poles at (k + 1/2) pi; the generator clips its input to 1.4
            if (std::fabs(x.v) + x.e >= 1.57) z = unknown;
            else {
                z = monotone([](double t) { return std::tan(t); }, x, 4, dt);
                if (std::isfinite(z.e)) z.e += 2 * u * std::max(1.0, std::fabs(x.v)) * (1 + z.v * z.v);
            }
        } else if (b == "arcsin" || b == "arccos") {
            if (x.v - x.e < -1 || x.v + x.e > 1) z = unknown;
            else if (b == "arcsin") z = monotone([](double t) { return std::asin(t); }, x, 4, dt);
            else z = monotone([](double t) { return std::acos(t); }, x, 4, dt);
        } else if (b == "arctan") z = monotone([](double t) { return std::atan(t); }, x, 4, dt);
        else if (b == "sinh") z = monotone([](double t) { return std::sinh(t); }, x, 4, dt);
        else if (b == "cosh") z = turning([](double t) { return std::cosh(t); }, 0, x, 4, dt);
        else if (b == "tanh") z = monotone([](double t) { return std::tanh(t); }, x, 4, dt);
        else if (b == "sigmoid") z = monotone([](double t) { return 1 / (1 + std::exp(-t)); }, x, 6, dt);
        else if (b == "softsign") z = monotone([](double t) { return t / (1 + std::fabs(t)); }, x, 2, dt);
        else if (b == "Activation") {
            const std::string& t = n.name;
            if (t == "relu") z = {x.v > 0 ? x.v : 0, x.e};
            else if (t == "sigmoid") z = monotone([](double s) { return 1 / (1 + std::exp(-s)); }, x, 6, dt);
            else if (t == "tanh") z = monotone([](double s) { return std::tanh(s); }, x, 4, dt);
            else if (t == "softrelu")
                z = monotone([](double s) { return std::max(s, 0.0) + std::log1p(std::exp(-std::fabs(s))); }, x, 6, dt);
            else z = monotone([](double s) { return s / (1 + std::fabs(s)); }, x, 2, dt);
        } else if (b == "LeakyReLU") {
            const double sl = n.s;
            if (n.name == "leaky") {
                // x > 0 ? x : slope * x: Lipschitz max(1, |slope|); the product rounds once
                z = finish(x.v > 0 ? x.v : sl * x.v, x.e * std::max(1.0, std::fabs(sl)), x.v > 0 ? 0 : 1, 0, dt);
                if (x.v <= 0 && ex && representable(sl * x.v, dt)) z = {sl * x.v, 0};
                if (x.v > 0 && x.e == 0) z = {x.v, 0};
            } else {
                // elu: x > 0 ? x : slope * expm1(x); with a negative slope it is not monotone,
                // so bound by the Lipschitz constant max(1, |slope|) over the interval
                const double y0 = x.v > 0 ? x.v : sl * std::expm1(x.v);
                z = x.v > 0 && x.e == 0 ? vb{x.v, 0} : finish(y0, x.e * std::max(1.0, std::fabs(sl)), 6, 0, dt);
            }
        } else if (b == "add" || b == "plus_s" || b == "sub" || b == "minus_s" || b == "rminus_s") {
            const double s = b == "add" || b == "plus_s" ? x.v + y.v : b == "rminus_s" ? y.v - x.v : x.v - y.v;
            // TwoSum residual: zero when the double sum is exact
            const double p = b == "add" || b == "plus_s" ? x.v : b == "rminus_s" ? y.v : x.v;
            const double q = b == "add" || b == "plus_s" ? y.v : b == "rminus_s" ? -x.v : -y.v;
            const double bb = s - p, res = (p - (s - bb)) + (q - bb);
            z = rounded(s, ex, res == 0, x.e + y.e, dt);
        } else if (b == "mul" || b == "mul_s") z = mul_bound(x, y, dt);
        else if (b == "div" || b == "div_s") z = div_bound(x, y, dt);
        else if (b == "rdiv_s") z = div_bound(y, x, dt);
        else if (b == "mod" || b == "mod_s") z = mod_bound(x, y, dt);
        else if (b == "rmod_s") z = mod_bound(y, x, dt);
        else if (b == "power" || b == "power_s") z = pow_bound(x, y, dt);
        else if (b == "rpower_s") z = pow_bound(y, x, dt);
        else if (b == "maximum" || b == "maximum_s") z = {std::max(x.v, y.v), std::max(x.e, y.e)};
        else if (b == "minimum" || b == "minimum_s") z = {std::min(x.v, y.v), std::max(x.e, y.e)};
        else if (b == "hypot" || b == "hypot_s") z = finish(std::hypot(x.v, y.v), x.e + y.e, 2, 0, dt);
        else if (b == "eq" || b == "eq_s") z = compare([](double p, double q) { return p == q; }, x, y);
        else if (b == "ne" || b == "ne_s") z = compare([](double p, double q) { return p != q; }, x, y);
        else if (b == "gt" || b == "gt_s") z = compare([](double p, double q) { return p > q; }, x, y);
        else if (b == "ge" || b == "ge_s") z = compare([](double p, double q) { return p >= q; }, x, y);
        else if (b == "lt" || b == "lt_s") z = compare([](double p, double q) { return p < q; }, x, y);
        else if (b == "le" || b == "le_s") z = compare([](double p, double q) { return p <= q; }, x, y);
        else throw std::logic_error("reference: no floating rule for op " + o);
        if (!std::isfinite(z.v) || std::fabs(z.v) > max_finite(dt)) z = unknown;
        set(r, k, z);
    }
}

// Reductions over axes (sum, mean, prod, nansum, max, min, norm) and argmax/argmin.
inline void reference::eval_reduce(const node& n, ref_value& r) {
    using namespace ref_detail;
    const ref_value& x = in(n, 0);
    const dims& xs = x.shape;
    const auto nd = static_cast<long long>(xs.size());
    std::vector<bool> red(xs.size(), false);
    if (n.op == "argmax" || n.op == "argmin") red[static_cast<std::size_t>(n.a)] = true;
    else
        for (long long a : n.ints) red[static_cast<std::size_t>(a < 0 ? a + nd : a)] = true;
    // group the input's elements by output element
    std::vector<std::vector<std::size_t>> groups(r.size());
    const auto xst = strides(xs);
    for (std::size_t k = 0; k < x.size(); ++k) {
        const auto idx = unravel(static_cast<long long>(k), xs);
        long long o = 0;
        for (std::size_t i = 0; i < xs.size(); ++i)
            if (!red[i]) o = o * xs[i] + idx[i];
        groups[static_cast<std::size_t>(o)].push_back(k);
    }
    const sf::dtype dt = n.dt;
    const bool flt = is_float(dt);
    for (std::size_t o = 0; o < r.size(); ++o) {
        const auto& gr = groups[o];
        bool all_known = true;
        for (std::size_t k : gr) all_known = all_known && x.known(k);
        if (n.op == "argmax" || n.op == "argmin") {
            const bool mx = n.op == "argmax";
            std::size_t best = 0;
            for (std::size_t j = 1; j < gr.size(); ++j) {
                const bool better = flt ? (mx ? x.v[gr[j]] > x.v[gr[best]] : x.v[gr[j]] < x.v[gr[best]])
                                        : (mx ? x.i[gr[j]] > x.i[gr[best]] : x.i[gr[j]] < x.i[gr[best]]);
                if (better) best = j;
            }
            bool sure = all_known;
            if (flt && sure)
                for (std::size_t j = 0; j < gr.size() && sure; ++j) {
                    if (j == best) continue;
                    const double d = std::fabs(x.v[gr[best]] - x.v[gr[j]]), eb = x.e[gr[best]] + x.e[gr[j]];
                    if (eb > 0 && d <= eb) sure = false;
                }
            r.v[o] = static_cast<double>(best);
            r.i[o] = static_cast<std::int64_t>(best);
            r.e[o] = sure ? 0 : inf;
            continue;
        }
        if (!all_known) {
            r.e[o] = inf;
            continue;
        }
        const std::string& op = n.op;
        if (!flt) {
            std::uint64_t acc = op == "prod" ? 1 : 0;
            std::int64_t m = op == "max" ? int_min(dt) : int_max(dt);
            for (std::size_t k : gr) {
                const auto v = static_cast<std::uint64_t>(x.i[k]);
                if (op == "prod") acc *= v;
                else acc += v;
                m = op == "max" ? std::max(m, x.i[k]) : std::min(m, x.i[k]);
            }
            if (op == "max" || op == "min") r.i[o] = m;
            else if (op == "mean") r.i[o] = idiv(wrap(acc, dt), static_cast<std::int64_t>(gr.size()), dt);
            else r.i[o] = wrap(acc, dt);
            continue;
        }
        const double u = unit_roundoff(dt);
        const auto cnt = static_cast<double>(gr.size());
        if (op == "max" || op == "min") {
            double m = op == "max" ? -inf : inf, e = 0;
            for (std::size_t k : gr) {
                m = op == "max" ? std::max(m, x.v[k]) : std::min(m, x.v[k]);
                e = std::max(e, x.e[k]);
            }
            set(r, o, {m, e});
        } else if (op == "sum" || op == "nansum" || op == "mean") {
            double s = 0, mag = 0, prop = 0;
            int q = 100000;
            bool exact = true;
            for (std::size_t k : gr) {
                s += x.v[k];
                mag += std::fabs(x.v[k]);
                prop += x.e[k];
                q = std::min(q, quantum(x.v[k]));
                exact = exact && x.e[k] == 0;
            }
            // exact in any summation order when every partial sum fits the dtype's precision
            exact = exact && (mag == 0 || mag < std::ldexp(1.0, precision(dt) + q));
            vb sb = exact ? vb{s, 0} : finish(s, prop + self_factor(dt) * (cnt + 1) * u * mag, 0, 0, dt);
            if (op == "mean" && std::isfinite(sb.e)) {
                const double mv = s / cnt;
                sb = rounded(mv, exact, std::fma(-mv, cnt, s) == 0, sb.e / cnt, dt);
            }
            set(r, o, sb);
        } else if (op == "prod") {
            double p = 1, bits = 0;
            bool exact = true, zero = false;
            vb acc{1, 0};
            for (std::size_t k : gr) {
                p *= x.v[k];
                exact = exact && x.e[k] == 0;
                if (x.v[k] == 0) zero = true;
                else bits += std::log2(std::fabs(x.v[k])) - quantum(x.v[k]);
                const vb xv = get(x, k);
                acc = {acc.v * xv.v, std::fabs(acc.v) * xv.e + std::fabs(xv.v) * acc.e + acc.e * xv.e};
            }
            if (exact && (zero || bits + 1 <= precision(dt))) set(r, o, {p, 0});
            else set(r, o, finish(p, acc.e + self_factor(dt) * (cnt + 1) * u * std::fabs(p), 0, 0, dt));
        } else if (op == "norm") {
            double ss = 0, ee = 0;
            for (std::size_t k : gr) {
                ss += x.v[k] * x.v[k];
                ee += x.e[k] * x.e[k];
            }
            const double nv = std::sqrt(ss);
            set(r, o, finish(nv, std::sqrt(ee), cnt + 2, 0, dt));
        }
        if (!std::isfinite(r.v[o]) || std::fabs(r.v[o]) > max_finite(dt)) r.e[o] = inf;
    }
}

// dot, batch_dot and FullyConnected: sums of products, bounded as sums.
inline void reference::eval_linalg(const node& n, ref_value& r) {
    using namespace ref_detail;
    const ref_value &A = in(n, 0), &B = in(n, 1);
    const sf::dtype dt = n.dt;
    const bool flt = is_float(dt);
    long long batches = 1, M, N, K;
    // element (b, i, k) of the left operand and (b, k, j) of the right, as flat indices
    std::function<std::size_t(long long, long long, long long)> ai, bi;
    if (n.op == "FullyConnected") {
        M = A.shape[0];
        K = numel(dims(A.shape.begin() + 1, A.shape.end()));  // not numel / M: M may be 0
        N = n.a;
        ai = [=](long long, long long i, long long k) { return static_cast<std::size_t>(i * K + k); };
        bi = [=](long long, long long k, long long j) { return static_cast<std::size_t>(j * K + k); };
    } else {
        const bool b3 = n.op == "batch_dot";
        const dims as = b3 ? dims{A.shape[1], A.shape[2]} : A.shape, bs = b3 ? dims{B.shape[1], B.shape[2]} : B.shape;
        if (b3) batches = A.shape[0];
        M = n.f1 ? as[1] : as[0];
        K = n.f1 ? as[0] : as[1];
        N = n.f2 ? bs[0] : bs[1];
        const long long asz = as[0] * as[1], bsz = bs[0] * bs[1];
        const long long a1 = as[1], b1 = bs[1];
        const bool ta = n.f1, tb = n.f2;
        ai = [=](long long b, long long i, long long k) {
            return static_cast<std::size_t>(b * asz + (ta ? k * a1 + i : i * a1 + k));
        };
        bi = [=](long long b, long long k, long long j) {
            return static_cast<std::size_t>(b * bsz + (tb ? j * b1 + k : k * b1 + j));
        };
    }
    const ref_value* bias = n.op == "FullyConnected" && n.f1 ? &in(n, 2) : nullptr;
    const double u = flt ? unit_roundoff(dt) : 0;
    for (long long b = 0; b < batches; ++b)
        for (long long i = 0; i < M; ++i)
            for (long long j = 0; j < N; ++j) {
                const auto o = static_cast<std::size_t>((b * M + i) * N + j);
                bool known = true;
                if (!flt) {
                    std::uint64_t acc = 0;
                    for (long long k = 0; k < K; ++k) {
                        const std::size_t x = ai(b, i, k), y = bi(b, k, j);
                        known = known && A.known(x) && B.known(y);
                        acc += static_cast<std::uint64_t>(A.i[x]) * static_cast<std::uint64_t>(B.i[y]);
                    }
                    if (bias) {
                        known = known && bias->known(static_cast<std::size_t>(j));
                        acc += static_cast<std::uint64_t>(bias->i[static_cast<std::size_t>(j)]);
                    }
                    r.i[o] = wrap(acc, dt);
                    r.e[o] = known ? 0 : inf;
                    continue;
                }
                double s = 0, mag = 0, prop = 0;
                int q = 100000;
                bool exact = true;
                auto term = [&](double p, double e, int qt, bool ex) {
                    s += p;
                    mag += std::fabs(p);
                    prop += e;
                    q = std::min(q, qt);
                    exact = exact && ex;
                };
                for (long long k = 0; k < K; ++k) {
                    const std::size_t x = ai(b, i, k), y = bi(b, k, j);
                    known = known && A.known(x) && B.known(y);
                    const double p = A.v[x] * B.v[y];
                    term(p, std::fabs(A.v[x]) * B.e[y] + std::fabs(B.v[y]) * A.e[x] + A.e[x] * B.e[y],
                         p == 0 ? 100000 : quantum(A.v[x]) + quantum(B.v[y]), A.e[x] == 0 && B.e[y] == 0);
                }
                if (bias) {
                    const auto jj = static_cast<std::size_t>(j);
                    known = known && bias->known(jj);
                    term(bias->v[jj], bias->e[jj], quantum(bias->v[jj]), bias->e[jj] == 0);
                }
                if (!known) {
                    r.e[o] = inf;
                    continue;
                }
                exact = exact && (mag == 0 || mag < std::ldexp(1.0, precision(dt) + q));
                set(r, o, exact ? vb{s, 0} : finish(s, prop + self_factor(dt) * static_cast<double>(K + 2) * u * mag, 0, 0, dt));
            }
}

// softmax and log_softmax along one axis, with an optional temperature.
inline void reference::eval_softmax(const node& n, ref_value& r) {
    using namespace ref_detail;
    const ref_value& x = in(n, 0);
    const dims& s = x.shape;
    const auto nd = static_cast<long long>(s.size());
    const auto ax = static_cast<std::size_t>(n.a < 0 ? n.a + nd : n.a);
    const auto st = strides(s);
    const long long len = s[ax], stride = st[ax];
    const double t = n.s == 0 ? 1 : n.s;
    const double u = unit_roundoff(n.dt);
    for (std::size_t k = 0; k < x.size(); ++k) {
        const auto idx = unravel(static_cast<long long>(k), s);
        if (idx[ax] != 0) continue;  // one row per first element along the axis
        std::vector<std::size_t> row;
        bool known = true;
        for (long long j = 0; j < len; ++j) {
            row.push_back(k + static_cast<std::size_t>(j * stride));
            known = known && x.known(row.back());
        }
        double m = -inf;
        for (std::size_t q : row) m = std::max(m, x.v[q] / t);
        // d: how far the computed exponent (x / t - max) may be from the reference's: the
        // input's bound, the division by t and the subtraction's roundings
        std::vector<double> d;
        double E = 0;
        for (std::size_t q : row) {
            d.push_back(x.e[q] / std::fabs(t) + 2 * u * (std::fabs(x.v[q] / t) + std::fabs(m)));
            E = std::max(E, d.back());
        }
        double sum = 0;
        for (std::size_t q : row) sum += std::exp(x.v[q] / t - m);
        const double lse = std::log(sum);
        const double cnt = static_cast<double>(len);
        for (std::size_t j = 0; j < row.size(); ++j) {
            const std::size_t q = row[j];
            if (!known) {
                r.e[q] = inf;
                continue;
            }
            if (n.op == "softmax") {
                const double sv = std::exp(x.v[q] / t - m) / sum;
                set(r, q, finish(sv, sv * std::expm1(d[j] + E), cnt + 12, 0, n.dt));
            } else {
                const double lv = x.v[q] / t - m - lse;
                set(r, q, finish(lv, d[j] + E + (cnt + 8) * u * (1 + std::fabs(lse)), 0, 0, n.dt));
            }
        }
    }
}

// Shape ops (pure index maps), broadcast_to/like, and Cast.
inline void reference::eval_shape(const node& n, ref_value& r) {
    using namespace ref_detail;
    const ref_value& x = in(n, 0);
    const std::string& o = n.op;
    auto copy = [&](std::size_t dst, const ref_value& src, std::size_t k) {
        r.v[dst] = src.v[k];
        r.e[dst] = src.e[k];
        r.i[dst] = src.i[k];
    };
    if (o == "Cast") {
        const sf::dtype from = x.dt, to = n.dt;
        for (std::size_t k = 0; k < r.size(); ++k) {
            if (!x.known(k)) {
                r.e[k] = inf;
                continue;
            }
            if (is_float(from) && is_float(to)) {
                if (to == sf::float64 || x.e[k] == 0) set(r, k, to == sf::float64 ? get(x, k) : rounded(x.v[k], true, true, 0, to));
                else set(r, k, finish(x.v[k], x.e[k], 1, 0, to));
            } else if (is_float(from)) {
                // truncation toward zero, saturating; known when the interval truncates to one integer
                auto conv = [&](double v) -> std::int64_t { return int_scalar(v, to); };
                const std::int64_t c = conv(x.v[k]);
                if (x.e[k] > 0 && (conv(x.v[k] - x.e[k]) != c || conv(x.v[k] + x.e[k]) != c)) r.e[k] = inf;
                r.i[k] = c;
            } else if (is_float(to)) {
                const auto v = static_cast<double>(x.i[k]);
                const bool exact = std::fabs(v) <= std::ldexp(1.0, precision(to));
                set(r, k, exact ? vb{v, 0} : finish(v, 0x1p-53 * std::fabs(v), 1, 0, to));
            } else r.i[k] = wrap(static_cast<std::uint64_t>(x.i[k]), to);
        }
        return;
    }
    if (o == "reshape" || o == "expand_dims" || o == "squeeze" || o == "Flatten") {
        for (std::size_t k = 0; k < r.size(); ++k) copy(k, x, k);
        return;
    }
    const auto os = r.shape;
    for (std::size_t k = 0; k < r.size(); ++k) {
        const auto oi = unravel(static_cast<long long>(k), os);
        std::vector<long long> xi(x.shape.size());
        const ref_value* src = &x;
        if (o == "transpose") {
            const auto nd = oi.size();
            for (std::size_t i = 0; i < nd; ++i) {
                const auto a = n.ints.empty() ? static_cast<long long>(nd - 1 - i) : n.ints[i];
                xi[static_cast<std::size_t>(a)] = oi[i];
            }
        } else if (o == "slice_axis") {
            xi = oi;
            xi[static_cast<std::size_t>(n.a)] += n.ints[0];
        } else if (o == "slice") {
            for (std::size_t i = 0; i < oi.size(); ++i) xi[i] = n.ints[3 * i] + oi[i] * n.ints[3 * i + 2];
        } else if (o == "tile") {
            for (std::size_t i = 0; i < oi.size(); ++i) xi[i] = oi[i] % x.shape[i];
        } else if (o == "repeat") {
            xi = oi;
            xi[static_cast<std::size_t>(n.a)] /= n.b;
        } else if (o == "split") {
            xi = oi;
            xi[static_cast<std::size_t>(n.a)] += n.ints[0] * os[static_cast<std::size_t>(n.a)];
        } else if (o == "broadcast_to" || o == "broadcast_like") {
            for (std::size_t i = 0; i < oi.size(); ++i) xi[i] = x.shape[i] == 1 ? 0 : oi[i];
        } else if (o == "concat") {
            const auto nd = static_cast<long long>(os.size());
            const auto ax = static_cast<std::size_t>(n.a < 0 ? n.a + nd : n.a);
            long long at = oi[ax];
            std::size_t part = 0;
            while (at >= in(n, part).shape[ax]) at -= in(n, part++).shape[ax];
            src = &in(n, part);
            xi = oi;
            xi[ax] = at;
        } else if (o == "stack") {
            const auto ax = static_cast<std::size_t>(n.a);
            src = &in(n, static_cast<std::size_t>(oi[ax]));
            xi = oi;
            xi.erase(xi.begin() + static_cast<std::ptrdiff_t>(ax));
        } else throw std::logic_error("reference: no shape rule for op " + o);
        long long flat = 0;
        for (std::size_t i = 0; i < xi.size(); ++i) flat = flat * src->shape[i] + xi[i];
        copy(k, *src, static_cast<std::size_t>(flat));
    }
}

} // namespace difftest
