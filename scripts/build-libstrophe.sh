#!/bin/sh
# SPDX-License-Identifier: MIT
# Prepares natter's hardened libstrophe in the build tree: unpacks the
# verified upstream release tarball, applies natter's patch series in the
# order of its series file and configures a static, position-independent
# build. make then builds it (libstrophe/build) and natter links it.
#
# usage: build-libstrophe.sh TARBALL SHA256 PATCHDIR OUTDIR CC
set -eu
tarball=$1 sha=$2 patchdir=$3 out=$4 cc=$5

echo "$sha  $tarball" | sha256sum -c --status || {
	echo "build-libstrophe: $tarball fails its checksum" >&2; exit 1; }
rm -rf "$out/src" "$out/build" "$out/stamp-patched"
mkdir -p "$out/src" "$out/build"
xz -dc "$tarball" | tar -x -C "$out/src" --strip-components=1
# Each line of the series names one patch; '#' starts a comment.
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$patchdir/series" | while read -r p; do
	patch -d "$out/src" -p1 -s --no-backup-if-mismatch <"$patchdir/$p" || {
		echo "build-libstrophe: $p does not apply" >&2; exit 1; }
done
mkdir -p "$out/src/m4"
(cd "$out/src" && autoreconf -fi) >"$out/configure.log" 2>&1 && \
(cd "$out/build" && ../src/configure --disable-shared --enable-static \
	--with-pic --disable-examples CC="$cc" CFLAGS="-O2 -g") \
	>>"$out/configure.log" 2>&1 || {
	tail -n 30 "$out/configure.log" >&2
	echo "build-libstrophe: configuring libstrophe failed" >&2; exit 1; }
touch "$out/stamp-patched"
