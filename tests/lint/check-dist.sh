#!/bin/sh
# SPDX-License-Identifier: MIT
# Every test, lint script, theme, script and document in the source tree is named in
# Makefile.am, so `make dist` ships it (a test file left out of EXTRA_DIST
# silently disappears from a release's test suite).
set -u
src=${top_srcdir:-.}
status=0
for f in "$src"/tests/functional/*.py "$src"/tests/lint/*.sh \
    "$src"/tests/unit/*/*.c "$src"/themes/*.theme "$src"/scripts/* \
    "$src"/doc/*; do
	[ -e "$f" ] || continue
	rel=${f#"$src"/}
	if ! grep -q "$rel" "$src/Makefile.am"; then
		echo "dist: $rel is not named in Makefile.am (EXTRA_DIST or a SOURCES list)"
		status=1
	fi
done
exit $status
