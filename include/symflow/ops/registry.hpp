#pragma once
// The list of every op description: what the runtime graph, the JSON loader and the
// operator table iterate over. An op is added to symflow by writing its description
// and naming it here.
#include <string>

#include "activation.hpp"
#include "arithmetic.hpp"
#include "binary_math.hpp"
#include "broadcast.hpp"
#include "comparison.hpp"
#include "dot.hpp"
#include "fill_where.hpp"
#include "join.hpp"
#include "layers.hpp"
#include "reduce.hpp"
#include "shape_ops.hpp"
#include "split.hpp"
#include "unary_math.hpp"

namespace symflow::ops {

/// A list of op description types.
template <class... Ops>
struct op_list {
    static constexpr std::size_t size = sizeof...(Ops);
};

/// Every op symflow defines. Ops whose arity is a template argument (FullyConnected
/// with or without bias, Concat and stack of N inputs) appear once per form, with two
/// inputs standing for N.
using all_ops = op_list<
    // arithmetic.hpp
    elemwise_add, elemwise_sub, elemwise_mul, elemwise_div, plus_scalar, minus_scalar, rminus_scalar, mul_scalar,
    div_scalar, rdiv_scalar,
    // binary_math.hpp
    mod, power, maximum, minimum, hypot, mod_scalar, rmod_scalar, power_scalar, rpower_scalar, maximum_scalar,
    minimum_scalar, hypot_scalar,
    // comparison.hpp
    equal, not_equal, greater, greater_equal, lesser, lesser_equal, equal_scalar, not_equal_scalar, greater_scalar,
    greater_equal_scalar, lesser_scalar, lesser_equal_scalar,
    // unary_math.hpp
    abs_op, sign_op, negative_op, square_op, sqrt_op, rsqrt_op, cbrt_op, reciprocal_op, exp_op, expm1_op, log_op,
    log1p_op, log2_op, log10_op, sin_op, cos_op, tan_op, arcsin_op, arccos_op, arctan_op, sinh_op, cosh_op, tanh_op,
    floor_op, ceil_op, round_op, rint_op, fix_op, trunc_op,
    // activation.hpp
    relu_op, sigmoid_op, softsign_op, activation_op, leaky_relu_op, clip_op,
    // broadcast.hpp
    broadcast_add_op, broadcast_sub_op, broadcast_mul_op, broadcast_div_op, broadcast_mod_op, broadcast_power_op,
    broadcast_maximum_op, broadcast_minimum_op, broadcast_hypot_op, broadcast_equal_op, broadcast_not_equal_op,
    broadcast_greater_op, broadcast_greater_equal_op, broadcast_lesser_op, broadcast_lesser_equal_op,
    broadcast_to_op, broadcast_like_op,
    // reduce.hpp
    sum_op, mean_op, prod_op, nansum_op, max_op, min_op, norm_op, argmax_op, argmin_op,
    // dot.hpp, layers.hpp
    dot_op, batch_dot_op, fully_connected_op<3>, fully_connected_op<2>, softmax_op, log_softmax_op,
    softmax_output_op, dropout_op,
    // shape_ops.hpp, join.hpp, fill_where.hpp, split.hpp
    reshape_op, transpose_op, expand_dims_op, squeeze_op, flatten_op, slice_op, slice_axis_op, tile_op, repeat_op,
    cast_op, concat_op<2>, stack_op<2>, zeros_like_op, ones_like_op, where_op, split_op>;

/// Calls f.template operator()<Op>() for every op in all_ops, in order.
template <class F>
void for_each_op(F&& f) {
    [&]<class... Ops>(op_list<Ops...>) { (f.template operator()<Ops>(), ...); }(all_ops{});
}

} // namespace symflow::ops
