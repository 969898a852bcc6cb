#!/bin/sh
# Counts are printed with the right number (issue 15): no "1 items". A
# format that puts a count right before a plural noun ("%u items") is
# refused; such counts go through str_plural() ("%u %s", n,
# str_plural(n, "item", "items")). Counts compared with a limit ("more
# than %d bytes", "within %ld seconds", "%zu bytes is over") are never 1 and may stay.
# String literals continued on the next line are joined first.
top=${top_srcdir:-$(dirname "$0")/../..}
nouns='items|messages|rooms|occupants|results|contacts|stanzas|bytes|lines|entries|accounts|windows|services|features|bookmarks|commands|seconds|pings|JIDs|members|requests'
count='%[0-9]*(u|d|i|zu|ld|lu|lld|llu)|%" G_G?U?INT64_FORMAT "'
hits=$(find "$top/src" -name '*.c' | sort | while read -r f; do
	sed -e ':a' -e 'N' -e '$!ba' -e 's/"\n[ \t]*"//g' "$f" |
	    grep -oE ".{0,30}($count)\"? ($nouns)\\b.{0,12}" |
	    grep -vE "(than|within) ($count)\"? ($nouns)|($count)\"? ($nouns) is over" |
	    sed "s|^|$f: |"
done)
if [ -n "$hits" ]; then
	echo "plurals: a count before a fixed plural noun (use str_plural):"
	echo "$hits"
	exit 1
fi
echo "plurals: ok"
