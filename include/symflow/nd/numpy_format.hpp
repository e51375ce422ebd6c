#pragma once
// numpy_view: NDArray::asnumpy(), a view that prints exactly what numpy 1.24 prints for repr(array).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "ndarray.hpp"

namespace symflow::nd {

namespace detail::numpy_repr {

// numpy's default print options.
inline constexpr std::ptrdiff_t line_width = 75;  // characters per line, including the closing text
inline constexpr std::size_t threshold = 1000;  // summarise arrays with more elements than this
inline constexpr std::size_t edge_items = 3;    // items kept at each end of a summarised axis
inline constexpr int precision = 8;             // at most this many fraction digits

/// Unsigned integer of any size (32-bit limbs, least significant first): the exact
/// arithmetic of the shortest-digits algorithm below.
class bignum {
public:
    bignum() = default;
    /// The value v.
    explicit bignum(std::uint64_t v) {
        for (; v != 0; v >>= 32) limbs_.push_back(static_cast<std::uint32_t>(v));
    }

    /// *this *= 2^bits.
    void shift_left(unsigned bits) {
        if (limbs_.empty() || bits == 0) return;
        const unsigned words = bits / 32, rest = bits % 32;
        if (rest != 0) {
            std::uint32_t carry = 0;
            for (auto& l : limbs_) {
                const std::uint32_t next = l >> (32 - rest);
                l = (l << rest) | carry;
                carry = next;
            }
            if (carry != 0) limbs_.push_back(carry);
        }
        limbs_.insert(limbs_.begin(), words, 0u);
    }

    /// *this *= m.
    void multiply(std::uint32_t m) {
        std::uint64_t carry = 0;
        for (auto& l : limbs_) {
            const std::uint64_t p = std::uint64_t{l} * m + carry;
            l = static_cast<std::uint32_t>(p);
            carry = p >> 32;
        }
        if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
        trim();
    }

    /// *this *= 10^n (n >= 0).
    void multiply_pow10(int n) {
        static constexpr std::uint32_t small[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
        for (; n >= 9; n -= 9) multiply(1000000000u);
        if (n > 0) multiply(small[n]);
    }

    /// *this += o.
    void add(const bignum& o) {
        if (o.limbs_.size() > limbs_.size()) limbs_.resize(o.limbs_.size(), 0u);
        std::uint64_t carry = 0;
        for (std::size_t i = 0; i < limbs_.size(); ++i) {
            const std::uint64_t s = std::uint64_t{limbs_[i]} + (i < o.limbs_.size() ? o.limbs_[i] : 0u) + carry;
            limbs_[i] = static_cast<std::uint32_t>(s);
            carry = s >> 32;
        }
        if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
    }

    /// *this -= o; requires *this >= o.
    void subtract(const bignum& o) {
        std::int64_t borrow = 0;
        for (std::size_t i = 0; i < limbs_.size(); ++i) {
            std::int64_t d = std::int64_t{limbs_[i]} - (i < o.limbs_.size() ? o.limbs_[i] : 0u) - borrow;
            borrow = d < 0 ? 1 : 0;
            if (d < 0) d += std::int64_t{1} << 32;
            limbs_[i] = static_cast<std::uint32_t>(d);
        }
        trim();
    }

    /// -1, 0 or 1 as a <, == or > b.
    friend int compare(const bignum& a, const bignum& b) {
        if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
        for (std::size_t i = a.limbs_.size(); i-- > 0;)
            if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
        return 0;
    }

private:
    void trim() {
        while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
    }
    std::vector<std::uint32_t> limbs_;
};

/// A finite float as sign, integer significand and binary exponent: |x| = significand * 2^exponent.
struct float_bits {
    bool negative = false;
    std::uint64_t significand = 0;
    int exponent = 0;
    bool unequal_gaps = false;  // the next float below is half as far as the next one above
};

/// Splits a finite float or double into float_bits.
template <class T>
float_bits decompose(T x) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    constexpr int mant_bits = std::numeric_limits<T>::digits - 1;  // 23 or 52 stored bits
    constexpr int bias = std::numeric_limits<T>::max_exponent - 1;  // 127 or 1023
    using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
    const U bits = std::bit_cast<U>(x);
    const U mant = bits & ((U{1} << mant_bits) - 1);
    const int biased = static_cast<int>((bits >> mant_bits) & ((U{1} << (sizeof(U) * 8 - 1 - mant_bits)) - 1));
    float_bits f;
    f.negative = (bits >> (sizeof(U) * 8 - 1)) != 0;
    if (biased == 0) {  // zero or subnormal
        f.significand = mant;
        f.exponent = 1 - bias - mant_bits;
    } else {
        f.significand = mant | (std::uint64_t{1} << mant_bits);
        f.exponent = biased - bias - mant_bits;
        f.unequal_gaps = mant == 0 && biased > 1;
    }
    return f;
}

/// Which digits a digit limit counts: significant digits, or digits after the decimal point.
enum class cutoff { significant, fractional };

/// Decimal digits d0 d1 d2 ... of a value d0.d1d2... * 10^exponent (no sign).
struct decimal {
    std::string digits;
    int exponent = 0;
};

/// numpy's Dragon4 digit generation ("unique" mode): the shortest digits that read back as
/// the same float, but never more than `max_digits` and never fewer than `min_digits`
/// (-1: no bound), counted as `mode` says. The last digit is rounded as numpy does: down
/// when only rounding down stays unique, up when only rounding up does, otherwise to the
/// nearest (ties to an even digit). Boundaries count as unique for even significands.
inline decimal shortest_digits(const float_bits& f, cutoff mode, int max_digits, int min_digits) {
    if (f.significand == 0) return {"0", 0};
    const bool even = (f.significand & 1) == 0;
    // value = r / s; the distances to the neighbouring floats' midpoints are lo / s and hi / s.
    bignum r(f.significand), s(1), lo(1);
    if (f.exponent >= 0) {
        r.shift_left(static_cast<unsigned>(f.exponent));
        lo.shift_left(static_cast<unsigned>(f.exponent));
    } else {
        s.shift_left(static_cast<unsigned>(-f.exponent));
    }
    const unsigned half = f.unequal_gaps ? 2 : 1;
    r.shift_left(half);
    s.shift_left(half);
    auto high_of = [&](const bignum& low) {
        bignum h = low;
        if (f.unequal_gaps) h.shift_left(1);
        return h;
    };

    // k: the decimal position just above the first digit, 10^(k-1) <= value < 10^k.
    const double approx = std::ldexp(static_cast<double>(f.significand), f.exponent);
    int k = static_cast<int>(std::floor(std::log10(approx))) + 1;
    if (k > 0) s.multiply_pow10(k);
    else if (k < 0) {
        r.multiply_pow10(-k);
        lo.multiply_pow10(-k);
    }
    while (compare(r, s) >= 0) {
        s.multiply(10);
        ++k;
    }
    for (;;) {
        bignum r10 = r;
        r10.multiply(10);
        if (compare(r10, s) >= 0) break;
        r = std::move(r10);
        lo.multiply(10);
        --k;
    }
    // with a fraction-digit limit, a value below the last allowed digit starts there (as zeros)
    if (mode == cutoff::fractional && max_digits >= 0 && k <= -max_digits) {
        s.multiply_pow10(-max_digits + 1 - k);
        k = -max_digits + 1;
    }

    // positions (powers of ten) of the last digit allowed, and of the last one required
    int last_allowed = k - 100000;
    if (max_digits >= 0) last_allowed = mode == cutoff::significant ? k - max_digits : -max_digits;
    int last_required = k;
    if (min_digits >= 0) last_required = std::min(k, mode == cutoff::significant ? k - min_digits : -min_digits);

    std::string out;
    int pos = k;
    unsigned digit = 0;
    bool low = false, high = false;
    for (;;) {
        --pos;
        r.multiply(10);
        lo.multiply(10);
        digit = 0;
        while (compare(r, s) >= 0) {
            r.subtract(s);
            ++digit;
        }
        const int cl = compare(r, lo);
        low = even ? cl <= 0 : cl < 0;
        bignum up = r;
        up.add(high_of(lo));
        const int ch = compare(up, s);
        high = even ? ch >= 0 : ch > 0;
        if (((low || high) && pos <= last_required) || pos <= last_allowed) break;
        out.push_back(static_cast<char>('0' + digit));
    }

    bool round_down = low;
    if (low == high) {  // both directions allowed (or neither): go to the nearer one
        bignum twice = r;
        twice.shift_left(1);
        const int c = compare(twice, s);
        round_down = c < 0 || (c == 0 && digit % 2 == 0);
    }
    int exponent = k - 1;
    if (round_down) {
        out.push_back(static_cast<char>('0' + digit));
    } else if (digit < 9) {
        out.push_back(static_cast<char>('0' + digit + 1));
    } else {
        while (!out.empty() && out.back() == '9') out.pop_back();
        if (out.empty()) {
            out = "1";
            ++exponent;
        } else {
            ++out.back();
        }
    }
    return {std::move(out), exponent};
}

/// A formatted float split as numpy splits it: integer part (with '-'), fraction digits,
/// and (scientific only) the decimal exponent.
struct float_text {
    std::string int_part;
    std::string frac_part;
    int exponent = 0;
};

/// numpy's dragon4_positional(x, precision=8, unique=True, fractional=True, trim='.',
/// min_digits=min_digits), before padding.
template <class T>
float_text positional(T x, int min_digits) {
    const float_bits f = decompose(x);
    const decimal d = shortest_digits(f, cutoff::fractional, precision, min_digits);
    float_text t;
    const int n = static_cast<int>(d.digits.size());
    if (d.exponent >= 0) {
        const int whole = d.exponent + 1;
        if (n <= whole) {
            t.int_part = d.digits + std::string(static_cast<std::size_t>(whole - n), '0');
        } else {
            t.int_part = d.digits.substr(0, static_cast<std::size_t>(whole));
            t.frac_part = d.digits.substr(static_cast<std::size_t>(whole));
        }
    } else {
        t.int_part = "0";
        t.frac_part = std::string(static_cast<std::size_t>(-d.exponent - 1), '0') + d.digits;
    }
    if (min_digits > static_cast<int>(t.frac_part.size()))
        t.frac_part.append(static_cast<std::size_t>(min_digits) - t.frac_part.size(), '0');
    while (static_cast<int>(t.frac_part.size()) > std::max(min_digits, 0) && t.frac_part.back() == '0')
        t.frac_part.pop_back();
    if (f.negative) t.int_part.insert(0, 1, '-');
    return t;
}

/// numpy's dragon4_scientific(x, precision=max_frac, unique=True, min_digits=min_frac),
/// before padding; trailing zeros are removed down to min_frac digits.
template <class T>
float_text scientific(T x, int max_frac, int min_frac) {
    const float_bits f = decompose(x);
    const decimal d = shortest_digits(f, cutoff::significant, max_frac + 1, min_frac < 0 ? -1 : min_frac + 1);
    float_text t;
    t.int_part = d.digits.substr(0, 1);
    t.frac_part = d.digits.substr(1);
    t.exponent = d.exponent;
    if (min_frac > static_cast<int>(t.frac_part.size()))
        t.frac_part.append(static_cast<std::size_t>(min_frac) - t.frac_part.size(), '0');
    while (static_cast<int>(t.frac_part.size()) > std::max(min_frac, 0) && t.frac_part.back() == '0')
        t.frac_part.pop_back();
    if (f.negative) t.int_part.insert(0, 1, '-');
    return t;
}

/// Number of decimal digits numpy prints for an exponent (at least 2).
inline std::size_t exponent_digits(int e) {
    return std::max<std::size_t>(2, std::to_string(e < 0 ? -e : e).size());
}

/// s right-aligned in `width` characters.
inline std::string pad_left(std::string s, std::size_t width) {
    if (s.size() < width) s.insert(0, width - s.size(), ' ');
    return s;
}

/// numpy's FloatingFormat (floatmode 'maxprec', sign '-'): one width and style for all the
/// elements, chosen from the elements that are printed.
template <class T>
class float_format {
public:
    /// Chooses the format from the printed elements (numpy's fillFormat).
    explicit float_format(const std::vector<T>& shown) {
        std::vector<T> finite;
        bool nonfinite = false, negative_inf = false;
        for (T x : shown) {
            if (std::isfinite(x)) finite.push_back(x);
            else {
                nonfinite = true;
                if (std::isinf(x) && x < 0) negative_inf = true;
            }
        }
        bool any_nonzero = false;
        T max_abs = 0, min_abs = 0;
        for (T x : finite) {
            if (x == 0) continue;
            const T a = std::fabs(x);
            if (!any_nonzero) max_abs = min_abs = a;
            max_abs = std::max(max_abs, a);
            min_abs = std::min(min_abs, a);
            any_nonzero = true;
        }
        if (any_nonzero) {
            const T ratio = max_abs / min_abs;  // in T, as numpy divides the two scalars
            exp_mode_ = static_cast<double>(max_abs) >= 1e8 || static_cast<double>(min_abs) < 1e-4 ||
                        static_cast<double>(ratio) > 1000.0;
        }
        if (finite.empty()) {
            pad_left_ = pad_right_ = 0;
        } else if (exp_mode_) {
            for (T x : finite) {
                const float_text t = scientific(x, precision, -1);
                pad_left_ = std::max(pad_left_, t.int_part.size());
                frac_digits_ = std::max(frac_digits_, static_cast<int>(t.frac_part.size()));
                exp_digits_ = std::max(exp_digits_, exponent_digits(t.exponent));
            }
            pad_right_ = exp_digits_ + 2 + static_cast<std::size_t>(frac_digits_);
        } else {
            for (T x : finite) {
                const float_text t = positional(x, -1);
                pad_left_ = std::max(pad_left_, t.int_part.size());
                pad_right_ = std::max(pad_right_, t.frac_part.size());
            }
        }
        if (nonfinite) {
            const std::size_t offset = pad_right_ + 1;
            const std::size_t inf_len = negative_inf ? 4 : 3;
            if (3 > offset) pad_left_ = std::max(pad_left_, 3 - offset);
            if (inf_len > offset) pad_left_ = std::max(pad_left_, inf_len - offset);
        }
    }

    /// One element, padded to the common width.
    std::string operator()(T x) const {
        if (std::isnan(x)) return pad_left("nan", pad_left_ + pad_right_ + 1);
        if (std::isinf(x)) return pad_left(x < 0 ? "-inf" : "inf", pad_left_ + pad_right_ + 1);
        if (exp_mode_) {
            const float_text t = scientific(x, frac_digits_, frac_digits_);
            std::string e = std::to_string(t.exponent < 0 ? -t.exponent : t.exponent);
            if (e.size() < exp_digits_) e.insert(0, exp_digits_ - e.size(), '0');
            return pad_left(t.int_part, pad_left_) + '.' + t.frac_part + 'e' + (t.exponent < 0 ? '-' : '+') + e;
        }
        const float_text t = positional(x, 0);
        std::string s = pad_left(t.int_part, pad_left_) + '.' + t.frac_part;
        if (t.frac_part.size() < pad_right_) s.append(pad_right_ - t.frac_part.size(), ' ');
        return s;
    }

private:
    bool exp_mode_ = false;
    std::size_t pad_left_ = 0, pad_right_ = 0;
    int frac_digits_ = 0;          // scientific: fraction digits of every element
    std::size_t exp_digits_ = 0;   // scientific: exponent digits of every element
};

/// numpy's IntegerFormat: right-aligned to the longest of str(max) and str(min).
template <class T>
class int_format {
public:
    /// Takes the width from the printed elements.
    explicit int_format(const std::vector<T>& shown) {
        if (shown.empty()) return;
        const auto [lo, hi] = std::minmax_element(shown.begin(), shown.end());
        width_ = std::max(std::to_string(*lo).size(), std::to_string(*hi).size());
    }
    /// One element, right-aligned.
    std::string operator()(T x) const { return pad_left(std::to_string(x), width_); }

private:
    std::size_t width_ = 0;
};

/// The element formatter numpy picks for T.
template <class T>
using format_for = std::conditional_t<std::is_floating_point_v<T>, float_format<T>, int_format<T>>;

/// Python's str.rstrip() for the spaces a line can end with.
inline std::string rstrip(std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

/// numpy's _formatArray: nested brackets, line wrapping and summarisation.
template <class T, class Format>
class array_formatter {
public:
    /// Formats the row-major `data` of `shape` with `fmt`, summarised or not.
    array_formatter(const T* data, const Shape& shape, const Format& fmt, bool summarise)
        : data_(data), shape_(shape), fmt_(fmt), summarise_(summarise), strides_(shape.size(), 1) {
        for (std::size_t i = shape.size(); i-- > 1;) strides_[i - 1] = strides_[i] * static_cast<std::size_t>(shape[i]);
    }

    /// The bracketed text; continuation lines start with `indent`, lines end before `width`.
    std::string run(const std::string& indent, std::ptrdiff_t width) const { return recurse(0, 0, indent, width); }

private:
    // numpy's _extendLine: start a new line when the word does not fit (unless that cannot help).
    static void extend(std::string& s, std::string& line, const std::string& word, std::ptrdiff_t width,
                       const std::string& indent) {
        const bool wrap = static_cast<std::ptrdiff_t>(line.size() + word.size()) > width && line.size() > indent.size();
        if (wrap) {
            s += rstrip(line);
            s += '\n';
            line = indent;
        }
        line += word;
    }

    std::string recurse(std::size_t axis, std::size_t offset, const std::string& indent, std::ptrdiff_t width) const {
        if (axis == shape_.size()) return fmt_(data_[offset]);
        const std::string next_indent = indent + ' ';
        const std::ptrdiff_t next_width = width - 1;  // len(']')
        const auto len = static_cast<std::size_t>(shape_[axis]);
        const bool summary = summarise_ && 2 * edge_items < len;
        const std::size_t leading = summary ? edge_items : 0, trailing = summary ? edge_items : len;
        auto child = [&](std::size_t i) { return recurse(axis + 1, offset + i * strides_[axis], next_indent, next_width); };

        std::string s;
        if (axis + 1 == shape_.size()) {
            const std::ptrdiff_t elem_width = width - 1;  // max(len(','), len(']'))
            std::string line = indent;
            for (std::size_t i = 0; i < leading; ++i) {
                extend(s, line, child(i), elem_width, indent);
                line += ", ";
            }
            if (summary) {
                extend(s, line, "...", elem_width, indent);
                line += ", ";
            }
            for (std::size_t i = trailing; i > 1; --i) {
                extend(s, line, child(len - i), elem_width, indent);
                line += ", ";
            }
            extend(s, line, child(len - 1), elem_width, indent);
            s += line;
        } else {
            const std::string sep = "," + std::string(shape_.size() - axis - 1, '\n');
            for (std::size_t i = 0; i < leading; ++i) s += indent + child(i) + sep;
            if (summary) s += indent + "..." + sep;
            for (std::size_t i = trailing; i > 1; --i) s += indent + child(len - i) + sep;
            s += indent + child(len - 1);
        }
        return '[' + s.substr(indent.size()) + ']';
    }

    const T* data_;
    const Shape& shape_;
    const Format& fmt_;
    bool summarise_;
    std::vector<std::size_t> strides_;
};

/// The elements numpy looks at to choose the format: all of them, or for a summarised
/// array only the first and last edge_items along every longer axis.
template <class T>
std::vector<T> shown_elements(const T* data, const Shape& shape, bool summarise) {
    const std::size_t nd = shape.size();
    std::vector<std::vector<std::size_t>> picks(nd);
    for (std::size_t a = 0; a < nd; ++a) {
        const auto len = static_cast<std::size_t>(shape[a]);
        for (std::size_t i = 0; i < len; ++i)
            if (!summarise || len <= 2 * edge_items || i < edge_items || i >= len - edge_items) picks[a].push_back(i);
    }
    std::vector<std::size_t> strides(nd, 1);
    for (std::size_t a = nd; a-- > 1;) strides[a - 1] = strides[a] * static_cast<std::size_t>(shape[a]);
    std::vector<T> out;
    std::vector<std::size_t> at(nd, 0);  // odometer over picks
    for (;;) {
        std::size_t offset = 0;
        for (std::size_t a = 0; a < nd; ++a) offset += picks[a][at[a]] * strides[a];
        out.push_back(data[offset]);
        std::size_t a = nd;
        while (a > 0 && ++at[a - 1] == picks[a - 1].size()) at[--a] = 0;
        if (a == 0) break;
    }
    return out;
}

/// numpy's repr(array); throws symflow::error for an empty handle.
inline std::string repr(const NDArray& x) {
    if (x.is_none()) throw error("NDArray::asnumpy(): cannot print an empty (default-constructed) NDArray");
    const Shape& shape = x.shape();
    const std::size_t size = x.size();
    const bool implied = x.dtype() == dtype::float64 || x.dtype() == dtype::int64;  // numpy's defaults on Linux
    const bool skip_dtype = implied && size > 0;
    const std::string prefix = "array(";
    const std::string suffix = skip_dtype ? ")" : ",";

    std::string body;
    if (size > 0) {
        const bool summarise = size > threshold;
        body = visit_dtype(x.dtype(), [&](auto tag) {
            using T = decltype(tag);
            const T* data = x.data<T>().data();
            const format_for<T> fmt(shown_elements(data, shape, summarise));
            const array_formatter<T, format_for<T>> f(data, shape, fmt, summarise);
            return f.run(std::string(prefix.size() + 1, ' '), line_width - static_cast<std::ptrdiff_t>(suffix.size()));
        });
    } else if (shape.size() == 1) {
        body = "[]";
    } else {
        body = "[], shape=" + shape.str();
    }
    std::string out = prefix + body + suffix;
    if (skip_dtype) return out;

    const std::string dtype_text = "dtype=" + std::string(dtype_name(x.dtype())) + ")";
    const std::size_t newline = out.rfind('\n');
    const std::size_t last_line = out.size() - (newline == std::string::npos ? 0 : newline + 1);
    if (static_cast<std::ptrdiff_t>(last_line + dtype_text.size() + 1) > line_width)
        out += '\n' + std::string(prefix.size(), ' ');
    else
        out += ' ';
    return out + dtype_text;
}

} // namespace detail::numpy_repr

/// What `x.asnumpy()` returns: a handle on the array (sharing its storage) that prints
/// exactly what numpy 1.24 prints for repr() of an array with the same dtype, shape and
/// values, with numpy's default print options.
class numpy_view {
public:
    /// A view of `x`; printing it throws symflow::error if `x` is an empty handle.
    explicit numpy_view(NDArray x) : array_(std::move(x)) {}

    /// The viewed array.
    const NDArray& array() const { return array_; }

    /// numpy's repr text, e.g. "array([1., 2.], dtype=float32)".
    std::string str() const { return detail::numpy_repr::repr(array_); }

    /// Writes str() to `os`.
    friend std::ostream& operator<<(std::ostream& os, const numpy_view& v) { return os << v.str(); }

private:
    NDArray array_;
};

/// A printable numpy-style view of this array (declared in ndarray.hpp).
inline numpy_view NDArray::asnumpy() const { return numpy_view(*this); }

} // namespace symflow::nd
