# `cmake --install`: the five libraries, their headers, the anarchy command and a CMake package,
# so another project can `find_package(aiprof)` and link aiprof::instrumentation,
# aiprof::sampler, aiprof::report, aiprof::interpreter or aiprof::server (the live endpoint and
# snapshots, aiprof::serve; examples/embedding uses them all), and opt in
# to the sampler's libc interposition, aiprof::sampler_interposition (an object file, never
# part of a library: docs/sampling.md).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(aiprof_instrumentation PROPERTIES EXPORT_NAME instrumentation)
set_target_properties(aiprof_sampler PROPERTIES EXPORT_NAME sampler)
set_target_properties(aiprof_report PROPERTIES EXPORT_NAME report)
set_target_properties(aiprof_interpreter PROPERTIES EXPORT_NAME interpreter)
set_target_properties(aiprof_server PROPERTIES EXPORT_NAME server)
set_target_properties(aiprof_sampler_interposition PROPERTIES EXPORT_NAME sampler_interposition)

install(TARGETS aiprof_instrumentation aiprof_sampler aiprof_report aiprof_interpreter
                aiprof_server aiprof_sampler_interposition
  EXPORT aiprofTargets
  OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/aiprof-objects
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS anarchy RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(part instrumentation sampler report interpreter server)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${part}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()

set(AIPROF_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/aiprof)
install(EXPORT aiprofTargets NAMESPACE aiprof:: DESTINATION ${AIPROF_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/aiprofConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/aiprofConfig.cmake INSTALL_DESTINATION ${AIPROF_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/aiprofConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/aiprofConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/aiprofConfigVersion.cmake
  DESTINATION ${AIPROF_CMAKE_DIR})
