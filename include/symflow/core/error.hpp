#pragma once
// symflow::error: the one exception type the library throws.
#include <stdexcept>
#include <string>

namespace symflow {

/// The single exception type of symflow; what() names the offending argument, node,
/// shape or dtype so that a user can act on it without a debugger.
class error : public std::runtime_error {
public:
    explicit error(const std::string& what) : std::runtime_error(what) {}
};

} // namespace symflow
