// Op attributes read back from MXNet's string form: the parse_* helpers, attr_reader, and
// every params struct's from_attrs() as the inverse of its to_attrs() (defaults, typical
// and non-default values, MXNet's alternative spellings, unknown keys, malformed text).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;
namespace ops = sf::ops;

namespace {

using opt_tuple = std::vector<std::optional<long long>>;

ops::attr_reader reader(const ops::attr_map& m, std::string_view op = "TestOp", std::string_view node = "node7") {
    return ops::attr_reader(m, op, node);
}

/// from_attrs then to_attrs.
template <class P>
ops::attr_map reread(const ops::attr_map& m) {
    return P::from_attrs(reader(m)).to_attrs();
}

/// What to_attrs() wrote reads back to the same text.
template <class P>
void check_round_trip(const P& p) {
    const auto a = p.to_attrs();
    std::string text;
    for (const auto& [k, v] : a) text += k + "=" + v + " ";
    INFO("attrs written by to_attrs(): " << text);
    CHECK(reread<P>(a) == a);
}

/// from_attrs(m) fails with a symflow::error naming op, node and every `part`.
template <class P>
void check_error(const ops::attr_map& m, std::string_view op, const std::vector<std::string>& parts) {
    std::string what;
    try {
        (void)P::from_attrs(reader(m, op, "layer_3"));
    } catch (const sf::error& e) {
        what = e.what();
    }
    INFO("what(): " << what);
    REQUIRE_FALSE(what.empty());
    CHECK(what.find(std::string(op)) != std::string::npos);
    CHECK(what.find("layer_3") != std::string::npos);
    for (const auto& part : parts) {
        INFO("expected part: " << part);
        CHECK(what.find(part) != std::string::npos);
    }
}

/// Keys MXNet files carry that no op reads.
const ops::attr_map extra_keys{{"__shape__", "(2, 3)"},  {"ctx_group", "dev1"},   {"workspace", "512"},
                               {"__lr_mult__", "0.1"},   {"is_int", "True"},      {"__profiler_scope__", "<unk>:"},
                               {"cudnn_tune", "off"},    {"forward_stype", "None"}};

ops::attr_map with_extras(ops::attr_map m) {
    for (const auto& [k, v] : extra_keys) m.emplace(k, v);
    return m;
}

/// Ops whose attributes include a required one.
bool has_required(std::string_view name) {
    for (std::string_view n : {"Activation", "FullyConnected", "Concat", "stack", "clip", "expand_dims", "slice",
                               "slice_axis", "tile", "repeat", "Cast", "SliceChannel"})
        if (n == name) return true;
    return false;
}

/// Ops whose default-constructed params are not valid attributes (a required one unset).
bool default_invalid(std::string_view name) {
    return name == "Activation" || name == "FullyConnected" || name == "Concat" || name == "stack";
}

/// Typical attributes of the ops whose defaults are not valid.
template <class Op>
ops::attr_map typical() {
    constexpr std::string_view n = Op::name;
    if constexpr (n == "Activation") return {{"act_type", "relu"}};
    else if constexpr (n == "FullyConnected") {
        if constexpr (ops::arity_v<Op> == 2) return {{"no_bias", "True"}, {"num_hidden", "10"}};
        else return {{"num_hidden", "10"}};
    } else if constexpr (n == "Concat" || n == "stack") return {{"num_args", "2"}};
    else return typename Op::params{}.to_attrs();
}

} // namespace

// ---- parse helpers ---------------------------------------------------------------------

TEST_CASE("parse_opt_tuple reads the spellings of MXNet tuples", "[attrs]") {
    CHECK(ops::parse_opt_tuple("(5,)") == opt_tuple{5});
    CHECK(ops::parse_opt_tuple("()") == opt_tuple{});
    CHECK(ops::parse_opt_tuple("[]") == opt_tuple{});
    CHECK(ops::parse_opt_tuple("( )") == opt_tuple{});
    CHECK(ops::parse_opt_tuple("(2, 3)") == opt_tuple{2, 3});
    CHECK(ops::parse_opt_tuple("(2, None)") == opt_tuple{2, std::nullopt});
    CHECK(ops::parse_opt_tuple("(None,)") == opt_tuple{std::nullopt});
    CHECK(ops::parse_opt_tuple("[1,2]") == opt_tuple{1, 2});
    CHECK(ops::parse_opt_tuple("(-1)") == opt_tuple{-1});
    CHECK(ops::parse_opt_tuple("2") == opt_tuple{2});
    CHECK(ops::parse_opt_tuple(" ( 0 , -4 , 2 ) ") == opt_tuple{0, -4, 2});
    CHECK(ops::parse_opt_tuple("(2L, 3L)") == opt_tuple{2, 3});
}

TEST_CASE("parse_opt_tuple rejects malformed tuples", "[attrs]") {
    for (std::string_view s : {"abc", "(1,,2)", "(,)", "(5,,)", "(,5)", "", "   ", "(2, 3", "2, 3)", "[2, 3)",
                               "2, 3", "((2))", "(1.5)", "(2, x)", "None", "(99999999999999999999,)", "(", ")"}) {
        INFO("text: '" << s << "'");
        CHECK_FALSE(ops::parse_opt_tuple(s).has_value());
    }
}

TEST_CASE("parse_tuple refuses None entries", "[attrs]") {
    CHECK(ops::parse_tuple("(5,)") == std::vector<long long>{5});
    CHECK(ops::parse_tuple("()") == std::vector<long long>{});
    CHECK(ops::parse_tuple("[1,2]") == std::vector<long long>{1, 2});
    CHECK(ops::parse_tuple("(-1)") == std::vector<long long>{-1});
    CHECK_FALSE(ops::parse_tuple("(2, None)").has_value());
    CHECK_FALSE(ops::parse_tuple("(1,,2)").has_value());
    CHECK_FALSE(ops::parse_tuple("abc").has_value());
}

TEST_CASE("parse_int reads whole decimal integers only", "[attrs]") {
    CHECK(ops::parse_int("3") == 3);
    CHECK(ops::parse_int("-3") == -3);
    CHECK(ops::parse_int("+4") == 4);
    CHECK(ops::parse_int(" 7 ") == 7);
    CHECK(ops::parse_int("2L") == 2);
    CHECK(ops::parse_int("-9223372036854775808") == std::numeric_limits<long long>::min());
    for (std::string_view s : {"99999999999999999999", "abc", "", "1e-07", "1.5", "+-3", "--3", "++3", "3 4", "0x10",
                               "(5,)", "inf", "None"}) {
        INFO("text: '" << s << "'");
        CHECK_FALSE(ops::parse_int(s).has_value());
    }
}

TEST_CASE("parse_float reads Python float text", "[attrs]") {
    CHECK(ops::parse_float("1e-07") == 1e-07);
    CHECK(ops::parse_float("0.1") == 0.1);
    CHECK(ops::parse_float("2") == 2.0);
    CHECK(ops::parse_float("2.0") == 2.0);
    CHECK(ops::parse_float("-2.5") == -2.5);
    CHECK(ops::parse_float("+2.5") == 2.5);
    CHECK(ops::parse_float("1e+20") == 1e20);
    CHECK(ops::parse_float("99999999999999999999") == 1e20);
    CHECK(ops::parse_float("inf") == std::numeric_limits<double>::infinity());
    CHECK(ops::parse_float("-inf") == -std::numeric_limits<double>::infinity());
    CHECK(ops::parse_float("Infinity") == std::numeric_limits<double>::infinity());
    REQUIRE(ops::parse_float("nan").has_value());
    CHECK(std::isnan(*ops::parse_float("nan")));
    CHECK(ops::parse_float("1e-400") == 0.0);  // underflow reads as Python's float() does
    for (std::string_view s : {"abc", "", "(1,,2)", "1e400", "--1", "+-2", "1.0.0", "2,0", "nan(1)", "in", "e5",
                               "1e", "True", "None"}) {
        INFO("text: '" << s << "'");
        CHECK_FALSE(ops::parse_float(s).has_value());
    }
}

TEST_CASE("parse_bool reads MXNet bool spellings", "[attrs]") {
    for (std::string_view s : {"True", "true", "TRUE", "1", " True "}) CHECK(ops::parse_bool(s) == true);
    for (std::string_view s : {"False", "false", "FALSE", "0"}) CHECK(ops::parse_bool(s) == false);
    for (std::string_view s : {"maybe", "", "2", "yes", "None", "Truee"}) {
        INFO("text: '" << s << "'");
        CHECK_FALSE(ops::parse_bool(s).has_value());
    }
}

TEST_CASE("attr_reader typed reads, defaults and errors", "[attrs]") {
    // made from temporaries: the reader keeps its own copies
    const ops::attr_reader r(ops::attr_map{{"b", "True"}, {"i", "3"}, {"f", "0.5"}, {"t", "(1, 2)"}, {"n", "None"},
                                           {"o", "(0, None)"}, {"s", "(2, 0, 3)"}, {"d", "int64"}, {"w", "batch"},
                                           {"big", "3000000000"}, {"x", "abc"}},
                             std::string("SomeOp"), std::string("the_node"));
    CHECK(r.has("b"));
    CHECK_FALSE(r.has("zz"));
    CHECK(r.str("x") == "abc");
    CHECK(r.str("zz", "dflt") == "dflt");
    CHECK(r.boolean("b", false));
    CHECK(r.boolean("zz", true));
    CHECK(r.integer("i", 0) == 3);
    CHECK(r.integer("zz", 42) == 42);
    CHECK(r.opt_integer("n") == std::nullopt);
    CHECK(r.opt_integer("zz") == std::nullopt);
    CHECK(r.opt_integer("i") == 3);
    CHECK(r.real("f", 0) == 0.5);
    CHECK(r.tuple("t") == std::vector<long long>{1, 2});
    CHECK(r.opt_tuple("o") == opt_tuple{0, std::nullopt});
    CHECK(r.maybe_tuple("n") == std::nullopt);
    CHECK(r.maybe_tuple("t") == std::vector<long long>{1, 2});
    CHECK(r.shape("s") == sf::Shape{2, 0, 3});
    CHECK(r.dt("d", sf::float32) == sf::int64);
    CHECK(r.one_of("w", "null", {"null", "batch"}) == "batch");
    CHECK(r.where() == "op SomeOp, node 'the_node': ");
    CHECK(r.attrs().size() == 11);

    CHECK_THROWS_WITH(r.require("zz"), Catch::Contains("SomeOp") && Catch::Contains("the_node") &&
                                           Catch::Contains("zz") && Catch::Contains("missing"));
    CHECK_THROWS_WITH(r.integer("big", 0, 0, 100),
                      Catch::Contains("big='3000000000'") && Catch::Contains("in [0, 100]"));
    CHECK_THROWS_WITH(r.integer("i", 0, 5), Catch::Contains("i='3'") && Catch::Contains("at least 5"));
    CHECK_THROWS_WITH(r.tuple("t", {}, 0, 1), Catch::Contains("t='(1, 2)'") && Catch::Contains("in [0, 1]"));
    CHECK_THROWS_AS(r.shape("o"), sf::error);
    CHECK_THROWS_AS(r.boolean("x", false), sf::error);
    CHECK_THROWS_AS(r.integer("x", 0), sf::error);
    CHECK_THROWS_AS(r.real("x", 0), sf::error);
    CHECK_THROWS_AS(r.tuple("x"), sf::error);
    CHECK_THROWS_AS(r.tuple("o"), sf::error);
    CHECK_THROWS_AS(r.opt_tuple("x"), sf::error);
    CHECK_THROWS_AS(r.dt("x", sf::float32), sf::error);
    CHECK_THROWS_AS(r.one_of("x", "", {"a", "b"}), sf::error);

    const ops::attr_reader neg(ops::attr_map{{"s", "(2, -1)"}}, "Op", "");
    CHECK(neg.where() == "op Op: ");
    CHECK_THROWS_WITH(neg.shape("s"), Catch::Contains("s='(2, -1)'") && Catch::Contains("non-negative"));
}

// ---- every op: defaults --------------------------------------------------------------

TEST_CASE("every op reads back the attributes its default params write", "[attrs]") {
    std::size_t n = 0;
    ops::for_each_op([&]<class Op>() {
        using P = typename Op::params;
        const std::string name(Op::name);
        INFO("op " << name << " (" << ops::arity_v<Op> << " inputs)");
        ++n;
        const P def{};
        if (default_invalid(name)) {
            // a required attribute is unset in the default params: reading it back is an error
            CHECK_THROWS_AS(P::from_attrs(reader(def.to_attrs(), name)), sf::error);
        } else {
            CHECK(P::from_attrs(reader(def.to_attrs())).to_attrs() == def.to_attrs());
        }
        // typical attributes round-trip, also with keys no op reads
        const ops::attr_map t = typical<Op>();
        CHECK(reread<P>(t) == t);
        CHECK(reread<P>(with_extras(t)) == t);
        // no attributes at all: MXNet's defaults, or an error naming the missing one
        if (has_required(name)) {
            CHECK_THROWS_WITH(P::from_attrs(reader({}, name, "n1")),
                              Catch::Contains("required attribute") && Catch::Contains(name) &&
                                  Catch::Contains("'n1'"));
        } else {
            CHECK(reread<P>({}) == def.to_attrs());
            CHECK(reread<P>(extra_keys) == def.to_attrs());
        }
    });
    CHECK(n == ops::all_ops::size);
}

// ---- each params struct: non-default values -------------------------------------------

TEST_CASE("scalar_param keeps its text exactly", "[attrs]") {
    for (std::string_view t : {"2", "2.0", "0.1", "1e+20", "-3.5", "1e-07", "inf", "-inf", "nan", "0", "-0.0"}) {
        INFO("scalar=" << t);
        const auto p = ops::scalar_param::from_attrs(reader({{"scalar", std::string(t)}}, "_plus_scalar"));
        CHECK(p.text == t);
        const double want = *ops::parse_float(t);
        if (std::isnan(want)) CHECK(std::isnan(p.value));
        else CHECK(p.value == want);
        CHECK(p.to_attrs() == ops::attr_map{{"scalar", std::string(t)}});
    }
    // text kept even when it is not Python's spelling
    CHECK(ops::scalar_param::from_attrs(reader({{"scalar", "2.50"}})).text == "2.50");
    CHECK(ops::scalar_param::from_attrs(reader({{"scalar", "2.50"}})).value == 2.5);
    for (auto p : {ops::scalar_param(2), ops::scalar_param(2.0), ops::scalar_param(0.1f), ops::scalar_param(1e20),
                   ops::scalar_param(-7LL), ops::scalar_param{}})
        check_round_trip(p);
    // absent: MXNet's default 1
    CHECK(ops::scalar_param::from_attrs(reader({})).value == 1.0);
    check_error<ops::scalar_param>({{"scalar", "abc"}}, "_plus_scalar", {"scalar", "'abc'"});
    check_error<ops::scalar_param>({{"scalar", "True"}}, "_mul_scalar", {"scalar", "'True'"});
}

TEST_CASE("Activation and LeakyReLU attributes", "[attrs]") {
    for (std::string t : {"relu", "sigmoid", "tanh", "softrelu", "softsign"})
        check_round_trip(ops::activation_param{t});
    check_error<ops::activation_param>({{"act_type", "bogus"}}, "Activation", {"act_type", "'bogus'", "relu"});
    check_error<ops::activation_param>({}, "Activation", {"act_type", "required"});

    check_round_trip(ops::leaky_relu_param{"elu", 0.1});
    check_round_trip(ops::leaky_relu_param{"leaky", 1e-07});
    CHECK(reread<ops::leaky_relu_param>({{"act_type", "elu"}, {"slope", "0.3"}, {"lower_bound", "0.1"}}) ==
          ops::attr_map{{"act_type", "elu"}, {"slope", "0.3"}});
    check_error<ops::leaky_relu_param>({{"act_type", "prelu"}}, "LeakyReLU", {"act_type", "'prelu'", "leaky"});
    check_error<ops::leaky_relu_param>({{"slope", "abc"}}, "LeakyReLU", {"slope", "'abc'"});
}

TEST_CASE("clip attributes keep their text", "[attrs]") {
    const auto p = ops::clip_param::from_attrs(reader({{"a_min", "0"}, {"a_max", "6"}}));
    CHECK(p.a_min.text == "0");
    CHECK(p.a_max.text == "6");
    CHECK(p.a_max.value == 6.0);
    check_round_trip(p);
    check_round_trip(ops::clip_param{ops::scalar_param(-0.5), ops::scalar_param(1e20)});
    CHECK(reread<ops::clip_param>({{"a_min", "-inf"}, {"a_max", "0.25"}}) ==
          ops::attr_map{{"a_min", "-inf"}, {"a_max", "0.25"}});
    check_error<ops::clip_param>({{"a_min", "0"}}, "clip", {"a_max", "required"});
    check_error<ops::clip_param>({{"a_min", "x1"}, {"a_max", "6"}}, "clip", {"a_min", "'x1'"});
}

TEST_CASE("broadcast_to and broadcast_like attributes", "[attrs]") {
    check_round_trip(ops::broadcast_to_param{sf::Shape{2, 0, 3}});
    check_round_trip(ops::broadcast_to_param{sf::Shape{5}});
    CHECK(reread<ops::broadcast_to_param>({{"shape", "[2, 3]"}}) == ops::attr_map{{"shape", "(2, 3)"}});
    check_error<ops::broadcast_to_param>({{"shape", "(2, -1)"}}, "broadcast_to", {"shape", "'(2, -1)'"});
    check_error<ops::broadcast_to_param>({{"shape", "(2, x)"}}, "broadcast_to", {"shape", "'(2, x)'"});

    check_round_trip(ops::broadcast_like_param{std::vector<std::int64_t>{0, 2}, std::vector<std::int64_t>{1, -1}});
    check_round_trip(ops::broadcast_like_param{std::vector<std::int64_t>{}, std::nullopt});
    CHECK(reread<ops::broadcast_like_param>({{"lhs_axes", "None"}, {"rhs_axes", "(1,)"}}) ==
          ops::attr_map{{"rhs_axes", "(1,)"}});
    check_error<ops::broadcast_like_param>({{"lhs_axes", "(0, None)"}}, "broadcast_like", {"lhs_axes", "'(0, None)'"});
}

TEST_CASE("dot and batch_dot attributes", "[attrs]") {
    check_round_trip(ops::dot_param{true, false});
    check_round_trip(ops::dot_param{false, true});
    check_round_trip(ops::dot_param{true, true});
    CHECK(reread<ops::dot_param>({{"transpose_a", "1"}, {"transpose_b", "false"}, {"forward_stype", "None"}}) ==
          ops::attr_map{{"transpose_a", "True"}});
    CHECK(reread<ops::dot_param>({{"transpose_a", "true"}, {"transpose_b", "TRUE"}}) ==
          ops::attr_map{{"transpose_a", "True"}, {"transpose_b", "True"}});
    check_error<ops::dot_param>({{"transpose_b", "maybe"}}, "batch_dot", {"transpose_b", "'maybe'"});
}

TEST_CASE("Concat and stack attributes", "[attrs]") {
    check_round_trip(ops::concat_param{0, 3});
    check_round_trip(ops::concat_param{-1, 2});
    check_round_trip(ops::stack_param{-1, 4});
    check_round_trip(ops::stack_param{2, 1});
    check_error<ops::concat_param>({{"num_args", "0"}}, "Concat", {"num_args", "'0'", "in [1, 2147483647]"});
    check_error<ops::concat_param>({{"dim", "1"}}, "Concat", {"num_args", "required"});
    check_error<ops::concat_param>({{"num_args", "2"}, {"dim", "(1,)"}}, "Concat", {"dim", "'(1,)'"});
    check_error<ops::stack_param>({{"num_args", "2"}, {"axis", "99999999999"}}, "stack", {"axis", "'99999999999'"});
}

TEST_CASE("FullyConnected attributes", "[attrs]") {
    check_round_trip(ops::fully_connected_param{10, true, false});
    check_round_trip(ops::fully_connected_param{1, false, true});
    CHECK(reread<ops::fully_connected_param>({{"num_hidden", "128"}, {"no_bias", "False"}, {"flatten", "1"}}) ==
          ops::attr_map{{"num_hidden", "128"}});
    check_error<ops::fully_connected_param>({{"num_hidden", "abc"}}, "FullyConnected", {"num_hidden", "'abc'"});
    check_error<ops::fully_connected_param>({{"num_hidden", "0"}}, "FullyConnected", {"num_hidden", "'0'"});
    check_error<ops::fully_connected_param>({{"num_hidden", "4"}, {"flatten", "nope"}}, "FullyConnected",
                                            {"flatten", "'nope'"});
}

TEST_CASE("softmax and SoftmaxOutput attributes", "[attrs]") {
    check_round_trip(ops::softmax_param{1, 2.5});
    check_round_trip(ops::softmax_param{0, 0.1});
    check_round_trip(ops::softmax_param{-2, std::nullopt});
    CHECK(reread<ops::softmax_param>({{"axis", "-1"}, {"temperature", "None"}, {"dtype", "None"},
                                      {"use_length", "False"}}) == ops::attr_map{});
    check_error<ops::softmax_param>({{"temperature", "warm"}}, "softmax", {"temperature", "'warm'"});
    check_error<ops::softmax_param>({{"dtype", "float64"}}, "log_softmax", {"dtype", "'float64'"});
    check_error<ops::softmax_param>({{"use_length", "True"}}, "softmax", {"use_length", "'True'"});

    ops::softmax_output_param p;
    p.grad_scale = 2.0;
    p.ignore_label = 255.0;
    p.multi_output = true;
    p.use_ignore = true;
    p.preserve_shape = true;
    p.normalization = "valid";
    p.out_grad = true;
    p.smooth_alpha = 0.1;
    check_round_trip(p);
    CHECK(p.to_attrs().size() == 8);
    ops::softmax_output_param q;
    q.normalization = "batch";
    check_round_trip(q);
    check_error<ops::softmax_output_param>({{"normalization", "bogus"}}, "SoftmaxOutput",
                                           {"normalization", "'bogus'", "valid"});
    check_error<ops::softmax_output_param>({{"grad_scale", "x"}}, "SoftmaxOutput", {"grad_scale", "'x'"});
}

TEST_CASE("Dropout attributes", "[attrs]") {
    ops::dropout_param p;
    p.p = 0.2;
    p.mode = "always";
    p.axes = {1};
    p.cudnn_off = true;
    check_round_trip(p);
    ops::dropout_param q;
    q.p = 0.0;
    q.axes = {0, 2};
    check_round_trip(q);
    CHECK(reread<ops::dropout_param>({{"p", "0.5"}, {"mode", "training"}, {"axes", "()"}, {"cudnn_off", "None"}}) ==
          ops::attr_map{});
    check_error<ops::dropout_param>({{"p", "1.5"}}, "Dropout", {"p", "'1.5'"});
    check_error<ops::dropout_param>({{"p", "nan"}}, "Dropout", {"p", "'nan'"});
    check_error<ops::dropout_param>({{"mode", "sometimes"}}, "Dropout", {"mode", "'sometimes'"});
    check_error<ops::dropout_param>({{"axes", "(1, x)"}}, "Dropout", {"axes", "'(1, x)'"});
}

TEST_CASE("reduce, norm and argmax attributes", "[attrs]") {
    check_round_trip(ops::reduce_param{{0, 2}, true, true});
    check_round_trip(ops::reduce_param{1, false, true});
    check_round_trip(ops::reduce_param{{1}, true, false});
    check_round_trip(ops::reduce_param{std::vector<int>{}, false, false});
    // the form written is the form read: "1" stays an int, "(1,)" a tuple
    CHECK(reread<ops::reduce_param>({{"axis", "1"}}) == ops::attr_map{{"axis", "1"}});
    CHECK(reread<ops::reduce_param>({{"axis", "(1,)"}}) == ops::attr_map{{"axis", "(1,)"}});
    CHECK(reread<ops::reduce_param>({{"axis", "()"}}) == ops::attr_map{{"axis", "()"}});
    CHECK(reread<ops::reduce_param>({{"axis", "[0, 2]"}}) == ops::attr_map{{"axis", "(0, 2)"}});
    CHECK(reread<ops::reduce_param>({{"axis", "(-1)"}}) == ops::attr_map{{"axis", "(-1,)"}});
    CHECK(reread<ops::reduce_param>({{"axis", "None"}, {"keepdims", "False"}, {"exclude", "0"}}) == ops::attr_map{});
    CHECK(ops::reduce_param::from_attrs(reader({{"axis", "(0, 2)"}})).axis == ops::axis_list{0, 2});
    CHECK(ops::reduce_param::from_attrs(reader({{"axis", "-1"}})).axis == ops::axis_list(-1));
    check_error<ops::reduce_param>({{"axis", "(1, x)"}}, "sum", {"axis", "'(1, x)'"});
    check_error<ops::reduce_param>({{"keepdims", "maybe"}}, "mean", {"keepdims", "'maybe'"});
    check_error<ops::reduce_param>({{"axis", "(3000000000,)"}}, "max", {"axis", "'(3000000000,)'"});

    check_round_trip(ops::norm_param{1, {0, 1}, true});
    check_round_trip(ops::norm_param{2, 1, false});
    check_error<ops::norm_param>({{"ord", "two"}}, "norm", {"ord", "'two'"});
    check_error<ops::norm_param>({{"out_dtype", "float64"}}, "norm", {"out_dtype", "'float64'"});
    CHECK(reread<ops::norm_param>({{"out_dtype", "None"}, {"ord", "2"}}) == ops::attr_map{});

    check_round_trip(ops::arg_reduce_param{1, true});
    check_round_trip(ops::arg_reduce_param{-1, false});
    CHECK(reread<ops::arg_reduce_param>({{"axis", "None"}, {"keepdims", "True"}}) ==
          ops::attr_map{{"keepdims", "True"}});
    check_error<ops::arg_reduce_param>({{"axis", "(1, 2)"}}, "argmax", {"axis", "'(1, 2)'"});
}

TEST_CASE("Reshape and transpose attributes", "[attrs]") {
    check_round_trip(ops::reshape_param{{0, -1, -4, 2, -1}, true});
    check_round_trip(ops::reshape_param{{-3, -2}, false});
    check_round_trip(ops::reshape_param{{5}, false});
    CHECK(reread<ops::reshape_param>({{"shape", "[2, -1]"}, {"reverse", "false"}}) ==
          ops::attr_map{{"shape", "(2, -1)"}});
    // the deprecated form of MXNet < 0.9: a 0 in target_shape is inferred
    CHECK(reread<ops::reshape_param>({{"target_shape", "(0, 3)"}}) == ops::attr_map{{"shape", "(-1, 3)"}});
    CHECK(reread<ops::reshape_param>({{"target_shape", "(1, 0, 4)"}, {"keep_highest", "True"}}) ==
          ops::attr_map{{"shape", "(0, -1, 4)"}});
    CHECK(reread<ops::reshape_param>({{"shape", "(4,)"}, {"target_shape", "(0, 3)"}}) ==
          ops::attr_map{{"shape", "(4,)"}});
    check_error<ops::reshape_param>({{"shape", "(2, None)"}}, "Reshape", {"shape", "'(2, None)'"});
    check_error<ops::reshape_param>({{"shape", "(2, 3)"}, {"reverse", "maybe"}}, "Reshape", {"reverse", "'maybe'"});

    check_round_trip(ops::transpose_param{{0, 2, 1}});
    check_round_trip(ops::transpose_param{{-1, 0}});
    CHECK(reread<ops::transpose_param>({{"axes", "()"}}) == ops::attr_map{});
    check_error<ops::transpose_param>({{"axes", "(0,,1)"}}, "transpose", {"axes", "'(0,,1)'"});
}

TEST_CASE("expand_dims and squeeze attributes", "[attrs]") {
    check_round_trip(ops::expand_dims_param{-1});
    check_round_trip(ops::expand_dims_param{2});
    check_error<ops::expand_dims_param>({{"axis", "(1,)"}}, "expand_dims", {"axis", "'(1,)'"});

    check_round_trip(ops::squeeze_param{std::vector<long long>{1}, true});
    check_round_trip(ops::squeeze_param{std::vector<long long>{1}, false});
    check_round_trip(ops::squeeze_param{std::vector<long long>{0, 2}, false});
    CHECK(reread<ops::squeeze_param>({{"axis", "1"}}) == ops::attr_map{{"axis", "1"}});
    CHECK(reread<ops::squeeze_param>({{"axis", "(1,)"}}) == ops::attr_map{{"axis", "(1,)"}});
    CHECK(reread<ops::squeeze_param>({{"axis", "None"}}) == ops::attr_map{});
    CHECK(reread<ops::squeeze_param>({{"axis", "[0, -1]"}}) == ops::attr_map{{"axis", "(0, -1)"}});
    check_error<ops::squeeze_param>({{"axis", "(1, x)"}}, "squeeze", {"axis", "'(1, x)'"});
}

TEST_CASE("slice and slice_axis attributes", "[attrs]") {
    check_round_trip(ops::slice_param{{0, std::nullopt}, {2, -1}, {1, 2}});
    check_round_trip(ops::slice_param{{std::nullopt}, {std::nullopt}, {-1}});
    check_round_trip(ops::slice_param{{1}, {3}, {}});
    const auto p =
        ops::slice_param::from_attrs(reader({{"begin", "(0, None)"}, {"end", "(2, -1)"}, {"step", "(1, 2)"}}));
    CHECK(p.begin == opt_tuple{0, std::nullopt});
    CHECK(p.end == opt_tuple{2, -1});
    CHECK(p.step == opt_tuple{1, 2});
    CHECK(reread<ops::slice_param>({{"begin", "[0,1]"}, {"end", "(None,None)"}, {"step", "()"}}) ==
          ops::attr_map{{"begin", "(0, 1)"}, {"end", "(None, None)"}});
    check_error<ops::slice_param>({{"begin", "(0,)"}}, "slice", {"end", "required"});
    check_error<ops::slice_param>({{"begin", "(0, x)"}, {"end", "(1, 2)"}}, "slice", {"begin", "'(0, x)'"});

    check_round_trip(ops::slice_axis_param{1, -2, std::nullopt});
    check_round_trip(ops::slice_axis_param{0, 1, 5});
    CHECK(reread<ops::slice_axis_param>({{"axis", "-1"}, {"begin", "0"}, {"end", "None"}}) ==
          ops::attr_map{{"axis", "-1"}, {"begin", "0"}, {"end", "None"}});
    check_error<ops::slice_axis_param>({{"axis", "0"}, {"begin", "0"}}, "slice_axis", {"end", "required"});
    check_error<ops::slice_axis_param>({{"axis", "0"}, {"begin", "b"}, {"end", "1"}}, "slice_axis", {"begin", "'b'"});
}

TEST_CASE("tile, repeat and Cast attributes", "[attrs]") {
    check_round_trip(ops::tile_param{{2, 1, 3}});
    check_round_trip(ops::tile_param{{4}});
    check_round_trip(ops::tile_param{{}});
    check_error<ops::tile_param>({{"reps", "(2, None)"}}, "tile", {"reps", "'(2, None)'"});

    check_round_trip(ops::repeat_param{3, -1});
    check_round_trip(ops::repeat_param{2, std::nullopt});
    CHECK(reread<ops::repeat_param>({{"repeats", "2"}, {"axis", "None"}}) == ops::attr_map{{"repeats", "2"}});
    check_error<ops::repeat_param>({{"repeats", "two"}}, "repeat", {"repeats", "'two'"});
    check_error<ops::repeat_param>({{"axis", "0"}}, "repeat", {"repeats", "required"});

    for (auto dt : {sf::float32, sf::float64, sf::int32, sf::int64}) check_round_trip(ops::cast_param{dt});
    CHECK(ops::cast_param::from_attrs(reader({{"dtype", "int64"}})).dtype == sf::int64);
    check_error<ops::cast_param>({{"dtype", "float16"}}, "Cast", {"dtype", "'float16'", "float32"});
}

TEST_CASE("no_params ignores every attribute", "[attrs]") {
    CHECK(reread<ops::no_params>(extra_keys) == ops::attr_map{});
    CHECK(reread<ops::no_params>({{"scalar", "abc"}}) == ops::attr_map{});
}
