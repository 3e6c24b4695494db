# Helper functions shared by every stage:
#   myetcd_library(NAME <name> SOURCES ... DEPS ...)  -> static library myetcd_<name>,
#                                                        alias myetcd::<name>
#   myetcd_test(NAME <name> LABELS ... SOURCES ... DEPS ... [TIMEOUT s])
#                                                     -> doctest binary + one CTest test
#   myetcd_app(NAME <name> SOURCES ... DEPS ...)     -> executable in <build>/bin
include_guard(GLOBAL)

function(myetcd_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(myetcd_${A_NAME} STATIC ${A_SOURCES})
  add_library(myetcd::${A_NAME} ALIAS myetcd_${A_NAME})
  # Modules live in <stage>/src/myetcd/<module>/; includes are rooted at src/, so they
  # read "myetcd/<module>/<file>.h".
  target_include_directories(myetcd_${A_NAME} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/../..")
  target_link_libraries(myetcd_${A_NAME} PUBLIC ${A_PUBLIC_DEPS} PRIVATE ${A_DEPS})
endfunction()

# One doctest main shared by every test binary (compiled once).
if(NOT TARGET myetcd_doctest_main)
  add_library(myetcd_doctest_main STATIC "${MYETCD_ROOT}/cmake/doctest_main.cc")
  target_link_libraries(myetcd_doctest_main PUBLIC doctest::doctest)
endif()

function(myetcd_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "LABELS;SOURCES;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} myetcd_doctest_main)
  set_target_properties(${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
  add_test(NAME ${A_NAME} COMMAND ${A_NAME})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  set_tests_properties(${A_NAME} PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT})
  # Remember which sources and libraries make up this test, so a lab can rebuild it
  # around a learner's file (see exercises/CMakeLists.txt).
  list(TRANSFORM A_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/" REGEX "^[^/]")
  set_property(GLOBAL PROPERTY MYETCD_TEST_${A_NAME}_SOURCES ${A_SOURCES})
  set_property(GLOBAL PROPERTY MYETCD_TEST_${A_NAME}_DEPS ${A_DEPS})
endfunction()

# `myetcd_programs` builds every program and nothing else (make build: a newcomer's first
# build should not wait for every test binary).
if(NOT TARGET myetcd_programs)
  add_custom_target(myetcd_programs)
endif()

function(myetcd_app)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  add_dependencies(myetcd_programs ${A_NAME})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
  set_target_properties(${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")
  # Remembered like a test's, so a lab graded against the real program can rebuild it
  # around a learner's file.
  list(TRANSFORM A_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/" REGEX "^[^/]")
  set_property(GLOBAL PROPERTY MYETCD_APP_${A_NAME}_SOURCES ${A_SOURCES})
  set_property(GLOBAL PROPERTY MYETCD_APP_${A_NAME}_DEPS ${A_DEPS})
endfunction()

# A Google Benchmark binary in <build>/bench (run by `make bench`; never by CTest, because
# speed is measured by benchmarks, not asserted by tests).
function(myetcd_bench)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} benchmark::benchmark_main)
  set_target_properties(${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bench")
endfunction()
