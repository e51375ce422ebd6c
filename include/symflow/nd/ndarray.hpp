#pragma once
// NDArray: an n-d array handle with shared, aligned storage (MXNet's NDArray).
#include <cstring>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "storage.hpp"

namespace symflow::nd {

class numpy_view;

/// An n-d array. Copying an NDArray copies the handle: both share storage, as in
/// MXNet; `copy()` makes a deep copy. Elements are stored row-major.
class NDArray {
public:
    /// An empty handle (no storage); most operations on it throw symflow::error.
    NDArray() = default;

    /// Uninitialised storage for `shape` elements of `dt` (use zeros() for zero-filled).
    explicit NDArray(Shape shape, symflow::dtype dt = float32, Context ctx = cpu())
        : shape_(std::move(shape)), dtype_(dt), ctx_(ctx) {
        if (ctx.type != Context::device::cpu)
            throw error("cannot create an NDArray on " + ctx.str() + ": no GPU support in this build");
        std::size_t n = shape_.num_elements();
        if (n > (std::size_t(1) << 62) / dtype_size(dt))
            throw error("shape " + shape_.str() + " of " + std::string(dtype_name(dt)) + " is too large to allocate");
        if (const std::size_t mem = physical_memory_bytes(); mem && n * dtype_size(dt) > mem)
            throw error("shape " + shape_.str() + " of " + std::string(dtype_name(dt)) + " is too large to allocate: " +
                        std::to_string(n * dtype_size(dt) >> 20) + " MiB, more than this machine's " +
                        std::to_string(mem >> 20) + " MiB of memory");
        store_ = std::make_shared<storage>(n * dtype_size(dt));
    }

    const Shape& shape() const { return shape_; }
    symflow::dtype dtype() const { return dtype_; }
    Context context() const { return ctx_; }
    std::size_t size() const { return shape_.num_elements(); }  ///< number of elements
    std::size_t ndim() const { return shape_.ndim(); }
    bool is_none() const { return !store_; }  ///< true for a default-constructed handle

    /// The elements as a span; throws symflow::error if T is not this array's dtype.
    template <class T>
    std::span<T> data() const {
        check_type<T>("data");
        return {static_cast<T*>(store_->data()), size()};
    }

    /// A copy of the elements; same dtype check as data().
    template <class T>
    std::vector<T> to_vector() const {
        auto s = data<T>();
        return {s.begin(), s.end()};
    }

    /// A deep copy: new storage, same shape, dtype and values.
    NDArray copy() const {
        require("copy");
        NDArray r(shape_, dtype_, ctx_);
        std::memcpy(r.raw(), raw(), size() * dtype_size(dtype_));
        return r;
    }

    /// The same elements seen as `shape` (MXNet's x.reshape): a handle sharing storage, so
    /// writes through either are seen by both. Throws symflow::error unless the element
    /// counts agree.
    NDArray reshape(const Shape& shape) const {
        require("reshape");
        if (shape.num_elements() != size())
            throw error("NDArray::reshape(): cannot view " + shape_.str() + " (" + std::to_string(size()) +
                        " elements) as " + shape.str() + " (" + std::to_string(shape.num_elements()) + " elements)");
        return view_as(shape, dtype_);
    }
    /// reshape with one dimension given as -1, inferred from the others: `x.reshape({-1, 4})`.
    NDArray reshape(std::initializer_list<Shape::dim_t> dims) const {
        require("reshape");
        std::vector<Shape::dim_t> d;
        std::size_t known = 1, unknown = dims.size();
        for (std::size_t k = 0; k < dims.size(); ++k) {
            const Shape::dim_t v = dims.begin()[k];
            if (v == -1 && unknown == dims.size()) {
                unknown = k;
                d.push_back(1);
                continue;
            }
            if (v < 0)
                throw error("NDArray::reshape(): dimension " + std::to_string(k) + " is " + std::to_string(v) +
                            "; only one dimension may be -1 (inferred) and none may be otherwise negative");
            d.push_back(static_cast<Shape::dim_t>(v));
            known *= static_cast<std::size_t>(v);
        }
        if (unknown != dims.size()) {
            if (known == 0 || size() % known != 0)
                throw error("NDArray::reshape(): cannot infer the -1 dimension: " + std::to_string(size()) +
                            " elements are not a multiple of the other dimensions' product " + std::to_string(known));
            d[unknown] = static_cast<Shape::dim_t>(size() / known);
        }
        return reshape(Shape(std::move(d)));
    }

    /// Untyped pointer to the first element (for kernels that dispatch on dtype()).
    void* raw() const { return store_ ? store_->data() : nullptr; }

    /// True if both handles share storage.
    bool same_storage(const NDArray& o) const { return store_ && store_ == o.store_; }

    /// A printable view whose operator<< prints what numpy prints for these values.
    numpy_view asnumpy() const;

    /// Capacity of the underlying storage in bytes (0 for an empty handle).
    std::size_t storage_bytes() const { return store_ ? store_->bytes() : 0; }

    /// A handle on the same storage seen as `shape` elements of `dt`: lets an executor's
    /// memory planner hand one buffer to several nodes in turn. Throws symflow::error if
    /// the storage is too small.
    NDArray view_as(Shape shape, symflow::dtype dt) const {
        require("view_as");
        const std::size_t need = shape.num_elements() * dtype_size(dt);
        if (need > store_->bytes())
            throw error("NDArray::view_as(): " + shape.str() + " " + std::string(dtype_name(dt)) + " needs " +
                        std::to_string(need) + " bytes but the storage has " + std::to_string(store_->bytes()));
        NDArray r;
        r.store_ = store_;
        r.shape_ = std::move(shape);
        r.dtype_ = dt;
        r.ctx_ = ctx_;
        return r;
    }

private:
    void require(const char* what) const {
        if (!store_) throw error(std::string("NDArray::") + what + "(): the array is empty (default-constructed)");
    }
    template <class T>
    void check_type(const char* what) const {
        require(what);
        if (dtype_of<std::remove_const_t<T>>() != dtype_)
            throw error(std::string("NDArray::") + what + "<" + std::string(dtype_name(dtype_of<std::remove_const_t<T>>())) +
                        ">(): the array holds " + std::string(dtype_name(dtype_)));
    }

    std::shared_ptr<storage> store_;
    Shape shape_;
    symflow::dtype dtype_ = float32;
    Context ctx_ = cpu();
};

/// MXNet's repr: `<NDArray 2x3 @cpu(0)>` (a 0-d array prints `<NDArray  @cpu(0)>`).
inline std::ostream& operator<<(std::ostream& os, const NDArray& x) {
    os << "<NDArray ";
    for (std::size_t i = 0; i < x.ndim(); ++i) os << (i ? "x" : "") << x.shape()[i];
    return os << " @" << x.context() << '>';
}

} // namespace symflow::nd
