// A compile-time shape carried through a materialized op (Flatten of (2, 3, 4) is
// (2, 12)) and then added to a different shape: the elementwise op names both.
#include <symflow/symflow.hpp>
namespace sf = symflow;
int main() {
    auto x = sf::sym::Variable<"X", 2, 3, 4>();
#ifdef SYMFLOW_COMPILE_FAIL
    auto y = sf::sym::Variable<"Y", 2, 3>();
#else
    auto y = sf::sym::Variable<"Y", 2, 12>();
#endif
    auto e = sf::sym::Flatten(x) + y;
    return static_cast<int>(e.list_arguments().size()) - 2;
}
