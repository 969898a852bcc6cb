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
procps iproute2 strace"

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

if all_installed; then
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
mkdir -p "$stamp_dir" 2>/dev/null || true
