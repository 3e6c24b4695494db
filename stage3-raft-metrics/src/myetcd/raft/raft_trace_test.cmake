# raft-trace on a real trace: run one seed with --trace, print it, look for the columns.
execute_process(COMMAND "${SIM}" --seed 3 --ticks 300 --trace raft-trace-test.jsonl
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "raft-sim failed: ${rc}")
endif()
execute_process(COMMAND "${TRACE}" raft-trace-test.jsonl OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "raft-trace failed: ${rc}\n${out}")
endif()
if(NOT out MATCHES "tick +\\| node 1 +\\| node 2" OR NOT out MATCHES " L +[0-9]+")
  message(FATAL_ERROR "raft-trace printed no node columns or no leader:\n${out}")
endif()
file(REMOVE raft-trace-test.jsonl)
