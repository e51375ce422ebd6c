// Prints the README's operator table from the op descriptions themselves, so the table
// cannot drift from the code. `operator_table --check README.md` compares instead.
#include <symflow/symflow.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace ops = symflow::ops;

static std::string table() {
    std::ostringstream os;
    os << "| MXNet op (JSON) | aliases a loader accepts | auto-name hint | inputs | dtypes | execution |\n";
    os << "|---|---|---|---|---|---|\n";
    ops::for_each_op([&]<class Op>() {
        os << "| `" << Op::name << "` | ";
        bool first = true;
        for (auto a : Op::aliases) {
            os << (first ? "" : ", ") << '`' << a << '`';
            first = false;
        }
        os << " | `" << Op::hint << "` | ";
        first = true;
        for (auto in : Op::inputs) {
            os << (first ? "" : ", ") << in;
            first = false;
        }
        if (Op::inputs.size() == 2 && (Op::name == "Concat" || Op::name == "stack")) os << ", ... (any number)";
        os << " | " << ops::op_dtypes<Op>().str() << " | "
           << (Op::kind == ops::op_kind::elementwise            ? "fused"
               : requires { typename Op::elementwise_op; } ? "fused in tiles"
                                                           : "materialized")
           << " |\n";
    });
    return os.str();
}

int main(int argc, char** argv) {
    const std::string t = table();
    if (argc == 3 && std::string(argv[1]) == "--check") {
        std::ifstream in(argv[2]);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string readme = ss.str(), begin = "<!-- operator-table-begin -->\n",
                          end = "<!-- operator-table-end -->";
        auto b = readme.find(begin), e = readme.find(end);
        if (b == std::string::npos || e == std::string::npos) {
            std::cerr << argv[2] << " has no operator table markers\n";
            return 1;
        }
        if (readme.substr(b + begin.size(), e - b - begin.size()) != t) {
            std::cerr << "the operator table in " << argv[2]
                      << " is out of date; regenerate it with build/<preset>/examples/operator_table\n";
            return 1;
        }
        std::cout << "the operator table in " << argv[2] << " matches the op descriptions\n";
        return 0;
    }
    std::cout << t;
}
