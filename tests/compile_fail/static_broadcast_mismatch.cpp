// Broadcasting compile-time shapes that numpy's rules refuse: a compile error naming the
// op and both shapes.
#include <symflow/symflow.hpp>
namespace sf = symflow;
int main() {
    auto a = sf::sym::Variable<"A", 2, 3>();
#ifdef SYMFLOW_COMPILE_FAIL
    auto b = sf::sym::Variable<"B", 4>();
#else
    auto b = sf::sym::Variable<"B", 3>();
#endif
    auto e = sf::sym::broadcast_add(a, b);
    return static_cast<int>(e.list_arguments().size()) - 2;
}
