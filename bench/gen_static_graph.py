#!/usr/bin/env python3
"""Prints a C++ program that builds, binds and runs one static symflow graph of N op nodes.

Usage: gen_static_graph.py N [dag|tree] [header]

Used by bench/compile_time.sh to measure what a static graph costs the compiler. The graph
is a chain with fan-in: each node combines the previous node with a variable, a scalar, or
applies a unary op, chosen by a fixed-seed generator so that every run compiles the same
program. In a "dag" (the default) one node in ten also reads an earlier node, so the graph
reuses nodes; a static graph's type is a tree, in which each reuse copies the reused
subtree. A "tree" has no reuse: N op nodes are N occurrences in the type.
"""
import random
import sys

n = int(sys.argv[1])
kind = sys.argv[2] if len(sys.argv) > 2 else "dag"
header = sys.argv[3] if len(sys.argv) > 3 else "symflow/symflow.hpp"
assert kind in ("dag", "tree"), kind
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
for k in range(1, n):
    p = f"n{k - 1}"
    r = rng.randrange(10)
    if r < 6:
        v = names[rng.randrange(8)]
        used.add(v)
        e = f"{p} {binary[k % 4]} {v.lower()}"
    elif r < 8:
        e = f"{unary[rng.randrange(len(unary))]}({p})"
    elif r < 9:
        e = f"{p} * 0.5f"
    elif kind == "dag":
        e = f"{p} + n{rng.randrange(max(k - 4, 0), k)}"
    else:
        e = f"{p} - {names[rng.randrange(8)].lower()}"
        used.add(e[-1].upper())
    out.append(f"    auto n{k} = {e};")
args = ", ".join(f'"{v}"_arg = x' for v in names if v in used)
out += ["    auto x = sf::nd::full(sf::Shape{1024}, 0.5);",
        f"    auto ex = n{n - 1}.bind(sf::cpu(), {args});",
        "    std::printf(\"%g\\n\", double(ex.forward()[0].data<float>()[0]));",
        "}"]
print("\n".join(out))
