#pragma once
// dot: matrix and vector products (MXNet's `dot`), a materialized op.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>

#include "../nd/ndarray.hpp"
#include "gemm.hpp"
#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

/// dot's attributes: transpose either operand first (MXNet's transpose_a/b).
struct dot_param {
    bool transpose_a = false;
    bool transpose_b = false;
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r;
        if (transpose_a) r["transpose_a"] = "True";
        if (transpose_b) r["transpose_b"] = "True";
        return r;
    }
    /// transpose_a and transpose_b (default False); forward_stype (a storage type) is ignored.
    static dot_param from_attrs(const attr_reader& r) {
        return {r.boolean("transpose_a", false), r.boolean("transpose_b", false)};
    }
};

/// dot(lhs, rhs): contracts the last axis of lhs with the first axis of rhs. 1-d x 1-d
/// gives shape (1,), as MXNet 1.x does; transposition is for 1-d and 2-d operands.
struct dot_op {
    static constexpr std::string_view name = "dot", hint = "dot";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 2> inputs{"lhs", "rhs"};
    static constexpr op_kind kind = op_kind::materialized;
    static constexpr bool one_dtype = true;  ///< its inputs take one dtype
    using params = dot_param;

    /// The product as an (m x k) times (k x n) matrix product.
    struct gemm_dims {
        std::size_t m, k, n;
    };

    // Runs in compute() too, so it must not allocate.
    static gemm_dims dims(const dot_param& p, const Shape& a, const Shape& b) {
        if (a.ndim() == 0 || b.ndim() == 0) throw error("dot needs operands of at least one dimension");
        if ((p.transpose_a && a.ndim() > 2) || (p.transpose_b && b.ndim() > 2))
            throw error("transpose_a/transpose_b are supported for 1-d and 2-d operands only");
        std::size_t a_rows = 1, a_cols, b_rows, b_cols = 1;
        if (a.ndim() == 1) a_cols = static_cast<std::size_t>(a[0]);
        else if (p.transpose_a) a_rows = static_cast<std::size_t>(a[1]), a_cols = static_cast<std::size_t>(a[0]);
        else {
            a_cols = static_cast<std::size_t>(a[a.ndim() - 1]);
            for (std::size_t i = 0; i + 1 < a.ndim(); ++i) a_rows *= static_cast<std::size_t>(a[i]);
        }
        if (b.ndim() == 1) b_rows = static_cast<std::size_t>(b[0]);
        else if (p.transpose_b) b_rows = static_cast<std::size_t>(b[1]), b_cols = static_cast<std::size_t>(b[0]);
        else {
            b_rows = static_cast<std::size_t>(b[0]);
            for (std::size_t i = 1; i < b.ndim(); ++i) b_cols *= static_cast<std::size_t>(b[i]);
        }
        if (a_cols != b_rows)
            throw error("the contracted axes differ: lhs has " + std::to_string(a_cols) + " but rhs has " +
                        std::to_string(b_rows));
        return {a_rows, a_cols, b_cols};
    }

    static meta infer(const dot_param& p, const std::array<meta, 2>& in) {
        if (in[0].dt != in[1].dt)
            throw error("operand dtypes differ: " + std::string(dtype_name(in[0].dt)) + " and " +
                        std::string(dtype_name(in[1].dt)));
        if (!in[0].shape_known || !in[1].shape_known) return {Shape{}, in[0].dt, false};
        const Shape &a = in[0].shape, &b = in[1].shape;
        dims(p, a, b);
        std::vector<Shape::dim_t> out;
        if (a.ndim() == 1 && b.ndim() == 1) out = {1};
        else {
            if (a.ndim() == 2 && p.transpose_a) out.push_back(a[1]);
            else if (a.ndim() >= 2) out.insert(out.end(), a.begin(), a.end() - 1);
            if (b.ndim() == 2 && p.transpose_b) out.push_back(b[0]);
            else if (b.ndim() >= 2) out.insert(out.end(), b.begin() + 1, b.end());
        }
        return {Shape(out), in[0].dt, true};
    }

    static void compute(const dot_param& p, const std::array<nd::NDArray, 2>& in, nd::NDArray& out) {
        gemm_dims d = dims(p, in[0].shape(), in[1].shape());
        visit_dtype(out.dtype(), [&](auto t) {
            using T = decltype(t);
            gemm<T>(p, d, static_cast<const T*>(in[0].raw()), static_cast<const T*>(in[1].raw()),
                    static_cast<T*>(out.raw()));
        });
    }

    /// C = op(A) * op(B): floating types take the packed, blocked kernel (gemm.hpp),
    /// integers the wrapping loop below.
    template <class T>
    static void gemm(const dot_param& p, gemm_dims d, const T* a, const T* b, T* c) {
        if constexpr (std::is_floating_point_v<T>) blocked_gemm<T>(p.transpose_a, p.transpose_b, d.m, d.k, d.n, a, b, c);
        else wrapping_gemm<T>(p, d, a, b, c);
    }

    /// The integer product, blocked so that a panel of B stays in cache while rows of A
    /// stream past it; rows are split across threads when the product is large.
    template <class T>
    static void wrapping_gemm(const dot_param& p, gemm_dims d, const T* a, const T* b, T* c) {
        // Integers wrap on overflow: accumulate in the unsigned type of the same width.
        using acc_t = wrapping_t<T>;
        const std::size_t m = d.m, k = d.k, n = d.n;
        const bool ta = p.transpose_a, tb = p.transpose_b;
        auto A = [&](std::size_t i, std::size_t l) { return static_cast<acc_t>(ta ? a[l * m + i] : a[i * k + l]); };
        constexpr std::size_t kb = 256;  // depth of one panel of B
        const auto rows = static_cast<std::ptrdiff_t>(m);
        [[maybe_unused]] const bool parallel =
            static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) > 4e6;
#pragma omp parallel for schedule(static) if (parallel)
        for (std::ptrdiff_t si = 0; si < rows; ++si) {
            const auto i = static_cast<std::size_t>(si);
            acc_t* ci = reinterpret_cast<acc_t*>(c + i * n);
            std::fill(ci, ci + n, acc_t{});
            for (std::size_t l0 = 0; l0 < k; l0 += kb) {
                const std::size_t l1 = std::min(k, l0 + kb);
                if (!tb) {
                    for (std::size_t l = l0; l < l1; ++l) {  // row i of C += A(i,l) * row l of B
                        const acc_t ail = A(i, l);
                        const T* bl = b + l * n;
                        for (std::size_t j = 0; j < n; ++j) ci[j] += ail * static_cast<acc_t>(bl[j]);
                    }
                } else {
                    for (std::size_t j = 0; j < n; ++j) {
                        const T* bj = b + j * k;
                        acc_t s{};
                        for (std::size_t l = l0; l < l1; ++l) s += A(i, l) * static_cast<acc_t>(bj[l]);
                        ci[j] += s;
                    }
                }
            }
        }
    }
};

} // namespace symflow::ops
