// Tests of NDArray::asnumpy(): the printed text must equal numpy 1.24's repr(), as recorded
// in tests/fixtures/numpy_repr by scripts/gen_numpy_fixtures.py.
#include <catch2/catch.hpp>

#include <symflow/nd/creation.hpp>
#include <symflow/nd/ndarray.hpp>
#include <symflow/nd/numpy_format.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using symflow::Shape;
using symflow::nd::NDArray;

fs::path fixture_dir() { return fs::path(SYMFLOW_TEST_DATA_DIR) / "numpy_repr"; }

std::vector<fs::path> fixture_files() {
    std::vector<fs::path> files;
    if (fs::is_directory(fixture_dir()))
        for (const auto& e : fs::directory_iterator(fixture_dir()))
            if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

symflow::dtype parse_dtype(const std::string& name) {
    for (auto dt : {symflow::float32, symflow::float64, symflow::int32, symflow::int64})
        if (symflow::dtype_name(dt) == name) return dt;
    throw std::runtime_error("unknown dtype " + name);
}

bool is_float(symflow::dtype dt) { return dt == symflow::float32 || dt == symflow::float64; }

// A value token: a C99 hex float (or inf, -inf, nan) for float dtypes, decimal for ints.
double parse_float(const std::string& tok) {
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (end != tok.c_str() + tok.size()) throw std::runtime_error("bad float token " + tok);
    return v;
}
std::int64_t parse_int(const std::string& tok) {
    std::size_t used = 0;
    const long long v = std::stoll(tok, &used);
    if (used != tok.size()) throw std::runtime_error("bad int token " + tok);
    return v;
}

struct fixture {
    NDArray array;
    std::string expected;
};

// Reads a fixture file (format described in scripts/gen_numpy_fixtures.py) and builds its array.
fixture load(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    std::string line, word;
    symflow::dtype dt = symflow::float32;
    Shape shape;
    std::vector<double> fvals;
    std::vector<std::int64_t> ivals;
    bool have_values = false;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        ls >> word;
        if (word == "dtype") {
            ls >> word;
            dt = parse_dtype(word);
        } else if (word == "shape") {
            std::vector<Shape::dim_t> dims;
            for (Shape::dim_t d; ls >> d;) dims.push_back(d);
            shape = Shape(dims);
        } else if (word == "values") {
            std::size_t n = 0;
            ls >> n;
            for (std::size_t i = 0; i < n; ++i) {
                in >> word;
                if (is_float(dt)) fvals.push_back(parse_float(word));
                else ivals.push_back(parse_int(word));
            }
            if (n > 0) std::getline(in, line);  // rest of the last values line
            have_values = true;
        } else if (word == "formula") {
            // value[i] = ((i % m) * a + b) / d; the multiply-add is exact by construction
            std::string a, b, d;
            std::int64_t m = 0;
            ls >> m >> a >> b >> d;
            const std::size_t n = shape.num_elements();
            if (is_float(dt)) {
                const double fa = parse_float(a), fb = parse_float(b), fd = parse_float(d);
                fvals.resize(n);
                for (std::size_t i = 0; i < n; ++i)
                    fvals[i] = (static_cast<double>(static_cast<std::int64_t>(i) % m) * fa + fb) / fd;
            } else {
                const std::int64_t ia = parse_int(a), ib = parse_int(b);
                ivals.resize(n);
                for (std::size_t i = 0; i < n; ++i) ivals[i] = (static_cast<std::int64_t>(i) % m) * ia + ib;
            }
            have_values = true;
        } else if (word == "set") {
            std::size_t i = 0;
            ls >> i >> word;
            if (is_float(dt)) fvals.at(i) = parse_float(word);
            else ivals.at(i) = parse_int(word);
        } else if (word == "repr") {
            break;
        } else {
            throw std::runtime_error("unexpected line in " + file.string() + ": " + line);
        }
    }
    if (!have_values) throw std::runtime_error(file.string() + " has no values");
    std::ostringstream rest;
    rest << in.rdbuf();
    std::string expected = rest.str();
    if (!expected.empty() && expected.back() == '\n') expected.pop_back();
    NDArray a = is_float(dt) ? symflow::nd::array(fvals, shape, dt) : symflow::nd::array(ivals, shape, dt);
    return {a, expected};
}

std::string printed(const NDArray& x) {
    std::ostringstream os;
    os << x.asnumpy();
    return os.str();
}

} // namespace

TEST_CASE("asnumpy() prints exactly what numpy 1.24 prints", "[numpy]") {
    const auto files = fixture_files();
    INFO("fixture directory: " << fixture_dir().string());
    REQUIRE(files.size() >= 90);
    for (const auto& file : files) {
        DYNAMIC_SECTION(file.stem().string()) {
            const fixture f = load(file);
            INFO("numpy:\n" << f.expected);
            REQUIRE(printed(f.array) == f.expected);
        }
    }
}

TEST_CASE("numpy_view::str() and operator<< agree", "[numpy]") {
    using symflow::nd::array;
    const NDArray i = array(std::vector<int>{14}, Shape{1}, symflow::int32);
    CHECK(i.asnumpy().str() == "array([14], dtype=int32)");
    CHECK(printed(i) == i.asnumpy().str());

    const NDArray f = array({{1.0, 2.5}, {-3.0, 4.0}}, symflow::float64);
    CHECK(f.asnumpy().str() == "array([[ 1. ,  2.5],\n       [-3. ,  4. ]])");
    CHECK(printed(f) == f.asnumpy().str());

    CHECK(array(std::vector<int>{5}, Shape{}, symflow::int32).asnumpy().str() == "array(5, dtype=int32)");
    CHECK(array(std::vector<double>{1.5}, Shape{}, symflow::float64).asnumpy().str() == "array(1.5)");
    CHECK(symflow::nd::zeros(Shape{0}, symflow::float64).asnumpy().str() == "array([], dtype=float64)");
    CHECK(symflow::nd::zeros(Shape{0, 3}).asnumpy().str() == "array([], shape=(0, 3), dtype=float32)");
}

TEST_CASE("asnumpy() views the array's current values", "[numpy]") {
    NDArray x = symflow::nd::zeros(Shape{2}, symflow::int64);
    const auto view = x.asnumpy();
    x.data<std::int64_t>()[1] = 7;
    CHECK(view.str() == "array([0, 7])");
    CHECK(view.array().same_storage(x));
}

TEST_CASE("printing an empty NDArray handle throws symflow::error", "[numpy]") {
    const NDArray none;
    REQUIRE_THROWS_AS(none.asnumpy().str(), symflow::error);
    std::ostringstream os;
    REQUIRE_THROWS_AS(os << none.asnumpy(), symflow::error);
}
