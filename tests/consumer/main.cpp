// Uses symflow as an installed package: builds E = A*B + C*D and checks the result.
#include <symflow/symflow.hpp>

#include <iostream>

int main() {
    namespace sf = symflow;
    using namespace sf::literals;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto e = a * b + 1.0f;
    auto x = sf::nd::array({1.0, 2.0}), y = sf::nd::array({3.0, 4.0});
    auto exec = e.bind(sf::cpu(), "A"_arg = x, "B"_arg = y);
    auto out = exec.forward()[0].to_vector<float>();
    std::cout << e << ' ' << out[0] << ' ' << out[1] << '\n';
    return (out[0] == 4.0f && out[1] == 9.0f) ? 0 : 1;
}
