// NDArray: creation, element access, sharing, repr, random creation, bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>

#include <symflow/symflow.hpp>

namespace sf = symflow;

static std::string repr(const sf::nd::NDArray& x) {
    std::ostringstream os;
    os << x;
    return os.str();
}

TEST_CASE("array from braced lists: 1-d, 2-d, 3-d, default float32", "[nd]") {
    auto a = sf::nd::array({1, 2, 3}, sf::int32);
    CHECK(a.dtype() == sf::int32);
    CHECK(a.shape() == sf::Shape{3});
    CHECK(a.to_vector<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3});

    auto f = sf::nd::array({1.5, 2, -3});
    CHECK(f.dtype() == sf::float32);
    CHECK(f.to_vector<float>() == std::vector<float>{1.5f, 2.f, -3.f});

    auto m = sf::nd::array({{1, 2, 3}, {4, 5, 6}}, sf::float64);
    CHECK(m.shape() == sf::Shape{2, 3});
    CHECK(m.to_vector<double>() == std::vector<double>{1, 2, 3, 4, 5, 6});

    auto t = sf::nd::array({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 10}, {11, 12}}}, sf::int64);
    CHECK(t.shape() == sf::Shape{3, 2, 2});
    CHECK(t.ndim() == 3);
    CHECK(t.size() == 12);
    CHECK(t.data<std::int64_t>()[11] == 12);
}

TEST_CASE("array from a vector and a shape checks the counts", "[nd][error]") {
    auto a = sf::nd::array(std::vector<double>{1, 2, 3, 4, 5, 6}, sf::Shape{2, 3}, sf::int32);
    CHECK(a.to_vector<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3, 4, 5, 6});
    CHECK_THROWS_WITH(sf::nd::array(std::vector<float>{1, 2, 3}, sf::Shape{2, 2}),
                      Catch::Contains("3 values") && Catch::Contains("(2, 2)"));
    CHECK_THROWS_AS(sf::nd::array({{1, 2}, {3}}), sf::error);  // ragged
    // a braced list of flat values with a shape
    auto b = sf::nd::array({1.f, 2.f, 3.f, 4.f}, sf::Shape{2, 2});
    CHECK(b.shape() == sf::Shape{2, 2});
    CHECK(b.dtype() == sf::float32);
    CHECK(b.to_vector<float>() == std::vector<float>{1, 2, 3, 4});
    auto c = sf::nd::array({1, 2, 3, 4, 5, 6}, sf::Shape{3, 2}, sf::int64);
    CHECK(c.shape() == sf::Shape{3, 2});
    CHECK(c.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
    CHECK(sf::nd::array({1, 2.5}, sf::Shape{2}).to_vector<float>() == std::vector<float>{1, 2.5f});
    CHECK_THROWS_WITH(sf::nd::array({1, 2, 3}, sf::Shape{2, 2}), Catch::Contains("3 values"));
}

TEST_CASE("zeros, ones, full, arange", "[nd]") {
    CHECK(sf::nd::zeros(sf::Shape{2, 2}).to_vector<float>() == std::vector<float>(4, 0.f));
    CHECK(sf::nd::ones(sf::Shape{3}, sf::int64).to_vector<std::int64_t>() == std::vector<std::int64_t>(3, 1));
    CHECK(sf::nd::full(sf::Shape{2}, 7.5, sf::float64).to_vector<double>() == std::vector<double>{7.5, 7.5});
    CHECK(sf::nd::arange(0, 5, 1, sf::int32).to_vector<std::int32_t>() == std::vector<std::int32_t>{0, 1, 2, 3, 4});
    CHECK(sf::nd::arange(1, 2, 0.25).to_vector<float>() == std::vector<float>{1, 1.25, 1.5, 1.75});
    CHECK(sf::nd::arange(5).size() == 5);
    CHECK(sf::nd::arange(3, 0, -1, sf::int32).to_vector<std::int32_t>() == std::vector<std::int32_t>{3, 2, 1});
    CHECK(sf::nd::arange(3, 0).size() == 0);
    CHECK_THROWS_AS(sf::nd::arange(0, 1, 0), sf::error);
    CHECK(sf::nd::zeros(sf::Shape{0, 4}).size() == 0);
}

TEST_CASE("data<T> and to_vector<T> check the dtype", "[nd][error]") {
    auto a = sf::nd::ones(sf::Shape{2}, sf::int32);
    CHECK_THROWS_WITH(a.data<float>(), Catch::Contains("float32") && Catch::Contains("int32"));
    CHECK_THROWS_AS(a.to_vector<std::int64_t>(), sf::error);
    sf::nd::NDArray none;
    CHECK_THROWS_AS(none.data<float>(), sf::error);
    CHECK_THROWS_AS(none.copy(), sf::error);
}

TEST_CASE("copying an NDArray shares storage, copy() is deep", "[nd]") {
    auto a = sf::nd::zeros(sf::Shape{3});
    auto shared = a;
    auto deep = a.copy();
    a.data<float>()[1] = 5;
    CHECK(shared.data<float>()[1] == 5);
    CHECK(deep.data<float>()[1] == 0);
    CHECK(shared.same_storage(a));
    CHECK_FALSE(deep.same_storage(a));
}

TEST_CASE("storage is 64-byte aligned", "[nd]") {
    for (int n : {1, 3, 17, 1000}) {
        auto a = sf::nd::zeros(sf::Shape{n}, sf::float64);
        CHECK(reinterpret_cast<std::uintptr_t>(a.raw()) % 64 == 0);
    }
}

TEST_CASE("NDArray streams as MXNet's repr", "[nd]") {
    CHECK(repr(sf::nd::zeros(sf::Shape{1000, 1000})) == "<NDArray 1000x1000 @cpu(0)>");
    CHECK(repr(sf::nd::array({14}, sf::int32)) == "<NDArray 1 @cpu(0)>");
    CHECK(repr(sf::nd::zeros(sf::Shape{2, 3, 4})) == "<NDArray 2x3x4 @cpu(0)>");
    CHECK(repr(sf::nd::zeros(sf::Shape{})) == "<NDArray  @cpu(0)>");
    auto a = sf::nd::ones(sf::Shape{2});
    CHECK(a.context() == sf::cpu());
}

TEST_CASE("arrays on a gpu context fail clearly", "[nd][error]") {
    CHECK_THROWS_WITH(sf::nd::NDArray(sf::Shape{2}, sf::float32, sf::gpu(0)), Catch::Contains("no GPU support"));
}

TEST_CASE("huge shapes give an error, not a crash", "[nd][error]") {
    CHECK_THROWS_AS(sf::nd::zeros(sf::Shape{1LL << 40, 1LL << 40}), sf::error);
    CHECK_THROWS_AS(sf::nd::zeros(sf::Shape{1LL << 61}, sf::float64), sf::error);
}

TEST_CASE("uniform draws from low up to but not including high, the same seed gives the same values", "[nd][random]") {
    sf::nd::seed(42);
    auto a = sf::nd::uniform(-2, 3, sf::Shape{10000});
    sf::nd::seed(42);
    auto b = sf::nd::uniform(-2, 3, sf::Shape{10000});
    CHECK(a.to_vector<float>() == b.to_vector<float>());
    auto v = a.to_vector<float>();
    double sum = 0;
    for (float x : v) {
        REQUIRE(x >= -2.0f);
        REQUIRE(x < 3.0f);
        sum += x;
    }
    CHECK(sum / v.size() == Approx(0.5).margin(0.05));  // the mean of U(-2, 3)
    auto c = sf::nd::uniform(-2, 3, sf::Shape{10000});
    CHECK(c.to_vector<float>() != v);  // the stream moves on

    auto i = sf::nd::uniform(0, 4, sf::Shape{1000}, sf::int32).to_vector<std::int32_t>();
    for (auto x : i) REQUIRE((x >= 0 && x < 4));
    CHECK(std::count(i.begin(), i.end(), 3) > 150);
    CHECK_THROWS_AS(sf::nd::uniform(1, 1, sf::Shape{2}), sf::error);
}

TEST_CASE("normal has the asked mean and spread", "[nd][random]") {
    sf::nd::seed(7);
    auto v = sf::nd::normal(10, 2, sf::Shape{20000}, sf::float64).to_vector<double>();
    double mean = 0, var = 0;
    for (double x : v) mean += x;
    mean /= v.size();
    for (double x : v) var += (x - mean) * (x - mean);
    var /= v.size();
    CHECK(mean == Approx(10).margin(0.1));
    CHECK(std::sqrt(var) == Approx(2).margin(0.1));
    CHECK_THROWS_WITH(sf::nd::normal(0, 1, sf::Shape{2}, sf::int32), Catch::Contains("int32"));
    CHECK(sf::nd::normal(3, 0, sf::Shape{2}).to_vector<float>() == std::vector<float>{3, 3});
    // the same seed gives the same values; the stream moves on
    sf::nd::seed(11);
    const auto x = sf::nd::normal(0, 1, sf::Shape{1000}).to_vector<float>();
    const auto y = sf::nd::normal(0, 1, sf::Shape{1000}).to_vector<float>();
    sf::nd::seed(11);
    CHECK(sf::nd::normal(0, 1, sf::Shape{1000}).to_vector<float>() == x);
    CHECK(y != x);
}

TEST_CASE("reshape views the same elements in another shape, as MXNet's x.reshape does", "[nd]") {
    auto x = sf::nd::arange(0, 12, 1, sf::int32);
    auto m = x.reshape({3, 4});
    CHECK(m.shape() == (sf::Shape{3, 4}));
    CHECK(m.dtype() == sf::int32);
    CHECK(m.same_storage(x));
    CHECK(m.to_vector<std::int32_t>() == x.to_vector<std::int32_t>());
    m.data<std::int32_t>()[5] = 50;  // row 1, column 1: element 5 of the flat array
    CHECK(x.data<std::int32_t>()[5] == 50);
    CHECK(x.reshape(sf::Shape{2, 2, 3}).shape() == (sf::Shape{2, 2, 3}));
    CHECK(x.reshape({-1, 6}).shape() == (sf::Shape{2, 6}));
    CHECK(x.reshape({2, -1, 2}).shape() == (sf::Shape{2, 3, 2}));
    CHECK(sf::nd::zeros(sf::Shape{0, 3}).reshape({0, 5}).size() == 0);
    CHECK_THROWS_WITH(x.reshape({5, 2}), Catch::Contains("(12,)") && Catch::Contains("(5, 2)"));
    CHECK_THROWS_WITH(x.reshape({-1, 5}), Catch::Contains("-1") && Catch::Contains("5"));
    CHECK_THROWS_WITH(x.reshape({-1, -1}), Catch::Contains("only one dimension"));
    CHECK_THROWS_WITH(x.reshape({-2, 6}), Catch::Contains("-2"));
    CHECK_THROWS_AS(sf::nd::NDArray().reshape({1}), sf::error);
}
