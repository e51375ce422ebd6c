// Uses only symflow/static.hpp, the static half: builds, binds and runs static graphs
// (a fused loop with a broadcast inside, a reduction) and checks them against plain loops,
// so that the static half needs nothing from the runtime's headers to compile and link.
#include <symflow/static.hpp>

#include <cmath>
#include <iostream>
#include <vector>

int main() {
    namespace sf = symflow;
    using namespace sf::literals;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"b">();
    auto c = sf::sym::Variable<"C">();
    auto e = sf::sym::broadcast_add(a, b) * c + sf::sym::relu(a - 2.0f);
    auto s = sf::sym::sum(e);
    std::vector<float> av(12), bv(4), cv(12);
    for (int i = 0; i < 12; ++i) av[i] = 0.5f * float(i) - 1.0f, cv[i] = float(i % 5) - 2.0f;
    for (int j = 0; j < 4; ++j) bv[j] = float(j) * 0.25f;
    auto x = sf::nd::array(av, sf::Shape{3, 4}), y = sf::nd::array(bv, sf::Shape{4}), z = sf::nd::array(cv, sf::Shape{3, 4});
    auto ex = e.bind(sf::cpu(), "A"_arg = x, "b"_arg = y, "C"_arg = z);
    auto es = s.bind(sf::cpu(), "A"_arg = x, "b"_arg = y, "C"_arg = z);
    const auto out = ex.forward()[0].to_vector<float>();
    const float total = es.forward()[0].to_vector<float>()[0];
    double want_total = 0;
    int bad = 0;
    for (int i = 0; i < 12; ++i) {
        const float want = (av[i] + bv[i % 4]) * cv[i] + std::max(av[i] - 2.0f, 0.0f);
        want_total += want;
        if (out[i] != want) ++bad;
    }
    if (std::abs(total - want_total) > 1e-4) ++bad;
    std::cout << e << ' ' << total << ' ' << (bad ? "wrong" : "ok") << '\n';
    return bad ? 1 : 0;
}
