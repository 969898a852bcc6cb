#!/bin/sh
# SPDX-License-Identifier: MIT
# natter's Test command (README): install dependencies, build, run every
# suite: unit + lint (make check), libFuzzer harnesses (make check-fuzz),
# functional (real Prosody, tmux), the benchmark harness at smoke sizes
# (bench/README.md: every PRODUCT §12 scenario once; fails if a scenario
# cannot complete or natter loses a message, budgets not judged), make
# distcheck, then an ASan+UBSan build that reruns unit and functional tests.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh scripts/install-deps.sh
autoreconf -fi >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build (warnings are errors)"
rm -rf build build-san
mkdir build
(cd build && ../configure -q --enable-werror && make -s -j"$jobs")

echo "== unit and lint tests"
(cd build && make -s check -j"$jobs") || { cat build/test-suite.log; exit 1; }

echo "== fuzzing (libFuzzer, bounded time)"
(cd build && make -s check-fuzz FUZZ_SECONDS=20)

echo "== functional tests"
(cd build && make -s check-functional PYTEST_ARGS="-n $jobs")

echo "== benchmark harness (make bench-smoke)"
(cd build && make -s bench-smoke)

echo "== make distcheck"
(cd build && make -s distcheck >/dev/null) || { echo "distcheck failed"; exit 1; }

echo "== sanitizer build (ASan + UBSan)"
mkdir build-san
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
(cd build-san && ../configure -q --enable-sanitizers && make -s -j"$jobs")
(cd build-san && make -s check -j"$jobs") || { cat build-san/test-suite.log; exit 1; }
(cd build-san && make -s check-functional PYTEST_ARGS="-n $jobs")
echo "== all tests passed"
