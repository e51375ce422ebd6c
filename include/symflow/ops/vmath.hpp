#pragma once
// symflow's own float32 exp, log, tanh and sigmoid (and the log1p(u) of softrelu),
// written once for a plain float and for xsimd::batch<float>: a fused loop's vector body
// and its scalar tail run the same operations in the same order, so they give the same
// bits. They replace xsimd 8.1's, which are 1.35-1.5x slower than Eigen 3.4's on the
// transcendental graph (anchors); float64 keeps xsimd's (the ops choose).
//
// Accuracy against double, over the sweeps of tests/test_vmath.cpp and 7e6-point ones
// (x86-64; with FMA / without): exp 0.87 / 1.14 ulp, log 0.91 / 0.87, tanh 1.83, sigmoid
// 2.38 (within the differential test's budgets of 4u |y| and 6u |y|, i.e. >= 2 and 3 ulp). Special values as libm: NaN gives NaN; exp
// overflows to inf and underflows through correctly rounded subnormals to 0; log(+-0) =
// -inf, log(x < 0) = NaN, log(inf) = inf, subnormal inputs of log scaled exactly first;
// tanh(+-inf) = +-1, tanh(-0) = -0, tiny x exact; sigmoid(-inf) = 0, sigmoid(inf) = 1,
// sigmoid's results below 2^-127.5 flushed to 0.
//
// The polynomial coefficients are minimax fits made for this file (iteratively
// reweighted least squares on the relative error, in long double); the fitted errors
// are noted beside each set. Selects are branch-free; no table lookups.
//
// Fused multiply-add: where the target has FMA (__FMA__) both paths fuse, with
// xsimd::fma and std::fma; without it both multiply and add separately, and every
// product that meets a sum is written as fmadd so that no compiler contraction can make
// the two paths differ. The algorithms do not need fusion for accuracy (the ln 2 split
// has a short high part).
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "simd.hpp"

namespace symflow::ops::vmath {

/// True for the types these functions accept: float and xsimd::batch<float>.
template <class V>
concept float32_v = std::is_same_v<value_t<V>, float>;

namespace detail {

/// a * b + c, fused where the target has FMA, with the same rounding for V = float and batch.
template <class V>
inline V fmadd(const V& a, const V& b, const V& c) {
#if defined(__FMA__)
    if constexpr (is_batch_v<V>) return xsimd::fma(a, b, c);
    else return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

/// cond ? a : b, lane by lane for a batch.
template <class V, class C>
inline V pick(const C& cond, const V& a, const V& b) {
    if constexpr (is_batch_v<V>) return xsimd::select(cond, a, b);
    else return cond ? a : b;
}

/// x limited to [lo, hi], NaN passing through (x86 min/max return their second operand
/// when either is NaN; the scalar form is written to do the same).
template <class V>
inline V clamp(const V& x, float lo, float hi) {
    if constexpr (is_batch_v<V>) return xsimd::min(V(hi), xsimd::max(V(lo), x));
    else {
        const V y = lo > x ? lo : x;
        return hi < y ? hi : y;
    }
}

/// c[0] x^(N-1) + ... + c[N-1] by Horner's rule.
template <class V, std::size_t N>
inline V horner(const V& x, const float (&c)[N]) {
    V p = splat<V>(c[0]);
    for (std::size_t i = 1; i < N; ++i) p = fmadd(p, x, splat<V>(c[i]));
    return p;
}

/// The int32 twin of V (int32_t, or the batch of int32 on the same architecture).
template <class V>
struct int_of { using type = std::int32_t; };
template <class A>
struct int_of<xsimd::batch<float, A>> { using type = xsimd::batch<std::int32_t, A>; };
template <class V>
using int_t = typename int_of<V>::type;

/// The bits of x as int32.
template <class V>
inline int_t<V> bits(const V& x) {
    if constexpr (is_batch_v<V>) return xsimd::bitwise_cast<int_t<V>>(x);
    else return std::bit_cast<std::int32_t>(x);
}
/// The float whose bits are i.
template <class V>
inline V from_bits(const int_t<V>& i) {
    if constexpr (is_batch_v<V>) return xsimd::bitwise_cast<V>(i);
    else return std::bit_cast<float>(i);
}
/// i - c for int32 lanes, wrapping (the scalar form goes through uint32: no signed overflow).
template <class V>
inline int_t<V> isub(const int_t<V>& i, std::int32_t c) {
    if constexpr (is_batch_v<V>) return i - int_t<V>(c);
    else return static_cast<std::int32_t>(static_cast<std::uint32_t>(i) - static_cast<std::uint32_t>(c));
}

/// 1.5 * 2^23: adding it to a float of magnitude < 2^22 rounds that float to an integer,
/// which then sits in the low bits of the sum's representation.
inline constexpr float round_shifter = 0x1.8p23f;
/// ln 2 split so that k * ln2_hi is exact for |k| < 512 (15 significant bits).
inline constexpr float ln2_hi = 0x1.62e4p-1f, ln2_lo = 0x1.7f7d1cp-20f;

/// The unsigned twin of int_t<V>, for shifts and wrapping arithmetic.
template <class V>
struct uint_of { using type = std::uint32_t; };
template <class A>
struct uint_of<xsimd::batch<float, A>> { using type = xsimd::batch<std::uint32_t, A>; };
template <class V>
using uint_t = typename uint_of<V>::type;

/// The bits of x as uint32.
template <class V>
inline uint_t<V> ubits(const V& x) {
    if constexpr (is_batch_v<V>) return xsimd::bitwise_cast<uint_t<V>>(x);
    else return std::bit_cast<std::uint32_t>(x);
}
/// The float whose bits are u.
template <class V>
inline V from_ubits(const uint_t<V>& u) {
    if constexpr (is_batch_v<V>) return xsimd::bitwise_cast<V>(u);
    else return std::bit_cast<float>(u);
}

/// -(a * b) + c, fused where the target has FMA (as fmadd).
template <class V>
inline V fnmadd(const V& a, const V& b, const V& c) {
#if defined(__FMA__)
    if constexpr (is_batch_v<V>) return xsimd::fnma(a, b, c);
    else return std::fma(-a, b, c);
#else
    return c - a * b;
#endif
}

/// e^x = 2^k e^r split, for x in [-105, 89] (or NaN): x = k ln2 + r, |r| <= ln2 / 2;
/// v = e^r, or e^r - 1 (accurate near 0) when `minus_one`; 2^k as one factor s (normal:
/// k in [-126, 127], while k = -127 gives 0 and k = 128 inf) or as s * s2, each in
/// [2^-76, 2^64] (exact: any k of the range, including subnormal results).
template <class V>
struct exp_split {
    V s, s2, v;
};
template <bool exact, bool minus_one, class V>
inline exp_split<V> exp_reduce(const V& x) {
    // the shifter's low bits carry k plus the exponent bias (twice it for two factors)
    constexpr float shifter = round_shifter + (exact ? 254.0f : 127.0f);
    const V t = fmadd(x, splat<V>(0x1.715476p+0f), splat<V>(shifter));
    const V k = t - splat<V>(shifter);
    V r = fmadd(k, splat<V>(-ln2_hi), x);  // exact: k ln2_hi is, and it is close to x
    r = fmadd(k, splat<V>(-ln2_lo), r);
    // e^r = 1 + r + c2 r^2 + ... + c6 r^6, minimax relative error 2^-28.3 on [-ln2/2, ln2/2]
    static constexpr float c[] = {0x1.6a244cp-10f, 0x1.1239d4p-7f, 0x1.5558f2p-5f, 0x1.555492p-3f, 0x1.fffffcp-2f};
    V v;
    if constexpr (minus_one) v = fmadd(horner(r, c), r * r, r);  // r^2's rounding only touches the smaller term
    else v = fmadd(fmadd(horner(r, c), r, splat<V>(1.0f)), r, splat<V>(1.0f));
    const uint_t<V> b = ubits(t);
    if constexpr (!exact) {
        return {from_ubits<V>(b << 23), splat<V>(1.0f), v};  // the shifter's own bits shift out: 2^k
    } else {
        // b = bits(shifter) + k with bits(shifter) = 2 (bits(1.5 2^23) / 2 + 127): b >> 1 and
        // b - (b >> 1) carry k1 = floor(k / 2) and k - k1, each plus the bias
        const uint_t<V> h = b >> 1;
        return {from_ubits<V>(h << 23), from_ubits<V>((b - h) << 23), v};
    }
}

} // namespace detail

/// e^x in float32 (<= 1 ulp with FMA, 1.15 without): inf above ~88.72, subnormal results correctly rounded, 0 below ~-103.97.
template <float32_v V>
inline V exp(const V& x) {
    // beyond the limits the result is inf or 0 anyway; the clamp keeps k's integer exact
    const auto e = detail::exp_reduce<true, false>(detail::clamp(x, -105.0f, 89.0f));
    return e.v * e.s * e.s2;  // e^r 2^k1 is exact (normal), so the last product alone rounds
}

/// 1 / (1 + e^-x) in float32 (<= 2.4 ulp): 0 at -inf (e^-x overflows to inf), 1 at +inf.
/// Results below 2^-127.5 (x < -88.03) come out as 0 instead of subnormal.
template <float32_v V>
inline V sigmoid(const V& x) {
    const V one = splat<V>(1.0f);
    const auto e = detail::exp_reduce<false, false>(detail::clamp(-x, -88.0f, 89.0f));
    return one / detail::fmadd(e.v, e.s, one);
}

/// tanh(x) in float32 (<= 2 ulp): with e^(-2|x|) = 2^k (1 + p), tanh|x| =
/// (1 - 2^k - 2^k p) / (1 + 2^k + 2^k p), both parts rounded once; x's sign put back.
/// Exact for tiny x, keeps -0, +-1 from |x| ~ 9.01 on.
template <float32_v V>
inline V tanh(const V& x) {
    V a;
    if constexpr (is_batch_v<V>) a = xsimd::min(splat<V>(9.1f), xsimd::abs(x));  // NaN passes (see clamp)
    else a = 9.1f < std::fabs(x) ? 9.1f : std::fabs(x);
    // past 9.1 tanh is +-1 in float32; the limit keeps 2^k normal
    const auto e = detail::exp_reduce<false, true>(splat<V>(-2.0f) * a);
    const V one = splat<V>(1.0f);
    const V y = detail::fnmadd(e.v, e.s, one - e.s) / detail::fmadd(e.v, e.s, one + e.s);
    if constexpr (is_batch_v<V>) return y | xsimd::bitofsign(x);  // y >= 0
    else return std::copysign(y, x);
}

/// Natural logarithm in float32 (<= 1 ulp): -inf at 0, NaN below 0, inf at inf,
/// subnormal inputs scaled by 2^23 first so that they are as accurate as the rest.
template <float32_v V>
inline V log(const V& x) {
    using I = detail::int_t<V>;
    const auto tiny = x < splat<V>(0x1p-126f);
    const V xs = detail::pick(tiny, x * splat<V>(0x1p23f), x);
    // x = 2^e m with m in [sqrt(1/2), sqrt(2)): subtracting sqrt(1/2)'s bits makes the
    // exponent field e and leaves m's offset in the low 23 bits
    const I ix = detail::isub<V>(detail::bits(xs), 0x3f3504f3);
    const I e = ix >> 23;
    const V m = detail::from_bits<V>((ix & I(0x007fffff)) + I(0x3f3504f3));
    V ef;
    if constexpr (is_batch_v<V>) ef = xsimd::to_float(e);
    else ef = static_cast<float>(e);
    ef = ef - detail::pick(tiny, splat<V>(23.0f), splat<V>(0.0f));
    const V f = m - splat<V>(1.0f);  // exact (Sterbenz)
    // log1p(f) = f - f^2/2 + c3 f^3 + ... + c10 f^10, minimax relative error 2^-27.4 on [sqrt(1/2)-1, sqrt(2)-1]
    static constexpr float c[] = {-0x1.38b596p-4f, 0x1.055b8p-3f,  -0x1.0d8548p-3f, 0x1.22da1ap-3f,
                                  -0x1.547244p-3f, 0x1.99a008p-3f, -0x1.000226p-2f, 0x1.555554p-2f};
    const V t = detail::fmadd(detail::horner(f, c), f, splat<V>(-0.5f));
    V y = detail::fmadd(t, f * f, f);
    y = detail::fmadd(ef, splat<V>(detail::ln2_lo), y);
    y = detail::fmadd(ef, splat<V>(detail::ln2_hi), y);  // ef ln2_hi is exact: one rounding
    constexpr float inf = std::numeric_limits<float>::infinity();
    y = detail::pick(x == splat<V>(inf), x, y);
    y = detail::pick(x == splat<V>(0.0f), splat<V>(-inf), y);
    // NaN below 0 and for NaN (an ordered >= is false for it; xsimd 8.1's AVX != is ordered too)
    return detail::pick(x >= splat<V>(0.0f), y, splat<V>(std::numeric_limits<float>::quiet_NaN()));
}

/// log(1 + u) for u in [0, 1] (or NaN), accurate for tiny u: log(1 + u) with the
/// rounding error of 1 + u added back (softrelu's log1p(e^-|x|)).
template <float32_v V>
inline V log1p_unit(const V& u) {
    const V one = splat<V>(1.0f);
    const V w = one + u;
    const V err = u - (w - one);  // exact, as 1 >= u (Fast2Sum)
    return vmath::log(w) + err / w;  // qualified: ADL would find xsimd::log for a batch
}

} // namespace symflow::ops::vmath
