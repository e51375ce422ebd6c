#pragma once
// Executor: a static expression bound to arrays; forward() runs the fused loop.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "../nd/ndarray.hpp"
#include "../sym/arguments.hpp"
#include "../sym/infer.hpp"
#include "evaluator.hpp"
#include "fused_loop.hpp"

namespace symflow::sym {

/// A static expression E bound to arrays (what `e.bind(...)` returns). Everything is
/// checked and allocated at bind; forward() only computes, into the same output
/// arrays each time, reading the bound arrays' current contents.
template <class E>
class Executor {
public:
    static constexpr std::size_t num_args = arguments_v<E>.size();

    /// Binds `args` (in list_arguments() order); checks shapes and dtypes, allocates outputs.
    Executor(E e, std::array<nd::NDArray, num_args> args) : expr_(std::move(e)), args_(std::move(args)) {
        node_meta out = detail::infer_meta<E>(expr_, args_);
        outputs_.emplace_back(out.shape, out.dt);
        run_ = visit_dtype(out.dt, [](auto t) -> void (*)(const Executor&) {
            if constexpr (graph_supports_v<E, decltype(t)>) return &Executor::run_typed<decltype(t)>;
            else return nullptr;  // inference has rejected this dtype already
        });
        if (!run_) throw error("bind: no kernel for dtype " + std::string(dtype_name(out.dt)));
    }

    /// Computes the outputs from the bound arrays' current contents.
    const std::vector<nd::NDArray>& forward() {
        run_(*this);
        return outputs_;
    }
    /// The output arrays (valid after bind, filled by forward()).
    const std::vector<nd::NDArray>& outputs() const { return outputs_; }
    /// The bound arrays by argument name.
    std::map<std::string, nd::NDArray> arg_dict() const {
        std::map<std::string, nd::NDArray> r;
        for (std::size_t i = 0; i < num_args; ++i) r.emplace(std::string(arguments_v<E>[i]), args_[i]);
        return r;
    }
    /// The bound arrays, in list_arguments() order.
    const std::array<nd::NDArray, num_args>& arg_arrays() const { return args_; }
    /// The expression this executor runs.
    const E& symbol() const { return expr_; }

private:
    template <class T>
    static void run_typed(const Executor& x) {
        std::array<const T*, num_args> in;
        for (std::size_t i = 0; i < num_args; ++i) in[i] = static_cast<const T*>(x.args_[i].raw());
        exec::evaluator<T, E, E> ev(x.expr_);
        exec::run_fused(ev, in, static_cast<T*>(x.outputs_[0].raw()), x.outputs_[0].size());
    }

    E expr_;
    std::array<nd::NDArray, num_args> args_;
    std::vector<nd::NDArray> outputs_;
    void (*run_)(const Executor&) = nullptr;
};

} // namespace symflow::sym
