// The runtime kernel table, compiled once for the whole test executable: the other
// translation units see it as an extern template (SYMFLOW_RUNTIME_KERNELS_EXTERN).
#include <symflow/symflow.hpp>

template const symflow::sym::rt::op_runtime* symflow::sym::rt::find_runtime<void>(std::string_view);
