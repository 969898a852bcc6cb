#!/bin/sh
# SPDX-License-Identifier: MIT
# Replays each fuzz harness's seed corpus with the normal build (and the
# sanitizer build): part of `make check`. libFuzzer runs: `make check-fuzz`.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
for t in xmlpretty cmd-parse redact accounts theme stanza query json \
    xmlsplit; do
	"$top_builddir/tests/fuzz/replay-$t" "$top_srcdir"/tests/fuzz/corpus/$t/*
done
