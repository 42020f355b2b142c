# Runs the sigv4_suite binary on a folder built to make it fail, and passes only if it
# fails for the expected reason. Invoked by CTest as
#   cmake -DSUITE_BIN=... -DWORK_DIR=... -DMODE=corrupt|empty|missing
#         [-DSOURCE_CASE=<case folder> -DCORRUPT_FILE=<file in it>] -DEXPECT=<regex> -P this
# corrupt: copies SOURCE_CASE into WORK_DIR, first checks that the intact copy passes
#          (so the failure below is the corruption's doing), then flips the last
#          character of CORRUPT_FILE (a signature) and expects a failure.
# empty:   WORK_DIR exists but holds no case. missing: WORK_DIR does not exist.
foreach(_v SUITE_BIN WORK_DIR MODE EXPECT)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "expect_suite_failure.cmake: ${_v} is not set")
  endif()
endforeach()

function(run_suite out_rc out_text)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env "SIGV4_SUITE_DIR=${WORK_DIR}" "${SUITE_BIN}"
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err TIMEOUT 60)
  set(${out_rc} "${_rc}" PARENT_SCOPE)
  set(${out_text} "${_out}${_err}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
if(MODE STREQUAL "corrupt")
  get_filename_component(_name "${SOURCE_CASE}" NAME)
  file(MAKE_DIRECTORY "${WORK_DIR}")
  # The shared test data is read-only; the copy must be writable.
  file(COPY "${SOURCE_CASE}" DESTINATION "${WORK_DIR}"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
  run_suite(_rc _text)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "control run: the intact copy of ${_name} should pass but did not (rc ${_rc}):\n${_text}")
  endif()
  set(_target "${WORK_DIR}/${_name}/${CORRUPT_FILE}")
  if(NOT EXISTS "${_target}")
    message(FATAL_ERROR "${_target} does not exist")
  endif()
  file(READ "${_target}" _content)
  string(REGEX REPLACE "[ \r\n]+$" "" _content "${_content}")
  string(LENGTH "${_content}" _len)
  math(EXPR _last "${_len} - 1")
  string(SUBSTRING "${_content}" 0 ${_last} _head)
  string(SUBSTRING "${_content}" ${_last} 1 _tail)
  if(_tail STREQUAL "0")
    set(_tail "1")
  else()
    set(_tail "0")
  endif()
  file(WRITE "${_target}" "${_head}${_tail}")
elseif(MODE STREQUAL "empty")
  file(MAKE_DIRECTORY "${WORK_DIR}/not-a-case")
  file(WRITE "${WORK_DIR}/not-a-case/README.txt" "a folder with no SigV4 case in it\n")
elseif(NOT MODE STREQUAL "missing")
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()

run_suite(_rc _text)
file(REMOVE_RECURSE "${WORK_DIR}")
if(_rc EQUAL 0)
  message(FATAL_ERROR "sigv4_suite passed but had to fail (${MODE}):\n${_text}")
endif()
if(NOT _text MATCHES "${EXPECT}")
  message(FATAL_ERROR "sigv4_suite failed, but its output does not match '${EXPECT}':\n${_text}")
endif()
message(STATUS "sigv4_suite failed as it must (${MODE}, rc ${_rc})")
