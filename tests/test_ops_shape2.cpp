// slice, slice_axis, tile, repeat, Concat, stack, zeros_like, ones_like and where: forward()
// against plain double-precision reference loops on every dtype, with fused elementwise work
// around the op, edge cases (size-1 and empty axes, negative indices and steps, NaN), names,
// JSON op strings, attributes, infer_shape and the errors bind reports.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>
#include <symflow/ops/fill_where.hpp>
#include <symflow/ops/join.hpp>
#include <symflow/ops/shape_ops.hpp>
#include <symflow/sym/shape_functions.hpp>

#include "shape_test_util.hpp"

namespace sf = symflow;
using namespace sf::literals;
using opt = std::optional<long long>;

namespace {

// Binds e = op(A * 2) + 1 to a random input of every dtype; `src` maps an output index to
// the input index it copies.
template <class E>
void check_gather(const E& e, const sf::Shape& in, const sf::Shape& want,
                  const std::function<std::vector<long>(const std::vector<long>&)>& src) {
    CHECK(e.infer_shape("A"_arg = in).out == std::vector<sf::Shape>{want});
    for (sf::dtype dt : all_dtypes) {
        INFO(sf::dtype_name(dt));
        auto A = random_array(dt, in, static_cast<std::uint32_t>(in.num_elements()) + 5);
        auto out = e.bind(sf::cpu(), "A"_arg = A).forward()[0];
        REQUIRE(out.shape() == want);
        CHECK(out.dtype() == dt);
        const auto x = values(A);
        std::vector<double> expect(want.num_elements());
        for (std::size_t i = 0; i < expect.size(); ++i) expect[i] = 2 * x[ravel(src(unravel(i, want)), in)] + 1;
        CHECK(diff(values(out), expect) == "");
    }
}

// The indices Python's seq[b:e:s] selects from a sequence of length n (CPython's
// PySlice_AdjustIndices, written out independently of the library's version).
std::vector<long> py_indices(long n, opt b, opt e, long s) {
    const long lower = s > 0 ? 0 : -1, upper = s > 0 ? n : n - 1;
    auto adjust = [&](opt v, long dflt) {
        if (!v) return dflt;
        long x = static_cast<long>(*v);
        if (x < 0) return std::max(x + n, lower);
        return std::min(x, upper);
    };
    const long start = adjust(b, s > 0 ? lower : upper), stop = adjust(e, s > 0 ? upper : lower);
    std::vector<long> r;
    for (long i = start; s > 0 ? i < stop : i > stop; i += s) r.push_back(i);
    return r;
}

} // namespace

// ---- slice, slice_axis ----------------------------------------------------------------------

TEST_CASE("slice takes Python slices per axis: None, negative indices, negative steps, clamping", "[ops][shape]") {
    struct example {
        sf::Shape in;
        sf::ops::slice_param p;
    };
    const std::vector<example> examples{
        {{4, 5, 6}, {.begin = {0, 1}, .end = {2, std::nullopt}}},
        {{4, 5, 6}, {.begin = {std::nullopt, std::nullopt}, .end = {std::nullopt, std::nullopt}, .step = {-1, -2}}},
        {{4, 5, 6}, {.begin = {-1}, .end = {std::nullopt}, .step = {-1}}},
        {{4, 5, 6}, {.begin = {10}, .end = {20}}},
        {{4, 5, 6}, {.begin = {1, -100, 2}, .end = {3, 100, -1}, .step = {1, 2, 3}}},
        {{4, 5, 6}, {.begin = {100, 4, -1}, .end = {-100, 0, -7}, .step = {-3, std::nullopt, -2}}},
        {{4, 5, 6}, {.begin = {2, 2}, .end = {2, 1}}},
        {{4, 5, 6}, {.begin = {}, .end = {}}},
        {{0, 3}, {.begin = {0}, .end = {std::nullopt}}},
        {{0, 3}, {.begin = {std::nullopt, 1}, .end = {std::nullopt, 3}, .step = {-1, 1}}},
        {{1, 7}, {.begin = {0, -2}, .end = {1, -8}, .step = {1, -1}}},
        {{9}, {.begin = {-3}, .end = {-1}}},
        {{300, 257}, {.begin = {std::nullopt, 1}, .end = {std::nullopt, std::nullopt}, .step = {std::nullopt, 2}}},
    };
    auto a = sf::sym::Variable<"A">();
    for (const auto& ex : examples) {
        sf::sym::Symbol r = sf::sym::slice(a, ex.p);
        INFO("input " << ex.in << " " << r.outputs()[0].node->attrs["begin"] << " " << r.outputs()[0].node->attrs["end"]
                      << " " << ex.p.to_attrs()["step"]);
        const std::size_t n = ex.in.ndim();
        std::vector<std::vector<long>> picks(n);
        std::vector<sf::Shape::dim_t> want(n);
        for (std::size_t k = 0; k < n; ++k) {
            const long len = ex.in[k];
            picks[k] = k < ex.p.begin.size()
                           ? py_indices(len, ex.p.begin[k], ex.p.end[k],
                                        k < ex.p.step.size() && ex.p.step[k] ? static_cast<long>(*ex.p.step[k]) : 1)
                           : py_indices(len, std::nullopt, std::nullopt, 1);
            want[k] = static_cast<sf::Shape::dim_t>(picks[k].size());
        }
        check_gather(sf::sym::slice(a * 2, ex.p) + 1, ex.in, sf::Shape(want), [&](const std::vector<long>& o) {
            std::vector<long> i(n);
            for (std::size_t k = 0; k < n; ++k) i[k] = picks[k][static_cast<std::size_t>(o[k])];
            return i;
        });
    }
}

TEST_CASE("slice_axis takes begin to end of one axis and rejects empty or out-of-range ranges", "[ops][shape]") {
    struct example {
        sf::Shape in;
        int axis;
        long long begin;
        opt end;
        sf::Shape want;
        long first;  // first index taken along the axis
    };
    auto a = sf::sym::Variable<"A">();
    for (const auto& ex : {example{{4, 5, 6}, 1, 1, 3, {4, 2, 6}, 1}, example{{4, 5, 6}, -1, -3, std::nullopt, {4, 5, 3}, 3},
                           example{{4, 5, 6}, 0, 0, -1, {3, 5, 6}, 0}, example{{4, 5, 6}, 2, 0, 6, {4, 5, 6}, 0},
                           example{{4, 0}, 1, 0, std::nullopt, {4, 0}, 0}, example{{7}, 0, 6, 7, {1}, 6},
                           example{{1, 1, 3}, 1, 0, 1, {1, 1, 3}, 0}}) {
        INFO("input " << ex.in << " axis=" << ex.axis << " begin=" << ex.begin);
        const std::size_t ax = static_cast<std::size_t>(ex.axis < 0 ? ex.axis + static_cast<int>(ex.in.ndim()) : ex.axis);
        check_gather(sf::sym::slice_axis(a * 2, ex.axis, ex.begin, ex.end) + 1, ex.in, ex.want,
                     [&](std::vector<long> o) {
                         o[ax] += ex.first;
                         return o;
                     });
    }
    sf::sym::NameManager scope;
    auto x = sf::nd::zeros(sf::Shape{4, 5, 6});
    CHECK_THROWS_WITH((sf::sym::slice_axis(a * 2, 2, 3, 2) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("slice_axis node 'slice_axis0'") && Catch::Contains("(4, 5, 6)") &&
                          Catch::Contains("begin=3, end=2 is not a non-empty range of axis 2 of size 6"));
    CHECK_THROWS_WITH((sf::sym::slice_axis(a * 2, 2, 0, 7) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("end=7"));
    CHECK_THROWS_WITH((sf::sym::slice_axis(a * 2, 0, -5, std::nullopt) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("begin=-5, end=None"));
    CHECK_THROWS_WITH((sf::sym::slice_axis(a * 2, 3, 0, 1) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("axis 3 is out of range for a 3-d input"));
    CHECK_THROWS_WITH((sf::sym::slice(a * 2, {.begin = {0, 0}, .end = {1}}) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("slice node 'slice0'") && Catch::Contains("same number of entries"));
    CHECK_THROWS_WITH((sf::sym::slice(a * 2, {.begin = {0}, .end = {1}, .step = {0}}) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("step (0,) has a 0 entry"));
    CHECK_THROWS_WITH(
        (sf::sym::slice(a * 2, {.begin = {0, 0, 0, 0}, .end = {1, 1, 1, 1}}) + 1).bind(sf::cpu(), "A"_arg = x),
        Catch::Contains("begin (0, 0, 0, 0) has 4 entries but the input (4, 5, 6) has 3 axes"));
}

// ---- tile, repeat ---------------------------------------------------------------------------

TEST_CASE("tile repeats the whole input along each axis, numpy.tile's rule", "[ops][shape]") {
    struct example {
        sf::Shape in;
        std::vector<long long> reps;
        sf::Shape want;
    };
    auto a = sf::sym::Variable<"A">();
    for (const auto& ex : {example{{2, 3}, {2, 2}, {4, 6}}, example{{2, 3}, {3}, {2, 9}}, example{{2, 3}, {2, 1, 1}, {2, 2, 3}},
                           example{{2, 3}, {}, {2, 3}}, example{{2, 3}, {0, 2}, {0, 6}}, example{{3}, {2, 2}, {2, 6}},
                           example{{}, {3}, {3}}, example{{1, 1, 5}, {4, 3, 1}, {4, 3, 5}}, example{{0, 3}, {2}, {0, 6}},
                           example{{50, 40}, {20, 1}, {1000, 40}}, example{{1, 7}, {9000, 1}, {9000, 7}}}) {
        INFO("input " << ex.in << " reps of " << ex.reps.size());
        const std::size_t n = ex.want.ndim(), pad = n - ex.in.ndim();
        check_gather(sf::sym::tile(a * 2, ex.reps) + 1, ex.in, ex.want, [&](const std::vector<long>& o) {
            std::vector<long> i(ex.in.ndim());
            for (std::size_t k = 0; k < i.size(); ++k) i[k] = o[k + pad] % ex.in[k];
            return i;
        });
    }
    sf::sym::NameManager scope;
    CHECK_THROWS_WITH((sf::sym::tile(a * 2, {2, -1}) + 1).bind(sf::cpu(), "A"_arg = sf::nd::zeros(sf::Shape{2, 3})),
                      Catch::Contains("tile node 'tile0'") && Catch::Contains("reps (2, -1) has a negative entry"));
}

TEST_CASE("repeat repeats each element along an axis, or over the flattened input", "[ops][shape]") {
    struct example {
        sf::Shape in;
        long long repeats;
        std::optional<int> axis;
        sf::Shape want;
    };
    auto a = sf::sym::Variable<"A">();
    for (const auto& ex : {example{{2, 3}, 2, std::nullopt, {12}}, example{{2, 3}, 2, 0, {4, 3}},
                           example{{2, 3}, 3, 1, {2, 9}}, example{{2, 3}, 2, -1, {2, 6}}, example{{2, 3}, 0, 1, {2, 0}},
                           example{{2, 3}, 1, 0, {2, 3}}, example{{0, 4}, 2, 0, {0, 4}}, example{{}, 3, std::nullopt, {3}},
                           example{{200, 100}, 3, 1, {200, 300}}, example{{1, 5, 1}, 4, 2, {1, 5, 4}}}) {
        INFO("input " << ex.in << " repeats=" << ex.repeats << " axis=" << (ex.axis ? *ex.axis : 99));
        auto e = ex.axis ? sf::sym::repeat(a * 2, ex.repeats, *ex.axis) + 1 : sf::sym::repeat(a * 2, ex.repeats) + 1;
        if (!ex.axis) {
            check_gather(e, ex.in, ex.want, [&](const std::vector<long>& o) {
                return unravel(static_cast<std::size_t>(o[0] / ex.repeats), ex.in);
            });
            continue;
        }
        const std::size_t ax = static_cast<std::size_t>(*ex.axis < 0 ? *ex.axis + static_cast<int>(ex.in.ndim()) : *ex.axis);
        check_gather(e, ex.in, ex.want, [&](std::vector<long> o) {
            o[ax] /= static_cast<long>(ex.repeats);
            return o;
        });
    }
    sf::sym::NameManager scope;
    auto x = sf::nd::zeros(sf::Shape{2, 3});
    CHECK_THROWS_WITH((sf::sym::repeat(a * 2, -1, 0) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("repeat node 'repeat0'") && Catch::Contains("non-negative"));
    CHECK_THROWS_WITH((sf::sym::repeat(a * 2, 2, 2) + 1).bind(sf::cpu(), "A"_arg = x),
                      Catch::Contains("(2, 3)") && Catch::Contains("axis 2 is out of range for a 2-d input"));
}

// ---- Concat, stack --------------------------------------------------------------------------

TEST_CASE("Concat joins inputs along an existing axis", "[ops][join]") {
    struct example {
        sf::Shape a, b, c;
        int dim;
        sf::Shape want;
    };
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    for (const auto& ex : {example{{2, 3}, {1, 3}, {4, 3}, 0, {7, 3}}, example{{2, 3}, {2, 1}, {2, 5}, 1, {2, 9}},
                           example{{2, 3, 4}, {2, 3, 1}, {2, 3, 0}, -1, {2, 3, 5}},
                           example{{0, 3}, {0, 3}, {0, 3}, 0, {0, 3}}, example{{0, 2}, {0, 1}, {0, 4}, 1, {0, 7}},
                           example{{3}, {0}, {2}, 0, {5}}, example{{100, 300}, {100, 200}, {100, 100}, 1, {100, 600}},
                           example{{1, 1}, {1, 1}, {1, 1}, -2, {3, 1}}}) {
        INFO("dim=" << ex.dim << " " << ex.a << " " << ex.b << " " << ex.c);
        auto e = sf::sym::concat(a * 2, b, c, {.dim = ex.dim}) + 1;
        CHECK(e.infer_shape("A"_arg = ex.a, "B"_arg = ex.b, "C"_arg = ex.c).out == std::vector<sf::Shape>{ex.want});
        const std::size_t d = static_cast<std::size_t>(ex.dim < 0 ? ex.dim + static_cast<int>(ex.a.ndim()) : ex.dim);
        for (sf::dtype dt : all_dtypes) {
            INFO(sf::dtype_name(dt));
            auto A = random_array(dt, ex.a, 1), B = random_array(dt, ex.b, 2), C = random_array(dt, ex.c, 3);
            auto out = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C).forward()[0];
            REQUIRE(out.shape() == ex.want);
            const std::vector<std::vector<double>> in{values(A), values(B), values(C)};
            const std::vector<sf::Shape> shapes{ex.a, ex.b, ex.c};
            std::vector<double> want(ex.want.num_elements());
            for (std::size_t i = 0; i < want.size(); ++i) {
                auto o = unravel(i, ex.want);
                std::size_t j = 0;
                while (o[d] >= shapes[j][d]) o[d] -= shapes[j++][d];
                want[i] = (j == 0 ? 2 * in[0][ravel(o, shapes[0])] : in[j][ravel(o, shapes[j])]) + 1;
            }
            CHECK(diff(values(out), want) == "");
        }
    }
    sf::sym::NameManager scope;
    auto e = sf::sym::concat(a * 2, b, c, {.dim = 1}) + 1;
    auto x23 = sf::nd::zeros(sf::Shape{2, 3}), x33 = sf::nd::zeros(sf::Shape{3, 3});
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x33, "C"_arg = x23),
                      Catch::Contains("Concat node 'concat0'") && Catch::Contains("arg1 argument 'B' (3, 3)") &&
                          Catch::Contains("arg1 has shape (3, 3) but arg0 has (2, 3)"));
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x23, "C"_arg = sf::nd::zeros(sf::Shape{2, 3}, sf::int32)),
                      Catch::Contains("input dtypes differ: arg0 is float32 but arg2 is int32"));
    auto f = sf::sym::concat(a * 2, b, c, {.dim = 2}) + 1;
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x23, "C"_arg = x23),
                      Catch::Contains("dim 2 is out of range for a 2-d input"));
}

TEST_CASE("Concat takes any number of inputs and fills num_args", "[ops][join]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto check = [](const auto& e, const char* name, const attrs_t& attrs) {
        sf::sym::Symbol r = e;
        INFO(name);
        CHECK(e.name() == name);
        CHECK(r.outputs()[0].node->op->name == "Concat");
        CHECK(r.outputs()[0].node->attrs == attrs);
    };
    check(sf::sym::concat(a, b), "concat0", {{"num_args", "2"}});
    check(sf::sym::Concat(a, b, a, {.dim = 0}), "concat1", {{"dim", "0"}, {"num_args", "3"}});
    check(sf::sym::concat(a, {.dim = -1}, "one"), "one", {{"dim", "-1"}, {"num_args", "1"}});
    check(sf::sym::concat(a, b, "named"), "named", {{"num_args", "2"}});
    check(sf::sym::Concat(a, b, sf::ops::concat_param{.dim = 2}, "typed"), "typed", {{"dim", "2"}, {"num_args", "2"}});
    CHECK(sf::sym::concat(a, b, a).list_arguments() == strings{"A", "B"});
    CHECK(sf::sym::concat(a, b).list_outputs() == strings{"concat3_output"});
    // more inputs than the braced-attribute forms are spelled out for
    auto many = sf::sym::concat(a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, sf::ops::concat_param{.dim = 0});
    sf::sym::Symbol r = many;
    CHECK(r.outputs()[0].node->attrs == attrs_t{{"dim", "0"}, {"num_args", "17"}});
    CHECK(r.outputs()[0].node->op->input_names(r.outputs()[0].node->attrs).size() == 17);
    CHECK(r.outputs()[0].node->op->input_names(r.outputs()[0].node->attrs)[16] == "arg16");
    CHECK(r.outputs()[0].node->inputs.size() == 17);
    auto A = sf::nd::array({1, 2}, sf::int32), B = sf::nd::array({3}, sf::int32);
    auto got = many.bind(sf::cpu(), "A"_arg = A, "B"_arg = B).forward()[0].to_vector<std::int32_t>();
    std::vector<std::int32_t> want;
    for (int k = 0; k < 17; ++k)
        if (k % 2 == 0) want.insert(want.end(), {1, 2});
        else want.push_back(3);
    CHECK(got == want);
    CHECK(sf::ops::concat_op<3>::inputs == std::array<std::string_view, 3>{"arg0", "arg1", "arg2"});
    CHECK(sf::ops::concat_op<2>::aliases[0] == "concat");
}

TEST_CASE("stack joins inputs of one shape along a new axis", "[ops][join]") {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    struct example {
        sf::Shape in;
        int axis;
        sf::Shape want;
    };
    for (const auto& ex : {example{{2, 3}, 0, {3, 2, 3}}, example{{2, 3}, 1, {2, 3, 3}}, example{{2, 3}, 2, {2, 3, 3}},
                           example{{2, 3}, -1, {2, 3, 3}}, example{{2, 3}, -3, {3, 2, 3}}, example{{0, 3}, 1, {0, 3, 3}},
                           example{{}, 0, {3}}, example{{1, 1}, 1, {1, 3, 1}}, example{{120, 100}, 1, {120, 3, 100}}}) {
        INFO("input " << ex.in << " axis=" << ex.axis);
        auto e = sf::sym::stack(a * 2, b, c, {.axis = ex.axis}) + 1;
        CHECK(e.infer_shape("A"_arg = ex.in, "B"_arg = ex.in, "C"_arg = ex.in).out == std::vector<sf::Shape>{ex.want});
        const std::size_t ax =
            static_cast<std::size_t>(ex.axis < 0 ? ex.axis + static_cast<int>(ex.in.ndim()) + 1 : ex.axis);
        for (sf::dtype dt : all_dtypes) {
            INFO(sf::dtype_name(dt));
            auto A = random_array(dt, ex.in, 4), B = random_array(dt, ex.in, 5), C = random_array(dt, ex.in, 6);
            auto out = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C).forward()[0];
            REQUIRE(out.shape() == ex.want);
            const std::vector<std::vector<double>> in{values(A), values(B), values(C)};
            std::vector<double> want(ex.want.num_elements());
            for (std::size_t i = 0; i < want.size(); ++i) {
                auto o = unravel(i, ex.want);
                const auto j = static_cast<std::size_t>(o[ax]);
                o.erase(o.begin() + static_cast<std::ptrdiff_t>(ax));
                const double v = in[j][ravel(o, ex.in)];
                want[i] = (j == 0 ? 2 * v : v) + 1;
            }
            CHECK(diff(values(out), want) == "");
        }
    }
    sf::sym::NameManager scope;
    auto e = sf::sym::stack(a * 2, b, c, {.axis = 0}) + 1;
    auto x23 = sf::nd::zeros(sf::Shape{2, 3});
    CHECK_THROWS_WITH(e.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x23, "C"_arg = sf::nd::zeros(sf::Shape{3, 2})),
                      Catch::Contains("stack node 'stack0'") && Catch::Contains("arg2 argument 'C' (3, 2)") &&
                          Catch::Contains("stack needs inputs of one shape"));
    auto f = sf::sym::stack(a * 2, b, c, {.axis = 3}) + 1;
    CHECK_THROWS_WITH(f.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x23, "C"_arg = x23),
                      Catch::Contains("axis 3 is out of range for a 3-d input"));
    sf::sym::Symbol r = sf::sym::stack(a, b, {.axis = 1}, "st");
    CHECK(r.outputs()[0].node->name == "st");
    CHECK(r.outputs()[0].node->op->name == "stack");
    CHECK(r.outputs()[0].node->attrs == attrs_t{{"axis", "1"}, {"num_args", "2"}});
    sf::sym::Symbol s = sf::sym::stack(a, b, c);
    CHECK(s.outputs()[0].node->name == "stack2");
    CHECK(s.outputs()[0].node->attrs == attrs_t{{"num_args", "3"}});
}

// ---- zeros_like, ones_like, where -----------------------------------------------------------

TEST_CASE("zeros_like, ones_like and where are elementwise: they fuse into one loop", "[ops][fill]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto fill = sf::sym::zeros_like(a) + a * 2 - sf::sym::ones_like(a * 3) * 4;
    auto pick = sf::sym::where(c, a * 2, b + 1) * 3;
    for (sf::dtype dt : all_dtypes)
        for (const sf::Shape& s : {sf::Shape{3, 5}, sf::Shape{0, 4}, sf::Shape{}, sf::Shape{41000}}) {
            INFO(sf::dtype_name(dt) << " " << s);
            auto A = random_array(dt, s, 7), B = random_array(dt, s, 8), C = random_array(dt, s, 9, -1, 1);
            auto x = values(A), y = values(B), cond = values(C);
            auto fexec = fill.bind(sf::cpu(), "A"_arg = A);
            CHECK(fexec.num_steps() == 1);
            std::vector<double> want(x.size());
            for (std::size_t i = 0; i < x.size(); ++i) want[i] = 0 + x[i] * 2 - 1 * 4;
            CHECK(diff(values(fexec.forward()[0]), want) == "");
            auto pexec = pick.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C);
            CHECK(pexec.num_steps() == 1);
            for (std::size_t i = 0; i < x.size(); ++i) want[i] = (cond[i] != 0 ? x[i] * 2 : y[i] + 1) * 3;  // NaN != 0
            CHECK(diff(values(pexec.forward()[0]), want) == "");
        }
    // where(NaN, x, y) is x: NaN compares unequal to 0
    auto got = pick.bind(sf::cpu(), "A"_arg = sf::nd::array({1.0, 1.0}), "B"_arg = sf::nd::array({5.0, 5.0}),
                         "C"_arg = sf::nd::array({qnan, 0.0}))
                   .forward()[0]
                   .to_vector<float>();
    CHECK(got == std::vector<float>{6, 18});
    // names, JSON ops, input names
    sf::sym::Symbol r = pick;
    const auto& w = r.outputs()[0].node->inputs[0].node;
    CHECK(w->name == "where0");
    CHECK(w->op->name == "where");
    CHECK(w->op->input_names(w->attrs) == std::vector<std::string>{"condition", "x", "y"});
    CHECK(w->attrs.empty());
    CHECK(sf::sym::zeros_like(a).name() == "zeros_like1");
    CHECK(sf::sym::ones_like(a, "o").name() == "o");
    CHECK(sf::sym::where(a, b, c, "w").name() == "w");
    sf::sym::Symbol z = sf::sym::zeros_like(a);
    CHECK(z.outputs()[0].node->op->name == "zeros_like");
    sf::sym::Symbol o = sf::sym::ones_like(a);
    CHECK(o.outputs()[0].node->op->name == "ones_like");
    CHECK(pick.infer_type("A"_arg = sf::int64, "B"_arg = sf::int64, "C"_arg = sf::int64).out ==
          std::vector<sf::dtype>{sf::int64});
    // errors: where's inputs share shape and dtype
    auto x23 = sf::nd::zeros(sf::Shape{2, 3});
    CHECK_THROWS_WITH(pick.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x23, "C"_arg = sf::nd::zeros(sf::Shape{3, 2})),
                      Catch::Contains("where node 'where0'") && Catch::Contains("condition argument 'C'") &&
                          Catch::Contains("(3, 2)") && Catch::Contains("(2, 3)"));
    CHECK_THROWS_WITH(pick.bind(sf::cpu(), "A"_arg = x23, "B"_arg = x23, "C"_arg = sf::nd::zeros(sf::Shape{2, 3}, sf::int32)),
                      Catch::Contains("where node 'where0'") && Catch::Contains("int32") &&
                          Catch::Contains("float32"));
}

TEST_CASE("slice, slice_axis, tile and repeat are named, written and attributed as MXNet does", "[ops][shape][sym]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto check = [](const auto& e, const char* name, const char* op, const attrs_t& attrs) {
        sf::sym::Symbol r = e;
        INFO(name);
        CHECK(e.name() == name);
        CHECK(r.outputs()[0].node->op->name == op);
        CHECK(r.outputs()[0].node->attrs == attrs);
    };
    check(sf::sym::slice(a, {.begin = {0, 1}, .end = {2, std::nullopt}}), "slice0", "slice",
          {{"begin", "(0, 1)"}, {"end", "(2, None)"}});
    check(sf::sym::slice(a, {.begin = {1}, .end = {std::nullopt}, .step = {-1}}, "s"), "s", "slice",
          {{"begin", "(1,)"}, {"end", "(None,)"}, {"step", "(-1,)"}});
    check(sf::sym::slice_axis(a, 1, 0, 2), "slice_axis0", "slice_axis", {{"axis", "1"}, {"begin", "0"}, {"end", "2"}});
    check(sf::sym::slice_axis(a, -1, -3, std::nullopt), "slice_axis1", "slice_axis",
          {{"axis", "-1"}, {"begin", "-3"}, {"end", "None"}});
    check(sf::sym::tile(a, {2, 3}), "tile0", "tile", {{"reps", "(2, 3)"}});
    check(sf::sym::tile(a, {4}, "t"), "t", "tile", {{"reps", "(4,)"}});
    check(sf::sym::repeat(a, 2), "repeat0", "repeat", {{"repeats", "2"}});
    check(sf::sym::repeat(a, 3, 0), "repeat1", "repeat", {{"repeats", "3"}, {"axis", "0"}});
    check(sf::sym::repeat(a, 3, "r"), "r", "repeat", {{"repeats", "3"}});
    check(sf::sym::repeat(a, 3, -1, "r2"), "r2", "repeat", {{"repeats", "3"}, {"axis", "-1"}});
    CHECK(sf::ops::slice_op::aliases[0] == "crop");
    auto s = sf::sym::slice_axis(a * 2, 0, 1, std::nullopt) + 1;
    CHECK(s.get_internals().list_outputs() ==
          strings{"A", "_mulscalar0_output", "slice_axis2_output", "_plusscalar0_output"});
}
