# aiprof_warnings(TARGET): the house warning set; -Werror when AIPROF_WERROR (CI) is on.
function(aiprof_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(AIPROF_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
