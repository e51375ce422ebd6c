// Adding variables whose compile-time shapes differ: a compile error naming both shapes.
#include <symflow/symflow.hpp>
namespace sf = symflow;
int main() {
    auto a = sf::sym::Variable<"A", 2, 3>();
#ifdef SYMFLOW_COMPILE_FAIL
    auto b = sf::sym::Variable<"B", 3, 3>();
#else
    auto b = sf::sym::Variable<"B", 2, 3>();
#endif
    auto e = a * 2 + b;
    return static_cast<int>(e.list_arguments().size()) - 2;
}
