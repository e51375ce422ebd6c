#pragma once
// symflow: MXNet's Symbol API for C++20. The umbrella header; nothing else is needed.
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
#include "nd/numpy_format.hpp"
#include "nd/random.hpp"
#include "ops/registry.hpp"
#include "runtime/symbol.hpp"
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
#include "sym/to_symbol.hpp"
#include "sym/unary_ops.hpp"
