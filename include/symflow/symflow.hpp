#pragma once
// symflow: MXNet's Symbol API for C++20. The umbrella header; nothing else is needed.
//
//   namespace sf = symflow;
//   using namespace symflow::literals;   // "A"_arg
// The static half first: a compile error in a static graph then names the culprit after a
// short chain of "In file included from" lines.
#include "static.hpp"
#include "nd/io.hpp"
#include "nd/numpy_format.hpp"
#include "ops/registry.hpp"
#include "runtime/runtime.hpp"
#include "sym/to_symbol.hpp"
