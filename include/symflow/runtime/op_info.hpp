#pragma once
// op_info: the run-time view of an op description, for graphs held as data.
#include <string_view>
#include <vector>

#include "../ops/op.hpp"

namespace symflow::sym {

/// What the runtime graph needs to know about an op; made from the op description
/// (symflow::ops), never written by hand.
struct op_info {
    std::string_view name;                 ///< JSON op name ("elemwise_add")
    std::string_view hint;                 ///< default auto-name hint ("_plus")
    std::vector<std::string_view> inputs;  ///< input names ("lhs", "rhs")
    ops::op_kind kind;
};

/// The op_info of op description Op (one static instance per op).
template <ops::op_description Op>
const op_info& op_info_of() {
    static const op_info info{Op::name, Op::hint, {Op::inputs.begin(), Op::inputs.end()}, Op::kind};
    return info;
}

} // namespace symflow::sym
