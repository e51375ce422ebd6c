#pragma once
// symflow's static half alone: graphs whose types hold the DAG, bound and run by the fused
// executor, with NDArrays. About half the compile time of symflow.hpp, which adds the
// runtime Symbol (graphs as data, MXNet JSON, checkpoints, Graphviz). Converting a static
// graph to a Symbol, its tojson() and get_internals() need symflow.hpp.
//
//   namespace sf = symflow;
//   using namespace symflow::literals;   // "A"_arg
#include "core/context.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/fixed_string.hpp"
#include "core/shape.hpp"
#include "nd/creation.hpp"
#include "nd/ndarray.hpp"
#include "nd/random.hpp"
#include "sym/arguments.hpp"
#include "sym/binary_ops.hpp"
#include "sym/bind.hpp"
#include "sym/broadcast_functions.hpp"
#include "sym/expr.hpp"
#include "sym/layer_functions.hpp"
#include "sym/linalg.hpp"
#include "sym/naming.hpp"
#include "sym/operators.hpp"
#include "sym/reduce_ops.hpp"
#include "sym/shape_functions.hpp"
#include "sym/unary_ops.hpp"
