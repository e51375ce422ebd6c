// Thread safety: distinct executors of one symbol run forward() in parallel threads (each
// getting its own right result), one symbol is shared read-only by threads that bind it,
// naming counters are per thread, JSON loads and symbols compose in several threads at
// once, and a forward() overlapping another on the same executor throws symflow::error.
// tests/tsan/ also builds this file with ThreadSanitizer (clang, libomp + archer), so a
// data race in any of these paths fails CTest even when the results come out right.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <symflow/symflow.hpp>

namespace sf = symflow;
using namespace sf::literals;

// Lets these tests hold an executor's running flag from another thread, so that forward()
// meets a call in progress deterministically (no timing); see exec/forward_guard.hpp.
template <>
struct symflow::detail::executor_access<struct thread_safety_test> {
    static sf::exec::running_flag& running(sf::sym::RuntimeExecutor& ex) { return *ex.running_; }
    template <class E>
    static sf::exec::running_flag& running(sf::sym::Executor<E>& ex) {
        return ex.st_->running;
    }
};
using exec_access = symflow::detail::executor_access<thread_safety_test>;

namespace {

constexpr int num_threads = 4;

// Runs body(t) for t in [0, num_threads) in as many std::threads, released together (a
// countdown they spin on) so that their calls overlap; returns each thread's failure
// message (empty: none; an exception counts as one). Catch2's assertions are not
// thread-safe, so bodies report through their return value, checked after the joins.
template <class F>
std::vector<std::string> run_threads(F body) {
    std::atomic<int> waiting{num_threads};
    std::vector<std::string> failures(num_threads);
    std::vector<std::thread> threads;
    for (int t = 0; t < num_threads; ++t)
        threads.emplace_back([&, t] {
            waiting.fetch_sub(1);
            while (waiting.load() > 0) std::this_thread::yield();
            try {
                failures[static_cast<std::size_t>(t)] = body(t);
            } catch (const std::exception& e) {
                failures[static_cast<std::size_t>(t)] = std::string("threw: ") + e.what();
            }
        });
    for (auto& th : threads) th.join();
    return failures;
}

void check_all_ok(const std::vector<std::string>& failures) {
    for (std::size_t t = 0; t < failures.size(); ++t) {
        INFO("thread " << t);
        CHECK(failures[t].empty());
        if (!failures[t].empty()) FAIL_CHECK(failures[t]);
    }
}

// Inputs of thread t: small integers, so that float results are exact and each thread's
// result differs from the others'.
std::vector<float> input(std::size_t n, int t, int which) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<float>(static_cast<int>((i * (2 * which + 1)) % 7) + t - which);
    return v;
}

// Above ops::parallel_min_elements, so that every forward() also forks OpenMP threads.
constexpr std::size_t big = std::size_t(1) << 16;

// First index where got differs from want, as a message; empty if they agree.
std::string compare(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
    if (got.size() != want.size()) return what + ": size " + std::to_string(got.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        if (got[i] != want[i])
            return what + ": element " + std::to_string(i) + " is " + std::to_string(got[i]) + ", expected " +
                   std::to_string(want[i]);
    return {};
}

// (A*B)+(C*D) by a scalar loop.
std::vector<float> expected_abcd(const std::vector<std::vector<float>>& in) {
    std::vector<float> r(in[0].size());
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = in[0][i] * in[1][i] + in[2][i] * in[3][i];
    return r;
}

// dot(A, B) + dot(C, D) for n x n matrices by a scalar loop.
std::vector<float> expected_dots(const std::vector<std::vector<float>>& in, std::size_t n) {
    std::vector<float> r(n * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            float s = 0;
            for (std::size_t k = 0; k < n; ++k)
                s += in[0][i * n + k] * in[1][k * n + j] + in[2][i * n + k] * in[3][k * n + j];
            r[i * n + j] = s;
        }
    return r;
}

std::map<std::string, sf::nd::NDArray> arrays_of(const std::vector<std::vector<float>>& in, sf::Shape shape) {
    std::map<std::string, sf::nd::NDArray> m;
    const char* names[] = {"A", "B", "C", "D"};
    for (std::size_t k = 0; k < in.size(); ++k) m.emplace(names[k], sf::nd::array(in[k], shape));
    return m;
}

std::vector<std::vector<float>> inputs_of(std::size_t n, int t) {
    return {input(n, t, 0), input(n, t, 1), input(n, t, 2), input(n, t, 3)};
}

// A materialized op for tests: copies its input, but first tells the test it has started
// and waits until the test lets it go, so that a forward() can be held in progress while
// another thread calls forward() on the same executor. It throws when asked to, to check
// that an exception leaving forward() frees the executor.
struct blocking_copy_op {
    static constexpr std::string_view name = "_test_blocking_copy", hint = "_test_blocking_copy";
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr sf::ops::op_kind kind = sf::ops::op_kind::materialized;
    using params = sf::ops::no_params;

    static inline std::promise<void>* started = nullptr;  // set: signal it, then wait on `release`
    static inline std::shared_future<void> release;
    static inline bool fail = false;

    static sf::ops::meta infer(const params&, const std::array<sf::ops::meta, 1>& in) { return in[0]; }
    static void compute(const params&, const std::array<sf::nd::NDArray, 1>& in, sf::nd::NDArray& out) {
        if (started) {
            started->set_value();
            release.wait();
        }
        if (fail) throw sf::error("blocking_copy_op: failing as the test asked");
        auto src = in[0].data<float>();
        auto dst = out.data<float>();
        for (std::size_t i = 0; i < src.size(); ++i) dst[i] = src[i];
    }
};

} // namespace

TEST_CASE("distinct static executors of one expression run forward() in parallel threads", "[thread]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    const auto e = (a * b) + (c * d);                                 // one fused loop
    const auto f = sf::sym::dot(a, b) + sf::sym::dot(c, d);           // materialized steps, then a loop
    constexpr std::size_t n = 48;
    check_all_ok(run_threads([&](int t) -> std::string {
        for (int round = 0; round < 3; ++round) {
            const auto in = inputs_of(big, t + round);
            auto m = arrays_of(in, sf::Shape{big});
            auto ex = e.bind(sf::cpu(), "A"_arg = m["A"], "B"_arg = m["B"], "C"_arg = m["C"], "D"_arg = m["D"]);
            if (auto s = compare(ex.forward()[0].to_vector<float>(), expected_abcd(in), "(A*B)+(C*D)"); !s.empty())
                return s;
            const auto in2 = inputs_of(n * n, t + round);
            auto m2 = arrays_of(in2, sf::Shape{n, n});
            auto ex2 = f.bind(sf::cpu(), "A"_arg = m2["A"], "B"_arg = m2["B"], "C"_arg = m2["C"], "D"_arg = m2["D"]);
            if (auto s = compare(ex2.forward()[0].to_vector<float>(), expected_dots(in2, n), "dot+dot"); !s.empty())
                return s;
        }
        return {};
    }));
}

TEST_CASE("distinct runtime executors of one shared Symbol run forward() in parallel threads", "[thread]") {
    sf::sym::NameManager scope;
    auto a = sf::sym::Variable<"A">();
    auto b = sf::sym::Variable<"B">();
    auto c = sf::sym::Variable<"C">();
    auto d = sf::sym::Variable<"D">();
    // one Symbol each, shared read-only (const) by every thread, which binds its own executor
    const sf::sym::Symbol e = (a * b) + (c * d);
    const sf::sym::Symbol f = sf::sym::dot(a, b) + sf::sym::dot(c, d);  // siblings as OpenMP tasks
    constexpr std::size_t n = 96;
    check_all_ok(run_threads([&](int t) -> std::string {
        for (int round = 0; round < 3; ++round) {
            const auto in = inputs_of(big, t + round);
            auto ex = e.bind(sf::cpu(), arrays_of(in, sf::Shape{big}));
            if (auto s = compare(ex.forward()[0].to_vector<float>(), expected_abcd(in), "(A*B)+(C*D)"); !s.empty())
                return s;
            const auto in2 = inputs_of(n * n, t + round);
            auto ex2 = f.bind(sf::cpu(), arrays_of(in2, sf::Shape{n, n}));
            if (auto s = compare(ex2.forward()[0].to_vector<float>(), expected_dots(in2, n), "dot+dot"); !s.empty())
                return s;
            // a second forward() on the same executor, with new contents, from its own thread
            auto args = ex.arg_dict();
            args.at("A").data<float>()[0] += 1.0f;
            const float want = (in[0][0] + 1.0f) * in[1][0] + in[2][0] * in[3][0];
            if (ex.forward()[0].data<float>()[0] != want) return "second forward() of the runtime executor";
        }
        return {};
    }));
}

TEST_CASE("one Symbol shared read-only by threads that compose, list and serialise it", "[thread]") {
    auto shared = [] {
        sf::sym::NameManager scope;
        auto x = sf::sym::Variable("A") * sf::sym::Variable("B");
        return sf::sym::exp(std::move(x)) + sf::sym::Variable("C");  // composed from temporaries: not yet settled
    }();
    const sf::sym::Symbol& s = shared;
    const std::string json = s.tojson();
    check_all_ok(run_threads([&](int t) -> std::string {
        sf::sym::NameManager scope;
        // the shared symbol as an operand (an lvalue) of new nodes in every thread
        auto y = s * sf::sym::Variable("D");
        auto z = sf::sym::relu(s) - y;
        if (y.name() != "_mul0" || z.name() != "_minus0") return "names " + y.name() + ", " + z.name();
        if (s.tojson() != json) return "the shared symbol's JSON changed";
        if (s.list_arguments() != std::vector<std::string>{"A", "B", "C"}) return "list_arguments";
        auto in = std::map<std::string, sf::nd::NDArray>{{"A", sf::nd::full(sf::Shape{3}, t, sf::float32)},
                                                         {"B", sf::nd::zeros(sf::Shape{3})},
                                                         {"C", sf::nd::ones(sf::Shape{3})},
                                                         {"D", sf::nd::full(sf::Shape{3}, 2.0, sf::float32)}};
        // exp(A*B) + C = 2; relu(2) - 2 * 2 = -2
        if (z.bind(sf::cpu(), in).forward()[0].to_vector<float>() != std::vector<float>{-2, -2, -2}) return "values";
        return {};
    }));
}

TEST_CASE("threads composing one shared, not yet settled Symbol at once settle it without a race", "[thread]") {
    // A Symbol composed from temporaries has names that may still be renumbered (compose.hpp);
    // the first use as an lvalue settles them, a write to the shared nodes. Every thread
    // doing that at once is the case ThreadSanitizer checks here, over fresh symbols.
    for (int round = 0; round < 40; ++round) {
        sf::sym::NameManager scope;
        const sf::sym::Symbol s = sf::sym::exp(sf::sym::Variable("A") * sf::sym::Variable("B")) + 1.0f;
        check_all_ok(run_threads([&](int) -> std::string {
            sf::sym::NameManager own;
            auto y = s * sf::sym::Variable("D");
            auto z = s + y;
            if (y.name() != "_mul0" || z.name() != "_plus0") return "names " + y.name() + ", " + z.name();
            if (s.name() != "_plusscalar0") return "the shared symbol was renamed to " + s.name();
            return {};
        }));
    }
}

TEST_CASE("naming counters are per thread: each thread names as MXNet would, whatever the others do", "[thread]") {
    // No NameManager scope: each new thread starts its own counters at 0 (MXNet's are
    // thread-local too), and counts on while it lives.
    check_all_ok(run_threads([&](int t) -> std::string {
        auto a = sf::sym::Variable<"A">();
        auto b = sf::sym::Variable<"B">();
        for (int i = 0; i < 20 + t; ++i) {
            auto e = (a * b) + (a * b);
            const auto want = std::vector<std::string>{"A", "B", "_mul" + std::to_string(2 * i),
                                                       "_mul" + std::to_string(2 * i + 1), "_plus" + std::to_string(i)};
            auto got = e.get_internals().list_outputs();
            for (auto& g : got)
                if (g.ends_with("_output")) g.resize(g.size() - 7);
            if (got != want) return "static names at round " + std::to_string(i) + ": " + got[2] + " " + got[4];
            sf::sym::Symbol r = sf::sym::Variable("X") / 2.0f;
            if (r.name() != "_divscalar" + std::to_string(i)) return "runtime name " + r.name();
        }
        {
            sf::sym::NameManager scope;  // fresh counters in this thread only
            auto e = (a * b) + (a * b);
            if (e.name() != "_plus0") return "scoped name " + e.name();
        }
        auto after = a * b;  // the thread's own counter again, past the scope
        if (after.name() != "_mul" + std::to_string(2 * (20 + t))) return "after the scope: " + after.name();
        return {};
    }));
}

TEST_CASE("JSON loads, saves and binds in several threads at once", "[thread]") {
    std::string json;
    {
        sf::sym::NameManager scope;
        auto a = sf::sym::Variable<"A">();
        auto b = sf::sym::Variable<"B">();
        json = sf::sym::Symbol(sf::sym::sum(sf::sym::exp(a) * b, {.axis = 1}) + 1).tojson();
    }
    check_all_ok(run_threads([&](int t) -> std::string {
        for (int round = 0; round < 5; ++round) {
            auto s = sf::sym::load_json(json);
            if (s.tojson() != json) return "tojson(load_json(json)) differs";
            std::map<std::string, sf::nd::NDArray> in{{"A", sf::nd::zeros(sf::Shape{2, 3})},
                                                      {"B", sf::nd::full(sf::Shape{2, 3}, t + round, sf::float32)}};
            const float want = 3.0f * static_cast<float>(t + round) + 1.0f;
            if (s.bind(sf::cpu(), in).forward()[0].to_vector<float>() != std::vector<float>{want, want})
                return "values of the loaded symbol";
            try {
                (void)sf::sym::load_json("{\"nodes\": [");  // errors are per call too
                return "malformed JSON loaded";
            } catch (const sf::error&) {
            }
        }
        return {};
    }));
}

TEST_CASE("forward() overlapping another on the same static executor throws sf::error", "[thread][error]") {
    auto a = sf::sym::Variable<"A">();
    auto e = sf::sym::compose<blocking_copy_op>("_test_blocking_copy", "", {}, a) * 2.0f;
    auto A = sf::nd::array({1.0f, 2.0f, 3.0f});
    auto ex = e.bind(sf::cpu(), "A"_arg = A);

    std::promise<void> started, release;
    blocking_copy_op::started = &started;
    blocking_copy_op::release = release.get_future().share();
    std::vector<float> first;
    std::thread runner([&] { first = ex.forward()[0].to_vector<float>(); });  // holds forward() in progress
    started.get_future().wait();
    blocking_copy_op::started = nullptr;
    CHECK_THROWS_AS(ex.forward(), sf::error);
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("already running forward()") &&
                                        Catch::Contains("one executor per thread"));
    release.set_value();
    runner.join();
    CHECK(first == std::vector<float>{2, 4, 6});  // the call in progress was not disturbed

    // the executor is free again, and also after a forward() that left by an exception
    CHECK(ex.forward()[0].to_vector<float>() == std::vector<float>{2, 4, 6});
    blocking_copy_op::fail = true;
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("failing as the test asked"));
    blocking_copy_op::fail = false;
    A.data<float>()[0] = 10;
    CHECK(ex.forward()[0].to_vector<float>() == std::vector<float>{20, 4, 6});

    // a moved executor keeps its plan and its guard; the moved-from one says what it is
    auto moved = std::move(ex);
    CHECK(moved.forward()[0].to_vector<float>() == std::vector<float>{20, 4, 6});
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("moved-from executor"));  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("forward() on a runtime executor (or a copy) busy in another thread throws sf::error", "[thread][error]") {
    sf::sym::NameManager scope;
    sf::sym::Symbol s = sf::sym::Variable("A") * 2.0f + sf::sym::Variable("B");
    auto ex = s.bind(sf::cpu(), {{"A", sf::nd::array({1.0f, 2.0f})}, {"B", sf::nd::array({1.0f, 1.0f})}});
    auto copy = ex;  // shares ex's buffers, so it shares its guard too

    std::promise<void> held, release;
    std::thread holder([&] {
        sf::exec::forward_guard busy(exec_access::running(ex));  // what a forward() in progress holds
        held.set_value();
        release.get_future().wait();
    });
    held.get_future().wait();
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("already running forward()"));
    CHECK_THROWS_WITH(copy.forward(), Catch::Contains("already running forward()"));
    release.set_value();
    holder.join();
    CHECK(ex.forward()[0].to_vector<float>() == std::vector<float>{3, 5});
    CHECK(copy.forward()[0].to_vector<float>() == std::vector<float>{3, 5});

    // a second, independent bind of the same symbol is not held by the first one's guard
    auto other = s.bind(sf::cpu(), {{"A", sf::nd::array({0.0f, 1.0f})}, {"B", sf::nd::array({1.0f, 1.0f})}});
    sf::exec::forward_guard busy(exec_access::running(ex));
    CHECK(other.forward()[0].to_vector<float>() == std::vector<float>{1, 3});
    CHECK_THROWS_WITH(ex.forward(), Catch::Contains("re-entered"));  // the same thread: also refused

    auto moved = std::move(other);
    CHECK_THROWS_WITH(other.forward(), Catch::Contains("moved-from executor"));  // NOLINT(bugprone-use-after-move)
    CHECK(moved.forward()[0].to_vector<float>() == std::vector<float>{1, 3});
}

TEST_CASE("the guard of a static executor is held for exactly one forward()", "[thread][error]") {
    auto a = sf::sym::Variable<"A">();
    auto e = a + 1;
    auto ex = e.bind(sf::cpu(), "A"_arg = sf::nd::array({1, 2}, sf::int32));
    auto& running = exec_access::running(ex);
    CHECK_FALSE(running.load());
    ex.forward();
    CHECK_FALSE(running.load());
    {
        sf::exec::forward_guard busy(running);
        CHECK(running.load());
        CHECK_THROWS_AS(ex.forward(), sf::error);
        CHECK(running.load());  // the refused call leaves the holder's mark alone
    }
    CHECK(ex.forward()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{2, 3});
}

TEST_CASE("random arrays are created from several threads at once", "[thread]") {
    check_all_ok(run_threads([&](int) -> std::string {
        for (int i = 0; i < 20; ++i) {
            auto u = sf::nd::uniform(-1, 1, sf::Shape{64}).to_vector<float>();
            for (float x : u)
                if (!(x >= -1 && x < 1)) return "uniform out of range: " + std::to_string(x);
        }
        return {};
    }));
}
