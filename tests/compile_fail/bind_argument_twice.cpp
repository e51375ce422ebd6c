// bind() given the same name twice: a compile error naming it ("A").
#include <symflow/symflow.hpp>
namespace sf = symflow;
using namespace sf::literals;
int main() {
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"Bee">();
    auto e = a * b + a;
    auto x = sf::nd::array({1, 2, 3});
#ifdef SYMFLOW_COMPILE_FAIL
    auto exec = e.bind(sf::cpu(), "A"_arg = x, "Bee"_arg = x, "A"_arg = x);
#else
    auto exec = e.bind(sf::cpu(), "A"_arg = x, "Bee"_arg = x);
#endif
    exec.forward();
}
