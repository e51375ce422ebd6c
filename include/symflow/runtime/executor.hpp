#pragma once
// The runtime interpreter: a graph held as data, planned once at bind, run by forward().
//
// Planning (bind): topological order; common-subexpression elimination (same op, same
// attributes, same inputs); fusion trees of elementwise nodes, each node of a tree used
// once inside it, so that a tree runs over cache-sized tiles with its intermediates in a
// few tile buffers (a 50-node chain needs two, not 49 arrays); buffers for materialized
// nodes and tree roots reused once their last reader has run, as MXNet's memory planner
// does. forward() walks the steps; tiles are split across OpenMP threads when the work
// pays for the fork. Nothing is allocated in forward().
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../exec/forward_guard.hpp"
#include "../exec/fused_loop.hpp"
#include "../exec/tasks.hpp"
#include "../nd/creation.hpp"
#include "infer.hpp"

namespace symflow::sym {

namespace rt {

/// Where an input of a tile op comes from.
struct tile_ref {
    bool scratch = false;      ///< a tile buffer of this tree (else a whole array)
    std::size_t index = 0;     ///< scratch slot or array-pointer index
};
/// One elementwise node of a fusion tree.
struct tile_op {
    tile_kernel kernel;
    std::array<tile_ref, 4> in{};
    std::size_t arity = 0;
    bool root = false;         ///< writes the tree's output array
    std::size_t slot = 0;      ///< scratch slot written when not the root
    /// A broadcast node: reads its whole-array inputs in[0], in[1] over the tile's range.
    ops::broadcast_detail::range_fn broadcast = nullptr;
    std::shared_ptr<const ops::broadcast_detail::layout<2>> layout;  ///< its walk over them
    std::size_t cost = 1;  ///< per element (ops::cost_v; a two-level kernel adds its sides')
};
/// A fusion tree: its ops in post-order over `n` elements of one dtype.
struct fused_step {
    std::vector<tile_op> ops;
    std::vector<nd::NDArray> arrays;  ///< whole-array inputs, indexed by tile_ref::index
    std::vector<const void*> ptrs;    ///< their data pointers, taken at bind
    nd::NDArray out;
    std::size_t n = 0, elem = 0, slots = 0;
    std::size_t tile = 0;  ///< elements per tile (rt::tile_elements)
    /// The output cannot stay in the cache (exec::plan_loop): the root streams it, with
    /// its kernel's streaming form (stream_direct) or by writing each tile to scratch slot
    /// `stream_slot`, which is then streamed to the output.
    bool stream = false;
    bool stream_direct = false;
    std::size_t stream_slot = 0;
    bool parallel = false;  ///< split across threads (exec::plan_loop)
};
/// A materialized node.
struct materialized_step {
    const op_runtime* runtime = nullptr;
    parsed_params params;
    std::vector<nd::NDArray> in;
    std::shared_ptr<const void> packed;  ///< `in` as the kernel takes it
    mutable nd::NDArray out;             ///< mutable: kernels take the output by reference
    mutable std::vector<nd::NDArray> outs;  ///< every output, for an op with several
};
/// A head that is a variable: copied into its output array.
struct copy_step {
    nd::NDArray from, to;
};

/// Bytes per tile buffer (128 float32): small tiles keep every input stream of a tree
/// moving together, as in a fused loop; 8 KiB tiles ran E = (A*B)+(C*D) on 1e6 float32
/// at 0.35-0.45x the static executor, 512 B at 0.5-0.8x (bench/summary.cpp).
inline constexpr std::size_t tile_bytes = 512;

/// Elements per tile of a tree run by `threads` threads: a tree that is one op on whole
/// arrays (no tile buffers) needs no tiles, so it takes one range per thread, on cache
/// lines (one range in all when it runs on one thread: each extra range is one more
/// kernel call per forward(), which shows at 1e3 elements); a tree holding a broadcast
/// (whose operands are read in a pass of their own) takes exec::source_tile_elements as
/// in the static executor, so that the prefetchers keep streaming (broadcast_add(A, b) * C
/// on (1000, 1000) float32: about 260-280 us with 512-byte tiles, 170-230 us with long
/// ones; noisy machine); others take tile_bytes.
inline std::size_t tile_elements(const fused_step& s, std::size_t threads) {
    if (s.slots == 0) {
        const std::size_t line = std::max<std::size_t>(64 / s.elem, 1);
        const std::size_t per = std::max<std::size_t>((s.n + threads - 1) / threads, 1);
        return (per + line - 1) / line * line;
    }
    for (const auto& op : s.ops)
        if (op.broadcast) return std::min(exec::source_tile_elements, std::max<std::size_t>((s.n + 63) / 64 * 64, 64));
    return std::max<std::size_t>(tile_bytes / s.elem, 64);
}

} // namespace rt

/// Runs a runtime Symbol bound to arrays (MXNet's Executor).
class RuntimeExecutor {
public:
    /// Runs the graph; returns the outputs, which are the same arrays at every call. One
    /// executor (and its copies, which share its buffers) runs one forward() at a time: a
    /// call overlapping another throws symflow::error; bind one executor per thread.
    const std::vector<nd::NDArray>& forward() {
        exec::forward_guard running(exec::flag_of_live(running_.get()));
        run_waves();
        return outputs_;
    }
    /// The output arrays (valid, and overwritten by each forward()).
    const std::vector<nd::NDArray>& outputs() const { return outputs_; }
    /// Bound arguments by name.
    const std::map<std::string, nd::NDArray>& arg_dict() const { return args_; }
    /// Bound auxiliary states by name.
    const std::map<std::string, nd::NDArray>& aux_dict() const { return aux_; }
    /// Outputs by list_outputs() name.
    std::map<std::string, nd::NDArray> output_dict() const {
        std::map<std::string, nd::NDArray> r;
        auto names = symbol_.list_outputs();
        for (std::size_t i = 0; i < names.size(); ++i) r.emplace(names[i], outputs_[i]);
        return r;
    }
    /// Number of steps forward() runs (fusion trees, materialized nodes, copies).
    std::size_t num_steps() const { return steps_.size(); }
    /// Number of steps that run as OpenMP tasks beside an independent sibling.
    std::size_t num_task_steps() const { return exec::task_steps(waves_); }
    /// Bytes of intermediate storage the plan holds: tile buffers plus pooled arrays.
    std::size_t intermediate_bytes() const { return scratch_bytes_ + pool_bytes_; }
    /// The symbol this executor runs.
    const Symbol& symbol() const { return symbol_; }

    /// Plans `s` over the given arrays (use Symbol::bind).
    template <class = void>
    static RuntimeExecutor create(const Symbol& s, Context ctx, const std::map<std::string, nd::NDArray>& arrays);

private:
    template <class>
    friend struct symflow::detail::executor_access;
    // forward() without its guard (bench/forward_guard_cost.cpp times the two).
    // Independent steps of a wave run as tasks when exec::task_pays said so at bind.
    void run_waves() {
        exec::run_waves(waves_, threads_, [this](std::size_t i) { std::visit([&](const auto& st) { run(st); }, steps_[i]); });
    }
    using step = std::variant<rt::fused_step, rt::materialized_step, rt::copy_step>;

    void run(const rt::copy_step& s) {
        std::memcpy(s.to.raw(), s.from.raw(), s.from.size() * dtype_size(s.from.dtype()));
    }
    void run(const rt::materialized_step& s) {
        if (s.runtime->compute_outputs) s.runtime->compute_outputs(s.params.get(), s.packed.get(), s.outs);
        else s.runtime->compute(s.params.get(), s.packed.get(), s.out);
    }
    void run(const rt::fused_step& s) {
        const std::size_t tile = s.tile;
        const std::size_t tiles = (s.n + tile - 1) / tile;
#ifdef _OPENMP
        if (omp_in_parallel()) {  // a task beside siblings: this thread, its own scratch
            run_tiles(s, scratch_for(static_cast<std::size_t>(omp_get_thread_num())), 0, tiles, tile);
            return;
        }
        if (s.parallel && threads_ > 1 && tiles > 1) {
#pragma omp parallel num_threads(threads_)
            {
                const auto t = static_cast<std::size_t>(omp_get_thread_num());
                const auto nt = static_cast<std::size_t>(omp_get_num_threads());
                const std::size_t per = (tiles + nt - 1) / nt;
                run_tiles(s, scratch_for(t), t * per, std::min(tiles, (t + 1) * per), tile);
            }
            return;
        }
#endif
        run_tiles(s, scratch_for(0), 0, tiles, tile);
    }
    char* scratch_for(std::size_t thread) const {
        return static_cast<char*>(scratch_.raw()) + thread * scratch_per_thread_;
    }
    static void run_tiles(const rt::fused_step& s, char* scratch, std::size_t t0, std::size_t t1, std::size_t tile) {
        const std::size_t slot_bytes = tile * s.elem;
        const bool via_slot = s.stream && !s.stream_direct;  // the root's tiles go through stream_slot
        char* out = static_cast<char*>(s.out.raw());
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t begin = t * tile, m = std::min(tile, s.n - begin);
            for (const auto& op : s.ops) {
                const void* in[4];
                void* o = !op.root  ? scratch + op.slot * slot_bytes
                          : via_slot ? scratch + s.stream_slot * slot_bytes
                                     : static_cast<void*>(out + begin * s.elem);
                if (op.broadcast) {
                    op.broadcast(*op.layout, s.ptrs[op.in[0].index], s.ptrs[op.in[1].index], o, begin, begin + m);
                    continue;
                }
                for (std::size_t k = 0; k < op.arity; ++k)
                    in[k] = op.in[k].scratch ? static_cast<const void*>(scratch + op.in[k].index * slot_bytes)
                                             : static_cast<const char*>(s.ptrs[op.in[k].index]) + begin * s.elem;
                op.kernel.run(op.kernel.prepared.get(), in, o, m);
            }
            if (via_slot)
                exec::stream_copy(out + begin * s.elem, scratch + s.stream_slot * slot_bytes, m * s.elem);
        }
        if (s.stream) exec::stream_fence();
    }

    Symbol symbol_;
    std::vector<step> steps_;
    std::vector<exec::wave> waves_;
    std::vector<nd::NDArray> outputs_;
    std::map<std::string, nd::NDArray> args_, aux_;
    nd::NDArray scratch_;
    std::size_t scratch_per_thread_ = 0, scratch_bytes_ = 0, pool_bytes_ = 0;
    int threads_ = 1;
    // Set while forward() runs (exec::forward_guard). Shared by copies, as the buffers are,
    // and held by pointer so that the executor stays copyable and movable.
    std::shared_ptr<exec::running_flag> running_ = std::make_shared<exec::running_flag>(false);
};

template <class>
RuntimeExecutor RuntimeExecutor::create(const Symbol& s, Context ctx, const std::map<std::string, nd::NDArray>& arrays) {
    if (ctx.type != Context::device::cpu)
        throw error("bind: cannot bind to " + ctx.str() + ": no GPU support in this build");
    if (s.size() == 0) throw error("bind: the symbol has no outputs");
    // Names: every input given, nothing else.
    rt::check_names(s, arrays, "bind");
    const auto args = s.list_arguments(), aux = s.list_auxiliary_states();
    for (const auto* list : {&args, &aux})
        for (const auto& name : *list)
            if (!arrays.count(name)) {
                auto join = [](const std::vector<std::string>& v) {
                    std::string r;
                    for (const auto& a : v) r += (r.empty() ? "" : ", ") + a;
                    return "[" + r + "]";
                };
                throw error("bind: " + std::string(list == &args ? "argument '" : "auxiliary state '") + name +
                            "' is missing; the symbol's arguments are " + join(args) +
                            (aux.empty() ? "" : " and its auxiliary states " + join(aux)));
            }
    std::map<std::string, ops::meta> given;
    for (const auto& [name, a] : arrays) {
        if (a.is_none()) throw error("bind: the array for argument '" + name + "' is empty (default-constructed)");
        if (a.context().type != Context::device::cpu)
            throw error("bind: argument '" + name + "' is on " + a.context().str() + ": no GPU support in this build");
        given[name] = ops::meta{a.shape(), a.dtype(), true};
    }
    rt::graph_info g = rt::analyze(s, given, rt::infer_goal::bind);
    const std::size_t N = g.nodes.size();

    RuntimeExecutor ex;
    ex.symbol_ = s;
    for (const auto& a : args) ex.args_.emplace(a, arrays.at(a));
    for (const auto& a : aux) ex.aux_.emplace(a, arrays.at(a));
#ifdef _OPENMP
    ex.threads_ = std::max(1, omp_get_max_threads());
#endif

    // Common subexpressions: a node equal to an earlier one (op, attributes, inputs) is it.
    std::vector<std::size_t> canon(N);
    {
        std::map<std::tuple<const op_info*, attr_map, std::vector<std::pair<std::size_t, std::uint32_t>>>, std::size_t> seen;
        std::map<std::string, std::size_t> vars;
        for (std::size_t i = 0; i < N; ++i) {
            const Node& n = *g.nodes[i];
            canon[i] = i;
            if (n.is_variable()) {
                canon[i] = vars.emplace(n.name, i).first->second;  // one array per name
                continue;
            }
            std::vector<std::pair<std::size_t, std::uint32_t>> ins;
            for (const auto& e : n.inputs) ins.emplace_back(canon[g.id.at(e.node.get())], e.index);
            canon[i] = seen.emplace(std::make_tuple(n.op, n.attrs, std::move(ins)), i).first->second;
        }
    }
    auto input_of = [&](std::size_t i, std::size_t k) { return canon[g.id.at(g.nodes[i]->inputs[k].node.get())]; };
    using entry = std::pair<std::size_t, std::uint32_t>;  // (canonical node, output index)
    auto input_entry = [&](std::size_t i, std::size_t k) { return entry{input_of(i, k), g.nodes[i]->inputs[k].index}; };
    auto entry_meta = [&](const entry& e) -> const ops::meta& { return g.output_meta(e.first, e.second); };
    auto is_elementwise = [&](std::size_t i) {
        return !g.nodes[i]->is_variable() && g.runtime[i]->kind == ops::op_kind::elementwise;
    };
    // broadcast_add ... run inside trees too, reading whole arrays over each tile's range
    auto is_broadcast = [&](std::size_t i) {
        return !g.nodes[i]->is_variable() && g.runtime[i]->broadcast && g.runtime[i]->broadcast(g.meta[i].dt);
    };
    auto fusable = [&](std::size_t i) { return is_elementwise(i) || is_broadcast(i); };

    // Uses of each canonical node, heads, and the consumer of single-use nodes.
    std::vector<std::size_t> uses(N, 0), consumer(N, N);
    std::vector<bool> head(N, false), live(N, false);
    for (const auto& o : s.outputs()) {
        auto h = canon[g.id.at(o.node.get())];
        head[h] = true;
        live[h] = true;
    }
    for (std::size_t i = N; i-- > 0;) {
        if (canon[i] != i || !live[i] || g.nodes[i]->is_variable()) continue;
        for (std::size_t k = 0; k < g.nodes[i]->inputs.size(); ++k) {
            auto j = input_of(i, k);
            ++uses[j];
            consumer[j] = i;
            live[j] = true;
        }
    }
    // A node is tile-local when its only reader is an elementwise node and it is no head
    // (a broadcast node reads whole arrays, so its inputs are never tile-local).
    std::vector<bool> local(N, false);
    for (std::size_t i = 0; i < N; ++i)
        local[i] = live[i] && canon[i] == i && fusable(i) && !head[i] && uses[i] == 1 && consumer[i] < N &&
                   is_elementwise(consumer[i]);

    // Arrays: variables are bound; heads get output arrays; other results come from a pool.
    // values[i] holds every output of node i (one, or num_outputs of a SliceChannel).
    std::vector<std::vector<nd::NDArray>> values(N);
    for (std::size_t i = 0; i < N; ++i) values[i].resize(1 + g.more[i].size());
    auto value_of = [&](const entry& e) -> nd::NDArray& { return values[e.first][e.second]; };
    for (std::size_t i = 0; i < N; ++i)
        if (canon[i] == i && g.nodes[i]->is_variable()) values[i][0] = arrays.at(g.nodes[i]->name);
    ex.outputs_.resize(s.size());
    std::map<entry, std::size_t> out_index;  // head entry -> first output slot
    for (std::size_t o = 0; o < s.size(); ++o) {
        const entry h{canon[g.id.at(s.outputs()[o].node.get())], s.outputs()[o].index};
        if (auto it = out_index.find(h); it != out_index.end()) {
            ex.outputs_[o] = ex.outputs_[it->second];
            continue;
        }
        out_index.emplace(h, o);
        const auto& m = entry_meta(h);
        ex.outputs_[o] = nd::zeros(m.shape, m.dt);
        if (g.nodes[h.first]->is_variable()) ex.steps_.push_back(rt::copy_step{value_of(h), ex.outputs_[o]});
    }

    // Steps in topological order: each materialized node and each tree root is one step.
    std::vector<std::size_t> step_roots;
    for (std::size_t i = 0; i < N; ++i)
        if (live[i] && canon[i] == i && !g.nodes[i]->is_variable() && !local[i]) step_roots.push_back(i);
    std::vector<std::size_t> step_of(N, 0), last_read(N, 0);
    std::vector<std::vector<std::size_t>> leaves_of(step_roots.size());
    for (std::size_t si = 0; si < step_roots.size(); ++si) {
        // the tree under this root: descend through tile-local nodes
        std::vector<std::size_t> stack{step_roots[si]};
        while (!stack.empty()) {
            auto i = stack.back();
            stack.pop_back();
            step_of[i] = si;
            const bool tree = fusable(i);
            for (std::size_t k = 0; k < g.nodes[i]->inputs.size(); ++k) {
                auto j = input_of(i, k);
                if (tree && local[j]) stack.push_back(j);
                else leaves_of[si].push_back(j);
            }
        }
    }
    // Waves: a step runs one wave after the latest step it reads, so the steps of one wave
    // are independent (they may run as tasks). Steps are planned and run in wave order; a
    // buffer returns to the pool at the end of the wave of its last reader.
    std::vector<std::size_t> wave_of(step_roots.size(), 0);
    for (std::size_t si = 0; si < step_roots.size(); ++si)
        for (auto j : leaves_of[si])
            if (!g.nodes[j]->is_variable()) wave_of[si] = std::max(wave_of[si], wave_of[step_of[j]] + 1);
    {
        std::vector<std::size_t> order(step_roots.size());
        for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
        std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return wave_of[x] < wave_of[y]; });
        std::vector<std::size_t> roots2, waves2;
        std::vector<std::vector<std::size_t>> leaves2;
        for (auto k : order) {
            roots2.push_back(step_roots[k]);
            waves2.push_back(wave_of[k]);
            leaves2.push_back(std::move(leaves_of[k]));
        }
        step_roots = std::move(roots2);
        wave_of = std::move(waves2);
        leaves_of = std::move(leaves2);
    }
    for (std::size_t si = 0; si < step_roots.size(); ++si)
        for (auto j : leaves_of[si]) last_read[j] = std::max(last_read[j], wave_of[si]);

    // A pool of reusable buffers: a result's storage returns to it after its last reader.
    struct pooled {
        nd::NDArray store;
        bool busy;
    };
    std::vector<pooled> pool;
    auto acquire = [&](const ops::meta& m) {
        const std::size_t bytes = std::max<std::size_t>(m.shape.num_elements() * dtype_size(m.dt), 8);
        pooled* best = nullptr;
        for (auto& p : pool)
            if (!p.busy && p.store.storage_bytes() >= bytes && (!best || p.store.storage_bytes() < best->store.storage_bytes()))
                best = &p;
        if (!best) {
            pool.push_back({nd::NDArray(Shape{static_cast<Shape::dim_t>((bytes + 7) / 8)}, dtype::float64), false});
            ex.pool_bytes_ += pool.back().store.storage_bytes();
            best = &pool.back();
        }
        best->busy = true;
        return best->store.view_as(m.shape, m.dt);
    };
    auto release = [&](const nd::NDArray& a) {
        for (auto& p : pool)
            if (p.store.same_storage(a)) p.busy = false;
    };

    std::size_t max_scratch = 0;
    std::vector<bool> absorbed(N, false);
    for (std::size_t si = 0; si < step_roots.size(); ++si) {
        const std::size_t r = step_roots[si];
        const auto& m = g.meta[r];
        for (std::uint32_t k = 0; k < values[r].size(); ++k) {
            auto it = out_index.find({r, k});
            values[r][k] = it != out_index.end() ? ex.outputs_[it->second] : acquire(entry_meta({r, k}));
        }
        if (fusable(r)) {
            rt::fused_step st;
            st.n = m.shape.num_elements();
            st.elem = dtype_size(m.dt);
            st.out = values[r][0];
            // post-order over the tree; slots are taken when a node is written and freed
            // when its reader has run, so a chain uses two
            std::vector<std::size_t> free_slots;
            std::map<std::size_t, std::size_t> slot_of;
            std::map<entry, std::size_t> array_of;
            auto take_slot = [&]() {
                if (!free_slots.empty()) {
                    auto sl = free_slots.back();
                    free_slots.pop_back();
                    return sl;
                }
                return st.slots++;
            };
            // Two-level kernels: top-down, an arithmetic node absorbs each arithmetic child
            // read only by it; an absorbed node's inputs become its reader's operands, and
            // it absorbs nothing itself (rt::pair_kernels.hpp).
            auto pairable = [&](std::size_t i) {
                return g.runtime[i]->pair && g.runtime[i]->pair(g.meta[i].dt, -1, -1).run;
            };
            {
                std::vector<std::size_t> todo{r};
                while (!todo.empty()) {
                    auto x = todo.back();
                    todo.pop_back();
                    for (std::size_t k = 0; k < g.nodes[x]->inputs.size(); ++k) {
                        auto j = input_of(x, k);
                        if (!local[j]) continue;
                        absorbed[j] = !absorbed[x] && pairable(x) && pairable(j);
                        todo.push_back(j);
                    }
                }
            }
            auto operands = [&](std::size_t x) {
                std::vector<entry> o;
                for (std::size_t k = 0; k < g.nodes[x]->inputs.size(); ++k) {
                    auto j = input_of(x, k);
                    if (absorbed[j]) {
                        o.push_back(input_entry(j, 0));
                        o.push_back(input_entry(j, 1));
                    } else
                        o.push_back(input_entry(x, k));
                }
                return o;
            };
            struct frame {
                std::size_t node, next;
                std::vector<entry> operands;
            };
            std::vector<frame> stack;
            stack.push_back({r, 0, operands(r)});
            while (!stack.empty()) {
                auto& f = stack.back();
                if (f.next < f.operands.size()) {
                    auto j = f.operands[f.next++].first;
                    if (local[j]) stack.push_back({j, 0, operands(j)});
                    continue;
                }
                const Node& n = *g.nodes[f.node];
                rt::tile_op op;
                op.arity = f.operands.size();
                for (std::size_t k = 0; k < op.arity; ++k) {
                    const entry e = f.operands[k];
                    if (local[e.first]) {
                        op.in[k] = {true, slot_of.at(e.first)};
                    } else {
                        auto [it, fresh] = array_of.emplace(e, st.arrays.size());
                        if (fresh) {
                            st.arrays.push_back(value_of(e));
                            st.ptrs.push_back(value_of(e).raw());
                        }
                        op.in[k] = {false, it->second};
                    }
                }
                for (std::size_t k = 0; k < op.arity; ++k)
                    if (op.in[k].scratch) free_slots.push_back(op.in[k].index);
                if (is_broadcast(f.node)) {  // reads its (whole-array) inputs over the tile's range
                    // broadcast_to/like read input 0 only: it stands for both operands
                    const std::size_t rhs = g.runtime[f.node]->broadcast_reads_rhs ? 1 : 0;
                    op.in[1] = op.in[rhs];
                    auto l = std::make_shared<ops::broadcast_detail::layout<2>>();
                    const auto& in0 = entry_meta(f.operands[0]).shape;
                    const auto& in1 = entry_meta(f.operands[rhs]).shape;
                    if (!ops::broadcast_detail::make_layout<2>(g.meta[f.node].shape, {&in0, &in1}, *l))
                        throw error(rt::node_label(n) + ": broadcast layout exceeds the checked rank");
                    op.broadcast = g.runtime[f.node]->broadcast(g.meta[f.node].dt);
                    op.layout = std::move(l);
                } else if (op.arity > n.inputs.size()) {
                    auto side = [&](std::size_t k) {
                        auto j = input_of(f.node, k);
                        return absorbed[j] ? g.runtime[j]->arith : -1;
                    };
                    op.kernel = g.runtime[f.node]->pair(g.meta[f.node].dt, side(0), side(1));
                    op.cost = 1 + (side(0) >= 0 ? 1 : 0) + (side(1) >= 0 ? 1 : 0);  // + - * / cost 1 each
                } else {
                    op.kernel = g.runtime[f.node]->elementwise(g.params[f.node].get(), g.meta[f.node].dt);
                    op.cost = g.runtime[f.node]->cost;
                }
                if (!op.kernel.run && !op.broadcast)
                    throw error(rt::node_label(n) + ": no kernel for dtype " + std::string(dtype_name(g.meta[f.node].dt)));
                if (f.node == r) op.root = true;
                else {
                    op.slot = take_slot();
                    slot_of[f.node] = op.slot;
                }
                st.ops.push_back(std::move(op));
                stack.pop_back();
            }
            std::size_t cost = 0;
            for (const auto& op : st.ops) cost += op.cost;
            const exec::loop_plan plan = exec::plan_loop(st.n, st.elem, st.arrays.size() + 1, cost);
            st.stream = plan.stream;
            st.parallel = plan.parallel;
            // the root, the last op of the post-order, streams itself when its kernel can
            // (decided here, so that forward() runs each op's one kernel)
            rt::tile_kernel& root = st.ops.back().kernel;
            st.stream_direct = st.stream && root.run_stream;
            if (st.stream_direct) root.run = root.run_stream;
            else if (st.stream) st.stream_slot = st.slots++;  // a fresh slot: the root may read every freed one
            st.tile = rt::tile_elements(st, st.parallel ? static_cast<std::size_t>(ex.threads_) : 1);
            max_scratch = std::max(max_scratch, st.slots * st.tile * st.elem);
            ex.steps_.push_back(std::move(st));
        } else {
            rt::materialized_step st;
            st.runtime = g.runtime[r];
            st.params = g.params[r];
            for (std::size_t k = 0; k < g.nodes[r]->inputs.size(); ++k) st.in.push_back(value_of(input_entry(r, k)));
            st.packed = st.runtime->pack(st.in);
            st.out = values[r][0];
            if (st.runtime->compute_outputs) st.outs = values[r];
            ex.steps_.push_back(std::move(st));
        }
        // at the end of a wave, inputs whose last reader was in it go back to the pool
        if (si + 1 == step_roots.size() || wave_of[si + 1] != wave_of[si])
            for (std::size_t sk = si + 1; sk-- > 0 && wave_of[sk] == wave_of[si];)
                for (auto j : leaves_of[sk])
                    if (last_read[j] == wave_of[si] && !g.nodes[j]->is_variable())
                        for (const auto& v : values[j]) release(v);  // output arrays are not pooled
    }
    // The waves as ranges of steps; variable heads (queued first) are copied in a last wave.
    {
        const std::size_t copies = ex.steps_.size() - step_roots.size();
        std::vector<step> ordered;
        ordered.reserve(ex.steps_.size());
        std::vector<exec::step_work> works;
        for (std::size_t si = 0; si < step_roots.size(); ++si) {
            std::visit(
                [&](const auto& st) {
                    using S = std::decay_t<decltype(st)>;
                    if constexpr (std::is_same_v<S, rt::fused_step>) works.push_back(exec::fused_work(st.n, st.arrays.size(), st.elem));
                    else if constexpr (std::is_same_v<S, rt::materialized_step>)
                        works.push_back(st.runtime->work(st.params.get(), st.in,
                                                         st.outs.empty() ? std::span<const nd::NDArray>(&st.out, 1)
                                                                         : std::span<const nd::NDArray>(st.outs)));
                    else works.push_back({});
                },
                ex.steps_[copies + si]);
            ordered.push_back(std::move(ex.steps_[copies + si]));
        }
        ex.waves_ = exec::plan_waves(wave_of, works, ex.threads_);
        if (copies) {
            ex.waves_.push_back(exec::wave{ordered.size(), ordered.size() + copies});
            for (std::size_t c = 0; c < copies; ++c) ordered.push_back(std::move(ex.steps_[c]));
        }
        ex.steps_ = std::move(ordered);
    }

    ex.scratch_per_thread_ = max_scratch + 64;
    const std::size_t total = ex.scratch_per_thread_ * static_cast<std::size_t>(ex.threads_);
    ex.scratch_bytes_ = max_scratch ? total : 0;
    ex.scratch_ = nd::NDArray(Shape{static_cast<Shape::dim_t>(std::max<std::size_t>(total / 8, 1))}, dtype::float64);
    return ex;
}

template <class D>
RuntimeExecutor Symbol::bind(Context ctx, const std::map<std::string, nd::NDArray>& args) const {
    return RuntimeExecutor::create<D>(*this, ctx, args);
}

template <class D>
RuntimeExecutor Symbol::simple_bind(Context ctx, const std::map<std::string, Shape>& shapes,
                                    const std::map<std::string, dtype>& types) const {
    if (ctx.type != Context::device::cpu)
        throw error("simple_bind: cannot bind to " + ctx.str() + ": no GPU support in this build");
    auto inferred = infer_shapes_impl<D>(*this, shapes, false);
    auto tys = infer_type<D>(types);
    std::map<std::string, nd::NDArray> arrays;
    const auto args = list_arguments(), aux = list_auxiliary_states();
    for (std::size_t i = 0; i < args.size(); ++i) arrays.emplace(args[i], nd::zeros(inferred.arg[i], tys.arg[i]));
    for (std::size_t i = 0; i < aux.size(); ++i) arrays.emplace(aux[i], nd::zeros(inferred.aux[i], tys.aux[i]));
    return RuntimeExecutor::create<D>(*this, ctx, arrays);
}

} // namespace symflow::sym
