#pragma once
// Shape: the dimensions of an NDArray.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "error.hpp"

namespace symflow {

/// An array shape, as MXNet's TShape: a list of non-negative dimensions.
/// `size()` and `operator[]` are those of the list of dimensions (like a Python tuple);
/// `num_elements()` is their product.
class Shape {
public:
    using dim_t = std::int64_t;

    Shape() = default;
    Shape(std::initializer_list<dim_t> dims) : dims_(dims) { check(); }
    explicit Shape(std::vector<dim_t> dims) : dims_(std::move(dims)) { check(); }

    std::size_t size() const { return dims_.size(); }   ///< number of dimensions
    std::size_t ndim() const { return dims_.size(); }   ///< number of dimensions
    dim_t operator[](std::size_t i) const { return dims_[i]; }
    dim_t& operator[](std::size_t i) { return dims_[i]; }
    const std::vector<dim_t>& dims() const { return dims_; }
    auto begin() const { return dims_.begin(); }
    auto end() const { return dims_.end(); }

    /// Product of the dimensions (1 for a 0-d shape); throws if it overflows.
    std::size_t num_elements() const {
        std::size_t n = 1;
        for (dim_t d : dims_) {
            if (d != 0 && n > std::numeric_limits<std::size_t>::max() / static_cast<std::size_t>(d))
                throw error("shape " + str() + " has more elements than fit in memory");
            n *= static_cast<std::size_t>(d);
        }
        return n;
    }

    bool operator==(const Shape&) const = default;

    /// "(1000, 1000)"; a 1-d shape is "(5,)" and a 0-d shape "()", as Python prints tuples.
    std::string str() const {
        std::ostringstream os;
        os << '(';
        for (std::size_t i = 0; i < dims_.size(); ++i) os << (i ? ", " : "") << dims_[i];
        if (dims_.size() == 1) os << ',';
        os << ')';
        return os.str();
    }

private:
    void check() const {
        for (dim_t d : dims_)
            if (d < 0) throw error("shape dimensions must be non-negative, got " + std::to_string(d));
    }
    std::vector<dim_t> dims_;
};

inline std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }

} // namespace symflow
