# CMake package file of an installed vtp: `find_package(vtp)` then link
# vtp::vtp (the production pool) or vtp::vtp_model (headers only).
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/vtpTargets.cmake")
