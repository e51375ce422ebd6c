#pragma once
// SliceChannel (alias split): one input cut into num_outputs equal pieces along an axis,
// MXNet's one op with several outputs (see "several outputs" in op.hpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../nd/ndarray.hpp"
#include "op.hpp"
#include "shape_ops.hpp"

namespace symflow::ops {

/// SliceChannel's attributes (MXNet's SliceChannelParam): how many pieces (required),
/// along which axis, and whether to drop that axis when the pieces are 1 long.
struct split_param {
    int num_outputs = 1;        ///< number of pieces, at least 1; must divide the axis length
    int axis = 1;               ///< the axis cut; negative counts from the end
    bool squeeze_axis = false;  ///< remove the cut axis from the outputs (pieces must be 1 long)

    /// MXNet's text: num_outputs always, axis and squeeze_axis when not their defaults.
    std::map<std::string, std::string> to_attrs() const {
        std::map<std::string, std::string> r{{"num_outputs", std::to_string(num_outputs)}};
        if (axis != 1) r["axis"] = std::to_string(axis);
        if (squeeze_axis) r["squeeze_axis"] = "True";
        return r;
    }
    /// num_outputs (required, at least 1), axis (default 1) and squeeze_axis (default False).
    static split_param from_attrs(const attr_reader& r) {
        (void)r.require("num_outputs");
        return {static_cast<int>(r.integer("num_outputs", 1, 1, max_node_outputs)),
                static_cast<int>(r.integer("axis", 1, attr_detail::int_lo, attr_detail::int_hi)),
                r.boolean("squeeze_axis", false)};
    }
};

/// SliceChannel(data, num_outputs, axis=1, squeeze_axis=False): output i is the i-th of
/// num_outputs equal pieces of `data` along `axis` (op SliceChannel, alias split; hint
/// slicechannel, and split for the split() form). The axis length must be a multiple of
/// num_outputs; squeeze_axis removes the axis, which needs pieces of length 1 (an empty
/// axis is removed too, as in MXNet). Outputs are named output0, output1, ...
struct split_op {
    static constexpr std::string_view name = "SliceChannel", hint = "slicechannel";
    static constexpr std::array<std::string_view, 1> aliases{"split"};
    static constexpr std::array<std::string_view, 1> inputs{"data"};
    static constexpr op_kind kind = op_kind::materialized;
    using params = split_param;

    // ---- several outputs (op.hpp) ----
    /// A SliceChannel node has num_outputs outputs.
    static constexpr bool multi_output = true;
    /// The attribute holding the number of outputs (what op_info reads to count them).
    static constexpr std::string_view num_outputs_attr = "num_outputs";
    /// Outputs when the attribute is absent, and the name of output 0 when there is only
    /// one: MXNet's SliceChannel names its outputs output0, output1, ... whatever their count.
    static constexpr std::uint32_t info_outputs = 1;
    static constexpr std::array<std::string_view, 1> output_names{"output0"};

    /// Number of outputs of a node with params p.
    static std::size_t num_outputs(const split_param& p) {
        return p.num_outputs < 1 ? 1 : static_cast<std::size_t>(p.num_outputs);
    }

    /// The cut axis (validated) and the length of each piece.
    struct resolved {
        std::size_t axis;    ///< in [0, ndim)
        Shape::dim_t piece;  ///< the axis length / num_outputs
    };
    /// Validates p against the input shape s: errors name the axis, its length and num_outputs.
    static resolved resolve(const split_param& p, const Shape& s) {
        if (s.ndim() == 0) throw error("cannot split a 0-d input: it has no axis " + std::to_string(p.axis));
        shape_detail::check_max_ndim(s, "SliceChannel");
        const std::size_t a = shape_detail::normalize_axis(p.axis, s.ndim());
        const Shape::dim_t len = s[a], n = p.num_outputs;
        if (len % n != 0)
            throw error("axis " + std::to_string(p.axis) + " of the input " + s.str() + " has length " +
                        std::to_string(len) + ", which num_outputs=" + std::to_string(n) +
                        " does not divide into equal pieces");
        const Shape::dim_t piece = len / n;
        if (p.squeeze_axis && piece > 1)
            throw error("squeeze_axis=True removes axis " + std::to_string(p.axis) +
                        ", so its pieces must be 1 long, but splitting the input " + s.str() + " (length " +
                        std::to_string(len) + ") into num_outputs=" + std::to_string(n) + " gives pieces of length " +
                        std::to_string(piece) + "; num_outputs must equal the axis length");
        return {a, piece};
    }

    /// The shape and dtype of every output: the input's, with the cut axis divided by
    /// num_outputs (or removed when squeeze_axis).
    static std::vector<meta> infer_outputs(const split_param& p, const std::array<meta, 1>& in) {
        if (p.num_outputs < 1 || p.num_outputs > max_node_outputs)
            throw error("num_outputs is " + std::to_string(p.num_outputs) + "; it must be at least 1 and at most " +
                        std::to_string(max_node_outputs));
        const std::size_t n = num_outputs(p);
        if (!in[0].shape_known) return std::vector<meta>(n, meta{Shape{}, in[0].dt, false});
        const Shape& s = in[0].shape;
        const resolved r = resolve(p, s);
        std::vector<Shape::dim_t> dims(s.begin(), s.end());
        if (p.squeeze_axis) dims.erase(dims.begin() + static_cast<std::ptrdiff_t>(r.axis));
        else dims[r.axis] = r.piece;
        return std::vector<meta>(n, shape_detail::same_dtype(in[0], Shape(std::move(dims))));
    }

    /// Writes piece i of the input into outs[i], for every i (outs.size() == num_outputs).
    static void compute_outputs(const split_param& p, const std::array<nd::NDArray, 1>& in,
                                std::span<nd::NDArray> outs) {
        const Shape& s = in[0].shape();
        const resolved r = resolve(p, s);
        std::array<std::ptrdiff_t, shape_detail::max_ndim> st{};
        shape_detail::strides_of(s, st);
        for (std::size_t i = 0; i < outs.size(); ++i) {
            shape_detail::gather_plan plan;
            plan.offset = static_cast<std::ptrdiff_t>(i) * static_cast<std::ptrdiff_t>(r.piece) * st[r.axis];
            for (std::size_t k = 0; k < s.ndim(); ++k)
                plan.push(static_cast<std::size_t>(k == r.axis ? r.piece : s[k]), st[k]);
            shape_detail::gather(plan, in[0], outs[i]);
        }
    }

    // ---- the single-output entry points, for interpreters that run only such ops ----
    /// Refuses: SliceChannel has several outputs (a symflow::error saying so).
    static meta infer(const split_param& p, const std::array<meta, 1>&) { throw several_outputs(p); }
    /// Refuses, as infer() does.
    static void compute(const split_param& p, const std::array<nd::NDArray, 1>&, nd::NDArray&) {
        throw several_outputs(p);
    }

private:
    static error several_outputs(const split_param& p) {
        return error("SliceChannel has " + std::to_string(p.num_outputs) +
                     " outputs; it runs in static expressions (infer_outputs/compute_outputs), not yet through "
                     "a single-output interpreter");
    }
};

} // namespace symflow::ops
