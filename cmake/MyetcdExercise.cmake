# Labs cut from the real code (ARCHITECTURE §1, docs/start-here/labs.md).
#
#   myetcd_exercise(ID s1-01 FILE <stage .cc, relative to the repo> TEST <myetcd_test name>
#                   CASES "*[s1-01]*")
#
# makes, from the named test's own sources and libraries:
#   ex_<id>_solution  the test sources + the real file        (CTest: exercise.<id>.solution)
#   ex_<id>_starter   the test sources + the generated starter (CTest: exercise.<id>.starter)
#   ex_<id>           the test sources + the learner's copy in workspace/<id>/ (not in ALL,
#                     never run by CTest: built by `make check EX=<id>`)
#
# The lab's file is compiled into the executable, so the linker sees its symbols before it
# opens the stage's static library and never pulls that library's member for the same
# translation unit: one compile and a link replace exactly one file of the stage.
#
# With PROGRAM <myetcd_app name> (a lab also graded by a script against the real program,
# e.g. s1-08 by the power-cut crash test), the same is done to that program:
#   ex_<id>_solution_server, ex_<id>_starter_server, ex_<id>_server (the learner's)
# and the CTest checks run the lab's script (exercises/labs.json: "script") on them too.
include_guard(GLOBAL)

function(myetcd_exercise)
  cmake_parse_arguments(A "" "ID;FILE;TEST;CASES;PROGRAM" "" ${ARGN})
  get_property(test_sources GLOBAL PROPERTY MYETCD_TEST_${A_TEST}_SOURCES)
  get_property(test_deps GLOBAL PROPERTY MYETCD_TEST_${A_TEST}_DEPS)
  if(NOT test_sources)
    message(FATAL_ERROR "lab ${A_ID}: no myetcd_test named ${A_TEST}")
  endif()
  set(original "${MYETCD_ROOT}/${A_FILE}")
  get_filename_component(base "${original}" NAME)
  get_filename_component(original_dir "${original}" DIRECTORY)
  set(lab_py "${MYETCD_ROOT}/scripts/lab.py")

  set(starter "${CMAKE_BINARY_DIR}/labs/${A_ID}/starter/${base}")
  add_custom_command(
    OUTPUT "${starter}"
    COMMAND "${Python3_EXECUTABLE}" "${lab_py}" stub "${A_ID}" "${original}" "${starter}"
    DEPENDS "${original}" "${lab_py}" "${MYETCD_ROOT}/exercises/labs.json"
    COMMENT "lab ${A_ID}: generating the starter of ${base}")

  set(learner "${MYETCD_LAB_WORKSPACE}/${A_ID}/${base}")
  set(kinds solution starter)
  if(EXISTS "${learner}")
    list(APPEND kinds learner)
  endif()
  foreach(kind IN LISTS kinds)
    if(kind STREQUAL "solution")
      set(target ex_${A_ID}_solution)
      set(file "${original}")
    elseif(kind STREQUAL "starter")
      set(target ex_${A_ID}_starter)
      set(file "${starter}")
    else()
      set(target ex_${A_ID})
      set(file "${learner}")
    endif()
    add_executable(${target} ${test_sources} "${file}")
    target_include_directories(${target} PRIVATE "${original_dir}")
    target_link_libraries(${target} PRIVATE ${test_deps} myetcd_doctest_main)
    set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/labs")
    if(kind STREQUAL "learner")
      set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL ON)
    endif()
    if(A_PROGRAM)
      get_property(app_sources GLOBAL PROPERTY MYETCD_APP_${A_PROGRAM}_SOURCES)
      get_property(app_deps GLOBAL PROPERTY MYETCD_APP_${A_PROGRAM}_DEPS)
      if(NOT app_sources)
        message(FATAL_ERROR "lab ${A_ID}: no myetcd_app named ${A_PROGRAM}")
      endif()
      add_executable(${target}_server ${app_sources} "${file}")
      target_include_directories(${target}_server PRIVATE "${original_dir}")
      target_link_libraries(${target}_server PRIVATE ${app_deps})
      set_target_properties(${target}_server PROPERTIES
                            RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/labs")
      if(kind STREQUAL "learner")
        set_target_properties(${target}_server PROPERTIES EXCLUDE_FROM_ALL ON)
      endif()
    endif()
  endforeach()

  foreach(kind solution starter)
    set(program_args)
    if(A_PROGRAM)
      set(program_args --lab ${A_ID} --program "$<TARGET_FILE:ex_${A_ID}_${kind}_server>"
                       --bin-dir "${CMAKE_BINARY_DIR}/bin")
    endif()
    if(kind STREQUAL "solution")
      set(expect pass)
    else()
      set(expect fail)
    endif()
    add_test(NAME exercise.${A_ID}.${kind}
             COMMAND "${Python3_EXECUTABLE}" "${lab_py}" run-cases --expect ${expect}
                     ${program_args} "$<TARGET_FILE:ex_${A_ID}_${kind}>" "${A_CASES}")
  endforeach()
  set_tests_properties(exercise.${A_ID}.solution exercise.${A_ID}.starter
                       PROPERTIES LABELS exercise TIMEOUT 300)
endfunction()
