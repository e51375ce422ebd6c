// Symbol::to_dot (the look of MXNet's mx.viz.plot_network) and checkpoints as MXNet's
// mx.model.save_checkpoint / load_checkpoint write and read them.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;
namespace fs = std::filesystem;
using sf::sym::Symbol;
using Catch::Matchers::Contains;
using arrays = std::map<std::string, sf::nd::NDArray>;

namespace {

/// A fresh directory under the system's temp directory, removed with its contents at scope exit.
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::random_device rd;
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() / ("symflow_dot_ckpt_" + std::to_string(stamp) + "_" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    /// `path / name` as a string.
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

/// data -> fc0(16) -> relu0 -> fc1(8) -> relu1 -> fc2(3) -> softmax, built in a loop.
Symbol mlp() {
    const std::vector<std::int64_t> widths = {16, 8, 3};
    Symbol x = sf::sym::Variable("data");
    for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string fc = "fc" + std::to_string(i);
        x = sf::sym::FullyConnected(x, sf::sym::Variable(fc + "_weight"), sf::sym::Variable(fc + "_bias"),
                                    {.num_hidden = widths[i]}, fc);
        if (i + 1 < widths.size()) x = sf::sym::Activation(x, "relu", "relu" + std::to_string(i));
    }
    return sf::sym::softmax(x, {}, "softmax");
}

/// A network of ops symflow lists but cannot run, as an MXNet file holds it.
const std::string conv_file = R"json({
  "nodes": [
    {"op": "null", "name": "data", "inputs": []},
    {"op": "null", "name": "conv1_weight", "inputs": []},
    {"op": "null", "name": "conv1_bias", "inputs": []},
    {"op": "Convolution", "name": "conv1", "attrs": {"kernel": "(3, 3)", "num_filter": "32", "stride": "(2, 2)"}, "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
    {"op": "null", "name": "bn1_gamma", "inputs": []},
    {"op": "null", "name": "bn1_beta", "inputs": []},
    {"op": "null", "name": "bn1_moving_mean", "inputs": []},
    {"op": "null", "name": "bn1_moving_var", "inputs": []},
    {"op": "BatchNorm", "name": "bn1", "inputs": [[3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 1], [7, 0, 1]]},
    {"op": "Activation", "name": "relu1", "attrs": {"act_type": "relu"}, "inputs": [[8, 0, 0]]},
    {"op": "Pooling", "name": "pool1", "attrs": {"kernel": "(2, 2)", "pool_type": "avg"}, "inputs": [[9, 0, 0]]},
    {"op": "Custom", "name": "custom1", "attrs": {"op_type": "myop"}, "inputs": [[10, 0, 0]]},
    {"op": "Flatten", "name": "flatten1", "inputs": [[11, 0, 0]]},
    {"op": "null", "name": "fc1_weight", "inputs": []},
    {"op": "null", "name": "fc1_bias", "inputs": []},
    {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "10"}, "inputs": [[12, 0, 0], [13, 0, 0], [14, 0, 0]]},
    {"op": "null", "name": "softmax_label", "inputs": []},
    {"op": "SoftmaxOutput", "name": "softmax", "inputs": [[15, 0, 0], [16, 0, 0]]}
  ],
  "arg_nodes": [0, 1, 2, 4, 5, 6, 7, 13, 14, 16],
  "heads": [[17, 0, 0]]
})json";

/// The parsed text of to_dot: node lines by id and edges as (consumer, input, attributes).
struct dot_graph {
    std::map<std::string, std::string> nodes;  ///< id -> attribute list
    struct edge {
        std::string from, to, attrs;
    };
    std::vector<edge> edges;
    /// The id of the node whose label is exactly `label` (as written, escapes included).
    std::string id_of(const std::string& label) const {
        for (const auto& [id, a] : nodes)
            if (a.find("label=\"" + label + "\"") != std::string::npos) return id;
        return "";
    }
    /// The edge from the node labelled `consumer` to the node labelled `input`, or nullptr.
    const edge* find(const std::string& consumer, const std::string& input) const {
        for (const auto& e : edges)
            if (e.from == id_of(consumer) && e.to == id_of(input)) return &e;
        return nullptr;
    }
};

/// Parses to_dot's text, checking its layout: one node or edge per line, unique ids.
dot_graph parse_dot(const std::string& text) {
    dot_graph g;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    REQUIRE(line == "digraph plot {");
    bool closed = false;
    while (std::getline(in, line)) {
        if (line == "}") {
            closed = true;
            continue;
        }
        REQUIRE_FALSE(closed);
        REQUIRE(line.starts_with("\t"));
        const auto bracket = line.find(" [");
        REQUIRE(bracket != std::string::npos);
        REQUIRE(line.ends_with("]"));
        const std::string head = line.substr(1, bracket - 1);
        const std::string attrs = line.substr(bracket + 2, line.size() - bracket - 3);
        if (const auto arrow = head.find(" -> "); arrow != std::string::npos) {
            g.edges.push_back({head.substr(0, arrow), head.substr(arrow + 4), attrs});
        } else {
            INFO("node id " << head);
            CHECK(g.nodes.emplace(head, attrs).second);  // ids are unique
        }
    }
    CHECK(closed);
    for (const auto& e : g.edges) {
        INFO("edge " << e.from << " -> " << e.to);
        CHECK(g.nodes.count(e.from) == 1);
        CHECK(g.nodes.count(e.to) == 1);
    }
    return g;
}

/// True if Graphviz's `dot` is on the PATH.
bool have_dot() { return std::system("command -v dot > /dev/null 2>&1") == 0; }

/// Runs `dot -Tsvg` over text; returns its exit status and the SVG it wrote.
std::pair<int, std::string> render_svg(const std::string& text) {
    temp_dir dir;
    {
        std::ofstream f(dir / "g.dot");
        f << text;
    }
    const std::string cmd = "dot -Tsvg '" + (dir / "g.dot") + "' -o '" + (dir / "g.svg") + "' 2> /dev/null";
    const int rc = std::system(cmd.c_str());
    std::ifstream svg(dir / "g.svg");
    std::ostringstream ss;
    ss << svg.rdbuf();
    return {rc, ss.str()};
}

/// Writes `text` to `path`.
void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

/// A float32 array of the values in shape s.
sf::nd::NDArray floats(std::vector<float> v, sf::Shape s) { return sf::nd::array(v, s); }

/// The message of the symflow::error f throws, or a marker saying what went wrong.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const sf::error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("WRONG EXCEPTION TYPE: ") + e.what();
    }
    return "NO EXCEPTION";
}

} // namespace

// ---- to_dot -----------------------------------------------------------------------------------

TEST_CASE("to_dot draws a runtime MLP with plot_network's boxes, labels and colours", "[dot]") {
    const Symbol net = mlp();
    const std::string text = net.to_dot();
    CHECK(text.starts_with("digraph plot {\n"));
    CHECK(text.ends_with("}\n"));
    const auto g = parse_dot(text);

    // Op boxes: the op and its key attribute on two lines; MXNet's fill colours.
    CHECK_THAT(g.nodes.at(g.id_of("FullyConnected\\n16")), Contains("shape=box") && Contains("fillcolor=\"#fb8072\""));
    CHECK_THAT(g.nodes.at(g.id_of("FullyConnected\\n16")),
               Contains("fixedsize=true height=0.8034") && Contains("style=filled width=1.3"));
    CHECK(!g.id_of("FullyConnected\\n8").empty());
    CHECK(!g.id_of("FullyConnected\\n3").empty());
    CHECK_THAT(g.nodes.at(g.id_of("Activation\\nrelu")), Contains("shape=box") && Contains("fillcolor=\"#ffffb3\""));
    CHECK_THAT(g.nodes.at(g.id_of("softmax")), Contains("fillcolor=\"#b3de69\""));
    // Inputs are ovals; weights and biases are hidden with their edges.
    CHECK_THAT(g.nodes.at(g.id_of("data")), Contains("shape=oval") && Contains("fillcolor=\"#8dd3c7\""));
    CHECK(g.nodes.size() == 7);  // data, 3 FullyConnected, 2 Activation, softmax
    CHECK(text.find("_weight") == std::string::npos);
    CHECK(text.find("_bias") == std::string::npos);

    // Edges point from consumer to input, drawn backwards, as plot_network draws them.
    REQUIRE(g.edges.size() == 6);
    for (const auto& e : g.edges) {
        CHECK(e.attrs == "arrowtail=open dir=back");  // no shapes given: no labels
        CHECK(std::stoul(e.from.substr(1)) > std::stoul(e.to.substr(1)));  // post-order ids
    }
    CHECK(g.find("FullyConnected\\n16", "data"));
    CHECK(g.find("softmax", "FullyConnected\\n3"));
}

TEST_CASE("to_dot labels edges with the shapes plot_network shows, batch axis dropped", "[dot]") {
    const Symbol net = mlp();
    const auto g = parse_dot(net.to_dot({{"data", sf::Shape{4, 5}}}));
    REQUIRE(g.find("FullyConnected\\n16", "data"));
    CHECK(g.find("FullyConnected\\n16", "data")->attrs == "arrowtail=open dir=back label=\"5\"");
    REQUIRE(g.find("softmax", "FullyConnected\\n3"));
    CHECK(g.find("softmax", "FullyConnected\\n3")->attrs == "arrowtail=open dir=back label=\"3\"");

    // More axes join with "x"; FullyConnected flattens them.
    Symbol x = sf::sym::Variable("img");
    x = sf::sym::FullyConnected(x, sf::sym::Variable("fc_weight"), sf::sym::Variable("fc_bias"), {.num_hidden = 7}, "fc");
    const auto g3 = parse_dot(x.to_dot({{"img", sf::Shape{2, 3, 4}}}));
    REQUIRE(g3.find("FullyConnected\\n7", "img"));
    CHECK(g3.find("FullyConnected\\n7", "img")->attrs == "arrowtail=open dir=back label=\"3x4\"");
}

TEST_CASE("to_dot leaves edges unlabelled where inference cannot decide the shape", "[dot]") {
    Symbol fc = sf::sym::FullyConnected(sf::sym::Variable("data"), sf::sym::Variable("fc_weight"),
                                        sf::sym::Variable("fc_bias"), {.num_hidden = 4}, "fc");
    Symbol other = sf::sym::Variable("y") + sf::sym::Variable("z");
    const Symbol both = sf::sym::Group({fc, other});
    const auto g = parse_dot(both.to_dot({{"data", sf::Shape{2, 6}}}));
    REQUIRE(g.find("FullyConnected\\n4", "data"));
    CHECK_THAT(g.find("FullyConnected\\n4", "data")->attrs, Contains("label=\"6\""));
    const std::string plus = g.id_of(other.name());
    REQUIRE(!plus.empty());
    int unlabelled = 0;
    for (const auto& e : g.edges)
        if (e.from == plus) {
            CHECK(e.attrs == "arrowtail=open dir=back");
            ++unlabelled;
        }
    CHECK(unlabelled == 2);
}

TEST_CASE("to_dot with shapes of names the graph lacks is an error", "[dot]") {
    CHECK_THAT(error_of([] { (void)mlp().to_dot({{"nosuch", sf::Shape{1}}}); }),
               Contains("to_dot") && Contains("nosuch"));
}

TEST_CASE("to_dot labels Convolution, Pooling and the other families of a loaded MXNet file", "[dot]") {
    const Symbol net = sf::sym::load_json(conv_file);
    const std::string text = net.to_dot();
    const auto g = parse_dot(text);
    CHECK_THAT(g.nodes.at(g.id_of("Convolution\\n3x3/2x2, 32")), Contains("fillcolor=\"#fb8072\""));
    CHECK_THAT(g.nodes.at(g.id_of("bn1")), Contains("fillcolor=\"#bebada\""));
    CHECK_THAT(g.nodes.at(g.id_of("Activation\\nrelu")), Contains("fillcolor=\"#ffffb3\""));
    CHECK_THAT(g.nodes.at(g.id_of("Pooling\\navg, 2x2/1")), Contains("fillcolor=\"#80b1d3\""));
    CHECK_THAT(g.nodes.at(g.id_of("myop")), Contains("fillcolor=\"#fccde5\""));  // Custom shows op_type
    CHECK_THAT(g.nodes.at(g.id_of("flatten1")), Contains("fillcolor=\"#fdb462\""));
    CHECK_THAT(g.nodes.at(g.id_of("FullyConnected\\n10")), Contains("fillcolor=\"#fb8072\""));
    CHECK_THAT(g.nodes.at(g.id_of("softmax")), Contains("fillcolor=\"#b3de69\""));
    CHECK_THAT(g.nodes.at(g.id_of("softmax_label")), Contains("shape=oval"));
    for (const char* hidden : {"conv1_weight", "conv1_bias", "bn1_gamma", "bn1_beta", "bn1_moving_mean",
                               "bn1_moving_var", "fc1_weight", "fc1_bias"}) {
        INFO(hidden);
        CHECK(text.find(hidden) == std::string::npos);
    }
    CHECK(g.nodes.size() == 10);
    CHECK(g.edges.size() == 9);
    CHECK(g.find("Convolution\\n3x3/2x2, 32", "data"));
    CHECK(g.find("bn1", "Convolution\\n3x3/2x2, 32"));

    // Shapes need inference, which ops without a kernel cannot give: a clear error.
    CHECK_THAT(error_of([&] { (void)net.to_dot({{"data", sf::Shape{1, 3, 8, 8}}}); }),
               Contains("to_dot") && Contains("Convolution"));
}

TEST_CASE("to_dot escapes quotes and backslashes in names", "[dot]") {
    const Symbol a = sf::sym::Variable("say \"hi\"\\now");
    const Symbol r = sf::sym::relu(a + sf::sym::Variable("b"), "my\"relu");
    const std::string text = r.to_dot();
    const auto g = parse_dot(text);
    CHECK(!g.id_of("say \\\"hi\\\"\\\\now").empty());
    CHECK(!g.id_of("my\\\"relu").empty());
    CHECK(g.edges.size() == 3);
}

TEST_CASE("to_dot output is a digraph that Graphviz renders", "[dot]") {
    if (!have_dot()) {
        WARN("Graphviz's dot is not installed (scripts/deps.sh installs it): rendering not checked");
        return;
    }
    const Symbol quoted = sf::sym::relu(sf::sym::Variable("say \"hi\"\\now") + sf::sym::Variable("b"), "my\"relu");
    for (const std::string& text : {mlp().to_dot(), mlp().to_dot({{"data", sf::Shape{4, 5}}}),
                                    sf::sym::load_json(conv_file).to_dot(), quoted.to_dot()}) {
        const auto [rc, svg] = render_svg(text);
        INFO(text);
        CHECK(rc == 0);
        CHECK_THAT(svg, Contains("<svg") && Contains("</svg>"));
    }
    const auto [rc, svg] = render_svg(mlp().to_dot({{"data", sf::Shape{4, 5}}}));
    CHECK(rc == 0);
    CHECK_THAT(svg, Contains("FullyConnected") && Contains(">16<") && Contains(">relu<"));
}

// ---- checkpoints ------------------------------------------------------------------------------

TEST_CASE("save_checkpoint and load_checkpoint round trip through MXNet's two files", "[checkpoint]") {
    temp_dir dir;
    const Symbol net = mlp();
    const std::string prefix = dir / "model";
    arrays args = {{"fc0_weight", floats({1, 2, 3, 4, 5, 6}, sf::Shape{2, 3})},
                   {"fc0_bias", floats({-1.5f, 0.25f}, sf::Shape{2})},
                   {"counts", sf::nd::array({7, 8, 9}, sf::int32)}};
    arrays aux = {{"bn_moving_mean", floats({0.5f, 1.5f}, sf::Shape{2})}};
    sf::sym::save_checkpoint(prefix, 3, net, args, aux);
    CHECK(fs::exists(prefix + "-symbol.json"));
    CHECK(fs::exists(prefix + "-0003.params"));

    // The params file is an mx.nd.save dict with arg:/aux: keys; the JSON is tojson().
    const auto raw = sf::nd::load(prefix + "-0003.params");
    CHECK(raw.names == std::vector<std::string>{"arg:counts", "arg:fc0_bias", "arg:fc0_weight", "aux:bn_moving_mean"});
    CHECK(sf::sym::load(prefix + "-symbol.json").tojson() == net.tojson());

    const auto ck = sf::sym::load_checkpoint(prefix, 3);
    CHECK(ck.symbol.tojson() == net.tojson());
    REQUIRE(ck.arg_params.size() == 3);
    REQUIRE(ck.aux_params.size() == 1);
    CHECK(ck.arg_params.at("fc0_weight").shape() == sf::Shape{2, 3});
    CHECK(ck.arg_params.at("fc0_weight").to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});
    CHECK(ck.arg_params.at("fc0_bias").to_vector<float>() == std::vector<float>{-1.5f, 0.25f});
    CHECK(ck.arg_params.at("counts").dtype() == sf::int32);
    CHECK(ck.arg_params.at("counts").to_vector<std::int32_t>() == std::vector<std::int32_t>{7, 8, 9});
    CHECK(ck.aux_params.at("bn_moving_mean").to_vector<float>() == std::vector<float>{0.5f, 1.5f});

    // Epochs are written with at least four digits, as '%04d' writes them.
    sf::sym::save_checkpoint(prefix, 12345, net, args, {});
    CHECK(fs::exists(prefix + "-12345.params"));
    CHECK(sf::sym::load_checkpoint(prefix, 12345).aux_params.empty());
    sf::sym::save_checkpoint(prefix, 0, net, {}, {});
    CHECK(fs::exists(prefix + "-0000.params"));
    const auto empty = sf::sym::load_checkpoint(prefix, 0);
    CHECK(empty.arg_params.empty());
    CHECK(empty.aux_params.empty());
}

TEST_CASE("a checkpoint runs after reloading, with the outputs it had", "[checkpoint]") {
    temp_dir dir;
    const Symbol net = mlp();
    auto exe = net.simple_bind(sf::cpu(), {{"data", sf::Shape{2, 5}}});
    sf::nd::seed(7);
    for (const auto& [name, a] : exe.arg_dict()) {
        const auto v = sf::nd::uniform(-1, 1, a.shape());
        std::ranges::copy(v.data<float>(), a.data<float>().begin());
    }
    const auto before = exe.forward()[0].to_vector<float>();
    arrays params;
    for (const auto& [name, a] : exe.arg_dict())
        if (name != "data") params.emplace(name, a);
    sf::sym::save_checkpoint(dir / "mlp", 1, net, params, {});
    auto ck = sf::sym::load_checkpoint(dir / "mlp", 1);
    ck.arg_params.emplace("data", exe.arg_dict().at("data"));
    CHECK(ck.symbol.bind(sf::cpu(), ck.arg_params).forward()[0].to_vector<float>() == before);
}

TEST_CASE("load_checkpoint refuses names without an arg: or aux: prefix", "[checkpoint]") {
    temp_dir dir;
    const std::string prefix = dir / "bad";
    mlp().save(prefix + "-symbol.json");
    const auto a = floats({1, 2}, sf::Shape{2});

    sf::nd::save(prefix + "-0001.params", arrays{{"arg:fc0_bias", a}, {"fc0_weight", a}});
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 1); }),
               Contains("load_checkpoint") && Contains("'fc0_weight'") && Contains(prefix + "-0001.params") &&
                   Contains("arg:<name>"));

    sf::nd::save(prefix + "-0002.params", arrays{{"param:x", a}});
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 2); }), Contains("'param:x'"));

    sf::nd::save(prefix + "-0003.params", arrays{{"arg:", a}});
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 3); }), Contains("'arg:'"));

    // A list file (mx.nd.save of a list) names nothing.
    sf::nd::save(prefix + "-0004.params", std::vector<sf::nd::NDArray>{a, a});
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 4); }),
               Contains("unnamed list of 2 arrays") && Contains(prefix + "-0004.params"));
}

TEST_CASE("load_checkpoint names the file that is missing or malformed", "[checkpoint]") {
    temp_dir dir;
    const std::string prefix = dir / "gone";
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 7); }),
               Contains("load_checkpoint") && Contains(prefix + "-symbol.json"));

    mlp().save(prefix + "-symbol.json");
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 7); }),
               Contains("load_checkpoint") && Contains(prefix + "-0007.params"));

    write_text(prefix + "-0007.params", "not an MXNet list file");
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 7); }), Contains(prefix + "-0007.params"));

    write_text(prefix + "-symbol.json", "{\"nodes\": ");
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, 7); }), Contains(prefix + "-symbol.json"));
}

TEST_CASE("checkpoint epochs must not be negative and directories must exist", "[checkpoint]") {
    temp_dir dir;
    const std::string prefix = dir / "neg";
    CHECK_THAT(error_of([&] { sf::sym::save_checkpoint(prefix, -1, mlp(), {}, {}); }),
               Contains("save_checkpoint") && Contains("-1") && Contains(prefix));
    CHECK_THAT(error_of([&] { sf::sym::load_checkpoint(prefix, -1); }),
               Contains("load_checkpoint") && Contains("-1") && Contains(prefix));
    CHECK_FALSE(fs::exists(prefix + "-symbol.json"));

    const std::string nowhere = dir / "no/such/dir/model";
    CHECK_THAT(error_of([&] { sf::sym::save_checkpoint(nowhere, 1, mlp(), {}, {}); }),
               Contains("save_checkpoint") && Contains(nowhere + "-symbol.json"));
}
