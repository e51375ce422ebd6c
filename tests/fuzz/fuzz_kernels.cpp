// The runtime kernel table, compiled once for the fuzz targets that bind graphs; they
// see it as an extern template (SYMFLOW_RUNTIME_KERNELS_EXTERN), as the unit tests do.
#include <symflow/symflow.hpp>

template const symflow::sym::rt::op_runtime* symflow::sym::rt::find_runtime<void>(std::string_view);
