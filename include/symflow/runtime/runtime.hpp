#pragma once
// The whole runtime half: Symbol and the headers that define its heavier members
// (inference, the interpreter, JSON, Graphviz, checkpoints). symbol.hpp only declares
// them, so that each of these headers can include it without a cycle.
#include "symbol.hpp"
#include "infer.hpp"
#include "executor.hpp"
#include "json.hpp"
#include "dot.hpp"
#include "checkpoint.hpp"
