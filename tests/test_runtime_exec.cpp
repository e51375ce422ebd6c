// The runtime interpreter: bind checks, fusion trees over tiles, CSE, buffer reuse,
// inference, and agreement with the static executor on generated graphs.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;
using strings = std::vector<std::string>;
using sf::sym::Symbol;
using arrays = std::map<std::string, sf::nd::NDArray>;

// Forces how an executor runs its sibling steps (tests only; see exec/tasks.hpp).
template <>
struct symflow::detail::executor_access<struct runtime_exec_test> {
    static void set_mode(sf::sym::RuntimeExecutor& ex, sf::exec::task_mode m) { sf::exec::set_task_mode(ex.waves_, m); }
};
using runtime_exec_door = symflow::detail::executor_access<runtime_exec_test>;

namespace {

sf::nd::NDArray filled(sf::Shape s, unsigned seed, float lo = -2.f, float hi = 2.f) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(s.num_elements());
    for (auto& x : v) x = d(g);
    return sf::nd::array(v, s);
}

constexpr unsigned mix(unsigned x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

// A graph chosen by Seed, the same code for static and runtime operands: every operator
// and function accepts both, so the two front ends build the same graph.
template <unsigned Seed, int Depth, class XA, class XB, class XC>
auto gen(const XA& a, const XB& b, const XC& c) {
    constexpr unsigned h = mix(Seed);
    if constexpr (Depth == 0) {
        if constexpr (h % 3 == 0) return a;
        else if constexpr (h % 3 == 1) return b;
        else return c;
    } else {
        auto l = gen<h * 3 + 1, Depth - 1>(a, b, c);
        auto r = gen<h * 5 + 2, Depth - 1>(a, b, c);
        constexpr unsigned k = (h >> 4) % 10;
        if constexpr (k == 0) return l + r;
        else if constexpr (k == 1) return l * r;
        else if constexpr (k == 2) return sf::sym::tanh(l) - r;
        else if constexpr (k == 3) return (l - 2.5f) / (sf::sym::abs(r) + 1);
        else if constexpr (k == 4) return sf::sym::maximum(l, r);
        else if constexpr (k == 5) return sf::sym::sigmoid(l) * 3 + r;
        else if constexpr (k == 6) return sf::sym::broadcast_add(sf::sym::sum(l, {.axis = 1, .keepdims = true}), r);
        else if constexpr (k == 7) return sf::sym::transpose(sf::sym::transpose(l)) + r;
        else if constexpr (k == 8) return sf::sym::dot(l, r) * 0.125f;
        else return sf::sym::where(l > r, l, r * 0.5f);
    }
}

template <unsigned Seed>
void static_and_runtime_agree() {
    const sf::Shape shape{8, 8};
    auto A = filled(shape, Seed), B = filled(shape, Seed + 1), C = filled(shape, Seed + 2);
    std::string json_s, json_r;
    strings internals_s, internals_r;
    std::vector<float> out_s, out_r, out_conv;
    {
        sf::sym::NameManager scope;
        auto e = gen<Seed, 3>(sf::sym::Variable<"a">(), sf::sym::Variable<"b">(), sf::sym::Variable<"c">());
        json_s = e.tojson();
        internals_s = e.get_internals().list_outputs();
        auto args = e.list_arguments();
        auto pick = [&](const std::string& n) { return n == "a" ? A : n == "b" ? B : C; };
        arrays m;
        for (const auto& n : args) m.emplace(n, pick(n));
        Symbol conv = e;
        out_conv = conv.bind(sf::cpu(), m).forward()[0].template to_vector<float>();
        if constexpr (sf::sym::arguments_v<decltype(e)>.size() == 3)
            out_s = e.bind(sf::cpu(), "a"_arg = A, "b"_arg = B, "c"_arg = C).forward()[0].template to_vector<float>();
        else
            out_s = out_conv;  // the generated graph does not read every variable
    }
    {
        sf::sym::NameManager scope;
        Symbol a = sf::sym::Variable("a"), b = sf::sym::Variable("b"), c = sf::sym::Variable("c");
        auto e = gen<Seed, 3>(a, b, c);
        json_r = e.tojson();
        internals_r = e.get_internals().list_outputs();
        arrays m;
        for (const auto& n : e.list_arguments()) m.emplace(n, n == "a" ? A : n == "b" ? B : C);
        out_r = e.bind(sf::cpu(), m).forward()[0].template to_vector<float>();
    }
    INFO("seed " << Seed << "\n" << json_s);
    CHECK(internals_s == internals_r);
    CHECK(json_s == json_r);
    REQUIRE(out_s.size() == out_r.size());
    for (std::size_t i = 0; i < out_s.size(); ++i) {
        INFO("element " << i);
        CHECK(out_r[i] == Approx(out_s[i]).epsilon(1e-5).margin(1e-5));
        CHECK(out_conv[i] == Approx(out_s[i]).epsilon(1e-5).margin(1e-5));
    }
}

} // namespace

TEST_CASE("static expressions and their runtime twins agree on names, JSON and results, 10 generated graphs") {
    []<unsigned... S>(std::integer_sequence<unsigned, S...>) {
        (static_and_runtime_agree<S * 7919 + 11>(), ...);
    }(std::make_integer_sequence<unsigned, 10>{});
}

TEST_CASE("runtime bind runs E = (A*B)+(C*D) as one fused step and reuses its outputs") {
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B"), c = sf::sym::Variable("C"),
           d = sf::sym::Variable("D");
    auto e = (a * b) + (c * d);
    for (long n : {0L, 1L, 7L, 1000L, 70001L}) {
        auto A = filled({n}, 1), B = filled({n}, 2), C = filled({n}, 3), D = filled({n}, 4);
        auto ex = e.bind(sf::cpu(), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
        CHECK(ex.num_steps() == 1);
        const auto& out = ex.forward();
        REQUIRE(out.size() == 1);
        CHECK(out[0].shape() == sf::Shape{n});
        auto va = A.to_vector<float>(), vb = B.to_vector<float>(), vc = C.to_vector<float>(), vd = D.to_vector<float>();
        auto vo = out[0].to_vector<float>();
        for (std::size_t i = 0; i < vo.size(); ++i) REQUIRE(vo[i] == va[i] * vb[i] + vc[i] * vd[i]);
        // new contents, same output array
        if (n) {
            A.data<float>()[0] = 10.f;
            const void* before = out[0].raw();
            ex.forward();
            CHECK(ex.outputs()[0].raw() == before);
            CHECK(ex.outputs()[0].data<float>()[0] == 10.f * vb[0] + vc[0] * vd[0]);
        }
        CHECK(ex.arg_dict().at("A").same_storage(A));
        CHECK(ex.output_dict().count("_plus" + e.name().substr(5) + "_output") == 1);
    }
}

TEST_CASE("a one-kernel tree on one thread runs as one range; float64 and int32 against a scalar loop") {
    // With two OpenMP threads but too little work to split, the tree takes one range of
    // all n elements (not one per thread); every dtype path must still cover the tail.
#ifdef _OPENMP
    const int before = omp_get_max_threads();
    omp_set_num_threads(2);
#endif
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B"), c = sf::sym::Variable("C");
    auto e = (a * b) - c;
    for (long n : {1L, 999L, 1000L, 1003L}) {
        std::vector<double> da(n), db(n), dc(n);
        std::vector<std::int32_t> ia(n), ib(n), ic(n);
        for (long i = 0; i < n; ++i) {
            da[i] = 0.25 * (i % 17) - 2;
            db[i] = 1.5 - 0.125 * (i % 11);
            dc[i] = 0.5 * (i % 5);
            ia[i] = static_cast<std::int32_t>(i % 23) - 11;
            ib[i] = static_cast<std::int32_t>(i % 7) - 3;
            ic[i] = static_cast<std::int32_t>(i % 13);
        }
        {
            const auto t = sf::dtype::float64;
            auto ex = e.bind(sf::cpu(), {{"A", sf::nd::array(da, sf::Shape{n}, t)},
                                         {"B", sf::nd::array(db, sf::Shape{n}, t)},
                                         {"C", sf::nd::array(dc, sf::Shape{n}, t)}});
            CHECK(ex.num_steps() == 1);
            auto out = ex.forward()[0].to_vector<double>();
            REQUIRE(out.size() == static_cast<std::size_t>(n));
            for (long i = 0; i < n; ++i) REQUIRE(out[i] == da[i] * db[i] - dc[i]);
        }
        {
            const auto t = sf::dtype::int32;
            auto ex = e.bind(sf::cpu(), {{"A", sf::nd::array(ia, sf::Shape{n}, t)},
                                         {"B", sf::nd::array(ib, sf::Shape{n}, t)},
                                         {"C", sf::nd::array(ic, sf::Shape{n}, t)}});
            auto out = ex.forward()[0].to_vector<std::int32_t>();
            REQUIRE(out.size() == static_cast<std::size_t>(n));
            for (long i = 0; i < n; ++i) REQUIRE(out[i] == ia[i] * ib[i] - ic[i]);
        }
    }
#ifdef _OPENMP
    omp_set_num_threads(before);
#endif
}

TEST_CASE("a 50-node elementwise chain keeps its intermediates in tiles") {
    Symbol x = sf::sym::Variable("x");
    Symbol y = x;
    for (int i = 0; i < 50; ++i) y = (i % 2) ? y * 0.5f : y + 1.0f;
    const long n = 1 << 20;
    auto X = filled({n}, 5);
    auto ex = y.bind(sf::cpu(), {{"x", X}});
    CHECK(ex.num_steps() == 1);
    // tile buffers only: far below the 49 intermediate arrays of 4 MiB an unfused run would hold
    CHECK(ex.intermediate_bytes() < 2 * 8192 * 64 + 4096);
    auto vx = X.to_vector<float>();
    auto vo = ex.forward()[0].to_vector<float>();
    for (std::size_t i = 0; i < vo.size(); i += 997) {
        float r = vx[i];
        for (int k = 0; k < 50; ++k) r = (k % 2) ? r * 0.5f : r + 1.0f;
        REQUIRE(vo[i] == r);
    }
}

TEST_CASE("a 10000-node chain binds and runs (MXNet issue 6734)") {
    Symbol x = sf::sym::Variable("x");
    Symbol y = x;
    for (int i = 0; i < 10000; ++i) y = sf::sym::relu(y + 1.0f) - 1.0f;
    auto X = sf::nd::array({-3.f, 0.f, 2.5f});
    auto out = y.bind(sf::cpu(), {{"x", X}}).forward()[0].to_vector<float>();
    // relu(x + 1) - 1 = max(x, -1): idempotent after the first step
    CHECK(out == std::vector<float>{-1.f, 0.f, 2.5f});
}

TEST_CASE("equal subexpressions built twice run once; materialized buffers are reused") {
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto e = sf::sym::dot(a, b) + sf::sym::dot(a, b);  // two nodes, one value
    auto A = filled({4, 4}, 1), B = filled({4, 4}, 2);
    auto ex = e.bind(sf::cpu(), {{"A", A}, {"B", B}});
    CHECK(ex.num_steps() == 2);  // one dot, one fused add
    auto va = A.to_vector<float>(), vb = B.to_vector<float>(), vo = ex.forward()[0].to_vector<float>();
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) {
            double s = 0;
            for (int k = 0; k < 4; ++k) s += double(va[i * 4 + k]) * vb[k * 4 + j];
            CHECK(vo[i * 4 + j] == Approx(2 * s).epsilon(1e-5));
        }
    // a chain of materialized ops needs two pooled buffers, not one per node
    Symbol t = a;
    for (int i = 0; i < 6; ++i) t = sf::sym::transpose(t);
    auto big = filled({64, 32}, 3);
    auto ext = (t + 0.0f).bind(sf::cpu(), {{"A", big}});
    CHECK(ext.intermediate_bytes() <= 2 * 64 * 32 * 4);
    CHECK(ext.forward()[0].to_vector<float>() == big.to_vector<float>());
}

TEST_CASE("runtime bind errors name the argument, node, shapes and dtypes") {
    sf::sym::NameManager scope;
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B");
    auto e = a + b;
    auto x23 = sf::nd::zeros({2, 3}), x33 = sf::nd::zeros({3, 3});
    CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}}), Catch::Contains("argument 'B' is missing"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}, {"B", x23}, {"Q", x23}}),
                      Catch::Contains("'Q' is not an argument"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}, {"B", x33}}),
                      Catch::Contains("node '_plus0'") && Catch::Contains("(2, 3)") && Catch::Contains("(3, 3)") &&
                          Catch::Contains("argument 'B'"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}, {"B", sf::nd::zeros({2, 3}, sf::int32)}}),
                      Catch::Contains("float32") && Catch::Contains("int32") && Catch::Contains("argument 'B'"));
    CHECK_THROWS_WITH(e.bind(sf::gpu(0), {{"A", x23}, {"B", x23}}), Catch::Contains("no GPU support"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}, {"B", sf::nd::NDArray()}}), Catch::Contains("'B'"));
    CHECK_THROWS_WITH(sf::sym::exp(a).bind(sf::cpu(), {{"A", sf::nd::zeros({2}, sf::int32)}}),
                      Catch::Contains("exp") && Catch::Contains("int32"));
    CHECK_THROWS_WITH(sf::sym::dot(a, b).bind(sf::cpu(), {{"A", x23}, {"B", x23}}), Catch::Contains("dot"));
}

TEST_CASE("infer_shape, infer_shape_partial and infer_type on runtime graphs") {
    sf::sym::NameManager scope;
    using namespace sf::sym;
    Symbol data = Variable("data");
    auto fc = FullyConnected(data, Variable("fc1_weight"), Variable("fc1_bias"), {.num_hidden = 10}, "fc1");
    auto net = sum(relu(fc), {.axis = 1});
    auto s = net.infer_shape({{"data", sf::Shape{4, 3, 2}}});
    CHECK(s.arg == std::vector<sf::Shape>{{4, 3, 2}, {10, 6}, {10}});
    CHECK(s.out == std::vector<sf::Shape>{{4}});
    CHECK(s.aux.empty());
    CHECK_THROWS_WITH(net.infer_shape({}), Catch::Contains("data"));
    auto p = net.infer_shape_partial({});
    CHECK(p.arg == std::vector<sf::Shape>{{}, {}, {}});
    CHECK_THROWS_WITH(net.infer_shape({{"dta", sf::Shape{1}}}), Catch::Contains("'dta'"));
    // elementwise ops give their shape to the other operand
    Symbol a = Variable("A"), b = Variable("B");
    CHECK((a * b + 1).infer_shape({{"A", sf::Shape{2, 3}}}).arg == std::vector<sf::Shape>{{2, 3}, {2, 3}});
    auto t = (a + b).infer_type({{"A", sf::int64}});
    CHECK(t.arg == std::vector<sf::dtype>{sf::int64, sf::int64});
    CHECK(t.out == std::vector<sf::dtype>{sf::int64});
    CHECK(Cast(a, sf::int32).infer_type({}).out == std::vector<sf::dtype>{sf::int32});
    // ops whose inputs take one dtype give it to untyped arguments, as MXNet's inference does
    const std::vector<sf::dtype> f64(3, sf::float64);
    auto ft = FullyConnected(data, Variable("w"), Variable("b"), {.num_hidden = 2}).infer_type({{"data", sf::float64}});
    CHECK(ft.arg == f64);
    CHECK(ft.out == std::vector<sf::dtype>{sf::float64});
    CHECK(FullyConnected(data, Variable("w"), Variable("b"), {.num_hidden = 2}).infer_type({{"w", sf::float64}}).arg == f64);
    CHECK(dot(a, b).infer_type({{"B", sf::float64}}).arg == std::vector<sf::dtype>{sf::float64, sf::float64});
    CHECK(concat(a, b, Variable("C"), {.dim = 0}).infer_type({{"C", sf::int32}}).arg ==
          std::vector<sf::dtype>(3, sf::int32));
    CHECK(broadcast_add(a, b).infer_type({{"A", sf::int64}}).out == std::vector<sf::dtype>{sf::int64});
    // a given dtype that differs is still an error naming both
    CHECK_THROWS_WITH(dot(a, b).infer_type({{"A", sf::float32}, {"B", sf::float64}}),
                      Catch::Contains("float32") && Catch::Contains("float64") && Catch::Contains("dot"));
}

TEST_CASE("both front ends word an elementwise node's shape and dtype errors alike (sym/node_rules.hpp)") {
    using namespace sf::literals;
    const auto x23 = sf::nd::zeros({2, 3}), x33 = sf::nd::zeros({3, 3});
    const std::string shapes = ": input shapes differ: lhs argument 'A' has shape (2, 3) but rhs argument 'B' has shape "
                               "(3, 3); elemwise_add needs equal shapes (MXNet's symbol operators do not broadcast)";
    const std::string dtypes = ": input dtypes differ: lhs argument 'A' is float32 but rhs argument 'B' is int32";
    {
        sf::sym::NameManager scope;
        auto e = sf::sym::Variable<"A">() + sf::sym::Variable<"B">();
        CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x33), Catch::EndsWith("node '_plus0'" + shapes));
        CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = x23, "B"_arg = sf::nd::zeros({2, 3}, sf::int32)),
                          Catch::EndsWith("elemwise_add node '_plus0'" + dtypes));
    }
    {
        sf::sym::NameManager scope;
        using namespace sf::sym;
        Symbol e = Variable("A") + Variable("B");
        CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}, {"B", x33}}), Catch::EndsWith("node '_plus0'" + shapes));
        CHECK_THROWS_WITH(e.bind(sf::cpu(), {{"A", x23}, {"B", sf::nd::zeros({2, 3}, sf::int32)}}),
                          Catch::EndsWith("op elemwise_add, node '_plus0'" + dtypes));
        // the first input's shape is unknown: the error names the input the shape came from
        std::vector<NodeEntry> ins;
        for (const char* v : {"P", "Q", "R"}) ins.push_back({make_node(nullptr, v, {}, {}), 0, 0});
        Symbol w({NodeEntry{make_node(find_op("where"), "pick", {}, ins), 0, 0}});
        CHECK_THROWS_WITH(w.infer_shape({{"Q", sf::Shape{2, 3}}, {"R", sf::Shape{3, 2}}}),
                          Catch::Contains("input shapes differ: x argument 'Q' has shape (2, 3) but y argument "
                                          "'R' has shape (3, 2)"));
    }
}

TEST_CASE("simple_bind allocates zero-filled arguments of the inferred shapes") {
    sf::sym::NameManager scope;
    using namespace sf::sym;
    Symbol data = Variable("data");
    auto fc = FullyConnected(data, Variable("w"), Variable("b"), {.num_hidden = 2}, "fc1");
    auto ex = fc.simple_bind(sf::cpu(), {{"data", sf::Shape{3, 4}}});
    CHECK(ex.arg_dict().at("w").shape() == sf::Shape{2, 4});
    CHECK(ex.arg_dict().at("b").shape() == sf::Shape{2});
    CHECK(ex.forward()[0].to_vector<float>() == std::vector<float>(6, 0.f));
    auto w = ex.arg_dict().at("w").data<float>();
    auto d = ex.arg_dict().at("data").data<float>();
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 1.f;
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = float(i);
    ex.arg_dict().at("b").data<float>()[1] = 0.5f;
    // row r of data sums 4r+0 .. 4r+3 = 16r + 6
    CHECK(ex.forward()[0].to_vector<float>() == std::vector<float>{6, 6.5, 22, 22.5, 38, 38.5});
    CHECK_THROWS_WITH(fc.simple_bind(sf::cpu(), {}), Catch::Contains("data"));
    auto ti = (Variable("i") + 1).simple_bind(sf::cpu(), {{"i", sf::Shape{2}}}, {{"i", sf::int32}});
    CHECK(ti.forward()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{1, 1});
}

TEST_CASE("groups with variable heads and repeated heads") {
    sf::sym::NameManager scope;
    Symbol a = sf::sym::Variable("A");
    auto s = sf::sym::exp(a);
    auto g = sf::sym::Group({s, a, s, sf::sym::sum(s)});
    auto A = sf::nd::array({0.f, 1.f});
    auto ex = g.bind(sf::cpu(), {{"A", A}});
    const auto& out = ex.forward();
    REQUIRE(out.size() == 4);
    CHECK(out[0].to_vector<float>() == std::vector<float>{1.f, std::exp(1.f)});
    CHECK(out[1].to_vector<float>() == std::vector<float>{0.f, 1.f});
    CHECK_FALSE(out[1].same_storage(A));  // a copy: the caller's array is not an output
    CHECK(out[2].same_storage(out[0]));
    CHECK(out[3].to_vector<float>()[0] == Approx(1.f + std::exp(1.f)));
    CHECK(ex.output_dict().size() == 3);  // two outputs share a name
}

TEST_CASE("Dropout runs as identity, Concat of runtime symbols of any count") {
    sf::sym::NameManager scope;
    using namespace sf::sym;
    Symbol a = Variable("A"), b = Variable("B");
    auto dr = Dropout(a, {.p = 0.5});
    CHECK(dr.get_internals().list_outputs() == strings{"A", "dropout0_output"});
    auto A = sf::nd::array({1.f, 2.f}), B = sf::nd::array({3.f});
    CHECK(dr.bind(sf::cpu(), {{"A", A}}).forward()[0].to_vector<float>() == std::vector<float>{1, 2});
    auto c = concat(a, b, a, sf::ops::concat_param{.dim = 0});
    CHECK(c.bind(sf::cpu(), {{"A", A}, {"B", B}}).forward()[0].to_vector<float>() == std::vector<float>{1, 2, 3, 1, 2});
}

TEST_CASE("independent materialized siblings run as OpenMP tasks with the same results") {
    Symbol a = sf::sym::Variable("A"), b = sf::sym::Variable("B"), c = sf::sym::Variable("C"),
           d = sf::sym::Variable("D");
    auto e = sf::sym::dot(a, b) + sf::sym::dot(c, d);
    auto A = filled({96, 96}, 1), B = filled({96, 96}, 2), C = filled({96, 96}, 3), D = filled({96, 96}, 4);
    auto ex = e.bind(sf::cpu(), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    auto with_tasks = ex.forward()[0].to_vector<float>();
#ifdef _OPENMP
    if (omp_get_max_threads() > 1) CHECK(ex.num_task_steps() == 2);
#endif
    runtime_exec_door::set_mode(ex, sf::exec::task_mode::never);
    CHECK(ex.num_task_steps() == 0);
    auto serial = ex.forward()[0].to_vector<float>();
    CHECK(with_tasks == serial);
    auto va = A.to_vector<float>(), vb = B.to_vector<float>(), vc = C.to_vector<float>(), vd = D.to_vector<float>();
    for (int i = 0; i < 96; i += 17)
        for (int j = 0; j < 96; j += 13) {
            double r = 0;
            for (int k = 0; k < 96; ++k) r += double(va[i * 96 + k]) * vb[k * 96 + j] + double(vc[i * 96 + k]) * vd[k * 96 + j];
            CHECK(serial[i * 96 + j] == Approx(r).epsilon(1e-4).margin(1e-4));
        }
    // small siblings stay serial: a task would cost more than it saves
    auto small = e.bind(sf::cpu(), {{"A", filled({4, 4}, 1)}, {"B", filled({4, 4}, 2)}, {"C", filled({4, 4}, 3)},
                                    {"D", filled({4, 4}, 4)}});
    CHECK(small.num_task_steps() == 0);
}
