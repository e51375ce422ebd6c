// A static graph whose type outgrows the limits (a node reused at every step doubles the
// tree its type holds): one compile error, early and cheap, naming the runtime Symbol.
// The twin stops doubling below the limit, and binds and runs the graph.
#include <symflow/symflow.hpp>
namespace sf = symflow;
using namespace sf::literals;

// x + x, `Doublings` times: 2^Doublings occurrences of the first node in the type.
template <int Doublings, class E>
auto doubled(const E& x) {
    if constexpr (Doublings == 0) return x;
    else return doubled<Doublings - 1>(x + x);
}

int main() {
    auto a = sf::sym::Variable<"A">();
#ifdef SYMFLOW_COMPILE_FAIL
    constexpr int doublings = 40;  // past max_static_graph_nodes after 12: must stop there
#else
    constexpr int doublings = 8;
#endif
    auto e = doubled<doublings>(a * 2);
    auto x = sf::nd::full(sf::Shape{4}, 1.0);
    auto ex = e.bind(sf::cpu(), "A"_arg = x);
    // 2 * 2^8 = 512 in the twin
    return ex.forward()[0].data<float>()[0] == 512.0f ? 0 : 1;
}
