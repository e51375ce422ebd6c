#pragma once
// Random creation: uniform, normal and seed (mx.nd.random.*).
#include <cmath>
#include <mutex>
#include <random>

#include "creation.hpp"
#include "ndarray.hpp"

namespace symflow::nd {

namespace detail {
/// The process-wide generator; MXNet has one global seed too. Guarded so that
/// creating random arrays from several threads is safe.
struct rng_state {
    std::mt19937_64 engine{0};
    std::mutex mutex;
};
inline rng_state& rng() {
    static rng_state s;
    return s;
}
} // namespace detail

/// Seeds the generator behind uniform() and normal(): the same seed gives the same values.
inline void seed(std::uint64_t n) {
    auto& r = detail::rng();
    std::lock_guard lock(r.mutex);
    r.engine.seed(n);
}

/// Values drawn uniformly from [low, high), as MXNet does. For integer dtypes the
/// integers in [low, high) are drawn uniformly.
inline NDArray uniform(double low, double high, const Shape& shape, dtype dt = float32) {
    if (!(low < high) || !std::isfinite(low) || !std::isfinite(high))
        throw error("nd::uniform: need finite low < high, got low=" + std::to_string(low) +
                    " high=" + std::to_string(high));
    NDArray a(shape, dt);
    auto& r = detail::rng();
    std::lock_guard lock(r.mutex);
    visit_dtype(dt, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_integral_v<T>) {
            double lo = std::ceil(low), hi = std::ceil(high) - 1;
            if (lo > hi) throw error("nd::uniform: no " + std::string(dtype_name(dt)) + " value lies in [" +
                                     std::to_string(low) + ", " + std::to_string(high) + ")");
            // bounds the dtype cannot hold are refused, as numpy's integers() does
            std::uniform_int_distribution<T> dist(detail::element_of<T>(lo, "nd::uniform: low"),
                                                  detail::element_of<T>(hi, "nd::uniform: high - 1"));
            for (T& x : a.data<T>()) x = dist(r.engine);
        } else {
            std::uniform_real_distribution<T> dist(static_cast<T>(low), static_cast<T>(high));
            const T top = static_cast<T>(high);
            for (T& x : a.data<T>()) {
                do x = dist(r.engine);
                while (x >= top);  // rounding can reach `high`; MXNet's interval is half-open
            }
        }
    });
    return a;
}

/// Values drawn from a normal distribution N(loc, scale^2); floating dtypes only.
inline NDArray normal(double loc, double scale, const Shape& shape, dtype dt = float32) {
    if (!(scale >= 0) || !std::isfinite(scale) || !std::isfinite(loc))
        throw error("nd::normal: need finite loc and scale >= 0, got loc=" + std::to_string(loc) +
                    " scale=" + std::to_string(scale));
    if (dt != float32 && dt != float64)
        throw error("nd::normal: dtype " + std::string(dtype_name(dt)) + " is not supported; use float32 or float64");
    NDArray a(shape, dt);
    auto& r = detail::rng();
    std::lock_guard lock(r.mutex);
    visit_dtype(dt, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_floating_point_v<T>) {
            if (scale == 0) {
                for (T& x : a.data<T>()) x = static_cast<T>(loc);
                return;
            }
            std::normal_distribution<T> dist(static_cast<T>(loc), static_cast<T>(scale));
            for (T& x : a.data<T>()) x = dist(r.engine);
        }
    });
    return a;
}

} // namespace symflow::nd
