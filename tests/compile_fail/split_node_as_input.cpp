// A node with several outputs (split) used as an op input: a compile error naming the op;
// one of its outputs, get<I>(node), is the input to give.
#include <symflow/symflow.hpp>
namespace sf = symflow;
int main() {
    auto a = sf::sym::Variable<"A">();
    auto s = sf::sym::split(a, {.num_outputs = 2});
#ifdef SYMFLOW_COMPILE_FAIL
    auto e = s + a;
#else
    auto e = sf::sym::get<1>(s) + a;
#endif
    return static_cast<int>(e.list_arguments().size()) - 1;
}
