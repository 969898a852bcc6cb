#!/bin/sh
# SPDX-License-Identifier: MIT
# natter's Run command (README): install dependencies, build, start the
# private demo server and open natter connected to it.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
if [ ! -x build/natter ] || [ -n "$(find src -newer build/natter -name '*.[ch]' | head -n 1)" ]; then
	autoreconf -fi >/dev/null
	mkdir -p build
	(cd build && { [ -f Makefile ] || ../configure -q; } && make -s -j"$(nproc 2>/dev/null || echo 2)")
fi
exec /usr/bin/python3 scripts/demo.py "$(pwd)/build/natter"
