# Runs one libFuzzer target as a test (see mq_add_fuzzer):
#   1. replays every input in REGRESS_DIR once (-runs=0 runs the corpus only);
#   2. fuzzes for SECONDS (or $ENV{MQ_FUZZ_SECONDS}) from the seeds in SEED_DIR, writing new inputs to
#      WORK_DIR/corpus and crash artifacts to WORK_DIR/artifacts.
#
#   cmake -DFUZZER=... -DNAME=... -DSEED_DIR=... -DREGRESS_DIR=... -DWORK_DIR=... -DSECONDS=... -P run_fuzzer.cmake

foreach(var FUZZER NAME SEED_DIR REGRESS_DIR WORK_DIR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake needs -D${var}=...")
  endif()
endforeach()
if(DEFINED ENV{MQ_FUZZ_SECONDS})
  set(SECONDS $ENV{MQ_FUZZ_SECONDS})
endif()
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
# One slow input or a runaway allocation is a failure too.
set(artifacts -artifact_prefix=${WORK_DIR}/artifacts/ -timeout=10 -rss_limit_mb=2048)

file(GLOB kept ${REGRESS_DIR}/*)
if(kept)
  list(LENGTH kept count)
  message(STATUS "${NAME}: replaying ${count} kept input(s) from ${REGRESS_DIR}")
  execute_process(COMMAND ${FUZZER} -runs=0 ${artifacts} ${REGRESS_DIR} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NAME}: a kept input in ${REGRESS_DIR} fails again (exit ${rc})")
  endif()
else()
  message(STATUS "${NAME}: no kept inputs in ${REGRESS_DIR}")
endif()

set(seeds)
if(IS_DIRECTORY ${SEED_DIR})
  set(seeds ${SEED_DIR})
else()
  message(STATUS "${NAME}: no seed corpus at ${SEED_DIR}; starting from nothing")
endif()
message(STATUS "${NAME}: fuzzing for ${SECONDS} s")
execute_process(COMMAND ${FUZZER} -max_total_time=${SECONDS} -print_final_stats=1 ${artifacts}
                        ${WORK_DIR}/corpus ${seeds}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB found ${WORK_DIR}/artifacts/*)
  message(FATAL_ERROR "${NAME}: libFuzzer found a failure (exit ${rc}). Inputs: ${found}\n"
                      "Fix it, then keep the input as a regression test in ${REGRESS_DIR}/.")
endif()
