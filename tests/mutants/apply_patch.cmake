# Makes the patched copy of model/ for one mutant.  Run at build time as
#
#   cmake -DMUTANT=<name> -DPATCH_FILE=<file.patch> -DMODEL_DIR=<source>/model
#         -DDEST=<folder> -DSTAMP=<file> -P apply_patch.cmake
#
# It replaces DEST/model with a fresh copy of MODEL_DIR, checks with
# `patch --dry-run` that every hunk applies without fuzz (all context lines
# match, although the hunk may have moved), applies the patch, and touches
# STAMP.  A patch that no longer applies stops the build with the mutant's
# name and patch's output, so that a change to model/ that rewrote the
# seeded code is noticed instead of building a checker without the bug.

foreach(variable IN ITEMS MUTANT PATCH_FILE MODEL_DIR DEST STAMP)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "apply_patch.cmake: -D${variable}=... is missing")
  endif()
endforeach()

find_program(PATCH_PROGRAM patch)
if(NOT PATCH_PROGRAM)
  message(FATAL_ERROR
    "mutant ${MUTANT}: the 'patch' program is missing: install the Debian package 'patch'")
endif()

file(REMOVE_RECURSE "${DEST}/model")
file(MAKE_DIRECTORY "${DEST}")
file(COPY "${MODEL_DIR}" DESTINATION "${DEST}")

# --fuzz=0: every context line must match, so that a patch is applied only
# where it was written.  --batch: never ask a question.
set(patch_arguments -p1 --batch --fuzz=0 --no-backup-if-mismatch -i "${PATCH_FILE}")
execute_process(
  COMMAND "${PATCH_PROGRAM}" --dry-run ${patch_arguments}
  WORKING_DIRECTORY "${DEST}"
  RESULT_VARIABLE dry_run_result
  OUTPUT_VARIABLE dry_run_output
  ERROR_VARIABLE dry_run_output)
if(NOT dry_run_result EQUAL 0)
  message(FATAL_ERROR
    "mutant ${MUTANT}: ${PATCH_FILE} no longer applies to model/ "
    "(patch --dry-run exited with ${dry_run_result}):\n${dry_run_output}\n"
    "Update the patch so that it seeds the same bug in the current model/.")
endif()

execute_process(
  COMMAND "${PATCH_PROGRAM}" ${patch_arguments}
  WORKING_DIRECTORY "${DEST}"
  RESULT_VARIABLE patch_result
  OUTPUT_VARIABLE patch_output
  ERROR_VARIABLE patch_output)
if(NOT patch_result EQUAL 0)
  message(FATAL_ERROR
    "mutant ${MUTANT}: applying ${PATCH_FILE} failed after a clean dry run "
    "(patch exited with ${patch_result}):\n${patch_output}")
endif()

file(TOUCH "${STAMP}")
