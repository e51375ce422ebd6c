# Builds the ThreadSanitizer test executable (see CMakeLists.txt beside it): Catch2's main
# and tests/test_thread_safety.cpp, with clang++ -fsanitize=thread -fopenmp (libomp).
# The project's headers with -I (warnings in them count), its dependencies' with -isystem.
set(others ${INCLUDES})
list(POP_FRONT others own)
set(common -std=c++20 -fsanitize=thread -fopenmp -Wall -Wextra -Wpedantic -I${own})
foreach(dir IN LISTS others)
  list(APPEND common -isystem ${dir})
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}${err}")
  endif()
  if(NOT "${out}${err}" STREQUAL "")
    message(FATAL_ERROR "warnings (the build is -Wall -Wextra -Wpedantic clean): ${ARGN}\n${out}${err}")
  endif()
endfunction()

# Catch2's main is not what is under test: no optimisation, no debug info, fastest to build.
run(${CXX} ${common} -O0 -c ${MAIN} -o ${DIR}/main.o)
# -O0 -g1: TSan's reports with function names and lines; -O1 took about 200 s of CPU to
# build this file (the runtime kernel table), -O0 about 35 s, and the run stays ~4 s.
run(${CXX} ${common} -O0 -g1 "-DSYMFLOW_TEST_DATA_DIR=\"${DATA_DIR}\"" "-DSYMFLOW_SHARED_DIR=\"${SHARED_DIR}\""
    -c ${TEST} -o ${DIR}/test_thread_safety.o)
run(${CXX} -fsanitize=thread -fopenmp ${DIR}/main.o ${DIR}/test_thread_safety.o -o ${OUT})
