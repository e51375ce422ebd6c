#pragma once
// Automatic node names, as MXNet's NameManager gives them: hint + per-hint counter.
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace symflow::sym {

/// An RAII naming scope: while it lives, this thread names nodes with fresh per-hint
/// counters (`_mul0`, `_mul1`, `_plus0` ...), so names are reproducible. Outside any
/// scope, counters count per hint for the life of the thread, as MXNet's do.
/// Scopes nest and must end in reverse order of creation (as block scopes do).
class NameManager {
public:
    NameManager() : previous_(current()) { current() = this; }
    ~NameManager() { current() = previous_; }
    NameManager(const NameManager&) = delete;
    NameManager& operator=(const NameManager&) = delete;

    /// Takes the next number for `hint` in the innermost scope of this thread.
    static std::int64_t next(std::string_view hint) {
        auto& counters = current() ? current()->counters_ : thread_counters();
        auto it = counters.find(hint);
        if (it == counters.end()) it = counters.emplace(std::string(hint), 0).first;
        return it->second++;
    }

private:
    static NameManager*& current() {
        thread_local NameManager* cur = nullptr;
        return cur;
    }
    static std::map<std::string, std::int64_t, std::less<>>& thread_counters() {
        thread_local std::map<std::string, std::int64_t, std::less<>> c;
        return c;
    }
    NameManager* previous_;
    std::map<std::string, std::int64_t, std::less<>> counters_;
};

namespace detail {
/// A process-unique identity for each node created, so that copies of one node (which
/// share it) are recognised as the same node when a graph uses it twice.
inline std::uint64_t next_node_uid() {
    static std::atomic<std::uint64_t> uid{1};
    return uid.fetch_add(1, std::memory_order_relaxed);
}
} // namespace detail

} // namespace symflow::sym
