// split / SliceChannel: one static node with several outputs. Values against a hand loop on
// every dtype and axis, squeeze_axis, the errors (uneven split, squeeze of long pieces),
// names (list_outputs, get_internals, auto-names), one computation per forward however many
// outputs are read, and the conversion to a runtime Symbol and its JSON.
#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <symflow/symflow.hpp>

#include "shape_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;

namespace {

// Output `piece` of splitting x (shape `in`) into n pieces along axis a, by a plain loop
// over the output's multi-indices (squeezing a length-1 axis keeps the element order).
std::vector<double> reference_piece(const std::vector<double>& x, const sf::Shape& in, std::size_t a, long n,
                                    long piece) {
    const long len = static_cast<long>(in[a]) / n;
    std::vector<sf::Shape::dim_t> dims(in.begin(), in.end());
    dims[a] = len;
    const sf::Shape out(dims);
    std::vector<double> r(out.num_elements());
    for (std::size_t i = 0; i < r.size(); ++i) {
        auto idx = unravel(i, out);
        idx[a] += piece * len;
        r[i] = x[ravel(idx, in)];
    }
    return r;
}

sf::Shape expected_shape(const sf::Shape& in, std::size_t a, long n, bool squeeze) {
    std::vector<sf::Shape::dim_t> dims(in.begin(), in.end());
    if (squeeze) dims.erase(dims.begin() + static_cast<long>(a));
    else dims[a] /= n;
    return sf::Shape(dims);
}

struct split_case {
    sf::Shape in;
    int num_outputs, axis;
    bool squeeze;
};

const std::vector<split_case> value_cases{
    {{4, 6}, 3, 1, false},     {{4, 6}, 2, 0, false},  {{4, 6}, 2, -1, false}, {{2, 3, 4}, 3, 1, true},
    {{2, 3, 4}, 2, -1, false}, {{6}, 3, 0, false},     {{6}, 6, 0, true},      {{2, 3, 4}, 2, 0, true},
    {{3, 1, 5}, 1, 1, true},   {{2, 4, 3}, 4, -2, true}, {{64, 48, 20}, 4, 1, false}};

} // namespace

// ---- values ---------------------------------------------------------------------------------

TEST_CASE("split binds to every output, each equal to its piece of the input", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    for (const auto& c : value_cases) {
        INFO("input " << c.in.str() << ", num_outputs=" << c.num_outputs << ", axis=" << c.axis
                      << ", squeeze_axis=" << c.squeeze);
        const std::size_t a = static_cast<std::size_t>(c.axis < 0 ? c.axis + static_cast<int>(c.in.ndim()) : c.axis);
        auto s = sf::sym::split(A, {.num_outputs = c.num_outputs, .axis = c.axis, .squeeze_axis = c.squeeze});
        const sf::Shape want = expected_shape(c.in, a, c.num_outputs, c.squeeze);
        const auto n = static_cast<std::size_t>(c.num_outputs);
        CHECK(s.infer_shape("A"_arg = c.in).out == std::vector<sf::Shape>(n, want));
        for (sf::dtype dt : all_dtypes) {
            INFO(sf::dtype_name(dt));
            auto x = random_array(dt, c.in, static_cast<std::uint32_t>(c.in.num_elements()) + 11);
            auto exec = s.bind(sf::cpu(), "A"_arg = x);
            const auto& outs = exec.forward();
            REQUIRE(outs.size() == n);
            for (std::size_t i = 0; i < n; ++i) {
                INFO("output " << i);
                REQUIRE(outs[i].shape() == want);
                CHECK(outs[i].dtype() == dt);
                const auto want_i = reference_piece(values(x), c.in, a, c.num_outputs, static_cast<long>(i));
                CHECK(diff(values(outs[i]), want_i) == "");
            }
        }
    }
}

TEST_CASE("outputs of split fuse into elementwise expressions on every dtype", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    for (const auto& c : value_cases) {
        if (c.num_outputs < 2) continue;
        INFO("input " << c.in.str() << ", num_outputs=" << c.num_outputs << ", axis=" << c.axis);
        const std::size_t a = static_cast<std::size_t>(c.axis < 0 ? c.axis + static_cast<int>(c.in.ndim()) : c.axis);
        // the input is itself an expression; outputs 0 and last are read, output 1 twice
        auto s = sf::sym::split(A * 2, {.num_outputs = c.num_outputs, .axis = c.axis, .squeeze_axis = c.squeeze});
        auto e = sf::sym::get<0>(s) * 3 + s.output<1>() - s.output<1>() * sf::sym::get<1>(s);
        for (sf::dtype dt : all_dtypes) {
            INFO(sf::dtype_name(dt));
            auto x = random_array(dt, c.in, static_cast<std::uint32_t>(c.in.num_elements()) + 3);
            auto exec = e.bind(sf::cpu(), "A"_arg = x);
            // A * 2 (fused into a scratch buffer), the split, the fused expression
            CHECK(exec.num_steps() == 3);
            auto out = exec.forward()[0];
            REQUIRE(out.shape() == expected_shape(c.in, a, c.num_outputs, c.squeeze));
            auto x2 = values(x);
            for (auto& v : x2) v *= 2;
            const auto p0 = reference_piece(x2, c.in, a, c.num_outputs, 0);
            const auto p1 = reference_piece(x2, c.in, a, c.num_outputs, 1);
            std::vector<double> want(p0.size());
            for (std::size_t i = 0; i < want.size(); ++i) want[i] = p0[i] * 3 + p1[i] - p1[i] * p1[i];
            CHECK(diff(values(out), want) == "");
        }
    }
}

TEST_CASE("outputs of split feed materialized ops and other splits", "[ops][split]") {
    sf::sym::NameManager scope;
    auto A = sf::sym::Variable<"A">();
    const sf::Shape in{4, 6};
    auto s = sf::sym::split(A, {.num_outputs = 2, .axis = 0});  // two (2, 6) pieces
    // output 1 cut again along axis 1, its pieces transposed and summed
    auto t = sf::sym::split(sf::sym::get<1>(s), {.num_outputs = 3, .axis = -1});  // three (2, 2)
    auto e = sf::sym::sum(sf::sym::get<0>(s), {.axis = 1}) +
             sf::sym::sum(sf::sym::transpose(sf::sym::get<2>(t)) + sf::sym::get<0>(t), {.axis = 0});
    CHECK(e.list_arguments() == strings{"A"});
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "split0_output0", "split0_output1", "sum0_output", "split1_output0", "split1_output1",
                  "split1_output2", "transpose0_output", "_plus0_output", "sum1_output", "_plus1_output"});
    for (sf::dtype dt : all_dtypes) {
        INFO(sf::dtype_name(dt));
        auto x = random_array(dt, in, 7);
        auto exec = e.bind(sf::cpu(), "A"_arg = x);
        auto out = exec.forward()[0];
        REQUIRE(out.shape() == sf::Shape{2});
        const auto v = values(x);
        auto at = [&](long r, long c) { return v[static_cast<std::size_t>(r * 6 + c)]; };
        std::vector<double> want(2);
        for (long i = 0; i < 2; ++i) {
            double a = 0, b = 0;
            for (long c = 0; c < 6; ++c) a += at(i, c);  // sum of row i of piece 0
            for (long r = 0; r < 2; ++r)                 // column i of transpose(t2) + t0, summed
                b += at(2 + i, 4 + r) + at(2 + r, i);
            want[static_cast<std::size_t>(i)] = a + b;
        }
        CHECK(diff(values(out), want) == "");
    }
}

TEST_CASE("a split node runs once per forward however many of its outputs are read", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 3}, "slice");
    auto x = sf::nd::array(std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, sf::Shape{2, 6});

    auto two = sf::sym::get<0>(s) + sf::sym::get<1>(s);
    auto exec = two.bind(sf::cpu(), "A"_arg = x);
    CHECK(exec.num_steps() == 2);  // the split, one fused loop
    CHECK(values(exec.forward()[0]) == std::vector<double>{2, 4, 14, 16});

    // all three outputs, one of them twice, and through two materialized readers
    auto all = sf::sym::sum(sf::sym::get<0>(s)) + sf::sym::sum(sf::sym::get<2>(s)) + sf::sym::sum(s.output<1>()) +
               sf::sym::sum(sf::sym::get<2>(s));
    auto exec2 = all.bind(sf::cpu(), "A"_arg = x);
    CHECK(exec2.num_steps() == 1 + 4 + 1);  // split, four sums, the fused adds
    CHECK(values(exec2.forward()[0]) == std::vector<double>{(0 + 1 + 6 + 7) + 2 * (4 + 5 + 10 + 11) + (2 + 3 + 8 + 9)});

    // forward() again reads the bound array's new contents
    for (auto& v : x.data<float>()) v = 1;
    CHECK(values(exec.forward()[0]) == std::vector<double>{2, 2, 2, 2});
}

TEST_CASE("split of an empty axis gives empty outputs, and squeeze_axis removes it", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 3, .axis = 0});
    CHECK(s.infer_shape("A"_arg = sf::Shape{0, 4}).out == std::vector<sf::Shape>(3, sf::Shape{0, 4}));
    auto q = sf::sym::split(A, {.num_outputs = 2, .axis = 1, .squeeze_axis = true});
    CHECK(q.infer_shape("A"_arg = sf::Shape{3, 0}).out == std::vector<sf::Shape>(2, sf::Shape{3}));
    auto outs = s.bind(sf::cpu(), "A"_arg = sf::nd::zeros({0, 4})).forward();
    REQUIRE(outs.size() == 3);
    CHECK(outs[2].shape() == sf::Shape{0, 4});
}

// ---- errors ---------------------------------------------------------------------------------

TEST_CASE("split refuses an axis length num_outputs does not divide, naming both", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 4}, "slice");
    // the message names the node, its input's shape, the axis length and num_outputs
    auto check = [](auto&& f) {
        CHECK_THROWS_WITH(f(), Catch::Contains("SliceChannel node 'slice'") && Catch::Contains("argument 'A' (2, 6)") &&
                                   Catch::Contains("length 6") && Catch::Contains("num_outputs=4"));
    };
    check([&] { return s.infer_shape("A"_arg = sf::Shape{2, 6}); });
    check([&] { return s.bind(sf::cpu(), "A"_arg = sf::nd::zeros({2, 6})); });
    check([&] { return (sf::sym::get<0>(s) + 1).bind(sf::cpu(), "A"_arg = sf::nd::zeros({2, 6})); });
}

TEST_CASE("split refuses squeeze_axis with pieces longer than 1 and axes out of range", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 2, .axis = 1, .squeeze_axis = true});
    CHECK_THROWS_WITH(s.infer_shape("A"_arg = sf::Shape{2, 6}),
                      Catch::Contains("squeeze_axis=True") && Catch::Contains("length 3"));
    auto far = sf::sym::split(A, {.num_outputs = 2, .axis = 2});
    CHECK_THROWS_WITH(far.infer_shape("A"_arg = sf::Shape{2, 6}), Catch::Contains("axis 2 is out of range"));
    CHECK_THROWS_WITH(far.infer_shape("A"_arg = sf::Shape{}), Catch::Contains("0-d input"));
    CHECK_THROWS_WITH(sf::sym::split(A, {.num_outputs = 0}), Catch::Contains("num_outputs is 0"));
}

TEST_CASE("split refuses an output index beyond num_outputs", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 3}, "slice");
    CHECK_THROWS_WITH(s.output<3>(), Catch::Contains("output 3 of SliceChannel node 'slice' does not exist") &&
                                         Catch::Contains("3 outputs"));
    CHECK_THROWS_AS(sf::sym::get<7>(s), sf::error);
    CHECK_NOTHROW(s[std::integral_constant<std::size_t, 2>{}]);
}

TEST_CASE("split takes all four dtypes and infers each output's dtype", "[ops][split]") {
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 2});
    for (sf::dtype dt : all_dtypes)
        CHECK(s.infer_type("A"_arg = dt).out == std::vector<sf::dtype>{dt, dt});
    CHECK((sf::sym::get<1>(s) * 2).infer_type("A"_arg = sf::int64).out == std::vector<sf::dtype>{sf::int64});
}

// ---- names ----------------------------------------------------------------------------------

TEST_CASE("a split node lists an output per piece and prints as one symbol", "[ops][split][names]") {
    sf::sym::NameManager scope;
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 3}, "slice");
    CHECK(s.name() == "slice");
    CHECK(s.size() == 3);
    CHECK(s.list_outputs() == strings{"slice_output0", "slice_output1", "slice_output2"});
    CHECK(s.list_arguments() == strings{"A"});
    std::ostringstream os;
    os << s;
    CHECK(os.str() == "<Symbol slice>");
    CHECK(s.get_internals().list_outputs() == strings{"A", "slice_output0", "slice_output1", "slice_output2"});

    // one output: a single-output symbol named after the node
    auto o1 = sf::sym::get<1>(s);
    static_assert(!sf::sym::is_multi_output_node_v<decltype(o1)> && sf::sym::is_output_of_v<decltype(o1)>);
    CHECK(o1.name() == "slice");
    CHECK(o1.list_outputs() == strings{"slice_output1"});
    std::ostringstream os1;
    os1 << o1;
    CHECK(os1.str() == "<Symbol slice>");
    CHECK(s[std::integral_constant<int, 2>{}].list_outputs() == strings{"slice_output2"});

    // outputs read several times are listed once by get_internals
    auto e = sf::sym::get<0>(s) + s.output<2>() * sf::sym::get<0>(s);
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "slice_output0", "slice_output1", "slice_output2", "_mul0_output", "_plus0_output"});
    CHECK(e.list_outputs() == strings{"_plus0_output"});

    // auto-names: split<N> from split(), slicechannel<N> from SliceChannel(); a num_outputs
    // of 1 still names its output output0, as MXNet's SliceChannel does
    auto a = sf::sym::split(A, {.num_outputs = 2});
    auto b = sf::sym::SliceChannel(A, {.num_outputs = 1});
    CHECK(a.name() == "split0");
    CHECK(b.name() == "slicechannel0");
    CHECK(b.list_outputs() == strings{"slicechannel0_output0"});
    CHECK(sf::sym::Symbol(b).list_outputs() == strings{"slicechannel0_output0"});
}

TEST_CASE("split inside one expression takes its name in MXNet's order", "[ops][split][names]") {
    sf::sym::NameManager scope;
    auto A = sf::sym::Variable<"A">();
    auto B = sf::sym::Variable<"B">();
    // the split's input is a temporary: names are handed out in post-order, left to right
    auto e = sf::sym::get<0>(sf::sym::split(A * B, {.num_outputs = 2})) * (A * B);
    CHECK(e.get_internals().list_outputs() ==
          strings{"A", "B", "_mul0_output", "split0_output0", "split0_output1", "_mul1_output", "_mul2_output"});
}

// ---- the runtime Symbol and JSON --------------------------------------------------------------

TEST_CASE("a split node converts to one runtime node with an entry per output", "[ops][split][runtime]") {
    sf::sym::NameManager scope;
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 3, .axis = -1, .squeeze_axis = false}, "slice");
    sf::sym::Symbol r = s;
    REQUIRE(r.size() == 3);
    CHECK(r.name() == "slice");
    CHECK(r.list_outputs() == s.list_outputs());
    const auto& outs = r.outputs();
    for (std::uint32_t i = 0; i < 3; ++i) {
        CHECK(outs[i].node == outs[0].node);
        CHECK(outs[i].index == i);
    }
    const sf::sym::Node& n = *outs[0].node;
    CHECK(n.op_name() == "SliceChannel");
    CHECK(n.num_outputs() == 3);
    CHECK(n.attrs == attrs_t{{"axis", "-1"}, {"num_outputs", "3"}});
    CHECK(r.get_internals().list_outputs() == strings{"A", "slice_output0", "slice_output1", "slice_output2"});
    CHECK(r[1].list_outputs() == strings{"slice_output1"});

    // an expression reading two outputs: one node, read at entries 0 and 2
    auto e = sf::sym::get<0>(s) + sf::sym::get<2>(s);
    sf::sym::Symbol re = e;
    REQUIRE(re.outputs()[0].node->inputs.size() == 2);
    CHECK(re.outputs()[0].node->inputs[0].node == re.outputs()[0].node->inputs[1].node);
    CHECK(re.outputs()[0].node->inputs[0].index == 0);
    CHECK(re.outputs()[0].node->inputs[1].index == 2);
    CHECK(re.get_internals().list_outputs() == e.get_internals().list_outputs());
    // one output as the head: that entry of the node
    sf::sym::Symbol r1 = s.output<1>();
    CHECK(r1.size() == 1);
    CHECK(r1.outputs()[0].index == 1);
    CHECK(r1.list_outputs() == strings{"slice_output1"});
}

TEST_CASE("the JSON of a split shows SliceChannel, num_outputs and entries per output", "[ops][split][runtime]") {
    sf::sym::NameManager scope;
    auto A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 3}, "slice");
    auto e = sf::sym::get<0>(s) + sf::sym::get<2>(s);
    const std::string json = e.tojson();
    INFO(json);
    CHECK(json.find("\"op\": \"SliceChannel\"") != std::string::npos);
    CHECK(json.find("\"name\": \"slice\"") != std::string::npos);
    CHECK(json.find("\"attrs\": {\"num_outputs\": \"3\"}") != std::string::npos);
    CHECK(json.find("\"inputs\": [[1, 0, 0], [1, 2, 0]]") != std::string::npos);
    CHECK(json.find("\"node_row_ptr\": [0, 1, 4, 5]") != std::string::npos);
    // the node itself as the head: one head per output
    const std::string whole = s.tojson();
    CHECK(whole.find("\"heads\": [[1, 0, 0], [1, 1, 0], [1, 2, 0]]") != std::string::npos);
    // read back: the same node, outputs and names
    auto back = sf::sym::load_json(json);
    CHECK(back.get_internals().list_outputs() == e.get_internals().list_outputs());
    CHECK(back.tojson() == json);
    CHECK(sf::sym::load_json(whole).list_outputs() == s.list_outputs());
}

TEST_CASE("split of a runtime Symbol is a runtime Symbol of every output", "[ops][split][runtime]") {
    sf::sym::NameManager scope;
    sf::sym::Symbol A = sf::sym::Variable<"A">();
    auto s = sf::sym::split(A, {.num_outputs = 2, .axis = 0});
    static_assert(std::is_same_v<decltype(s), sf::sym::Symbol>);
    CHECK(s.list_outputs() == strings{"split0_output0", "split0_output1"});
    auto e = s[1] + sf::sym::Variable<"B">();
    CHECK(e.get_internals().list_outputs() == strings{"A", "split0_output0", "split0_output1", "B", "_plus0_output"});
    // a static output mixed with a runtime symbol keeps its entry
    auto t = sf::sym::split(sf::sym::Variable<"C">(), {.num_outputs = 2}, "t");
    sf::sym::Symbol m = sf::sym::get<1>(t) + A;
    CHECK(m.outputs()[0].node->inputs[0].index == 1);
}

TEST_CASE("split's attributes read back from their MXNet text", "[ops][split][attrs]") {
    using P = sf::ops::split_param;
    const attrs_t full{{"axis", "-1"}, {"num_outputs", "4"}, {"squeeze_axis", "True"}};
    CHECK(P::from_attrs(sf::ops::attr_reader(full, "SliceChannel", "s")).to_attrs() == full);
    const P p = P::from_attrs(sf::ops::attr_reader({{"num_outputs", "2"}, {"squeeze_axis", "1"}}, "SliceChannel", "s"));
    CHECK(p.num_outputs == 2);
    CHECK(p.axis == 1);
    CHECK(p.squeeze_axis);
    CHECK(P{.num_outputs = 3}.to_attrs() == attrs_t{{"num_outputs", "3"}});
    CHECK_THROWS_WITH(P::from_attrs(sf::ops::attr_reader({}, "SliceChannel", "s")),
                      Catch::Contains("required attribute num_outputs"));
    CHECK_THROWS_WITH(P::from_attrs(sf::ops::attr_reader({{"num_outputs", "0"}}, "SliceChannel", "s")),
                      Catch::Contains("num_outputs='0'") && Catch::Contains("[1, 100000]"));
    // more outputs than a node may have (ops::max_node_outputs): refused, not allocated
    CHECK_THROWS_WITH(P::from_attrs(sf::ops::attr_reader({{"num_outputs", "100001"}}, "SliceChannel", "s")),
                      Catch::Contains("num_outputs='100001'") && Catch::Contains("[1, 100000]"));
    // the runtime op table knows the op under both names, counting outputs from the attribute
    const auto* info = sf::sym::find_op("split");
    REQUIRE(info != nullptr);
    CHECK(info->name == "SliceChannel");
    CHECK(info->computable);
    CHECK(info->num_outputs({{"num_outputs", "5"}}) == 5);
    CHECK(info->output_suffix(0, 5) == "output0");
    CHECK(info->output_suffix(4, 5) == "output4");
}
