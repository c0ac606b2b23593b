# Every dependency is a Debian 12 package.  A missing one stops configure
# with the name of the package to install; nothing is downloaded.

find_package(Threads REQUIRED)

# vtp_require(<found-variable> <debian-package> <what it is for>)
function(vtp_require found package purpose)
  if(NOT ${found})
    message(FATAL_ERROR
      "Missing dependency for ${purpose}: install the Debian package '${package}' "
      "(apt-get install ${package}), or run ./run.sh, which installs it.")
  endif()
endfunction()

if(VTP_USDT)
  find_path(VTP_SDT_INCLUDE sys/sdt.h)
  vtp_require(VTP_SDT_INCLUDE systemtap-sdt-dev "USDT probes (or configure with -DVTP_USDT=OFF)")
endif()

if(VTP_BUILD_TESTS)
  find_package(doctest QUIET)
  vtp_require(doctest_FOUND doctest-dev "the tests")
endif()

if(VTP_BUILD_CHECKER)
  find_package(Boost 1.81 QUIET CONFIG COMPONENTS context)
  vtp_require(Boost_FOUND libboost-context1.81-dev "the checker's fibers")
  find_package(nlohmann_json 3 QUIET)
  vtp_require(nlohmann_json_FOUND nlohmann-json3-dev "JSON traces and reports")
  find_package(CLI11 QUIET)
  vtp_require(CLI11_FOUND libcli11-dev "the tpcheck command line")
  find_package(fmt QUIET)
  vtp_require(fmt_FOUND libfmt-dev "report formatting")
endif()

if(VTP_BUILD_CHECKER AND VTP_BUILD_RELACY)
  find_path(VTP_RELACY_INCLUDE relacy/relacy.hpp)
  vtp_require(VTP_RELACY_INCLUDE relacy-dev "the Relacy engine (or configure with -DVTP_BUILD_RELACY=OFF)")
endif()

if(VTP_BUILD_BENCH)
  find_package(benchmark QUIET)
  vtp_require(benchmark_FOUND libbenchmark-dev "the benchmarks (or configure with -DVTP_BUILD_BENCH=OFF)")
endif()
