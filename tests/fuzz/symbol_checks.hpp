#pragma once
// The checks every fuzzed runtime Symbol goes through, whether it was loaded from JSON
// (json_harness.hpp) or built from fuzz bytes (infer_harness.hpp): listing and printing,
// the JSON round trip, type and shape inference, and, when the shapes are known and
// small, bind + forward with element values taken from the fuzz bytes.
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <symflow/symflow.hpp>

#include "harness_common.hpp"

namespace symflow_fuzz {

namespace sym_detail {

/// Runs f; symflow::error (the library refusing) yields nullopt, other exceptions escape.
template <class F>
auto refusable(F&& f) -> std::optional<decltype(f())> {
    try {
        return f();
    } catch (const symflow::error&) {
        return std::nullopt;
    }
}

/// Element values that find edge cases: zeros for division, extremes for overflow and
/// for float-to-int conversion, NaN and infinities.
template <class T>
T interesting_value(std::uint8_t b) {
    if constexpr (std::is_floating_point_v<T>) {
        constexpr T table[] = {0,   1,   -1,   2,   0.5, -0.0, 3.75, -2.5,   T(1e30), T(-1e30),
                               100, 7,   -7,   T(1e-30),
                               std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                               -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::max(),
                               std::numeric_limits<T>::lowest(), std::numeric_limits<T>::denorm_min()};
        return table[b % std::size(table)];
    } else {
        constexpr T table[] = {0, 1, -1, 2, 3, -2, 7, -7, 100, 31, 63, 64,
                               std::numeric_limits<T>::max(), std::numeric_limits<T>::min(),
                               std::numeric_limits<T>::max() - 1, std::numeric_limits<T>::min() + 1};
        return table[b % std::size(table)];
    }
}

/// An array of `shape` and `dt` with elements from `in`.
inline symflow::nd::NDArray fill(const symflow::Shape& shape, symflow::dtype dt, byte_reader& in) {
    symflow::nd::NDArray a(shape, dt);
    auto run = [&]<class T>() {
        for (T& x : a.data<T>()) x = interesting_value<T>(in.byte());
    };
    switch (dt) {
    case symflow::float32: run.template operator()<float>(); break;
    case symflow::float64: run.template operator()<double>(); break;
    case symflow::int32: run.template operator()<std::int32_t>(); break;
    case symflow::int64: run.template operator()<std::int64_t>(); break;
    }
    return a;
}

/// The shapes all fit under the caps (unknown ones count as empty).
inline bool small_enough(const std::vector<symflow::Shape>& shapes, std::size_t& total) {
    for (const auto& s : shapes) {
        std::size_t n = 1;
        for (auto d : s) {
            if (d != 0 && n > max_array_elements / static_cast<std::size_t>(d)) return false;
            n *= static_cast<std::size_t>(d);
        }
        if (n > max_array_elements) return false;
        total += n;
        if (total > max_total_elements) return false;
    }
    return true;
}

} // namespace sym_detail

/// Every user-facing operation on `s`; `shapes` and `types` are the argument shapes and
/// dtypes a user would pass, `values` supplies element values for bind.
inline void check_symbol(const symflow::sym::Symbol& s, const std::map<std::string, symflow::Shape>& shapes,
                         const std::map<std::string, symflow::dtype>& types, byte_reader& values) {
    using sym_detail::refusable;
    namespace sym = symflow::sym;

    // Listing and printing never refuse a well-formed graph.
    const auto args = s.list_arguments();
    const auto aux = s.list_auxiliary_states();
    const auto outs = s.list_outputs();
    (void)s.list_inputs();
    (void)s.get_internals().list_outputs();
    (void)s.get_children().list_outputs();
    (void)s.attr_dict();
    std::ostringstream os;
    os << s << s.debug_str();

    // The symbol's own text loads back to a symbol with the same text.
    const std::string text = s.tojson();
    const auto back = refusable([&] { return sym::load_json(text); });
    expect(back.has_value(), "load_json refused the text tojson wrote:\n" + text);
    expect(back->tojson() == text, "tojson -> load_json -> tojson changed the text:\n" + text);
    expect(back->list_arguments() == args && back->list_outputs() == outs,
           "the JSON round trip changed list_arguments or list_outputs");
    (void)refusable([&] { return s.to_dot(); });

    const auto partial = refusable([&] { return s.infer_shape_partial(shapes); });
    const auto dtypes = refusable([&] { return s.infer_type(types); });
    const auto full = refusable([&] { return s.infer_shape(shapes); });
    if (full) {
        expect(full->arg.size() == args.size() && full->out.size() == outs.size() && full->aux.size() == aux.size(),
               "infer_shape's lists do not match list_arguments/list_outputs/list_auxiliary_states");
        expect(partial.has_value(), "infer_shape succeeded where infer_shape_partial refused");
    }
    if (dtypes)
        expect(dtypes->arg.size() == args.size() && dtypes->out.size() == outs.size() && dtypes->aux.size() == aux.size(),
               "infer_type's lists do not match list_arguments/list_outputs/list_auxiliary_states");
    if (!full || !dtypes) return;
    ++stats().inferred;

    // Bind only graphs whose every array is small: the internals (hidden outputs such as
    // Dropout's mask have the shape of a visible one) and the arguments.
    const auto internals = refusable([&] { return s.get_internals().infer_shape_partial(shapes); });
    if (!internals) return;
    std::size_t total = 0;
    if (!sym_detail::small_enough(internals->out, total) || !sym_detail::small_enough(full->arg, total) ||
        !sym_detail::small_enough(full->aux, total))
        return;

    std::map<std::string, symflow::nd::NDArray> arrays;
    for (std::size_t i = 0; i < args.size(); ++i)
        arrays[args[i]] = sym_detail::fill(full->arg[i], dtypes->arg[i], values);
    for (std::size_t i = 0; i < aux.size(); ++i)
        arrays[aux[i]] = sym_detail::fill(full->aux[i], dtypes->aux[i], values);
    auto exec = refusable([&] { return s.bind(symflow::cpu(), arrays); });
    if (!exec) return;
    ++stats().bound;
    for (int round = 0; round < 2; ++round) {
        const auto& out = exec->forward();
        expect(out.size() == outs.size(), "forward() gave " + std::to_string(out.size()) + " outputs for " +
                                              std::to_string(outs.size()) + " listed");
        for (std::size_t i = 0; i < out.size(); ++i) {
            expect(out[i].shape() == full->out[i],
                   "output " + outs[i] + " has shape " + out[i].shape().str() + " but infer_shape said " +
                       full->out[i].str());
            expect(out[i].dtype() == dtypes->out[i], "output " + outs[i] + " has dtype " +
                                                         std::string(symflow::dtype_name(out[i].dtype())) +
                                                         " but infer_type said " +
                                                         std::string(symflow::dtype_name(dtypes->out[i])));
        }
    }
    ++stats().ran;
    std::ostringstream printed;
    for (const auto& o : exec->outputs()) printed << o.asnumpy();
}

} // namespace symflow_fuzz
