#!/bin/sh
# The man page's command reference must be what the command table renders
# (natter --dump-commands=man) between the COMMANDS markers of doc/natter.1,
# and its event reference what the event table renders
# (natter --dump-commands=events) between the EVENTS markers.
# With --update, rewrite those sections instead.
top=${top_srcdir:-$(dirname "$0")/../..}
bin=${top_builddir:-.}/natter
page=$top/doc/natter.1
tmp=$(mktemp); gen=$(mktemp)
trap 'rm -f "$tmp" "$gen"' EXIT
fail=0

# section FORMAT MARKER: check (or with --update rewrite) one generated part.
section() {
	"$bin" --dump-commands="$1" > "$gen" ||
	    { echo "man: cannot run $bin"; exit 1; }
	grep -q "^\.\\\\\" BEGIN $2" "$page" ||
	    { echo "man: no BEGIN $2 marker in doc/natter.1"; exit 1; }
	if [ "$update" = 1 ]; then
		sed -n "1,/^\.\\\\\" BEGIN $2/p" "$page" > "$tmp"
		cat "$gen" >> "$tmp"
		sed -n "/^\.\\\\\" END $2/,\$p" "$page" >> "$tmp"
		cp "$tmp" "$page"
		return
	fi
	sed -n "/^\.\\\\\" BEGIN $2/,/^\.\\\\\" END $2/p" "$page" |
	    sed '1d;$d' > "$tmp"
	if ! diff -u "$tmp" "$gen"; then
		echo "man: doc/natter.1 $2 section is out of date: make update-man"
		fail=1
	fi
}

update=0
[ "$1" = "--update" ] && update=1
section man COMMANDS
section events EVENTS
if [ "$update" = 1 ]; then
	echo "man: updated $page"
	exit 0
fi
[ "$fail" = 0 ] || exit 1
# Every command of the table appears in the page.
for c in $("$bin" --dump-commands=man | sed -n 's/^\.B \/\([a-z]*\).*/\1/p' | sort -u); do
	grep -q "^\.B /$c" "$page" || { echo "man: /$c missing"; exit 1; }
done
echo "man: ok"
