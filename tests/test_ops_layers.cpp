// FullyConnected, batch_dot, softmax, log_softmax, SoftmaxOutput and Dropout: forward()
// against plain double loops for every supported dtype, edge shapes, NaN, names, JSON op
// strings and attributes, infer_shape, and the errors bind reports.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/layers.hpp>
#include <symflow/sym/layer_functions.hpp>

namespace sf = symflow;
using namespace sf::literals;
using strings = std::vector<std::string>;
using attrs_t = std::map<std::string, std::string>;
using dims_t = std::vector<sf::Shape::dim_t>;

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();

// Runs f.template operator()<T>() for the four dtypes, or for the two floating ones.
template <class F>
void for_all_dtypes(F&& f) {
    f.template operator()<float>();
    f.template operator()<double>();
    f.template operator()<std::int32_t>();
    f.template operator()<std::int64_t>();
}
template <class F>
void for_float_dtypes(F&& f) {
    f.template operator()<float>();
    f.template operator()<double>();
}

// n random values: reals in [-1, 1] for floating T, whole numbers in [-8, 8] for integers
// (so that integer sums stay exact and comparable with a double reference).
template <class T>
std::vector<double> random_values(std::size_t n, std::uint32_t seed, double scale = 1.0) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    std::vector<double> v(n);
    for (auto& x : v) {
        x = d(g) * scale;
        if constexpr (std::is_integral_v<T>) x = std::round(x * 8);
        else x = static_cast<double>(static_cast<T>(x));  // exactly what the array holds
    }
    return v;
}

template <class T>
sf::nd::NDArray make_array(const std::vector<double>& v, const sf::Shape& s) {
    std::vector<T> t(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) t[i] = static_cast<T>(v[i]);
    return sf::nd::array(t, s, sf::dtype_of<T>());
}

template <class T>
std::vector<double> as_double(const sf::nd::NDArray& x) {
    auto v = x.to_vector<T>();
    return {v.begin(), v.end()};
}

template <class T>
std::string dtype_str() { return std::string(sf::dtype_name(sf::dtype_of<T>())); }

// got == want within tol * scale (scale: the size of the terms that were summed, or of
// the value); NaN matches NaN, integers must be equal.
template <class T>
bool close(double got, double want, double tol, double scale) {
    if (std::isnan(want)) return std::isnan(got);
    if constexpr (std::is_integral_v<T>) return got == want;
    else {
        if (std::isinf(want) || std::isinf(got)) return got == want;
        return std::abs(got - want) <= tol * scale + std::numeric_limits<T>::min();
    }
}

// The per-dtype tolerance: float32 ~1e-5 relative to the summed magnitude, float64 1e-12.
template <class T>
double sum_tol() { return std::is_same_v<T, float> ? 1e-5 : 1e-12; }

// Compares every element; reports the first mismatch with its index.
template <class T>
void check_all(const sf::nd::NDArray& out, const std::vector<double>& want, const std::vector<double>& scale,
               double tol, const std::string& what) {
    auto got = as_double<T>(out);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (!close<T>(got[i], want[i], tol, scale[i])) {
            INFO(what << " " << dtype_str<T>() << " element " << i << ": got " << got[i] << " want " << want[i]);
            CHECK(false);
            return;
        }
    }
    SUCCEED();
}

// ----- references -----------------------------------------------------------------------

// FullyConnected: out[i][j] = sum_l x[i][l] w[j][l] + b[j]; `mag` gets sum |terms|.
void ref_fc(const std::vector<double>& x, const std::vector<double>& w, const std::vector<double>* b, std::size_t m,
            std::size_t k, std::size_t n, std::vector<double>& out, std::vector<double>& mag) {
    out.assign(m * n, 0.0);
    mag.assign(m * n, 0.0);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0, a = 0;
            for (std::size_t l = 0; l < k; ++l) {
                s += x[i * k + l] * w[j * k + l];
                a += std::abs(x[i * k + l] * w[j * k + l]);
            }
            if (b) s += (*b)[j], a += std::abs((*b)[j]);
            out[i * n + j] = s;
            mag[i * n + j] = a;
        }
}

// Softmax over the middle axis of (outer, len, inner), in double: shift by the max
// (the min for a negative temperature), exponentiate, normalise.
std::vector<double> ref_softmax(const std::vector<double>& x, std::size_t outer, std::size_t len, std::size_t inner,
                                double t, bool log_form) {
    std::vector<double> y(x.size());
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t c = 0; c < inner; ++c) {
            auto at = [&](std::size_t j) { return (o * len + j) * inner + c; };
            double m = t > 0 ? -inf_v : inf_v;
            for (std::size_t j = 0; j < len; ++j) {
                double v = x[at(j)];
                if (t > 0 ? v > m : v < m) m = v;
            }
            double sum = 0;
            for (std::size_t j = 0; j < len; ++j) sum += std::exp((x[at(j)] - m) / t);
            for (std::size_t j = 0; j < len; ++j) {
                double z = (x[at(j)] - m) / t;
                y[at(j)] = log_form ? z - std::log(sum) : std::exp(z) / sum;
            }
        }
    return y;
}

std::size_t prod(const dims_t& d, std::size_t b, std::size_t e) {
    std::size_t n = 1;
    for (std::size_t i = b; i < e; ++i) n *= static_cast<std::size_t>(d[i]);
    return n;
}

} // namespace

// ----- FullyConnected ------------------------------------------------------------------

TEST_CASE("FullyConnected matches a double loop: flatten, edge shapes, every dtype", "[ops][layers][fc]") {
    auto a = sf::sym::Variable<"A">();
    auto w = sf::sym::Variable<"W">();
    auto b = sf::sym::Variable<"B">();
    struct fc_case {
        dims_t data;
        std::int64_t hidden;
        bool flatten;
        bool bias_2d = false;  // bias given as (num_hidden, 1), which MXNet also accepts
    };
    const std::vector<fc_case> cases{
        {{2, 3}, 4, true},       {{1, 1}, 1, true},         {{5, 3, 4}, 7, true},  {{5, 3, 4}, 7, false},
        {{0, 7}, 3, true},       {{3, 0}, 2, true},         {{4}, 3, true},        {{4}, 3, false},
        {{2, 0, 5}, 6, false},   {{7, 13}, 5, true, true},  {{4, 300}, 17, true},  {{33, 65}, 40, false},
        {{2, 1, 1, 3}, 1, true},
    };
    // data * 2 and + 1 around the node: fused groups before and after it
    // one graph type per form; the attributes change per case
    auto fc = [&](sf::ops::fully_connected_param p) { return sf::sym::FullyConnected(a * 2, w, b, p) + 1; };
    auto fc_nobias = [&](sf::ops::fully_connected_param p) { return sf::sym::FullyConnected(a, w, p) - 3; };
    for_all_dtypes([&]<class T>() {
        std::uint32_t seed = 1;
        for (const auto& c : cases) {
            const sf::Shape ds(c.data);
            const std::size_t nd = c.data.size();
            const std::size_t m = c.flatten ? static_cast<std::size_t>(c.data[0]) : prod(c.data, 0, nd - 1);
            const std::size_t k = c.flatten ? prod(c.data, 1, nd) : static_cast<std::size_t>(c.data[nd - 1]);
            const auto n = static_cast<std::size_t>(c.hidden);
            auto x = random_values<T>(m * k, seed++), wv = random_values<T>(n * k, seed++),
                 bv = random_values<T>(n, seed++);
            if constexpr (std::is_floating_point_v<T>)
                if (x.size() > 1) x[1] = nan_v;  // poisons one output row
            auto X = make_array<T>(x, ds), W = make_array<T>(wv, sf::Shape{c.hidden, static_cast<long>(k)});
            auto B = make_array<T>(bv, c.bias_2d ? sf::Shape{c.hidden, 1} : sf::Shape{c.hidden});
            dims_t od = c.data;
            if (c.flatten) od = {c.data[0], c.hidden};
            else od.back() = c.hidden;
            INFO("data " << ds << " num_hidden " << c.hidden << " flatten " << c.flatten << " " << dtype_str<T>());

            auto e = fc({.num_hidden = c.hidden, .flatten = c.flatten});
            auto exec = e.bind(sf::cpu(), "A"_arg = X, "W"_arg = W, "B"_arg = B);
            auto out = exec.forward()[0];
            CHECK(out.shape() == sf::Shape(od));
            CHECK(out.dtype() == sf::dtype_of<T>());
            std::vector<double> x2(x), want, mag;
            for (auto& v : x2) v *= 2;
            ref_fc(x2, wv, &bv, m, k, n, want, mag);
            for (std::size_t i = 0; i < want.size(); ++i) want[i] += 1, mag[i] += 1;
            check_all<T>(out, want, mag, sum_tol<T>(), "FullyConnected");

            auto e2 = fc_nobias({.num_hidden = c.hidden, .no_bias = true, .flatten = c.flatten});
            auto out2 = e2.bind(sf::cpu(), "A"_arg = X, "W"_arg = W).forward()[0];
            CHECK(out2.shape() == sf::Shape(od));
            ref_fc(x, wv, nullptr, m, k, n, want, mag);
            for (std::size_t i = 0; i < want.size(); ++i) want[i] -= 3, mag[i] += 3;
            check_all<T>(out2, want, mag, sum_tol<T>(), "FullyConnected no_bias");
        }
    });
}

TEST_CASE("FullyConnected integer sums wrap instead of overflowing", "[ops][layers][fc]") {
    auto a = sf::sym::Variable<"A">();
    auto w = sf::sym::Variable<"W">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::FullyConnected(a, w, b, {.num_hidden = 1});
    constexpr auto big = std::numeric_limits<std::int32_t>::max();
    auto X = sf::nd::array(std::vector<std::int32_t>{big, big}, sf::Shape{1, 2}, sf::int32);
    auto W = sf::nd::array(std::vector<std::int32_t>{1, 1}, sf::Shape{1, 2}, sf::int32);
    auto B = sf::nd::array(std::vector<std::int32_t>{2}, sf::Shape{1}, sf::int32);
    // 2 * (2^31 - 1) + 2 = 2^32 wraps to 0
    CHECK(e.bind(sf::cpu(), "A"_arg = X, "W"_arg = W, "B"_arg = B).forward()[0].to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{0});
}

TEST_CASE("FullyConnected names, JSON op, inputs and attributes follow MXNet", "[ops][layers][fc][sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"data">();
    auto w = sf::sym::Variable<"fc_weight">();
    auto b = sf::sym::Variable<"fc_bias">();
    auto e = sf::sym::FullyConnected(a, w, b, {.num_hidden = 10});
    sf::sym::Symbol r = e;
    const auto& node = *r.outputs()[0].node;
    CHECK(e.name() == "fullyconnected0");
    CHECK(node.op->name == "FullyConnected");
    CHECK(node.op->input_names(node.attrs) == std::vector<std::string>{"data", "weight", "bias"});
    CHECK(node.attrs == attrs_t{{"num_hidden", "10"}});
    CHECK(e.list_arguments() == strings{"data", "fc_weight", "fc_bias"});
    CHECK(e.list_outputs() == strings{"fullyconnected0_output"});

    auto f = sf::sym::FullyConnected(a, w, {.num_hidden = 3, .no_bias = true, .flatten = false});
    sf::sym::Symbol rf = f;
    CHECK(f.name() == "fullyconnected1");
    CHECK(rf.outputs()[0].node->op->name == "FullyConnected");
    CHECK(rf.outputs()[0].node->op->input_names(rf.outputs()[0].node->attrs) == std::vector<std::string>{"data", "weight"});
    CHECK(rf.outputs()[0].node->attrs == attrs_t{{"num_hidden", "3"}, {"no_bias", "True"}, {"flatten", "False"}});
    CHECK(sf::sym::FullyConnected(a, w, b, {.num_hidden = 2}, "fc1").name() == "fc1");
    CHECK(sf::sym::FullyConnected(a, w, b, {.num_hidden = 2}).name() == "fullyconnected2");

    auto s = e.infer_shape("data"_arg = sf::Shape{8, 3, 2}, "fc_weight"_arg = sf::Shape{10, 6},
                           "fc_bias"_arg = sf::Shape{10});
    CHECK(s.out == std::vector<sf::Shape>{sf::Shape{8, 10}});
    CHECK(s.arg == std::vector<sf::Shape>{sf::Shape{8, 3, 2}, sf::Shape{10, 6}, sf::Shape{10}});
    CHECK(f.infer_shape("data"_arg = sf::Shape{8, 3, 2}, "fc_weight"_arg = sf::Shape{3, 2}).out ==
          std::vector<sf::Shape>{sf::Shape{8, 3, 3}});
    CHECK(e.infer_type("data"_arg = sf::float64, "fc_weight"_arg = sf::float64, "fc_bias"_arg = sf::float64).out ==
          std::vector<sf::dtype>{sf::float64});
}

TEST_CASE("FullyConnected errors name the node, the input and both shapes", "[ops][layers][fc][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto w = sf::sym::Variable<"W">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::FullyConnected(a * 2, w, b, {.num_hidden = 4});
    auto X = sf::nd::zeros(sf::Shape{2, 3}), W = sf::nd::zeros(sf::Shape{4, 3}), B = sf::nd::zeros(sf::Shape{4});
    CHECK_NOTHROW(e.bind(sf::cpu(), "A"_arg = X, "W"_arg = W, "B"_arg = B));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = X, "W"_arg = sf::nd::zeros(sf::Shape{4, 5}), "B"_arg = B),
                      Catch::Contains("FullyConnected node 'fullyconnected0'") && Catch::Contains("weight") &&
                          Catch::Contains("argument 'W'") && Catch::Contains("(4, 5)") &&
                          Catch::Contains("(4, 3)") && Catch::Contains("_mulscalar0"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = X, "W"_arg = W, "B"_arg = sf::nd::zeros(sf::Shape{5})),
                      Catch::Contains("'fullyconnected0'") && Catch::Contains("bias has shape (5,)") &&
                          Catch::Contains("(4,)"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = X, "W"_arg = sf::nd::zeros(sf::Shape{4, 3}, sf::float64),
                             "B"_arg = B),
                      Catch::Contains("weight is float64 but data is float32"));
    CHECK_THROWS_AS(e.infer_shape("A"_arg = sf::Shape{2, 3}, "W"_arg = sf::Shape{3, 4}, "B"_arg = sf::Shape{4}),
                    sf::error);
    // attributes: num_hidden is required; no_bias must match the inputs given
    auto missing = sf::sym::FullyConnected(a, w, b, {});
    CHECK_THROWS_WITH(missing.bind(sf::cpu(), "A"_arg = X, "W"_arg = W, "B"_arg = B),
                      Catch::Contains("'fullyconnected1'") && Catch::Contains("num_hidden"));
    auto no_flag = sf::sym::FullyConnected(a, w, {.num_hidden = 4});
    CHECK_THROWS_WITH(no_flag.bind(sf::cpu(), "A"_arg = X, "W"_arg = W),
                      Catch::Contains("'fullyconnected2'") && Catch::Contains("no_bias"));
    auto both = sf::sym::FullyConnected(a, w, b, {.num_hidden = 4, .no_bias = true});
    CHECK_THROWS_WITH(both.bind(sf::cpu(), "A"_arg = X, "W"_arg = W, "B"_arg = B), Catch::Contains("no_bias"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{}), "W"_arg = W, "B"_arg = B),
                      Catch::Contains("at least one dimension"));
}

// ----- batch_dot ---------------------------------------------------------------------------

TEST_CASE("batch_dot matches a double loop per batch for every transposition and dtype", "[ops][layers][batch_dot]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    struct bd_case {
        dims_t batch;
        std::size_t m, k, n;
    };
    const std::vector<bd_case> cases{{{2}, 3, 4, 5},  {{1}, 1, 1, 1},    {{3}, 0, 2, 2},     {{0}, 2, 2, 2},
                                     {{2}, 2, 0, 3},  {{2, 3}, 4, 5, 2}, {{3}, 7, 13, 5},    {{2}, 3, 257, 4},
                                     {{5}, 1, 9, 1}};
    auto make = [&](sf::ops::dot_param p) { return sf::sym::batch_dot(a + 1, b, p) * 2; };
    for_all_dtypes([&]<class T>() {
        std::uint32_t seed = 100;
        for (const auto& c : cases)
            for (int t = 0; t < 4; ++t) {
                const bool ta = t & 1, tb = t & 2;
                const std::size_t nb = prod(c.batch, 0, c.batch.size());
                auto shape = [&](std::size_t r, std::size_t q, bool tr) {
                    dims_t d = c.batch;
                    d.push_back(static_cast<long>(tr ? q : r));
                    d.push_back(static_cast<long>(tr ? r : q));
                    return sf::Shape(d);
                };
                auto x = random_values<T>(nb * c.m * c.k, seed++), y = random_values<T>(nb * c.k * c.n, seed++);
                if constexpr (std::is_floating_point_v<T>)
                    if (!x.empty()) x[0] = nan_v;
                INFO("batch " << c.batch.size() << " m " << c.m << " k " << c.k << " n " << c.n << " ta " << ta
                              << " tb " << tb << " " << dtype_str<T>());
                auto e = make({.transpose_a = ta, .transpose_b = tb});
                auto out = e.bind(sf::cpu(), "A"_arg = make_array<T>(x, shape(c.m, c.k, ta)),
                                  "B"_arg = make_array<T>(y, shape(c.k, c.n, tb)))
                               .forward()[0];
                dims_t od = c.batch;
                od.push_back(static_cast<long>(c.m));
                od.push_back(static_cast<long>(c.n));
                CHECK(out.shape() == sf::Shape(od));
                std::vector<double> want(nb * c.m * c.n), mag(want.size());
                for (std::size_t q = 0; q < nb; ++q)
                    for (std::size_t i = 0; i < c.m; ++i)
                        for (std::size_t j = 0; j < c.n; ++j) {
                            double s = 0, g = 0;
                            for (std::size_t l = 0; l < c.k; ++l) {
                                double av = x[q * c.m * c.k + (ta ? l * c.m + i : i * c.k + l)] + 1;
                                double bv = y[q * c.k * c.n + (tb ? j * c.k + l : l * c.n + j)];
                                s += av * bv;
                                g += std::abs(av * bv);
                            }
                            want[(q * c.m + i) * c.n + j] = 2 * s;
                            mag[(q * c.m + i) * c.n + j] = 2 * g;
                        }
                check_all<T>(out, want, mag, sum_tol<T>(), "batch_dot");
            }
    });
}

TEST_CASE("batch_dot names, attributes, shapes and errors", "[ops][layers][batch_dot][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::batch_dot(a, b, {.transpose_a = true});
    sf::sym::Symbol r = e;
    CHECK(e.name() == "batch_dot0");
    CHECK(r.outputs()[0].node->op->name == "batch_dot");
    CHECK(r.outputs()[0].node->op->input_names(r.outputs()[0].node->attrs) == std::vector<std::string>{"lhs", "rhs"});
    CHECK(r.outputs()[0].node->attrs == attrs_t{{"transpose_a", "True"}});
    CHECK(sf::sym::batch_dot(a, b, {}, "bd").name() == "bd");
    CHECK(e.infer_shape("A"_arg = sf::Shape{6, 4, 3}, "B"_arg = sf::Shape{6, 4, 5}).out ==
          std::vector<sf::Shape>{sf::Shape{6, 3, 5}});

    auto f = sf::sym::batch_dot(a, b);  // batch_dot1
    auto X = sf::nd::zeros(sf::Shape{2, 3, 4});
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = X, "B"_arg = sf::nd::zeros(sf::Shape{2, 5, 6})),
                      Catch::Contains("batch_dot node 'batch_dot1'") && Catch::Contains("(2, 3, 4)") &&
                          Catch::Contains("(2, 5, 6)") && Catch::Contains("contracted axes differ"));
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = X, "B"_arg = sf::nd::zeros(sf::Shape{3, 4, 6})),
                      Catch::Contains("batch dimensions differ") && Catch::Contains("(3, 4, 6)"));
    auto A2 = sf::nd::zeros(sf::Shape{3, 4}), B2 = sf::nd::zeros(sf::Shape{4, 5});
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = A2, "B"_arg = B2),
                      Catch::Contains("at least 3") && Catch::Contains("(3, 4)"));
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = X, "B"_arg = sf::nd::zeros(sf::Shape{2, 4, 6}, sf::int64)),
                      Catch::Contains("rhs is int64 but lhs is float32"));
}

// ----- softmax, log_softmax ----------------------------------------------------------------

namespace {
struct sm_case {
    dims_t shape;
    int axis;
    std::optional<double> temperature;
    double scale = 3.0;  // input magnitude; large values test the max shift
};
const std::vector<sm_case> sm_cases{
    {{2, 5}, -1, {}},        {{2, 5}, 0, {}},         {{3, 4, 5}, 1, {}},       {{3, 4, 5}, -2, {}},
    {{3, 4, 5}, 0, {}},      {{3, 4, 5}, 2, {}},      {{7}, 0, {}},             {{4, 1}, -1, {}},
    {{0, 3}, -1, {}},        {{3, 0}, -1, {}},        {{2, 0, 3}, 1, {}},       {{3, 5, 70}, 1, {}},
    {{2, 37, 3}, -1, {}},    {{3, 4, 5}, 1, 0.5},     {{3, 4, 5}, -1, -2.0},    {{4, 9}, 1, 1.0},
    {{5, 6}, -1, {}, 500.0}, {{6, 5}, 0, 0.25, 300.0},
};

// softmax(A * 2) + 1 (log: log_softmax(A * 2) - 1) against the double reference.
template <bool Log, class Make>
void check_softmax(Make make) {
    for_float_dtypes([&]<class T>() {
        std::uint32_t seed = 200;
        for (const auto& c : sm_cases) {
            const sf::Shape s(c.shape);
            const std::size_t nd = c.shape.size();
            const auto ax = static_cast<std::size_t>(c.axis < 0 ? c.axis + static_cast<int>(nd) : c.axis);
            auto x = random_values<T>(s.num_elements(), seed++, c.scale);
            if (x.size() > 8) {  // a NaN poisons its slice; -inf is an ordinary zero weight
                x[3] = nan_v;
                x[x.size() - 2] = -inf_v;
            }
            INFO((Log ? "log_softmax " : "softmax ") << s << " axis " << c.axis << " " << dtype_str<T>());
            auto e = make({.axis = c.axis, .temperature = c.temperature});
            auto out = e.bind(sf::cpu(), "A"_arg = make_array<T>(x, s)).forward()[0];
            CHECK(out.shape() == s);
            std::vector<double> x2(x);
            for (auto& v : x2) v *= 2;
            auto want = ref_softmax(x2, prod(c.shape, 0, ax), static_cast<std::size_t>(c.shape[ax]),
                                    prod(c.shape, ax + 1, nd), c.temperature.value_or(1.0), Log);
            std::vector<double> scale(want.size());
            for (std::size_t i = 0; i < want.size(); ++i) {
                want[i] += Log ? -1 : 1;
                scale[i] = 1 + std::abs(want[i]);
            }
            check_all<T>(out, want, scale, std::is_same_v<T, float> ? 1e-6 : 1e-13, Log ? "log_softmax" : "softmax");
        }
    });
}
} // namespace

TEST_CASE("softmax matches a double loop on any axis, with temperature, NaN and large values",
          "[ops][layers][softmax]") {
    auto a = sf::sym::Variable<"A">();
    check_softmax<false>([&](sf::ops::softmax_param p) { return sf::sym::softmax(a * 2, p) + 1; });
}

TEST_CASE("log_softmax matches a double loop on any axis, with temperature, NaN and large values",
          "[ops][layers][softmax]") {
    auto a = sf::sym::Variable<"A">();
    check_softmax<true>([&](sf::ops::softmax_param p) { return sf::sym::log_softmax(a * 2, p) - 1; });
}

TEST_CASE("softmax values by hand: stable for large inputs, rows sum to one", "[ops][layers][softmax]") {
    auto a = sf::sym::Variable<"A">();
    auto X = sf::nd::array({{1000.0, 0.0}, {1.0, 1.0}});
    auto sm = sf::sym::softmax(a).bind(sf::cpu(), "A"_arg = X).forward()[0].to_vector<float>();
    CHECK(sm == std::vector<float>{1.0f, 0.0f, 0.5f, 0.5f});
    auto ls = sf::sym::log_softmax(a).bind(sf::cpu(), "A"_arg = X).forward()[0].to_vector<float>();
    CHECK(ls[0] == 0.0f);
    CHECK(ls[1] == -1000.0f);
    CHECK(ls[2] == Approx(-std::log(2.0)));
    // softmax of a chain: FullyConnected straight into softmax (materialized into materialized)
    auto w = sf::sym::Variable<"W">();
    auto e = sf::sym::softmax(sf::sym::FullyConnected(a, w, {.num_hidden = 3, .no_bias = true}));
    auto W = sf::nd::array({{1.0, 0.0}, {0.0, 1.0}, {0.0, 0.0}});
    auto got = e.bind(sf::cpu(), "A"_arg = sf::nd::array({{0.0, 0.0}}), "W"_arg = W).forward()[0].to_vector<float>();
    for (float v : got) CHECK(v == Approx(1.0 / 3));
}

TEST_CASE("softmax and log_softmax names, attributes, shapes and errors", "[ops][layers][softmax][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto e = sf::sym::softmax(a);
    auto l = sf::sym::log_softmax(a, {.axis = 0, .temperature = 2.0});
    sf::sym::Symbol re = e, rl = l;
    CHECK(e.name() == "softmax0");
    CHECK(l.name() == "log_softmax0");
    CHECK(re.outputs()[0].node->op->name == "softmax");
    CHECK(rl.outputs()[0].node->op->name == "log_softmax");
    CHECK(re.outputs()[0].node->attrs == attrs_t{});
    CHECK(rl.outputs()[0].node->attrs == attrs_t{{"axis", "0"}, {"temperature", "2.0"}});
    sf::sym::Symbol r1 = sf::sym::softmax(a, {.temperature = 1.0});  // given explicitly: written
    CHECK(r1.outputs()[0].node->attrs == attrs_t{{"temperature", "1.0"}});
    CHECK(sf::sym::softmax(a, {}, "prob").name() == "prob");
    CHECK(e.infer_shape("A"_arg = sf::Shape{2, 3}).out == std::vector<sf::Shape>{sf::Shape{2, 3}});

    auto bad_axis = sf::sym::softmax(a * 2, {.axis = 3});  // softmax2
    CHECK_THROWS_WITH(bad_axis.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2, 3})),
                      Catch::Contains("softmax node 'softmax2'") && Catch::Contains("(2, 3)") &&
                          Catch::Contains("axis 3 is out of range for a 2-d input"));
    CHECK_THROWS_WITH(sf::sym::log_softmax(a, {.axis = -3}).infer_shape("A"_arg = sf::Shape{2, 3}),
                      Catch::Contains("axis -3 is out of range"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2, 3}, sf::int32)),
                      Catch::Contains("'softmax0'") && Catch::Contains("int32") &&
                          Catch::Contains("float32, float64"));
    CHECK_THROWS_WITH(sf::sym::softmax(a, {.temperature = 0.0}).bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2})),
                      Catch::Contains("temperature"));
}

// ----- SoftmaxOutput -------------------------------------------------------------------------

TEST_CASE("SoftmaxOutput: default, preserve_shape and multi_output forward match a double loop",
          "[ops][layers][softmaxoutput]") {
    auto a = sf::sym::Variable<"A">();
    auto l = sf::sym::Variable<"L">();
    auto make = [&](sf::ops::softmax_output_param p) { return sf::sym::SoftmaxOutput(a * 2, l, p) + 1; };
    struct so_case {
        dims_t data, label;
        bool preserve, multi;
        std::size_t outer, len, inner;  // where the softmax runs
    };
    const std::vector<so_case> cases{
        {{3, 5}, {3}, false, false, 3, 5, 1},            {{2, 3, 4}, {2, 3}, false, false, 2, 12, 1},
        {{2, 3, 4}, {2, 3}, true, false, 6, 4, 1},       {{2, 3, 4}, {2, 4}, false, true, 2, 3, 4},
        {{2, 3, 4}, {2, 1, 4}, false, true, 2, 3, 4},    {{3, 5}, {3, 5}, false, false, 3, 5, 1},
        {{0, 4}, {0}, false, false, 0, 4, 1},            {{4, 1}, {4}, false, false, 4, 1, 1},
        {{2, 3, 4, 5}, {2, 4, 5}, true, true, 2, 3, 20},
    };
    for_float_dtypes([&]<class T>() {
        std::uint32_t seed = 300;
        for (const auto& c : cases) {
            const sf::Shape ds(c.data);
            auto x = random_values<T>(ds.num_elements(), seed++, 4.0);
            if (x.size() > 6) x[5] = nan_v;
            auto lv = random_values<T>(sf::Shape(c.label).num_elements(), seed++);
            INFO("data " << ds << " label " << sf::Shape(c.label) << " preserve " << c.preserve << " multi "
                         << c.multi << " " << dtype_str<T>());
            auto e = make({.multi_output = c.multi, .preserve_shape = c.preserve});
            auto X = make_array<T>(x, ds), L = make_array<T>(lv, sf::Shape(c.label));
            auto out = e.bind(sf::cpu(), "A"_arg = X, "L"_arg = L).forward()[0];
            CHECK(out.shape() == ds);
            std::vector<double> x2(x);
            for (auto& v : x2) v *= 2;
            auto want = ref_softmax(x2, c.outer, c.len, c.inner, 1.0, false);
            std::vector<double> scale(want.size());
            for (std::size_t i = 0; i < want.size(); ++i) want[i] += 1, scale[i] = 1 + std::abs(want[i]);
            check_all<T>(out, want, scale, std::is_same_v<T, float> ? 1e-6 : 1e-13, "SoftmaxOutput");
        }
    });
}

TEST_CASE("SoftmaxOutput names, attributes, label checks and errors", "[ops][layers][softmaxoutput][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"data">();
    auto l = sf::sym::Variable<"softmax_label">();
    auto e = sf::sym::SoftmaxOutput(a, l);
    sf::sym::Symbol r = e;
    CHECK(e.name() == "softmaxoutput0");
    CHECK(r.outputs()[0].node->op->name == "SoftmaxOutput");
    CHECK(r.outputs()[0].node->op->input_names(r.outputs()[0].node->attrs) == std::vector<std::string>{"data", "label"});
    CHECK(r.outputs()[0].node->attrs == attrs_t{});
    CHECK(e.list_arguments() == strings{"data", "softmax_label"});
    auto f = sf::sym::SoftmaxOutput(a, l,
                                    {.grad_scale = 2, .ignore_label = 0, .multi_output = true, .use_ignore = true,
                                     .preserve_shape = true, .normalization = "valid", .out_grad = true,
                                     .smooth_alpha = 0.1},
                                    "softmax");
    sf::sym::Symbol rf = f;
    CHECK(f.name() == "softmax");
    CHECK(rf.outputs()[0].node->attrs == attrs_t{{"grad_scale", "2.0"},
                                                 {"ignore_label", "0.0"},
                                                 {"multi_output", "True"},
                                                 {"use_ignore", "True"},
                                                 {"preserve_shape", "True"},
                                                 {"normalization", "valid"},
                                                 {"out_grad", "True"},
                                                 {"smooth_alpha", "0.1"}});
    CHECK(e.infer_shape("data"_arg = sf::Shape{8, 10}, "softmax_label"_arg = sf::Shape{8}).out ==
          std::vector<sf::Shape>{sf::Shape{8, 10}});

    auto X = sf::nd::zeros(sf::Shape{3, 5});
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "data"_arg = X, "softmax_label"_arg = sf::nd::zeros(sf::Shape{3, 1})),
                      Catch::Contains("SoftmaxOutput node 'softmaxoutput0'") && Catch::Contains("label") &&
                          Catch::Contains("argument 'softmax_label'") && Catch::Contains("(3, 1)") &&
                          Catch::Contains("(3,)") && Catch::Contains("(3, 5)"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "data"_arg = sf::nd::zeros(sf::Shape{5}), "softmax_label"_arg = X),
                      Catch::Contains("at least 2 dimensions"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "data"_arg = X, "softmax_label"_arg = sf::nd::zeros(sf::Shape{3}, sf::int32)),
                      Catch::Contains("label") && Catch::Contains("int32"));
    auto multi = sf::sym::SoftmaxOutput(a, l, {.multi_output = true});  // softmaxoutput1
    CHECK_THROWS_WITH(multi.infer_shape("data"_arg = sf::Shape{2, 3, 4}, "softmax_label"_arg = sf::Shape{2, 3}),
                      Catch::Contains("'softmaxoutput1'") && Catch::Contains("multi_output") &&
                          Catch::Contains("(2, 4)"));
    auto bad_norm = sf::sym::SoftmaxOutput(a, l, {.normalization = "mean"});
    CHECK_THROWS_WITH(bad_norm.bind(sf::cpu(), "data"_arg = X, "softmax_label"_arg = sf::nd::zeros(sf::Shape{3})),
                      Catch::Contains("normalization 'mean'"));
}

// ----- Dropout -------------------------------------------------------------------------------

TEST_CASE("Dropout is the identity at inference and fuses with the ops around it", "[ops][layers][dropout]") {
    auto a = sf::sym::Variable<"A">();
    auto e = sf::sym::Dropout(a * 2, {.p = 0.25}) + 1;
    for_all_dtypes([&]<class T>() {
        for (dims_t d : {dims_t{3, 7}, dims_t{1}, dims_t{0, 5}, dims_t{67}}) {
            const sf::Shape s(d);
            auto x = random_values<T>(s.num_elements(), 400);
            if constexpr (std::is_floating_point_v<T>)
                if (x.size() > 2) x[2] = nan_v;
            auto exec = e.bind(sf::cpu(), "A"_arg = make_array<T>(x, s));
            CHECK(exec.num_steps() == 1);  // one fused loop: Dropout materializes nothing
            auto out = exec.forward()[0];
            CHECK(out.shape() == s);
            std::vector<double> want(x), scale(x.size());
            for (std::size_t i = 0; i < x.size(); ++i) want[i] = x[i] * 2 + 1, scale[i] = 1 + std::abs(want[i]);
            INFO(dtype_str<T>() << " " << s);
            // x * 2 + 1 rounds once in the dtype: half an epsilon
            check_all<T>(out, want, scale, std::is_same_v<T, float> ? 1e-7 : 0.0, "Dropout");
        }
    });
}

TEST_CASE("Dropout names, attributes and errors", "[ops][layers][dropout][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto e = sf::sym::Dropout(a);
    sf::sym::Symbol r = e;
    CHECK(e.name() == "dropout0");
    CHECK(r.outputs()[0].node->op->name == "Dropout");
    CHECK(r.outputs()[0].node->attrs == attrs_t{});
    sf::sym::Symbol r2 = sf::sym::Dropout(a, {.p = 0.1, .axes = {1}});
    CHECK(r2.outputs()[0].node->name == "dropout1");
    CHECK(r2.outputs()[0].node->attrs == attrs_t{{"p", "0.1"}, {"axes", "(1,)"}});
    sf::sym::Symbol r3 = sf::sym::Dropout(a, {.p = 0, .mode = "always", .axes = {0, 2}}, "drop");
    CHECK(r3.outputs()[0].node->name == "drop");
    CHECK(r3.outputs()[0].node->attrs == attrs_t{{"p", "0.0"}, {"mode", "always"}, {"axes", "(0, 2)"}});
    CHECK(e.infer_shape("A"_arg = sf::Shape{4, 2}).out == std::vector<sf::Shape>{sf::Shape{4, 2}});
    CHECK_THROWS_WITH(sf::sym::Dropout(a, {.p = 1.5}),
                      Catch::Contains("Dropout node 'dropout2'") && Catch::Contains("p must be in [0, 1]"));
    CHECK_THROWS_WITH(sf::sym::Dropout(a, {.mode = "always"}), Catch::Contains("'dropout3'") &&
                                                                   Catch::Contains("mode 'always'"));
    CHECK_THROWS_WITH(sf::sym::Dropout(a, {.mode = "sometimes"}), Catch::Contains("mode 'sometimes'"));
}
