# One fuzz smoke test: copies the seeds into a fresh working corpus in the build tree
# (the source tree is never written), then fuzzes for SECONDS; any crash, leak, timeout
# (an input over 10 s) or memory blow-up (over 2 GB) fails the test, and libFuzzer's
# report names the saved input (crash-<sha1> in WORK). -DEXE -DWORK -DSEEDS -DSECONDS -DEXTRA.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus)
foreach(dir IN LISTS SEEDS)
  if(IS_DIRECTORY ${dir})  # the shared samples are absent in a clone of the project alone
    file(GLOB files ${dir}/*)
    file(COPY ${files} DESTINATION ${WORK}/corpus)
  endif()
endforeach()
execute_process(COMMAND ${EXE} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix=${WORK}/ ${EXTRA} ${WORK}/corpus
  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# libFuzzer writes one line per new input; keep the log short: the summary and any report.
string(REGEX REPLACE "#[0-9]+\t(NEW|REDUCE|pulse)[^\n]*\n" "" err "${err}")
string(REGEX REPLACE "\tNEW_FUNC[^\n]*\n" "" err "${err}")
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} failed (exit code ${rc}); the input is saved in ${WORK}")
endif()
