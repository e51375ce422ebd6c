// MXNet's Symbol tutorial ("An introduction to the MXNet API, part 2"), step by step in
// C++ with symflow. Each step prints what the Python tutorial prints.
#include <symflow/symflow.hpp>

#include <iostream>

namespace sf = symflow;
using namespace sf::literals;

template <class List>
void print_list(const List& names) {
    std::cout << '[';
    for (std::size_t i = 0; i < names.size(); ++i) std::cout << (i ? ", " : "") << '\'' << names[i] << '\'';
    std::cout << "]\n";
}

int main() {
    sf::sym::NameManager names;  // names as in a fresh Python interpreter: _mul0, _mul1, _plus0

    // a = mx.symbol.Variable('A') ...
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    // e = (a*b)+(c*d)
    auto e = (a * b) + (c * d);

    std::cout << ">>> print(a, b, c, d)\n" << a << ' ' << b << ' ' << c << ' ' << d << '\n';
    std::cout << ">>> print(e)\n" << e << '\n';
    std::cout << ">>> e.list_arguments()\n";
    print_list(e.list_arguments());
    std::cout << ">>> e.list_outputs()\n";
    print_list(e.list_outputs());
    std::cout << ">>> e.get_internals().list_outputs()\n";
    print_list(e.get_internals().list_outputs());

    // The argument names are known to the compiler too:
    static_assert(sf::sym::arguments_v<decltype(e)>.size() == 4);
    static_assert(sf::sym::arguments_v<decltype(e)>[0] == "A");

    // a_data = mx.nd.array([1], dtype=np.int32) ...
    auto a_data = sf::nd::array({1}, sf::int32);
    auto b_data = sf::nd::array({2}, sf::int32);
    auto c_data = sf::nd::array({3}, sf::int32);
    auto d_data = sf::nd::array({4}, sf::int32);
    // executor = e.bind(mx.cpu(), {'A': a_data, ...}); forgetting one is a compile error
    auto executor = e.bind(sf::cpu(), "A"_arg = a_data, "B"_arg = b_data, "C"_arg = c_data, "D"_arg = d_data);
    // e_data = executor.forward()
    const auto& e_data = executor.forward();
    std::cout << ">>> e_data\n[" << e_data[0] << "]\n";
    std::cout << ">>> e_data[0].asnumpy()\n" << e_data[0].asnumpy() << '\n';

    // The same graph on 1000x1000 random matrices.
    sf::nd::seed(0);
    auto A = sf::nd::uniform(0, 1, sf::Shape{1000, 1000});
    auto B = sf::nd::uniform(0, 1, sf::Shape{1000, 1000});
    auto C = sf::nd::uniform(0, 1, sf::Shape{1000, 1000});
    auto D = sf::nd::uniform(0, 1, sf::Shape{1000, 1000});
    auto big = e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = D);
    const auto& big_data = big.forward();
    std::cout << ">>> e_data\n[" << big_data[0] << "]\n";
    std::cout << ">>> e_data[0].asnumpy()\n" << big_data[0].asnumpy() << '\n';

    // Bad shapes are caught at bind, naming the argument and both shapes.
    try {
        auto small = sf::nd::zeros(sf::Shape{2, 3});
        (void)e.bind(sf::cpu(), "A"_arg = A, "B"_arg = B, "C"_arg = C, "D"_arg = small);
    } catch (const sf::error& err) {
        std::cout << ">>> binding D with shape (2, 3)\nsymflow::error: " << err.what() << '\n';
    }
}
