// The interpreter's two-level kernels (runtime/pair_kernels.hpp): every root and side of
// + - * / against a scalar loop in the same type, odd sizes for the SIMD tail, and random
// trees where pairs, op-at-a-time tile kernels and materialized nodes mix.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using sf::sym::Symbol;

namespace {

Symbol arith(int k, const Symbol& a, const Symbol& b) {
    switch (k) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    default: return a / b;
    }
}
template <class T>
T arith(int k, T a, T b) {
    switch (k) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    default: return b == T(0) ? T(0) : a / b;
    }
}

template <class T>
sf::nd::NDArray filled(long n, unsigned seed, sf::dtype dt = sf::float32) {
    std::mt19937 g(seed);
    std::vector<T> v(static_cast<std::size_t>(n));
    if constexpr (std::is_floating_point_v<T>) {
        std::uniform_real_distribution<T> d(0.5, 2.0);
        for (auto& x : v) x = d(g);
    } else {
        std::uniform_int_distribution<T> d(1, 9);
        for (auto& x : v) x = d(g);
    }
    return sf::nd::array(v, sf::Shape{n}, dt);
}

template <class T>
void every_pair(sf::dtype dt) {
    const char* names[] = {"a", "b", "c", "d"};
    for (int root = 0; root < 4; ++root)
        for (int left = -1; left < 4; ++left)
            for (int right = -1; right < 4; ++right)
                for (long n : {0L, 1L, 13L, 1001L}) {
                    Symbol v[4];
                    std::map<std::string, sf::nd::NDArray> m;
                    std::vector<std::vector<T>> x;
                    for (int k = 0; k < 4; ++k) {
                        v[k] = sf::sym::Variable(names[k]);
                        auto arr = filled<T>(n, unsigned(k * 131 + root * 7 + left * 3 + right + 10), dt);
                        x.push_back(arr.template to_vector<T>());
                        m.emplace(names[k], arr);
                    }
                    Symbol l = left < 0 ? v[0] : arith(left, v[0], v[1]);
                    Symbol r = right < 0 ? v[2] : arith(right, v[2], v[3]);
                    Symbol e = arith(root, l, r);
                    std::map<std::string, sf::nd::NDArray> used;
                    for (const auto& name : e.list_arguments()) used.emplace(name, m.at(name));
                    auto ex = e.bind(sf::cpu(), used);
                    INFO("root " << root << " left " << left << " right " << right << " n " << n << " "
                                 << sf::dtype_name(dt));
                    CHECK(ex.num_steps() == 1);
                    // floating: one loop over the arrays, no tile buffers; integers: op by op
                    if constexpr (std::is_floating_point_v<T>) CHECK(ex.intermediate_bytes() == 0);
                    else CHECK((ex.intermediate_bytes() > 0) == (left >= 0 || right >= 0));
                    auto out = ex.forward()[0].template to_vector<T>();
                    REQUIRE(out.size() == std::size_t(n));
                    for (std::size_t i = 0; i < out.size(); ++i) {
                        T lv = left < 0 ? x[0][i] : arith<T>(left, x[0][i], x[1][i]);
                        T rv = right < 0 ? x[2][i] : arith<T>(right, x[2][i], x[3][i]);
                        T want = arith<T>(root, lv, rv);
                        if constexpr (std::is_floating_point_v<T>) REQUIRE(out[i] == Approx(want).epsilon(1e-6));
                        else REQUIRE(out[i] == want);
                    }
                }
}

} // namespace

TEST_CASE("two-level kernels: every root and side of + - * / on float32 and float64") {
    every_pair<float>(sf::float32);
    every_pair<double>(sf::float64);
}

TEST_CASE("integer trees run op by op with the same results") {
    // no two-level kernels for integers: the tree takes tile buffers, the values agree
    every_pair<std::int32_t>(sf::int32);
}

TEST_CASE("random trees mixing two-level kernels, tile kernels and materialized nodes agree with a scalar loop") {
    std::mt19937 g(2026);
    const long n = 777;
    for (int trial = 0; trial < 40; ++trial) {
        std::vector<std::vector<double>> x;
        std::map<std::string, sf::nd::NDArray> m;
        std::vector<Symbol> vars;
        for (int k = 0; k < 4; ++k) {
            auto arr = filled<float>(n, unsigned(trial * 17 + k));
            auto f = arr.to_vector<float>();
            x.emplace_back(f.begin(), f.end());
            vars.push_back(sf::sym::Variable("v" + std::to_string(k)));
            m.emplace("v" + std::to_string(k), arr);
        }
        // the tree and its reference values, grown together
        using vec = std::vector<double>;
        auto each = [&](const vec& l, const vec& r, auto f) {
            vec o(l.size());
            for (std::size_t i = 0; i < o.size(); ++i) o[i] = f(l[i], r[i]);
            return o;
        };
        std::function<std::pair<Symbol, vec>(int)> grow = [&](int depth) -> std::pair<Symbol, vec> {
            if (depth == 0 || g() % 5 == 0) {
                int k = int(g() % 4);
                return {vars[k], x[k]};
            }
            auto [l, xl] = grow(depth - 1);
            auto [r, xr] = grow(depth - 1);
            switch (g() % 8) {
            case 0: return {l + r, each(xl, xr, [](double p, double q) { return p + q; })};
            case 1: return {l - r, each(xl, xr, [](double p, double q) { return p - q; })};
            case 2:
            case 3: return {l * r, each(xl, xr, [](double p, double q) { return p * q; })};
            case 4:  // a denominator kept away from zero
                return {l / (sf::sym::abs(r) + 1.0f), each(xl, xr, [](double p, double q) { return p / (std::abs(q) + 1); })};
            case 5: return {sf::sym::tanh(l) * r, each(xl, xr, [](double p, double q) { return std::tanh(p) * q; })};
            case 6: return {(l * 0.5f) + r, each(xl, xr, [](double p, double q) { return p * 0.5 + q; })};
            default: {  // a materialized node inside the tree
                double s = 0;
                for (double v : xl) s += v;
                return {sf::sym::broadcast_add(sf::sym::sum(l, {.axis = 0, .keepdims = true}) * 0.001f, r),
                        each(xr, xr, [s](double q, double) { return s * 0.001 + q; })};
            }
            }
        };
        auto [e, ref] = grow(5);
        std::map<std::string, sf::nd::NDArray> used;
        for (const auto& name : e.list_arguments()) used.emplace(name, m.at(name));
        if (used.empty()) continue;
        auto out = e.bind(sf::cpu(), used).forward()[0].to_vector<float>();
        INFO("trial " << trial << "\n" << e.debug_str());
        REQUIRE(out.size() == std::size_t(n));
        for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == Approx(ref[i]).epsilon(1e-4).margin(1e-4));
    }
}
