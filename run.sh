#!/usr/bin/env bash
# Builds and checks vtp.  Run from anywhere; paths are relative to the
# repository root.  See `./run.sh help`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian 12 packages the build and the tests need.
readonly packages=(
  cmake ninja-build g++ clang-16 libclang-rt-16-dev doctest-dev
  nlohmann-json3-dev relacy-dev libboost-context1.81-dev libcli11-dev
  libfmt-dev systemtap-sdt-dev libbenchmark-dev python3 patch chromium
)

usage() {
  cat <<'EOF'
Usage: ./run.sh COMMAND

Commands:
  check   install missing packages, build into build/ and run the exhaustive
          check of every scenario (tpcheck check --all)
  test [STAGE...]
          install missing packages and run the named test stages, or all
          four in this order:
            gcc    g++ build of everything into build/, then all tests (ctest)
            clang  clang-16 build with thread-safety analysis into build-clang/,
                   then the production pool's tests
            tsan   ThreadSanitizer build into build-tsan/, production tests
            asan   AddressSanitizer + UBSan build into build-asan/, production tests
          Each stage prints "stage NAME: N s"; any failure or sanitizer
          report stops the run with a non-zero exit status.
  help    print this text

Packages are installed with apt-get (as root, or through sudo) only when
dpkg-query reports them missing.
EOF
}

run_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "run.sh: '$*' needs root, and sudo is not installed" >&2
    return 1
  fi
}

install_missing_packages() {
  local missing=() package
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return
  fi
  echo "run.sh: installing missing packages: ${missing[*]}"
  run_as_root apt-get update
  run_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# configure_and_build DIR [CMAKE OPTION...]
configure_and_build() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
  cmake --build "$dir"
}

# run_ctest DIR [CTEST OPTION...]: runs ctest and keeps its summary line in
# DIR/ctest-summary.txt for the closing report.
run_ctest() {
  local dir=$1
  shift
  rm -f "$dir/ctest-summary.txt"
  ctest --test-dir "$dir" -j2 --output-on-failure "$@" 2>&1 | tee "$dir/ctest-output.txt"
  grep -E '[0-9]+% tests passed' "$dir/ctest-output.txt" | tail -n 1 >"$dir/ctest-summary.txt" || true
}

# The main check: the exhaustive check of every scenario at its default
# bounds, with a summary table.  Its exit status is tpcheck's (0 pass,
# 1 violation, 3 incomplete, 4 a goal missed).
run_main_check() {
  build/checker/tpcheck check --all --trace-dir build/counterexamples
}

command_check() {
  install_missing_packages
  configure_and_build build
  run_main_check
}

stage_gcc() {
  configure_and_build build -DCMAKE_CXX_COMPILER=g++
  run_ctest build
}

stage_clang() {
  # The mutants are patched copies of the same sources; g++ builds them.
  configure_and_build build-clang -DCMAKE_CXX_COMPILER=clang++-16 -DVTP_THREAD_SAFETY=ON \
    -DVTP_BUILD_MUTANTS=OFF
  run_ctest build-clang -L production
}

stage_tsan() {
  configure_and_build build-tsan -DCMAKE_CXX_COMPILER=g++ -DVTP_SANITIZE=thread \
    -DVTP_BUILD_CHECKER=OFF -DVTP_BUILD_BENCH=OFF
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}" \
    run_ctest build-tsan -L production
}

stage_asan() {
  configure_and_build build-asan -DCMAKE_CXX_COMPILER=g++ -DVTP_SANITIZE=address \
    -DVTP_BUILD_CHECKER=OFF -DVTP_BUILD_BENCH=OFF
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}" \
    run_ctest build-asan -L production
}

# The stage that runs now, so that a failure still reports its time.
current_stage=
stage_start=0
report_failed_stage() {
  local status=$?
  if [[ -n $current_stage ]]; then
    echo "stage $current_stage: $((SECONDS - stage_start)) s (failed with status $status)" >&2
  fi
}
trap report_failed_stage EXIT

command_test() {
  local -a stages=("$@")
  local stage
  if [[ ${#stages[@]} -eq 0 ]]; then
    stages=(gcc clang tsan asan)
  fi
  for stage in "${stages[@]}"; do
    case $stage in
      gcc | clang | tsan | asan) ;;
      *)
        echo "run.sh: unknown stage '$stage': use gcc, clang, tsan or asan" >&2
        exit 2
        ;;
    esac
  done

  install_missing_packages
  local seconds
  local -a report=()
  for stage in "${stages[@]}"; do
    echo "=== stage $stage"
    current_stage=$stage
    stage_start=$SECONDS
    "stage_$stage"
    seconds=$((SECONDS - stage_start))
    current_stage=
    echo "stage $stage: $seconds s"
    report+=("stage $stage: $seconds s")
  done

  # The recap ends with the summary line of the full suite (stage gcc).
  echo "=== summary"
  printf '%s\n' "${report[@]}"
  for stage in "${stages[@]}"; do
    case $stage in
      clang) echo "build-clang (production tests): $(cat build-clang/ctest-summary.txt)" ;;
      tsan) echo "build-tsan (production tests): $(cat build-tsan/ctest-summary.txt)" ;;
      asan) echo "build-asan (production tests): $(cat build-asan/ctest-summary.txt)" ;;
    esac
  done
  if [[ " ${stages[*]} " == *" gcc "* ]]; then
    echo "build (all tests):"
    cat build/ctest-summary.txt
  fi
}

case ${1:-help} in
  check) command_check ;;
  test)
    shift
    command_test "$@"
    ;;
  help | -h | --help) usage ;;
  *)
    echo "run.sh: unknown command '$1'" >&2
    usage >&2
    exit 2
    ;;
esac
