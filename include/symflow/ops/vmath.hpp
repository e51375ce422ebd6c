#pragma once
// symflow's own float32 exp, log, tanh and sigmoid (and the log1p(e^-|x|) of softrelu),
// written once for a plain float and for xsimd::batch<float>: a fused loop's vector body
// and its scalar tail run the same operations in the same order, so they give the same
// bits. xsimd 8.1's versions are 1.35-1.5x slower than Eigen's on the transcendental graph.
//
// Accuracy (float32, measured over sweeps by tests/test_vmath.cpp against double):
// exp <= 1 ulp, log <= 1 ulp, tanh <= 2 ulp, sigmoid <= 2 ulp. Special values follow IEEE
// libm: NaN in gives NaN out, exp overflows to inf and underflows through the subnormals
// (correctly rounded scaling) to 0, log(0) = -inf, log(x < 0) = NaN, subnormal inputs of
// log are exact-scaled first, tanh(+-inf) = +-1 and tanh(-0) = -0, sigmoid(-inf) = 0 and
// sigmoid(+inf) = 1. Double precision keeps xsimd's functions (the ops choose).
//
// The polynomial and rational coefficients are minimax fits (iteratively reweighted
// least squares on the relative error, long double) made for this file; the fitted
// errors are noted beside each set.
//
// Fused multiply-add: where the target has FMA (__FMA__) both paths fuse, with
// xsimd::fma and std::fma; without it both multiply and add separately. The algorithms
// do not rely on fusion for accuracy (the ln 2 splits have short high parts).
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

/// e^x = 2^k (1 + p) split for x in [-105, 89] (or NaN): x = k ln2 + r, |r| <= ln2 / 2,
/// p = e^r - 1, and 2^k as one factor s (normal: for k in [-126, 127]; k = -127 gives 0,
/// k = 128 inf) or as s * s2, each in [2^-76, 2^64] (exact: any k of the range).
template <class V>
struct exp_split {
    V s, s2, p;
};
template <bool exact, class V>
inline exp_split<V> exp_reduce(const V& x) {
    // the shifter's low bits carry k plus the exponent bias (twice it for two factors)
    constexpr float shifter = round_shifter + (exact ? 254.0f : 127.0f);
    const V t = fmadd(x, splat<V>(0x1.715476p+0f), splat<V>(shifter));
    const V k = t - splat<V>(shifter);
    V r = fmadd(k, splat<V>(-ln2_hi), x);  // exact: k ln2_hi is, and it is close to x
    r = fmadd(k, splat<V>(-ln2_lo), r);
    // e^r - 1 = r + r^2 (c2 + c3 r + ... + c6 r^4), minimax relative error 2^-28.3 on
    // [-ln2/2, ln2/2]; r^2's rounding only touches the smaller term
    static constexpr float c[] = {0x1.6a244cp-10f, 0x1.1239d4p-7f, 0x1.5558f2p-5f, 0x1.555492p-3f, 0x1.fffffcp-2f};
    const V p = fmadd(horner(r, c), r * r, r);
    const uint_t<V> b = ubits(t);
    if constexpr (!exact) {
        return {from_ubits<V>(b << 23), splat<V>(1.0f), p};  // the shifter's own bits shift out: 2^k
    } else {
        // b = bits(shifter) + k with bits(shifter) = 2 (bits(1.5 2^23) / 2 + 127): b >> 1 and
        // b - (b >> 1) carry k1 = floor(k / 2) and k - k1, each plus the bias
        const uint_t<V> h = b >> 1;
        return {from_ubits<V>(h << 23), from_ubits<V>((b - h) << 23), p};
    }
}

} // namespace detail

/// e^x in float32 (<= 1 ulp): inf above ~88.72, subnormal results correctly rounded, 0 below ~-103.97.
template <float32_v V>
inline V exp(const V& x) {
    // beyond the limits the result is inf or 0 anyway; the clamp keeps k's integer exact
    const auto e = detail::exp_reduce<true>(detail::clamp(x, -105.0f, 89.0f));
    // (1 + p) s is exact (normal), so the last product alone rounds
    return (e.p + splat<V>(1.0f)) * e.s * e.s2;
}

/// 1 / (1 + e^-x) in float32 (<= 2 ulp): 0 at -inf (e^-x overflows to inf), 1 at +inf.
/// Results below 2^-127.5 (x < -88.03) come out as 0 instead of subnormal.
template <float32_v V>
inline V sigmoid(const V& x) {
    const V one = splat<V>(1.0f);
    const auto e = detail::exp_reduce<false>(detail::clamp(-x, -88.0f, 89.0f));
    // (1 + p) 2^k, not p 2^k + 2^k: at k = 128 that would be inf - inf for p < 0
    return one / detail::fmadd(e.p + one, e.s, one);
}

/// tanh(x) in float32 (<= 2 ulp): with e^(-2|x|) = 2^k (1 + p), tanh|x| =
/// (1 - 2^k - 2^k p) / (1 + 2^k + 2^k p), both parts rounded once; x's sign put back.
/// Exact for tiny x, keeps -0, +-1 from |x| ~ 9.01 on.
template <float32_v V>
inline V tanh(const V& x) {
    V a;
    if constexpr (is_batch_v<V>) a = xsimd::abs(x);
    else a = std::fabs(x);
    // past 9.1 tanh is +-1 in float32; the limit keeps 2^k normal (NaN passes)
    const auto e = detail::exp_reduce<false>(splat<V>(-2.0f) * detail::clamp(a, 0.0f, 9.1f));
    const V one = splat<V>(1.0f);
    const V y = detail::fmadd(-e.p, e.s, one - e.s) / detail::fmadd(e.p, e.s, one + e.s);
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
    return detail::pick((x < splat<V>(0.0f)) || (x != x), splat<V>(std::numeric_limits<float>::quiet_NaN()), y);
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
