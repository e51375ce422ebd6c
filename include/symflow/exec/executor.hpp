#pragma once
// Executor: a static expression bound to arrays. bind plans everything: inference,
// buffers for the materialized nodes, and a list of steps (fused loops and op
// kernels) in dependency order; forward() only runs the steps.
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "../nd/ndarray.hpp"
#include "../ops/broadcast.hpp"
#include "../sym/arguments.hpp"
#include "../sym/infer.hpp"
#include "../sym/materialized.hpp"
#include "evaluator.hpp"
#include "forward_guard.hpp"
#include "fused_loop.hpp"
#include "tasks.hpp"

namespace symflow::sym {

namespace detail {

/// Whether x's subtree holds a broadcast node (broadcast_* ops, broadcast_to, _like): only
/// then can a fused loop have tile sources, so only then is the tiled loop compiled.
template <class X>
inline constexpr bool has_broadcast_v = false;
template <class Op, class... In>
inline constexpr bool has_broadcast_v<expr<Op, In...>> =
    requires { typename Op::elementwise_op; } || (has_broadcast_v<In> || ...);

/// Walks a static expression once, in post-order, applying the shape and dtype rules.
/// With Build, it also plans execution: each materialized node gets a buffer and a
/// step (its inputs that are elementwise subexpressions get scratch buffers filled by
/// fused steps first); copies of one node share one buffer and run once.
template <class E, bool Build>
class planner {
public:
    static constexpr std::size_t num_args = arguments_v<E>.size();
    static constexpr std::size_t num_slots = materialized_count_v<E>;
    using table_t = std::array<const void*, num_args + num_slots>;

    planner(const std::array<node_meta, num_args>& args, table_t* table) : args_(args), table_(table) {}

    /// The meta of x, whose materialized nodes have slots from Off. Cold: it runs once per
    /// node at bind, so the compiler optimises its many instances for size.
    template <std::size_t Off, class X>
    [[gnu::cold]] node_meta walk(const X& x) {
        if constexpr (is_variable_v<X>) {
            const node_meta& m = args_[index_of(arguments_v<E>, X::fixed_name.view())];
            if constexpr (!std::is_same_v<typename X::shape_type, dynamic_shape>) {
                const Shape declared = X::shape_type::shape();
                if (m.shape_known && m.shape != declared)
                    throw error("argument '" + std::string(X::fixed_name.view()) + "' is declared with shape " +
                                declared.str() + " but is given shape " + m.shape.str());
            }
            return m;
        } else if constexpr (is_multi_output_node_v<X> || is_output_of_v<X>) {
            // a node with several outputs runs once, however many of them are read; this
            // occurrence's slot holds the output it stands for
            constexpr std::size_t slot = Off + materialized_count_v<X> - 1;
            const multi_node& node = multi_[plan_multi<Off>(x)];
            constexpr std::size_t i = output_index_v<X>;
            if (i >= node.metas.size())
                throw error("output " + std::to_string(i) + " of " + std::string(X::op::name) + " node '" + x.name() +
                            "' does not exist: it has " + std::to_string(node.metas.size()) + " outputs");
            if constexpr (Build) {
                slot_arrays[slot] = node.arrays[i];
                (*table_)[num_args + slot] = node.arrays[i].raw();
            }
            return node.metas[i];
        } else {
            constexpr std::size_t slot = Off + materialized_count_v<X> - 1;
            const bool read_by_loop = in_loop_;  // the reader is an elementwise node
            if constexpr (is_materialized_v<X>) {
                for (const auto& [uid, s] : seen_)
                    if (uid == x.info().uid) {
                        if constexpr (Build) share_slot(s, slot, read_by_loop);
                        return slot_meta_.at(s);
                    }
            }
            auto in = walk_inputs<Off>(x, std::make_index_sequence<ops::arity_v<typename X::op>>{});
            node_meta m = apply_rule(x, in);
            if constexpr (is_materialized_v<X>) {
                seen_.emplace_back(x.info().uid, slot);
                slot_meta_[slot] = m;
                if constexpr (Build) {
                    if constexpr (is_broadcast_binary_v<typename X::op>)
                        if (read_by_loop && plan_in_loop<Off>(x, in, m, slot)) return m;
                    plan_materialized<Off>(x, in, m, slot);
                }
            }
            return m;
        }
    }

    /// What the planner knows of one node with several outputs.
    struct multi_node {
        std::uint64_t uid;
        std::vector<node_meta> metas;     ///< one per output
        std::vector<nd::NDArray> arrays;  ///< one per output (with Build)
    };
    /// The node with several outputs of identity `uid`, once walked.
    const multi_node& multi_output(std::uint64_t uid) const {
        for (const auto& m : multi_)
            if (m.uid == uid) return m;
        throw error("internal: no node with several outputs of this identity was planned");
    }

    std::vector<std::function<void()>> steps;  ///< in dependency order
    std::vector<exec::step_access> access;     ///< what each step reads and writes
    std::vector<exec::step_work> works;        ///< each step's work (exec/tasks.hpp)
    std::vector<nd::NDArray> slot_arrays{num_slots};
    std::array<nd::NDArray, num_args> arg_arrays;

    /// Adds a step computing elementwise subexpression x (slots from Off) into out. When
    /// the loop reads broadcast nodes planned in it (plan_in_loop), it runs a tile at a
    /// time, each tile computing their values first (exec::run_fused_tiled).
    template <std::size_t Off, class X>
    void add_fused(const X& x, nd::NDArray out) {
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            if constexpr (graph_supports_v<X, T>) {
                exec::evaluator<T, E, X, Off> ev(x);
                table_t* table = table_;
                std::vector<std::size_t> leaves;
                loop_leaves<Off>(x, leaves);
                std::sort(leaves.begin(), leaves.end());
                leaves.erase(std::unique(leaves.begin(), leaves.end()), leaves.end());
                auto tiled = std::make_shared<exec::tiled_plan>();
                exec::step_access acc;
                acc.write(out);
                for (auto e : leaves) {
                    if (const exec::tile_source* src = source_of(e)) {
                        tiled->sources.push_back(*src);
                        for (const auto& a : static_cast<const broadcast_source*>(src->ctx.get())->inputs) acc.read(a);
                    } else {
                        tiled->offset.push_back(e);
                        acc.read((*table)[e], out.size() * sizeof(T));  // a leaf of a loop has its shape and dtype
                    }
                }
                access.push_back(std::move(acc));
                works.push_back(exec::fused_work(out.size(), leaves.size(), sizeof(T)));
                // one plan for both kinds of loop: a tiled one uses its thread split only
                const exec::loop_plan plan = exec::plan_loop(out.size(), sizeof(T), leaves.size() + 1, decltype(ev)::cost);
                // tile sources are broadcast nodes of x's subtree: the tiled loop is compiled
                // only for subtrees that hold one
                if constexpr (has_broadcast_v<X>) {
                    if (!tiled->sources.empty()) {
                        tiled->parallel = plan.parallel;
#ifdef _OPENMP
                        tiled->threads = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
#endif
                        tiled->scratch = nd::NDArray(Shape{static_cast<Shape::dim_t>(
                                                         tiled->threads * tiled->sources.size() * exec::source_tile_elements)},
                                                     out.dtype());
                        steps.push_back([ev, table, out, tiled] {
                            exec::run_fused_tiled<T>(ev, *table, *tiled, static_cast<T*>(out.raw()), out.size());
                        });
                        return;
                    }
                }
                steps.push_back([ev, table, out, plan] {
                    exec::run_fused<T>(ev, *table, static_cast<T*>(out.raw()), out.size(), plan);
                });
            } else {
                throw error("internal: no fused kernel for " + std::string(dtype_name(out.dtype())));
            }
        });
    }

private:
    /// broadcast_* ops, broadcast_to and broadcast_like: computable a tile at a time.
    template <class Op>
    static constexpr bool is_broadcast_binary_v = requires { typename Op::elementwise_op; };

    template <std::size_t Off, class Op, class... In, std::size_t... K>
    [[gnu::cold]] std::array<node_meta, sizeof...(In)> walk_inputs(const expr<Op, In...>& x,
                                                                   std::index_sequence<K...>) {
        const bool outer = in_loop_;
        in_loop_ = Op::kind == ops::op_kind::elementwise;  // the inputs' reader is x
        // in order, left to right: braced initialisation sequences the calls
        std::array<node_meta, sizeof...(In)> r{walk<input_offset_v<Off, K, In...>>(x.template input<K>())...};
        in_loop_ = outer;
        return r;
    }

    /// The input-table entries the fused loop of x (slots from Off) reads: its variables
    /// and the materialized nodes it meets, stopping at them.
    template <std::size_t Off, class X>
    void loop_leaves(const X& x, std::vector<std::size_t>& out) const {
        if constexpr (is_variable_v<X>) out.push_back(index_of(arguments_v<E>, X::fixed_name.view()));
        else if constexpr (X::op::kind == ops::op_kind::elementwise)
            loop_leaves_of<Off>(x, out, std::make_index_sequence<ops::arity_v<typename X::op>>{});
        else out.push_back(num_args + Off + materialized_count_v<X> - 1);
    }
    template <std::size_t Off, class Op, class... In, std::size_t... K>
    void loop_leaves_of(const expr<Op, In...>& x, std::vector<std::size_t>& out, std::index_sequence<K...>) const {
        (loop_leaves<input_offset_v<Off, K, In...>>(x.template input<K>(), out), ...);
    }

    /// What a broadcast node computed inside a loop keeps: its kernel, layout and operands.
    struct broadcast_source {
        ops::broadcast_detail::range_fn kernel = nullptr;
        ops::broadcast_detail::layout<2> layout;
        std::array<nd::NDArray, 2> inputs;
    };
    static void run_broadcast_tile(const void* ctx, void* out, std::size_t begin, std::size_t end) {
        const auto& b = *static_cast<const broadcast_source*>(ctx);
        b.kernel(b.layout, b.inputs[0].raw(), b.inputs[1].raw(), out, begin, end);
    }
    /// The tile source standing for input-table entry e, if a broadcast was planned there.
    const exec::tile_source* source_of(std::size_t e) const {
        for (const auto& d : in_loop_sources_)
            if (d.entry == e) return &d;
        return nullptr;
    }
    /// Plans broadcast node x, read by a fused loop, as a tile source of that loop rather
    /// than a buffer: no array of the broadcast result (its operands are arrays). False if
    /// its layout is too deep, and it is then materialized.
    template <std::size_t Off, class Op, class... In>
    bool plan_in_loop(const expr<Op, In...>& x, const std::array<node_meta, sizeof...(In)>& in, const node_meta& m,
                      std::size_t slot) {
        auto src = std::make_shared<broadcast_source>();
        const auto inputs = inputs_of<Off>(x, in, std::index_sequence_for<In...>{});
        src->inputs = {inputs[0], inputs[Op::broadcast_reads_rhs ? sizeof...(In) - 1 : 0]};
        src->kernel = ops::range_kernel_for<Op>(m.dt);
        if (!src->kernel ||
            !ops::broadcast_detail::make_layout<2>(m.shape, {&src->inputs[0].shape(), &src->inputs[1].shape()},
                                                   src->layout))
            return false;
        exec::tile_source t;
        t.entry = num_args + slot;
        t.run = &run_broadcast_tile;
        t.ctx = std::move(src);
        in_loop_sources_.push_back(std::move(t));
        return true;
    }
    /// A second occurrence (slot) of the materialized node first planned at slot s.
    void share_slot(std::size_t s, std::size_t slot, bool read_by_loop) {
        const exec::tile_source* first = source_of(num_args + s);
        if (!first) {
            (*table_)[num_args + slot] = (*table_)[num_args + s];
            return;
        }
        if (read_by_loop) {  // computed again in this loop's tiles, as elementwise nodes are
            exec::tile_source again = *first;
            again.entry = num_args + slot;
            in_loop_sources_.push_back(std::move(again));
            return;
        }
        if (slot_arrays[s].is_none()) {  // a materialized reader needs the whole array, once
            const node_meta& m = slot_meta_.at(s);
            nd::NDArray whole(m.shape, m.dt);
            steps.push_back([src = *first, whole]() mutable { src.run(src.ctx.get(), whole.raw(), 0, whole.size()); });
            exec::step_access acc;
            acc.write(whole);
            for (const auto& a : static_cast<const broadcast_source*>(first->ctx.get())->inputs) acc.read(a);
            access.push_back(std::move(acc));
            works.push_back(exec::fused_work(whole.size(), 2, dtype_size(m.dt)));
            slot_arrays[s] = whole;
        }
    }

    /// Walks the inputs of node x with several outputs and plans it the first time its
    /// identity is met: its output metas, and with Build an array per output and one step
    /// computing them all. Its index in multi_.
    template <std::size_t Off, class Op, class... In>
    std::size_t plan_multi(const expr<Op, In...>& x) {
        for (std::size_t k = 0; k < multi_.size(); ++k)
            if (multi_[k].uid == x.info().uid) return k;
        auto in = walk_inputs<Off>(x, std::index_sequence_for<In...>{});
        multi_node node{x.info().uid, apply_rule_outputs(x, in), {}};
        if constexpr (Build) {
            using base = ops::node_op_t<Op>;
            std::array<nd::NDArray, sizeof...(In)> inputs = inputs_of<Off>(x, in, std::index_sequence_for<In...>{});
            for (const auto& m : node.metas) node.arrays.emplace_back(m.shape, m.dt);
            auto params = x.params();
            steps.push_back([params, inputs, outs = node.arrays]() mutable {
                base::compute_outputs(params, inputs, std::span<nd::NDArray>(outs));
            });
            record(inputs, node.arrays, exec::materialized_work<base>(params, inputs, node.arrays));
        }
        multi_.push_back(std::move(node));
        return multi_.size() - 1;
    }

    /// The array holding the value of input x (slots from Off) of a materialized node.
    template <std::size_t Off, class X>
    nd::NDArray value_of(const X& x, const node_meta& m) {
        if constexpr (is_variable_v<X>) return arg_arrays[index_of(arguments_v<E>, X::fixed_name.view())];
        else if constexpr (is_output_of_v<X>) return slot_arrays[Off + materialized_count_v<X> - 1];  // set by walk
        else if constexpr (is_materialized_v<X>) {
            constexpr std::size_t slot = Off + materialized_count_v<X> - 1;
            for (const auto& [uid, s] : seen_)
                if (uid == x.info().uid) return slot_arrays[s];
            return slot_arrays[slot];
        } else {
            nd::NDArray scratch(m.shape, m.dt);
            add_fused<Off>(x, scratch);
            return scratch;
        }
    }

    template <std::size_t Off, class Op, class... In>
    void plan_materialized(const expr<Op, In...>& x, const std::array<node_meta, sizeof...(In)>& in,
                           const node_meta& m, std::size_t slot) {
        std::array<nd::NDArray, sizeof...(In)> inputs = inputs_of<Off>(x, in, std::index_sequence_for<In...>{});
        nd::NDArray out(m.shape, m.dt);
        slot_arrays[slot] = out;
        (*table_)[num_args + slot] = out.raw();
        auto params = x.params();
        steps.push_back([params, inputs, out]() mutable { Op::compute(params, inputs, out); });
        record(inputs, std::span<const nd::NDArray>(&out, 1), exec::materialized_work<Op>(params, inputs, {&out, 1}));
    }
    /// Records what the step just added reads and writes, and its work.
    void record(std::span<const nd::NDArray> in, std::span<const nd::NDArray> out, exec::step_work work) {
        exec::step_access acc;
        for (const auto& a : in) acc.read(a);
        for (const auto& a : out) acc.write(a);
        access.push_back(std::move(acc));
        works.push_back(work);
    }
    template <std::size_t Off, class Op, class... In, std::size_t... K>
    std::array<nd::NDArray, sizeof...(In)> inputs_of(const expr<Op, In...>& x,
                                                     const std::array<node_meta, sizeof...(In)>& in,
                                                     std::index_sequence<K...>) {
        return {value_of<input_offset_v<Off, K, In...>>(x.template input<K>(), in[K])...};
    }

    const std::array<node_meta, num_args>& args_;
    table_t* table_;
    std::vector<std::pair<std::uint64_t, std::size_t>> seen_;  // uid -> slot of its first occurrence
    std::vector<multi_node> multi_;                            // nodes with several outputs, as met
    std::vector<exec::tile_source> in_loop_sources_;           // broadcast nodes run inside loops
    bool in_loop_ = false;                                     // walking the inputs of an elementwise node
    std::array<node_meta, num_slots> slot_meta_{};
};

} // namespace detail

/// A static expression E bound to arrays (what `e.bind(...)` returns). Everything is
/// checked, allocated and planned at bind; forward() only computes, into the same
/// output arrays each time, reading the bound arrays' current contents.
template <class E>
class Executor {
public:
    static constexpr std::size_t num_args = arguments_v<E>.size();

    /// Binds `args` (in list_arguments() order): checks shapes and dtypes, allocates
    /// the outputs and intermediate buffers, plans the steps.
    Executor(E e, std::array<nd::NDArray, num_args> args) : st_(std::make_unique<state>(std::move(e))) {
        std::array<node_meta, num_args> metas;
        for (std::size_t i = 0; i < num_args; ++i) metas[i] = {args[i].shape(), args[i].dtype(), true};
        detail::planner<E, true> p(metas, &st_->table);
        p.arg_arrays = args;
        for (std::size_t i = 0; i < num_args; ++i) st_->table[i] = args[i].raw();
        const E& root = st_->expr;
        node_meta out = p.template walk<0>(root);
        if constexpr (is_multi_output_node_v<E>) {
            st_->outputs = p.multi_output(root.info().uid).arrays;  // every output, as MXNet binds split()
        } else if constexpr (is_materialized_v<E>) {
            st_->outputs.push_back(p.slot_arrays[materialized_count_v<E> - 1]);
        } else {
            st_->outputs.emplace_back(out.shape, out.dt);
            p.template add_fused<0>(root, st_->outputs[0]);
        }
        st_->args = std::move(args);
        st_->buffers = std::move(p.slot_arrays);
        // Steps in wave order (stable, so still in dependency order); a wave's steps are
        // independent and may run as tasks (exec/tasks.hpp).
        const std::vector<std::size_t> wave_of = exec::wave_numbers(p.access);
        std::vector<std::size_t> order(p.steps.size());
        std::vector<exec::step_work> works;
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return wave_of[x] < wave_of[y]; });
        std::vector<std::size_t> sorted_waves;
        for (auto i : order) {
            st_->steps.push_back(std::move(p.steps[i]));
            works.push_back(p.works[i]);
            sorted_waves.push_back(wave_of[i]);
        }
#ifdef _OPENMP
        st_->threads = std::max(1, omp_get_max_threads());
#endif
        st_->waves = exec::plan_waves(sorted_waves, works, st_->threads);
    }

    /// Computes the outputs from the bound arrays' current contents. One executor runs one
    /// forward() at a time: a call overlapping another (from a second thread) throws
    /// symflow::error; bind one executor per thread to run a symbol in parallel.
    const std::vector<nd::NDArray>& forward() {
        exec::forward_guard running(exec::flag_of_live(st_ ? &st_->running : nullptr));
        run_steps();
        return st_->outputs;
    }
    /// The output arrays (valid after bind, filled by forward()).
    const std::vector<nd::NDArray>& outputs() const { return st_->outputs; }
    /// The bound arrays by argument name.
    std::map<std::string, nd::NDArray> arg_dict() const {
        std::map<std::string, nd::NDArray> r;
        for (std::size_t i = 0; i < num_args; ++i) r.emplace(std::string(arguments_v<E>[i]), st_->args[i]);
        return r;
    }
    /// The bound arrays, in list_arguments() order.
    const std::array<nd::NDArray, num_args>& arg_arrays() const { return st_->args; }
    /// The expression this executor runs.
    const E& symbol() const { return st_->expr; }
    /// Number of steps forward() runs: fused loops plus materialized op kernels.
    std::size_t num_steps() const { return st_->steps.size(); }
    /// Number of steps that run as OpenMP tasks beside an independent sibling.
    std::size_t num_task_steps() const { return exec::task_steps(st_->waves); }

private:
    template <class>
    friend struct symflow::detail::executor_access;
    // forward() without its guard (bench/forward_guard_cost.cpp times the two).
    void run_steps() {
        exec::run_waves(st_->waves, st_->threads, [steps = st_->steps.data()](std::size_t i) { steps[i](); });
    }
    // Held by pointer so that the planned steps, which point into it, survive moves.
    struct state {
        explicit state(E e) : expr(std::move(e)) {}
        E expr;
        std::array<nd::NDArray, num_args> args;
        typename detail::planner<E, true>::table_t table{};
        std::vector<nd::NDArray> outputs, buffers;
        std::vector<std::function<void()>> steps;
        std::vector<exec::wave> waves;  // ranges of steps, in order
        int threads = 1;                // OpenMP threads at bind, which task waves use
        // Set while forward() runs (exec::forward_guard). Here rather than in Executor,
        // so that executors stay movable (an atomic is not).
        exec::running_flag running{false};
    };
    std::unique_ptr<state> st_;
};

/// What infer_shape and infer_type return, in MXNet's order: (arguments, outputs,
/// auxiliary states), each in list_arguments() / list_outputs() order.
template <class T>
struct inferred {
    std::vector<T> arg, out, aux;
};

} // namespace symflow::sym
