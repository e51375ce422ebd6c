// dot, and the planning of materialized nodes: buffers and steps made at bind, a node
// used twice computed once, elementwise work around them fused; infer_shape/infer_type.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;
using strings = std::vector<std::string>;

namespace {
template <class T>
sf::nd::NDArray random_matrix(sf::Shape s, std::uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_int_distribution<int> d(-4, 4);
    std::vector<T> v(s.num_elements());
    for (auto& x : v) x = static_cast<T>(d(g));
    return sf::nd::array(v, s, sf::dtype_of<T>());
}
// C = op(A) op(B) in double, A (m x k) after transposition.
std::vector<double> ref_gemm(const std::vector<double>& a, const std::vector<double>& b, std::size_t m,
                             std::size_t k, std::size_t n, bool ta, bool tb) {
    std::vector<double> c(m * n, 0.0);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t l = 0; l < k; ++l)
                c[i * n + j] += (ta ? a[l * m + i] : a[i * k + l]) * (tb ? b[j * k + l] : b[l * n + j]);
    return c;
}
template <class T>
std::vector<double> as_double(const sf::nd::NDArray& x) {
    auto v = x.to_vector<T>();
    return {v.begin(), v.end()};
}
} // namespace

TEMPLATE_TEST_CASE("dot matches a double loop for every dtype and transposition", "[ops][dot]", float, double,
                   std::int32_t, std::int64_t) {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    struct dims {
        std::size_t m, k, n;
    };
    for (dims d : {dims{1, 1, 1}, dims{3, 5, 2}, dims{17, 33, 9}, dims{64, 300, 20}, dims{0, 3, 2}, dims{2, 0, 3}}) {
        for (int t = 0; t < 4; ++t) {
            bool ta = t & 1, tb = t & 2;
            auto e = sf::sym::dot(a, b, {.transpose_a = ta, .transpose_b = tb});
            auto sa = ta ? sf::Shape{static_cast<long>(d.k), static_cast<long>(d.m)}
                         : sf::Shape{static_cast<long>(d.m), static_cast<long>(d.k)};
            auto sb = tb ? sf::Shape{static_cast<long>(d.n), static_cast<long>(d.k)}
                         : sf::Shape{static_cast<long>(d.k), static_cast<long>(d.n)};
            auto A = random_matrix<TestType>(sa, 11), B = random_matrix<TestType>(sb, 12);
            auto out = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B).forward()[0];
            CHECK(out.shape() == sf::Shape{static_cast<long>(d.m), static_cast<long>(d.n)});
            CHECK(as_double<TestType>(out) ==
                  ref_gemm(as_double<TestType>(A), as_double<TestType>(B), d.m, d.k, d.n, ta, tb));
        }
    }
}

TEST_CASE("dot of vectors and of higher-rank arrays follows MXNet's shapes", "[ops][dot]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::dot(a, b);
    auto v = sf::nd::array({1.0, 2.0, 3.0}), w = sf::nd::array({4.0, 5.0, 6.0});
    auto vv = e.bind(sf::cpu(), "A"_arg = v, "B"_arg = w).forward()[0];
    CHECK(vv.shape() == sf::Shape{1});
    CHECK(vv.to_vector<float>() == std::vector<float>{32});
    auto m = sf::nd::array({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
    auto mv = e.bind(sf::cpu(), "A"_arg = m, "B"_arg = w).forward()[0];
    CHECK(mv.shape() == sf::Shape{2});
    CHECK(mv.to_vector<float>() == std::vector<float>{32, 77});
    auto t = sf::nd::arange(0, 24).copy();
    auto a3 = sf::nd::array(t.to_vector<float>(), sf::Shape{2, 3, 4});
    auto b2 = sf::nd::ones(sf::Shape{4, 5});
    auto r = e.bind(sf::cpu(), "A"_arg = a3, "B"_arg = b2).forward()[0];
    CHECK(r.shape() == sf::Shape{2, 3, 5});
    CHECK(r.to_vector<float>()[0] == 0 + 1 + 2 + 3);
    CHECK(r.to_vector<float>()[29] == 20 + 21 + 22 + 23);
    auto s = e.infer_shape("A"_arg = sf::Shape{7}, "B"_arg = sf::Shape{7, 2});
    CHECK(s.out == std::vector<sf::Shape>{sf::Shape{2}});
}

TEST_CASE("dot's name, JSON op and attributes", "[ops][dot]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::dot(a, b, {.transpose_b = true});
    sf::sym::Symbol r = e;
    CHECK(e.name() == "dot0");
    CHECK(r.outputs()[0].node->op->name == "dot");
    CHECK(r.outputs()[0].node->attrs == std::map<std::string, std::string>{{"transpose_b", "True"}});
    CHECK(sf::sym::dot(a, b, {}, "mydot").name() == "mydot");
    CHECK(sf::sym::dot(a, b).list_outputs() == strings{"dot1_output"});
}

TEST_CASE("dot shape errors name the node, the inputs and both shapes", "[ops][dot][error]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::dot(a * 2, b);
    auto A = sf::nd::zeros(sf::Shape{2, 3}), B = sf::nd::zeros(sf::Shape{4, 5});
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B),
                      Catch::Contains("dot node 'dot0'") && Catch::Contains("(2, 3)") && Catch::Contains("(4, 5)") &&
                          Catch::Contains("argument 'B'") && Catch::Contains("_mulscalar0"));
    auto I = sf::nd::zeros(sf::Shape{3, 5}, sf::int32);
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = A, "B"_arg = I), Catch::Contains("int32"));
    CHECK_THROWS_AS(e.infer_shape("A"_arg = sf::Shape{2, 3}, "B"_arg = sf::Shape{4, 5}), sf::error);
}

TEST_CASE("materialized nodes: fused groups around them, a node used twice runs once", "[exec][plan]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::dot(a * 2, b);          // a*2 is fused into a scratch buffer first
    auto e = (d + c) * d - sf::sym::dot(a, b);  // d appears twice: one buffer, one step
    CHECK(e.get_internals().list_outputs() == strings{"A", "_mulscalar0_output", "B", "dot0_output", "C",
                                                      "_plus0_output", "_mul0_output", "dot1_output",
                                                      "_minus0_output"});
    auto A = sf::nd::array({{1.0, 2.0}, {3.0, 4.0}}), B = sf::nd::array({{1.0, -1.0}, {2.0, 0.5}});
    auto C = sf::nd::array({{1.0, 1.0}, {1.0, 1.0}});
    auto exec = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C);
    CHECK(exec.num_steps() == 4);  // scratch a*2, dot0, dot1, the fused output
    auto got = exec.forward()[0].to_vector<float>();
    // by hand: AB = [[5, 0], [11, -1]], D = 2AB = [[10, 0], [22, -2]]
    std::vector<float> want{(10 + 1) * 10 - 5, (0 + 1) * 0 - 0, (22 + 1) * 22 - 11, (-2 + 1) * -2 - -1};
    CHECK(got == want);
    // new contents flow through every step
    A.data<float>()[0] = 0;
    got = exec.forward()[0].to_vector<float>();
    CHECK(got[0] == (8 + 1) * 8 - 4);  // AB row 0 = [4, 1], D = 2AB
    // a materialized root writes straight into the output: no copy step
    auto root = sf::sym::dot(a, b);
    CHECK(root.bind(sf::cpu(), "A"_arg = A, "B"_arg = B).num_steps() == 1);
}

TEST_CASE("infer_shape and infer_type return MXNet's (arguments, outputs, auxiliary) triple", "[sym][infer]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto e = sf::sym::dot(a, b) + c;
    auto s = e.infer_shape("C"_arg = sf::Shape{5, 3}, "B"_arg = sf::Shape{7, 3}, "A"_arg = sf::Shape{5, 7});
    CHECK(s.arg == std::vector<sf::Shape>{sf::Shape{5, 7}, sf::Shape{7, 3}, sf::Shape{5, 3}});
    CHECK(s.out == std::vector<sf::Shape>{sf::Shape{5, 3}});
    CHECK(s.aux.empty());
    CHECK_THROWS_WITH(e.infer_shape("A"_arg = sf::Shape{5, 7}, "B"_arg = sf::Shape{7, 3}, "C"_arg = sf::Shape{5, 4}),
                      Catch::Contains("(5, 3)") && Catch::Contains("(5, 4)") && Catch::Contains("argument 'C'"));
    auto t = e.infer_type("A"_arg = sf::int64, "B"_arg = sf::int64, "C"_arg = sf::int64);
    CHECK(t.out == std::vector<sf::dtype>{sf::int64});
    CHECK(t.arg.size() == 3);
    CHECK_THROWS_WITH(e.infer_type("A"_arg = sf::int64, "B"_arg = sf::int64, "C"_arg = sf::float32),
                      Catch::Contains("int64") && Catch::Contains("float32"));
}
