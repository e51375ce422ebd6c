// nd::save / nd::load (MXNet's NDArray list file, `.params`) and nd::save_npy / nd::load_npy.
//
// The .params fixtures are built here byte by byte from the documented layout with a
// helper that shares no code with symflow's writer; the .npy fixtures were written by
// numpy 1.24 (scripts/gen_npy_fixtures.py) and tests/fixtures/npy/manifest.txt lists
// their expected dtype, shape and values.
#include <catch2/catch.hpp>
#include <symflow/symflow.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace sf = symflow;
namespace fs = std::filesystem;
using sf::nd::NDArray;

namespace {

// ---- independent little-endian byte builder --------------------------------------------

/// Builds a byte string from little-endian integers, shifting bytes out one at a time.
struct bytes_builder {
    std::string s;
    bytes_builder& le(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
        return *this;
    }
    bytes_builder& u32(std::uint32_t v) { return le(v, 4); }
    bytes_builder& i32(std::int32_t v) { return le(static_cast<std::uint32_t>(v), 4); }
    bytes_builder& u64(std::uint64_t v) { return le(v, 8); }
    bytes_builder& i64(std::int64_t v) { return le(static_cast<std::uint64_t>(v), 8); }
    bytes_builder& f32(float v) {
        std::uint32_t b;
        std::memcpy(&b, &v, 4);
        return u32(b);
    }
    bytes_builder& f64(double v) {
        std::uint64_t b;
        std::memcpy(&b, &v, 8);
        return u64(b);
    }
    bytes_builder& str(const std::string& v) {
        s += v;
        return *this;
    }
    /// MXNet list header: magic 0x112, reserved 0, count.
    bytes_builder& header(std::uint64_t count) { return u64(0x112).u64(0).u64(count); }
    /// A V2 dense record head: magic, stype 0, int32 ndim, int64 dims, cpu(0), type_flag.
    bytes_builder& v2(std::vector<std::int64_t> dims, std::int32_t flag) {
        u32(0xF993FAC9u).i32(0).i32(static_cast<std::int32_t>(dims.size()));
        for (auto d : dims) i64(d);
        return i32(1).i32(0).i32(flag);
    }
    /// Names: count then (uint64 length, bytes) each.
    bytes_builder& names(const std::vector<std::string>& ns) {
        u64(ns.size());
        for (auto& n : ns) u64(n.size()).str(n);
        return *this;
    }
};

template <class T>
std::vector<T> values(const NDArray& a) {
    return a.to_vector<T>();
}

/// Bits of a float or double, to compare -0.0, inf and denormals exactly.
template <class T>
auto bits(T v) {
    if constexpr (sizeof(T) == 4) {
        std::uint32_t b;
        std::memcpy(&b, &v, 4);
        return b;
    } else {
        std::uint64_t b;
        std::memcpy(&b, &v, 8);
        return b;
    }
}

/// Runs f, which must throw symflow::error whose what() contains every one of `parts`.
template <class F>
void require_error(F&& f, std::initializer_list<const char*> parts) {
    try {
        f();
    } catch (const sf::error& e) {
        const std::string what = e.what();
        INFO("what(): " << what);
        for (const char* p : parts) {
            INFO("expected to mention: " << p);
            CHECK(what.find(p) != std::string::npos);
        }
        return;
    }
    FAIL("no symflow::error thrown (expected one mentioning " << *parts.begin() << ")");
}

fs::path npy_dir() { return fs::path(SYMFLOW_TEST_DATA_DIR) / "npy"; }

std::string read_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    REQUIRE(f);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// A fresh temporary file path for this test process.
fs::path temp_path(const std::string& name) {
    return fs::temp_directory_path() / ("symflow_test_nd_io_" + std::to_string(::getpid()) + "_" + name);
}

/// One manifest line: a fixture numpy wrote and what symflow must make of it.
struct npy_case {
    std::string file;
    bool ok = true;
    std::string descr;  // error lines: the descr the message must name
    sf::dtype dt = sf::float32;
    std::string version;
    bool fortran = false;
    std::vector<std::int64_t> shape;
    std::vector<std::string> tokens;  // values, row-major
};

std::vector<npy_case> manifest() {
    std::ifstream f(npy_dir() / "manifest.txt");
    REQUIRE(f);
    std::vector<npy_case> out;
    std::string line;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream is(line);
        npy_case c;
        std::string status;
        is >> c.file >> status;
        if (status == "error") {
            c.ok = false;
            is >> c.descr;
        } else {
            std::string dt, order;
            std::size_t ndim = 0, count = 0;
            is >> dt >> c.version >> order >> ndim;
            c.dt = dt == "float32" ? sf::float32 : dt == "float64" ? sf::float64 : dt == "int32" ? sf::int32 : sf::int64;
            c.fortran = order == "F";
            c.shape.resize(ndim);
            for (auto& d : c.shape) is >> d;
            is >> count;
            c.tokens.resize(count);
            for (auto& t : c.tokens) is >> t;
        }
        REQUIRE(!is.fail());
        out.push_back(c);
    }
    REQUIRE(out.size() >= 10);
    return out;
}

/// The array a manifest line describes, built from its values (not from the file).
NDArray expected_array(const npy_case& c) {
    NDArray a(sf::Shape(c.shape), c.dt);
    sf::visit_dtype(c.dt, [&](auto t) {
        using T = decltype(t);
        auto d = a.data<T>();
        REQUIRE(d.size() == c.tokens.size());
        for (std::size_t i = 0; i < d.size(); ++i) {
            if constexpr (std::is_floating_point_v<T>)
                d[i] = static_cast<T>(std::strtod(c.tokens[i].c_str(), nullptr));  // hex floats and inf
            else
                d[i] = static_cast<T>(std::strtoll(c.tokens[i].c_str(), nullptr, 10));
        }
    });
    return a;
}

/// Same dtype, shape and element bits.
void require_same(const NDArray& got, const NDArray& want) {
    REQUIRE(got.dtype() == want.dtype());
    REQUIRE(got.shape() == want.shape());
    REQUIRE(got.size() == want.size());
    sf::visit_dtype(want.dtype(), [&](auto t) {
        using T = decltype(t);
        auto g = got.data<T>(), w = want.data<T>();
        for (std::size_t i = 0; i < w.size(); ++i) {
            INFO("element " << i);
            if constexpr (std::is_floating_point_v<T>)
                CHECK(bits(g[i]) == bits(w[i]));
            else
                CHECK(g[i] == w[i]);
        }
    });
}

/// A .npy file with the given header text (padded to 64 as numpy does) and data.
std::string npy_bytes(const std::string& header, const std::string& data, int major = 1) {
    std::string h = header;
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    bytes_builder b;
    b.str(std::string("\x93NUMPY", 6)).le(static_cast<std::uint64_t>(major), 1).le(0, 1);
    b.le(h.size(), major == 1 ? 2 : 4).str(h).str(data);
    return b.s;
}

/// Every proper prefix of a valid file throws symflow::error; flipping any byte to a few
/// values either loads or throws symflow::error (the sanitizers catch anything worse).
template <class Load>
void hostile_mutations(const std::string& good, Load load) {
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO("prefix of " << n << " bytes");
        CHECK_THROWS_AS(load(std::string_view(good).substr(0, n)), sf::error);
    }
    for (std::size_t i = 0; i < good.size(); ++i)
        for (unsigned char v : {0x00, 0x01, 0x20, 0x7F, 0x80, 0xFF}) {
            std::string m = good;
            m[i] = static_cast<char>(v);
            try {
                load(m);
            } catch (const sf::error&) {
            }
        }
}

} // namespace

// ---- MXNet NDArray list file -------------------------------------------------------------

TEST_CASE("nd::load reads a hand-built V2 params file with names", "[nd_io]") {
    bytes_builder b;
    b.header(2);
    b.v2({2, 3}, 0);
    for (float v : {1.5f, -2.0f, 0.25f, 3.0f, -0.0f, 1e30f}) b.f32(v);
    b.v2({2}, 6).i64(-9007199254740993LL).i64(42);
    b.names({"arg:fc1_weight", "aux:bn_moving_mean"});

    const auto f = sf::nd::load_bytes(b.s);
    REQUIRE(f.names == std::vector<std::string>{"arg:fc1_weight", "aux:bn_moving_mean"});
    REQUIRE(f.arrays.size() == 2);
    CHECK(f.arrays[0].dtype() == sf::float32);
    CHECK(f.arrays[0].shape() == sf::Shape{2, 3});
    CHECK(values<float>(f.arrays[0]) == std::vector<float>{1.5f, -2.0f, 0.25f, 3.0f, -0.0f, 1e30f});
    CHECK(f.arrays[1].dtype() == sf::int64);
    CHECK(f.arrays[1].shape() == sf::Shape{2});
    CHECK(values<std::int64_t>(f.arrays[1]) == std::vector<std::int64_t>{-9007199254740993LL, 42});

    const auto m = f.as_map();
    REQUIRE(m.size() == 2);
    CHECK(m.at("arg:fc1_weight").same_storage(f.arrays[0]));
    CHECK(m.at("aux:bn_moving_mean").same_storage(f.arrays[1]));
}

TEST_CASE("nd::load reads V1, V3, pre-V1 and none records in one list file", "[nd_io]") {
    bytes_builder b;
    b.header(7);
    // V1: no storage type.
    b.u32(0xF993FAC8u).i32(1).i64(3).i32(1).i32(0).i32(1).f64(0.1).f64(-2.5).f64(1e300);
    // V3 0-d: one element follows.
    b.u32(0xF993FACAu).i32(0).i32(0).i32(1).i32(0).i32(4).i32(-7);
    // V3 regular, saved on gpu(1): loaded on cpu all the same.
    b.u32(0xF993FACAu).i32(0).i32(2).i64(1).i64(2).i32(2).i32(1).i32(4).i32(5).i32(6);
    // pre-V1: the word is ndim, dims are uint32.
    b.u32(2).u32(2).u32(1).i32(1).i32(0).i32(0).f32(3.5f).f32(-4.5f);
    // none: V2 ndim 0, V3 ndim -1, pre-V1 ndim 0.
    b.u32(0xF993FAC9u).i32(0).i32(0);
    b.u32(0xF993FACAu).i32(0).i32(-1);
    b.u32(0);
    b.u64(0);  // no names

    const auto f = sf::nd::load_bytes(b.s);
    CHECK(f.names.empty());
    REQUIRE(f.arrays.size() == 7);
    CHECK(f.arrays[0].dtype() == sf::float64);
    CHECK(values<double>(f.arrays[0]) == std::vector<double>{0.1, -2.5, 1e300});
    CHECK(f.arrays[1].dtype() == sf::int32);
    CHECK(f.arrays[1].shape() == sf::Shape{});
    CHECK(values<std::int32_t>(f.arrays[1]) == std::vector<std::int32_t>{-7});
    CHECK(f.arrays[2].shape() == sf::Shape{1, 2});
    CHECK(f.arrays[2].context() == sf::cpu());
    CHECK(values<std::int32_t>(f.arrays[2]) == std::vector<std::int32_t>{5, 6});
    CHECK(f.arrays[3].shape() == sf::Shape{2, 1});
    CHECK(values<float>(f.arrays[3]) == std::vector<float>{3.5f, -4.5f});
    for (std::size_t i = 4; i < 7; ++i) {
        INFO("array " << i);
        CHECK(f.arrays[i].is_none());
        CHECK(f.arrays[i].shape() == sf::Shape{});
    }
    require_error([&] { (void)f.as_map(); }, {"unnamed list of 7 arrays"});
}

TEST_CASE("nd::save_bytes writes the documented V2 layout", "[nd_io]") {
    const NDArray a = sf::nd::array({{1.0, 2.0}, {3.0, 4.0}}, sf::float64);
    const NDArray z(sf::Shape{0, 3}, sf::int32);
    bytes_builder want;
    want.header(3);
    want.v2({2, 2}, 1).f64(1).f64(2).f64(3).f64(4);
    want.v2({0, 3}, 4);
    want.u32(0xF993FAC9u).i32(0).i32(0);  // none
    want.names({"arg:a", "arg:z", "aux:none"});
    CHECK(sf::nd::save_bytes(std::map<std::string, NDArray>{{"arg:a", a}, {"arg:z", z}, {"aux:none", NDArray()}}) ==
          want.s);

    bytes_builder list;
    list.header(1).v2({2, 2}, 1).f64(1).f64(2).f64(3).f64(4).u64(0);
    CHECK(sf::nd::save_bytes(std::vector<NDArray>{a}) == list.s);
}

TEST_CASE("nd::save and nd::load round-trip all four dtypes, lists and named arrays", "[nd_io]") {
    std::vector<NDArray> arrays{
        sf::nd::array({{1.5, -2.25, 3.0}, {0.1, 1e30, -0.0}}, sf::float32),
        sf::nd::array({0.1, -1e300, 2.5}, sf::float64),
        sf::nd::arange(0, 24, 1, sf::int32),
        sf::nd::array({-9007199254740993.0, 7.0}, sf::int64),
        NDArray(sf::Shape{0, 3}, sf::float32),
        NDArray(sf::Shape{0}, sf::int64),
        NDArray(sf::Shape{2, 0, 4}, sf::float64),
        sf::nd::full(sf::Shape{}, 3.25, sf::float64),  // 0-d: a V3 record
        NDArray(),                                     // none
    };
    arrays[3].data<std::int64_t>()[0] = -9007199254740993LL;  // not a double

    auto check_same = [&](const std::vector<NDArray>& got) {
        REQUIRE(got.size() == arrays.size());
        for (std::size_t i = 0; i < arrays.size(); ++i) {
            INFO("array " << i);
            if (arrays[i].is_none()) {
                CHECK(got[i].is_none());
                continue;
            }
            require_same(got[i], arrays[i]);
        }
    };

    SECTION("list, in memory") {
        const auto f = sf::nd::load_bytes(sf::nd::save_bytes(arrays));
        CHECK(f.names.empty());
        check_same(f.arrays);
    }
    SECTION("named, in memory") {
        std::map<std::string, NDArray> m;
        std::vector<std::string> keys;
        for (std::size_t i = 0; i < arrays.size(); ++i) {
            keys.push_back((i % 2 ? "aux:" : "arg:") + std::string(1, static_cast<char>('a' + i)));
            m[keys.back()] = arrays[i];
        }
        const auto f = sf::nd::load_bytes(sf::nd::save_bytes(m));
        REQUIRE(f.names.size() == arrays.size());
        std::vector<NDArray> in_key_order;
        for (auto& [k, a] : m) in_key_order.push_back(a);
        std::vector<std::string> sorted_keys;
        for (auto& [k, a] : m) sorted_keys.push_back(k);
        CHECK(f.names == sorted_keys);
        const auto back = f.as_map();
        for (std::size_t i = 0; i < arrays.size(); ++i) {
            INFO("key " << keys[i]);
            if (arrays[i].is_none())
                CHECK(back.at(keys[i]).is_none());
            else
                require_same(back.at(keys[i]), arrays[i]);
        }
    }
    SECTION("list and named, through files") {
        const auto p = temp_path("roundtrip.params");
        sf::nd::save(p.string(), arrays);
        check_same(sf::nd::load(p.string()).arrays);
        sf::nd::save(p.string(), std::map<std::string, NDArray>{{"arg:x", arrays[0]}, {"aux:y", arrays[3]}});
        const auto f = sf::nd::load(p.string());
        CHECK(f.names == std::vector<std::string>{"arg:x", "aux:y"});
        require_same(f.as_map().at("aux:y"), arrays[3]);
        fs::remove(p);
    }
    SECTION("braced lists of arrays and of named arrays") {
        const auto l = sf::nd::load_bytes(sf::nd::save_bytes({arrays[0], arrays[2]}));
        REQUIRE(l.arrays.size() == 2);
        require_same(l.arrays[1], arrays[2]);
        const auto n = sf::nd::load_bytes(sf::nd::save_bytes({{"arg:w", arrays[1]}}));
        REQUIRE(n.names == std::vector<std::string>{"arg:w"});
        require_same(n.arrays[0], arrays[1]);
    }
    SECTION("an empty list") {
        const auto f = sf::nd::load_bytes(sf::nd::save_bytes(std::vector<NDArray>{}));
        CHECK(f.arrays.empty());
        CHECK(f.as_map().empty());
    }
}

TEST_CASE("nd::load refuses hostile or unsupported list files with a clear symflow::error", "[nd_io]") {
    auto load = [](const std::string& s) { return [s] { (void)sf::nd::load_bytes(s); }; };
    bytes_builder ok;
    ok.header(1).v2({2}, 0).f32(1).f32(2).names({"arg:w"});
    REQUIRE_NOTHROW(sf::nd::load_bytes(ok.s));

    SECTION("truncated or empty") {
        require_error(load(""), {"truncated", "file header"});
        require_error(load(ok.s.substr(0, 12)), {"truncated"});
        require_error(load(ok.s.substr(0, ok.s.size() - 3)), {"name 0", "claims 5 bytes", "2 remain"});
        require_error(load(ok.s.substr(0, ok.s.size() - 16)), {"truncated", "name count"});
        bytes_builder b;
        b.header(1).v2({3}, 0).f32(1);  // data cut short
        require_error(load(b.s), {"array 0", "needs 12 bytes", "4 remain"});
    }
    SECTION("bad magic") {
        bytes_builder b;
        b.u64(0x113).u64(0).u64(0).u64(0);
        require_error(load(b.s), {"not an MXNet NDArray file", "magic"});
        bytes_builder r;
        r.header(1).u32(0xDEADBEEFu).i32(0).i32(0).u64(0);
        require_error(load(r.s), {"array 0", "bad record magic", "0xDEADBEEF"});
    }
    SECTION("a count larger than the file could hold") {
        bytes_builder b;
        b.header(std::uint64_t(1) << 60).v2({1}, 0).f32(1).u64(0);
        require_error(load(b.s), {"claims 1152921504606846976 arrays"});
    }
    SECTION("ndim beyond 32 or negative") {
        bytes_builder b;
        b.header(1).u32(0xF993FAC9u).i32(0).i32(33);
        require_error(load(b.s), {"array 0", "ndim 33"});
        bytes_builder n;
        n.header(1).u32(0xF993FAC9u).i32(0).i32(-5);
        require_error(load(n.s), {"ndim -5"});
        bytes_builder big;  // ndim 2^31-1 with no dims behind it: refused before any allocation
        big.header(1).u32(0xF993FAC8u).i32(0x7FFFFFFF);
        require_error(load(big.s), {"ndim 2147483647"});
        bytes_builder t;  // ndim within range but the dims are missing
        t.header(1).u32(0xF993FAC9u).i32(0).i32(32).i64(1);
        require_error(load(t.s), {"truncated", "array 0 shape"});
    }
    SECTION("negative dimensions") {
        bytes_builder b;
        b.header(1).v2({2, -3}, 0);
        require_error(load(b.s), {"array 0", "negative dimension -3"});
    }
    SECTION("element counts that overflow") {
        bytes_builder b;
        b.header(1).v2({std::int64_t(1) << 40, std::int64_t(1) << 40, std::int64_t(1) << 40}, 0);
        require_error(load(b.s), {"array 0", "overflow"});
        bytes_builder z;  // a zero axis does not hide the overflow of the others
        z.header(1).v2({std::int64_t(1) << 40, std::int64_t(1) << 40, 0}, 0).u64(0);
        require_error(load(z.s), {"overflow"});
        bytes_builder e;  // product fits, bytes overflow
        e.header(1).v2({std::int64_t(1) << 61}, 1);
        require_error(load(e.s), {"overflow"});
    }
    SECTION("a 2^40-element array with a short body throws without allocating it") {
        // Under ASan an attempt to allocate 4 TiB aborts the test: the size check comes first.
        bytes_builder b;
        b.header(1).v2({std::int64_t(1) << 20, std::int64_t(1) << 20}, 0).f32(1).f32(2).u64(0);
        require_error(load(b.s), {"array 0", "(1048576, 1048576)", "needs 4398046511104 bytes", "16 remain"});
    }
    SECTION("dtypes symflow cannot hold name the type and the array") {
        bytes_builder named;
        named.header(2).v2({2}, 0).f32(1).f32(2).v2({3}, 2).le(0, 6).names({"arg:w", "arg:half"});
        require_error(load(named.s), {"array 1 ('arg:half')", "float16"});
        const std::pair<std::int32_t, const char*> types[] = {{3, "uint8"}, {5, "int8"}, {7, "bool"}, {12, "bfloat16"}};
        for (auto [flag, name] : types) {
            bytes_builder b;
            b.header(1).v2({1}, flag).le(0, 2).u64(0);
            require_error(load(b.s), {"array 0", name});
        }
        bytes_builder unk;
        unk.header(1).v2({1}, 99).f32(0).u64(0);
        require_error(load(unk.s), {"array 0", "unknown type_flag 99"});
    }
    SECTION("sparse storage") {
        bytes_builder rs;
        rs.header(1).u32(0xF993FAC9u).i32(1).i32(1).i64(2);
        require_error(load(rs.s), {"array 0", "row_sparse", "dense"});
        bytes_builder csr;
        csr.header(1).u32(0xF993FAC9u).i32(2).i32(1).i64(2);
        require_error(load(csr.s), {"csr"});
    }
    SECTION("a name count that is neither 0 nor the array count") {
        bytes_builder b;
        b.header(2).v2({1}, 0).f32(1).v2({1}, 0).f32(2).names({"only_one"});
        require_error(load(b.s), {"1 names for 2 arrays"});
    }
    SECTION("a name longer than the file") {
        bytes_builder b;
        b.header(1).v2({1}, 0).f32(1).u64(1).u64(std::uint64_t(1) << 50).str("abc");
        require_error(load(b.s), {"name 0", "claims 1125899906842624 bytes", "3 remain"});
    }
    SECTION("as_map with a repeated name") {
        bytes_builder b;
        b.header(2).v2({1}, 0).f32(1).v2({1}, 0).f32(2).names({"w", "w"});
        const auto f = sf::nd::load_bytes(b.s);
        require_error([&] { (void)f.as_map(); }, {"'w'", "more than once"});
    }
    SECTION("a missing file names the path") {
        require_error([] { (void)sf::nd::load("/nonexistent/dir/x.params"); }, {"/nonexistent/dir/x.params"});
        bytes_builder b;
        b.u64(0x112);
        const auto p = temp_path("bad.params");
        {
            std::ofstream f(p, std::ios::binary);
            f << b.s;
        }
        require_error([&] { (void)sf::nd::load(p.string()); }, {"nd::load('", "bad.params", "truncated"});
        fs::remove(p);
    }
    SECTION("every prefix throws, byte flips load or throw") {
        bytes_builder b;
        b.header(3).v2({2, 2}, 1).f64(1).f64(2).f64(3).f64(4);
        b.u32(0xF993FAC8u).i32(1).i64(2).i32(1).i32(0).i32(6).i64(5).i64(6);
        b.u32(1).u32(1).i32(1).i32(0).i32(4).i32(9);  // pre-V1
        b.names({"arg:a", "arg:b", "aux:c"});
        REQUIRE_NOTHROW(sf::nd::load_bytes(b.s));
        hostile_mutations(b.s, [](std::string_view s) { return sf::nd::load_bytes(s); });
    }
}

// ---- numpy .npy ------------------------------------------------------------------------------

TEST_CASE("nd::load_npy reads numpy-written fixtures with the right dtype, shape and values", "[nd_io]") {
    for (const auto& c : manifest()) {
        INFO("fixture " << c.file);
        const auto path = (npy_dir() / c.file).string();
        if (!c.ok) {
            require_error([&] { (void)sf::nd::load_npy(path); }, {("'" + c.descr + "'").c_str(), c.file.c_str()});
            continue;
        }
        const NDArray got = sf::nd::load_npy(path);
        require_same(got, expected_array(c));
        CHECK(sf::nd::load_npy_bytes(read_bytes(npy_dir() / c.file)).shape() == got.shape());
    }
}

TEST_CASE("nd::save_npy writes exactly what numpy 1.24's np.save writes", "[nd_io]") {
    int compared = 0;
    for (const auto& c : manifest()) {
        // np.save output for C-order little-endian arrays (version 1.0): the others were
        // written in layouts symflow does not write (Fortran order, big-endian, 2.0, 3.0).
        if (!c.ok || c.fortran || c.version != "1.0") continue;
        const std::string file = read_bytes(npy_dir() / c.file);
        if (file.find("'descr': '<") == std::string::npos) continue;
        INFO("fixture " << c.file);
        const NDArray a = expected_array(c);
        CHECK(sf::nd::save_npy_bytes(a) == file);
        ++compared;
    }
    CHECK(compared >= 6);

    const auto p = temp_path("saved.npy");
    const auto f4 = sf::nd::array({{1.5, -2.25, 3.0}, {0.1, 1e30, -0.0}}, sf::float32);
    sf::nd::save_npy(p.string(), f4);
    CHECK(read_bytes(p) == read_bytes(npy_dir() / "f4_2x3.npy"));
    require_same(sf::nd::load_npy(p.string()), f4);
    fs::remove(p);
}

TEST_CASE("nd::save_npy and nd::load_npy round-trip every dtype and shape", "[nd_io]") {
    const std::vector<NDArray> arrays{
        sf::nd::arange(0, 12, 1, sf::float32), sf::nd::array({{0.5, -1.0}, {2.0, 1e-300}}, sf::float64),
        sf::nd::arange(-5, 19, 1, sf::int32),  sf::nd::full(sf::Shape{}, -3, sf::int64),
        NDArray(sf::Shape{3, 0}, sf::float64), NDArray(sf::Shape{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                                 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2}),
    };
    for (const auto& a : arrays) {
        INFO("shape " << a.shape() << " " << a.dtype());
        const std::string bytes = sf::nd::save_npy_bytes(a);
        const std::size_t data_at = bytes.size() - a.size() * sf::dtype_size(a.dtype());
        CHECK(data_at % 64 == 0);
        CHECK(bytes[data_at - 1] == '\n');
        require_same(sf::nd::load_npy_bytes(bytes), a);
    }
    require_error([] { (void)sf::nd::save_npy_bytes(NDArray()); }, {"empty"});
}

TEST_CASE("nd::load_npy refuses hostile or unsupported .npy input with a clear symflow::error", "[nd_io]") {
    auto load = [](const std::string& s) { return [s] { (void)sf::nd::load_npy_bytes(s); }; };
    auto hdr = [](const std::string& descr, const std::string& fortran, const std::string& shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    };
    bytes_builder two;
    two.f32(1).f32(2);
    REQUIRE_NOTHROW(sf::nd::load_npy_bytes(npy_bytes(hdr("<f4", "False", "(2,)"), two.s)));

    SECTION("truncated, empty or not npy") {
        require_error(load(""), {"truncated", "magic"});
        require_error(load(std::string("\x93NUM", 4)), {"truncated"});
        require_error(load(std::string("\x93NUMPX\x01\x00\x10\x00", 10)), {"not a .npy file"});
        require_error(load(npy_bytes(hdr("<f4", "False", "(3,)"), two.s)), {"needs 12 bytes", "8 remain"});
    }
    SECTION("unsupported versions") {
        std::string s = npy_bytes(hdr("<f4", "False", "(2,)"), two.s);
        s[6] = 4;
        require_error(load(s), {"version 4.0"});
        s[6] = 1;
        s[7] = 1;
        require_error(load(s), {"version 1.1"});
    }
    SECTION("version 2.0 and 3.0 headers built by hand") {
        for (int major : {2, 3}) {
            const NDArray a = sf::nd::load_npy_bytes(npy_bytes(hdr("<f4", "False", "(1, 2)"), two.s, major));
            CHECK(a.shape() == sf::Shape{1, 2});
            CHECK(values<float>(a) == std::vector<float>{1, 2});
        }
    }
    SECTION("a header length beyond the file") {
        bytes_builder b;
        b.str(std::string("\x93NUMPY\x01\x00", 8)).le(0xFFFF, 2).str("{'descr'");
        require_error(load(b.s), {"header length 65535", "8 bytes"});
        bytes_builder v2;
        v2.str(std::string("\x93NUMPY\x02\x00", 8)).u32(0xFFFFFFF0u).str("{}");
        require_error(load(v2.s), {"header length 4294967280"});
    }
    SECTION("malformed headers and keys") {
        require_error(load(npy_bytes("{'descr': '<f4', 'shape': (2,), }", two.s)), {"lacks"});
        require_error(load(npy_bytes(hdr("<f4", "False", "(2,)") + "x", two.s)), {"bad header"});
        require_error(load(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", two.s)),
                      {"unexpected key 'extra'"});
        require_error(load(npy_bytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", two.s)),
                      {"'descr' twice"});
        require_error(load(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", two.s)), {"bad header"});
        require_error(load(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': " + std::string(200, '(') + "}",
                                     two.s)),
                      {"nested too deeply"});
        require_error(load(npy_bytes("", two.s)), {"bad header"});
    }
    SECTION("descrs symflow does not read name the descr") {
        for (const char* d : {"|f4", "<f2", "|b1", "|u1", "<u4", "f4", "<c8", "<f16", "=f4"})
            require_error(load(npy_bytes(hdr(d, "False", "(2,)"), two.s)), {(std::string("'") + d + "'").c_str()});
        require_error(load(npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", two.s)),
                      {"unsupported dtype descr [('a', '<f4')]"});
    }
    SECTION("bad fortran_order and shape") {
        require_error(load(npy_bytes(hdr("<f4", "Maybe", "(2,)"), two.s)), {"fortran_order is Maybe"});
        require_error(load(npy_bytes(hdr("<f4", "False", "[2]"), two.s)), {"shape is [2]"});
        require_error(load(npy_bytes(hdr("<f4", "False", "(2, -1)"), two.s)), {"negative dimension -1"});
        require_error(load(npy_bytes(hdr("<f4", "False", "('a',)"), two.s)), {"not an integer"});
        require_error(load(npy_bytes(hdr("<f4", "False", "(99999999999999999999,)"), two.s)), {"too large"});
        std::string many = "(";
        for (int i = 0; i < 33; ++i) many += "1, ";
        require_error(load(npy_bytes(hdr("<f4", "False", many + ")"), two.s)), {"33 dimensions"});
    }
    SECTION("element counts that overflow") {
        require_error(load(npy_bytes(hdr("<f8", "False", "(4294967296, 4294967296, 0)"), "")), {"overflow"});
        require_error(load(npy_bytes(hdr("<f8", "False", "(4611686018427387904,)"), "")), {"overflow"});
    }
    SECTION("a 2^40-element array with a short body throws without allocating it") {
        require_error(load(npy_bytes(hdr("<f4", "False", "(1099511627776,)"), two.s)),
                      {"(1099511627776,)", "needs 4398046511104 bytes", "8 remain"});
    }
    SECTION("Python 2 long dimensions are read") {
        const NDArray a = sf::nd::load_npy_bytes(npy_bytes(hdr("<f4", "False", "(1L, 2L)"), two.s));
        CHECK(a.shape() == sf::Shape{1, 2});
    }
    SECTION("a missing file names the path") {
        require_error([] { (void)sf::nd::load_npy("/nonexistent/dir/a.npy"); }, {"/nonexistent/dir/a.npy"});
    }
    SECTION("every prefix throws, byte flips load or throw") {
        for (const char* f : {"i4_fortran_2x3x4.npy", "f4_v2.npy", "i8_scalar.npy"}) {
            INFO("fixture " << f);
            hostile_mutations(read_bytes(npy_dir() / f), [](std::string_view s) { return sf::nd::load_npy_bytes(s); });
        }
    }
}
