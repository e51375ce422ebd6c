#pragma once
// Reading op attributes back from MXNet's string form ("True", "(2, 3)", "0.5", "None"),
// the inverse of each params struct's to_attrs(). The runtime graph and the JSON loader
// keep attributes as strings; a params struct's `from_attrs(attr_reader)` turns them into
// the typed params the kernels take. Every malformed value is a symflow::error naming the
// op, the node, the key and the text.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"

namespace symflow::ops {

/// An op's attributes as MXNet stores them: sorted key -> Python-style text.
using attr_map = std::map<std::string, std::string>;

namespace attr_detail {
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}
/// s equals word ignoring ASCII case.
inline bool iequals(std::string_view s, std::string_view word) {
    if (s.size() != word.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != word[i]) return false;
    }
    return true;
}
/// The range of MXNet's (and symflow's) `int` attributes.
inline constexpr long long int_lo = std::numeric_limits<int>::min();
inline constexpr long long int_hi = std::numeric_limits<int>::max();
/// "[lo, hi]", "at least lo" or "at most hi" for messages.
inline std::string range_str(long long lo, long long hi) {
    constexpr long long min = std::numeric_limits<long long>::min(), max = std::numeric_limits<long long>::max();
    if (lo == min && hi == max) return "any integer";
    if (hi == max) return "at least " + std::to_string(lo);
    if (lo == min) return "at most " + std::to_string(hi);
    return "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}
} // namespace attr_detail

/// Bool spellings as MXNet's parameter parser accepts them: true/false in any case
/// (Python's True/False) and 1/0.
inline std::optional<bool> parse_bool(std::string_view s) {
    s = attr_detail::trim(s);
    if (attr_detail::iequals(s, "true") || s == "1") return true;
    if (attr_detail::iequals(s, "false") || s == "0") return false;
    return std::nullopt;
}

/// A whole decimal integer ("-3", "+4"); "2L" (Python 2 longs) is accepted too.
/// Values outside long long's range are not integers.
inline std::optional<long long> parse_int(std::string_view s) {
    s = attr_detail::trim(s);
    if (!s.empty() && (s.back() == 'L' || s.back() == 'l')) s.remove_suffix(1);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (!s.empty() && (s.front() == '-' || s.front() == '+')) return std::nullopt;  // "+-3"
    }
    if (s.empty()) return std::nullopt;
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

/// A number as Python writes floats ("2.0", "1e-07", "inf", "-inf", "nan") or an integer.
/// A finite number too large for a double is not a number; one too small for it is its
/// nearest double (0 or a subnormal), as Python's float() reads it.
inline std::optional<double> parse_float(std::string_view s) {
    s = attr_detail::trim(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (!s.empty() && (s.front() == '-' || s.front() == '+')) return std::nullopt;  // "+-2"
    }
    if (s.empty()) return std::nullopt;
    const bool neg = s.front() == '-';
    const std::string_view body = neg ? s.substr(1) : s;
    if (attr_detail::iequals(body, "inf") || attr_detail::iequals(body, "infinity"))
        return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (attr_detail::iequals(body, "nan")) return std::numeric_limits<double>::quiet_NaN();
    if (body.empty() || !(body.front() == '.' || (body.front() >= '0' && body.front() <= '9')))
        return std::nullopt;  // "--1", "nan(1)", "in"...: only digits may follow the sign
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (p != s.data() + s.size()) return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        // from_chars reports underflow and overflow alike: strtod tells them apart
        const std::string copy(s);
        const double d = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(d)) return std::nullopt;
        return d;
    }
    if (ec != std::errc{}) return std::nullopt;
    return v;
}

/// A tuple of integers or None: "(2, 3)", "(5,)", "()", "[2, 3]", "(-1)", "(2, None)", or
/// one bare integer "2" (MXNet's tuple parser reads that as (2,)). Empty text, empty
/// entries ("(1,,2)", "(,)"), unbalanced brackets and a bare list "2, 3" are not tuples.
inline std::optional<std::vector<std::optional<long long>>> parse_opt_tuple(std::string_view s) {
    s = attr_detail::trim(s);
    std::vector<std::optional<long long>> out;
    if (s.empty()) return std::nullopt;
    const bool bracketed = (s.front() == '(' && s.back() == ')') || (s.front() == '[' && s.back() == ']');
    if (!bracketed) {
        // one integer; anything else (a list, a bracket, None) is not a tuple
        auto v = parse_int(s);
        if (!v) return std::nullopt;
        out.emplace_back(*v);
        return out;
    }
    s = attr_detail::trim(s.substr(1, s.size() - 2));
    if (s.empty()) return out;  // "()", "[ ]"
    std::size_t start = 0;
    while (true) {
        const auto comma = s.find(',', start);
        const auto item = attr_detail::trim(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start));
        if (item.empty()) {
            if (comma == std::string_view::npos && !out.empty()) break;  // one trailing comma: "(5,)"
            return std::nullopt;
        }
        if (item == "None") out.emplace_back(std::nullopt);
        else if (auto v = parse_int(item)) out.emplace_back(*v);
        else return std::nullopt;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

/// A tuple of integers without None entries.
inline std::optional<std::vector<long long>> parse_tuple(std::string_view s) {
    auto t = parse_opt_tuple(s);
    if (!t) return std::nullopt;
    std::vector<long long> out;
    for (const auto& v : *t) {
        if (!v) return std::nullopt;
        out.push_back(*v);
    }
    return out;
}

/// Reads typed values out of one node's attributes; errors name the op, node, key and text.
/// Keys nobody asks for are ignored (MXNet files carry __shape__, ctx_group, workspace...).
/// The reader keeps its own copy of the attributes and names, so it may be made from
/// temporaries.
class attr_reader {
public:
    attr_reader(const attr_map& attrs, std::string_view op, std::string_view node)
        : attrs_(attrs), op_(op), node_(node) {}

    /// Whether `key` is present.
    bool has(std::string_view key) const { return find(key) != nullptr; }
    /// The raw text, or `def` when absent.
    std::string str(std::string_view key, std::string def = {}) const {
        auto* v = find(key);
        return v ? *v : def;
    }
    /// The raw text of a required attribute.
    std::string require(std::string_view key) const {
        auto* v = find(key);
        if (!v) throw error(where() + "the required attribute " + std::string(key) + " is missing");
        return *v;
    }
    /// True/False (also true/false in any case, 1/0).
    bool boolean(std::string_view key, bool def) const {
        auto* v = find(key);
        if (!v) return def;
        if (auto b = parse_bool(*v)) return *b;
        throw bad(key, *v, "a bool (True or False)");
    }
    /// An integer in [lo, hi].
    long long integer(std::string_view key, long long def, long long lo = std::numeric_limits<long long>::min(),
                      long long hi = std::numeric_limits<long long>::max()) const {
        auto* v = find(key);
        if (!v) return def;
        return checked_int(key, *v, lo, hi);
    }
    /// An integer in [lo, hi], or nullopt when absent or "None".
    std::optional<long long> opt_integer(std::string_view key, long long lo = std::numeric_limits<long long>::min(),
                                         long long hi = std::numeric_limits<long long>::max()) const {
        auto* v = find(key);
        if (!v || attr_detail::trim(*v) == "None") return std::nullopt;
        return checked_int(key, *v, lo, hi);
    }
    /// A floating-point number (inf and nan allowed).
    double real(std::string_view key, double def) const {
        auto* v = find(key);
        if (!v) return def;
        if (auto d = parse_float(*v)) return *d;
        throw bad(key, *v, "a number");
    }
    /// A tuple of integers in [lo, hi] ("(2, 3)"), or `def` when absent.
    std::vector<long long> tuple(std::string_view key, std::vector<long long> def = {},
                                 long long lo = std::numeric_limits<long long>::min(),
                                 long long hi = std::numeric_limits<long long>::max()) const {
        auto* v = find(key);
        if (!v) return def;
        auto t = parse_tuple(*v);
        if (!t) throw bad(key, *v, "a tuple of integers such as (2, 3)");
        for (long long x : *t)
            if (x < lo || x > hi) throw bad(key, *v, "a tuple of integers " + attr_detail::range_str(lo, hi));
        return std::move(*t);
    }
    /// A tuple whose entries may be None ("(0, None)"), or `def` when absent.
    std::vector<std::optional<long long>> opt_tuple(std::string_view key,
                                                    std::vector<std::optional<long long>> def = {}) const {
        auto* v = find(key);
        if (!v) return def;
        if (auto t = parse_opt_tuple(*v)) return std::move(*t);
        throw bad(key, *v, "a tuple of integers or None such as (0, None)");
    }
    /// A tuple of integers in [lo, hi], or nullopt when absent or "None" (axis=None).
    std::optional<std::vector<long long>> maybe_tuple(std::string_view key,
                                                      long long lo = std::numeric_limits<long long>::min(),
                                                      long long hi = std::numeric_limits<long long>::max()) const {
        auto* v = find(key);
        if (!v || attr_detail::trim(*v) == "None") return std::nullopt;
        return tuple(key, {}, lo, hi);
    }
    /// A shape: a tuple of non-negative integers.
    Shape shape(std::string_view key, Shape def = {}) const {
        auto* v = find(key);
        if (!v) return def;
        auto t = parse_tuple(*v);
        if (!t) throw bad(key, *v, "a shape such as (2, 3)");
        std::vector<Shape::dim_t> dims;
        for (auto d : *t) {
            if (d < 0) throw bad(key, *v, "a shape of non-negative sizes");
            dims.push_back(static_cast<Shape::dim_t>(d));
        }
        return Shape(std::move(dims));
    }
    /// A dtype name ("float32", "int64"...).
    dtype dt(std::string_view key, dtype def) const {
        auto* v = find(key);
        if (!v) return def;
        for (dtype d : {dtype::float32, dtype::float64, dtype::int32, dtype::int64})
            if (dtype_name(d) == attr_detail::trim(*v)) return d;
        throw bad(key, *v, "one of float32, float64, int32, int64 (the dtypes symflow computes in)");
    }
    /// One of the listed words (compared exactly, as MXNet's enum attributes are).
    std::string one_of(std::string_view key, std::string def, std::initializer_list<std::string_view> allowed) const {
        auto* v = find(key);
        if (!v) return def;
        std::string list;
        for (auto a : allowed) {
            if (a == *v) return *v;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        throw bad(key, *v, "one of " + list);
    }

    /// "op FullyConnected, node 'fc1': " for messages.
    std::string where() const {
        std::string r = "op " + op_;
        if (!node_.empty()) r += ", node '" + node_ + "'";
        return r + ": ";
    }
    /// The error for a value that does not parse as `expected`.
    error bad(std::string_view key, std::string_view text, std::string_view expected) const {
        return error(where() + "attribute " + std::string(key) + "='" + std::string(text) + "' is not " +
                     std::string(expected));
    }
    const attr_map& attrs() const { return attrs_; }

private:
    const std::string* find(std::string_view key) const {
        auto it = attrs_.find(std::string(key));
        return it == attrs_.end() ? nullptr : &it->second;
    }
    long long checked_int(std::string_view key, const std::string& text, long long lo, long long hi) const {
        auto v = parse_int(text);
        if (!v) {
            // some writers store integer attributes as floats ("1.0"): accept exact integers
            auto d = parse_float(text);
            if (d && std::isfinite(*d) && std::floor(*d) == *d && std::abs(*d) < 9.0e18) v = static_cast<long long>(*d);
        }
        if (!v) throw bad(key, text, "an integer");
        if (*v < lo || *v > hi) throw bad(key, text, "an integer " + attr_detail::range_str(lo, hi));
        return *v;
    }

    attr_map attrs_;
    std::string op_, node_;
};

} // namespace symflow::ops
