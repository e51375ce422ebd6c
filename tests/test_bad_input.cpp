// The README's bad-input table, row by row, where no other test file already backs the
// row: empty and zero-size arrays, element counts that overflow through a graph, NaN and
// inf through reductions, aliasing between inputs and outputs, executors that outlive
// their symbols, and hostile arguments to the creation functions.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;
using sf::sym::Symbol;

namespace {
using args = std::map<std::string, sf::nd::NDArray>;
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();
} // namespace

TEST_CASE("zero-size dimensions run: elementwise graphs give empty outputs of the right shape", "[bad_input]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = sf::sym::exp(a * b) + 1;
    auto A = sf::nd::zeros({0, 3}), B = sf::nd::zeros({0, 3});
    auto ex = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B);
    const auto& out = ex.forward();
    CHECK(out[0].shape() == sf::Shape{0, 3});
    CHECK(out[0].size() == 0);
    CHECK(out[0].to_vector<float>().empty());

    Symbol r = e;
    auto rex = r.bind(sf::cpu(), args{{"A", A}, {"B", B}});
    CHECK(rex.forward()[0].shape() == sf::Shape{0, 3});
    auto bc = sf::sym::broadcast_add(Symbol(sf::sym::Variable("P")), Symbol(sf::sym::Variable("Q")));
    auto bex = bc.bind(sf::cpu(), args{{"P", sf::nd::zeros({0, 1})}, {"Q", sf::nd::zeros({1, 4})}});
    CHECK(bex.forward()[0].shape() == sf::Shape{0, 4});
}

TEST_CASE("zero-size reductions follow numpy: sum of nothing is 0, max of nothing is an error", "[bad_input]") {
    Symbol a = sf::sym::Variable("A");
    auto A = sf::nd::zeros({0, 3});
    auto s = sf::sym::sum(a, {.axis = 0}).bind(sf::cpu(), args{{"A", A}}).forward()[0];
    CHECK(s.shape() == sf::Shape{3});
    CHECK(s.to_vector<float>() == std::vector<float>{0, 0, 0});
    auto s1 = sf::sym::sum(a, {.axis = 1}).bind(sf::cpu(), args{{"A", A}}).forward()[0];
    CHECK(s1.shape() == sf::Shape{0});
    // numpy: "zero-size array to reduction operation maximum which has no identity"
    CHECK_THROWS_AS(sf::sym::max(a, {.axis = 0}).bind(sf::cpu(), args{{"A", A}}).forward(), sf::error);
    CHECK_THROWS_WITH(sf::sym::max(a, {.axis = 0}).bind(sf::cpu(), args{{"A", A}}).forward(),
                      Catch::Contains("max") && Catch::Contains("(0, 3)"));
    // dot over an empty inner dimension is all zeros, as in numpy
    Symbol p = sf::sym::Variable("P"), q = sf::sym::Variable("Q");
    auto d = sf::sym::dot(p, q)
                 .bind(sf::cpu(), args{{"P", sf::nd::zeros({2, 0})}, {"Q", sf::nd::zeros({0, 3})}})
                 .forward()[0];
    CHECK(d.shape() == sf::Shape{2, 3});
    CHECK(d.to_vector<float>() == std::vector<float>(6, 0.f));
}

TEST_CASE("shapes whose element count overflows are refused where they arise, naming the shape", "[bad_input]") {
    constexpr std::int64_t big = std::int64_t(1) << 33;
    // a Shape may hold such dimensions (inference passes them along); counting them throws
    CHECK_THROWS_WITH(sf::Shape({big, big, big}).num_elements(),
                      Catch::Contains("(8589934592, 8589934592, 8589934592)") && Catch::Contains("more elements"));
    CHECK_THROWS_WITH(sf::nd::zeros({big, big}), Catch::Contains("more elements than fit in memory"));
    // more bytes than this machine has: refused before the allocator is asked
    CHECK_THROWS_WITH(sf::nd::zeros({big, 1024}), Catch::Contains("(8589934592, 1024)") &&
                                                      Catch::Contains("too large to allocate") &&
                                                      Catch::Contains("MiB of memory"));
    // through inference: a broadcast whose result would not fit
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto e = sf::sym::broadcast_mul(a, b);
    CHECK_THROWS_AS(e.infer_shape({{"A", sf::Shape{big, 1}}, {"B", sf::Shape{1, big}}}), sf::error);
    // simple_bind of shapes that fit a Shape but not memory
    CHECK_THROWS_WITH((a + 1).simple_bind(sf::cpu(), {{"A", sf::Shape{big, 1024}}}),
                      Catch::Contains("too large to allocate"));
    // a JSON file declaring such a shape loads, and binding it fails the same way
    Symbol v = sf::sym::Variable("V", {.shape = sf::Shape{big, 1024}});
    auto loaded = sf::sym::load_json((v * 2).tojson());
    CHECK_THROWS_WITH(loaded.simple_bind(sf::cpu(), {}), Catch::Contains("too large to allocate"));
}

TEST_CASE("NaN and inf pass through elementwise ops and reductions as in numpy", "[bad_input]") {
    Symbol a = sf::sym::Variable("A");
    auto A = sf::nd::array(std::vector<float>{1, nan_f, 2, -inf_f, 3, 4}, sf::Shape{2, 3});
    auto bind1 = [&](const Symbol& s) { return s.bind(sf::cpu(), args{{"A", A}}).forward()[0].to_vector<float>(); };
    auto relu = bind1(sf::sym::relu(a));
    CHECK(std::isnan(relu[1]));
    CHECK(relu[3] == 0.f);
    auto sums = bind1(sf::sym::sum(a, {.axis = 1}));
    CHECK(std::isnan(sums[0]));  // 1 + nan + 2
    CHECK(std::isinf(sums[1]));  // -inf + 3 + 4
    CHECK(sums[1] < 0);
    auto maxes = bind1(sf::sym::max(a, {.axis = 1}));  // numpy's max propagates nan
    CHECK(std::isnan(maxes[0]));
    CHECK(maxes[1] == 4.f);
    auto mins = bind1(sf::sym::min(a, {.axis = 1}));
    CHECK(std::isnan(mins[0]));
    CHECK(std::isinf(mins[1]));
    auto sm = bind1(sf::sym::softmax(a, {.axis = 1}));  // a row holding nan is all nan
    CHECK(std::isnan(sm[0]));
    CHECK(std::isnan(sm[2]));
}

TEST_CASE("one array bound to two names is read twice; nothing writes to inputs", "[bad_input]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = a * b + a;
    auto X = sf::nd::array({1.f, 2.f, 3.f});
    auto got = e.bind(sf::cpu(), "A"_arg = X, "B"_arg = X).forward()[0].to_vector<float>();
    CHECK(got == std::vector<float>{2, 6, 12});
    CHECK(X.to_vector<float>() == std::vector<float>{1, 2, 3});
    Symbol r = e;
    CHECK(r.bind(sf::cpu(), args{{"A", X}, {"B", X}}).forward()[0].to_vector<float>() ==
          std::vector<float>{2, 6, 12});
}

TEST_CASE("outputs never alias inputs: a variable head is copied; chained executors see updates", "[bad_input]") {
    Symbol a = sf::sym::Variable("A");
    auto X = sf::nd::array({1.f, 2.f});
    auto ex = sf::sym::Group({a, a * 2}).bind(sf::cpu(), args{{"A", X}});
    const auto& out = ex.forward();
    CHECK_FALSE(out[0].same_storage(X));
    out[0].data<float>()[0] = 100.f;  // writing into an output leaves the input alone
    CHECK(X.to_vector<float>() == std::vector<float>{1, 2});
    // the output of one executor bound as the input of another is read at each forward()
    auto first = (a + 1).bind(sf::cpu(), args{{"A", X}});
    auto second = (a * 10).bind(sf::cpu(), args{{"A", first.outputs()[0]}});
    first.forward();
    CHECK(second.forward()[0].to_vector<float>() == std::vector<float>{20, 30});
    X.data<float>()[1] = 5.f;
    first.forward();
    CHECK(second.forward()[0].to_vector<float>() == std::vector<float>{20, 60});
}

TEST_CASE("an executor outlives the symbol and the expression it was bound from", "[bad_input]") {
    auto X = sf::nd::array({1.f, 2.f, 3.f});
    auto make_static = [&] {
        auto a = sf::sym::Variable<"A">();
        return (sf::sym::exp(a) * 2 + a).bind(sf::cpu(), "A"_arg = X);
    };
    auto make_runtime = [&] {
        Symbol a = sf::sym::Variable("A");
        Symbol e = sf::sym::sum(sf::sym::exp(a) * 2 + a, {.axis = 0});
        return e.bind(sf::cpu(), args{{"A", X}});
    };
    auto s = make_static();
    auto r = make_runtime();
    std::vector<float> ref;
    float total = 0;
    for (float x : X.to_vector<float>()) {
        ref.push_back(std::exp(x) * 2 + x);
        total += ref.back();
    }
    auto got = s.forward()[0].to_vector<float>();
    for (std::size_t i = 0; i < ref.size(); ++i) CHECK(got[i] == Approx(ref[i]).epsilon(1e-6));
    CHECK(r.forward()[0].to_vector<float>()[0] == Approx(total).epsilon(1e-6));
    CHECK(r.output_dict().count("sum0_output") + r.output_dict().size() >= 1);
}

TEST_CASE("creation functions refuse ragged lists, zero steps and shapes that do not fit", "[bad_input]") {
    CHECK_THROWS_WITH(sf::nd::array({{1.0, 2.0}, {3.0}}), Catch::Contains("ragged") || Catch::Contains("row"));
    CHECK_THROWS_WITH(sf::nd::arange(0, 10, 0), Catch::Contains("step"));
    CHECK_THROWS_AS(sf::nd::arange(0, 1e30, 1), sf::error);
    CHECK_THROWS_AS(sf::nd::full({-1, 2}, 1.0), sf::error);
    CHECK_THROWS_WITH(sf::nd::uniform(1.0, 0.0, {3}), Catch::Contains("low") && Catch::Contains("high"));
    CHECK_THROWS_AS(sf::nd::normal(0.0, -1.0, {3}), sf::error);
    auto empty = sf::nd::zeros({0});
    CHECK(empty.size() == 0);
    CHECK(empty.to_vector<float>().empty());
}

TEST_CASE("an empty Symbol or an empty NDArray handle is an error where it is used", "[bad_input]") {
    Symbol none;
    CHECK_THROWS_AS(none.bind(sf::cpu(), args{}), sf::error);
    CHECK_THROWS_AS(none + none, sf::error);
    sf::nd::NDArray h;
    CHECK_THROWS_AS(h.data<float>(), sf::error);
    CHECK_THROWS_AS(h.copy(), sf::error);
    CHECK_THROWS_AS(sf::sym::Variable(""), sf::error);
}

TEST_CASE("runtime bind and inference check a variable's declared shape and dtype, as the static front end does",
          "[bad_input]") {
    Symbol r = sf::sym::Variable("R", {.shape = sf::Shape{3}});
    auto twice = r * 2;
    // the declared shape, given: computed (checked against a hand-computed value)
    CHECK(twice.bind(sf::cpu(), args{{"R", sf::nd::array({1.f, 2.f, 3.f})}}).forward()[0].to_vector<float>() ==
          std::vector<float>{2, 4, 6});
    // another shape: refused at bind and by infer_shape, naming the argument and both shapes
    CHECK_THROWS_WITH(twice.bind(sf::cpu(), args{{"R", sf::nd::zeros(sf::Shape{2})}}),
                      Catch::Contains("argument 'R'") && Catch::Contains("(3,)") && Catch::Contains("(2,)"));
    CHECK_THROWS_WITH(twice.infer_shape({{"R", sf::Shape{3, 1}}}),
                      Catch::Contains("argument 'R'") && Catch::Contains("(3,)") && Catch::Contains("(3, 1)"));
    // a JSON file's declaration counts the same once loaded
    CHECK_THROWS_WITH(sf::sym::load_json(twice.tojson()).bind(sf::cpu(), args{{"R", sf::nd::zeros(sf::Shape{4})}}),
                      Catch::Contains("argument 'R'") && Catch::Contains("(4,)"));

    // a declared dtype: the array's must match
    Symbol d = sf::sym::Variable("D", {.dtype = sf::int32});
    CHECK(d.bind(sf::cpu(), args{{"D", sf::nd::array({7, 8}, sf::int32)}}).forward()[0].to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{7, 8});
    CHECK_THROWS_WITH((d * 2).bind(sf::cpu(), args{{"D", sf::nd::zeros(sf::Shape{2})}}),
                      Catch::Contains("argument 'D'") && Catch::Contains("int32") && Catch::Contains("float32"));
    CHECK_THROWS_WITH((d * 2).infer_type({{"D", sf::float64}}),
                      Catch::Contains("argument 'D'") && Catch::Contains("int32") && Catch::Contains("float64"));

    // MXNet's unknown dimensions (0) fix only the rank and the other dimensions
    Symbol p = sf::sym::Variable("P");
    p.set_attr("__shape__", "(0, 5)");
    CHECK((p + 1).infer_shape({{"P", sf::Shape{4, 5}}}).out[0] == (sf::Shape{4, 5}));
    CHECK_THROWS_WITH((p + 1).infer_shape({{"P", sf::Shape{4, 6}}}), Catch::Contains("(0, 5)") && Catch::Contains("(4, 6)"));
    CHECK_THROWS_WITH((p + 1).infer_shape({{"P", sf::Shape{5}}}), Catch::Contains("(0, 5)") && Catch::Contains("(5,)"));

    // a declaration nobody can read is an error naming it, not skipped
    Symbol m = sf::sym::Variable("M");
    m.set_attr("__shape__", "((((");
    CHECK_THROWS_WITH((m + 1).bind(sf::cpu(), args{{"M", sf::nd::zeros(sf::Shape{2})}}),
                      Catch::Contains("argument 'M'") && Catch::Contains("((((") && Catch::Contains("not a shape"));
    m.set_attr("__shape__", "(99999999999999999999999, 5)");
    CHECK_THROWS_WITH((m + 1).infer_shape({{"M", sf::Shape{2, 5}}}), Catch::Contains("argument 'M'"));
    // types alone do not read it
    CHECK((m + 1).infer_type({{"M", sf::int64}}).out[0] == sf::int64);
}

TEST_CASE("creating an integer array from values it cannot hold is an error, not INT_MIN", "[bad_input]") {
    const double nan = std::nan("");
    CHECK_THROWS_WITH(sf::nd::full(sf::Shape{2}, nan, sf::int32), Catch::Contains("nd::full") &&
                                                                       Catch::Contains("nan") &&
                                                                       Catch::Contains("int32"));
    CHECK_THROWS_WITH(sf::nd::full(sf::Shape{2}, 1e12, sf::int32), Catch::Contains("1e+12") && Catch::Contains("int32"));
    CHECK_THROWS_WITH(sf::nd::full(sf::Shape{2}, 1e19, sf::int64), Catch::Contains("int64"));
    CHECK_THROWS_WITH(sf::nd::array({1.0, 3e9}, sf::int32), Catch::Contains("nd::array") && Catch::Contains("3e+09"));
    CHECK_THROWS_WITH(sf::nd::array(std::vector<std::int64_t>{1, std::int64_t(1) << 40}, sf::Shape{2}, sf::int32),
                      Catch::Contains("1099511627776") && Catch::Contains("int32"));
    CHECK_THROWS_WITH(sf::nd::uniform(-1e12, 1e12, sf::Shape{3}, sf::int32),
                      Catch::Contains("nd::uniform") && Catch::Contains("int32"));
    CHECK_THROWS_WITH(sf::nd::uniform(0, 1e19, sf::Shape{3}, sf::int64), Catch::Contains("int64"));
    CHECK_THROWS_WITH(sf::nd::arange(3e9, 3e9 + 4, 1, sf::int32), Catch::Contains("nd::arange") && Catch::Contains("int32"));
    // the edges of the range are values, and float dtypes take anything (inf, NaN)
    CHECK(sf::nd::full(sf::Shape{1}, -2147483648.0, sf::int32).to_vector<std::int32_t>()[0] == INT32_MIN);
    CHECK(sf::nd::full(sf::Shape{1}, 2147483647.0, sf::int32).to_vector<std::int32_t>()[0] == INT32_MAX);
    CHECK_THROWS_AS(sf::nd::full(sf::Shape{1}, 2147483648.0, sf::int32), sf::error);
    CHECK(sf::nd::array({-9223372036854775807LL - 1}, sf::int64).to_vector<std::int64_t>()[0] == INT64_MIN);
    CHECK(std::isnan(sf::nd::full(sf::Shape{1}, nan, sf::float32).to_vector<float>()[0]));
    auto u = sf::nd::uniform(-2147483648.0, 2147483648.0, sf::Shape{64}, sf::int32);  // the whole int32 range
    CHECK(u.size() == 64);
    CHECK(sf::nd::arange(2147483644.0, 2147483648.0, 1, sf::int32).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{2147483644, 2147483645, 2147483646, 2147483647});
}
