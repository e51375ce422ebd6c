# The UBSan checks symflow's sanitized builds leave out, one list for the unit tests
# (tests/CMakeLists.txt) and the fuzz targets (tests/fuzz/project).
# float-cast-overflow (which g++'s -fsanitize=undefined leaves out too): xsimd 8.1's
# double exp on SSE2 (behind float64 exp, cosh, sinh, ...) converts its out-of-range
# intermediate to int64 through a scalar cast, then discards it with a select; clang's
# check aborts on that (tests/fuzz/regressions/infer/cosh_float64_of_inf).
set(SYMFLOW_UBSAN_EXCLUDE -fno-sanitize=float-cast-overflow)
