// A static graph deeper than max_static_graph_depth (a chain of 256 ops, one statement
// each, as generated code writes it): one compile error naming the runtime Symbol. The
// twin, a chain of 64, compiles.
#include <symflow/symflow.hpp>
namespace sf = symflow;
using namespace sf::literals;

// S4(p, q): q = p * 1 * 1 * 1 * 1, one statement per op (q1, q2, q3 on the way).
#define S4(p, q) auto q##1 = p * 1.0f; auto q##2 = q##1 * 1.0f; auto q##3 = q##2 * 1.0f; auto q = q##3 * 1.0f;
#define S16(p, q) S4(p, q##a) S4(q##a, q##b) S4(q##b, q##c) S4(q##c, q)
#define S64(p, q) S16(p, q##A) S16(q##A, q##B) S16(q##B, q##C) S16(q##C, q)
#define S256(p, q) S64(p, q##W) S64(q##W, q##X) S64(q##X, q##Y) S64(q##Y, q)

int main() {
    auto a = sf::sym::Variable<"A">();
#ifdef SYMFLOW_COMPILE_FAIL
    S256(a, e)
#else
    S64(a, e)
#endif
    auto x = sf::nd::full(sf::Shape{4}, 3.0);
    auto ex = e.bind(sf::cpu(), "A"_arg = x);
    return ex.forward()[0].data<float>()[0] == 3.0f ? 0 : 1;
}
