#!/bin/sh
# Nothing advertised that does not work (issue 15, item 7):
# - every option natter --help lists is accepted by natter (and is in the
#   man page's OPTIONS);
# - every "/help X [Y]" written in the man page, the README or a string of
#   the sources resolves (/help X Y answers with help, not an error).
# The command table's own texts are checked by tests/unit/cmd/test-cmd-table.
top=${top_srcdir:-$(dirname "$0")/../..}
bin=${top_builddir:-.}/natter
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data \
    XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache HOME=$tmp
fail=0

# A sample value for each metavariable --help shows.
sample() {
	case $1 in
	ACCOUNT) echo nosuch ;;
	COMMAND) echo /about ;;
	SCRIPT) echo /dev/null ;;
	LEVEL) echo info ;;
	PATH) echo "$tmp/socket" ;;
	SECONDS) echo 1 ;;
	FILE) echo /dev/null ;;
	*) echo "help: no sample value for $1 in check-help.sh" >&2
	   echo "" ;;
	esac
}

"$bin" --help > "$tmp/help" || { echo "help: natter --help failed"; exit 1; }
sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}--\([a-z][a-z-]*\)\(=\([A-Z_]*\)\)\{0,1\} .*/\2 \4/p' \
    "$tmp/help" > "$tmp/opts"
[ -s "$tmp/opts" ] || { echo "help: no options found in natter --help"; exit 1; }
while read -r name meta; do
	case $name in help|help-all) continue ;; esac
	if [ "$name" = diff ]; then	# two reports as arguments
		echo '{"domain":"x"}' > "$tmp/report.json"
		"$bin" --diff "$tmp/report.json" "$tmp/report.json" > /dev/null \
		    2> "$tmp/err"
	elif [ -n "$meta" ]; then
		val=$(sample "$meta")
		[ -n "$val" ] || { fail=1; continue; }
		"$bin" --batch "--$name=$val" < /dev/null > /dev/null \
		    2> "$tmp/err"
	else
		"$bin" --batch "--$name" < /dev/null > /dev/null 2> "$tmp/err"
	fi
	if grep -q 'natter --help)\|not available' "$tmp/err"; then
		echo "help: natter --help lists --$name, which is refused:"
		cat "$tmp/err"
		fail=1
	fi
	sed -n '/^\.SH OPTIONS/,/^\.SH /s/\\-/-/gp' "$top/doc/natter.1" |
	    grep -q -- "--$name\\b" || {
		echo "help: --$name is not in the man page's OPTIONS"; fail=1; }
done < "$tmp/opts"

# "/help WORD [WORD]" references; "lists" and "shows" are prose.
{ sed 's/\\-/-/g' "$top/doc/natter.1"; cat "$top/README.md";
  find "$top/src" -name '*.[ch]' -exec cat {} +; } |
    grep -o '/help\( [a-z][a-z0-9._-]*\)\{1,2\}' | sort -u > "$tmp/refs"
while read -r _ w1 w2; do
	case $w1 in lists|shows) continue ;; esac
	line="/help $w1${w2:+ $w2}"
	if ! echo "$line" | "$bin" --batch > /dev/null 2> "$tmp/err"; then
		# "/help cmd word": the word may be prose after a command
		# without subcommands.
		if [ -n "$w2" ] && grep -q 'has no subcommands' "$tmp/err" &&
		    echo "/help $w1" | "$bin" --batch > /dev/null 2>&1; then
			continue
		fi
		echo "help: '$line' does not resolve:"
		cat "$tmp/err"
		fail=1
	fi
done < "$tmp/refs"
[ $fail = 0 ] && echo "help: ok"
exit $fail
