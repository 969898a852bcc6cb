#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs natter's build, runtime and test dependencies from Debian's
# packages. Idempotent. libstrophe >= 0.14 comes from bookworm-backports on
# Debian 12: the suite is derived from the machine's own Debian source entry
# (same URIs), never from a host name written here.
set -eu

stamp_dir=${NATTER_DEPS_STAMP_DIR:-/var/lib/natter-deps}
PKGS="build-essential autoconf automake autoconf-archive pkg-config libtool
libglib2.0-dev libncurses-dev libreadline-dev libotr5-dev libsqlite3-dev
libcmocka-dev libssl-dev prosody python3-slixmpp python3-potr python3-pytest
python3-pytest-xdist tmux openssl lua-unbound ca-certificates clang
procps iproute2 strace libexpat1-dev zlib1g-dev xz-utils libc-ares-dev
python3-dnslib libcurl4-openssl-dev"

# natter's hardened libstrophe is built from this upstream release tarball
# (patches/libstrophe/), fetched from Debian's archive and checked here and
# again by configure.
STROPHE_TARBALL=libstrophe_0.14.0.orig.tar.xz
STROPHE_SHA256=4988cccc966f5028300c8de8864c04e49e36853c92bdc92672b1fc717a4c9383
cache_dir=${NATTER_DEPS_CACHE:-/var/cache/natter-deps}

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

add_backports() {
	. /etc/os-release
	[ "${VERSION_CODENAME:-}" = bookworm ] || return 0
	have_backports && return 0
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		# deb822: take the URIs and Signed-By of the stanza whose suites
		# include "bookworm" itself.
		awk '
		/^$/ { if (main) exit; uris=""; sb=""; next }
		/^URIs:/ { uris=$0 }
		/^Signed-By:/ { sb=$0 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") main=1 }
		END { if (main) { print "Types: deb"; print uris;
			print "Suites: bookworm-backports"; print "Components: main";
			if (sb != "") print sb } }
		' /etc/apt/sources.list.d/debian.sources \
			>/etc/apt/sources.list.d/natter-backports.sources
		[ -s /etc/apt/sources.list.d/natter-backports.sources ] || \
			rm -f /etc/apt/sources.list.d/natter-backports.sources
	fi
	if ! have_backports && [ -f /etc/apt/sources.list ]; then
		line=$(grep -E '^deb[[:space:]].*[[:space:]]bookworm[[:space:]]' \
			/etc/apt/sources.list | head -n 1 || true)
		[ -n "$line" ] && echo "$line" | sed 's/ bookworm / bookworm-backports /' \
			>/etc/apt/sources.list.d/natter-backports.list
	fi
	have_backports || { echo "install-deps: no Debian source entry to derive bookworm-backports from" >&2; exit 1; }
}

strophe_ok() {
	pkg-config --atleast-version=0.14 libstrophe 2>/dev/null
}

all_installed() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 1
	done
	strophe_ok
}

tarball_ok() {
	[ -f "$cache_dir/$STROPHE_TARBALL" ] &&
	echo "$STROPHE_SHA256  $cache_dir/$STROPHE_TARBALL" | sha256sum -c --status
}

# apt-get source with a scratch deb-src list derived from the machine's own
# backports entry (same URIs, same key), so nothing here names a host. The
# mirror serves the .orig tarball but answers 404 for the .dsc, its .asc
# and the Debian diff: those errors are expected; only the tarball counts,
# and only once its checksum matches.
fetch_tarball() {
	tarball_ok && return 0
	scratch=$(mktemp -d)
	mkdir -p "$scratch/parts" "$scratch/lists/partial" "$scratch/dl"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
		/^$/ { if (bp) exit; block=""; next }
		{ block = block $0 "\n" }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm-backports") bp=1 }
		END { if (bp) printf "%s", block }
		' "$f" | sed -e 's/^Types:.*/Types: deb-src/' \
			-e 's/^Suites:.*/Suites: bookworm-backports/' \
			>>"$scratch/parts/src.sources"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		grep -E '^deb[[:space:]].*[[:space:]]bookworm-backports[[:space:]]' "$f" |
			sed 's/^deb /deb-src /' >>"$scratch/parts/src.list" || true
	done
	aptopts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$scratch/parts
		-o Dir::State::Lists=$scratch/lists -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	apt-get $aptopts update -q >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	(cd "$scratch/dl" && apt-get $aptopts source --download-only -q \
		libstrophe/bookworm-backports >/dev/null 2>&1) || true
	mkdir -p "$cache_dir"
	if [ -f "$scratch/dl/$STROPHE_TARBALL" ]; then
		cp "$scratch/dl/$STROPHE_TARBALL" "$cache_dir/$STROPHE_TARBALL.part"
		mv "$cache_dir/$STROPHE_TARBALL.part" "$cache_dir/$STROPHE_TARBALL"
	fi
	rm -rf "$scratch"
	if tarball_ok; then
		echo "install-deps: $STROPHE_TARBALL verified in $cache_dir"
	else
		rm -f "$cache_dir/$STROPHE_TARBALL"
		echo "install-deps: warning: $STROPHE_TARBALL could not be fetched or" \
			"failed its checksum; natter will build against the stock" \
			"libstrophe (hardening patches missing)" >&2
	fi
}

if all_installed; then
	fetch_tarball
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
add_backports
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
if ! strophe_ok; then
	. /etc/os-release
	if [ "${VERSION_CODENAME:-}" = bookworm ]; then
		apt-get install -y -q --no-install-recommends -t bookworm-backports libstrophe-dev
	else
		apt-get install -y -q --no-install-recommends libstrophe-dev
	fi
fi
strophe_ok || { echo "install-deps: libstrophe >= 0.14 not available" >&2; exit 1; }
# The Prosody package starts a system instance; natter's tests never use it.
if command -v systemctl >/dev/null 2>&1; then systemctl stop prosody >/dev/null 2>&1 || true; fi
if [ -x /etc/init.d/prosody ]; then /etc/init.d/prosody stop >/dev/null 2>&1 || true; fi
fetch_tarball
mkdir -p "$stamp_dir" 2>/dev/null || true
