# Everything a MyEtcd build needs before its first target: language level, dependencies,
# build options and the helper functions. Included by the top-level CMakeLists.txt and by
# each stage's CMakeLists.txt when that stage is the top of the build; the guard makes the
# second inclusion a no-op.
include_guard(GLOBAL)

set(MYETCD_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." CACHE INTERNAL "")
cmake_path(NORMAL_PATH MYETCD_ROOT)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "" FORCE)
endif()

option(MYETCD_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(MYETCD_CANARIES "Compile the planted-bug switches (MYETCD_CANARY=name) in" OFF)
option(MYETCD_BUILD_LABS "Build every lab's starter and solution (exercises/)" ON)
option(MYETCD_WERROR "Treat warnings as errors" OFF)
set(MYETCD_LAB_WORKSPACE "${MYETCD_ROOT}/workspace" CACHE PATH
    "Where scripts/lab.py start puts the learner's copies of lab files")

find_program(MYETCD_CCACHE ccache)
if(MYETCD_CCACHE)
  # CCACHE_BASEDIR / CCACHE_NOHASHDIR (set by the scripts) make a clone in another folder
  # hit the same cache.
  set(CMAKE_CXX_COMPILER_LAUNCHER "${MYETCD_CCACHE}")
endif()

find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(doctest REQUIRED)
find_package(benchmark REQUIRED)

# Designated initializers that name only some fields are the house style for specs.
add_compile_options(-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 warns about std::string concatenation it inlines (GCC bug 105329, a false
  # positive); the warning would bury real ones.
  add_compile_options(-Wno-restrict)
endif()
if(MYETCD_WERROR)
  add_compile_options(-Werror)
endif()
if(MYETCD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(MYETCD_CANARIES)
  add_compile_definitions(MYETCD_CANARIES=1)
endif()

enable_testing()
find_package(Python3 REQUIRED COMPONENTS Interpreter)
include(MyetcdTargets)
include(MyetcdExercise)
