// A graph built at run time: a multi-layer perceptron whose depth and widths are data,
// saved and reloaded in MXNet's JSON format, run on random weights, checkpointed as
// mx.model.save_checkpoint does, and drawn as mx.viz.plot_network draws it. Writes its
// files (runtime_graph.json, runtime_graph-symbol.json, runtime_graph-0001.params,
// runtime_graph.dot and, with Graphviz, runtime_graph.png) into the current directory.
#include <symflow/symflow.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace sf = symflow;
using sf::sym::Symbol;

int main() {
    // The layer widths could come from a config file or the command line: the graph is
    // built in an ordinary loop, each op function taking and returning runtime Symbols.
    const std::vector<std::int64_t> widths = {16, 8, 3};
    Symbol net = sf::sym::Variable("data");
    for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string fc = "fc" + std::to_string(i);
        net = sf::sym::FullyConnected(net, sf::sym::Variable(fc + "_weight"), sf::sym::Variable(fc + "_bias"),
                                      {.num_hidden = widths[i]}, fc);
        if (i + 1 < widths.size()) net = sf::sym::Activation(net, "relu", "relu" + std::to_string(i));
    }
    net = sf::sym::softmax(net, {}, "softmax");
    std::cout << ">>> net\n" << net << '\n';

    // net.save('runtime_graph.json'); net2 = mx.sym.load('runtime_graph.json')
    net.save("runtime_graph.json");
    const Symbol loaded = sf::sym::load("runtime_graph.json");
    std::cout << ">>> print(net2.debug_str())\n" << loaded.debug_str();
    if (loaded.tojson() != net.tojson()) {
        std::cerr << "error: tojson() differs after a save/load round trip\n";
        return 1;
    }
    std::cout << ">>> net2.tojson() == net.tojson()\nTrue\n";

    // exe = net2.simple_bind(mx.cpu(), data=(4, 5)): the weight shapes are inferred.
    const sf::Shape data_shape{4, 5};
    auto exe = loaded.simple_bind(sf::cpu(), {{"data", data_shape}});
    std::cout << ">>> {k: v.shape for k, v in exe.arg_dict.items()}\n";
    for (const auto& [name, a] : exe.arg_dict()) std::cout << "  " << name << ": " << a.shape().str() << '\n';

    // Random inputs and weights, written into the executor's own arrays.
    sf::nd::seed(42);
    for (const auto& [name, a] : exe.arg_dict()) {
        const auto values = name == "data" ? sf::nd::uniform(0, 1, a.shape()) : sf::nd::uniform(-0.5, 0.5, a.shape());
        std::ranges::copy(values.data<float>(), a.data<float>().begin());
    }
    const auto out = exe.forward()[0].copy();
    std::cout << ">>> exe.forward()[0].asnumpy()\n" << out.asnumpy() << '\n';

    // mx.model.save_checkpoint('runtime_graph', 1, net2, arg_params, {}) and back.
    std::map<std::string, sf::nd::NDArray> arg_params;
    for (const auto& [name, a] : exe.arg_dict())
        if (name != "data") arg_params.emplace(name, a);
    sf::sym::save_checkpoint("runtime_graph", 1, loaded, arg_params, {});
    const auto ck = sf::sym::load_checkpoint("runtime_graph", 1);
    std::cout << ">>> sym, arg_params, aux_params = mx.model.load_checkpoint('runtime_graph', 1)\n";
    std::cout << "  sym: " << ck.symbol << ", arg_params: " << ck.arg_params.size()
              << " arrays, aux_params: " << ck.aux_params.size() << " arrays\n";
    auto args = ck.arg_params;
    args.emplace("data", exe.arg_dict().at("data"));
    const auto again = ck.symbol.bind(sf::cpu(), args).forward()[0].to_vector<float>();
    if (again != out.to_vector<float>()) {
        std::cerr << "error: the reloaded checkpoint computes different outputs\n";
        return 1;
    }
    std::cout << "  the reloaded checkpoint gives the same outputs\n";

    // mx.viz.plot_network(net2, shape={'data': (4, 5)})
    {
        std::ofstream dot("runtime_graph.dot");
        dot << loaded.to_dot({{"data", data_shape}});
        if (!dot) {
            std::cerr << "error: cannot write runtime_graph.dot\n";
            return 1;
        }
    }
    std::cout << ">>> mx.viz.plot_network(net2, shape={'data': (4, 5)})\nwrote runtime_graph.dot\n";
    if (std::system("command -v dot > /dev/null 2>&1") == 0) {
        // Like plot_network's boxes, fixedsize=true boxes make dot warn that long labels
        // overflow them; the warnings are cosmetic, so they are not shown.
        if (std::system("dot -Tpng runtime_graph.dot -o runtime_graph.png 2> /dev/null") != 0) {
            std::cerr << "error: dot failed to render runtime_graph.png\n";
            return 1;
        }
        std::cout << "wrote runtime_graph.png\n";
    } else {
        std::cout << "Graphviz is not installed (scripts/deps.sh installs it): runtime_graph.png not rendered\n";
    }
}
