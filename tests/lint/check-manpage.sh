#!/bin/sh
# The man page's command reference must be what the command table renders
# (natter --dump-commands=man) between the COMMANDS markers of doc/natter.1.
# With --update, rewrite that section instead.
top=${top_srcdir:-$(dirname "$0")/../..}
bin=${top_builddir:-.}/natter
page=$top/doc/natter.1
tmp=$(mktemp); gen=$(mktemp)
trap 'rm -f "$tmp" "$gen"' EXIT
"$bin" --dump-commands=man > "$gen" || { echo "man: cannot run $bin"; exit 1; }
if [ "$1" = "--update" ]; then
	sed -n '1,/^\.\\" BEGIN COMMANDS/p' "$page" > "$tmp"
	cat "$gen" >> "$tmp"
	sed -n '/^\.\\" END COMMANDS/,$p' "$page" >> "$tmp"
	cp "$tmp" "$page"
	echo "man: updated $page"
	exit 0
fi
sed -n '/^\.\\" BEGIN COMMANDS/,/^\.\\" END COMMANDS/p' "$page" | sed '1d;$d' > "$tmp"
if ! diff -u "$tmp" "$gen"; then
	echo "man: doc/natter.1 command reference is out of date: make update-man"
	exit 1
fi
# Every command of the table appears in the page.
for c in $("$bin" --dump-commands=man | sed -n 's/^\.B \/\([a-z]*\).*/\1/p' | sort -u); do
	grep -q "^\.B /$c" "$page" || { echo "man: /$c missing"; exit 1; }
done
echo "man: ok"
