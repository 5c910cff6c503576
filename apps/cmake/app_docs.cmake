# Runs one app with `--generate-docs KIND` for every kind and either writes
# the results into the source tree (MODE=write) or fails with a diff when
# the committed files differ (MODE=check). Also checks that groff reads the
# man page without warnings and that each completion script parses in its
# shell, for the tools that are installed.
#
#   cmake -DAPP_EXE=... -DAPP_NAME=... -DSOURCE_DIR=... -DWORK_DIR=... -DMODE=write|check -P app_docs.cmake

foreach(var APP_EXE APP_NAME SOURCE_DIR WORK_DIR MODE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "app_docs.cmake needs -D${var}=...")
  endif()
endforeach()

set(kinds man bash zsh fish)
set(paths man/${APP_NAME}.1 completions/bash/${APP_NAME} completions/zsh/_${APP_NAME}
          completions/fish/${APP_NAME}.fish)
set(shells "" bash zsh fish)  # the shell that must parse each document
file(MAKE_DIRECTORY ${WORK_DIR})

set(failures)
foreach(kind path shell IN ZIP_LISTS kinds paths shells)
  get_filename_component(leaf ${path} NAME)
  set(generated ${WORK_DIR}/${kind}-${leaf})
  execute_process(COMMAND ${APP_EXE} --generate-docs ${kind} OUTPUT_FILE ${generated}
                  ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${APP_NAME} --generate-docs ${kind} failed (${rc}): ${err}")
  endif()
  file(SIZE ${generated} size)
  if(size EQUAL 0)
    message(FATAL_ERROR "${APP_NAME} --generate-docs ${kind} printed nothing")
  endif()

  if(kind STREQUAL "man")
    find_program(groff_exe groff)
    if(groff_exe)
      execute_process(COMMAND ${groff_exe} -man -ww -z ${generated} ERROR_VARIABLE err RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
        list(APPEND failures "${path}: groff warns: ${err}")
      endif()
    endif()
  endif()
  if(shell)
    find_program(shell_exe ${shell})
    if(shell_exe)
      execute_process(COMMAND ${shell_exe} -n ${generated} ERROR_VARIABLE err RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        list(APPEND failures "${path}: ${shell} -n rejects it: ${err}")
      endif()
    else()
      message(STATUS "${shell} not installed; ${path} not syntax-checked")
    endif()
    unset(shell_exe CACHE)
    unset(shell_exe)
  endif()

  set(committed ${SOURCE_DIR}/${path})
  if(MODE STREQUAL "write")
    get_filename_component(dir ${committed} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${generated} ${committed})
    message(STATUS "wrote ${path}")
  elseif(NOT EXISTS ${committed})
    list(APPEND failures "${path} is missing")
  else()
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${committed} ${generated} RESULT_VARIABLE differs)
    if(differs)
      find_program(diff_exe diff)
      if(diff_exe)
        execute_process(COMMAND ${diff_exe} -u ${committed} ${generated})
      endif()
      list(APPEND failures "${path} differs from `${APP_NAME} --generate-docs ${kind}`")
    endif()
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "documentation of ${APP_NAME} is out of date:\n  ${text}\n"
                      "Regenerate with `cmake --build <build dir> --target docs` and commit the result.")
endif()
