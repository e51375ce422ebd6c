// Differential testing, part 3: a generated graph built as a runtime sf::sym::Symbol,
// node by node through the public API (the same calls to_cpp spells for static operands).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>

#include "graph_gen.hpp"

namespace difftest {

/// g as a runtime Symbol (its output node), built with fresh auto-name counters by the
/// caller's sf::sym::NameManager scope.
inline sf::sym::Symbol build_runtime(const graph& g) {
    namespace S = sf::sym;
    using S::Symbol;
    std::vector<Symbol> v;
    v.reserve(g.nodes.size());
    for (const node& n : g.nodes) {
        auto a = [&](std::size_t k) -> const Symbol& { return v[static_cast<std::size_t>(n.in[k])]; };
        const std::string& o = n.op;
        const double s = n.s;
        Symbol r;
        if (o == "var") r = S::Variable(n.name);
        // arithmetic and comparisons, as operators
        else if (o == "add") r = a(0) + a(1);
        else if (o == "sub") r = a(0) - a(1);
        else if (o == "mul") r = a(0) * a(1);
        else if (o == "div") r = a(0) / a(1);
        else if (o == "mod") r = a(0) % a(1);
        else if (o == "eq") r = a(0) == a(1);
        else if (o == "ne") r = a(0) != a(1);
        else if (o == "gt") r = a(0) > a(1);
        else if (o == "ge") r = a(0) >= a(1);
        else if (o == "lt") r = a(0) < a(1);
        else if (o == "le") r = a(0) <= a(1);
        else if (o == "plus_s") r = a(0) + s;
        else if (o == "minus_s") r = a(0) - s;
        else if (o == "rminus_s") r = s - a(0);
        else if (o == "mul_s") r = a(0) * s;
        else if (o == "div_s") r = a(0) / s;
        else if (o == "rdiv_s") r = s / a(0);
        else if (o == "mod_s") r = a(0) % s;
        else if (o == "rmod_s") r = s % a(0);
        else if (o == "eq_s") r = a(0) == s;
        else if (o == "ne_s") r = a(0) != s;
        else if (o == "gt_s") r = a(0) > s;
        else if (o == "ge_s") r = a(0) >= s;
        else if (o == "lt_s") r = a(0) < s;
        else if (o == "le_s") r = a(0) <= s;
        else if (o == "unary_minus") r = -a(0);
        else if (o == "power_s") r = S::power(a(0), s);
        else if (o == "rpower_s") r = S::power(s, a(0));
        else if (o == "maximum_s") r = S::maximum(a(0), s);
        else if (o == "minimum_s") r = S::minimum(a(0), s);
        else if (o == "hypot_s") r = S::hypot(a(0), s);
        else if (o == "power") r = S::power(a(0), a(1));
        else if (o == "maximum") r = S::maximum(a(0), a(1));
        else if (o == "minimum") r = S::minimum(a(0), a(1));
        else if (o == "hypot") r = S::hypot(a(0), a(1));
        // broadcasting
        else if (o == "bcast_add") r = S::broadcast_add(a(0), a(1));
        else if (o == "bcast_sub") r = S::broadcast_sub(a(0), a(1));
        else if (o == "bcast_mul") r = S::broadcast_mul(a(0), a(1));
        else if (o == "bcast_div") r = S::broadcast_div(a(0), a(1));
        else if (o == "bcast_mod") r = S::broadcast_mod(a(0), a(1));
        else if (o == "bcast_power") r = S::broadcast_power(a(0), a(1));
        else if (o == "bcast_maximum") r = S::broadcast_maximum(a(0), a(1));
        else if (o == "bcast_minimum") r = S::broadcast_minimum(a(0), a(1));
        else if (o == "bcast_hypot") r = S::broadcast_hypot(a(0), a(1));
        else if (o == "bcast_eq") r = S::broadcast_equal(a(0), a(1));
        else if (o == "bcast_ne") r = S::broadcast_not_equal(a(0), a(1));
        else if (o == "bcast_gt") r = S::broadcast_greater(a(0), a(1));
        else if (o == "bcast_ge") r = S::broadcast_greater_equal(a(0), a(1));
        else if (o == "bcast_lt") r = S::broadcast_lesser(a(0), a(1));
        else if (o == "bcast_le") r = S::broadcast_lesser_equal(a(0), a(1));
        else if (o == "broadcast_to") {
            r = S::broadcast_to(a(0), {.shape = sf::Shape(std::vector<sf::Shape::dim_t>(n.ints.begin(), n.ints.end()))});
        } else if (o == "broadcast_like") r = S::broadcast_like(a(0), a(1));
        else if (o == "where") r = S::where(a(0), a(1), a(2));
        // unary
        else if (o == "abs") r = S::abs(a(0));
        else if (o == "sign") r = S::sign(a(0));
        else if (o == "negative") r = S::negative(a(0));
        else if (o == "square") r = S::square(a(0));
        else if (o == "floor") r = S::floor(a(0));
        else if (o == "ceil") r = S::ceil(a(0));
        else if (o == "round") r = S::round(a(0));
        else if (o == "rint") r = S::rint(a(0));
        else if (o == "fix") r = S::fix(a(0));
        else if (o == "trunc") r = S::trunc(a(0));
        else if (o == "relu") r = S::relu(a(0));
        else if (o == "zeros_like") r = S::zeros_like(a(0));
        else if (o == "ones_like") r = S::ones_like(a(0));
        else if (o == "Dropout") r = S::Dropout(a(0));
        else if (o == "clip") r = S::clip(a(0), s, n.s2);
        else if (o == "sqrt") r = S::sqrt(a(0));
        else if (o == "rsqrt") r = S::rsqrt(a(0));
        else if (o == "cbrt") r = S::cbrt(a(0));
        else if (o == "reciprocal") r = S::reciprocal(a(0));
        else if (o == "exp") r = S::exp(a(0));
        else if (o == "expm1") r = S::expm1(a(0));
        else if (o == "log") r = S::log(a(0));
        else if (o == "log1p") r = S::log1p(a(0));
        else if (o == "log2") r = S::log2(a(0));
        else if (o == "log10") r = S::log10(a(0));
        else if (o == "sin") r = S::sin(a(0));
        else if (o == "cos") r = S::cos(a(0));
        else if (o == "tan") r = S::tan(a(0));
        else if (o == "arcsin") r = S::arcsin(a(0));
        else if (o == "arccos") r = S::arccos(a(0));
        else if (o == "arctan") r = S::arctan(a(0));
        else if (o == "sinh") r = S::sinh(a(0));
        else if (o == "cosh") r = S::cosh(a(0));
        else if (o == "tanh") r = S::tanh(a(0));
        else if (o == "sigmoid") r = S::sigmoid(a(0));
        else if (o == "softsign") r = S::softsign(a(0));
        else if (o == "Activation") r = S::Activation(a(0), n.name);
        else if (o == "LeakyReLU") r = S::LeakyReLU(a(0), {.act_type = n.name, .slope = s});
        else if (o == "softmax" || o == "log_softmax") {
            sf::ops::softmax_param p{.axis = static_cast<int>(n.a)};
            if (s != 0) p.temperature = s;
            r = o == "softmax" ? S::softmax(a(0), p) : S::log_softmax(a(0), p);
        }
        // reductions
        else if (o == "sum" || o == "mean" || o == "prod" || o == "nansum" || o == "max" || o == "min" ||
                 o == "norm") {
            sf::ops::axis_list axes = n.ints.size() == 1 && n.ints[0] >= 0
                                          ? sf::ops::axis_list(static_cast<int>(n.ints[0]))
                                          : sf::ops::axis_list(std::vector<int>(n.ints.begin(), n.ints.end()));
            const sf::ops::reduce_param p{.axis = axes, .keepdims = n.f1};
            if (o == "sum") r = S::sum(a(0), p);
            else if (o == "mean") r = S::mean(a(0), p);
            else if (o == "prod") r = S::prod(a(0), p);
            else if (o == "nansum") r = S::nansum(a(0), p);
            else if (o == "max") r = S::max(a(0), p);
            else if (o == "min") r = S::min(a(0), p);
            else r = S::norm(a(0), {.axis = axes, .keepdims = n.f1});
        } else if (o == "argmax") r = S::argmax(a(0), {.axis = static_cast<int>(n.a), .keepdims = n.f1});
        else if (o == "argmin") r = S::argmin(a(0), {.axis = static_cast<int>(n.a), .keepdims = n.f1});
        // linear algebra
        else if (o == "dot") r = S::dot(a(0), a(1), {.transpose_a = n.f1, .transpose_b = n.f2});
        else if (o == "batch_dot") r = S::batch_dot(a(0), a(1), {.transpose_a = n.f1, .transpose_b = n.f2});
        else if (o == "FullyConnected") {
            if (n.f1) r = S::FullyConnected(a(0), a(1), a(2), {.num_hidden = static_cast<int>(n.a)});
            else r = S::FullyConnected(a(0), a(1), {.num_hidden = static_cast<int>(n.a), .no_bias = true});
        }
        // shape
        else if (o == "reshape") r = S::reshape(a(0), {.shape = n.ints});
        else if (o == "transpose") r = n.ints.empty() ? S::transpose(a(0)) : S::transpose(a(0), {.axes = n.ints});
        else if (o == "expand_dims") r = S::expand_dims(a(0), static_cast<int>(n.a));
        else if (o == "squeeze") r = S::squeeze(a(0), static_cast<long long>(n.a));
        else if (o == "Flatten") r = S::Flatten(a(0));
        else if (o == "slice_axis")
            r = S::slice_axis(a(0), static_cast<int>(n.a), n.ints[0],
                              n.ints[1] == -1000000 ? std::optional<long long>() : std::optional<long long>(n.ints[1]));
        else if (o == "slice") {
            sf::ops::slice_param p;
            for (std::size_t k = 0; k < n.ints.size(); k += 3) {
                p.begin.push_back(n.ints[k]);
                p.end.push_back(n.ints[k + 1]);
                p.step.push_back(n.ints[k + 2]);
            }
            r = S::slice(a(0), p);
        } else if (o == "tile") r = S::tile(a(0), n.ints);
        else if (o == "repeat") r = S::repeat(a(0), n.b, static_cast<int>(n.a));
        else if (o == "concat") {
            const int d = static_cast<int>(n.a);
            r = n.in.size() == 2 ? S::concat(a(0), a(1), {.dim = d}) : S::concat(a(0), a(1), a(2), {.dim = d});
        } else if (o == "stack") {
            const int ax = static_cast<int>(n.a);
            r = n.in.size() == 2 ? S::stack(a(0), a(1), {.axis = ax}) : S::stack(a(0), a(1), a(2), {.axis = ax});
        } else if (o == "split")
            r = S::split(a(0), {.num_outputs = static_cast<int>(n.b), .axis = static_cast<int>(n.a)})[static_cast<std::size_t>(n.ints[0])];
        else if (o == "Cast") r = S::Cast(a(0), n.dt);
        else throw std::logic_error("build_runtime: unknown op " + o);
        v.push_back(std::move(r));
    }
    return v.back();
}

} // namespace difftest
