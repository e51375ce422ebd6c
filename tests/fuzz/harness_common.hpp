#pragma once
// What the three fuzz harnesses share: a reader that turns fuzz bytes into choices, the
// exception a harness throws when it catches the library breaking a promise, and the
// size caps that keep one input from allocating more than a few megabytes.
//
// The harnesses are plain functions over a byte span, so the libFuzzer targets
// (fuzz_*.cpp) and the unit test that replays stored inputs (tests/test_fuzz_regressions.cpp)
// run exactly the same checks. A harness returns normally when the library either
// succeeded or refused the input with symflow::error; any other exception escapes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace symflow_fuzz {

/// A broken promise found by a harness (a round trip that changed the data, an output
/// whose shape differs from the inferred one). Deliberately not a symflow::error, so that
/// it is never mistaken for the library refusing bad input.
struct finding : std::logic_error {
    using std::logic_error::logic_error;
};

/// Throws finding(what) unless `ok`.
inline void expect(bool ok, const std::string& what) {
    if (!ok) throw finding(what);
}

/// Most elements any one array of a bound graph may have: bigger graphs are not bound (the
/// library would allocate them; the fuzzer's memory limit would call that a crash).
inline constexpr std::size_t max_array_elements = std::size_t{1} << 14;
/// Most elements all arrays of a bound graph may have together.
inline constexpr std::size_t max_total_elements = std::size_t{1} << 17;

/// How far inputs got, for judging a harness: a corpus where nothing reaches forward()
/// tests little. The fuzz targets print these at exit when SYMFLOW_FUZZ_STATS is set.
struct progress {
    std::size_t inputs = 0;    ///< inputs run
    std::size_t accepted = 0;  ///< loaded (nd, json) or decoded (infer) without an error
    std::size_t inferred = 0;  ///< infer_shape and infer_type both succeeded
    std::size_t bound = 0;     ///< bind succeeded
    std::size_t ran = 0;       ///< forward() ran
};
/// The counters of this process.
inline progress& stats() {
    static progress p;
    return p;
}

/// Takes choices from the front of the fuzz input; once the bytes run out every choice is
/// 0, so any input decodes to something.
class byte_reader {
public:
    explicit byte_reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    /// The next byte, or 0 when none is left.
    std::uint8_t byte() { return pos_ < bytes_.size() ? bytes_[pos_++] : 0; }
    /// A number in [0, n) (n >= 1): one byte, or two for n > 256 (read in two statements:
    /// the order of two calls in one expression is unspecified, and an input must decode
    /// the same under clang, the fuzzer's compiler, and g++, which replays regressions).
    std::size_t pick(std::size_t n) {
        if (n <= 256) return byte() % n;
        const std::size_t high = byte();
        return (high << 8 | byte()) % n;
    }
    /// True with probability about 1/n.
    bool one_in(std::size_t n) { return pick(n) == 0; }
    /// Bytes not yet taken.
    std::size_t remaining() const { return bytes_.size() - pos_; }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

} // namespace symflow_fuzz
