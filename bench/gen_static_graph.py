#!/usr/bin/env python3
"""Prints a C++ program that builds, binds and runs one static symflow graph of N op nodes.

Usage: gen_static_graph.py N [dag|tree] [header | eigen]

Used by bench/compile_time.sh to measure what a static graph costs the compiler. The graph
is a chain with fan-in: each node combines the previous node with a variable, a scalar, or
applies a unary op, chosen by a fixed-seed generator so that every run compiles the same
program. In a "dag" (the default) one node in ten also reads an earlier node, so the graph
reuses nodes; a static graph's type is a tree, in which each reuse copies the reused
subtree. A "tree" has no reuse: N op nodes are N occurrences in the type.

With "eigen" in place of the header, it prints the same tree as one Eigen array
expression (Eigen's expression types are trees too), the reference compile_time.sh
measures beside symflow's: what the field's best-known expression-template library costs
the compiler for the same graph.
"""
import random
import sys

n = int(sys.argv[1])
kind = sys.argv[2] if len(sys.argv) > 2 else "dag"
header = sys.argv[3] if len(sys.argv) > 3 else "symflow/symflow.hpp"
assert kind in ("dag", "tree"), kind
eigen = header == "eigen"
assert not (eigen and kind == "dag"), "the Eigen reference is a tree"
rng = random.Random(1234 + n)
names = "ABCDEFGH"
out = [f"#include <{header}>", "#include <cstdio>", "namespace sf = symflow;",
       "using namespace sf::literals;", "int main() {"]
for v in names:
    out.append(f'    [[maybe_unused]] auto {v.lower()} = sf::sym::Variable<"{v}">();')
out.append("    auto n0 = a * b;")
used = {"A", "B"}
binary = ["+", "-", "*", "/"]
unary = ["sf::sym::relu", "sf::sym::sigmoid", "sf::sym::tanh", "sf::sym::abs", "sf::sym::exp"]
# the same ops on an Eigen array expression x: relu, sigmoid, tanh, abs, exp
eigen_unary = ["({}).max(0.f)", "(1.f / (1.f + (-({})).exp()))", "({}).tanh()", "({}).abs()", "({}).exp()"]
if eigen:
    out = ["#include <Eigen/Core>", "#include <cstdio>", "int main() {",
           "    const Eigen::ArrayXf x = Eigen::ArrayXf::Constant(1024, 0.5f);"]
    out += [f"    [[maybe_unused]] const Eigen::ArrayXf& {v.lower()} = x;" for v in names]
    out.append("    auto n0 = a * b;")
for k in range(1, n):
    p = f"n{k - 1}"
    r = rng.randrange(10)
    if r < 6:
        v = names[rng.randrange(8)]
        used.add(v)
        e = f"{p} {binary[k % 4]} {v.lower()}"
    elif r < 8:
        u = rng.randrange(len(unary))
        e = eigen_unary[u].format(p) if eigen else f"{unary[u]}({p})"
    elif r < 9:
        e = f"{p} * 0.5f"
    elif kind == "dag":
        e = f"{p} + n{rng.randrange(max(k - 4, 0), k)}"
    else:
        e = f"{p} - {names[rng.randrange(8)].lower()}"
        used.add(e[-1].upper())
    out.append(f"    auto n{k} = {e};")
if eigen:
    out += [f"    const Eigen::ArrayXf y = n{n - 1};", "    std::printf(\"%g\\n\", double(y[0]));", "}"]
    print("\n".join(out))
    sys.exit(0)
args = ", ".join(f'"{v}"_arg = x' for v in names if v in used)
out += ["    auto x = sf::nd::full(sf::Shape{1024}, 0.5);",
        f"    auto ex = n{n - 1}.bind(sf::cpu(), {args});",
        "    std::printf(\"%g\\n\", double(ex.forward()[0].data<float>()[0]));",
        "}"]
print("\n".join(out))
