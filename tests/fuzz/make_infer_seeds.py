#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_infer (corpus/infer/*.bin): byte strings that decode,
as infer_harness.hpp decodes them, to small graphs that infer, bind and run, so that the
fuzzer starts from the deep end. OPS must list the runtime's op table in order (print
sym::detail::op_table() names); if it goes stale the seeds still decode, only to other graphs.

Usage: python3 tests/fuzz/make_infer_seeds.py tests/fuzz/corpus/infer
"""
import os
import re
import sys

OPS = """elemwise_add elemwise_sub elemwise_mul elemwise_div _plus_scalar _minus_scalar _rminus_scalar _mul_scalar
_div_scalar _rdiv_scalar _mod _power _maximum _minimum _hypot _mod_scalar _rmod_scalar _power_scalar _rpower_scalar
_maximum_scalar _minimum_scalar _hypot_scalar _equal _not_equal _greater _greater_equal _lesser _lesser_equal
_equal_scalar _not_equal_scalar _greater_scalar _greater_equal_scalar _lesser_scalar _lesser_equal_scalar abs sign
negative square sqrt rsqrt cbrt reciprocal exp expm1 log log1p log2 log10 sin cos tan arcsin arccos arctan sinh cosh
tanh floor ceil round rint fix trunc relu sigmoid softsign Activation LeakyReLU clip broadcast_add broadcast_sub
broadcast_mul broadcast_div broadcast_mod broadcast_power broadcast_maximum broadcast_minimum broadcast_hypot
broadcast_equal broadcast_not_equal broadcast_greater broadcast_greater_equal broadcast_lesser broadcast_lesser_equal
broadcast_to broadcast_like sum mean prod nansum max min norm argmax argmin dot batch_dot FullyConnected softmax
log_softmax SoftmaxOutput Dropout Reshape transpose expand_dims squeeze Flatten slice slice_axis tile repeat Cast
Concat stack zeros_like ones_like where SliceChannel BatchNorm Convolution Deconvolution Pooling Embedding LRN
InstanceNorm LayerNorm BlockGrad MakeLoss LinearRegressionOutput LogisticRegressionOutput MAERegressionOutput _copy
Pad UpSampling add_n SoftmaxActivation Crop""".split()


def harness_list(name):
    """The strings of array `name` in infer_harness.hpp, in order."""
    text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "infer_harness.hpp")).read()
    body = text[text.index(name + "[] = {"):]
    body = body[body.index("{") + 1:body.index("};")]
    return re.findall(r'"((?:[^"\\]|\\.)*)"', body)


KEYS = harness_list("attr_keys")
VALUES = harness_list("attr_values")
DTYPES = ["float32", "float64", "int32", "int64"]


def var(dims, dtype, shape_mode=0, dtype_mode=0):
    """A variable: shape_mode 0 in the map, 2 as __shape__, 3 not given; dtype_mode 0 map, 1 __dtype__, 2 none."""
    return [shape_mode, len(dims), *dims, DTYPES.index(dtype), dtype_mode]


def op(name, inputs, attrs=()):
    """A generic node of op `name` with (key, value) attrs and the given pool indices as inputs."""
    b = [0, 1, OPS.index(name), len(attrs)]
    for k, v in attrs:
        b += [KEYS.index(k), 1, VALUES.index(v)]  # 1: not a generated value
    return b + [1, *inputs]  # 1: the op's own arity


def graph(variables, nodes, values=b""):
    b = [len(variables) - 1]
    for v in variables:
        b += v
    b += [len(nodes) - 1]
    for n in nodes:
        b += n
    return bytes(b + [1]) + values  # 1: a single head


SEEDS = {
    # (v0 + v1) -> sum(axis=1) on float32 2x3; pool: v0 v1 add sum
    "add_sum": graph([var([2, 3], "float32"), var([2, 3], "float32", dtype_mode=2)],
                     [op("elemwise_add", [0, 1]), op("sum", [2], [("axis", "1")])], bytes(range(12))),
    # int32 division and modulo with zeros and extremes in the data
    "int_div_mod": graph([var([4], "int32"), var([4], "int32", 2, 1)],
                         [op("elemwise_div", [0, 1]), op("_mod", [0, 1]), op("elemwise_add", [2, 3])],
                         bytes([12, 2, 13, 1, 0, 2, 0, 13])),
    # FullyConnected with the weight inferred backwards, then Reshape and transpose
    "fc_reshape": graph([var([2, 3], "float64"), var([], "float64", 3, 0)],
                        [op("FullyConnected", [0, 1], [("num_hidden", "4"), ("no_bias", "True")]),
                         op("Reshape", [2], [("shape", "(-1,)")]), op("expand_dims", [3], [("axis", "0")])]),
    # broadcast and Concat of int64 arrays, with a split into outputs
    "broadcast_concat": graph([var([2, 1], "int64", 0, 1), var([1, 3], "int64", 2, 1)],
                              [op("broadcast_mul", [0, 1]),
                               op("Concat", [2, 2], [("num_args", "2"), ("dim", "0")]),
                               op("SliceChannel", [3], [("num_outputs", "2"), ("axis", "0")])],
                              bytes([12, 13, 2, 3, 4, 5])),
    # Cast float -> int with NaN and infinities in the data (values 14, 15, 16 of the float table)
    "cast_nan": graph([var([3], "float32")], [op("Cast", [0], [("dtype", "int32")]), op("relu", [0])],
                      bytes([14, 15, 16])),
}

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "corpus/infer"
    os.makedirs(out, exist_ok=True)
    for name, b in SEEDS.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(b)
