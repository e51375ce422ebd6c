#pragma once
// NDArray files: MXNet's list format (mx.nd.save / mx.nd.load, `.params`) and numpy's `.npy`.
//
// Both readers treat their input as hostile: every count, length and shape is checked
// against the bytes that remain before anything is allocated for it, so a short or
// corrupt file throws symflow::error (naming the problem and where it is) and never
// allocates more than its own size justifies.
//
// MXNet list file (`save`, `load`), little-endian:
//   uint64 0x112, uint64 0, uint64 count, count records, uint64 name_count (0 or count),
//   name_count x (uint64 length, bytes).
//   A record is written as V2: uint32 0xF993FAC9, int32 stype 0 (dense), int32 ndim,
//   ndim x int64 dims, int32 dev_type 1, int32 dev_id 0 (cpu(0)), int32 type_flag
//   (0 float32, 1 float64, 4 int32, 6 int64), then the elements, row-major.
//   Read: V1 (0xF993FAC8: V2 without stype), V2, V3 (0xF993FACA: numpy shape semantics)
//   and the pre-V1 layout (the first word is ndim, dims are uint32).
//   Decisions:
//   * "none" arrays. MXNet writes a default-constructed (none) NDArray as a record whose
//     shape has ndim 0 (V1, V2, pre-V1) or ndim -1 (unknown shape, any version); the
//     record ends after the shape. load() returns it as a default-constructed NDArray
//     (`is_none()` true, Shape{}), as mx.nd.load does, and save() writes a none NDArray
//     back as exactly that V2 record, so none arrays round-trip.
//   * 0-d arrays. V2 cannot hold one (ndim 0 means none), so save() writes a 0-d array
//     as a V3 record (ndim 0, one element), which is what MXNet itself writes for a 0-d
//     array under numpy shape semantics; MXNet loads such a file only inside
//     `mx.util.np_shape(True)`. load() reads a V3 ndim-0 record as a 0-d array.
//   * The saved device is ignored: every array is loaded on cpu(0).
//   * Negative dimensions are an error in every version (MXNet's V3 "unknown" -1 only
//     occurs in the shape of a none array, whose ndim is -1, handled above).
//   * ndim above 32, sparse storage (row_sparse, csr), unknown type flags and the
//     dtypes symflow cannot hold (float16, uint8, int8, bool, int16, uint16, uint32,
//     uint64, bfloat16) are errors; the dtype error names the array's index and, when
//     the file has names, its name.
//   * Bytes after the names are ignored, as MXNet ignores them.
//
// numpy `.npy` (`save_npy`, `load_npy`):
//   Written as format 1.0 (2.0 if the header would not fit, which no shape of 32 or
//   fewer dimensions reaches) with the header numpy 1.24's np.save writes, byte for
//   byte: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, then numpy's
//   spare spaces for growing axis 0, then spaces and '\n' up to a multiple of 64 bytes.
//   Read: versions 1.0, 2.0 and 3.0; descr '<f4', '<f8', '<i4', '<i8' and their
//   big-endian forms '>f4', '>f8', '>i4', '>i8', which are byte-swapped on load;
//   fortran_order True is transposed into row-major. Any other descr ('|b1', '<f2',
//   '|u1', '|f4', a structured dtype, ...) is an error naming it. Bytes after the data
//   are ignored, as np.load ignores them. At most 32 dimensions, as numpy 1.x.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "ndarray.hpp"

namespace symflow::nd {

static_assert(std::endian::native == std::endian::little,
              "symflow/nd/io.hpp copies element bytes as they are: it needs a little-endian machine");

/// The contents of an MXNet NDArray list file: the arrays in file order and, for a
/// named file (a dict saved by mx.nd.save, or a checkpoint's `.params`), their names.
struct array_file {
    std::vector<std::string> names;  ///< one per array, or empty for a list file
    std::vector<NDArray> arrays;     ///< the arrays; a none record loads as a default-constructed NDArray

    /// The arrays by name; throws symflow::error for a list file (no names) or a repeated name.
    std::map<std::string, NDArray> as_map() const {
        std::map<std::string, NDArray> m;
        if (names.empty() && !arrays.empty())
            throw error("array_file::as_map: the file holds an unnamed list of " + std::to_string(arrays.size()) +
                        " arrays; use .arrays");
        if (names.size() != arrays.size())
            throw error("array_file::as_map: " + std::to_string(names.size()) + " names for " +
                        std::to_string(arrays.size()) + " arrays");
        for (std::size_t i = 0; i < names.size(); ++i)
            if (!m.emplace(names[i], arrays[i]).second)
                throw error("array_file::as_map: the name '" + names[i] + "' occurs more than once");
        return m;
    }
};

namespace detail::io {

inline constexpr std::uint64_t list_magic = 0x112;       ///< MXNet's kMXAPINDArrayListMagic
inline constexpr std::uint32_t v1_magic = 0xF993FAC8u;   ///< record V1: int64 TShape, no storage type
inline constexpr std::uint32_t v2_magic = 0xF993FAC9u;   ///< record V2: with storage type
inline constexpr std::uint32_t v3_magic = 0xF993FACAu;   ///< record V3: numpy shape semantics
inline constexpr std::int64_t max_ndim = 32;              ///< numpy 1.x's NPY_MAXDIMS, for both formats
inline constexpr std::size_t npy_align = 64;              ///< numpy's ARRAY_ALIGN: where the data starts
inline constexpr std::size_t npy_growth_digits = 21;      ///< numpy's GROWTH_AXIS_MAX_DIGITS

/// "0x%08X".
inline std::string hex(std::uint64_t v, int digits = 8) {
    static constexpr char d[] = "0123456789ABCDEF";
    std::string s(static_cast<std::size_t>(digits), '0');
    for (int i = digits - 1; i >= 0 && v != 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = d[v & 15];
    return "0x" + s;
}

/// A bounds-checked little-endian cursor over a byte buffer; every read names its field.
class reader {
public:
    explicit reader(std::string_view buf) : buf_(buf) {}
    std::size_t remaining() const { return buf_.size() - pos_; }  ///< bytes not yet read
    std::size_t offset() const { return pos_; }                   ///< bytes read so far

    /// The next sizeof(T) bytes as a little-endian T.
    template <class T>
    T get(const std::string& field) {
        T v;
        std::memcpy(&v, take(sizeof(T), field).data(), sizeof(T));
        return v;
    }
    /// The next n bytes.
    std::string_view take(std::size_t n, const std::string& field) {
        if (n > remaining())
            throw error("truncated at byte " + std::to_string(pos_) + ": " + field + " needs " + std::to_string(n) +
                        " bytes, " + std::to_string(remaining()) + " remain");
        auto s = buf_.substr(pos_, n);
        pos_ += n;
        return s;
    }

private:
    std::string_view buf_;
    std::size_t pos_ = 0;
};

/// Appends v's little-endian bytes to out.
template <class T>
void put(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

/// Number of elements of `dims` (all non-negative), and the bytes they take at
/// `elem_size` each; throws if they exceed `remaining` bytes. Overflow is judged as
/// numpy does, counting a zero dimension as one, so the check does not depend on order.
inline std::size_t checked_bytes(const std::vector<std::int64_t>& dims, std::size_t elem_size, std::size_t remaining,
                                 const std::string& what) {
    constexpr std::uint64_t limit = std::uint64_t(1) << 62;
    std::uint64_t bound = 1;  // product with zeros counted as ones
    bool empty = false;
    for (std::int64_t d : dims) {
        if (d == 0) empty = true;
        std::uint64_t u = d == 0 ? 1 : static_cast<std::uint64_t>(d);
        if (bound > limit / u)
            throw error(what + ": shape " + Shape(dims).str() + " has too many elements (the product overflows)");
        bound *= u;
    }
    std::uint64_t n = empty ? 0 : bound;
    if (n > limit / elem_size)
        throw error(what + ": shape " + Shape(dims).str() + " has too many elements (the byte count overflows)");
    std::uint64_t bytes = n * elem_size;
    if (bytes > remaining)
        throw error(what + ": shape " + Shape(dims).str() + " needs " + std::to_string(bytes) +
                    " bytes of data but only " + std::to_string(remaining) + " remain");
    return static_cast<std::size_t>(bytes);
}

/// The whole file as bytes; `fn` names the calling function in errors.
inline std::string read_file(const std::string& path, const char* fn) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw error(std::string(fn) + ": cannot open '" + path + "' for reading");
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) throw error(std::string(fn) + ": error reading '" + path + "'");
    return std::move(ss).str();
}

/// Writes bytes to path, replacing it.
inline void write_file(const std::string& path, const std::string& bytes, const char* fn) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw error(std::string(fn) + ": cannot open '" + path + "' for writing");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw error(std::string(fn) + ": error writing '" + path + "'");
}

/// Runs f, prefixing the message of a symflow::error it throws with `prefix`.
template <class F>
decltype(auto) with_prefix(const std::string& prefix, F&& f) {
    try {
        return f();
    } catch (const error& e) {
        throw error(prefix + ": " + e.what());
    }
}

// ---- MXNet list file --------------------------------------------------------------------

/// MXNet's type_flag for dt.
constexpr std::int32_t mx_type_flag(dtype dt) { return static_cast<std::int32_t>(dt); }

/// The dtype of an MXNet type_flag, if symflow holds it.
inline std::optional<dtype> mx_dtype(std::int32_t flag) {
    switch (flag) {
    case 0: return float32;
    case 1: return float64;
    case 4: return int32;
    case 6: return int64;
    default: return std::nullopt;
    }
}

/// Name and element size of an MXNet type flag symflow does not hold (size 0: unknown flag).
inline std::pair<const char*, std::size_t> mx_other_type(std::int32_t flag) {
    switch (flag) {
    case 2: return {"float16", 2};
    case 3: return {"uint8", 1};
    case 5: return {"int8", 1};
    case 7: return {"bool", 1};
    case 8: return {"int16", 2};
    case 9: return {"uint16", 2};
    case 10: return {"uint32", 4};
    case 11: return {"uint64", 8};
    case 12: return {"bfloat16", 2};
    default: return {"unknown", 0};
    }
}

/// One record as parsed: its shape and dtype and where its elements are, not yet copied.
struct record {
    bool none = false;               ///< a none array: no shape, no data
    std::vector<std::int64_t> dims;  ///< the shape
    dtype dt = float32;              ///< the element type (when symflow holds it)
    std::string_view data;           ///< the element bytes, inside the input
};

/// A record whose dtype symflow cannot hold; reported once the names are known.
struct bad_dtype {
    std::size_t index;  ///< the array's position in the file
    std::int32_t flag;  ///< its type_flag
};

/// Parses record `i` at r's position.
inline record read_record(reader& r, std::size_t i, std::optional<bad_dtype>& bad) {
    const std::string at = "array " + std::to_string(i);
    const std::size_t start = r.offset();
    const auto magic = r.get<std::uint32_t>(at + " magic");
    record rec;
    std::int64_t ndim;
    bool int64_dims = true;
    if (magic == v2_magic || magic == v3_magic) {
        const auto stype = r.get<std::int32_t>(at + " storage type");
        if (stype != 0) {
            const char* name = stype == 1 ? "row_sparse" : stype == 2 ? "csr" : "unknown";
            throw error(at + " (byte " + std::to_string(start) + ") has " + name + " storage (type " +
                        std::to_string(stype) + "): only dense arrays can be loaded");
        }
        ndim = r.get<std::int32_t>(at + " ndim");
    } else if (magic == v1_magic) {
        ndim = r.get<std::int32_t>(at + " ndim");
    } else {
        // Pre-V1: the word is ndim and the dims are uint32.
        if (magic > static_cast<std::uint32_t>(max_ndim))
            throw error(at + " (byte " + std::to_string(start) + "): bad record magic " + hex(magic) +
                        ": not V1 0xF993FAC8, V2 0xF993FAC9 or V3 0xF993FACA, and too large for a pre-V1 ndim "
                        "(at most 32)");
        ndim = magic;
        int64_dims = false;
    }
    if (ndim == -1 || (ndim == 0 && magic != v3_magic)) {  // none: the record ends with its shape
        rec.none = true;
        return rec;
    }
    if (ndim < 0 || ndim > max_ndim)
        throw error(at + " (byte " + std::to_string(start) + ") has ndim " + std::to_string(ndim) +
                    ": expected 0 to 32 (or -1 for a none array)");
    const auto nd = static_cast<std::size_t>(ndim);
    const std::size_t dim_bytes = int64_dims ? 8 : 4;
    if (nd * dim_bytes > r.remaining()) r.take(nd * dim_bytes, at + " shape");  // throws: truncated
    rec.dims.resize(nd);
    for (std::size_t k = 0; k < nd; ++k) {
        std::int64_t d = int64_dims ? r.get<std::int64_t>(at + " dim")
                                    : static_cast<std::int64_t>(r.get<std::uint32_t>(at + " dim"));
        if (d < 0)
            throw error(at + " (byte " + std::to_string(start) + ") has negative dimension " + std::to_string(d) +
                        " at axis " + std::to_string(k));
        rec.dims[k] = d;
    }
    r.get<std::int32_t>(at + " device type");
    r.get<std::int32_t>(at + " device id");
    const auto flag = r.get<std::int32_t>(at + " type_flag");
    std::size_t elem;
    if (auto dt = mx_dtype(flag)) {
        rec.dt = *dt;
        elem = dtype_size(*dt);
    } else {
        elem = mx_other_type(flag).second;
        if (elem == 0)
            throw error(at + " (byte " + std::to_string(start) + ") has unknown type_flag " + std::to_string(flag));
        if (!bad) bad = bad_dtype{i, flag};
    }
    const std::size_t bytes = checked_bytes(rec.dims, elem, r.remaining(), at);
    rec.data = r.take(bytes, at + " data");
    return rec;
}

/// The error for an array of a dtype symflow cannot hold.
inline error bad_dtype_error(const bad_dtype& b, const std::vector<std::string>& names) {
    std::string who = "array " + std::to_string(b.index);
    if (b.index < names.size()) who += " ('" + names[b.index] + "')";
    return error(who + " has dtype " + mx_other_type(b.flag).first + " (type_flag " + std::to_string(b.flag) +
                 "): symflow holds float32, float64, int32 and int64 only");
}

/// Parses a whole list file.
inline array_file parse_list(std::string_view bytes) {
    reader r(bytes);
    const auto magic = r.get<std::uint64_t>("file header");
    if (magic != list_magic)
        throw error("not an MXNet NDArray file: header magic " + hex(magic, 16) + ", expected 0x112");
    r.get<std::uint64_t>("reserved header word");
    const auto count = r.get<std::uint64_t>("array count");
    if (count > r.remaining() / 4)  // the smallest record (pre-V1 none) is 4 bytes
        throw error("the file claims " + std::to_string(count) + " arrays but only " + std::to_string(r.remaining()) +
                    " bytes follow");
    std::vector<record> recs;
    std::vector<std::string> names;
    std::optional<bad_dtype> bad;
    try {
        for (std::uint64_t i = 0; i < count; ++i) recs.push_back(read_record(r, static_cast<std::size_t>(i), bad));
        const auto name_count = r.get<std::uint64_t>("name count");
        if (name_count != 0 && name_count != count)
            throw error("the file has " + std::to_string(name_count) + " names for " + std::to_string(count) +
                        " arrays (expected 0 or " + std::to_string(count) + ")");
        if (name_count > r.remaining() / 8)
            throw error("the file claims " + std::to_string(name_count) + " names but only " +
                        std::to_string(r.remaining()) + " bytes follow");
        for (std::uint64_t i = 0; i < name_count; ++i) {
            const std::string at = "name " + std::to_string(i);
            const auto len = r.get<std::uint64_t>(at + " length");
            if (len > r.remaining())
                throw error(at + " (byte " + std::to_string(r.offset() - 8) + ") claims " + std::to_string(len) +
                            " bytes but only " + std::to_string(r.remaining()) + " remain");
            names.emplace_back(r.take(static_cast<std::size_t>(len), at));
        }
    } catch (const error&) {
        if (!bad) throw;
        throw bad_dtype_error(*bad, {});  // the first problem in the file, even if more follow
    }
    if (bad) throw bad_dtype_error(*bad, names);

    array_file out;
    out.names = std::move(names);
    out.arrays.reserve(recs.size());
    for (const record& rec : recs) {
        if (rec.none) {
            out.arrays.emplace_back();
            continue;
        }
        NDArray a(Shape(rec.dims), rec.dt);
        if (!rec.data.empty()) std::memcpy(a.raw(), rec.data.data(), rec.data.size());
        out.arrays.push_back(std::move(a));
    }
    return out;
}

/// Appends a's record (V2; V3 for a 0-d array; the V2 none record for a none array).
inline void write_record(std::string& out, const NDArray& a) {
    if (a.is_none()) {
        put(out, v2_magic);
        put(out, std::int32_t{0});  // dense
        put(out, std::int32_t{0});  // ndim 0: none
        return;
    }
    put(out, a.ndim() == 0 ? v3_magic : v2_magic);
    put(out, std::int32_t{0});
    put(out, static_cast<std::int32_t>(a.ndim()));
    for (auto d : a.shape()) put(out, static_cast<std::int64_t>(d));
    put(out, std::int32_t{1});  // cpu
    put(out, std::int32_t{0});  // device 0
    put(out, mx_type_flag(a.dtype()));
    out.append(static_cast<const char*>(a.raw()), a.size() * dtype_size(a.dtype()));
}

/// The whole list file for arrays and (possibly empty) names.
inline std::string write_list(const std::vector<const NDArray*>& arrays, const std::vector<const std::string*>& names) {
    std::string out;
    put(out, list_magic);
    put(out, std::uint64_t{0});
    put(out, static_cast<std::uint64_t>(arrays.size()));
    for (const NDArray* a : arrays) write_record(out, *a);
    put(out, static_cast<std::uint64_t>(names.size()));
    for (const std::string* n : names) {
        put(out, static_cast<std::uint64_t>(n->size()));
        out += *n;
    }
    return out;
}

// ---- numpy .npy -------------------------------------------------------------------------

/// numpy's descr for dt: "<f4", "<f8", "<i4", "<i8".
constexpr std::string_view npy_descr(dtype dt) {
    switch (dt) {
    case dtype::float32: return "<f4";
    case dtype::float64: return "<f8";
    case dtype::int32: return "<i4";
    case dtype::int64: return "<i8";
    }
    return "";
}

/// One value of the header's Python dict literal: its kind, its text and its parts.
struct py_value {
    enum class kind { string, integer, name, tuple, list, dict } k;  ///< what the literal is
    std::string text;              ///< the string's contents, the integer's digits or the name
    std::vector<py_value> items;   ///< tuple or list items
    std::string_view raw;          ///< the literal as written
};

/// A parser for the subset of Python literals numpy's header uses.
class py_parser {
public:
    explicit py_parser(std::string_view s) : s_(s) {}

    /// The header's dict: (key, value) pairs in order.
    std::vector<std::pair<std::string, py_value>> dict() {
        skip_ws();
        expect('{');
        std::vector<std::pair<std::string, py_value>> out;
        for (;;) {
            skip_ws();
            if (peek() == '}') { ++pos_; break; }
            py_value key = value(0);
            if (key.k != py_value::kind::string) fail("a dict key that is not a string: " + std::string(key.raw));
            skip_ws();
            expect(':');
            out.emplace_back(key.text, value(0));
            skip_ws();
            if (peek() == ',') { ++pos_; continue; }
            skip_ws();
            expect('}');
            break;
        }
        skip_ws();
        if (pos_ != s_.size()) fail("text after the dict");
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw error("bad header at character " + std::to_string(pos_) + ": " + what);
    }
    char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    py_value value(int depth) {
        if (depth > 8) fail("nested too deeply");
        skip_ws();
        const std::size_t start = pos_;
        py_value v{};
        const char c = peek();
        if (c == '\'' || c == '"') {
            v.k = py_value::kind::string;
            ++pos_;
            while (pos_ < s_.size() && s_[pos_] != c) {
                if (s_[pos_] == '\\') fail("escapes in strings are not supported");
                v.text += s_[pos_++];
            }
            expect(c);
        } else if (c == '(' || c == '[') {
            v.k = c == '(' ? py_value::kind::tuple : py_value::kind::list;
            const char close = c == '(' ? ')' : ']';
            ++pos_;
            for (;;) {
                skip_ws();
                if (peek() == close) { ++pos_; break; }
                v.items.push_back(value(depth + 1));
                skip_ws();
                if (peek() == ',') { ++pos_; continue; }
                expect(close);
                break;
            }
        } else if (c == '{') {
            v.k = py_value::kind::dict;  // only skipped over (a descr of this form is refused)
            int level = 0;
            do {
                if (pos_ >= s_.size()) fail("unterminated '{'");
                if (s_[pos_] == '{') ++level;
                if (s_[pos_] == '}') --level;
                ++pos_;
            } while (level > 0);
        } else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
            v.k = py_value::kind::integer;
            if (c == '-' || c == '+') v.text += s_[pos_++];
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') v.text += s_[pos_++];
            if (peek() == 'L') ++pos_;  // Python 2 long
            if (v.text.empty() || v.text == "-" || v.text == "+") fail("a malformed number");
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') {
            v.k = py_value::kind::name;
            while (pos_ < s_.size() && ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z') ||
                                         (s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '_'))
                v.text += s_[pos_++];
        } else {
            fail(pos_ < s_.size() ? std::string("unexpected character '") + c + "'" : "unexpected end");
        }
        v.raw = s_.substr(start, pos_ - start);
        return v;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

/// A shape dimension from its digits; throws when negative or beyond int64.
inline std::int64_t npy_dim(const py_value& v, std::size_t axis) {
    if (v.k != py_value::kind::integer)
        throw error("shape entry " + std::to_string(axis) + " is not an integer: " + std::string(v.raw));
    if (v.text[0] == '-' && v.text != "-0")
        throw error("negative dimension " + v.text + " at axis " + std::to_string(axis));
    std::int64_t d = 0;
    for (char ch : v.text) {
        if (ch < '0' || ch > '9') continue;
        if (d > (std::numeric_limits<std::int64_t>::max() - (ch - '0')) / 10)
            throw error("dimension " + v.text + " at axis " + std::to_string(axis) + " is too large");
        d = d * 10 + (ch - '0');
    }
    return d;
}

/// Reverses the bytes of each `elem`-byte element in [p, p + bytes).
inline void byteswap_elements(char* p, std::size_t bytes, std::size_t elem) {
    for (std::size_t i = 0; i + elem <= bytes; i += elem) std::reverse(p + i, p + i + elem);
}

/// Copies column-major (Fortran) data `src` into row-major `dst`.
inline void fortran_to_c(const char* src, char* dst, const std::vector<std::int64_t>& dims, std::size_t elem) {
    const std::size_t nd = dims.size();
    std::size_t n = 1;
    for (auto d : dims) n *= static_cast<std::size_t>(d);
    if (n == 0) return;
    std::vector<std::size_t> stride(nd), idx(nd, 0);  // Fortran strides, in elements
    std::size_t s = 1;
    for (std::size_t k = 0; k < nd; ++k) {
        stride[k] = s;
        s *= static_cast<std::size_t>(dims[k]);
    }
    std::size_t off = 0;  // Fortran offset of the current row-major index
    for (std::size_t i = 0; i < n; ++i) {
        std::memcpy(dst + i * elem, src + off * elem, elem);
        for (std::size_t k = nd; k-- > 0;) {  // next row-major index: the last axis moves fastest
            if (++idx[k] < static_cast<std::size_t>(dims[k])) {
                off += stride[k];
                break;
            }
            off -= (idx[k] - 1) * stride[k];
            idx[k] = 0;
        }
    }
}

/// Parses a whole .npy file.
inline NDArray parse_npy(std::string_view bytes) {
    reader r(bytes);
    const auto magic = r.take(6, "magic string");
    if (magic != std::string_view("\x93NUMPY", 6)) throw error("not a .npy file: it does not start with \\x93NUMPY");
    const auto major = static_cast<unsigned char>(r.take(1, "version")[0]);
    const auto minor = static_cast<unsigned char>(r.take(1, "version")[0]);
    if (major < 1 || major > 3 || minor != 0)
        throw error("unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    " (1.0, 2.0 and 3.0 are read)");
    const std::size_t hlen = major == 1 ? r.get<std::uint16_t>("header length") : r.get<std::uint32_t>("header length");
    if (hlen > r.remaining())
        throw error("header length " + std::to_string(hlen) + " exceeds the " + std::to_string(r.remaining()) +
                    " bytes that follow");
    const auto header = r.take(hlen, "header");

    std::optional<py_value> descr, fortran, shape;
    for (auto& [key, v] : py_parser(header).dict()) {
        std::optional<py_value>* slot = key == "descr" ? &descr : key == "fortran_order" ? &fortran
                                        : key == "shape"                                ? &shape
                                                                                        : nullptr;
        if (!slot) throw error("header has unexpected key '" + key + "'");
        if (*slot) throw error("header has key '" + key + "' twice");
        *slot = std::move(v);
    }
    if (!descr || !fortran || !shape) throw error("header lacks 'descr', 'fortran_order' or 'shape'");

    // dtype
    if (descr->k != py_value::kind::string) throw error("unsupported dtype descr " + std::string(descr->raw));
    const std::string& ds = descr->text;
    std::optional<dtype> dt;
    if (ds.size() == 3 && (ds[0] == '<' || ds[0] == '>')) {
        const std::string_view t = std::string_view(ds).substr(1);
        dt = t == "f4" ? std::optional(float32) : t == "f8" ? std::optional(float64)
           : t == "i4" ? std::optional(int32)   : t == "i8" ? std::optional(int64)
                                                           : std::nullopt;
    }
    if (!dt)
        throw error("unsupported dtype descr '" + ds + "': symflow reads '<f4', '<f8', '<i4', '<i8' (float32, float64, "
                    "int32, int64) and their big-endian '>' forms");
    const bool big_endian = ds[0] == '>';

    // fortran_order
    if (fortran->k != py_value::kind::name || (fortran->text != "True" && fortran->text != "False"))
        throw error("fortran_order is " + std::string(fortran->raw) + ", expected True or False");
    const bool fortran_order = fortran->text == "True";

    // shape
    if (shape->k != py_value::kind::tuple) throw error("shape is " + std::string(shape->raw) + ", expected a tuple");
    if (shape->items.size() > static_cast<std::size_t>(max_ndim))
        throw error("shape has " + std::to_string(shape->items.size()) + " dimensions, more than 32");
    std::vector<std::int64_t> dims;
    for (std::size_t k = 0; k < shape->items.size(); ++k) dims.push_back(npy_dim(shape->items[k], k));

    const std::size_t elem = dtype_size(*dt);
    const std::size_t nbytes = checked_bytes(dims, elem, r.remaining(), "data");
    const auto data = r.take(nbytes, "data");
    NDArray a(Shape(dims), *dt);
    char* dst = static_cast<char*>(a.raw());
    if (fortran_order && dims.size() > 1)
        fortran_to_c(data.data(), dst, dims, elem);
    else if (nbytes != 0)
        std::memcpy(dst, data.data(), nbytes);
    if (big_endian) byteswap_elements(dst, nbytes, elem);
    return a;
}

/// The .npy bytes of a, as numpy 1.24's np.save writes them.
inline std::string write_npy(const NDArray& a) {
    if (a.is_none()) throw error("the array is empty (default-constructed): nothing to save");
    std::string header = "{'descr': '" + std::string(npy_descr(a.dtype())) + "', 'fortran_order': False, 'shape': " +
                         a.shape().str() + ", }";
    if (a.ndim() > 0) header.append(npy_growth_digits - std::to_string(a.shape()[0]).size(), ' ');
    const std::size_t hlen = header.size() + 1;  // + '\n'
    std::size_t prefix = 6 + 2 + 2;               // magic, version, uint16 length
    unsigned char major = 1;
    std::size_t pad = npy_align - (prefix + hlen) % npy_align;
    if (hlen + pad > 0xFFFF) {  // numpy moves to 2.0 and a uint32 length
        major = 2;
        prefix = 6 + 2 + 4;
        pad = npy_align - (prefix + hlen) % npy_align;
    }
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(major);
    out += '\0';
    if (major == 1) put(out, static_cast<std::uint16_t>(hlen + pad));
    else put(out, static_cast<std::uint32_t>(hlen + pad));
    out += header;
    out.append(pad, ' ');
    out += '\n';
    out.append(static_cast<const char*>(a.raw()), a.size() * dtype_size(a.dtype()));
    return out;
}

} // namespace detail::io

// ---- MXNet NDArray list file (mx.nd.save / mx.nd.load) ----------------------------------

/// The bytes mx.nd.save writes for a list of arrays (no names).
inline std::string save_bytes(const std::vector<NDArray>& arrays) {
    std::vector<const NDArray*> p;
    for (const auto& a : arrays) p.push_back(&a);
    return detail::io::write_list(p, {});
}

/// The bytes mx.nd.save writes for named arrays (e.g. "arg:fc1_weight"), in key order.
inline std::string save_bytes(const std::map<std::string, NDArray>& arrays) {
    std::vector<const NDArray*> p;
    std::vector<const std::string*> n;
    for (const auto& [k, a] : arrays) {
        n.push_back(&k);
        p.push_back(&a);
    }
    return detail::io::write_list(p, n);
}

/// Writes a list of arrays as mx.nd.save(path, list) does.
inline void save(const std::string& path, const std::vector<NDArray>& arrays) {
    detail::io::write_file(path, save_bytes(arrays), "nd::save");
}

/// save_bytes({a, b}): a braced list of arrays (without it the call is ambiguous with the map form).
inline std::string save_bytes(std::initializer_list<NDArray> arrays) { return save_bytes(std::vector<NDArray>(arrays)); }

/// save(path, {a, b}): a braced list of arrays.
inline void save(const std::string& path, std::initializer_list<NDArray> arrays) {
    save(path, std::vector<NDArray>(arrays));
}

/// Writes named arrays as mx.nd.save(path, dict) does; a checkpoint's `.params` uses
/// the keys "arg:<name>" and "aux:<name>".
inline void save(const std::string& path, const std::map<std::string, NDArray>& arrays) {
    detail::io::write_file(path, save_bytes(arrays), "nd::save");
}

/// Reads MXNet NDArray list bytes (V1, V2, V3 or pre-V1 records); throws symflow::error on bad input.
inline array_file load_bytes(std::string_view bytes) {
    return detail::io::with_prefix("nd::load_bytes", [&] { return detail::io::parse_list(bytes); });
}

/// Reads a file written by mx.nd.save (or save() above), such as a checkpoint's `.params`.
inline array_file load(const std::string& path) {
    const std::string bytes = detail::io::read_file(path, "nd::load");
    return detail::io::with_prefix("nd::load('" + path + "')", [&] { return detail::io::parse_list(bytes); });
}

// ---- numpy .npy ----------------------------------------------------------------------------

/// The bytes numpy 1.24's np.save writes for a (format 1.0, C order, little-endian).
inline std::string save_npy_bytes(const NDArray& a) {
    return detail::io::with_prefix("nd::save_npy_bytes", [&] { return detail::io::write_npy(a); });
}

/// Writes a as a .npy file, byte-identical to numpy 1.24's np.save.
inline void save_npy(const std::string& path, const NDArray& a) {
    std::string bytes = detail::io::with_prefix("nd::save_npy('" + path + "')", [&] { return detail::io::write_npy(a); });
    detail::io::write_file(path, bytes, "nd::save_npy");
}

/// Reads .npy bytes (format 1.0, 2.0 or 3.0); throws symflow::error on bad input.
inline NDArray load_npy_bytes(std::string_view bytes) {
    return detail::io::with_prefix("nd::load_npy_bytes", [&] { return detail::io::parse_npy(bytes); });
}

/// Reads a .npy file written by np.save (or save_npy above).
inline NDArray load_npy(const std::string& path) {
    const std::string bytes = detail::io::read_file(path, "nd::load_npy");
    return detail::io::with_prefix("nd::load_npy('" + path + "')", [&] { return detail::io::parse_npy(bytes); });
}

} // namespace symflow::nd
