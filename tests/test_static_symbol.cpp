// Static symbols: MXNet's names, lists, internals, printing and naming order.
#include <catch2/catch.hpp>

#include <sstream>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using strings = std::vector<std::string>;

template <class T>
static std::string streamed(const T& x) {
    std::ostringstream os;
    os << x;
    return os.str();
}

TEST_CASE("the MXNet tutorial graph: arguments, outputs, internals, name", "[sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    auto e = (a * b) + (c * d);
    CHECK(e.list_arguments() == strings{"A", "B", "C", "D"});
    CHECK(e.list_outputs() == strings{"_plus0_output"});
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "B", "_mul0_output", "C", "D", "_mul1_output", "_plus0_output"});
    CHECK(e.name() == "_plus0");
    CHECK(streamed(e) == "<Symbol _plus0>");
    CHECK(streamed(a) == "<Symbol A>");
    CHECK(a.name() == "A");
    CHECK(a.list_outputs() == strings{"A"});
    CHECK(a.list_arguments() == strings{"A"});

    constexpr auto args = sf::sym::arguments_v<decltype(e)>;
    STATIC_REQUIRE(args.size() == 4);
    STATIC_REQUIRE(args[0] == "A");
    STATIC_REQUIRE(args[3] == "D");
}

TEST_CASE("arguments are listed in first-use order, each once", "[sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto x = sf::sym::Variable<"x">();
    auto e = (b * a) + (a * x) - b;
    CHECK(e.list_arguments() == strings{"B", "A", "x"});
    STATIC_REQUIRE(sf::sym::arguments_v<decltype(e)>.size() == 3);
    STATIC_REQUIRE(sf::sym::arguments_v<decltype(e)>[2] == "x");
}

TEST_CASE("operator names and scalar attributes follow MXNet 1.9.1", "[sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto attrs = [](const sf::sym::Symbol& s) { return s.outputs()[0].node->attrs; };
    auto op = [](const sf::sym::Symbol& s) { return std::string(s.outputs()[0].node->op->name); };

    auto s1 = a * 2.0f;
    CHECK(s1.name() == "_mulscalar0");
    CHECK(op(s1) == "_mul_scalar");
    CHECK(attrs(s1) == std::map<std::string, std::string>{{"scalar", "2.0"}});
    auto s2 = 2 - a;
    CHECK(s2.name() == "_rminusscalar0");
    CHECK(op(s2) == "_rminus_scalar");
    CHECK(attrs(s2).at("scalar") == "2");
    auto s3 = -a;
    CHECK(s3.name() == "_mulscalar1");
    CHECK(attrs(s3).at("scalar") == "-1.0");
    auto s4 = a + 3;
    CHECK(s4.name() == "_plusscalar0");
    CHECK(op(s4) == "_plus_scalar");
    auto s5 = 3 + a;
    CHECK(s5.name() == "_plusscalar1");
    auto s6 = a - 1.5;
    CHECK(s6.name() == "_minusscalar0");
    CHECK(op(s6) == "_minus_scalar");
    CHECK(attrs(s6).at("scalar") == "1.5");
    auto s7 = a / 4;
    CHECK(s7.name() == "_divscalar0");
    CHECK(op(s7) == "_div_scalar");
    auto s8 = 1 / a;
    CHECK(s8.name() == "_rdivscalar0");
    CHECK(op(s8) == "_rdiv_scalar");
    auto s9 = a - b;
    CHECK(s9.name() == "_minus0");
    CHECK(op(s9) == "elemwise_sub");
    auto s10 = a / b;
    CHECK(s10.name() == "_div0");
    CHECK(op(s10) == "elemwise_div");
    auto s11 = a + b;
    CHECK(op(s11) == "elemwise_add");
    CHECK(attrs(s11).empty());
    auto s12 = a * b;
    CHECK(op(s12) == "elemwise_mul");
    CHECK(s12.list_outputs() == strings{"_mul0_output"});
}

TEST_CASE("explicit names bypass the counter, function forms use their own hint", "[sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto n = sf::sym::elemwise_add(a, b, "total");
    CHECK(n.name() == "total");
    CHECK(n.list_outputs() == strings{"total_output"});
    auto m = sf::sym::elemwise_mul(a, b);
    CHECK(m.name() == "elemwise_mul0");
    auto p = a + b;  // the `+` counter was not consumed by the named node
    CHECK(p.name() == "_plus0");
}

TEST_CASE("NameManager scopes restart counters, outside them counters keep counting", "[sym]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    std::string first, second;
    {
        sf::sym::NameManager scope;
        CHECK((a * b).name() == "_mul0");
        CHECK((a * b).name() == "_mul1");
        {
            sf::sym::NameManager inner;
            CHECK((a * b).name() == "_mul0");
        }
        CHECK((a * b).name() == "_mul2");  // the outer scope resumes
    }
    {
        sf::sym::NameManager scope;
        CHECK((a * b).name() == "_mul0");
    }
    // Outside any scope: per-thread counters that are never reset.
    first = (a - b).name();
    second = (a - b).name();
    CHECK(first.rfind("_minus", 0) == 0);
    CHECK(std::stoi(second.substr(6)) == std::stoi(first.substr(6)) + 1);
}

TEST_CASE("names follow MXNet's left-to-right order whatever order operands are built in", "[sym]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    SECTION("the right operand built first, both temporaries") {
        sf::sym::NameManager scope;
        auto right = c * d;  // takes _mul0 ...
        auto left = a * b;   // ... and this _mul1, as a compiler evaluating right-to-left would
        auto e = std::move(left) + std::move(right);
        CHECK(e.get_internals().list_outputs() ==
              strings{"A", "B", "_mul0_output", "C", "D", "_mul1_output", "_plus0_output"});
    }
    SECTION("statements name in order: named expressions keep their names") {
        sf::sym::NameManager scope;
        auto y = c * d;
        auto x = a * b;
        auto e = x + y;
        CHECK(x.name() == "_mul1");
        CHECK(y.name() == "_mul0");
        CHECK(e.get_internals().list_outputs() ==
              strings{"A", "B", "_mul1_output", "C", "D", "_mul0_output", "_plus0_output"});
    }
    SECTION("deeper temporaries are renumbered as a whole") {
        sf::sym::NameManager scope;
        auto r = (c * d) * (a + b);  // a + b and the products: one full expression
        auto l = (a * b) + (c + d);
        auto e = std::move(l) - std::move(r);
        CHECK(e.get_internals().list_outputs() ==
              strings{"A", "B", "_mul0_output", "C", "D", "_plus0_output", "_plus1_output", "_mul1_output",
                      "_plus2_output", "_mul2_output", "_minus0_output"});
    }
    SECTION("one full expression") {
        sf::sym::NameManager scope;
        auto x = a * b;
        auto y = c * d;
        CHECK(x.name() == "_mul0");
        CHECK(y.name() == "_mul1");
        auto e = (a * b) + (c * d) * (a * d);
        CHECK(e.get_internals().list_outputs() ==
              strings{"A", "B", "_mul2_output", "C", "D", "_mul3_output", "_mul4_output", "_mul5_output",
                      "_plus0_output"});
    }
}

TEST_CASE("a node used twice is listed once", "[sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto x = a * b;
    auto y = x + x;
    CHECK(y.get_internals().list_outputs() == strings{"A", "B", "_mul0_output", "_plus0_output"});
    auto z = (x + a) * x;
    CHECK(z.get_internals().list_outputs() ==
          strings{"A", "B", "_mul0_output", "_plus1_output", "_mul1_output"});
    // two products of the same inputs are two nodes, as in MXNet
    auto w = (a * b) + (a * b);
    CHECK(w.get_internals().list_outputs() ==
          strings{"A", "B", "_mul2_output", "_mul3_output", "_plus2_output"});
}

TEST_CASE("an expression stored in auto owns its children: nothing dangles", "[sym]") {
    sf::sym::NameManager scope;
    auto make = [] {
        auto a = sf::sym::Variable<"A">();
        auto b = sf::sym::Variable<"B">();
        auto inner = a * b;
        return (inner + 1.0f) * (inner - b);
    };
    auto e = make();  // every local of make() is gone
    CHECK(e.list_arguments() == strings{"A", "B"});
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "B", "_mul0_output", "_plusscalar0_output", "_minus0_output", "_mul1_output"});
    auto a = sf::nd::array({1.0, 2.0}), b = sf::nd::array({3.0, 4.0});
    using namespace sf::literals;
    auto out = e.bind(sf::cpu(), "A"_arg = a, "B"_arg = b).forward()[0].to_vector<float>();
    CHECK(out == std::vector<float>{(3 + 1) * (3 - 3), (8 + 1) * (8 - 4)});
}

TEST_CASE("a static expression converts to a runtime Symbol with the same names", "[sym][runtime]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = a * b - 2;
    sf::sym::Symbol r = e;
    CHECK(r.name() == "_minusscalar0");
    CHECK(streamed(r) == "<Symbol _minusscalar0>");
    CHECK(r.list_arguments() == e.list_arguments());
    CHECK(r.list_outputs() == e.list_outputs());
    CHECK(streamed(r.get_internals()) == "<Symbol group [A, B, _mul0, _minusscalar0]>");
    auto v = sf::sym::Variable("v");
    CHECK(streamed(v) == "<Symbol v>");
    CHECK(v.list_arguments() == strings{"v"});
    CHECK_THROWS_AS(r[3], sf::error);
    CHECK_THROWS_AS(sf::sym::Variable(""), sf::error);
}
