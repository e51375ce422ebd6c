// The runtime Symbol: names, listing, attributes, groups and indexing, built at run time
// and converted from static expressions.
#include <catch2/catch.hpp>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using strings = std::vector<std::string>;
using sf::sym::Symbol;

TEST_CASE("runtime operators name nodes as MXNet does, left to right") {
    sf::sym::NameManager scope;
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B"), c = sf::sym::Variable("C"),
           d = sf::sym::Variable("D");
    auto e = (a * b) + (c * d);
    CHECK(e.name() == "_plus0");
    CHECK(e.list_arguments() == strings{"A", "B", "C", "D"});
    CHECK(e.list_outputs() == strings{"_plus0_output"});
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "B", "_mul0_output", "C", "D", "_mul1_output", "_plus0_output"});
    // statements name in order
    auto x = a * b;
    auto y = c * d;
    CHECK(x.name() == "_mul2");
    CHECK(y.name() == "_mul3");
    // scalars, unary minus, reflected scalars, functions, explicit names
    CHECK((a * 2.0f).name() == "_mulscalar0");
    CHECK((2 - a).name() == "_rminusscalar0");
    CHECK((-a).get_internals().list_outputs() == strings{"A", "_mulscalar1_output"});
    CHECK((-a).attr("scalar") == "-1.0");
    CHECK(sf::sym::exp(a, "e1").name() == "e1");
    CHECK(sf::sym::exp(a).name() == "exp0");
    std::ostringstream os;
    os << e << ' ' << a;
    CHECK(os.str() == "<Symbol _plus0> <Symbol A>");
}

TEST_CASE("a static expression and its runtime twin have the same names and text") {
    std::string static_dump, runtime_dump, static_json, runtime_json;
    {
        sf::sym::NameManager scope;
        auto a = sf::sym::Variable<"A">();
        auto b = sf::sym::Variable<"B">();
        auto e = sf::sym::sum(sf::sym::exp((a * b) + 2.0f) / (a - b), {.axis = 0}) * 3;
        static_dump = e.debug_str();
        static_json = e.tojson();
    }
    {
        sf::sym::NameManager scope;
        Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
        auto e = sf::sym::sum(sf::sym::exp((a * b) + 2.0f) / (a - b), {.axis = 0}) * 3;
        runtime_dump = e.debug_str();
        runtime_json = e.tojson();
    }
    CHECK(static_dump == runtime_dump);
    CHECK(static_json == runtime_json);
    CHECK(static_dump.find("Op:sum, Name=sum0") != std::string::npos);
    CHECK(static_dump.find("\taxis=0\n") != std::string::npos);
}

TEST_CASE("mixing static and runtime operands gives a runtime Symbol") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    Symbol b = sf::sym::Variable("B");
    auto e = a + b;
    static_assert(std::is_same_v<decltype(e), Symbol>);
    CHECK(e.list_arguments() == strings{"A", "B"});
    CHECK(e.name() == "_plus0");
}

TEST_CASE("debug_str prints MXNet's layout") {
    sf::sym::NameManager scope;
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto e = a * b + 1;
    CHECK(e.debug_str() ==
          "Symbol Outputs:\n"
          "\toutput[0]=_plusscalar0(0)\n"
          "Variable:A\n"
          "Variable:B\n"
          "--------------------\n"
          "Op:elemwise_mul, Name=_mul0\n"
          "Inputs:\n"
          "\targ[0]=A(0) version=0\n"
          "\targ[1]=B(0) version=0\n"
          "--------------------\n"
          "Op:_plus_scalar, Name=_plusscalar0\n"
          "Inputs:\n"
          "\targ[0]=_mul0(0)\n"
          "Attrs:\n"
          "\tscalar=1\n");
    CHECK(a.debug_str() == "Symbol Outputs:\n\toutput[0]=A(0)\nVariable:A\n");
}

TEST_CASE("Variable attributes are stored as MXNet stores them") {
    auto v = sf::sym::Variable("w", {.shape = sf::Shape{3, 4}, .dtype = sf::int64, .lr_mult = 0.5, .wd_mult = 2.0,
                                     .init = "[\"zero\", {}]", .attr = {{"ctx_group", "dev1"}}});
    CHECK(v.attr("__shape__") == "(3, 4)");
    CHECK(v.attr("__dtype__") == "6");
    CHECK(v.attr("__lr_mult__") == "0.5");
    CHECK(v.attr("lr_mult") == "0.5");  // a hidden key also finds __lr_mult__
    CHECK(v.attr("__wd_mult__") == "2.0");
    CHECK(v.attr("__init__") == "[\"zero\", {}]");
    CHECK(v.attr("nope") == std::nullopt);
    auto la = v.list_attr();
    CHECK(la.at("lr_mult") == "0.5");
    CHECK(la.at("__lr_mult__") == "0.5");
    CHECK(la.at("ctx_group") == "dev1");
    sf::sym::NameManager scope;
    auto e = sf::sym::FullyConnected(sf::sym::Variable("data"), v, {.num_hidden = 3, .no_bias = true}, "fc1");
    auto d = e.attr_dict();
    CHECK(d.at("fc1") == std::map<std::string, std::string>{{"num_hidden", "3"}, {"no_bias", "True"}});
    CHECK(d.at("w").at("__shape__") == "(3, 4)");
    CHECK(d.count("data") == 0);
    e.set_attr("__lr_mult__", "0.1");
    CHECK(e.attr("lr_mult") == "0.1");
    CHECK_THROWS_AS(sf::sym::Variable(""), sf::error);
}

TEST_CASE("Group, operator[] by index and by name, get_children") {
    sf::sym::NameManager scope;
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto p = a + b;
    auto m = a * b;
    auto g = sf::sym::Group({p, m, a});
    CHECK(g.size() == 3);
    CHECK(g.name().empty());
    CHECK(g.list_outputs() == strings{"_plus0_output", "_mul0_output", "A"});
    CHECK(g.list_arguments() == strings{"A", "B"});
    std::ostringstream os;
    os << g;
    CHECK(os.str() == "<Symbol group [_plus0, _mul0, A]>");
    CHECK(g[1].name() == "_mul0");
    CHECK(g["_plus0_output"].name() == "_plus0");
    CHECK_THROWS_WITH(g[3], Catch::Contains("out of range"));
    CHECK_THROWS_WITH(g["nope"], Catch::Contains("Cannot find output that matches name \"nope\""));
    auto dup = sf::sym::Group({p, p});
    CHECK_THROWS_WITH(dup["_plus0_output"], Catch::Contains("multiple outputs"));
    CHECK(p.get_children().list_outputs() == strings{"A", "B"});
    CHECK(a.get_children().size() == 0);
    CHECK_THROWS_AS(sf::sym::Group({}), sf::error);
    // a group is not an op input
    CHECK_THROWS_WITH(sf::sym::exp(g), Catch::Contains("exactly one output"));
}

TEST_CASE("a node used twice is one node; internals list it once") {
    sf::sym::NameManager scope;
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto x = a * b;
    auto y = x + x;
    CHECK(y.get_internals().list_outputs() == strings{"A", "B", "_mul0_output", "_plus0_output"});
}

TEST_CASE("a graph built in a loop of 100000 nodes is listed and released without recursion") {
    Symbol x = sf::sym::Variable("x");
    for (int i = 0; i < 100000; ++i) x = x + 1.0f;
    CHECK(x.list_arguments() == strings{"x"});
    CHECK(x.get_internals().size() == 100001);
    x = Symbol();  // the chain is freed iteratively
    CHECK(x.size() == 0);
}

TEST_CASE("ops symflow lists but does not compute, and unknown ops, still list and print") {
    using namespace sf::sym;
    auto data = Variable("data"), gamma = Variable("bn_gamma"), beta = Variable("bn_beta"),
         mean = Variable("bn_moving_mean"), var = Variable("bn_moving_var");
    const op_info* bn = find_op("BatchNorm");
    REQUIRE(bn != nullptr);
    auto node = make_node(bn, "bn", {{"eps", "0.001"}},
                          {data.outputs()[0], gamma.outputs()[0], beta.outputs()[0], mean.outputs()[0], var.outputs()[0]});
    Symbol s({NodeEntry{node, 0, 0}});
    CHECK(s.list_arguments() == strings{"data", "bn_gamma", "bn_beta"});
    CHECK(s.list_auxiliary_states() == strings{"bn_moving_mean", "bn_moving_var"});
    CHECK(s.list_inputs() == strings{"data", "bn_gamma", "bn_beta", "bn_moving_mean", "bn_moving_var"});
    CHECK(s.list_outputs() == strings{"bn_output"});
    CHECK(node->num_outputs() == 3);
    CHECK(s.get_internals().list_outputs().back() == "bn_output");
    CHECK_THROWS_WITH(s.bind(sf::cpu(), {{"data", sf::nd::zeros({2, 3})},
                                         {"bn_gamma", sf::nd::zeros({3})},
                                         {"bn_beta", sf::nd::zeros({3})},
                                         {"bn_moving_mean", sf::nd::zeros({3})},
                                         {"bn_moving_var", sf::nd::zeros({3})}}),
                      Catch::Contains("op BatchNorm, node 'bn'") && Catch::Contains("no kernel"));

    auto u = make_node(&detail::unknown_op("_contrib_Frobnicate"), "frob0", {}, {data.outputs()[0]});
    Symbol us({NodeEntry{u, 0, 0}});
    CHECK(us.list_outputs() == strings{"frob0_output"});
    CHECK_THROWS_WITH(us.bind(sf::cpu(), {{"data", sf::nd::zeros({2})}}),
                      Catch::Contains("unknown op '_contrib_Frobnicate'") && Catch::Contains("frob0"));
    // aliases find the canonical op
    REQUIRE(find_op("_Plus") != nullptr);
    CHECK(find_op("_Plus")->name == "elemwise_add");
    CHECK(find_op("split")->name == "SliceChannel");
    CHECK(find_op("no_such_op") == nullptr);
}
