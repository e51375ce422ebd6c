// A static graph deeper than max_static_graph_depth (a chain of 256 ops): one compile
// error naming the runtime Symbol. The twin, a chain of 64, compiles.
#include <symflow/symflow.hpp>
namespace sf = symflow;

#define SF_STEP(e) ((e) * 1.0f)
#define SF_4(e) SF_STEP(SF_STEP(SF_STEP(SF_STEP(e))))
#define SF_16(e) SF_4(SF_4(SF_4(SF_4(e))))
#define SF_64(e) SF_16(SF_16(SF_16(SF_16(e))))
#define SF_256(e) SF_64(SF_64(SF_64(SF_64(e))))

int main() {
    auto a = sf::sym::Variable<"A">();
#ifdef SYMFLOW_COMPILE_FAIL
    auto e = SF_256(a);
#else
    auto e = SF_64(a);
#endif
    return static_cast<int>(e.list_arguments().size()) - 1;
}
