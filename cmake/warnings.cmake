# aiprof_warnings(TARGET): the house warning set; -Werror when AIPROF_WERROR (CI) is on.
function(aiprof_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # With sanitizers at -O2, GCC 12 reports maybe-uninitialized inside libstdc++'s own <regex>
  # (GCC bug 105562), which html_report_test includes: off in sanitizer builds only.
  if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(AIPROF_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
