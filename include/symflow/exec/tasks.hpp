#pragma once
// Sibling steps as OpenMP tasks, shared by the static executor and the runtime interpreter.
//
// Both plan their steps in waves: a wave's steps depend only on earlier waves, so they may
// run in any order, or side by side. On 2 cores, two big siblings (dot(A,B) + dot(C,D))
// run faster as two single-threaded tasks than one after the other, each split across the
// threads, because one fork/join replaces two and each kernel keeps its data in one core's
// cache; small siblings do not pay for the task region. The rule deciding which (a work
// estimate per step and a cut-off, measured by bench/gb_siblings.cpp) and the runner
// (exceptions thrown inside tasks rethrown after the wait) live here, once.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <span>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../nd/ndarray.hpp"

namespace symflow::exec {

// ---- the work estimate: about one element read or written, or one multiply-add ----

/// What a step costs, for the cut-off: its work (about one element read or written, or
/// four multiply-adds of dot) and, for a step bound by memory traffic, the bytes it moves
/// (0 for a compute-bound step, as dot).
struct step_work {
    std::size_t work = 0;
    std::size_t bytes = 0;
};

/// Work of a fused loop over n elements of `elem` bytes reading `inputs` arrays: it runs
/// near memory speed, so it is counted by the elements it touches.
inline step_work fused_work(std::size_t n, std::size_t inputs, std::size_t elem) {
    const std::size_t w = n * (inputs + 1);
    return {w, w * elem};
}

/// Work of one run of materialized op Op: a quarter of the multiply-adds for a matrix
/// product (an op whose description has dims(params, lhs, rhs) giving its m, k, n, as dot
/// does: the packed GEMM of ops/gemm.hpp does about four in the time a sum reads one
/// element; compute-bound), else the elements it reads and writes (memory-bound).
template <class Op>
step_work materialized_work(const typename Op::params& p, std::span<const nd::NDArray> in,
                            std::span<const nd::NDArray> outs) {
    if constexpr (requires(const Shape& s) { Op::dims(p, s, s).k; }) {
        if (in.size() == 2 && outs.size() == 1)
            return {outs[0].size() * Op::dims(p, in[0].shape(), in[1].shape()).k / 4, 0};
    }
    step_work w;
    for (const auto* list : {&in, &outs})
        for (const auto& a : *list) {
            w.work += a.size();
            w.bytes += a.size() * dtype_size(a.dtype());
        }
    return w;
}

/// The cut-off: a wave runs as tasks when at least two of its steps each have this much
/// work, about 2.5-4 us on one core (0.08-0.1 ns per multiply-add of dot, 0.12 ns per
/// element of a sum): twice the worst OpenMP fork/join seen here (1.3 us), so that the one
/// task region costs less than what running the siblings side by side saves.
/// bench/gb_siblings.cpp (2 threads, a machine loaded 7-9 on 2 cores, fastest calls):
/// 4 sums of 1024 elements took 6.4 us as tasks, 2.9 us one after the other; of 65536
/// elements, 19.5-24 us as tasks against 28-80 ms serially (each kernel forking, and a
/// descheduled thread costing a time slice per fork); two 64 x 64 dots (262144 multiply-
/// adds each) broke even (41 us vs 43 us); 512 and 1024 dots were equal within 7 %.
inline constexpr std::size_t task_min_work = std::size_t(1) << 15;

/// Most bytes a memory-bound step may move to count for the cut-off. Past the private
/// caches two single-threaded tasks share one memory path, where one step after the other,
/// each split across the threads, reads as fast and keeps its data in one shared cache:
/// four sums over (n, n) float32 arrays, tasks against serial (t(serial) / t(tasks), three
/// runs over two sessions, one loaded): n = 256 (256 KiB per sum) 1.03-1.18, 512 (1 MiB) 0.87-1.20,
/// 1024 (4 MiB) 0.48-0.75, 2048 (16 MiB) 0.88-1.04.
inline constexpr std::size_t task_max_bytes = std::size_t(2) << 20;

/// Whether a wave of steps with these works runs as tasks on `threads` threads.
inline bool task_pays(std::span<const step_work> works, int threads) {
    if (threads < 2) return false;
    return std::count_if(works.begin(), works.end(), [](const step_work& w) {
               return w.work >= task_min_work && w.bytes <= task_max_bytes;
           }) >= 2;
}

// ---- waves and their runner ----

/// Steps [begin, end) of a plan, which depend only on earlier waves.
struct wave {
    std::size_t begin = 0, end = 0;
    bool tasks_planned = false;  ///< what task_pays decided at bind
    bool tasks = false;          ///< how forward() runs it (tests and benchmarks may force it)
};

/// The waves of steps numbered wave_of[i] (non-decreasing), with their works, as planned.
inline std::vector<wave> plan_waves(std::span<const std::size_t> wave_of, std::span<const step_work> works,
                                    int threads) {
    std::vector<wave> r;
    for (std::size_t i = 0; i < wave_of.size();) {
        wave w{i, i};
        while (i < wave_of.size() && wave_of[i] == wave_of[w.begin]) ++i;
        w.end = i;
        w.tasks_planned = w.tasks = task_pays(works.subspan(w.begin, w.end - w.begin), threads);
        r.push_back(w);
    }
    return r;
}

/// How forward() runs waves: as planned, or every wave of two or more steps as tasks, or
/// none (what bench/gb_siblings.cpp compares; reached through executor_access).
enum class task_mode { planned, always, never };

/// Sets how `waves` run.
inline void set_task_mode(std::span<wave> waves, task_mode mode) {
    for (auto& w : waves)
        w.tasks = mode == task_mode::planned ? w.tasks_planned : mode == task_mode::always && w.end - w.begin > 1;
}

/// Steps that run as tasks beside a sibling.
inline std::size_t task_steps(std::span<const wave> waves) {
    std::size_t n = 0;
    for (const auto& w : waves) n += w.tasks ? w.end - w.begin : 0;
    return n;
}

/// Runs steps [begin, end) as OpenMP tasks of one parallel region of `threads` threads,
/// run(i) for each: every kernel then runs on one thread (a nested region is serial, and
/// the fused loops do not fork inside one). The first exception a task throws is rethrown
/// once all have finished, so no task outlives the buffers it writes.
template <class Run>
void run_as_tasks(std::size_t begin, std::size_t end, [[maybe_unused]] int threads, Run& run) {
    std::exception_ptr failure;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#pragma omp single
    for (std::size_t i = begin; i < end; ++i) {
#pragma omp task firstprivate(i) shared(failure)
        {
            try {
                run(i);
            } catch (...) {
#pragma omp critical(symflow_task_failure)
                if (!failure) failure = std::current_exception();
            }
        }
    }
#else
    for (std::size_t i = begin; i < end; ++i) run(i);
#endif
    if (failure) std::rethrow_exception(failure);
}

/// Runs every wave in order: run(i) for each step i, a wave marked `tasks` as tasks.
template <class Run>
void run_waves(std::span<const wave> waves, int threads, Run&& run) {
    for (const auto& w : waves) {
        if (w.tasks) run_as_tasks(w.begin, w.end, threads, run);
        else
            for (std::size_t i = w.begin; i < w.end; ++i) run(i);
    }
}

/// The byte ranges a step reads and writes, from which the static executor finds its waves.
struct step_access {
    std::vector<std::pair<const char*, const char*>> reads, writes;
    /// Records array a as read (or written).
    void read(const nd::NDArray& a) { add(reads, a); }
    void write(const nd::NDArray& a) { add(writes, a); }
    /// Records `bytes` bytes from p as read.
    void read(const void* p, std::size_t bytes) { add(reads, p, bytes); }

private:
    static void add(std::vector<std::pair<const char*, const char*>>& v, const nd::NDArray& a) {
        if (!a.is_none()) add(v, a.raw(), a.size() * dtype_size(a.dtype()));
    }
    // an empty range still counts, as one byte: a false dependency only costs parallelism
    static void add(std::vector<std::pair<const char*, const char*>>& v, const void* p, std::size_t bytes) {
        const char* c = static_cast<const char*>(p);
        v.emplace_back(c, c + std::max<std::size_t>(bytes, 1));
    }
};

/// Wave numbers of steps given in dependency order: each step runs one wave after the
/// latest earlier step it conflicts with (one writes what the other reads or writes).
inline std::vector<std::size_t> wave_numbers(std::span<const step_access> steps) {
    auto overlap = [](const auto& x, const auto& y) {
        for (const auto& a : x)
            for (const auto& b : y)
                if (a.first < b.second && b.first < a.second) return true;
        return false;
    };
    std::vector<std::size_t> w(steps.size(), 0);
    for (std::size_t i = 0; i < steps.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (w[j] + 1 > w[i] && (overlap(steps[j].writes, steps[i].reads) || overlap(steps[j].writes, steps[i].writes) ||
                                    overlap(steps[j].reads, steps[i].writes)))
                w[i] = w[j] + 1;
    return w;
}

} // namespace symflow::exec
