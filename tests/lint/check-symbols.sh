#!/bin/sh
# SPDX-License-Identifier: MIT
# No global symbol of natter's has the name of one a shared library it
# links exports. The dynamic linker binds a library's own calls to the
# executable's definition of the same name, so such a function silently
# replaces the library's: natter's history_search() once stood in for
# readline's, and readline's non-incremental history search (Alt-p)
# called it with the wrong arguments and crashed natter. The libraries
# natter opens with dlopen() (libotr, libcurl: config.h names them) and
# theirs are looked up through the executable first too.
set -u
bin=${top_builddir:-.}/natter
if [ ! -x "$bin" ]; then
	echo "symbols: $bin is not built"
	exit 1
fi
ours=$(mktemp) theirs=$(mktemp)
trap 'rm -f "$ours" "$theirs"' EXIT
config=${top_builddir:-.}/config.h
# The shared libraries: linked, opened later, and what those link.
libs() {
	{
		ldd "$bin"
		for so in $(sed -n 's/^#define [A-Z]*_SONAME "\(.*\)"$/\1/p' "$config"); do
			path=$(ldconfig -p | awk -v so="$so" '$1 == so && $NF ~ /^\// { print $NF; exit }')
			[ -n "$path" ] && { echo "$so => $path (0)"; ldd "$path"; }
		done
	} | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u
}
# natter's own global functions (its data of the same name as a
# library's are that library's variables, copied in by the linker); the
# C runtime's begin with an underscore, and main is main.
nm --defined-only -g "$bin" | awk '$2 == "T" && $3 !~ /^_/ && $3 != "main" { print $3 }' |
    sort -u > "$ours"
: > "$theirs"
for lib in $(libs); do
	nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }' >> "$theirs"
done
sort -u -o "$theirs" "$theirs"
clash=$(comm -12 "$ours" "$theirs")
if [ -n "$clash" ]; then
	echo "symbols: natter defines names a linked library exports (rename them):"
	for s in $clash; do
		for lib in $(libs); do
			nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }' |
			    grep -qx "$s" && echo "  $s (also in $lib)"
		done
	done
	exit 1
fi
echo "symbols: ok ($(wc -l < "$ours") functions, none named as one of $(libs | wc -l) libraries' symbols)"
