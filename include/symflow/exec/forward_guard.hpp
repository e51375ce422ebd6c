#pragma once
// forward_guard: refuses a forward() on an executor that is already running forward().
//
// An executor's plan owns its intermediate buffers, tile scratch and output arrays, and
// every forward() writes them: two overlapping forward() calls on one executor would
// race on them and return garbage. Distinct executors share nothing mutable, so they run
// in parallel safely; one executor per thread is the rule, and this guard turns a breach
// of it into a symflow::error instead of silent corruption. It costs one uncontended
// atomic exchange and one store per forward() (a few ns; see README "Thread safety").
#include <atomic>

#include "../core/error.hpp"

namespace symflow::exec {

/// Whether an executor is inside forward(); read and set only by forward_guard.
using running_flag = std::atomic<bool>;

/// Holds an executor's running_flag for one forward() call: the constructor sets it and
/// throws symflow::error if it was already set (another thread is running forward() on
/// the same executor, or forward() was re-entered); the destructor clears it, also when
/// forward() leaves by an exception.
class forward_guard {
public:
    /// Marks `running` set for this scope; throws symflow::error if it already was.
    explicit forward_guard(running_flag& running) : running_(running) {
        // acquire: this forward() sees everything the previous one (maybe on another
        // thread) wrote into the buffers, whose release store cleared the flag
        if (running_.exchange(true, std::memory_order_acquire)) concurrent_forward();
    }
    /// Clears the flag: the executor is free for the next forward().
    ~forward_guard() { running_.store(false, std::memory_order_release); }
    forward_guard(const forward_guard&) = delete;
    forward_guard& operator=(const forward_guard&) = delete;

private:
    // Out of line and cold, so that forward()'s fast path stays a few instructions; the
    // message (which allocates) is built only when the rule was broken.
    [[noreturn]] static void concurrent_forward();

    running_flag& running_;
};

[[gnu::cold, gnu::noinline]] inline void forward_guard::concurrent_forward() {
    throw error(
        "forward() called on an executor that is already running forward() (in another thread, or re-entered): "
        "an executor's intermediate and output buffers are shared by its forward() calls, so they cannot "
        "overlap. Bind one executor per thread (bind() the same symbol again; executors of one symbol run in "
        "parallel safely), or serialise the calls with a mutex");
}

/// An executor's flag, or symflow::error if it has none: a moved-from executor's plan
/// (and flag) went with the move. Both executors check this way before forward_guard.
inline running_flag& flag_of_live(running_flag* running) {
    // cold and out of line, as concurrent_forward() above
    struct moved_from {
        [[noreturn, gnu::cold, gnu::noinline]] static void fail() {
            throw error("forward() called on a moved-from executor: it has no plan; use the executor it was moved to");
        }
    };
    if (!running) [[unlikely]]
        moved_from::fail();
    return *running;
}

} // namespace symflow::exec

namespace symflow::detail {
/// A door for tests: executors befriend every specialisation, so that a test can define
/// one (with a tag type of its own) that holds an executor's running flag and checks that
/// forward() refuses to start, deterministically. The library never defines one.
template <class Tag>
struct executor_access;
} // namespace symflow::detail
