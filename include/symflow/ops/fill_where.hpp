#pragma once
// zeros_like, ones_like and where: elementwise ops, so they fuse with the arithmetic around them.
#include <array>
#include <string_view>

#include <xsimd/xsimd.hpp>

#include "op.hpp"
#include "simd.hpp"

namespace symflow::ops {

/// zeros_like(data): zeros of data's shape and dtype (op zeros_like, hint zeros_like).
/// The input only supplies shape and dtype; its values are never read.
struct zeros_like_op {
    static constexpr std::string_view name = "zeros_like", hint = "zeros_like";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = no_params;
    template <class V>
    static V apply(V) { return splat<V>(value_t<V>(0)); }
};

/// ones_like(data): ones of data's shape and dtype (op ones_like, hint ones_like).
struct ones_like_op {
    static constexpr std::string_view name = "ones_like", hint = "ones_like";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = no_params;
    template <class V>
    static V apply(V) { return splat<V>(value_t<V>(1)); }
};

/// where(condition, x, y): x where condition is non-zero, else y (op where, hint where).
/// The three inputs share one shape and dtype, as every elementwise op's do; NaN is
/// non-zero, so a NaN condition picks x (MXNet tests `0 != cond`).
struct where_op {
    static constexpr std::string_view name = "where", hint = "where";
    static constexpr std::array<std::string_view, 0> aliases{};
    static constexpr std::array<std::string_view, 3> inputs{"condition", "x", "y"};
    static constexpr op_kind kind = op_kind::elementwise;
    using params = no_params;
    template <class V>
    static V apply(V cond, V x, V y) {
        const V zero = splat<V>(value_t<V>(0));
        // == with the branches swapped, not !=: xsimd 8.1's AVX != is ordered, so a NaN
        // condition (true, as in numpy) would pick y
        if constexpr (is_batch_v<V>) return xsimd::select(cond == zero, y, x);
        else return cond != zero ? x : y;
    }
};

} // namespace symflow::ops
