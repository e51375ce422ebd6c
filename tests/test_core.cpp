// Core types: Shape, dtype, Context, error, fixed_string.
#include <catch2/catch.hpp>

#include <sstream>

#include <symflow/symflow.hpp>

namespace sf = symflow;

template <class T>
static std::string streamed(const T& x) {
    std::ostringstream os;
    os << x;
    return os.str();
}

TEST_CASE("Shape is a list of dimensions that streams as a Python tuple", "[core]") {
    sf::Shape s{1000, 1000};
    CHECK(s.size() == 2);
    CHECK(s.ndim() == 2);
    CHECK(s[0] == 1000);
    CHECK(s.num_elements() == 1000000);
    CHECK(s == sf::Shape{1000, 1000});
    CHECK_FALSE(s == sf::Shape{1000, 999});
    CHECK(streamed(s) == "(1000, 1000)");
    CHECK(streamed(sf::Shape{5}) == "(5,)");
    CHECK(streamed(sf::Shape{}) == "()");
    CHECK(sf::Shape{}.num_elements() == 1);
    CHECK(sf::Shape{3, 0, 2}.num_elements() == 0);
}

TEST_CASE("Shape rejects negative dimensions and element counts that overflow", "[core][error]") {
    CHECK_THROWS_AS(sf::Shape({2, -1}), sf::error);
    sf::Shape huge{1LL << 40, 1LL << 40};
    CHECK_THROWS_WITH(huge.num_elements(), Catch::Contains("(1099511627776, 1099511627776)"));
}

TEST_CASE("dtype values, names and sizes are MXNet's", "[core]") {
    CHECK(sf::dtype_name(sf::float32) == "float32");
    CHECK(sf::dtype_name(sf::float64) == "float64");
    CHECK(sf::dtype_name(sf::int32) == "int32");
    CHECK(sf::dtype_name(sf::int64) == "int64");
    CHECK(static_cast<int>(sf::float32) == 0);  // MXNet's type codes
    CHECK(static_cast<int>(sf::float64) == 1);
    CHECK(static_cast<int>(sf::int32) == 4);
    CHECK(static_cast<int>(sf::int64) == 6);
    CHECK(sf::dtype_size(sf::int64) == 8);
    CHECK(streamed(sf::int32) == "int32");
    STATIC_REQUIRE(sf::dtype_of<float>() == sf::float32);
    STATIC_REQUIRE(sf::dtype_of<std::int64_t>() == sf::int64);
}

TEST_CASE("Contexts stream as MXNet's", "[core]") {
    CHECK(streamed(sf::cpu()) == "cpu(0)");
    CHECK(streamed(sf::cpu(1)) == "cpu(1)");
    CHECK(streamed(sf::gpu(0)) == "gpu(0)");
    CHECK(sf::cpu() == sf::cpu(0));
    CHECK_FALSE(sf::cpu() == sf::gpu());
}

TEST_CASE("symflow::error is a std::runtime_error", "[core][error]") {
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, sf::error>);
    try {
        throw sf::error("argument 'A'");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == "argument 'A'");
    }
}

TEST_CASE("fixed_string keeps its text and spells it as characters", "[core]") {
    constexpr sf::fixed_string s = "Bee";
    STATIC_REQUIRE(s.size() == 3);
    STATIC_REQUIRE(s.view() == "Bee");
    STATIC_REQUIRE(std::is_same_v<sf::spell_t<s>, sf::spelled<'B', 'e', 'e'>>);
}

TEST_CASE("python_float_str writes what Python's str() writes", "[core]") {
    using sf::ops::python_float_str;
    CHECK(python_float_str(2.0) == "2.0");
    CHECK(python_float_str(-1.0) == "-1.0");
    CHECK(python_float_str(0.1) == "0.1");
    CHECK(python_float_str(123.456) == "123.456");
    CHECK(python_float_str(1e16) == "1e+16");
    CHECK(python_float_str(1.5e-7) == "1.5e-07");
    CHECK(python_float_str(0.0001) == "0.0001");
    CHECK(python_float_str(1e15) == "1000000000000000.0");
    CHECK(python_float_str(1.0 / 3) == "0.3333333333333333");
    CHECK(sf::ops::scalar_param(2).text == "2");
    CHECK(sf::ops::scalar_param(2.0f).text == "2.0");
    CHECK(sf::ops::scalar_param(0.1f).text == "0.1");
}
