#pragma once
// Context: the device an NDArray lives on and an executor runs on.
#include <ostream>
#include <string>

namespace symflow {

/// A device, as MXNet's Context: cpu(id) or gpu(id). Only cpu can run here;
/// binding to a gpu context throws symflow::error.
struct Context {
    enum class device : int { cpu = 1, gpu = 2 };
    device type = device::cpu;
    int id = 0;

    constexpr bool operator==(const Context&) const = default;
    /// "cpu(0)", "gpu(1)"
    std::string str() const { return (type == device::cpu ? "cpu(" : "gpu(") + std::to_string(id) + ")"; }
};

/// The CPU context (MXNet's mx.cpu()).
constexpr Context cpu(int id = 0) { return {Context::device::cpu, id}; }
/// A GPU context; exists so that code written for MXNet compiles, and fails clearly at bind.
constexpr Context gpu(int id = 0) { return {Context::device::gpu, id}; }

inline std::ostream& operator<<(std::ostream& os, const Context& c) { return os << c.str(); }

} // namespace symflow
