# Checks, before a mutant's copy of a target is linked, that it takes from
# the ordinary build exactly the object files it should.  Run as
#
#   cmake -DOBJECT_LIST=<file> -DEXPECTED=<count> -DTARGET=<name> -P check_objects.cmake
#
# OBJECT_LIST holds the object files that the copy's sources picked out of
# $<TARGET_OBJECTS:TARGET> by name (tests/mutants/CMakeLists.txt).  A count
# other than EXPECTED means that CMake names object files in another way
# than the suite expects, and the copy would silently lack code.

foreach(variable IN ITEMS OBJECT_LIST EXPECTED TARGET)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "check_objects.cmake: -D${variable}=... is missing")
  endif()
endforeach()

file(READ "${OBJECT_LIST}" objects)
string(STRIP "${objects}" objects)
list(LENGTH objects count)
if(NOT count EQUAL EXPECTED)
  message(FATAL_ERROR
    "the seeded-bug suite expected ${EXPECTED} object files of ${TARGET} and found ${count}:\n"
    "  ${objects}\n"
    "CMake names object files differently than vtp_object_files() in "
    "tests/mutants/CMakeLists.txt assumes: update the pattern there.")
endif()
